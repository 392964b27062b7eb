//! Files a clone keeps for itself in `.git/tkt/` (password hashes, the
//! web key, the renumbering log, the audit cache). Each is written whole
//! through a temporary file in the same folder, synced and renamed into
//! place, so a crash leaves the old file or the new one, never half of
//! one. The temporary file is made with mode 0600 (tempfile's own), so
//! the file stays readable by its owner only: two of them are secrets.

use anyhow::{Context, Result};
use std::io::Write;
use std::path::Path;

/// Replaces `path` with `bytes`, atomically and privately.
pub fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    let cannot = || format!("cannot write {}", path.display());
    let dir = path.parent().expect("a clone's file lives in .git/tkt");
    std::fs::create_dir_all(dir).with_context(cannot)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).with_context(cannot)?;
    tmp.write_all(bytes).with_context(cannot)?;
    tmp.as_file().sync_all().with_context(cannot)?;
    tmp.persist(path).with_context(cannot)?;
    Ok(())
}

/// Every `*.json` record in `dir` (none when the folder does not exist),
/// in no particular order; a file that is not a `what` is an error naming
/// it.
pub fn read_records<T: serde::de::DeserializeOwned>(dir: &Path, what: &str) -> Result<Vec<T>> {
    let Ok(listing) = std::fs::read_dir(dir) else {
        return Ok(vec![]);
    };
    let mut out = Vec::new();
    for item in listing {
        let path = item?.path();
        if path.extension().is_some_and(|e| e == "json") {
            let bytes =
                std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
            let record = serde_json::from_slice(&bytes)
                .with_context(|| format!("{} is not {what}; remove it", path.display()))?;
            out.push(record);
        }
    }
    Ok(out)
}

/// Removes `path`; one already gone is fine.
pub fn remove(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e).with_context(|| format!("cannot remove {}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn a_clone_file_is_replaced_whole_and_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tkt/secret");
        write(&path, b"first").unwrap();
        write(&path, b"second").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let left: Vec<_> = std::fs::read_dir(path.parent().unwrap()).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file is left behind");
    }
}
