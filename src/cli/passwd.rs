//! `tkt passwd`: set a person's password for signing in to `tkt serve`.

use super::session::Global;
use anyhow::{bail, Context, Result};
use clap::Args;
use std::io::IsTerminal;

pub const EXAMPLES: &str = "Examples:
  tkt passwd ana                       asks for Ana's new password twice (not shown)
  printf '%s\\n' \"$PW\" | tkt passwd ben --stdin   reads it from the first line of stdin

Everyone may set their own password; admins anyone's. At least 12
characters. Only an Argon2id hash is kept, in this clone's
.git/tkt/passwords.json: never committed, pushed or published. Set the
passwords on the clone that runs `tkt serve`.";

#[derive(Debug, Args)]
pub struct PasswdArgs {
    /// Whose password (a person key).
    person: String,
    /// Read the password from the first line of standard input instead of
    /// asking twice on the terminal.
    #[arg(long)]
    stdin: bool,
}

pub fn run(global: &Global, args: PasswdArgs) -> Result<i32> {
    let password = if args.stdin {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .context("cannot read the password from stdin")?;
        line.trim_end_matches(['\n', '\r']).to_string()
    } else {
        ask_twice(&args.person)?
    };
    crate::app::passwords::set(global, &args.person, &password)?;
    eprintln!("Password set for {}.", args.person);
    Ok(0)
}

fn ask_twice(person: &str) -> Result<String> {
    if !std::io::stdin().is_terminal() {
        bail!("no terminal to ask on; pass the password on stdin with --stdin");
    }
    let first = rpassword::prompt_password(format!("New password for {person}: "))?;
    let again = rpassword::prompt_password("Again: ")?;
    if first != again {
        bail!("the two passwords differ; nothing was changed");
    }
    Ok(first)
}
