//! Command-line interface: argument definitions and dispatch. Each command
//! group lives in its own file and calls the core; none parses YAML or
//! talks to git directly.

mod attach;
mod audit;
mod canned;
mod check;
mod completions;
mod faq;
mod form;
mod init;
mod input;
mod kb;
mod link;
mod list;
mod log;
mod mail;
mod mail_source;
mod manpage;
mod merge_driver;
mod new;
mod notify;
mod output;
mod passwd;
mod person;
mod report;
mod session;
mod show;
mod site;
mod sla;
mod sync;
mod update;

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

pub use session::{render_error, Global, UsageError};
pub use site::ServeArgs;

const EXAMPLES: &str = "\
Examples:
  tkt init                                   start a tracker in this folder
  tkt new -s \"Scanner jams\" -c technical -p high -m \"Tray 2 jams on A3.\"
  tkt list --assignee me                     my unfinished tickets, most urgent first
  tkt show 42                                ticket TKT042 with its timeline
  tkt reply 42 -m \"Fixed, please try again.\" --status waiting-on-requester
  tkt resolve 42 --solution \"Replaced the pickup roller.\"
  tkt log 42                                 the audit trail: every commit on TKT042
  tkt sync                                   share this clone's work through the team's remote
  tkt audit                                  check from git that no reply was ever rewritten
  tkt serve                                  browse the helpdesk at http://127.0.0.1:8080/

The tracker is found like git finds .git, or given with --dir / TKT_DIR.
Who acts: --as PERSON, else TKT_USER, else the person whose email matches
`git config user.email`.";

/// tkt — a helpdesk that lives in a git repository.
///
/// Tickets, replies, FAQ entries and canned answers are Markdown files with
/// YAML front-matter; every action is one git commit, so `git log` is the
/// audit trail.
#[derive(Debug, Parser)]
#[command(name = "tkt", version, after_help = EXAMPLES, max_term_width = 100)]
pub struct Cli {
    /// The tracker folder (holding helpdesk.yaml); default: search upwards.
    #[arg(long, global = true, env = "TKT_DIR", value_name = "DIR")]
    pub dir: Option<PathBuf>,

    /// Act as this person (a key from helpdesk.yaml).
    #[arg(long = "as", global = true, env = "TKT_USER", value_name = "PERSON")]
    pub actor: Option<String>,

    /// Skip the repository's pre-commit and commit-msg hooks, as `git commit
    /// --no-verify` does (post-commit still runs).
    #[arg(long, global = true)]
    pub no_verify: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a tracker: helpdesk.yaml, folders, .gitattributes, first commit.
    #[command(
        after_help = "Examples:\n  tkt init\n  tkt init helpdesk --name \"Practice helpdesk\""
    )]
    Init(init::InitArgs),

    /// Register people and list them.
    #[command(subcommand)]
    Person(person::PersonCommand),

    /// Register a new ticket and print its folio.
    #[command(after_help = new::EXAMPLES)]
    New(new::NewArgs),

    /// List tickets, most urgent first (closed ones only with --all or --status).
    #[command(after_help = list::EXAMPLES)]
    List(list::ListArgs),

    /// Show a ticket: fields, description, actions, timeline, solution.
    #[command(after_help = "Examples:\n  tkt show 42\n  tkt show TKT042 --json | jq .timeline")]
    Show(show::ShowArgs),

    /// Post a public reply (visible to the requester).
    #[command(after_help = update::REPLY_EXAMPLES)]
    Reply(update::PostArgs),

    /// Post an internal note (visible to the helpdesk team only).
    #[command(
        after_help = "Examples:\n  tkt note 42 -m \"Asked the vendor for a quote.\"\n  tkt note 42 -F call-notes.md --attach quote.pdf"
    )]
    Note(update::PostArgs),

    /// Change a ticket's status.
    #[command(
        after_help = "Statuses: open, in-progress, waiting-on-requester, resolved (use `tkt resolve`), closed.\n\nExamples:\n  tkt status 42 in-progress\n  tkt status 42 waiting-on-requester"
    )]
    Status(update::StatusArgs),

    /// Delegate a ticket to someone.
    #[command(after_help = "Examples:\n  tkt assign 42 ben")]
    Assign(update::AssignArgs),

    /// Take a ticket over yourself.
    #[command(after_help = "Examples:\n  tkt take 42\n  tkt --as ben take 42")]
    Take(update::IdArgs),

    /// Change a ticket's priority.
    #[command(
        after_help = "Priorities: low, medium, high, urgent.\n\nExamples:\n  tkt priority 42 urgent"
    )]
    Priority(update::PriorityArgs),

    /// Manage a ticket's action list (its to-do list).
    #[command(subcommand)]
    Action(update::ActionCommand),

    /// Record the solution and mark the ticket resolved.
    #[command(
        after_help = "Examples:\n  tkt resolve 42 --solution \"Replaced the toner cartridge.\"\n  tkt resolve 42 -F solution.md"
    )]
    Resolve(update::ResolveArgs),

    /// Close a ticket (confirmed and archived).
    #[command(after_help = "Examples:\n  tkt close 42")]
    Close(update::IdArgs),

    /// Reopen a resolved or closed ticket.
    #[command(after_help = "Examples:\n  tkt reopen 42")]
    Reopen(update::IdArgs),

    /// Tickets past or near an SLA due time, most urgent first.
    #[command(after_help = sla::OVERDUE_EXAMPLES)]
    Overdue(sla::OverdueArgs),

    /// Service levels: apply the escalation rules (`tkt sla apply`).
    #[command(subcommand, after_help = sla::SLA_EXAMPLES)]
    Sla(sla::SlaCommand),

    /// Escalate a ticket: mark it, say why, hand it to the escalation contact.
    #[command(after_help = update::ESCALATE_EXAMPLES)]
    Escalate(update::EscalateArgs),

    /// Show a ticket's audit trail: every commit that touched it, oldest first.
    #[command(after_help = "Examples:\n  tkt log 42\n  tkt log 42 --json")]
    Log(log::LogArgs),

    /// Audit the history: tkt trailers, append-only timelines, authors, signatures.
    #[command(after_help = audit::EXAMPLES)]
    Audit(audit::AuditArgs),

    /// Validate every file of the tracker; prints `path:line: problem`.
    #[command(
        after_help = "Exit status 1 when any problem is found.\n\nExamples:\n  tkt check\n  tkt check --dir example-repo"
    )]
    Check(check::CheckArgs),

    /// Standard answers: list, show (filled in for a ticket), new, rm.
    #[command(subcommand, after_help = canned::EXAMPLES)]
    Canned(canned::CannedCommand),

    /// The FAQ: add from a ticket, new, list, show, edit, rm, search.
    #[command(subcommand, after_help = faq::EXAMPLES)]
    Faq(faq::FaqCommand),

    /// Search the knowledge database: FAQ entries and solutions of finished tickets.
    #[command(subcommand, after_help = kb::EXAMPLES)]
    Kb(kb::KbCommand),

    /// Figures per period and group: volumes, response and resolution times, SLA compliance, workload.
    #[command(after_help = report::EXAMPLES)]
    Report(report::ReportArgs),

    /// Register tkt's merge driver for ticket files in this clone.
    #[command(after_help = merge_driver::SETUP_EXAMPLES)]
    Setup(merge_driver::SetupArgs),

    /// Merge three versions of a ticket.md (run by git during a merge).
    #[command(name = "merge-driver", after_help = merge_driver::DRIVER_EXAMPLES)]
    MergeDriver(merge_driver::DriverArgs),

    /// The registration form as HTML for another web site.
    #[command(subcommand, after_help = form::EXAMPLES)]
    Form(form::FormCommand),

    /// Requesters' private follow-up links.
    #[command(subcommand, after_help = link::EXAMPLES)]
    Link(link::LinkCommand),

    /// Notifications by mail: send what is pending, show the queue.
    #[command(subcommand, after_help = notify::EXAMPLES)]
    Notify(notify::NotifyCommand),

    /// Set a person's password for signing in to `tkt serve`.
    #[command(after_help = passwd::EXAMPLES)]
    Passwd(passwd::PasswdArgs),

    /// Mail in: tickets, replies and notes from .eml, mbox, Maildir or stdin.
    #[command(subcommand, after_help = mail::EXAMPLES)]
    Mail(mail::MailCommand),

    /// Share this clone's work: fetch, replay unpushed actions on top, push.
    #[command(after_help = sync::EXAMPLES)]
    Sync(sync::SyncArgs),

    /// Build the static site: dashboard, ticket pages, FAQ, reports.
    #[command(after_help = site::BUILD_EXAMPLES)]
    Build(site::BuildArgs),

    /// Build the site, serve it locally and rebuild it when files change.
    #[command(after_help = site::SERVE_EXAMPLES)]
    Serve(site::ServeArgs),

    /// Print the shell completion script for bash, zsh, fish or PowerShell.
    #[command(after_help = completions::EXAMPLES)]
    Completions(completions::CompletionsArgs),

    /// Print the manual page, or write one page per command with --out.
    #[command(after_help = manpage::EXAMPLES)]
    Man(manpage::ManArgs),
}

/// A ticket's folio as typed: TKT042, tkt042 or 42.
#[derive(Debug, Args)]
pub struct TicketId {
    /// The ticket (TKT042, tkt042 or 42).
    #[arg(value_name = "ID")]
    pub id: String,
}

/// Runs a parsed command; returns the process exit code. `serve` belongs
/// to the web front end, which the binary starts itself.
pub fn run(global: Global, command: Command) -> anyhow::Result<i32> {
    match command {
        Command::Init(args) => init::run(&global, args),
        Command::Person(cmd) => person::run(&global, cmd),
        Command::New(args) => new::run(&global, args),
        Command::List(args) => list::run(&global, args),
        Command::Show(args) => show::run(&global, args),
        Command::Reply(args) => update::post(&global, args, crate::domain::model::EntryKind::Reply),
        Command::Note(args) => update::post(&global, args, crate::domain::model::EntryKind::Note),
        Command::Status(args) => update::status(&global, args),
        Command::Assign(args) => update::assign(&global, args),
        Command::Take(args) => update::take(&global, args),
        Command::Priority(args) => update::priority(&global, args),
        Command::Action(cmd) => update::action(&global, cmd),
        Command::Resolve(args) => update::resolve(&global, args),
        Command::Close(args) => update::close(&global, args),
        Command::Reopen(args) => update::reopen(&global, args),
        Command::Overdue(args) => sla::run_overdue(&global, args),
        Command::Sla(cmd) => sla::run(&global, cmd),
        Command::Escalate(args) => update::escalate(&global, args),
        Command::Log(args) => log::run(&global, args),
        Command::Audit(args) => audit::run(&global, args),
        Command::Check(args) => check::run(&global, args),
        Command::Sync(args) => sync::run(&global, args),
        Command::Mail(command) => mail::run(&global, command),
        Command::Passwd(args) => passwd::run(&global, args),
        Command::Link(command) => link::run(&global, command),
        Command::Notify(command) => notify::run(&global, command),
        Command::Form(command) => form::run(&global, command),
        Command::Setup(args) => merge_driver::setup(&global, args),
        Command::MergeDriver(args) => merge_driver::merge_driver(args),
        Command::Canned(cmd) => canned::run(&global, cmd),
        Command::Faq(cmd) => faq::run(&global, cmd),
        Command::Kb(cmd) => kb::run(&global, cmd),
        Command::Report(args) => report::run(&global, args),
        Command::Build(args) => site::build(&global, args),
        Command::Serve(_) => Err(UsageError("`serve` is run by the web front end".into()).into()),
        Command::Completions(args) => completions::run(args),
        Command::Man(args) => manpage::run(args),
    }
}
