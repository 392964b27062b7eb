//! `tkt man [--out DIR]`: manual pages in roff, made from the same clap
//! definitions as `--help`. Works anywhere: it needs no tracker.

use super::Cli;
use anyhow::{Context, Result};
use clap::{Args, CommandFactory};
use clap_mangen::Man;
use std::io::Write;
use std::path::{Path, PathBuf};

pub const EXAMPLES: &str = "\
Examples:
  tkt man | man -l -                         read tkt(1) now
  tkt man --out ~/.local/share/man/man1      install tkt.1, tkt-reply.1, tkt-person-add.1, …
  man tkt-reply                              then read a command's page

Without --out, prints tkt.1 on standard output. With --out, writes one page
per command and subcommand and lists the files it wrote on standard error.";

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write tkt.1 and a page per subcommand (tkt-reply.1, tkt-person-add.1, …)
    /// into DIR, created if missing.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

pub fn run(args: ManArgs) -> Result<i32> {
    let mut cmd = Cli::command()
        .about("a helpdesk that lives in a git repository")
        .disable_help_subcommand(true);
    // Building sets each subcommand's display name: tkt-person-add.
    cmd.build();
    let Some(dir) = args.out else {
        let page = render(&cmd)?;
        let mut stdout = std::io::stdout().lock();
        match stdout.write_all(&page) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            other => other?,
        }
        return Ok(0);
    };
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    write_pages(&cmd, &dir)?;
    Ok(0)
}

/// Writes the page of `cmd`, then those of its subcommands, depth first.
fn write_pages(cmd: &clap::Command, dir: &Path) -> Result<()> {
    let name = cmd.get_display_name().unwrap_or_else(|| cmd.get_name());
    let path = dir.join(format!("{name}.1"));
    std::fs::write(&path, render(cmd)?)
        .with_context(|| format!("cannot write {}", path.display()))?;
    eprintln!("{}", path.display());
    for sub in cmd.get_subcommands().filter(|sub| !sub.is_hide_set()) {
        write_pages(sub, dir)?;
    }
    Ok(())
}

/// One page: clap_mangen's sections, then the command's `after_help` as an
/// EXAMPLES section whose indented lines keep their layout.
fn render(cmd: &clap::Command) -> Result<Vec<u8>> {
    let after_help = cmd.get_after_help().map(|text| text.to_string());
    let source = format!("tkt {}", env!("CARGO_PKG_VERSION"));
    let man = Man::new(cmd.clone().after_help(None::<&str>)).source(source);
    let mut page = Vec::new();
    man.render(&mut page)?;
    if let Some(text) = after_help {
        page.extend_from_slice(examples_section(&text).as_bytes());
    }
    Ok(page)
}

/// Roff for an `after_help` text: prose is filled, blank lines start a new
/// paragraph, runs of indented lines (the examples) are set as written.
fn examples_section(text: &str) -> String {
    let mut out = String::from(".SH EXAMPLES\n");
    let mut verbatim = false;
    for line in text.lines().filter(|line| line.trim() != "Examples:") {
        let indented = line.starts_with("  ");
        if indented != verbatim {
            out.push_str(if indented { ".nf\n" } else { ".fi\n" });
            verbatim = indented;
        }
        if line.trim().is_empty() {
            out.push_str(".PP\n");
        } else {
            out.push_str(&escape(line));
            out.push('\n');
        }
    }
    if verbatim {
        out.push_str(".fi\n");
    }
    out
}

/// Escapes text for roff: backslashes, hyphens (so examples copy as typed),
/// apostrophes, and a leading dot.
fn escape(line: &str) -> String {
    let escaped = line
        .replace('\\', "\\e")
        .replace('-', "\\-")
        .replace('\'', "\\*(Aq");
    if escaped.starts_with('.') {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}
