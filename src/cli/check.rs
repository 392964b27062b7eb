//! `tkt check`: validate every file of the tracker.

use super::session::{open_tracker, Global};
use crate::store::FileError;
use anyhow::Result;
use clap::Args;

#[derive(Debug, Args)]
pub struct CheckArgs {}

pub fn run(global: &Global, _args: CheckArgs) -> Result<i32> {
    let tracker = open_tracker(global)?;
    let report = tracker.check();
    let cwd = std::env::current_dir().unwrap_or_default();
    for problem in &report.problems {
        let shown = match problem.path.strip_prefix(&cwd) {
            Ok(rel) => FileError {
                path: rel.to_path_buf(),
                ..problem.clone()
            },
            Err(_) => problem.clone(),
        };
        println!("{shown}");
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
