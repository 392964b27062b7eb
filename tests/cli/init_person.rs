use crate::common::{contains, Desk};

#[test]
fn init_creates_a_committed_tracker() {
    let desk = Desk::bare_repo();
    desk.ok(&["init", "--name", "Practice helpdesk"]);
    let config = desk.read("helpdesk.yaml");
    contains(&config, "name: Practice helpdesk");
    for category in ["technical", "case-support", "suggestion", "other"] {
        contains(&config, &format!("key: {category}"));
    }
    contains(&config, "email: ana@example.org");
    contains(&config, "role: admin");
    contains(&desk.read(".gitattributes"), "*.md text eol=lf");
    contains(&desk.read(".gitignore"), "/_site/");
    for dir in ["tickets", "faq", "canned"] {
        assert!(desk.path(dir).is_dir(), "{dir}");
    }
    assert_eq!(desk.commit_count(), 1);
    let log = desk.git(&["log", "-1", "--format=%an <%ae>%n%B"]);
    contains(&log, "Ana Alves <ana@example.org>");
    contains(&log, "Action: init\nActor: ana");
    assert_eq!(desk.git(&["status", "--porcelain"]), "");
    desk.ok(&["check"]);
}

#[test]
fn files_get_ordinary_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let desk = Desk::new();
    let folio = desk.ticket("x", &[]);
    desk.write("ordinary.txt", "made by std::fs::write");
    let mode = |rel: &str| {
        std::fs::metadata(desk.path(rel))
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    };
    let expected = mode("ordinary.txt");
    assert_eq!(mode("helpdesk.yaml"), expected);
    assert_eq!(mode(&format!("tickets/{folio}/ticket.md")), expected);
}

#[test]
fn init_runs_git_init_and_refuses_twice() {
    let desk = Desk::bare_repo();
    std::fs::remove_dir_all(desk.path(".git")).unwrap();
    let global = desk.tmp.path().join(".gitconfig");
    std::fs::write(
        &global,
        "[user]\n\tname = Ana Alves\n\temail = ana@example.org\n",
    )
    .unwrap();
    desk.ok(&["init", "desk"]);
    assert!(desk.path("desk/.git").is_dir());
    assert!(desk.path("desk/helpdesk.yaml").is_file());
    let err = desk.fails(&["init", "desk"], 1);
    contains(&err, "already a tkt tracker");
}

#[test]
fn init_needs_a_git_identity() {
    let desk = Desk::bare_repo();
    desk.git(&["config", "--unset", "user.email"]);
    let err = desk.fails(&["init"], 1);
    contains(&err, "git config --global user.email");
    assert!(!desk.path("helpdesk.yaml").exists());
}

#[test]
fn person_add_and_list() {
    let desk = Desk::new();
    let list = desk.ok(&["person", "list"]);
    contains(&list, "ben   Ben Okafor");
    contains(&list, "rita  Rita Ruiz   rita@example.org  requester");
    let before = desk.commit_count();
    desk.ok(&[
        "person",
        "add",
        "dan",
        "--name",
        "Dan \"D\": O'Neil",
        "--email",
        "dan@example.org",
        "--role",
        "operator",
    ]);
    assert_eq!(desk.commit_count(), before + 1);
    assert_eq!(desk.last_commit_files(), vec!["helpdesk.yaml"]);
    contains(&desk.ok(&["person", "list"]), "Dan \"D\": O'Neil");
    contains(&desk.read("helpdesk.yaml"), "# tkt helpdesk configuration");
}

#[test]
fn person_add_refusals() {
    let desk = Desk::new();
    contains(
        &desk.fails(
            &[
                "person",
                "add",
                "ben",
                "--name",
                "B",
                "--email",
                "b2@example.org",
            ],
            1,
        ),
        "already exists",
    );
    contains(
        &desk.fails(
            &[
                "person",
                "add",
                "x",
                "--name",
                "X",
                "--email",
                "ben@example.org",
            ],
            1,
        ),
        "already belongs to `ben`",
    );
    contains(
        &desk.fails(
            &[
                "person",
                "add",
                "Bad Key",
                "--name",
                "X",
                "--email",
                "x@example.org",
            ],
            1,
        ),
        "cannot be a person key",
    );
    contains(
        &desk.fails(&["person", "add", "x", "--name", "X", "--email", "nope"], 1),
        "not an email",
    );
    contains(
        &desk.fails(
            &[
                "--as",
                "ben",
                "person",
                "add",
                "x",
                "--name",
                "X",
                "--email",
                "x@example.org",
            ],
            1,
        ),
        "only admins",
    );
    contains(
        &desk.fails(
            &[
                "person",
                "add",
                "x",
                "--name",
                "X",
                "--email",
                "x@example.org",
                "--role",
                "boss",
            ],
            2,
        ),
        "allowed: admin, operator, requester",
    );
}

#[test]
fn unknown_actor_is_explained() {
    let desk = Desk::new();
    contains(
        &desk.fails(
            &["--as", "zed", "new", "-s", "x", "-c", "other", "-m", "y"],
            1,
        ),
        "unknown person `zed`",
    );
    desk.git(&["config", "user.email", "stranger@example.org"]);
    let err = desk.fails(&["new", "-s", "x", "-c", "other", "-m", "y"], 1);
    contains(&err, "stranger@example.org");
    contains(&err, "--as PERSON");
    desk.cmd()
        .env("TKT_USER", "rita")
        .args(["new", "-s", "x", "-c", "other", "-m", "y"])
        .assert()
        .success();
}

#[test]
fn config_errors_name_file_and_line() {
    let desk = Desk::new();
    let config = desk.read("helpdesk.yaml");
    desk.write(
        "helpdesk.yaml",
        &config.replacen(
            "assignment: round-robin",
            "assignment: round-robin\nassignmnet: x",
            1,
        ),
    );
    let line = desk
        .read("helpdesk.yaml")
        .lines()
        .position(|l| l.starts_with("assignmnet"))
        .unwrap()
        + 1;
    let err = desk.fails(&["list"], 1);
    contains(
        &err,
        &format!("helpdesk.yaml:{line}: unknown field `assignmnet`"),
    );
}

#[test]
fn help_has_examples_for_every_command() {
    let desk = Desk::new();
    let commands: &[&[&str]] = &[
        &[],
        &["init"],
        &["person", "add"],
        &["person", "list"],
        &["new"],
        &["list"],
        &["show"],
        &["reply"],
        &["note"],
        &["status"],
        &["assign"],
        &["take"],
        &["priority"],
        &["action", "add"],
        &["action", "done"],
        &["resolve"],
        &["close"],
        &["reopen"],
        &["log"],
        &["check"],
    ];
    for command in commands {
        let mut args = command.to_vec();
        args.push("--help");
        contains(&desk.ok(&args), "Examples:");
    }
}
