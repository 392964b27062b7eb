//! `--attach FILE`: the files a user named, opened as uploads for the
//! application layer (which reads them up to the size limit and names them
//! safely). Only the CLI knows about paths.

use crate::app::Upload;
use anyhow::{bail, Context, Result};
use std::path::PathBuf;

/// Opens every `--attach` file, refusing missing files and folders.
pub fn open(paths: &[PathBuf]) -> Result<Vec<Upload>> {
    let mut uploads = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path)
            .with_context(|| format!("cannot attach {}: no such file", path.display()))?;
        if meta.is_dir() {
            bail!(
                "cannot attach {}: it is a folder; attach files (or zip the folder)",
                path.display()
            );
        }
        // A pipe or device would block or never end: only plain files.
        if !meta.is_file() {
            bail!(
                "cannot attach {}: it is not a regular file (a pipe, socket or device); save its contents to a file and attach that",
                path.display()
            );
        }
        let file =
            std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        uploads.push(Upload::new(name, file));
    }
    Ok(uploads)
}
