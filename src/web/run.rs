//! `tkt serve`: build the site, serve it over HTTP on this machine, and
//! rebuild what a change to the tracker touches, until Ctrl-C.

use super::host::Hosts;
use super::http::{Server, LIMITS};
use super::serve::{answer, Shared, EVERY_RESPONSE};
use super::watch::{Changes, Rebuilder, DEBOUNCE};
use crate::app::{Desk, Scope};
use crate::site::{Audience, Site};
use anyhow::{Context, Result};
use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Instant;

enum Event {
    Stop,
    Changed(Vec<PathBuf>),
}

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub port: u16,
    pub bind: String,
    /// Rebuild when the tracker changes.
    pub watch: bool,
    /// Build here instead of a temporary folder.
    pub out: Option<PathBuf>,
    pub audience: Audience,
    /// Host names answered besides loopback and `bind` (`--host`).
    pub hosts: Vec<String>,
}

/// The address could not be listened on (a usage problem: another port or
/// address is needed).
#[derive(Debug, thiserror::Error)]
#[error("cannot listen on {address}: {reason}. Is another server using the port?")]
pub struct CannotListen {
    pub address: String,
    pub reason: String,
}

/// Builds the site, serves it and rebuilds what changes until Ctrl-C;
/// returns the exit status.
pub fn run(scope: &Scope, args: ServeOptions) -> Result<i32> {
    let tracker = scope.open_tracker()?;
    // An IPv6 address in a URL or socket address goes in brackets (given
    // with or without them).
    let bare = args.bind.trim_start_matches('[').trim_end_matches(']');
    let host = if bare.contains(':') {
        format!("[{bare}]")
    } else {
        bare.to_string()
    };
    let address = format!("{host}:{}", args.port);
    let listener = TcpListener::bind(address.as_str()).map_err(|e| CannotListen {
        address: address.clone(),
        reason: e.to_string(),
    })?;
    let port = listener.local_addr()?.port();
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
    let _watcher = if args.watch {
        Some(watch(&tracker.root, tx)?)
    } else {
        None
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
        hosts: Hosts::new(bare, &args.hosts),
        forms: super::register::Forms::new(Scope {
            dir: Some(tracker.root.clone()),
            ..scope.clone()
        }),
        beyond_loopback: !listener.local_addr()?.ip().is_loopback(),
    });
    let answering = Arc::clone(&shared);
    let handler = Box::new(move |request: &_| answer(request, &answering));
    // A form with attachments may send more than the server's own limit.
    let forms = Arc::clone(&shared);
    let allowance = Box::new(move |request: &_| super::form_post::allowance(request, &forms.forms));
    let server = Server::start(listener, LIMITS, EVERY_RESPONSE, handler, allowance)?;
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
    server.stop();
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
