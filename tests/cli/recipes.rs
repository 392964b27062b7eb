//! The CI recipes in docs/ci/: valid YAML of the shape each CI service
//! expects, every `tkt` command they run exists with the flags they pass,
//! and those commands, run in order on a tracker, succeed and publish a site
//! with no ticket pages.

use crate::common::Desk;
use serde_yaml::Value;
use std::path::{Path, PathBuf};

/// The admin of example-repo, standing in for the `TKT_USER` variable the
/// recipes ask for (`tkt audit` needs an operator or admin).
const CI_USER: &str = "helena";

fn recipe(name: &str) -> (PathBuf, Value) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("docs/ci")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let yaml: Value = serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    assert!(yaml.is_mapping(), "{path:?} is not a YAML mapping");
    (path, yaml)
}

/// Every shell script in the recipe: the values of `run:` (GitHub) and
/// `script:` / `before_script:` (GitLab) keys, anywhere, in file order.
fn scripts(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Mapping(map) => {
            for (key, value) in map {
                let is_script = matches!(
                    key.as_str(),
                    Some("run" | "script" | "before_script" | "after_script")
                );
                match value {
                    Value::String(s) if is_script => out.push(s.clone()),
                    Value::Sequence(lines) if is_script => out.extend(
                        lines
                            .iter()
                            .map(|l| l.as_str().expect("script line").to_string()),
                    ),
                    _ => scripts(value, out),
                }
            }
        }
        Value::Sequence(items) => items.iter().for_each(|v| scripts(v, out)),
        _ => {}
    }
}

/// The arguments of every `tkt` invocation in the scripts: each simple
/// command (lines joined at `\`, split at `&&`, `||`, `;`, `|`) whose first
/// word is `tkt`.
fn tkt_invocations(yaml: &Value) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    scripts(yaml, &mut found);
    let text = found.join("\n").replace("\\\n", " ");
    text.lines()
        .map(|line| line.split(" #").next().unwrap())
        .flat_map(|line| line.split(['&', '|', ';']))
        .filter_map(|command| {
            let words: Vec<String> = command
                .split_whitespace()
                .map(|w| w.trim_matches(['"', '\'']).to_string())
                .collect();
            (words.first().map(String::as_str) == Some("tkt")).then(|| words[1..].to_vec())
        })
        .collect()
}

/// Whether `--help` text names `flag` as a word (`--out` is not listed by
/// `--output`).
fn help_lists(help: &str, flag: &str) -> bool {
    help.split(|c: char| c.is_whitespace() || "[](),`=<".contains(c))
        .any(|word| word == flag)
}

/// Runs what the recipe runs: every invocation has `--help` listing its
/// flags, and on a copy of example-repo they all succeed in order. Returns
/// the folder the recipe publishes (the `--out` of `tkt build`).
fn check_invocations(path: &Path, yaml: &Value) -> String {
    let invocations = tkt_invocations(yaml);
    let commands: std::collections::BTreeSet<&str> =
        invocations.iter().map(|args| args[0].as_str()).collect();
    assert!(
        commands.len() >= 3,
        "{path:?}: expected check, audit and build, found tkt {commands:?}"
    );
    let desk = Desk::example();
    let mut published = None;
    for args in &invocations {
        let help = desk.ok(&[args[0].as_str(), "--help"]);
        for flag in args.iter().filter(|a| a.starts_with("--")) {
            let flag = flag.split('=').next().unwrap();
            assert!(
                help_lists(&help, flag),
                "{path:?}: tkt {} has no {flag}:\n{help}",
                args[0]
            );
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = desk
            .cmd()
            .env("TKT_USER", CI_USER)
            .args(&args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{path:?}: tkt {args:?} failed on example-repo:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        if args[0] == "build" {
            let at = args
                .iter()
                .position(|a| *a == "--out")
                .expect("build --out");
            published = Some(args[at + 1].to_string());
        }
    }
    let out = published.unwrap_or_else(|| panic!("{path:?}: no tkt build --out"));
    let site = desk.path(&out);
    assert!(site.join("index.html").is_file(), "{site:?}: no index.html");
    assert!(
        !site.join("tickets").exists(),
        "{path:?}: the published site has ticket pages; Pages sites may be world-readable"
    );
    out
}

#[test]
fn github_pages_recipe_checks_audits_builds_and_deploys() {
    let (path, yaml) = recipe("github-pages.yml");
    assert!(yaml.get("on").is_some(), "{path:?}: no `on:`");
    let jobs = yaml["jobs"].as_mapping().expect("jobs");
    let uses: Vec<&str> = jobs
        .values()
        .flat_map(|job| job["steps"].as_sequence().into_iter().flatten())
        .filter_map(|step| step["uses"].as_str())
        .collect();
    assert!(uses
        .iter()
        .any(|u| u.starts_with("actions/upload-pages-artifact@")));
    let deploy = jobs
        .values()
        .find(|job| {
            job["steps"].as_sequence().into_iter().flatten().any(|s| {
                s["uses"]
                    .as_str()
                    .is_some_and(|u| u.starts_with("actions/deploy-pages@"))
            })
        })
        .expect("a job using actions/deploy-pages");
    assert_eq!(deploy["environment"]["name"].as_str(), Some("github-pages"));
    assert_eq!(yaml["permissions"]["pages"].as_str(), Some("write"));
    assert_eq!(yaml["permissions"]["id-token"].as_str(), Some("write"));
    let checkout = jobs
        .values()
        .flat_map(|job| job["steps"].as_sequence().into_iter().flatten())
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/checkout@"))
        })
        .expect("a checkout step");
    assert_eq!(
        checkout["with"]["fetch-depth"].as_u64(),
        Some(0),
        "audit needs full history"
    );
    check_invocations(&path, &yaml);
}

#[test]
fn gitlab_pages_recipe_checks_audits_and_publishes_public() {
    let (path, yaml) = recipe("gitlab-pages.yml");
    let pages = yaml.get("pages").expect("a `pages` job");
    let paths = pages["artifacts"]["paths"]
        .as_sequence()
        .expect("artifacts.paths");
    assert!(paths.iter().any(|p| p.as_str() == Some("public")));
    assert_eq!(
        yaml["variables"]["GIT_DEPTH"].as_str(),
        Some("0"),
        "audit needs full history"
    );
    let out = check_invocations(&path, &yaml);
    assert_eq!(
        out, "public",
        "GitLab Pages publishes only the folder `public`"
    );
}
