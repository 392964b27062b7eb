//! What a password for signing in to the helpdesk must be. Length is what
//! makes a password strong (NIST SP 800-63B): at least 12 characters, no
//! composition rules, at most 1,024 bytes (hashing is deliberately slow,
//! and an unbounded input would make it slower still), and not the
//! person's own address or key.

use super::model::Person;

pub const MIN_CHARS: usize = 12;
pub const MAX_BYTES: usize = 1024;

/// Why `password` will not do for `person`, if it will not.
pub fn problem(password: &str, person: &Person) -> Option<String> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        return Some(format!(
            "the password has {chars} characters; use at least {MIN_CHARS} (a few words make a good one)"
        ));
    }
    if password.len() > MAX_BYTES {
        return Some(format!("the password is longer than {MAX_BYTES} bytes"));
    }
    let lower = password.to_lowercase();
    if lower == person.email.to_lowercase() || lower == person.key {
        return Some("the password must not be your email address or person key".into());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::Role;

    fn ana() -> Person {
        Person {
            key: "ana.alves".into(),
            name: "Ana".into(),
            email: "ana.alves@example.org".into(),
            role: Role::Admin,
        }
    }

    #[test]
    fn length_decides_and_the_own_address_is_refused() {
        assert!(problem("short pass", &ana())
            .unwrap()
            .contains("at least 12"));
        assert_eq!(problem("correct horse battery", &ana()), None);
        assert_eq!(problem("ñandú ñandú ñ", &ana()), None);
        assert!(problem("Ana.Alves@example.org", &ana()).is_some());
        assert!(problem(&"x".repeat(1025), &ana())
            .unwrap()
            .contains("1024 bytes"));
    }
}
