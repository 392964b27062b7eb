//! The serving clone's secret for signing form tokens: 32 random bytes in
//! `.git/tkt/web-key` (mode 0600), made on first use. Like the password
//! file it stays out of the work tree, the history and the site; deleting
//! it only invalidates forms already handed out.

use super::Git;
use anyhow::Result;
use rand_core::{OsRng, RngCore};

pub const KEY_BYTES: usize = 32;

impl Git {
    /// The clone's web key, made if missing.
    pub fn web_key(&self) -> Result<[u8; KEY_BYTES]> {
        let path = self.cache_dir().join("web-key");
        if let Ok(bytes) = std::fs::read(&path) {
            if let Ok(key) = <[u8; KEY_BYTES]>::try_from(bytes.as_slice()) {
                return Ok(key);
            }
        }
        let mut key = [0u8; KEY_BYTES];
        OsRng.fill_bytes(&mut key);
        super::clone_file::write(&path, &key)?;
        Ok(key)
    }
}
