//! What the mail importer leaves for the notifier, in the clone's own
//! `.git/tkt/mail/` (never committed): the follow-up link of a ticket
//! registered by mail, whose token only the registering clone ever knows
//! (the ticket stores its hash), so the acknowledgment can carry it; and
//! mail refused at the door, to be answered with a refusal. The notifier
//! takes each away once its mail is delivered.

use super::Git;
use crate::mail::RefusedMail;
use anyhow::Result;
use std::path::PathBuf;

impl Git {
    /// `.git/tkt/mail/`: the importer's and the notifier's own files.
    pub fn mail_dir(&self) -> PathBuf {
        self.cache_dir().join("mail")
    }

    fn link_path(&self, uid: &str) -> PathBuf {
        self.mail_dir().join("links").join(safe_name(uid))
    }

    /// Keeps ticket `uid`'s follow-up token for its acknowledgment.
    pub fn stash_follow_up_token(&self, uid: &str, token: &str) -> Result<()> {
        super::clone_file::write(&self.link_path(uid), token.as_bytes())
    }

    /// The follow-up token kept for ticket `uid`, if any.
    pub fn follow_up_token(&self, uid: &str) -> Option<String> {
        std::fs::read_to_string(self.link_path(uid)).ok()
    }

    /// Forgets ticket `uid`'s token (its acknowledgment was delivered).
    pub fn forget_follow_up_token(&self, uid: &str) -> Result<()> {
        super::clone_file::remove(&self.link_path(uid))
    }

    fn refused_dir(&self) -> PathBuf {
        self.mail_dir().join("refused")
    }

    /// Records a mail refused at the door, to be answered; recording the
    /// same mail twice keeps one record.
    pub fn record_refused_mail(&self, refused: &RefusedMail) -> Result<()> {
        let name = format!("{}.json", safe_name(&refused.message_id));
        let json = serde_json::to_vec_pretty(refused)?;
        super::clone_file::write(&self.refused_dir().join(name), &json)
    }

    /// The refused mails not answered yet, oldest first.
    pub fn refused_mails(&self) -> Result<Vec<RefusedMail>> {
        let mut out: Vec<RefusedMail> =
            super::clone_file::read_records(&self.refused_dir(), "a refused-mail record")?;
        out.sort_by(|a, b| (a.date, &a.message_id).cmp(&(b.date, &b.message_id)));
        Ok(out)
    }

    /// The importer's index of imported message ids (`index.json`), as
    /// last written; `None` when there is none yet.
    pub fn mail_index_file(&self) -> Option<Vec<u8>> {
        std::fs::read(self.mail_dir().join("index.json")).ok()
    }

    /// Replaces the importer's index of message ids.
    pub fn write_mail_index_file(&self, bytes: &[u8]) -> Result<()> {
        super::clone_file::write(&self.mail_dir().join("index.json"), bytes)
    }

    /// Forgets a refused mail (its answer was delivered, or is not due).
    pub fn forget_refused_mail(&self, message_id: &str) -> Result<()> {
        super::clone_file::remove(
            &self
                .refused_dir()
                .join(format!("{}.json", safe_name(message_id))),
        )
    }
}

/// A file name from an id that came from outside: only `[A-Za-z0-9._-]`,
/// never `.` or `..`, at most 150 characters, plus a hash of the whole
/// so that two ids never share a name.
fn safe_name(id: &str) -> String {
    use sha2::{Digest, Sha256};
    let kept: String = id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || "._-".contains(*c))
        .take(150)
        .collect();
    let hash = Sha256::digest(id.as_bytes());
    let short: String = hash[..6].iter().map(|b| format!("{b:02x}")).collect();
    format!("{}-{short}", kept.trim_start_matches('.'))
}

#[cfg(test)]
mod tests {
    use super::safe_name;

    #[test]
    fn names_from_outside_stay_in_their_folder_and_stay_apart() {
        let a = safe_name("../../etc/passwd");
        assert!(!a.contains('/') && !a.starts_with('.'));
        assert_ne!(safe_name("a/b@x"), safe_name("ab@x"));
    }
}
