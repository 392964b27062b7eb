//! Attachments as a front end hands them in: a name and a reader, read no
//! further than the tracker's size limit, then named safely and staged.
//! Where the bytes come from (a file the user named, a form upload, a
//! mail part) is the front end's business.

use crate::domain::model::config::Config;
use crate::domain::model::ByteSize;
use crate::domain::refusal::Refusal;
use crate::domain::trailers::Via;
use crate::store::{attachment_name, Transaction};
use anyhow::Result;
use std::collections::HashSet;
use std::io::Read;
use std::path::Path;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

/// One attachment handed in by a front end.
pub struct Upload {
    /// The name it came with (a file name, a form's filename); it is made
    /// safe before use.
    pub name: String,
    pub content: Box<dyn Read + Send>,
}

impl Upload {
    pub fn new(name: impl Into<String>, content: impl Read + Send + 'static) -> Upload {
        Upload {
            name: name.into(),
            content: Box::new(content),
        }
    }

    pub fn from_bytes(name: impl Into<String>, bytes: Vec<u8>) -> Upload {
        Upload::new(name, std::io::Cursor::new(bytes))
    }
}

/// How many attachments one change may carry and how large each may be.
/// From the command line: any number, each within `attachments.max_size`.
/// Through the web forms (`Via: web`): the `web: limits` as well, so a
/// requester's upload is held to what the form promised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadLimits {
    pub files: usize,
    pub file_size: ByteSize,
    /// The setting that bounds `file_size`, named in a refusal.
    setting: &'static str,
}

impl UploadLimits {
    pub fn of(config: &Config, via: Option<Via>) -> UploadLimits {
        let tracker_wide = UploadLimits {
            files: usize::MAX,
            file_size: config.attachments.max_size,
            setting: "attachments.max_size",
        };
        match (&config.web, via) {
            (Some(web), Some(Via::Web)) => {
                let web = &web.limits;
                let smaller = web.attachment_size.bytes < tracker_wide.file_size.bytes;
                UploadLimits {
                    files: web.attachments,
                    file_size: if smaller {
                        web.attachment_size
                    } else {
                        tracker_wide.file_size
                    },
                    setting: if smaller {
                        "web: limits: attachment_size"
                    } else {
                        tracker_wide.setting
                    },
                }
            }
            _ => tracker_wide,
        }
    }
}

/// An attachment read, checked and named, ready to stage.
pub struct Attachment {
    pub name: String,
    bytes: Vec<u8>,
}

/// Reads every upload up to the size limit (one byte more tells it is too
/// big), and gives each a safe name not yet used in the ticket's `dir`.
pub fn read_all(uploads: Vec<Upload>, limits: UploadLimits, dir: &Path) -> Result<Vec<Attachment>> {
    if uploads.len() > limits.files {
        return Err(Refusal::invalid(
            "attachments",
            format!(
                "at most {} attachments at once (web: limits: attachments in helpdesk.yaml)",
                limits.files
            ),
        )
        .into());
    }
    let limit = limits.file_size;
    let mut taken: HashSet<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    let mut out = Vec::new();
    for upload in uploads {
        let mut bytes = Vec::new();
        upload
            .content
            .take(limit.bytes.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", upload.name))?;
        if bytes.len() as u64 > limit.bytes {
            return Err(Refusal::invalid(
                "attachments",
                format!(
                    "cannot attach {}: it is over the {limit} limit ({} in helpdesk.yaml)",
                    upload.name, limits.setting
                ),
            )
            .into());
        }
        let name = unique(
            &attachment_name(&without_format_controls(&upload.name)),
            &taken,
        );
        taken.insert(name.clone());
        out.push(Attachment { name, bytes });
    }
    Ok(out)
}

/// `name` without Unicode format characters (category Cf): bidi controls
/// such as U+202E make `photo\u{202E}gnp.exe` read as "photoexe.png",
/// and zero-width ones hide what a name really says. Used when a file is
/// attached and again when the site publishes names committed before.
pub fn without_format_controls(name: &str) -> String {
    name.chars()
        .filter(|c| c.general_category() != GeneralCategory::Format)
        .collect()
}

/// Stages attachments under `<ticket>/attachments/`; returns their names.
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

    fn each(bytes: u64) -> UploadLimits {
        UploadLimits {
            files: 3,
            file_size: ByteSize { bytes },
            setting: "attachments.max_size",
        }
    }

    #[test]
    fn format_controls_are_stripped_from_names() {
        for (raw, clean) in [
            ("photo\u{202E}gnp.exe", "photognp.exe"),
            ("a\u{200E}b\u{200F}c\u{200B}d.txt", "abcd.txt"),
            ("\u{2066}x\u{2067}y\u{2068}z\u{2069}.pdf", "xyz.pdf"),
            ("\u{FEFF}bom.txt", "bom.txt"),
            ("\u{061C}\u{00AD}soft.txt", "soft.txt"),
            (
                "Überweisung & Rita's brief.txt",
                "Überweisung & Rita's brief.txt",
            ),
        ] {
            assert_eq!(without_format_controls(raw), clean, "{raw:?}");
        }
        let dir = tempfile::tempdir().unwrap();
        let upload = |name: &str| Upload::from_bytes(name, b"x".to_vec());
        let read = read_all(
            vec![upload("photo\u{202E}gnp.exe"), upload("\u{202E}\u{200B}")],
            each(1024),
            dir.path(),
        )
        .unwrap();
        let names: Vec<&str> = read.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["photognp.exe", "attachment"]);
    }

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

    #[test]
    fn reads_no_further_than_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let endless = Upload::new("zero", std::io::repeat(0));
        let err = read_all(vec![endless], each(1024), dir.path())
            .err()
            .unwrap();
        let refusal = err.downcast_ref::<Refusal>().unwrap();
        assert_eq!(refusal.field, Some("attachments"));
        let ok = read_all(
            vec![Upload::from_bytes("a.txt", b"hi".to_vec())],
            each(2),
            dir.path(),
        )
        .unwrap();
        assert_eq!(ok[0].name, "a.txt");
    }

    #[test]
    fn web_uploads_are_held_to_the_web_limits_too() {
        let mut config: Config = serde_yaml::from_str(
            "name: D\ncategories: []\nattachments: {max_size: 2MiB}\n\
             web: {base_url: 'https://h.example.org', limits: {attachments: 2, attachment_size: 1MiB}}\n",
        )
        .unwrap();
        let web = UploadLimits::of(&config, Some(Via::Web));
        assert_eq!((web.files, web.file_size.bytes), (2, 1 << 20));
        let cli = UploadLimits::of(&config, None);
        assert_eq!((cli.files, cli.file_size.bytes), (usize::MAX, 2 << 20));
        // The tracker-wide limit holds when it is the smaller one.
        config.attachments.max_size = ByteSize { bytes: 1024 };
        let web = UploadLimits::of(&config, Some(Via::Web));
        assert_eq!((web.files, web.file_size.bytes), (2, 1024));
        let dir = tempfile::tempdir().unwrap();
        let three = (0..3)
            .map(|i| Upload::from_bytes(format!("{i}.txt"), vec![b'x']))
            .collect();
        let err = read_all(three, web, dir.path()).err().unwrap();
        let refusal = err.downcast_ref::<Refusal>().unwrap();
        assert_eq!(refusal.field, Some("attachments"));
        assert!(
            refusal.message.contains("at most 2 attachments"),
            "{refusal:?}"
        );
    }
}
