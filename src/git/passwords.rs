//! Password hashes for signing in to `tkt serve`, kept in
//! `.git/tkt/passwords.json` of the clone that serves: inside `.git`, so
//! never in the work tree, never committed or pushed, never in the built
//! site; readable by its owner only. Each is an Argon2id hash in PHC form
//! (`$argon2id$v=19$…`), never the password.

use super::Git;
use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The clone's password hashes, by person key.
pub struct PasswordFile {
    path: PathBuf,
}

impl PasswordFile {
    pub fn of(git: &Git) -> PasswordFile {
        PasswordFile {
            path: git.cache_dir().join("passwords.json"),
        }
    }

    pub fn read(&self) -> Result<BTreeMap<String, String>> {
        match std::fs::read(&self.path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .with_context(|| format!("{} is not a password file", self.path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
            Err(e) => Err(e).with_context(|| format!("cannot read {}", self.path.display())),
        }
    }

    /// Stores `hash` for `key`, replacing any earlier one (a private
    /// file, replaced whole).
    pub fn set(&self, key: &str, hash: &str) -> Result<()> {
        let mut all = self.read()?;
        all.insert(key.to_string(), hash.to_string());
        super::clone_file::write(&self.path, &serde_json::to_vec_pretty(&all)?)
    }
}
