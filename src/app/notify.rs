//! `tkt notify send` and `tkt notify status`: notifications derived from
//! the git history and delivered once each.
//!
//! A run (1) plans: walks the commits after the last one planned, reads
//! what each added (new tickets, new timeline entries) and re-derives
//! its events with `domain::event::of_entry`, the function every use
//! case returns its events from, so actions made on other clones and
//! actions whose run died are notified too; the planned mails are
//! rendered into the queue, then the state moves on. (2) delivers: each
//! queued mail whose id is not in the sent log goes out, is logged (and
//! synced) and only then leaves the queue. A run killed anywhere is
//! finished by the next one, and nothing goes out twice.

use super::unit::Scope;
use crate::deliver::Deliverer;
use crate::domain::frontmatter;
use crate::domain::model::config::MailSettings;
use crate::domain::model::{Config, Entry, Ticket};
use crate::domain::trailers;
use crate::git::{Git, NotifyState, Queued, SentRecord};
use crate::mail::notify::{self, Auto, Happening, Mailbox};
use crate::store::Tracker;
use anyhow::{Context, Result};
use chrono::{DateTime, Duration, Utc};
use std::collections::HashSet;

/// What `tkt notify send` is asked.
#[derive(Debug, Clone, Default)]
pub struct SendRequest {
    /// Show what would go out; write and send nothing.
    pub dry_run: bool,
    /// Plan from the commits after this one (a revision), not from the
    /// last one planned.
    pub since: Option<String>,
}

/// One mail, as a front end lists it.
#[derive(Debug, Clone)]
pub struct MailLine {
    pub id: String,
    pub kind: String,
    pub to: Vec<String>,
    pub subject: String,
}

/// What a run did.
#[derive(Debug, Default)]
pub struct SendReport {
    /// Where planning started, when it did not follow on from the last run.
    pub notices: Vec<String>,
    pub planned: usize,
    pub delivered: Vec<MailLine>,
    /// Held back by the automatic-mail limit (logged, never sent).
    pub held: Vec<MailLine>,
    /// Not delivered; still queued for the next run.
    pub failed: Vec<(MailLine, String)>,
    /// With `--dry-run`: what would have gone out.
    pub would_send: Vec<MailLine>,
    pub transport: String,
}

/// What `tkt notify status` shows.
#[derive(Debug)]
pub struct NotifyStatus {
    pub pending: Vec<MailLine>,
    pub planned_up_to: Option<String>,
    pub last_run: Option<DateTime<Utc>>,
    /// (person, tickets waiting for their digest)
    pub digests: Vec<(String, usize)>,
    pub sent: usize,
    pub transport: String,
}

/// `tkt notify send`.
pub fn send(scope: &Scope, request: &SendRequest) -> Result<SendReport> {
    let tracker = scope.open_tracker()?;
    let mail = mail_settings(&tracker.config)?;
    let git = Git::open(&tracker.root)?;
    let _lock = git.notify_lock()?;
    let now = crate::clock::now()?;
    let deliverer = Deliverer::configured(&mail.transport, git.default_outbox())?;
    let mut report = SendReport {
        transport: deliverer.describe(),
        ..SendReport::default()
    };

    // 1. Plan.
    let mut state = git.notify_state()?;
    let Some(head) = git.head_id()? else {
        return Ok(report);
    };
    let base = planning_base(&tracker, &git, &state, request, &mut report.notices)?;
    let mut planned = Vec::new();
    for commit in git.trail_since(base.as_deref(), &head, &tracker.tickets_dir())? {
        let actor = trailers::value(&commit.message, "Actor").unwrap_or("");
        for added in &commit.added {
            match plan_added(&tracker.config, mail, &git, actor, added) {
                Ok(plan) => {
                    planned.extend(plan.mails);
                    for (person, item) in plan.digests {
                        let pending = state.digests.entry(person).or_default();
                        if !pending.items.iter().any(|i| i.uid == item.uid) {
                            pending.items.push(item);
                        }
                    }
                }
                Err(why) => report.notices.push(format!(
                    "commit {}: tickets/{}/{} not notified: {why}",
                    &commit.hash[..7],
                    added.folio,
                    added.name
                )),
            }
        }
    }
    let since = *state.watch_from.get_or_insert(now);
    if mail.notify.sla || mail.notify.unanswered.is_some() {
        let loaded = tracker.read_lifelines()?;
        for (ticket, life) in &loaded.items {
            planned.extend(notify::reminders(
                &tracker.config,
                mail,
                ticket,
                life,
                since,
                now,
            ));
        }
    }
    let refused = git.refused_mails()?;
    planned.extend(
        refused
            .iter()
            .filter_map(|r| notify::refusal(&tracker.config, mail, r)),
    );
    for (person, pending) in state.digests.iter_mut() {
        let due = notify::digest_due(
            &tracker.config,
            mail,
            person,
            &pending.items,
            pending.last_sent,
            now,
        );
        if due {
            planned.extend(notify::digest(
                &tracker.config,
                mail,
                person,
                &pending.items,
            ));
            pending.items.clear();
            pending.last_sent = Some(now);
        }
    }
    state
        .digests
        .retain(|_, d| !d.items.is_empty() || d.last_sent.is_some());

    let sent = git.sent_ids()?;
    let from = Mailbox {
        name: mail
            .name
            .clone()
            .unwrap_or_else(|| tracker.config.name.clone()),
        address: mail.address.clone(),
    };
    let mut fresh = Vec::new();
    let mut seen = HashSet::new();
    for n in planned {
        if sent.contains(&n.id) || git.is_queued(&n.id) || !seen.insert(n.id.clone()) {
            continue;
        }
        // A mail that cannot be rendered (an address lettre refuses) is
        // reported and dropped, never left to block the rest.
        let rendered = match crate::mail::render(&n, &from, now) {
            Ok(rendered) => rendered,
            Err(why) => {
                report
                    .notices
                    .push(format!("mail {} ({}) not sent: {why}", n.id, n.kind));
                continue;
            }
        };
        state.counter += 1;
        fresh.push(Queued {
            order: state.counter,
            from: rendered.from,
            to: rendered.to,
            eml: String::from_utf8_lossy(&rendered.bytes).into_owned(),
            notification: n,
        });
    }
    report.planned = fresh.len();
    if request.dry_run {
        let mut queue = git.queued_mails()?;
        queue.extend(fresh);
        report.would_send = queue
            .iter()
            .filter(|q| !sent.contains(&q.notification.id))
            .map(line)
            .collect();
        return Ok(report);
    }
    for queued in &fresh {
        git.enqueue_mail(queued)?;
    }
    state.planned = Some(head);
    state.last_run = Some(now);
    git.write_notify_state(&state)?;
    for r in &refused {
        git.forget_refused_mail(&r.message_id)?;
    }

    // 2. Deliver.
    let mut log = git.sent_log()?;
    let sent: HashSet<String> = log.iter().map(|r| r.id.clone()).collect();
    let limit = &mail.notify.automatic_limit;
    let window = Duration::minutes(limit.per.minutes as i64);
    for queued in git.queued_mails()? {
        let n = &queued.notification;
        if sent.contains(&n.id) {
            // Logged by a run that died before unqueueing it.
            git.unqueue_mail(&n.id)?;
            continue;
        }
        let auto_reply = n.auto == Auto::Replied;
        let over_limit = auto_reply
            && queued.to.iter().any(|to| {
                log.iter()
                    .filter(|r| r.auto_reply && r.outcome == "sent" && r.at > now - window)
                    .filter(|r| r.to.iter().any(|a| a.eq_ignore_ascii_case(to)))
                    .count()
                    >= limit.mails as usize
            });
        let outcome = if over_limit {
            "held"
        } else {
            match deliverer.deliver(&n.id, &queued.from, &queued.to, queued.eml.as_bytes()) {
                Ok(()) => "sent",
                Err(e) => {
                    report.failed.push((line(&queued), format!("{e:#}")));
                    continue;
                }
            }
        };
        let record = SentRecord {
            at: now,
            id: n.id.clone(),
            outcome: outcome.into(),
            auto_reply,
            to: queued.to.clone(),
        };
        git.record_sent(&record)?;
        log.push(record);
        crash_point("notify-logged");
        git.unqueue_mail(&n.id)?;
        if let Some(uid) = &n.token_of {
            git.forget_follow_up_token(uid)?;
        }
        if over_limit {
            report.held.push(line(&queued));
        } else {
            report.delivered.push(line(&queued));
        }
    }
    Ok(report)
}

/// `tkt notify status`.
pub fn status(scope: &Scope) -> Result<NotifyStatus> {
    let tracker = scope.open_tracker()?;
    let mail = mail_settings(&tracker.config)?;
    let git = Git::open(&tracker.root)?;
    let state = git.notify_state()?;
    let sent = git.sent_ids()?;
    let deliverer = Deliverer::configured(&mail.transport, git.default_outbox())?;
    Ok(NotifyStatus {
        pending: git
            .queued_mails()?
            .iter()
            .filter(|q| !sent.contains(&q.notification.id))
            .map(line)
            .collect(),
        planned_up_to: state.planned.clone(),
        last_run: state.last_run,
        digests: state
            .digests
            .iter()
            .filter(|(_, d)| !d.items.is_empty())
            .map(|(p, d)| (p.clone(), d.items.len()))
            .collect(),
        sent: sent.len(),
        transport: deliverer.describe(),
    })
}

fn mail_settings(config: &Config) -> Result<&MailSettings> {
    config.mail.as_ref().context(
        "`mail:` is not set in helpdesk.yaml, so there is nothing to send; see docs/FORMAT.md (mail)",
    )
}

/// The commit planning starts after: `--since`, else the last one
/// planned, else the commit that introduced `mail:` into helpdesk.yaml
/// (so configuring mail never mails the past), else HEAD.
fn planning_base(
    tracker: &Tracker,
    git: &Git,
    state: &NotifyState,
    request: &SendRequest,
    notices: &mut Vec<String>,
) -> Result<Option<String>> {
    if let Some(rev) = &request.since {
        let commit = git.resolve_commit(rev)?;
        notices.push(format!(
            "planning from the commits after {} (--since {rev})",
            &commit[..7]
        ));
        return Ok(Some(commit));
    }
    if let Some(planned) = &state.planned {
        return Ok(Some(planned.clone()));
    }
    let config = tracker.root.join(crate::store::CONFIG_FILE);
    match git.first_commit_with_line(&config, "mail:")? {
        Some(commit) => {
            notices.push(format!(
                "first run: notifying what happened after commit {}, which configured `mail:` (earlier history is never mailed; --since REV to start elsewhere)",
                &commit[..7]
            ));
            Ok(Some(commit))
        }
        None => {
            notices.push(
                "first run: `mail:` is not committed yet, so notifying from the next commit on"
                    .into(),
            );
            git.head_id()
        }
    }
}

/// The plan for one file a commit added.
fn plan_added(
    config: &Config,
    mail: &MailSettings,
    git: &Git,
    actor: &str,
    added: &crate::git::AddedFile,
) -> Result<notify::Plan, String> {
    let text = added
        .ticket_text
        .as_deref()
        .ok_or("the commit has no ticket.md for it")?;
    let (mut ticket, description): (Ticket, String) =
        frontmatter::parse(text).map_err(|e| format!("ticket.md: {}", e.message))?;
    ticket.description = description;
    let happening_plan = if added.entry {
        let (mut entry, body): (Entry, String) =
            frontmatter::parse(&added.text).map_err(|e| e.message)?;
        entry.body = body;
        notify::plan(
            config,
            mail,
            &Happening::Posted {
                folio: &added.folio,
                ticket: &ticket,
                file: &added.name,
                entry: &entry,
            },
        )
    } else {
        let token = git.follow_up_token(&ticket.uid);
        notify::plan(
            config,
            mail,
            &Happening::Registered {
                folio: &added.folio,
                ticket: &ticket,
                actor,
                token: token.as_deref().map(str::trim),
            },
        )
    };
    Ok(happening_plan)
}

fn line(q: &Queued) -> MailLine {
    MailLine {
        id: q.notification.id.clone(),
        kind: q.notification.kind.clone(),
        to: q.to.clone(),
        subject: q.notification.subject.clone(),
    }
}

/// Dies here when `TKT_CRASH_AT` names this point (crash-safety tests).
fn crash_point(name: &str) {
    if std::env::var_os("TKT_CRASH_AT").is_some_and(|at| at == name) {
        std::process::abort();
    }
}
