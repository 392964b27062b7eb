//! `tkt mail import`: one incoming mail, one unit of work. The mail layer
//! decides (where it threads, which rules route it, who the sender is to
//! the ticket); this module carries the decision out through the same use
//! cases as every front end (`register_from_mail`, `post`), with
//! `Via: email` and the sender as the actor, so the access rules hold for
//! mail as they do everywhere.
//!
//! What a mail becomes:
//! - already imported, or our own mail come back: nothing;
//! - a bounce of our mail or an imported one: an internal note on that
//!   ticket naming the failed recipients; a bounce of anything else:
//!   nothing (never a ticket);
//! - on a ticket's thread: from the requester, a public reply (reopening
//!   a resolved or closed ticket, as a reply from the requester means it
//!   is not solved); from staff, a reply (a note on a resolved or closed
//!   ticket, which it does not reopen); machine mail or mail from anyone
//!   else, an internal note by the clone's declared actor, flagged for
//!   review unless it is machine mail;
//! - an automatic reply (out-of-office) to nothing tkt knows: nothing;
//! - else a new ticket for the sender, if the `mail: import:`
//!   registration rule admits them; else refused (recorded for the
//!   notifier to answer, unless it is machine mail or `refused: ignore`).

use super::mail_index::MailIndex;
use super::register::{register_from_mail, NewTicket, Registrant};
use super::unit::Scope;
use super::update::{post, Post};
use super::uploads::Upload;
use crate::domain::model::config::{MailImport, MailSettings, RefusedSenders};
use crate::domain::model::{ByteSize, Config, EntryKind, Folio, MailOrigin, Priority, Ticket};
use crate::domain::refusal::RefusalKind;
use crate::domain::registration::{self, Door};
use crate::domain::text::MAX_TEXT_BYTES;
use crate::domain::trailers::Via;
use crate::git::Git;
use crate::mail::{self, IncomingMail, MailPart, RefusedMail, Rules, Sender, Thread};
use crate::store::Tracker;
use anyhow::{anyhow, Context, Result};

/// The largest mail read (before parsing): larger ones are refused whole.
pub const MAX_MAIL_BYTES: u64 = 64 << 20;

/// The file the quoted history cut from a reply is kept in.
pub const QUOTED_HISTORY: &str = "quoted-history.txt";

/// What one mail became.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A new ticket.
    Created { folio: String, message_id: String },
    /// A reply or note on a ticket.
    Added {
        folio: String,
        /// The sender's address.
        from: String,
        how: Added,
    },
    /// Nothing imported, and why.
    Skipped { message_id: String, why: String },
    /// A `drop` rule matched.
    Dropped { rule: String },
    /// The registration rule refused the sender.
    Refused {
        from: String,
        why: String,
        /// Recorded for `tkt notify send` to answer.
        answered: bool,
    },
}

/// How a mail went onto an existing ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Added {
    Reply,
    /// A staff member's mail on a resolved or closed ticket, as their note.
    Note,
    /// A note from someone not on the ticket, for review.
    Review,
    /// A note recording machine mail (an auto-reply).
    Automatic,
    /// A note recording a bounce.
    Bounce,
}

/// One mail's result, with notices (attachments left out…).
#[derive(Debug, Clone)]
pub struct Imported {
    pub outcome: Outcome,
    pub notices: Vec<String>,
}

/// Imports mails one after another into one tracker, with the rules
/// compiled and the message-id index built once.
pub struct Importer {
    scope: Scope,
    /// The rules as compiled, and the settings they were compiled from
    /// (a long `--watch` recompiles them when helpdesk.yaml changes).
    rules: Rules,
    compiled_from: MailImport,
    index: MailIndex,
}

impl Importer {
    /// Checks that the tracker takes mail (`mail:` is set) and gets ready.
    pub fn open(scope: &Scope) -> Result<Importer> {
        let tracker = scope.open_tracker()?;
        let settings = settings(&tracker.config)?;
        let rules = Rules::compile(&settings.import).map_err(|e| anyhow!("helpdesk.yaml: {e}"))?;
        let git = Git::open(&tracker.root)?;
        let index = MailIndex::open(&tracker, &git)?;
        Ok(Importer {
            scope: Scope {
                via: Some(Via::Email),
                ..scope.clone()
            },
            rules,
            compiled_from: settings.import.clone(),
            index,
        })
    }

    /// Keeps the message-id index for the next run.
    pub fn finish(&mut self) -> Result<()> {
        let tracker = self.scope.open_tracker()?;
        self.index.save(&Git::open(&tracker.root)?);
        Ok(())
    }

    /// Imports one mail (RFC 5322 bytes).
    pub fn import(&mut self, raw: &[u8]) -> Result<Imported> {
        if raw.len() as u64 > MAX_MAIL_BYTES {
            return Err(anyhow!(
                "the mail is {}, over the {} a mail may be",
                human(raw.len() as u64),
                human(MAX_MAIL_BYTES)
            ));
        }
        let mail = crate::clock::timed("mail: parse", || mail::parse(raw))
            .map_err(|e| anyhow!("cannot read mail: {e}"))?;
        let tracker = self.scope.open_tracker()?;
        let git = Git::open(&tracker.root)?;
        crate::clock::timed("mail: index", || self.index.refresh(&tracker, &git))?;
        let message_id = message_id_of(&mail, raw);
        let config = &tracker.config;
        let domain = settings(config)?.domain();
        let import = &settings(config)?.import;
        if *import != self.compiled_from {
            self.rules = Rules::compile(import).map_err(|e| anyhow!("helpdesk.yaml: {e}"))?;
            self.compiled_from = import.clone();
        }
        let thread = mail::thread(&mail, &message_id, &domain, config, |id| {
            self.index.ticket_of_mail(id)
        });
        let skipped = |why: &str| Imported {
            outcome: Outcome::Skipped {
                message_id: message_id.clone(),
                why: why.to_string(),
            },
            notices: vec![],
        };
        match thread {
            Thread::OurOwn => return Ok(skipped("our own mail")),
            Thread::AlreadyImported => return Ok(skipped("already imported")),
            _ => {}
        }
        let origin = origin_of(&mail, &message_id, config);
        if let Some(bounce) = &mail.bounce {
            let target = bounce.original_message_id.as_deref().and_then(|id| {
                mail::ticket_uid_of(id, &domain)
                    .map(str::to_string)
                    .or_else(|| self.index.ticket_of_mail(id))
            });
            let folio = target.and_then(|uid| self.index.folio_of(&tracker, &uid));
            return match folio {
                Some(folio) => self.bounce_note(&folio, &mail, origin),
                None => Ok(skipped("a bounce of no mail of this helpdesk")),
            };
        }
        if mail
            .from
            .email
            .eq_ignore_ascii_case(&settings(config)?.address)
        {
            return Ok(skipped("sent from the helpdesk's own address"));
        }
        let by_token = || {
            let number = mail::folio_token(&mail.subject, &config.folio)?;
            let folio = config.folio.folio(number);
            tracker
                .read_ticket(&folio)
                .ok()
                .filter(|t| mail::sender_on(t, config, &mail.from.email).may_use_token())
                .map(|t| (folio, t))
        };
        let on_ticket = match thread {
            // A thread whose ticket this clone does not have (yet): the
            // subject token may still name one.
            Thread::Reply { uid } => self
                .index
                .folio_of(&tracker, &uid)
                .and_then(|folio| Some((folio.clone(), tracker.read_ticket(&folio).ok()?)))
                .or_else(by_token),
            Thread::Token { .. } => by_token(),
            _ => None,
        };
        crate::clock::timed("mail: write", || match on_ticket {
            Some((folio, ticket)) => self.add_to(&tracker, &folio, &ticket, &mail, origin),
            None if mail.automatic.as_ref().is_some_and(|a| a.is_auto_reply()) => {
                Ok(skipped("an automatic reply to no mail of this helpdesk"))
            }
            None => self.register(&tracker, &git, &mail, origin),
        })
    }

    /// A reply, or a note, on a ticket the mail threads onto.
    fn add_to(
        &self,
        tracker: &Tracker,
        folio: &Folio,
        ticket: &Ticket,
        mail: &IncomingMail,
        mut origin: MailOrigin,
    ) -> Result<Imported> {
        let config = &tracker.config;
        let trimmed = mail::trim_reply(&images_named(&mail.text, &mail.attachments));
        let mut notices = Vec::new();
        let mut body = match trimmed.reply.trim() {
            "" if mail.attachments.is_empty() => "(The mail had no text.)".to_string(),
            _ => trimmed.reply.clone(),
        };
        let sender = mail::sender_on(ticket, config, &mail.from.email);
        let who = mail::mailbox(&mail.from);
        let (kind, actor, how) = match (&sender, &mail.automatic) {
            (_, Some(auto)) => {
                body = format!(
                    "Machine mail from {who} ({}: {}), never answered:\n\n{body}",
                    auto.header, auto.value
                );
                (EntryKind::Note, self.scope.actor.clone(), Added::Automatic)
            }
            (Sender::Requester(key), None) => (EntryKind::Reply, Some(key.clone()), Added::Reply),
            // Staff mail on a finished ticket (a thank-you, a late copy)
            // does not reopen it: it is kept as their note.
            (Sender::Staff(key), None) if ticket.status.is_done() => {
                (EntryKind::Note, Some(key.clone()), Added::Note)
            }
            (Sender::Staff(key), None) => (EntryKind::Reply, Some(key.clone()), Added::Reply),
            (Sender::Listed | Sender::Stranger, None) => {
                let listed = if sender == Sender::Listed {
                    "on the ticket's copy list but not its requester or staff"
                } else {
                    "not on this ticket"
                };
                body = format!(
                    "Mail from {who}, who is {listed}; review it before acting on it:\n\n{body}"
                );
                origin.review = true;
                (EntryKind::Note, self.scope.actor.clone(), Added::Review)
            }
        };
        let (uploads, left_out) = uploads(mail, trimmed.quoted.as_deref(), config);
        let body = with_left_out(fit_text(body, &mut Vec::new()), &left_out);
        notices.extend(left_out);
        let scope = Scope {
            actor,
            ..self.scope.clone()
        };
        let done = post(
            &scope,
            Post {
                ticket: folio.to_string(),
                kind,
                body,
                attachments: uploads,
                status: None,
                reopen: kind == EntryKind::Reply,
                time_spent: None,
                mail: Some(origin),
            },
        )
        .with_context(|| format!("cannot add the mail to {folio}"))?;
        notices.extend(done.notices);
        Ok(Imported {
            outcome: Outcome::Added {
                folio: done.value.to_string(),
                from: mail.from.email.clone(),
                how,
            },
            notices,
        })
    }

    /// The note recording a bounce of the ticket's mail.
    fn bounce_note(
        &self,
        folio: &Folio,
        mail: &IncomingMail,
        origin: MailOrigin,
    ) -> Result<Imported> {
        let recipients = mail
            .bounce
            .as_ref()
            .map(|b| b.recipients.join(", "))
            .filter(|r| !r.is_empty())
            .unwrap_or_else(|| "(the report names no recipient)".into());
        let report = mail::trim_reply(&mail.text).reply;
        let body = fit_text(
            format!(
                "Mail about this ticket could not be delivered to {recipients} (report from {}):\n\n{report}",
                mail::mailbox(&mail.from)
            ),
            &mut Vec::new(),
        );
        let done = post(
            &self.scope,
            Post {
                ticket: folio.to_string(),
                kind: EntryKind::Note,
                body,
                attachments: vec![],
                status: None,
                reopen: false,
                time_spent: None,
                mail: Some(origin),
            },
        )
        .with_context(|| format!("cannot add the bounce to {folio}"))?;
        Ok(Imported {
            outcome: Outcome::Added {
                folio: done.value.to_string(),
                from: mail.from.email.clone(),
                how: Added::Bounce,
            },
            notices: done.notices,
        })
    }

    /// A new ticket for the sender, or their refusal.
    fn register(
        &self,
        tracker: &Tracker,
        git: &Git,
        mail: &IncomingMail,
        origin: MailOrigin,
    ) -> Result<Imported> {
        let config = &tracker.config;
        let settings = settings(config)?;
        let routing = self.rules.route(mail);
        if let Some(rule) = routing.dropped_by {
            return Ok(Imported {
                outcome: Outcome::Dropped { rule },
                notices: vec![],
            });
        }
        let email = mail.from.email.as_str();
        // A display name is anyone's text; git signs commits with it.
        let name: String = mail
            .from
            .name
            .as_deref()
            .unwrap_or_default()
            .chars()
            .filter(|c| !c.is_control() && !matches!(c, '<' | '>'))
            .collect();
        let name = name.as_str();
        let rule = Door::Mail.rule(config)?;
        if let Err(refusal) = registration::requester_for(config, &rule, name, email) {
            return self.refuse(git, mail, &origin, settings, refusal.message);
        }
        let import = &settings.import;
        let category = routing
            .category
            .or_else(|| import.default_category(config).map(str::to_string))
            .context("helpdesk.yaml has no category for tickets from mail")?;
        let subject = match mail::ticket_subject(&mail.subject, &config.folio) {
            s if s.is_empty() => "(no subject)".to_string(),
            s => s,
        };
        let (attachments, left_out) = uploads(mail, None, config);
        let mut extra = Vec::new();
        let text = match mail.text.trim() {
            "" => "(The mail had no text.)".to_string(),
            _ => images_named(&mail.text, &mail.attachments),
        };
        let description = with_left_out(fit_text(text, &mut extra), &left_out);
        let mut attachments = attachments;
        attachments.extend(extra);
        let message_id = origin.message_id.clone();
        let kept = origin.clone();
        let done = register_from_mail(
            &self.scope,
            Registrant { name, email },
            NewTicket {
                subject,
                category,
                priority: routing
                    .priority
                    .or(import.priority)
                    .unwrap_or(Priority::Medium),
                description,
                requester: None,
                assignee: routing.assignee,
                related: None,
                fields: routing.fields,
                tags: routing.tags,
                attachments,
                confidential: false,
                resolve: None,
                mail: Some(origin),
            },
        );
        let done = match done {
            Ok(done) => done,
            // The rule may have changed under the lock (another clone).
            Err(e) if refused_at_the_door(&e) => {
                let why = super::refusal_of(&e)
                    .map(|r| r.message.clone())
                    .unwrap_or_default();
                return self.refuse(git, mail, &kept, settings, why);
            }
            Err(e) => return Err(e.context("cannot register a ticket from the mail")),
        };
        let (ticket, _token) = done.value;
        let mut notices = left_out;
        notices.extend(done.notices);
        Ok(Imported {
            outcome: Outcome::Created {
                folio: ticket.id,
                message_id,
            },
            notices,
        })
    }

    fn refuse(
        &self,
        git: &Git,
        mail: &IncomingMail,
        origin: &MailOrigin,
        settings: &MailSettings,
        why: String,
    ) -> Result<Imported> {
        let answered = mail.automatic.is_none()
            && settings.import.refused == RefusedSenders::Reply
            && registration::looks_like_email(&mail.from.email)
            && !origin.message_id.is_empty();
        if answered {
            git.record_refused_mail(&RefusedMail {
                message_id: origin.message_id.clone(),
                to: mail.from.email.clone(),
                subject: crate::domain::trailers::one_line(&mail.subject, 200),
                reason: why.clone(),
                date: crate::clock::now()?,
            })?;
        }
        Ok(Imported {
            outcome: Outcome::Refused {
                from: mail.from.email.clone(),
                why,
                answered,
            },
            notices: vec![],
        })
    }
}

fn refused_at_the_door(e: &anyhow::Error) -> bool {
    super::refusal_of(e).is_some_and(|r| r.kind == RefusalKind::Forbidden)
}

fn settings(config: &Config) -> Result<&MailSettings> {
    config.mail.as_ref().context(
        "this helpdesk takes no mail: add a `mail:` section with the helpdesk's `address:` to helpdesk.yaml",
    )
}

/// The longest `Message-ID` kept; a longer one is replaced like a missing one.
const MAX_ID: usize = 400;

/// The mail's `Message-ID`, or one made from a hash of its bytes (the
/// same mail imported twice gets the same one) when it has none usable.
fn message_id_of(mail: &IncomingMail, raw: &[u8]) -> String {
    mail.message_id
        .as_deref()
        .map(str::trim)
        .filter(|id| {
            !id.is_empty()
                && id.len() <= MAX_ID
                && !id.starts_with('<')
                && !id.chars().any(|c| c.is_whitespace() || c.is_control())
        })
        .map(str::to_string)
        .unwrap_or_else(|| {
            use sha2::{Digest, Sha256};
            let hash = Sha256::digest(raw);
            let hex: String = hash[..16].iter().map(|b| format!("{b:02x}")).collect();
            format!("{hex}@no-message-id.invalid")
        })
}

/// The `mail:` key for what the mail makes.
fn origin_of(mail: &IncomingMail, message_id: &str, config: &Config) -> MailOrigin {
    let ours = config
        .mail
        .as_ref()
        .map(|m| m.address.to_lowercase())
        .unwrap_or_default();
    let sender = mail.from.email.to_lowercase();
    let mut cc: Vec<String> = mail
        .cc
        .iter()
        .map(|a| a.email.trim().to_lowercase())
        .filter(|a| *a != ours && *a != sender && registration::looks_like_email(a))
        .collect();
    cc.dedup();
    cc.truncate(50);
    MailOrigin {
        message_id: message_id.to_string(),
        from: crate::domain::trailers::one_line(&mail::mailbox(&mail.from), 300),
        cc,
        automatic: mail
            .automatic
            .as_ref()
            .map(|a| crate::domain::trailers::one_line(&format!("{}: {}", a.header, a.value), 200)),
        review: false,
    }
}

/// The mail's files that the tracker takes, and a line for each left
/// out; plus the quoted history cut from a reply, as a file.
fn uploads(
    mail: &IncomingMail,
    quoted: Option<&str>,
    config: &Config,
) -> (Vec<Upload>, Vec<String>) {
    let limit = config.attachments.max_size;
    let mut kept = Vec::new();
    let mut left_out = Vec::new();
    if let Some(quoted) = quoted {
        kept.push(Upload::from_bytes(
            QUOTED_HISTORY,
            quoted.as_bytes().to_vec(),
        ));
    }
    for part in &mail.attachments {
        match too_big(part, limit) {
            Some(why) => left_out.push(why),
            None => kept.push(Upload::from_bytes(part.name.clone(), part.bytes.clone())),
        }
    }
    (kept, left_out)
}

fn too_big(part: &MailPart, limit: ByteSize) -> Option<String> {
    let size = part.bytes.len() as u64;
    (size > limit.bytes).then(|| {
        format!(
            "not attached: {} ({}) is over the {limit} limit (attachments.max_size in helpdesk.yaml)",
            part.name,
            human(size)
        )
    })
}

/// `30.0 MiB`, `512 KiB`, `12 B`.
fn human(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 => format!("{:.1} MiB", b as f64 / (1u64 << 20) as f64),
        b if b >= 1 << 10 => format!("{} KiB", b >> 10),
        b => format!("{b} B"),
    }
}

fn with_left_out(text: String, left_out: &[String]) -> String {
    if left_out.is_empty() {
        return text;
    }
    let lines: Vec<String> = left_out.iter().map(|l| format!("- {l}")).collect();
    format!(
        "{text}\n\n---\nFiles of the mail that were left out:\n{}",
        lines.join("\n")
    )
}

/// `text` with each `[cid:…]` placeholder a mail program left for an
/// inline image replaced by the image's file name, which the reader finds
/// among the attachments.
fn images_named(text: &str, parts: &[MailPart]) -> String {
    let mut out = text.to_string();
    for part in parts {
        if let Some(cid) = &part.inline_cid {
            out = out.replace(&format!("[cid:{cid}]"), &format!("[image: {}]", part.name));
        }
    }
    out
}

/// The file that keeps a text too long for a ticket or entry.
const FULL_TEXT: &str = "mail-text.txt";

/// `text`, cut to what a ticket or entry may hold (the whole text then
/// goes into `extra` as a file).
fn fit_text(text: String, extra: &mut Vec<Upload>) -> String {
    // Room for the note on left-out files.
    let room = MAX_TEXT_BYTES - 16 * 1024;
    if text.len() <= room {
        return text;
    }
    let mut cut = room;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let short = format!(
        "{}\n\n[The mail's text is longer than a ticket holds; all of it is in {FULL_TEXT}.]",
        &text[..cut]
    );
    extra.push(Upload::from_bytes(FULL_TEXT, text.into_bytes()));
    short
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mail_without_an_id_gets_a_stable_one() {
        let raw = b"From: a@b.example\r\nSubject: x\r\n\r\nhi\r\n";
        let mail = mail::parse(raw).unwrap();
        let id = message_id_of(&mail, raw);
        assert_eq!(id, message_id_of(&mail, raw));
        assert!(id.ends_with("@no-message-id.invalid"));
        let raw2 = b"From: a@b.example\r\nMessage-ID: <has space@x>\r\n\r\nhi\r\n";
        let mail2 = mail::parse(raw2).unwrap();
        assert!(message_id_of(&mail2, raw2).ends_with(".invalid"));
    }

    #[test]
    fn long_texts_are_cut_and_kept_whole_in_a_file() {
        let mut extra = Vec::new();
        let text = "é".repeat(MAX_TEXT_BYTES);
        let short = fit_text(text, &mut extra);
        assert!(short.len() < MAX_TEXT_BYTES);
        assert_eq!(extra.len(), 1);
        assert_eq!(human(30 << 20), "30.0 MiB");
    }
}
