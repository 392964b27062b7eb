//! The notifier's own files in `.git/tkt/mail/` (never committed):
//! - `state.json`: the last commit planned, the digests waiting, the last run;
//! - `queue/<id>.json`: each planned mail, rendered, until delivered;
//! - `sent.log`: one line per delivered (or held back) mail, appended and
//!   synced before the mail leaves the queue, so an id in it is never
//!   delivered again, whatever dies when;
//! - `notify.lock`: held while `tkt notify send` runs.
//!
//! Every file but the log is written whole (`clone_file::write`).

use super::{clone_file, Git, Lock};
use crate::mail::notify::{DigestItem, Notification};
use anyhow::{bail, Context, Result};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::PathBuf;

/// `state.json`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotifyState {
    /// The last commit whose notifications were planned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub planned: Option<String>,
    /// New tickets waiting for each person's digest.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub digests: BTreeMap<String, PendingDigest>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_run: Option<DateTime<Utc>>,
    /// The first run: reminders (unanswered, SLA) for what fell due before
    /// it are never sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub watch_from: Option<DateTime<Utc>>,
    /// Queued mails so far (orders the queue).
    #[serde(default)]
    pub counter: u64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PendingDigest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_sent: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<DigestItem>,
}

/// A mail in the queue: what was planned and the message as rendered.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Queued {
    pub order: u64,
    pub notification: Notification,
    /// The envelope: sender and recipients.
    pub from: String,
    pub to: Vec<String>,
    /// The RFC 5322 message.
    pub eml: String,
}

/// One line of `sent.log`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentRecord {
    pub at: DateTime<Utc>,
    pub id: String,
    /// `sent`, or `held` (the automatic-mail limit held it back).
    pub outcome: String,
    /// Whether it was automatic mail answering someone (ack, refusal).
    pub auto_reply: bool,
    pub to: Vec<String>,
}

impl SentRecord {
    fn line(&self) -> String {
        let clean = |s: &str| s.replace(['\t', '\n', '\r'], " ");
        format!(
            "{}\t{}\t{}\t{}\t{}\n",
            self.at.to_rfc3339(),
            clean(&self.id),
            clean(&self.outcome),
            if self.auto_reply { "auto" } else { "-" },
            clean(&self.to.join(","))
        )
    }

    fn parse(line: &str) -> Option<SentRecord> {
        let mut parts = line.split('\t');
        let at = DateTime::parse_from_rfc3339(parts.next()?).ok()?.to_utc();
        let id = parts.next()?.to_string();
        let outcome = parts.next()?.to_string();
        let auto_reply = parts.next()? == "auto";
        let to = parts
            .next()?
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        Some(SentRecord {
            at,
            id,
            outcome,
            auto_reply,
            to,
        })
    }
}

impl Git {
    fn notify_file(&self, name: &str) -> PathBuf {
        self.mail_dir().join(name)
    }

    fn queue_dir(&self) -> PathBuf {
        self.mail_dir().join("queue")
    }

    /// `.git/tkt/mail/outbox`: the default outbox folder.
    pub fn default_outbox(&self) -> PathBuf {
        self.mail_dir().join("outbox")
    }

    /// Takes the notifier's lock, or says another run holds it (a cron
    /// run never waits behind a stuck one).
    pub fn notify_lock(&self) -> Result<Lock> {
        let path = self.notify_file("notify.lock");
        std::fs::create_dir_all(self.mail_dir())
            .with_context(|| format!("cannot create {}", self.mail_dir().display()))?;
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .with_context(|| format!("cannot open the lock file {}", path.display()))?;
        match file.try_lock() {
            Ok(()) => Ok(Lock { _file: file }),
            Err(std::fs::TryLockError::WouldBlock) => bail!(
                "another `tkt notify send` is running on this clone ({} is locked); try again when it has finished",
                path.display()
            ),
            Err(std::fs::TryLockError::Error(e)) => {
                Err(e).with_context(|| format!("cannot lock {}", path.display()))
            }
        }
    }

    /// `state.json`, or the empty state before the first run.
    pub fn notify_state(&self) -> Result<NotifyState> {
        let path = self.notify_file("state.json");
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).with_context(|| {
                format!(
                    "{} is not the notifier's state; remove it and rerun with --since REV",
                    path.display()
                )
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(NotifyState::default()),
            Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
        }
    }

    pub fn write_notify_state(&self, state: &NotifyState) -> Result<()> {
        clone_file::write(
            &self.notify_file("state.json"),
            &serde_json::to_vec_pretty(state)?,
        )
    }

    /// Puts a mail in the queue (replacing one of the same id).
    pub fn enqueue_mail(&self, queued: &Queued) -> Result<()> {
        let path = self
            .queue_dir()
            .join(format!("{}.json", queued.notification.id));
        clone_file::write(&path, &serde_json::to_vec_pretty(queued)?)
    }

    /// Whether a mail of this id waits in the queue.
    pub fn is_queued(&self, id: &str) -> bool {
        self.queue_dir().join(format!("{id}.json")).is_file()
    }

    /// The queue, in the order the mails were planned.
    pub fn queued_mails(&self) -> Result<Vec<Queued>> {
        let mut out: Vec<Queued> = clone_file::read_records(&self.queue_dir(), "a queued mail")?;
        out.sort_by(|a, b| (a.order, &a.notification.id).cmp(&(b.order, &b.notification.id)));
        Ok(out)
    }

    /// Takes a delivered (and logged) mail out of the queue.
    pub fn unqueue_mail(&self, id: &str) -> Result<()> {
        clone_file::remove(&self.queue_dir().join(format!("{id}.json")))
    }

    /// Every line of `sent.log` (lines it cannot read are skipped).
    pub fn sent_log(&self) -> Result<Vec<SentRecord>> {
        let path = self.notify_file("sent.log");
        match std::fs::read_to_string(&path) {
            Ok(text) => Ok(text.lines().filter_map(SentRecord::parse).collect()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(vec![]),
            Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
        }
    }

    /// The ids `sent.log` holds.
    pub fn sent_ids(&self) -> Result<HashSet<String>> {
        Ok(self.sent_log()?.into_iter().map(|r| r.id).collect())
    }

    /// Appends to `sent.log` and syncs it to disk before returning.
    pub fn record_sent(&self, record: &SentRecord) -> Result<()> {
        let path = self.notify_file("sent.log");
        let cannot = || format!("cannot append to {}", path.display());
        std::fs::create_dir_all(self.mail_dir()).with_context(cannot)?;
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .with_context(cannot)?;
        file.write_all(record.line().as_bytes())
            .with_context(cannot)?;
        file.sync_all().with_context(cannot)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sent_records_round_trip_and_stay_one_line() {
        let r = SentRecord {
            at: "2026-01-05T09:00:00Z".parse().unwrap(),
            id: "u1.ack".into(),
            outcome: "sent".into(),
            auto_reply: true,
            to: vec!["a@x.org".into(), "b\n@x.org".into()],
        };
        let line = r.line();
        assert_eq!(line.matches('\n').count(), 1);
        let back = SentRecord::parse(line.trim_end()).unwrap();
        assert_eq!(back.id, "u1.ack");
        assert!(back.auto_reply);
        assert_eq!(back.to.len(), 2);
    }
}
