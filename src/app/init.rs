//! Creating a tracker (`tkt init`).

use crate::domain::model::{is_valid_key, Config, Person, Role};
use crate::domain::trailers::commit_message;
use crate::git::{Git, Identity};
use crate::store::{Transaction, CONFIG_FILE, CONFIG_HEADER, GITATTRIBUTES, GITIGNORE};
use anyhow::{bail, Context, Result};
use std::path::PathBuf;

/// A new tracker: where, its name, and the first admin's key (default:
/// made from `git config user.email`).
pub struct NewTracker {
    pub root: PathBuf,
    pub name: String,
    pub admin_key: Option<String>,
    /// Run the repository's verifying hooks (false: `--no-verify`).
    pub verify: bool,
}

/// Creates the tracker (a git repository too if it is not in one yet):
/// `helpdesk.yaml` with the git user as its first admin, the folders,
/// `.gitattributes` and `.gitignore`, in one commit. Returns the tracker's
/// folder and its admin.
pub fn init(req: NewTracker) -> Result<(PathBuf, Person)> {
    let root = req.root;
    if root.join(CONFIG_FILE).exists() {
        bail!(
            "{} is already a tkt tracker ({CONFIG_FILE} exists)",
            root.display()
        );
    }
    std::fs::create_dir_all(&root).with_context(|| format!("cannot create {}", root.display()))?;
    let root = root.canonicalize()?;
    let git = Git::open_or_init(&root)?;
    git.ensure_ready()?;
    let _lock = git.lock()?;
    let admin = first_admin(&git, req.admin_key)?;
    let config = Config::starter(&req.name, admin.clone());
    let yaml = format!("{CONFIG_HEADER}{}", serde_yaml::to_string(&config)?);

    let mut tx = Transaction::new(&root);
    tx.create(CONFIG_FILE, yaml);
    tx.create(".gitattributes", GITATTRIBUTES);
    if !root.join(".gitignore").exists() {
        tx.create(".gitignore", GITIGNORE);
    }
    for dir in ["tickets", "faq", "canned"] {
        tx.create(format!("{dir}/.gitkeep"), "");
    }
    let who = Identity {
        name: admin.name.clone(),
        email: admin.email.clone(),
        when: crate::clock::now()?,
    };
    let message = commit_message(
        None,
        "init",
        &admin.key,
        &format!("initialise helpdesk \"{}\"", req.name),
    );
    tx.commit(&git, &message, &who, req.verify)?;
    git.register_merge_driver("tkt")?;
    Ok((root, admin))
}

fn first_admin(git: &Git, key: Option<String>) -> Result<Person> {
    let (name, email) = git.configured_user();
    let (Some(name), Some(email)) = (name, email) else {
        bail!(
            "tkt init makes you its first admin, but git does not know who you are\n\
             hint: git config --global user.name \"Your Name\"\n\
             hint: git config --global user.email you@example.org"
        );
    };
    let key = key.unwrap_or_else(|| key_from_email(&email));
    if !is_valid_key(&key) {
        bail!("`{key}` cannot be a person key: use lowercase letters, digits, `-`, `_` or `.` (pass --key)");
    }
    Ok(Person {
        key,
        name,
        email,
        role: Role::Admin,
    })
}

fn key_from_email(email: &str) -> String {
    let local = email.split('@').next().unwrap_or("");
    let key: String = local
        .to_ascii_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    let key = key
        .trim_matches(|c: char| !c.is_ascii_alphanumeric())
        .to_string();
    if key.is_empty() {
        "admin".into()
    } else {
        key
    }
}
