//! `tkt mail import`: mail into tickets, replies and notes. Reading the
//! sources is this front end's business (`mail_source`); what each mail
//! becomes is the application layer's (`app::mail_in`).

use super::mail_source::{self, Delivered};
use super::session::Global;
use crate::app::mail_in::{Added, Imported, Importer, Outcome};
use anyhow::Result;
use clap::{Args, Subcommand};
use std::path::{Path, PathBuf};

pub const EXAMPLES: &str = "Examples:
  tkt mail import message.eml                 one mail saved from a mail program
  tkt mail import archive.mbox ~/Maildir/     an mbox file and a Maildir (new/ and cur/)
  tkt mail import -                           one mail on standard input (a mail server's pipe)
  tkt mail import --watch /var/mail/helpdesk/ keep importing what is delivered into new/

`mail:` in helpdesk.yaml says which address is the helpdesk's and how mail
is routed (`import: rules:`) and who may register tickets by mail.";

pub const IMPORT_EXAMPLES: &str = "Examples:
  tkt mail import message.eml
  tkt mail import archive.mbox
  tkt mail import ~/Maildir/
  tkt --as ana mail import -                  notes for review are written as ana
  tkt mail import --watch /var/mail/helpdesk/

Each mail is one commit (`Via: email`): a new ticket for its sender, a reply
or note on the ticket it answers (by In-Reply-To/References, or a [TKT042]
subject token from someone on the ticket), or nothing when it was imported
before. One line per mail, then a summary; exit status 1 when any mail could
not be imported (the others are). A Maildir given as SOURCE is only read
(importing it again skips what was imported). With --watch, files delivered into new/
are imported as they arrive and moved to cur/ (flag S, or F when the mail
could not be imported); stop it with Ctrl-C.";

#[derive(Debug, Subcommand)]
pub enum MailCommand {
    /// Import mail: .eml files, mbox files, Maildir folders or `-` (stdin).
    #[command(after_help = IMPORT_EXAMPLES)]
    Import(ImportArgs),
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// An .eml file, an mbox file, a Maildir folder, or `-` for one mail on
    /// standard input.
    #[arg(value_name = "SOURCE", required_unless_present = "watch")]
    sources: Vec<String>,
    /// Keep running and import each mail delivered into MAILDIR/new/.
    #[arg(long, value_name = "MAILDIR", conflicts_with = "sources")]
    watch: Option<PathBuf>,
}

pub fn run(global: &Global, command: MailCommand) -> Result<i32> {
    match command {
        MailCommand::Import(args) => import(global, args),
    }
}

fn import(global: &Global, args: ImportArgs) -> Result<i32> {
    let mut importer = Importer::open(global)?;
    if let Some(maildir) = &args.watch {
        return watch(&mut importer, maildir);
    }
    let mut tally = Tally::default();
    for source in &args.sources {
        mail_source::read(source, &mut |delivered| {
            tally.one(&mut importer, delivered);
        });
    }
    importer.finish()?;
    println!("{}", tally.summary());
    Ok(if tally.failed > 0 { 1 } else { 0 })
}

/// Counts of what the mails became, for the summary line.
#[derive(Default)]
struct Tally {
    created: usize,
    added: usize,
    skipped: usize,
    dropped: usize,
    refused: usize,
    failed: usize,
}

impl Tally {
    /// Imports one mail and prints its line; whether it was imported.
    fn one(&mut self, importer: &mut Importer, delivered: Delivered) -> bool {
        let result = delivered
            .bytes
            .map_err(anyhow::Error::msg)
            .and_then(|bytes| importer.import(&bytes));
        match result {
            Ok(imported) => {
                self.print(&imported);
                true
            }
            Err(e) => {
                self.failed += 1;
                eprintln!("{}: {}", delivered.label, super::render_error(&e));
                false
            }
        }
    }

    fn print(&mut self, imported: &Imported) {
        let line = match &imported.outcome {
            Outcome::Created { folio, message_id } => {
                self.created += 1;
                format!("{folio} created from <{message_id}>")
            }
            Outcome::Added { folio, from, how } => {
                self.added += 1;
                match how {
                    Added::Reply => format!("{folio} reply from {from}"),
                    Added::Note => format!("{folio} note from {from} (the ticket is finished)"),
                    Added::Review => format!("{folio} note for review: mail from {from}"),
                    Added::Automatic => format!("{folio} note: machine mail from {from}"),
                    Added::Bounce => format!("{folio} note: bounce from {from}"),
                }
            }
            Outcome::Skipped { message_id, why } => {
                self.skipped += 1;
                format!("skipped <{message_id}>: {why}")
            }
            Outcome::Dropped { rule } => {
                self.dropped += 1;
                format!("dropped by rule \"{rule}\"")
            }
            Outcome::Refused {
                from,
                why,
                answered,
            } => {
                self.refused += 1;
                let then = if *answered {
                    " (to be answered by `tkt notify send`)"
                } else {
                    ""
                };
                format!("refused {from}: {why}{then}")
            }
        };
        println!("{line}");
        for notice in &imported.notices {
            println!("  {notice}");
        }
    }

    fn summary(&self) -> String {
        let total =
            self.created + self.added + self.skipped + self.dropped + self.refused + self.failed;
        let mails = if total == 1 { "mail" } else { "mails" };
        format!(
            "{total} {mails}: {} new, {} added to tickets, {} skipped, {} dropped, {} refused, {} failed",
            self.created, self.added, self.skipped, self.dropped, self.refused, self.failed
        )
    }
}

/// Imports what is in `maildir/new/` now and whatever arrives there,
/// until killed.
fn watch(importer: &mut Importer, maildir: &Path) -> Result<i32> {
    use notify::{RecursiveMode, Watcher};
    let new = maildir.join("new");
    if !new.is_dir() || !maildir.join("cur").is_dir() {
        return Err(super::UsageError(format!(
            "{} is not a Maildir: it needs new/ and cur/ folders",
            maildir.display()
        ))
        .into());
    }
    let (tx, rx) = std::sync::mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if event.is_ok_and(|e| !matches!(e.kind, notify::EventKind::Access(_))) {
            let _ = tx.send(());
        }
    })?;
    watcher.watch(&new, RecursiveMode::NonRecursive)?;
    println!("Watching {} (Ctrl-C stops).", new.display());
    let mut tally = Tally::default();
    loop {
        for file in mail_source::files_in(&new) {
            let delivered = mail_source::one_file(&file);
            let imported = tally.one(importer, delivered);
            importer.finish()?;
            if let Err(e) = mail_source::move_to_cur(&file, imported) {
                eprintln!("{}: cannot move it to cur/: {e}", file.display());
            }
        }
        // Several events arrive per delivery; one scan of new/ takes them all.
        if rx.recv().is_err() {
            return Ok(if tally.failed > 0 { 1 } else { 0 });
        }
        while rx.try_recv().is_ok() {}
    }
}
