//! Where `tkt mail import` reads mail from: an `.eml` file, an mbox file
//! (its first line starts with `From `), a Maildir folder (the files in
//! `new/`, then `cur/`), or standard input (one message, as a mail
//! server's pipe delivers it). Each mail is handed on with a label for
//! the output (`FILE`, `FILE:N` for the Nth message of an mbox), or the
//! reason it could not be read. Reading stops one byte past the size cap,
//! so no input fills memory.

use crate::app::mail_in::MAX_MAIL_BYTES;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

/// One mail as read from a source.
pub struct Delivered {
    pub label: String,
    pub bytes: Result<Vec<u8>, String>,
}

/// Calls `each` for every mail in `source` (`-`: standard input).
pub fn read(source: &str, each: &mut dyn FnMut(Delivered)) {
    if source == "-" {
        let bytes = bounded(std::io::stdin().lock());
        return each(Delivered {
            label: "stdin".into(),
            bytes,
        });
    }
    let path = Path::new(source);
    if path.is_dir() {
        return match maildir_files(path) {
            Ok(files) => {
                for file in files {
                    each(one_file(&file));
                }
            }
            Err(why) => each(Delivered {
                label: source.to_string(),
                bytes: Err(why),
            }),
        };
    }
    match is_mbox(path) {
        Ok(true) => read_mbox(path, each),
        Ok(false) => each(one_file(path)),
        Err(why) => each(Delivered {
            label: source.to_string(),
            bytes: Err(why),
        }),
    }
}

/// One file, one mail.
pub fn one_file(path: &Path) -> Delivered {
    Delivered {
        label: path.display().to_string(),
        bytes: File::open(path)
            .map_err(|e| format!("cannot open: {e}"))
            .and_then(bounded),
    }
}

/// Everything `input` has, up to the size cap.
fn bounded(input: impl Read) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    input
        .take(MAX_MAIL_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() as u64 > MAX_MAIL_BYTES {
        return Err(format!(
            "the mail is over {} MiB; it was not read",
            MAX_MAIL_BYTES >> 20
        ));
    }
    Ok(bytes)
}

fn is_mbox(path: &Path) -> Result<bool, String> {
    let mut head = [0u8; 5];
    let mut file = File::open(path).map_err(|e| format!("cannot open: {e}"))?;
    let n = file
        .read(&mut head)
        .map_err(|e| format!("cannot read: {e}"))?;
    Ok(&head[..n] == b"From ")
}

fn read_mbox(path: &Path, each: &mut dyn FnMut(Delivered)) {
    let label = |n: usize| format!("{}:{n}", path.display());
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) => {
            return each(Delivered {
                label: path.display().to_string(),
                bytes: Err(format!("cannot open: {e}")),
            })
        }
    };
    let reader = BufReader::new(file);
    for (i, message) in mail_parser::mailbox::mbox::MessageIterator::new(reader).enumerate() {
        let bytes = match message {
            Ok(m) if m.contents().len() as u64 > MAX_MAIL_BYTES => Err(format!(
                "the mail is over {} MiB; it was not read",
                MAX_MAIL_BYTES >> 20
            )),
            Ok(m) => Ok(m.unwrap_contents()),
            Err(e) => Err(format!("cannot read: {e}")),
        };
        let stop = bytes.as_ref().is_err_and(|e| e.starts_with("cannot read"));
        each(Delivered {
            label: label(i + 1),
            bytes,
        });
        if stop {
            break;
        }
    }
}

/// The mail files of a Maildir, `new/` then `cur/`, each in name order
/// (dot files, which mail programs keep for themselves, left out).
pub fn maildir_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let (new, cur) = (dir.join("new"), dir.join("cur"));
    if !new.is_dir() && !cur.is_dir() {
        return Err(format!(
            "{} is a folder but not a Maildir (it has no new/ or cur/)",
            dir.display()
        ));
    }
    let mut out = files_in(&new);
    out.extend(files_in(&cur));
    Ok(out)
}

/// The mail files in one Maildir folder, in name order.
pub fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.path())
        .collect();
    files.sort();
    files
}

/// Where a mail read from `new/X` goes once read: `cur/X:2,S` (seen), or
/// `cur/X:2,F` (flagged for a person) when it could not be imported, as
/// Maildir readers do.
pub fn move_to_cur(file: &Path, imported: bool) -> std::io::Result<PathBuf> {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let base = name.split(":2,").next().unwrap_or(&name);
    let flag = if imported { "S" } else { "F" };
    let maildir = file
        .parent()
        .and_then(Path::parent)
        .unwrap_or_else(|| Path::new("."));
    let target = maildir.join("cur").join(format!("{base}:2,{flag}"));
    std::fs::rename(file, &target)?;
    Ok(target)
}
