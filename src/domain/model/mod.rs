//! The helpdesk's content model: plain types, parsing and validation, no I/O.

pub mod config;
pub mod entry;
pub mod folio;
pub mod knowledge;
pub mod quantity;
pub mod service;
pub mod status;
pub mod ticket;

pub use config::{Category, Config, FieldSpec, FieldType, Person, Role, View};
pub use entry::{Change, Entry, EntryKind};
pub use folio::{Folio, FolioFormat};
pub use knowledge::{Canned, Faq};
pub use quantity::{ByteSize, Span};
pub use service::{SlaPolicy, SlaTarget, TargetKind};
pub use status::{Priority, Status};
pub use ticket::{Action, Ticket};

/// Keys must be safe in file names, commit trailers and URLs.
pub fn is_valid_key(key: &str) -> bool {
    let mut chars = key.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c))
        && key.len() <= 64
}

/// An attachment name that stays inside its folder and shows no hidden or
/// control characters: what may be read from `attachments/` or published.
pub fn is_safe_attachment_name(name: &str) -> bool {
    !(name.is_empty()
        || name.len() > 200
        || name.starts_with('.')
        || name.contains(['/', '\\', '\0'])
        || name.chars().any(char::is_control))
}

#[cfg(test)]
mod tests {
    #[test]
    fn keys() {
        assert!(super::is_valid_key("ana"));
        assert!(super::is_valid_key("case-support"));
        assert!(!super::is_valid_key("Ana"));
        assert!(!super::is_valid_key("-x"));
        assert!(!super::is_valid_key("a/b"));
        assert!(!super::is_valid_key(""));
    }
}
