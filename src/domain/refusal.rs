//! Refusals: the typed "no" of every rule and use case. A refusal says what
//! is wrong in words free of any front end's syntax, and which kind of
//! wrong it is, so each front end can map it (the CLI to an exit status and
//! a command hint, the web to an HTTP status and a link).

use std::fmt;

/// What kind of "no" a refusal is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefusalKind {
    /// The thing asked for does not exist, or the asker may not know that
    /// it does (another requester's confidential ticket).
    NotFound,
    /// The asker's role does not allow it.
    Forbidden,
    /// The ticket's state does not allow it (reply to a closed ticket
    /// without reopening it, resolve without a solution…).
    InvalidTransition,
    /// A value given is not allowed; `Refusal::field` names which.
    InvalidValue,
    /// It would clash with something that exists (a taken key, slug, email).
    Conflict,
    /// It is so already: the change would change nothing.
    NoChange,
}

impl RefusalKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RefusalKind::NotFound => "not-found",
            RefusalKind::Forbidden => "forbidden",
            RefusalKind::InvalidTransition => "invalid-transition",
            RefusalKind::InvalidValue => "invalid-value",
            RefusalKind::Conflict => "conflict",
            RefusalKind::NoChange => "no-change",
        }
    }
}

/// What would get past a refusal, as data: each front end words it in its
/// own terms (a command to type, a button to press).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Remedy {
    /// Resolve the ticket with a solution instead.
    Resolve { folio: String },
    /// Reopen the ticket; `then` says what for ("first", "before escalating").
    Reopen { folio: String, then: &'static str },
    /// Reply again, asking for the ticket to be reopened.
    ReplyAndReopen,
    /// Add an action to the ticket's list first.
    AddAction { folio: String },
    /// Look the folio up in the list; `last` is the highest there is.
    SeeList { last: Option<String> },
    /// Ask again, saying that one knows (a confidential ticket made into
    /// an FAQ draft).
    Force,
}

/// A refused request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub kind: RefusalKind,
    /// The request field at fault, for `InvalidValue` (a form shows the
    /// message beside it).
    pub field: Option<&'static str>,
    pub message: String,
    pub remedy: Option<Remedy>,
}

impl Refusal {
    fn of(kind: RefusalKind, message: impl Into<String>) -> Refusal {
        Refusal {
            kind,
            field: None,
            message: message.into(),
            remedy: None,
        }
    }

    pub fn not_found(message: impl Into<String>) -> Refusal {
        Refusal::of(RefusalKind::NotFound, message)
    }

    pub fn forbidden(message: impl Into<String>) -> Refusal {
        Refusal::of(RefusalKind::Forbidden, message)
    }

    pub fn transition(message: impl Into<String>) -> Refusal {
        Refusal::of(RefusalKind::InvalidTransition, message)
    }

    pub fn invalid(field: &'static str, message: impl Into<String>) -> Refusal {
        Refusal {
            field: Some(field),
            ..Refusal::of(RefusalKind::InvalidValue, message)
        }
    }

    pub fn conflict(message: impl Into<String>) -> Refusal {
        Refusal::of(RefusalKind::Conflict, message)
    }

    pub fn no_change(message: impl Into<String>) -> Refusal {
        Refusal::of(RefusalKind::NoChange, message)
    }

    pub fn with_remedy(mut self, remedy: Remedy) -> Refusal {
        self.remedy = Some(remedy);
        self
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Refusal {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_fields() {
        let r = Refusal::invalid("category", "no category `x`");
        assert_eq!(r.kind, RefusalKind::InvalidValue);
        assert_eq!(r.field, Some("category"));
        assert_eq!(r.to_string(), "no category `x`");
        let r = Refusal::transition("TKT001 is closed").with_remedy(Remedy::Reopen {
            folio: "TKT001".into(),
            then: "first",
        });
        assert_eq!(r.kind.as_str(), "invalid-transition");
        assert!(r.remedy.is_some());
    }
}
