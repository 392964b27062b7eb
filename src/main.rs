//! `tkt`: the composition root. Parses arguments, hands `serve` to the web
//! front end and everything else to the CLI, and maps errors to exit codes
//! (0 success, 1 refused or failed, 2 usage error).

use clap::Parser;
use std::process::ExitCode;
use tkt::cli::{Cli, Command, Global, ServeArgs, UsageError};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let global = Global {
        dir: cli.dir,
        actor: cli.actor,
        no_verify: cli.no_verify,
        via: None,
    };
    let result = match cli.command {
        Command::Serve(args) => serve(&global, args),
        command => tkt::cli::run(global, command),
    };
    match result {
        Ok(code) => ExitCode::from(code as u8),
        Err(err) if err.downcast_ref::<tkt::web::CannotListen>().is_some() => {
            eprintln!("error: {err} Choose another with --port.");
            ExitCode::from(2)
        }
        Err(err) => {
            eprintln!("error: {}", tkt::cli::render_error(&err));
            let usage = err.downcast_ref::<UsageError>().is_some();
            ExitCode::from(if usage { 2 } else { 1 })
        }
    }
}

fn serve(global: &Global, args: ServeArgs) -> anyhow::Result<i32> {
    let options = tkt::web::ServeOptions {
        port: args.port,
        bind: args.bind,
        watch: !args.no_watch,
        out: args.out,
        audience: args.audience,
        hosts: args.hosts,
    };
    tkt::web::run(global, options)
}
