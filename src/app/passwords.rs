//! Passwords for signing in to `tkt serve` (`tkt passwd`): checked against
//! the policy, hashed with Argon2id (a memory-hard hash with a random
//! salt: a stolen file does not give the passwords away cheaply) and kept
//! in the serving clone's `.git/tkt/passwords.json`, outside the work
//! tree, the pushed history and the site (`git::PasswordFile`).

use super::unit::{resolve_actor, Scope};
use crate::domain::access;
use crate::domain::model::Person;
use crate::domain::password;
use crate::domain::refusal::Refusal;
use crate::git::{Git, PasswordFile};
use anyhow::{anyhow, Result};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand_core::OsRng;
use std::sync::OnceLock;

/// Sets `key`'s password (their own, or anyone's for an admin).
pub fn set(scope: &Scope, key: &str, new_password: &str) -> Result<()> {
    let tracker = scope.open_tracker()?;
    let git = Git::open(&tracker.root)?;
    // One writer of the password file at a time.
    let _lock = git.lock()?;
    let actor = resolve_actor(&tracker, &git, scope.actor.as_deref())?;
    let target = tracker
        .config
        .require_person(key)
        .map_err(|e| Refusal::invalid("person", e))?;
    access::may_set_password(&actor, target)?;
    if let Some(problem) = password::problem(new_password, target) {
        return Err(Refusal::invalid("password", problem).into());
    }
    let salt = SaltString::generate(&mut OsRng);
    let hash = Argon2::default()
        .hash_password(new_password.as_bytes(), &salt)
        .map_err(|e| anyhow!("cannot hash the password: {e}"))?
        .to_string();
    PasswordFile::of(&git).set(&target.key, &hash)
}

/// The person `login` (a person key or email address) names, if `given`
/// is their password. Someone unknown, or without a password, costs the
/// same hashing as a wrong password, so the answer's timing does not tell
/// who has an account.
pub fn verify(scope: &Scope, login: &str, given: &str) -> Result<Option<Person>> {
    let tracker = scope.open_tracker()?;
    let git = Git::open(&tracker.root)?;
    let login = login.trim();
    let person = tracker
        .config
        .people
        .iter()
        .find(|p| p.key == login || p.email.eq_ignore_ascii_case(login));
    let stored = PasswordFile::of(&git).read()?;
    let hash = person.and_then(|p| stored.get(&p.key));
    let parsed = hash.and_then(|h| PasswordHash::new(h).ok());
    let matches = match &parsed {
        Some(hash) if given.len() <= password::MAX_BYTES => Argon2::default()
            .verify_password(given.as_bytes(), hash)
            .is_ok(),
        _ => {
            let _ = Argon2::default().verify_password(given.as_bytes(), &decoy()?);
            false
        }
    };
    Ok(matches.then(|| person.cloned()).flatten())
}

/// A hash nobody's password matches, checked against when there is no
/// real one to check.
fn decoy() -> Result<PasswordHash<'static>> {
    static DECOY: OnceLock<String> = OnceLock::new();
    let text = DECOY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(b"no account has this password", &salt)
            .map(|h| h.to_string())
            .unwrap_or_default()
    });
    PasswordHash::new(text).map_err(|e| anyhow!("cannot make the decoy hash: {e}"))
}

/// Who signed in, and what the access rules let them see of the site.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub key: String,
    /// The internal pages and all ticket data (operators and admins).
    pub sees_internal: bool,
}

/// Signs `login` in with `given`, if it is their password.
pub fn sign_in(scope: &Scope, login: &str, given: &str) -> Result<Option<SignedIn>> {
    Ok(verify(scope, login, given)?.map(|person| SignedIn {
        sees_internal: access::Viewer::Person(&person).is_staff(),
        key: person.key,
    }))
}
