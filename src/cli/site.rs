//! `tkt build` and `tkt serve`: the static site.

use super::session::{open_tracker, Global, UsageError};
use crate::site::{Audience, Desk, Site};
use crate::web::serve::{spawn_workers, Shared};
use crate::web::watch::{Changes, Rebuilder, DEBOUNCE};
use anyhow::{anyhow, Context, Result};
use clap::Args;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
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
  tkt serve --bind 0.0.0.0               let others on the network see it (no authentication!)
  tkt serve --audience public --out public-site

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

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Address to listen on; the default serves this machine only.
    #[arg(long, default_value = "127.0.0.1")]
    bind: String,
    /// Build once and serve; do not watch the tracker for changes.
    #[arg(long)]
    no_watch: bool,
    /// Build into this directory instead of a temporary one.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "internal")]
    audience: Audience,
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

enum Event {
    Stop,
    Changed(Vec<PathBuf>),
}

pub fn serve(global: &Global, args: ServeArgs) -> Result<i32> {
    let tracker = open_tracker(global)?;
    let address = format!("{}:{}", args.bind, args.port);
    let server = tiny_http::Server::http(address.as_str()).map_err(|e| {
        UsageError(format!(
            "cannot listen on {address}: {e}. Is another server using the port? Choose another with --port"
        ))
    })?;
    let port = server
        .server_addr()
        .to_ip()
        .map(|a| a.port())
        .unwrap_or(args.port);
    let temp = tempfile::Builder::new().prefix("tkt-site-").tempdir()?;
    let out = args.out.clone().unwrap_or_else(|| temp.path().join("site"));

    // Watch before the first build, so nothing written meanwhile is missed
    // and "Serving" means changes are being followed.
    let (tx, rx) = mpsc::channel();
    let stop = tx.clone();
    ctrlc::set_handler(move || {
        let _ = stop.send(Event::Stop);
    })
    .context("cannot install the Ctrl-C handler")?;
    let _watcher = if args.no_watch {
        None
    } else {
        Some(watch(&tracker.root, tx)?)
    };

    let started = Instant::now();
    let desk = Desk::load(&tracker)?;
    for e in desk.errors() {
        eprintln!("warning: left out {}", e.for_display());
    }
    let mut site = Site::new(&tracker.root, &out, args.audience)?;
    site.progress = true;
    let stats = site.render_all(&desk)?;
    eprintln!(
        "Built {} pages in {:.2} s.",
        stats.pages,
        started.elapsed().as_secs_f64()
    );

    let shared = Arc::new(Shared {
        site_dir: out.canonicalize()?,
        version: AtomicU64::new(1),
        stopping: AtomicBool::new(false),
    });
    let server = Arc::new(server);
    let workers = spawn_workers(Arc::clone(&server), Arc::clone(&shared), 4);
    let host = if args.bind.contains(':') {
        format!("[{}]", args.bind)
    } else {
        args.bind.clone()
    };
    println!(
        "Serving {} at http://{host}:{port}/ (Ctrl-C to stop)",
        tracker.config.name
    );
    std::io::stdout().flush()?;

    let mut rebuilder = Rebuilder {
        root: tracker.root.clone(),
        desk,
        site,
    };
    let out_real = shared.site_dir.clone();
    while let Ok(event) = rx.recv() {
        let Event::Changed(paths) = event else { break };
        let mut changes = Changes::default();
        paths
            .iter()
            .for_each(|p| changes.add(&tracker.root, &out_real, p));
        if settle(&rx, &mut changes, &tracker.root, &out_real) {
            break;
        }
        if changes.is_empty() {
            continue;
        }
        let started = Instant::now();
        match rebuilder.apply(&changes) {
            Ok(stats) => {
                shared.version.fetch_add(1, Ordering::SeqCst);
                eprintln!(
                    "Rebuilt in {} ms: {} files written, {} removed.",
                    started.elapsed().as_millis(),
                    stats.written,
                    stats.removed
                );
            }
            Err(e) => eprintln!("error: rebuild failed, still serving the last good site: {e:#}"),
        }
    }
    shared.stopping.store(true, Ordering::SeqCst);
    for worker in workers {
        let _ = worker.join();
    }
    eprintln!("Stopped.");
    drop(temp);
    Ok(0)
}

/// Collects further changes until the tracker is quiet for `DEBOUNCE`.
/// Returns true when asked to stop meanwhile.
fn settle(rx: &mpsc::Receiver<Event>, changes: &mut Changes, root: &Path, out: &Path) -> bool {
    loop {
        match rx.recv_timeout(DEBOUNCE) {
            Ok(Event::Changed(paths)) => paths.iter().for_each(|p| changes.add(root, out, p)),
            Ok(Event::Stop) => return true,
            Err(mpsc::RecvTimeoutError::Timeout) => return false,
            Err(mpsc::RecvTimeoutError::Disconnected) => return true,
        }
    }
}

/// Watches the tracker with the OS's notifications, falling back to
/// polling where they are unavailable (or the watch limit is reached).
fn watch(root: &Path, tx: mpsc::Sender<Event>) -> Result<Box<dyn notify::Watcher + Send>> {
    use notify::{RecursiveMode, Watcher};
    let handler = move |result: notify::Result<notify::Event>| {
        if let Ok(event) = result {
            if !matches!(event.kind, notify::EventKind::Access(_)) {
                let _ = tx.send(Event::Changed(event.paths));
            }
        }
    };
    let handler_copy = handler.clone();
    match notify::recommended_watcher(handler) {
        Ok(mut watcher) => match watcher.watch(root, RecursiveMode::Recursive) {
            Ok(()) => return Ok(Box::new(watcher)),
            Err(e) => eprintln!(
                "warning: cannot watch {} ({e}); polling every second instead",
                root.display()
            ),
        },
        Err(e) => {
            eprintln!("warning: file notifications unavailable ({e}); polling every second instead")
        }
    }
    let config = notify::Config::default().with_poll_interval(std::time::Duration::from_secs(1));
    let mut poller = notify::PollWatcher::new(handler_copy, config)?;
    poller.watch(root, RecursiveMode::Recursive)?;
    Ok(Box::new(poller))
}
