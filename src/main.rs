//! `tkt`: parse arguments, run the command, map errors to exit codes
//! (0 success, 1 refused or failed, 2 usage error).

use clap::Parser;
use std::process::ExitCode;
use tkt::cli::{run, Cli, UsageError};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => ExitCode::from(code as u8),
        Err(err) => {
            eprintln!("error: {}", tkt::cli::render_error(&err));
            if err.downcast_ref::<UsageError>().is_some() {
                ExitCode::from(2)
            } else {
                ExitCode::from(1)
            }
        }
    }
}
