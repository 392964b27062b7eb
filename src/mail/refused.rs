//! A mail refused at the door (its sender may not register tickets by
//! mail): what the importer records so that the notifier can answer it
//! once, unless it was machine mail, which is never answered.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefusedMail {
    /// The refused mail's `Message-ID` (without angle brackets): the
    /// answer's `In-Reply-To`.
    pub message_id: String,
    /// Whom to answer (the sender's address).
    pub to: String,
    /// The refused mail's subject, for the answer's `Re:`.
    pub subject: String,
    /// Why, in words for the sender (the registration rule's refusal).
    pub reason: String,
    /// When it was refused.
    pub date: DateTime<Utc>,
}
