//! `tkt completions SHELL`: the shell completion script, on standard output.
//! Works anywhere: it needs no tracker.

use super::Cli;
use anyhow::Result;
use clap::{Args, CommandFactory};
use clap_complete::Shell;
use std::io::Write;

pub const EXAMPLES: &str = "\
Examples:
  tkt completions bash > ~/.local/share/bash-completion/completions/tkt
  tkt completions zsh > ~/.zfunc/_tkt
  tkt completions fish > ~/.config/fish/completions/tkt.fish
  tkt completions powershell >> $PROFILE

For zsh, ~/.zshrc needs `fpath=(~/.zfunc $fpath)` before `compinit`. Open a
new shell afterwards: `tkt re<Tab>` then offers reply, reopen and report.";

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum, value_name = "SHELL")]
    shell: Shell,
}

pub fn run(args: CompletionsArgs) -> Result<i32> {
    let mut cmd = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "tkt", &mut script);
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(&script) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other?,
    }
    Ok(0)
}
