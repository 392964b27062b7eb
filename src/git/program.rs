//! The `git` program, for index formats libgit2 and tkt's fast path do not
//! write (split, sparse or version 4 indexes). Only used when such an
//! index is found, so ordinary trackers never need git installed to work.

use anyhow::{bail, Context, Result};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use super::index::Entry;

fn git(workdir: &Path, index: Option<&Path>) -> Command {
    let mut command = Command::new("git");
    command.current_dir(workdir).stdin(Stdio::null());
    if let Some(index) = index {
        command.env("GIT_INDEX_FILE", index);
    }
    command
}

/// The index entries of `paths`, read by `git ls-files --stage`.
pub fn lookup(workdir: &Path, paths: &[&str]) -> Result<Vec<Entry>> {
    let out = git(workdir, None)
        .args(["ls-files", "--stage", "-z", "--"])
        .args(paths.iter().map(|p| format!(":(literal){p}")))
        .output()
        .context("cannot run `git`, which this repository's index format needs")?;
    if !out.status.success() {
        bail!(
            "`git ls-files` failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let mut found: Vec<Entry> = vec![Entry::Absent; paths.len()];
    for record in out.stdout.split(|&b| b == 0).filter(|r| !r.is_empty()) {
        let record = String::from_utf8_lossy(record);
        let Some((meta, path)) = record.split_once('\t') else {
            continue;
        };
        let fields: Vec<&str> = meta.split(' ').collect();
        let Some(i) = paths.iter().position(|p| *p == path) else {
            continue;
        };
        found[i] = match (fields.get(1), fields.get(2), found[i]) {
            (Some(oid), Some(&"0"), Entry::Absent) => git2::Oid::from_str(oid)
                .map(|o| Entry::Staged(o.as_bytes().try_into().unwrap()))
                .unwrap_or(Entry::Conflicted),
            _ => Entry::Conflicted,
        };
    }
    Ok(found)
}

/// Sets the index entries of `updates` (path and blob, none: removed) with
/// `git update-index --index-info`, in `index` or the repository's own.
pub fn update_index(
    workdir: &Path,
    index: Option<&Path>,
    updates: &[(&str, Option<git2::Oid>)],
) -> Result<()> {
    let mut child = git(workdir, index)
        .args(["update-index", "-z", "--index-info"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("cannot run `git`, which this repository's index format needs")?;
    {
        let mut stdin = child.stdin.take().context("git has no input")?;
        for (path, blob) in updates {
            match blob {
                Some(oid) => write!(stdin, "100644 {oid}\t{path}\0")?,
                None => write!(stdin, "0 {}\t{path}\0", git2::Oid::zero())?,
            }
        }
    }
    let out = child.wait_with_output()?;
    if !out.status.success() {
        bail!(
            "`git update-index` failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}
