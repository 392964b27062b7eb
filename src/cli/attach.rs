//! Attachments given with `--attach`: checked, named safely, staged.

use crate::domain::model::ByteSize;
use crate::store::{attachment_name, Transaction};
use anyhow::{bail, Context, Result};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// A file to store in a ticket's `attachments/` folder.
pub struct Attachment {
    pub name: String,
    bytes: Vec<u8>,
}

/// Reads every `--attach` file, refusing missing files, folders and files
/// over the size limit, and gives each a safe name not yet used in `dir`.
pub fn load(paths: &[PathBuf], limit: ByteSize, dir: &Path) -> Result<Vec<Attachment>> {
    let mut taken: HashSet<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    let mut out = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path)
            .with_context(|| format!("cannot attach {}: no such file", path.display()))?;
        if meta.is_dir() {
            bail!(
                "cannot attach {}: it is a folder; attach files (or zip the folder)",
                path.display()
            );
        }
        if meta.len() > limit.bytes {
            bail!(
                "cannot attach {}: it is {:.1} MiB, over the {limit} limit (attachments.max_size in helpdesk.yaml)",
                path.display(),
                meta.len() as f64 / (1 << 20) as f64
            );
        }
        let bytes =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        let raw = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let name = unique(&attachment_name(&raw), &taken);
        taken.insert(name.clone());
        out.push(Attachment { name, bytes });
    }
    Ok(out)
}

/// Stages attachments under `<ticket>/attachments/`.
pub fn stage(tx: &mut Transaction, ticket_rel: &Path, attachments: Vec<Attachment>) -> Vec<String> {
    attachments
        .into_iter()
        .map(|a| {
            tx.create(ticket_rel.join("attachments").join(&a.name), a.bytes);
            a.name
        })
        .collect()
}

/// `scan.pdf`, then `scan-2.pdf`, `scan-3.pdf`…
fn unique(name: &str, taken: &HashSet<String>) -> String {
    if !taken.contains(name) {
        return name.to_string();
    }
    let (stem, ext) = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => (stem, format!(".{ext}")),
        _ => (name, String::new()),
    };
    (2..)
        .map(|n| format!("{stem}-{n}{ext}"))
        .find(|candidate| !taken.contains(candidate))
        .expect("some suffix is free")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffixes_duplicates() {
        let taken: HashSet<String> = ["scan.pdf".to_string(), "scan-2.pdf".to_string()].into();
        assert_eq!(unique("scan.pdf", &taken), "scan-3.pdf");
        assert_eq!(
            unique("notes", &HashSet::from(["notes".to_string()])),
            "notes-2"
        );
        assert_eq!(unique("new.pdf", &taken), "new.pdf");
    }
}
