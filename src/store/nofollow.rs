//! Reading the tracker without ever following a symbolic link. A link
//! committed to the tracker (`tickets/TKT001/attachments -> /home/me`)
//! could point anywhere on the machine that reads it: the site would
//! publish what it finds there, and lists would show files from outside
//! the repository. So the store treats every link under the tracker as
//! absent (and `tkt check` reports it): the last component of a path is
//! opened with `O_NOFOLLOW`, and the folders leading to it are checked with
//! `lstat` first.

use std::fs::File;
use std::io::{self, Read};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// Opens a regular file for reading, refusing a symlink (`O_NOFOLLOW`)
/// and anything else that is not a plain file (a FIFO would block: it is
/// opened non-blocking and refused).
pub fn open_file(path: &Path) -> io::Result<File> {
    Ok(open_sized(path)?.0)
}

/// [`open_file`], with the file's size.
fn open_sized(path: &Path) -> io::Result<(File, usize)> {
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| match e.raw_os_error() {
            Some(libc::ELOOP) => link_error(path),
            _ => e,
        })?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(io::Error::other("not a regular file"));
    }
    Ok((file, meta.len() as usize))
}

/// The whole file as UTF-8 text, unless it is a link or not a plain file.
/// Sized from the `fstat` that `open_file` made anyway (std's own
/// `read_to_string` would `statx` and `lseek` each file again, which
/// `tkt check` does 60,000 times on a big tracker).
pub fn read_to_string(path: &Path) -> io::Result<String> {
    let (file, len) = open_sized(path)?;
    let mut bytes = Vec::with_capacity(len + 1);
    file.take(u64::MAX).read_to_end(&mut bytes)?;
    String::from_utf8(bytes).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        )
    })
}

/// Checks that no folder of `rel` below `root` is a symbolic link, so a
/// path built from them stays inside the tracker. A missing folder is not
/// an error here (reading the file then says what is missing). The error
/// names the first link found.
pub fn check_folders(root: &Path, rel: &Path) -> Result<(), (PathBuf, io::Error)> {
    let mut path = root.to_path_buf();
    for part in rel.components() {
        path.push(part);
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let error = link_error(&path);
                return Err((path, error));
            }
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err((path, e)),
        }
    }
    Ok(())
}

/// Why a link was not followed, with where it points.
pub fn link_error(path: &Path) -> io::Error {
    io::Error::other(LinkError {
        target: link_target(path),
    })
}

/// A symbolic link met where the store reads.
#[derive(Debug)]
pub struct LinkError {
    target: Option<PathBuf>,
}

impl std::fmt::Display for LinkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "is a symbolic link")?;
        if let Some(target) = &self.target {
            write!(f, " to {}", target.display())?;
        }
        write!(
            f,
            "; tkt never follows links inside the tracker (replace it with the real file or folder)"
        )
    }
}

impl std::error::Error for LinkError {}

/// True when `error` is a refused link, which needs no "cannot read".
pub fn is_link_error(error: &io::Error) -> bool {
    error.get_ref().is_some_and(|inner| inner.is::<LinkError>())
}

/// Where a symbolic link points, as written in the link.
pub fn link_target(path: &Path) -> Option<PathBuf> {
    std::fs::read_link(path).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_never_followed() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        std::fs::create_dir_all(root.join("real")).unwrap();
        std::fs::write(root.join("real/secret.txt"), "key").unwrap();
        std::os::unix::fs::symlink(root.join("real"), root.join("dir-link")).unwrap();
        std::os::unix::fs::symlink(root.join("real/secret.txt"), root.join("file-link")).unwrap();

        assert_eq!(
            read_to_string(&root.join("real/secret.txt")).unwrap(),
            "key"
        );
        let err = read_to_string(&root.join("file-link")).unwrap_err();
        assert!(err.to_string().contains("is a symbolic link to"), "{err}");
        let (at, err) = check_folders(root, Path::new("dir-link/x")).unwrap_err();
        assert_eq!(at, root.join("dir-link"));
        assert!(err.to_string().contains("never follows links"), "{err}");
        assert!(check_folders(root, Path::new("real/missing/deeper")).is_ok());
    }
}
