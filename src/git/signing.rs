//! Signed commits when the repository asks for them (`commit.gpgsign`),
//! through the signing program git itself would use: `gpg` for OpenPGP,
//! `ssh-keygen -Y sign` for SSH keys, `gpgsm` for X.509. tkt holds no key
//! material; it hands the commit to the program and stores its signature.

use anyhow::{bail, Context, Result};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// How this repository signs commits.
pub enum Signer {
    /// `gpg`-compatible programs (OpenPGP and X.509): `-bsau KEY`.
    Gpg { program: String, key: String },
    /// `ssh-keygen -Y sign` with a key file, or a literal public key whose
    /// private half is in the SSH agent.
    Ssh { program: String, key: String },
}

impl Signer {
    /// The signer `commit.gpgsign` asks for, or `None` when commits are
    /// not signed. `committer` is git's default key for OpenPGP.
    pub fn configured(config: &git2::Config, committer: &str) -> Result<Option<Signer>> {
        if !config.get_bool("commit.gpgsign").unwrap_or(false) {
            return Ok(None);
        }
        let get = |key: &str| config.get_string(key).ok();
        let format = get("gpg.format").unwrap_or_else(|| "openpgp".into());
        let key = get("user.signingkey");
        Ok(Some(match format.as_str() {
            "openpgp" => Signer::Gpg {
                program: get("gpg.openpgp.program")
                    .or_else(|| get("gpg.program"))
                    .unwrap_or_else(|| "gpg".into()),
                key: key.unwrap_or_else(|| committer.to_string()),
            },
            "x509" => Signer::Gpg {
                program: get("gpg.x509.program").unwrap_or_else(|| "gpgsm".into()),
                key: key.unwrap_or_else(|| committer.to_string()),
            },
            "ssh" => Signer::Ssh {
                program: get("gpg.ssh.program").unwrap_or_else(|| "ssh-keygen".into()),
                key: key.context(
                    "commit.gpgsign is set with gpg.format=ssh, but user.signingkey is not; \
                     set it to your SSH key (e.g. `git config user.signingkey ~/.ssh/id_ed25519.pub`)",
                )?,
            },
            other => bail!(
                "gpg.format is `{other}`; tkt signs commits with openpgp, x509 or ssh"
            ),
        }))
    }

    /// The signature of `payload` (the commit object's text).
    pub fn sign(&self, payload: &str, scratch: &Path) -> Result<String> {
        match self {
            Signer::Gpg { program, key } => gpg_sign(program, key, payload),
            Signer::Ssh { program, key } => ssh_sign(program, key, payload, scratch),
        }
    }
}

fn gpg_sign(program: &str, key: &str, payload: &str) -> Result<String> {
    let mut child = Command::new(program)
        .args(["--status-fd=2", "-bsau", key])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot run the signing program `{program}` (gpg.program)"))?;
    child
        .stdin
        .take()
        .context("signing program has no input")?
        .write_all(payload.as_bytes())?;
    let out = child.wait_with_output()?;
    let status = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() || !status.contains("SIG_CREATED") {
        bail!(
            "`{program}` could not sign the commit with key `{key}`; nothing was written:\n{}",
            status.trim_end()
        );
    }
    String::from_utf8(out.stdout).context("the signature is not text")
}

fn ssh_sign(program: &str, key: &str, payload: &str, scratch: &Path) -> Result<String> {
    std::fs::create_dir_all(scratch)?;
    let buffer = tempfile::Builder::new()
        .prefix("commit-")
        .tempfile_in(scratch)
        .context("cannot write the commit to sign")?;
    std::fs::write(buffer.path(), payload)?;
    // A literal public key (`ssh-ed25519 AAAA…` or `key::…`) means the
    // private key is in the agent: git writes it to a file and passes -U.
    let literal = key
        .strip_prefix("key::")
        .or_else(|| key.starts_with("ssh-").then_some(key));
    let key_file = literal
        .map(|k| -> Result<tempfile::NamedTempFile> {
            let f = tempfile::Builder::new()
                .prefix("key-")
                .tempfile_in(scratch)?;
            std::fs::write(f.path(), k)?;
            Ok(f)
        })
        .transpose()?;
    let key_path = match &key_file {
        Some(f) => f.path().to_path_buf(),
        None => expand_home(key),
    };
    let mut command = Command::new(program);
    command
        .args(["-Y", "sign", "-n", "git", "-f"])
        .arg(&key_path);
    if key_file.is_some() {
        command.arg("-U");
    }
    let out = command
        .arg(buffer.path())
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("cannot run `{program}` (gpg.ssh.program) to sign the commit"))?;
    let mut signature_file = buffer.path().as_os_str().to_owned();
    signature_file.push(".sig");
    let signature_file = std::path::PathBuf::from(signature_file);
    let signature = std::fs::read_to_string(&signature_file);
    let _ = std::fs::remove_file(&signature_file);
    match signature {
        Ok(signature) if out.status.success() => Ok(signature),
        _ => bail!(
            "`{program}` could not sign the commit with {}; nothing was written:\n{}",
            key_path.display(),
            String::from_utf8_lossy(&out.stderr).trim_end()
        ),
    }
}

fn expand_home(path: &str) -> std::path::PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => Path::new(&home).join(rest),
        _ => path.into(),
    }
}
