//! Writing committed files into the work tree: each file through a
//! temporary file and a rename, so a reader never sees half a file and a
//! crash leaves at most a `.tkt-*.tmp` that the next run sweeps away.

use anyhow::{Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The prefix and suffix of in-flight temporary files.
const TMP_PREFIX: &str = ".tkt-";
const TMP_SUFFIX: &str = ".tmp";

/// Makes `path` hold `bytes` (creating folders), or removes it (and the
/// folders that become empty, up to `top`) when `bytes` is `None`.
pub fn put(top: &Path, path: &Path, bytes: Option<&[u8]>) -> Result<()> {
    match bytes {
        Some(bytes) => {
            let dir = path.parent().context("file has no folder")?;
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            write_atomically(path, bytes)
        }
        None => {
            match std::fs::remove_file(path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(e).with_context(|| format!("cannot remove {}", path.display()))
                }
            }
            remove_empty_folders(top, path);
            Ok(())
        }
    }
}

/// Removes the folders above `path` that are empty, stopping at `top`.
fn remove_empty_folders(top: &Path, path: &Path) {
    for dir in path.ancestors().skip(1) {
        if dir == top || !dir.starts_with(top) || std::fs::remove_dir(dir).is_err() {
            break;
        }
    }
}

/// Writes through a temporary file in the same folder and renames it into
/// place, so a crash never leaves a half-written file.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().context("file has no folder")?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(TMP_PREFIX).suffix(TMP_SUFFIX);
    // Temporary files are private (0600) by default; tracker files are
    // ordinary files, readable as the user's umask allows.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut tmp = builder
        .tempfile_in(dir)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    tmp.write_all(bytes)
        .with_context(|| format!("cannot write {}", path.display()))?;
    tmp.persist(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// Refuses a path whose folders below `top` include a symbolic link: a
/// write there would land wherever the link points, outside the tracker.
pub fn ensure_no_links(top: &Path, rel: &str) -> Result<()> {
    let mut dir = top.to_path_buf();
    let folders: Vec<&str> = rel.split('/').collect();
    for name in &folders[..folders.len().saturating_sub(1)] {
        dir.push(name);
        match std::fs::symlink_metadata(&dir) {
            Ok(meta) if meta.file_type().is_symlink() => anyhow::bail!(
                "{} is a symbolic link; tkt does not write through links (see `tkt check`); nothing was written",
                dir.strip_prefix(top).unwrap_or(&dir).display()
            ),
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => break,
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", dir.display())),
        }
    }
    Ok(())
}

/// Removes temporary files a killed run left in the folders of `paths`.
pub fn sweep_temporary_files(paths: &[PathBuf]) {
    let mut dirs: Vec<&Path> = paths.iter().filter_map(|p| p.parent()).collect();
    dirs.sort();
    dirs.dedup();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with(TMP_PREFIX) && name.ends_with(TMP_SUFFIX) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

/// The blob id git would give the file at `path`, or `None` if there is
/// no regular file there (a symlink or folder counts as changed: `Err`).
pub fn blob_id(path: &Path) -> Result<Option<git2::Oid>, ()> {
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Ok(meta) if meta.is_file() => {
            let bytes = std::fs::read(path).map_err(|_| ())?;
            git2::Oid::hash_object(git2::ObjectType::Blob, &bytes)
                .map(Some)
                .map_err(|_| ())
        }
        _ => Err(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_never_go_through_a_linked_folder() {
        let dir = tempfile::tempdir().unwrap();
        let top = dir.path().join("repo");
        let outside = dir.path().join("outside");
        std::fs::create_dir_all(top.join("tickets")).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::os::unix::fs::symlink(&outside, top.join("faq")).unwrap();
        assert!(ensure_no_links(&top, "tickets/TKT001/ticket.md").is_ok());
        assert!(ensure_no_links(&top, "helpdesk.yaml").is_ok());
        let err = ensure_no_links(&top, "faq/new.md").unwrap_err().to_string();
        assert!(err.starts_with("faq is a symbolic link"), "{err}");
    }

    #[test]
    fn removing_the_last_file_removes_the_folders_it_leaves_empty() {
        let dir = tempfile::tempdir().unwrap();
        let top = dir.path();
        let file = top.join("tickets/TKT001/replies/a.md");
        put(top, &file, Some(b"x")).unwrap();
        std::fs::write(top.join("tickets/keep.md"), "k").unwrap();
        put(top, &file, None).unwrap();
        assert!(!top.join("tickets/TKT001").exists());
        assert!(top.join("tickets/keep.md").exists());
    }
}
