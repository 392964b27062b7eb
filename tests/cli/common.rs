//! A throwaway tracker in a temporary git repository, and helpers to drive
//! the `tkt` binary and git against it.

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use std::process::Output;
use tempfile::TempDir;

pub struct Desk {
    pub tmp: TempDir,
    pub root: PathBuf,
}

impl Desk {
    /// An empty git repository with a configured identity (Ana), no tracker.
    pub fn bare_repo() -> Desk {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("repo");
        std::fs::create_dir(&root).unwrap();
        let desk = Desk { tmp, root };
        desk.git(&["init", "-q", "-b", "main"]);
        desk.git(&["config", "user.name", "Ana Alves"]);
        desk.git(&["config", "user.email", "ana@example.org"]);
        desk
    }

    /// A tracker with Ana (admin), Ben and Cai (operators), Rita (requester);
    /// technical tickets rotate between Ana and Ben.
    pub fn new() -> Desk {
        let desk = Desk::bare_repo();
        desk.ok(&["init", "--name", "Test desk"]);
        desk.ok(&[
            "person",
            "add",
            "ben",
            "--name",
            "Ben Okafor",
            "--email",
            "ben@example.org",
            "--role",
            "operator",
        ]);
        desk.ok(&[
            "person",
            "add",
            "cai",
            "--name",
            "Cai Wen",
            "--email",
            "cai@example.org",
            "--role",
            "operator",
        ]);
        desk.ok(&[
            "person",
            "add",
            "rita",
            "--name",
            "Rita Ruiz",
            "--email",
            "rita@example.org",
            "--role",
            "requester",
        ]);
        let config = desk.read("helpdesk.yaml").replacen(
            "- key: technical\n  name: Technical support\n  responsible:\n  - ana\n",
            "- key: technical\n  name: Technical support\n  responsible:\n  - ana\n  - ben\n  fields:\n  - name: device\n    type: choice\n    choices: [scanner, printer, laptop]\n  - name: since\n    type: date\n",
            1,
        );
        let config = config.replacen(
            "- key: case-support\n  name: Case support\n  responsible:\n  - ana\n",
            "- key: case-support\n  name: Case support\n  responsible:\n  - cai\n  fields:\n  - name: case_number\n    label: Case number\n    required: true\n",
            1,
        );
        let config = format!("{config}views:\n- name: urgent-tech\n  title: Urgent technical\n  priority: [high, urgent]\n  category: [technical]\n");
        desk.write("helpdesk.yaml", &config);
        desk.git(&["commit", "-qam", "configure forms and views"]);
        desk
    }

    /// A copy of the repository's `example-repo/` tracker, committed in
    /// one commit to a fresh git repository of its own.
    #[allow(dead_code)]
    pub fn example() -> Desk {
        let desk = Desk::bare_repo();
        let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("example-repo");
        for entry in walkdir::WalkDir::new(&source) {
            let entry = entry.unwrap();
            let target = desk.root.join(entry.path().strip_prefix(&source).unwrap());
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&target).unwrap();
            } else {
                std::fs::copy(entry.path(), &target).unwrap();
            }
        }
        desk.git(&["add", "-A"]);
        desk.git(&["commit", "-qm", "import the example tracker"]);
        desk
    }

    pub fn cmd(&self) -> Command {
        Command::from_std(self.std_cmd())
    }

    /// The tkt binary as a plain `std::process::Command` (for long-running
    /// children such as `tkt serve`), with the same environment as `cmd`.
    pub fn std_cmd(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_tkt"));
        cmd.current_dir(&self.root)
            .env("HOME", self.tmp.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env_remove("TKT_DIR")
            .env_remove("TKT_USER")
            .env_remove("TKT_NOW")
            .env_remove("VISUAL")
            .env_remove("EDITOR");
        cmd
    }

    /// Runs tkt with `args`, returning the raw output.
    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().unwrap()
    }

    /// Runs tkt and asserts success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "tkt {args:?} failed ({:?}):\n{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs tkt, asserts the exit code, returns stderr.
    pub fn fails(&self, args: &[&str], code: i32) -> String {
        let out = self.run(args);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(
            out.status.code(),
            Some(code),
            "tkt {args:?}: stdout {} stderr {stderr}",
            String::from_utf8_lossy(&out.stdout)
        );
        stderr
    }

    /// Registers a ticket and returns its folio.
    pub fn ticket(&self, subject: &str, extra: &[&str]) -> String {
        let mut args = vec![
            "new",
            "-s",
            subject,
            "-c",
            "technical",
            "-m",
            "Details of the problem.",
        ];
        args.extend_from_slice(extra);
        self.ok(&args).trim().to_string()
    }

    /// Publishes the tracker to a new bare repository `remote.git` beside
    /// it, the team's remote: `origin`, which `main` tracks. Returns its path.
    pub fn publish(&self) -> PathBuf {
        let remote = self.tmp.path().join("remote.git");
        let url = remote.to_str().unwrap();
        self.git_in(
            self.tmp.path(),
            &["init", "-q", "--bare", "-b", "main", url],
        );
        self.git(&["remote", "add", "origin", url]);
        self.git(&["push", "-q", "-u", "origin", "main"]);
        remote
    }

    /// A clone of `remote` in folder `name` beside the desk, committing as
    /// `user` and `email`.
    pub fn clone_as(&self, remote: &Path, name: &str, user: &str, email: &str) -> PathBuf {
        let clone = self.tmp.path().join(name);
        let (url, path) = (remote.to_str().unwrap(), clone.to_str().unwrap());
        self.git_in(self.tmp.path(), &["clone", "-q", url, path]);
        self.git_in(&clone, &["config", "user.name", user]);
        self.git_in(&clone, &["config", "user.email", email]);
        clone
    }

    pub fn git(&self, args: &[&str]) -> String {
        self.git_in(&self.root, args)
    }

    /// git in another folder (another clone), with this desk's environment.
    pub fn git_in(&self, dir: &Path, args: &[&str]) -> String {
        let out = std::process::Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("HOME", self.tmp.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// An SSH key pair made for the test: the private key's path and the
    /// public key's line.
    pub fn ssh_key(&self, name: &str) -> (PathBuf, String) {
        let key = self.tmp.path().join(name);
        let made = std::process::Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-C", name, "-f"])
            .arg(&key)
            .status()
            .expect("ssh-keygen (Debian package openssh-client) is needed for this test");
        assert!(made.success());
        let public = std::fs::read_to_string(key.with_extension("pub")).unwrap();
        (key, public)
    }

    /// Signs every commit with the SSH key `key`; git verifies signatures
    /// against `allowed` (an allowed-signers file the test writes).
    pub fn sign_commits_with(&self, key: &Path, allowed: &Path) {
        self.git(&["config", "gpg.format", "ssh"]);
        self.git(&["config", "user.signingkey", key.to_str().unwrap()]);
        self.git(&[
            "config",
            "gpg.ssh.allowedSignersFile",
            allowed.to_str().unwrap(),
        ]);
        self.git(&["config", "commit.gpgsign", "true"]);
    }

    /// Every person's key and email, as `helpdesk.yaml` lists them.
    pub fn people_emails(&self) -> Vec<(String, String)> {
        let config: serde_yaml::Value = serde_yaml::from_str(&self.read("helpdesk.yaml")).unwrap();
        config["people"]
            .as_sequence()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p["key"].as_str().unwrap().to_string(),
                    p["email"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    }

    pub fn commit_count(&self) -> usize {
        self.git(&["rev-list", "--count", "HEAD"])
            .trim()
            .parse()
            .unwrap()
    }

    /// Files changed by the last commit.
    pub fn last_commit_files(&self) -> Vec<String> {
        self.git(&["show", "--name-only", "--format=", "HEAD"])
            .lines()
            .map(String::from)
            .collect()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    pub fn write(&self, rel: &str, text: &str) {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        serde_json::from_str(&self.ok(args)).unwrap()
    }

    /// The timeline entry files of a ticket, sorted.
    pub fn entries(&self, folio: &str) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> =
            std::fs::read_dir(self.path(&format!("tickets/{folio}/replies")))
                .map(|d| d.map(|e| e.unwrap().path()).collect())
                .unwrap_or_default();
        files.sort();
        files
    }

    /// Every file under the tracker except `.git`, with contents.
    pub fn snapshot(&self) -> Vec<(PathBuf, Vec<u8>)> {
        let mut out: Vec<(PathBuf, Vec<u8>)> = walkdir::WalkDir::new(&self.root)
            .into_iter()
            .filter_entry(|e| e.file_name() != ".git")
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_file())
            .map(|e| (e.path().to_path_buf(), std::fs::read(e.path()).unwrap()))
            .collect();
        out.sort();
        out
    }
}

/// The standard output of a run that must have succeeded; otherwise the
/// test fails with the run's standard error.
pub fn succeeded(out: Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

pub fn contains(haystack: &str, needle: &str) {
    assert!(
        haystack.contains(needle),
        "expected {needle:?} in:\n{haystack}"
    );
}

#[allow(dead_code)]
pub fn rel<'a>(root: &Path, path: &'a Path) -> &'a Path {
    path.strip_prefix(root).unwrap()
}
