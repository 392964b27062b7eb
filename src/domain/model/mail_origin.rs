//! Where a ticket or timeline entry came from when it arrived by email:
//! the `mail:` key of `ticket.md` and of a timeline entry. The message id
//! makes importing a mailbox twice harmless and lets replies thread onto
//! their ticket; the rest tells the team (and the notifier) who wrote it
//! and whether it was machine mail that must never be answered.

use super::Problem;
use serde::{Deserialize, Serialize};

/// The mail a ticket or entry was made from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailOrigin {
    /// The `Message-ID` header, without its angle brackets.
    pub message_id: String,
    /// The sender as the mail named them (`Name <address>`).
    pub from: String,
    /// Other addresses the mail was sent to (`Cc:`), lower-cased: on a
    /// ticket, the people whose replies by mail are accepted and who get
    /// copies of public replies.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cc: Vec<String>,
    /// Machine mail (an auto-reply, a bounce, a list): the header that
    /// said so, e.g. `Auto-Submitted: auto-replied`. Nothing answers it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub automatic: Option<String>,
    /// A note made from someone not on the ticket, for the team to review
    /// before acting on it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub review: bool,
}

impl MailOrigin {
    pub const KEYS: &'static [&'static str] = &["message_id", "from", "cc", "automatic", "review"];

    /// Values a hand edit could break.
    pub fn problems(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        let id = self.message_id.trim();
        if id.is_empty() || id.starts_with('<') || id.contains(char::is_whitespace) {
            out.push(Problem::at(
                "message_id:",
                format!(
                    "mail.message_id `{}` must be a message id without angle brackets or spaces",
                    self.message_id
                ),
            ));
        }
        let texts = [&self.message_id, &self.from]
            .into_iter()
            .chain(&self.cc)
            .chain(&self.automatic);
        if let Some(bad) = texts.into_iter().find(|v| v.contains(['\r', '\n'])) {
            out.push(Problem::at(
                "mail:",
                format!("mail value {bad:?} spans lines; each value is one line"),
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin(id: &str) -> MailOrigin {
        MailOrigin {
            message_id: id.into(),
            from: "Rita <rita@example.org>".into(),
            cc: vec![],
            automatic: None,
            review: false,
        }
    }

    #[test]
    fn a_plain_id_is_fine_and_brackets_or_line_breaks_are_not() {
        assert!(origin("abc@mail.example.org").problems().is_empty());
        assert_eq!(origin("<abc@x>").problems().len(), 1);
        assert_eq!(origin("a b@x").problems().len(), 1);
        let mut o = origin("abc@x");
        o.from = "Rita\nBcc: all@x".into();
        assert_eq!(o.problems().len(), 1);
    }
}
