//! `tkt completions` and `tkt man`: they run anywhere, outside any tracker.

use crate::common::{contains, Desk};

/// A plain temporary folder: no tracker here or above, no git repository.
fn outside() -> Desk {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("not-a-tracker");
    std::fs::create_dir(&root).unwrap();
    Desk { tmp, root }
}

#[test]
fn completions_for_every_shell_name_the_subcommands() {
    let desk = outside();
    // Each shell's own syntax for the script and for offering `reply`.
    let shells = [
        ("bash", "complete -F _tkt", "tkt,reply)"),
        ("zsh", "#compdef tkt", "'reply:Post a public reply"),
        ("fish", "complete -c tkt", "-a \"reply\""),
        (
            "powershell",
            "Register-ArgumentCompleter -Native -CommandName 'tkt'",
            "[CompletionResult]::new('reply'",
        ),
    ];
    for (shell, header, reply) in shells {
        let script = desk.ok(&["completions", shell]);
        assert!(!script.trim().is_empty(), "{shell}: empty script");
        contains(&script, header);
        contains(&script, reply);
        for subcommand in ["resolve", "person", "completions", "man"] {
            contains(&script, subcommand);
        }
    }
    // Nothing was written where it ran.
    assert_eq!(std::fs::read_dir(&desk.root).unwrap().count(), 0);
}

#[test]
fn completions_ignore_a_missing_tracker_given_with_dir() {
    let desk = outside();
    let script = desk.ok(&["--dir", "no-such-folder", "completions", "fish"]);
    contains(&script, "complete -c tkt");
}

#[test]
fn bash_completion_script_is_valid_bash() {
    let desk = outside();
    let script = desk.ok(&["completions", "bash"]);
    let path = desk.tmp.path().join("tkt.bash");
    std::fs::write(&path, &script).unwrap();
    match std::process::Command::new("bash")
        .arg("-n")
        .arg(&path)
        .output()
    {
        Ok(out) => assert!(
            out.status.success(),
            "bash -n: {}",
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(e) => eprintln!("bash not available ({e}); syntax not checked"),
    }
}

#[test]
fn unknown_shell_is_a_usage_error() {
    let desk = outside();
    let stderr = desk.fails(&["completions", "tcsh"], 2);
    contains(&stderr, "invalid value 'tcsh'");
    contains(&stderr, "possible values: bash");
    let stderr = desk.fails(&["completions"], 2);
    contains(&stderr, "<SHELL>");
}

#[test]
fn man_prints_the_main_page() {
    let desk = outside();
    let page = desk.ok(&["man"]);
    contains(&page, ".TH tkt 1");
    contains(&page, "tkt \\- a helpdesk that lives in a git repository");
    contains(&page, ".SH SUBCOMMANDS");
    for subcommand in ["reply", "resolve", "person", "completions"] {
        contains(&page, &format!("tkt\\-{subcommand}(1)"));
    }
    // The examples keep their layout.
    contains(&page, ".SH EXAMPLES\n.nf\n  tkt init ");
    assert_eq!(std::fs::read_dir(&desk.root).unwrap().count(), 0);
}

#[test]
fn man_out_writes_a_page_per_command_and_lists_them() {
    let desk = outside();
    let out = desk.run(&["man", "--out", "pages/man1"]);
    assert!(out.status.success());
    assert!(out.stdout.is_empty(), "nothing on standard output");
    let stderr = String::from_utf8(out.stderr).unwrap();
    let dir = desk.path("pages/man1");

    for (file, title) in [
        ("tkt.1", ".TH tkt 1"),
        ("tkt-reply.1", ".TH tkt-reply 1"),
        ("tkt-person.1", ".TH tkt-person 1"),
        ("tkt-person-add.1", ".TH tkt-person-add 1"),
        ("tkt-sla-apply.1", ".TH tkt-sla-apply 1"),
        ("tkt-man.1", ".TH tkt-man 1"),
    ] {
        let page = std::fs::read_to_string(dir.join(file))
            .unwrap_or_else(|e| panic!("{file}: {e}\nstderr:\n{stderr}"));
        contains(&page, title);
        contains(&stderr, &format!("pages/man1/{file}\n"));
    }
    let page = std::fs::read_to_string(dir.join("tkt-person-add.1")).unwrap();
    contains(&page, "\\-\\-email");
    contains(&page, "tkt person add ben \\-\\-name");

    // One line on stderr per file written, and no page for `help`.
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    assert_eq!(stderr.lines().count(), files.len(), "{stderr}");
    assert!(files
        .iter()
        .all(|f| f.starts_with("tkt") && f.ends_with(".1")));
    assert!(!files.contains(&"tkt-help.1".to_string()), "{files:?}");
}
