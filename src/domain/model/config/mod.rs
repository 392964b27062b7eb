//! `helpdesk.yaml`: the tracker's people, categories, forms, SLAs and views.
//!
//! One module per concept: `document` (the whole [`Config`] and the
//! starter), `people`, `categories` (with their forms), `views`, `lookup`
//! (finding things by key) and `validation` (parsing and the problems found,
//! with line numbers). SLA policy and escalation types live in
//! [`crate::domain::model::service`].

mod categories;
mod document;
mod lookup;
mod mail;
mod mail_import;
mod mail_notify;
mod people;
mod validation;
mod views;
mod web;

pub use categories::{Category, FieldSpec, FieldType};
pub use document::{Assignment, AttachmentPolicy, Config, SyncSettings};
pub use mail::MailSettings;
pub use mail_import::{MailImport, MailMatch, MailRule, MailSet, Pattern, RefusedSenders};
pub use mail_notify::{
    AutomaticLimit, MailNotify, NewTicketRule, RecipientKeyword, Recipients, RequesterNotices,
    Rhythm, Security, Sendmail, Smtp, Transport, TransportKind, Unanswered,
};
pub use people::{Person, Role};
pub use views::View;
pub use web::{OpenTo, Registration, RequesterSees, WebSettings};
