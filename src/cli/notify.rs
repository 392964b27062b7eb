//! `tkt notify`: notifications by mail (send what is pending, show the
//! queue). The application layer plans and delivers; this prints.

use super::session::Global;
use crate::app::notify::{self, MailLine, SendRequest};
use anyhow::Result;
use clap::{Args, Subcommand};

pub const EXAMPLES: &str = "Examples:
  tkt notify send              plan mail for new commits, deliver everything pending
  tkt notify send --dry-run    show what would go out; send and write nothing
  tkt notify send --since HEAD~20
                               plan from the commits after HEAD~20 (mail already sent is never sent again)
  tkt notify status            pending mail, digests waiting, the last run

Run it from cron, e.g. every 5 minutes:
  */5 * * * *  cd /srv/helpdesk && tkt notify send --quiet

Which mails go out and how they are delivered (outbox folder, SMTP,
sendmail) is set under `mail: notify:` and `mail: transport:` in
helpdesk.yaml. Each mail is delivered once, even when a run is killed;
a run that finds another one busy on the clone exits without doing
anything. Exit status 1 when a delivery failed (it stays queued and is
retried by the next run) or another run was busy.";

#[derive(Debug, Subcommand)]
pub enum NotifyCommand {
    /// Plan mail for the commits since the last run and deliver what is pending.
    #[command(after_help = EXAMPLES)]
    Send(SendArgs),
    /// Show the pending mail, the digests waiting and the last run.
    #[command(after_help = "Examples:\n  tkt notify status")]
    Status,
}

#[derive(Debug, Args)]
pub struct SendArgs {
    /// Show what would be delivered; write and send nothing.
    #[arg(long)]
    dry_run: bool,
    /// Plan from the commits after REV instead of the last run's.
    #[arg(long, value_name = "REV")]
    since: Option<String>,
    /// Print only failures (for cron).
    #[arg(long, short)]
    quiet: bool,
}

pub fn run(global: &Global, command: NotifyCommand) -> Result<i32> {
    match command {
        NotifyCommand::Send(args) => send(global, args),
        NotifyCommand::Status => status(global),
    }
}

fn describe(line: &MailLine) -> String {
    format!(
        "{} → {}: {} ({})",
        line.kind,
        line.to.join(", "),
        line.subject,
        line.id
    )
}

fn send(global: &Global, args: SendArgs) -> Result<i32> {
    let request = SendRequest {
        dry_run: args.dry_run,
        since: args.since,
    };
    let report = notify::send(global, &request)?;
    if !args.quiet {
        for notice in &report.notices {
            eprintln!("note: {notice}");
        }
    }
    if args.dry_run {
        for line in &report.would_send {
            println!("would send {}", describe(line));
        }
        println!(
            "Dry run: {} mail(s) would go out through {}; nothing was written or sent.",
            report.would_send.len(),
            report.transport
        );
        return Ok(0);
    }
    if !args.quiet {
        for line in &report.delivered {
            println!("sent {}", describe(line));
        }
        for line in &report.held {
            println!(
                "held {} (automatic-mail limit for this address)",
                describe(line)
            );
        }
    }
    for (line, why) in &report.failed {
        eprintln!("error: not delivered: {}: {why}", describe(line));
    }
    if !args.quiet {
        let mut summary = format!(
            "{} sent through {}",
            report.delivered.len(),
            report.transport
        );
        if !report.held.is_empty() {
            summary.push_str(&format!(", {} held back", report.held.len()));
        }
        if !report.failed.is_empty() {
            summary.push_str(&format!(
                ", {} failed (still queued; retried next run)",
                report.failed.len()
            ));
        }
        println!("{summary}.");
    }
    Ok(if report.failed.is_empty() { 0 } else { 1 })
}

fn status(global: &Global) -> Result<i32> {
    let s = notify::status(global)?;
    println!("Transport: {}", s.transport);
    match (&s.planned_up_to, s.last_run) {
        (Some(commit), Some(at)) => println!(
            "Last run: {} (planned up to commit {})",
            crate::domain::text::iso_utc(at),
            &commit[..7.min(commit.len())]
        ),
        _ => println!("Last run: never"),
    }
    println!("Delivered so far: {}", s.sent);
    println!("Pending: {}", s.pending.len());
    for line in &s.pending {
        println!("  {}", describe(line));
    }
    for (person, count) in &s.digests {
        println!("Digest for {person}: {count} new ticket(s) waiting");
    }
    Ok(0)
}
