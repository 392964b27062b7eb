//! `tkt build` and `tkt serve`: the static site.

use super::session::{open_tracker, Global};
use crate::site::{Audience, Desk, Site};
use anyhow::{anyhow, Result};
use clap::Args;
use std::path::PathBuf;
use std::time::Instant;

pub const BUILD_EXAMPLES: &str = "\
Examples:
  tkt build                              the internal site into <tracker>/_site
  tkt build --out /srv/www/helpdesk      somewhere else
  tkt build --audience public --out public-site
                                         FAQ, aggregate reports and how to ask: no tickets
  tkt build --keep-going                 leave bad files out and list them on errors.html

Open _site/index.html in a browser: every link is relative, so the site works
from file:// and from any static host. Templates: put a file with the same
name as a built-in one (base.html, ticket.html, style.css, …) in
<tracker>/templates/ to override it.";

pub const SERVE_EXAMPLES: &str = "\
Examples:
  tkt serve                              build, serve on http://127.0.0.1:8080/, rebuild on change
  tkt serve --port 9000 --no-watch
  tkt serve --bind 0.0.0.0 --host helpdesk.lan
                                         let others on the network see it as
                                         http://helpdesk.lan:8080/ (with web: set,
                                         only signed-in staff see tickets; without,
                                         anyone who can reach the port does)
  tkt serve --audience public --out public-site

With a `web:` section in helpdesk.yaml it is also the web front end:
  /new, /new/<category>   the registration form (no account needed)
  /t/<token>              a requester's private follow-up link
  /signin, /signout       signing in with the password `tkt passwd` set
  /act/TKT042             an operator's page: reply, note, status, priority,
                          delegate, take over, actions, resolve, escalate
  /mine                   a signed-in requester's own tickets

Only requests addressed to localhost, 127.0.0.1, [::1], the --bind address
or a --host name are answered (421 otherwise), so that a web page elsewhere
cannot read the site through a DNS name pointed at this machine.
Open pages reload themselves after a rebuild. Stop with Ctrl-C.";

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Where to write the site (default: <tracker>/_site). Must be empty
    /// or a previous tkt build: everything else in it is replaced.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Who the site is for: `public` leaves out tickets, notes, emails and
    /// canned answers.
    #[arg(long, value_enum, default_value = "internal")]
    audience: Audience,
    /// Build even if some files cannot be read; they are listed on
    /// errors.html instead of failing the build.
    #[arg(long)]
    keep_going: bool,
}

/// `tkt serve`'s options. The command itself is the web front end's
/// (`crate::web`); the binary hands these over to it.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Address to listen on; the default serves this machine only.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: String,
    /// Build once and serve; do not watch the tracker for changes.
    #[arg(long)]
    pub no_watch: bool,
    /// Build into this directory instead of a temporary one.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "internal")]
    pub audience: Audience,
    /// Also answer requests addressed to this host name or IP address
    /// (repeatable); loopback names and the --bind address always are.
    #[arg(long = "host", value_name = "NAME", value_parser = host_name)]
    pub hosts: Vec<String>,
}

/// Checks a `--host` value: a DNS name or an IP address, without a port
/// (requests are answered whatever port their `Host` names).
fn host_name(name: &str) -> Result<String, String> {
    let bare = name
        .strip_prefix('[')
        .and_then(|n| n.strip_suffix(']'))
        .unwrap_or(name);
    let label_ok = |label: &str| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    let dns = name.len() <= 253 && name.split('.').all(label_ok);
    if dns || bare.parse::<std::net::IpAddr>().is_ok() {
        Ok(name.to_string())
    } else {
        Err(format!(
            "'{name}' is not a host name: give a name like helpdesk.lan (letters, digits and '-' between dots) or an IP address, without a port"
        ))
    }
}

pub fn build(global: &Global, args: BuildArgs) -> Result<i32> {
    let started = Instant::now();
    let tracker = open_tracker(global)?;
    let out = args.out.unwrap_or_else(|| tracker.root.join("_site"));
    let desk = Desk::load(&tracker)?;
    let errors = desk.errors();
    if !errors.is_empty() && !args.keep_going {
        for e in &errors {
            eprintln!("{}", e.for_display());
        }
        return Err(anyhow!(
            "{} file{} could not be read; nothing was built. Fix {}, or build with --keep-going to leave {} out",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" },
            if errors.len() == 1 { "it" } else { "them" },
            if errors.len() == 1 { "it" } else { "them" },
        ));
    }
    let mut site = Site::new(&tracker.root, &out, args.audience)?;
    site.progress = true;
    site.one_shot();
    let stats = site.render_all(&desk)?;
    for e in &errors {
        eprintln!("warning: left out {}", e.for_display());
    }
    eprintln!(
        "Built the {} site: {} pages, {} files in {} ({:.2} s).",
        args.audience.as_str(),
        stats.pages,
        stats.files,
        out.display(),
        started.elapsed().as_secs_f64()
    );
    // The process ends now: freeing the loaded tracker piece by piece
    // would only add a tenth of a second for the OS to do at once.
    std::mem::forget(site);
    std::mem::forget(desk);
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_options_are_names_or_addresses_without_a_port() {
        for ok in [
            "helpdesk.lan",
            "intranet",
            "10.0.0.7",
            "::1",
            "[fe80::1]",
            "a-b.c9",
        ] {
            assert_eq!(host_name(ok).as_deref(), Ok(ok), "{ok}");
        }
        for no in [
            "",
            "helpdesk.lan:8080",
            "-x",
            "a..b",
            "a b",
            "http://x",
            "x-.lan",
            "*.lan",
        ] {
            let err = host_name(no).unwrap_err();
            assert!(err.contains("without a port"), "{no}: {err}");
        }
    }
}
