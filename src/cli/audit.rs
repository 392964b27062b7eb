//! `tkt audit`: the report of `app::audit`, as text or JSON.

use super::output::emit;
use super::session::Global;
use crate::app::audit::{audit, AuditRequest};
use crate::domain::audit::Report;
use anyhow::Result;
use clap::{Args, ValueEnum};
use std::fmt::Write;

pub const EXAMPLES: &str = "\
Exit status 1 when any rule is broken; hand edits alone are listed, not failures.

Examples:
  tkt audit                          the whole history
  tkt audit --since v1.0             only commits after the tag v1.0
  tkt audit --format json | jq '.violations[] | .rule'
  tkt audit --verify-signatures      also check signatures without commit.gpgsign";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Audit only the commits after this one (a hash, tag or branch).
    #[arg(long, value_name = "REV")]
    since: Option<String>,
    /// text (default) or json: commits checked, hand edits, violations.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Verify every tkt commit's signature with `git verify-commit`
    /// (always done when `commit.gpgsign` is set).
    #[arg(long)]
    verify_signatures: bool,
}

pub fn run(global: &Global, args: AuditArgs) -> Result<i32> {
    let request = AuditRequest {
        since: args.since,
        verify_signatures: args.verify_signatures,
    };
    let report = audit(global, &request)?;
    match args.format {
        Format::Json => emit(&format!("{}\n", serde_json::to_string_pretty(&report)?))?,
        Format::Text => {
            emit(&render_text(&report))?;
            eprintln!("{}", summary(&report));
        }
    }
    Ok(if report.violations.is_empty() { 0 } else { 1 })
}

/// Hand edits and violations, as lines for a terminal or a CI log.
fn render_text(report: &Report) -> String {
    let mut out = String::new();
    if !report.hand_edits.is_empty() {
        out.push_str("Hand edits (commits without tkt's trailers):\n");
        for edit in &report.hand_edits {
            let _ = writeln!(
                out,
                "  {} {} <{}> {}",
                &edit.commit[..edit.commit.len().min(10)],
                edit.author,
                edit.email,
                edit.date.format("%Y-%m-%d %H:%M:%S UTC")
            );
            for file in &edit.files {
                let _ = writeln!(out, "      {file}");
            }
        }
    }
    if !report.violations.is_empty() {
        out.push_str("Violations:\n");
        for v in &report.violations {
            let file = v
                .file
                .as_deref()
                .map(|f| format!(" {f}:"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {} [{}]{file} {}",
                &v.commit[..v.commit.len().min(10)],
                v.rule,
                v.message
            );
        }
    }
    out
}

/// `Audited 12 commits (…): 1 hand edit, no violations.`
fn summary(report: &Report) -> String {
    let plural = |n: usize, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "s" });
    format!(
        "Audited {} ({} touching the tracker{}): {}, {}.",
        plural(report.commits_checked, "commit"),
        report.tracker_commits,
        if report.signatures {
            ", signatures verified"
        } else {
            ""
        },
        plural(report.hand_edits.len(), "hand edit"),
        match report.violations.len() {
            0 => "no violations".to_string(),
            1 => "1 violation".to_string(),
            n => format!("{n} violations"),
        }
    )
}
