//! `tkt check`: validate every file of the tracker.

use super::session::{open_tracker, Global};
use anyhow::Result;
use clap::Args;

#[derive(Debug, Args)]
pub struct CheckArgs {}

pub fn run(global: &Global, _args: CheckArgs) -> Result<i32> {
    let tracker = open_tracker(global)?;
    let report = tracker.check(crate::clock::now()?);
    for problem in &report.problems {
        println!("{}", problem.for_display());
    }
    eprintln!(
        "Checked {} tickets, {} timeline entries, {} FAQ entries, {} canned answers: {}.",
        report.tickets,
        report.entries,
        report.faq,
        report.canned,
        match report.problems.len() {
            0 => "no problems".to_string(),
            1 => "1 problem".to_string(),
            n => format!("{n} problems"),
        }
    );
    Ok(if report.problems.is_empty() { 0 } else { 1 })
}
