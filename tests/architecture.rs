//! Keeps the layers honest (docs/ARCHITECTURE.md): the pure core does no
//! I/O and knows nothing above it; the edges (store, git, clock) know only
//! the core; the application layer knows no front end; the site renderer
//! knows no front end; the front ends (cli, web) never import each other,
//! never touch git or YAML, and never decide a permission themselves.
//!
//! Each source file is read as text, without its `#[cfg(test)] mod tests`
//! tail (unit tests may time or print), and checked against its layer's
//! rules.

use std::path::{Path, PathBuf};

/// The layer a file belongs to: the first folder under `src/` (or the file
/// name for top-level files).
fn layer_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

/// What no file of `layer` may contain, with why.
fn forbidden(layer: &str) -> Vec<(&'static str, &'static str)> {
    const ABOVE_THE_EDGES: [(&str, &str); 4] = [
        ("crate::app", "the application layer"),
        ("crate::site", "the site renderer"),
        ("crate::cli", "a front end"),
        ("crate::web", "a front end"),
    ];
    let mut rules = Vec::new();
    match layer {
        // The mail parser is pure too: bytes in, typed values out.
        "domain" | "mail" => {
            rules.extend([
                ("std::fs", "file I/O"),
                ("std::env", "the environment"),
                ("std::process", "processes"),
                ("std::net", "the network"),
                ("std::io::stdin", "the terminal"),
                ("println!", "the terminal"),
                ("eprintln!", "the terminal"),
                ("Utc::now", "the clock (take `now` as a parameter)"),
                ("SystemTime", "the clock"),
                ("git2", "git"),
                ("clap", "argument parsing"),
                ("httparse", "HTTP"),
                // The file-watching crate, not `mail::notify` or `mail: notify:`.
                ("use notify", "file watching"),
                (" notify::", "file watching"),
                ("crate::store", "the store"),
                ("crate::git", "git"),
                ("crate::clock", "the clock"),
            ]);
            rules.extend(ABOVE_THE_EDGES);
        }
        "store" | "git" | "clock" | "deliver" => rules.extend(ABOVE_THE_EDGES),
        "app" => rules.extend([
            ("crate::site", "the site renderer"),
            ("crate::cli", "a front end"),
            ("crate::web", "a front end"),
            ("clap", "argument parsing"),
            (
                "println!",
                "the terminal (return results; front ends print)",
            ),
            (
                "eprintln!",
                "the terminal (return notices; front ends print)",
            ),
        ]),
        "site" => rules.extend([("crate::cli", "a front end"), ("crate::web", "a front end")]),
        "cli" | "web" => {
            let other = if layer == "cli" {
                "crate::web"
            } else {
                "crate::cli"
            };
            rules.extend([
                (other, "another front end"),
                ("git2", "git (go through the application layer)"),
                ("crate::git", "git (go through the application layer)"),
                ("serde_yaml", "YAML (the store parses files)"),
                ("Transaction", "writing files (the application layer does)"),
                (
                    "access::check",
                    "permission decisions (the application layer makes them)",
                ),
                (
                    "is_staff",
                    "permission decisions (the application layer makes them)",
                ),
            ]);
        }
        _ => {}
    }
    rules
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() && entry.path().extension().is_some_and(|x| x == "rs") {
            out.push(entry.into_path());
        }
    }
    out.sort();
    out
}

/// The file without its unit tests: everything from `#[cfg(test)] mod
/// tests` on, and nothing of a file that is itself a test module.
fn production_code(path: &Path) -> String {
    if path.file_name().is_some_and(|n| n == "tests.rs") {
        return String::new();
    }
    let text = std::fs::read_to_string(path).unwrap();
    let end = text.find("#[cfg(test)]\nmod tests").unwrap_or(text.len());
    // Comments may name anything; only code counts.
    text[..end]
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_layer_keeps_to_its_rules() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut broken = Vec::new();
    let mut checked = 0;
    for file in rust_files(&src) {
        let layer = layer_of(&src, &file);
        let code = production_code(&file);
        checked += 1;
        for (needle, what) in forbidden(&layer) {
            if uses(&code, needle) {
                broken.push(format!(
                    "{} ({layer}) uses {what}: `{needle}`",
                    file.strip_prefix(&src).unwrap().display()
                ));
            }
        }
    }
    assert!(checked > 50, "only {checked} files found under src/");
    assert!(
        broken.is_empty(),
        "layer rules broken:\n{}",
        broken.join("\n")
    );
}

#[test]
fn the_layers_exist_and_nothing_is_left_loose() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let known = [
        "domain", "mail", "store", "git", "clock", "deliver", "app", "site", "cli", "web", "lib",
        "main",
    ];
    for file in rust_files(&src) {
        let layer = layer_of(&src, &file);
        assert!(
            known.contains(&layer.as_str()),
            "{} is in no known layer; add it to a layer (and to docs/ARCHITECTURE.md)",
            file.display()
        );
    }
}

/// Whether `code` names `needle` as a whole word at its start: `notify::`
/// is the crate, `mail_notify::` a module of tkt's own.
fn uses(code: &str, needle: &str) -> bool {
    code.match_indices(needle).any(|(at, _)| {
        !code[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

/// The rules catch what they are meant to: a check that cannot fail
/// proves nothing.
#[test]
fn the_rules_bite() {
    let domain = forbidden("domain");
    assert!(domain.iter().any(|(n, _)| uses("use std::fs::read;", n)));
    assert!(domain.iter().any(|(n, _)| uses("use notify::Watcher;", n)));
    assert!(!domain
        .iter()
        .any(|(n, _)| uses("use super::mail_notify::MailNotify;", n)));
    assert!(domain
        .iter()
        .any(|(n, _)| "crate::store::Tracker".contains(n)));
    assert!(domain
        .iter()
        .any(|(n, _)| "let w = notify::recommended_watcher(f);".contains(n)));
    assert!(!domain
        .iter()
        .any(|(n, _)| "use crate::mail::notify::plan; mail.notify.sla".contains(n)));
    let cli = forbidden("cli");
    assert!(cli.iter().any(|(n, _)| "use crate::web::run;".contains(n)));
    assert!(cli.iter().any(|(n, _)| "crate::git::Git::open".contains(n)));
    let web = forbidden("web");
    assert!(web.iter().any(|(n, _)| "crate::cli::Cli".contains(n)));
    assert!(forbidden("app")
        .iter()
        .any(|(n, _)| "crate::cli::render_error".contains(n)));
}
