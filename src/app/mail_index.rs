//! Which ticket each imported mail went to, so that importing a mailbox
//! twice creates nothing and a reply finds its ticket, without reading
//! every ticket per mail: one map from `Message-ID` to the ticket's uid,
//! and one from uid to folio (a sync may renumber a ticket; its uid, which
//! our own Message-IDs carry, never changes).
//!
//! Kept in `.git/tkt/mail/index.json` as of one HEAD, like the link index
//! and the site's history cache. When HEAD has moved, only the ticket
//! folders whose tree differs between the two commits are read again; a
//! missing or unreadable file, or a HEAD that is gone, means one full
//! read. An import run builds it once and then follows its own commits
//! the same way.

use crate::domain::model::Folio;
use crate::git::Git;
use crate::store::Tracker;
use anyhow::Result;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

const VERSION: u32 = 1;

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct MailIndex {
    version: u32,
    /// The commit the index describes.
    head: Option<String>,
    /// Imported `Message-ID` → ticket uid.
    ids: HashMap<String, String>,
    /// Ticket uid → folio (folder name).
    folios: HashMap<String, String>,
    /// Whether it changed since it was read or written.
    #[serde(skip)]
    dirty: bool,
}

impl MailIndex {
    /// The index as of the tracker's HEAD: the kept file brought up to
    /// date, else built from the tickets.
    pub fn open(tracker: &Tracker, git: &Git) -> Result<MailIndex> {
        let mut index = git
            .mail_index_file()
            .and_then(|bytes| serde_json::from_slice::<MailIndex>(&bytes).ok())
            .filter(|i| i.version == VERSION)
            .unwrap_or_default();
        index.refresh(tracker, git)?;
        Ok(index)
    }

    /// Brings the index to the current HEAD.
    pub fn refresh(&mut self, tracker: &Tracker, git: &Git) -> Result<()> {
        let head = git.head_hex()?;
        if head == self.head && self.version == VERSION {
            return Ok(());
        }
        let dir = git.relative(&tracker.tickets_dir())?;
        let changed = match (&self.head, &head) {
            (Some(old), Some(new)) => git.folders_changed_between(old, new, &dir)?,
            _ => None,
        };
        match changed {
            Some(folders) => {
                for folder in folders {
                    self.read_folder(tracker, &folder);
                }
            }
            None => self.rebuild(tracker)?,
        }
        self.head = head;
        self.dirty = true;
        Ok(())
    }

    fn rebuild(&mut self, tracker: &Tracker) -> Result<()> {
        *self = MailIndex {
            version: VERSION,
            ..MailIndex::default()
        };
        use rayon::prelude::*;
        let folders: Vec<Folder> = tracker
            .folios()?
            .par_iter()
            .filter_map(|folio| read_folder(tracker, folio.as_str()))
            .collect();
        for folder in folders {
            self.take(folder);
        }
        Ok(())
    }

    fn take(&mut self, folder: Folder) {
        self.folios.insert(folder.uid.clone(), folder.name);
        for id in folder.ids {
            self.ids.insert(id, folder.uid.clone());
        }
    }

    /// (Re)reads one ticket folder. A folder gone (renumbered, removed)
    /// drops its uid's folio if it still pointed there.
    fn read_folder(&mut self, tracker: &Tracker, folder: &str) {
        match read_folder(tracker, folder) {
            Some(found) => self.take(found),
            None => self.folios.retain(|_, f| f != folder),
        }
    }

    /// The uid of the ticket mail `message_id` was imported onto, if the
    /// ticket is still there.
    pub fn ticket_of_mail(&self, message_id: &str) -> Option<String> {
        let uid = self.ids.get(message_id)?;
        self.folios.contains_key(uid).then(|| uid.clone())
    }

    /// The folio of ticket `uid`, if it exists.
    pub fn folio_of(&self, tracker: &Tracker, uid: &str) -> Option<Folio> {
        tracker.folio(self.folios.get(uid)?).ok()
    }

    /// Writes the index back if it changed; a failure only costs speed
    /// next time.
    pub fn save(&mut self, git: &Git) {
        if !self.dirty {
            return;
        }
        self.version = VERSION;
        if let Ok(bytes) = serde_json::to_vec(self) {
            if git.write_mail_index_file(&bytes).is_ok() {
                self.dirty = false;
            }
        }
    }
}

/// What one ticket folder holds for the index.
struct Folder {
    name: String,
    uid: String,
    /// The mail ids of the ticket and its entries.
    ids: Vec<String>,
}

/// The ticket in `folder` with its mail ids; `None` when there is no
/// readable ticket there.
fn read_folder(tracker: &Tracker, folder: &str) -> Option<Folder> {
    let folio = tracker.folio(folder).ok()?;
    if folio.as_str() != folder {
        return None;
    }
    let ticket = tracker.read_ticket(&folio).ok()?;
    let mut ids: Vec<String> = ticket.mail.iter().map(|m| m.message_id.clone()).collect();
    ids.extend(
        tracker
            .read_timeline(&folio)
            .items
            .into_iter()
            .filter_map(|(_, entry)| entry.mail.map(|m| m.message_id)),
    );
    Some(Folder {
        name: folder.to_string(),
        uid: ticket.uid,
        ids,
    })
}
