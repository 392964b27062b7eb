//! The repository's own commit hooks, run as `git commit` runs them:
//! `pre-commit` and `commit-msg` may refuse (skipped by `--no-verify`),
//! `post-commit` only reports. Teams use them for secret scanners, size
//! limits and message conventions; tkt's commits must not slip past them.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The hooks folder of a repository and the hooks present in it.
pub struct Hooks {
    dir: PathBuf,
    workdir: PathBuf,
}

impl Hooks {
    /// `core.hooksPath` (relative to the work tree, `~/` expanded) or the
    /// repository's `hooks/` folder.
    pub fn of(config: Option<&git2::Config>, repo: &git2::Repository, workdir: &Path) -> Hooks {
        let configured = config.and_then(|c| c.get_path("core.hooksPath").ok());
        let dir = match configured {
            Some(path) if path.is_absolute() => path,
            Some(path) => workdir.join(path),
            None => repo.commondir().join("hooks"),
        };
        Hooks {
            dir,
            workdir: workdir.to_path_buf(),
        }
    }

    /// The hook called `name`, if it exists and is executable (git ignores
    /// the others, such as the shipped `*.sample` files).
    fn find(&self, name: &str) -> Option<PathBuf> {
        let path = self.dir.join(name);
        let meta = std::fs::metadata(&path).ok()?;
        is_executable(&meta).then_some(path)
    }

    pub fn has_verifying_hooks(&self) -> bool {
        self.find("pre-commit").is_some() || self.find("commit-msg").is_some()
    }

    /// Runs `pre-commit` against `index` (the commit's content), refusing
    /// the action if it fails.
    pub fn pre_commit(&self, index: &Path) -> Result<()> {
        let Some(hook) = self.find("pre-commit") else {
            return Ok(());
        };
        let mut command = self.command(&hook);
        command.env("GIT_INDEX_FILE", index);
        run_verifying(command, "pre-commit")
    }

    /// Runs `commit-msg` on the message and returns it as the hook left it.
    pub fn commit_msg(&self, git_dir: &Path, message: &str) -> Result<String> {
        let Some(hook) = self.find("commit-msg") else {
            return Ok(message.to_string());
        };
        let file = git_dir.join("COMMIT_EDITMSG");
        std::fs::write(&file, message)
            .with_context(|| format!("cannot write {}", file.display()))?;
        let mut command = self.command(&hook);
        command.arg(&file);
        run_verifying(command, "commit-msg")?;
        let edited = std::fs::read_to_string(&file)
            .with_context(|| format!("cannot read {} after the commit-msg hook", file.display()))?;
        if edited.trim().is_empty() {
            bail!("the commit-msg hook emptied the commit message; nothing was written");
        }
        Ok(edited)
    }

    /// Runs `post-commit`; like git, a failure is reported, not undone.
    pub fn post_commit(&self) {
        let Some(hook) = self.find("post-commit") else {
            return;
        };
        match self.command(&hook).output() {
            Ok(out) => relay(&out),
            Err(e) => eprintln!("warning: cannot run the post-commit hook: {e}"),
        }
    }

    fn command(&self, hook: &Path) -> Command {
        let mut command = Command::new(hook);
        command
            .current_dir(&self.workdir)
            .env("GIT_EDITOR", ":")
            .stdin(Stdio::null());
        command
    }
}

/// Runs a hook that may refuse, passing its output on either way.
fn run_verifying(mut command: Command, name: &str) -> Result<()> {
    let out = command
        .output()
        .with_context(|| format!("cannot run the {name} hook"))?;
    if out.status.success() {
        relay(&out);
        return Ok(());
    }
    let said = [out.stdout.as_slice(), out.stderr.as_slice()]
        .iter()
        .map(|s| String::from_utf8_lossy(s).trim_end().to_string())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    let status = match out.status.code() {
        Some(code) => format!("exit status {code}"),
        None => "killed by a signal".to_string(),
    };
    let mut message = format!("the {name} hook refused the commit ({status}); nothing was written");
    if !said.is_empty() {
        message.push_str(":\n");
        message.push_str(&said);
    }
    message
        .push_str("\n(--no-verify skips the pre-commit and commit-msg hooks, as with git commit)");
    bail!(message)
}

fn relay(out: &std::process::Output) {
    use std::io::Write;
    let _ = std::io::stderr().write_all(&out.stdout);
    let _ = std::io::stderr().write_all(&out.stderr);
}

#[cfg(unix)]
fn is_executable(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.is_file() && meta.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn is_executable(meta: &std::fs::Metadata) -> bool {
    meta.is_file()
}
