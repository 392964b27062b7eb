//! What the web registration form needs from the tracker: the desk's
//! name, the categories with their forms, the `web:` settings, and the
//! serving clone's key for signing form tokens. Read afresh for each
//! request, so a changed `helpdesk.yaml` shows at once.

use super::unit::Scope;
use super::uploads::UploadLimits;
use crate::domain::model::config::WebSettings;
use crate::domain::model::Category;
use crate::domain::trailers::Via;
use crate::git::Git;
use anyhow::Result;

pub struct RegistrationForm {
    pub desk_name: String,
    pub categories: Vec<Category>,
    pub web: WebSettings,
    /// How many files a form may carry and how large each may be.
    pub uploads: UploadLimits,
    /// Signs and checks the form's anti-forgery tokens.
    pub key: [u8; 32],
}

/// The form's parts, or `None` when `web:` is not set (no web forms).
pub fn registration_form(scope: &Scope) -> Result<Option<RegistrationForm>> {
    let tracker = scope.open_tracker()?;
    let Some(web) = tracker.config.web.clone() else {
        return Ok(None);
    };
    let key = Git::open(&tracker.root)?.web_key()?;
    Ok(Some(RegistrationForm {
        desk_name: tracker.config.name.clone(),
        categories: tracker.config.categories.clone(),
        uploads: UploadLimits::of(&tracker.config, Some(Via::Web)),
        web,
        key,
    }))
}

/// What the external form snippet needs.
pub struct SnippetParts {
    pub categories: Vec<Category>,
    /// The base URL it posts to, the origins it may be posted from.
    pub web: WebSettings,
    /// What its attachments input promises.
    pub uploads: UploadLimits,
}

/// The external form snippet's parts. Refused when `web:` is not set.
pub fn snippet_parts(scope: &Scope) -> Result<SnippetParts> {
    let tracker = scope.open_tracker()?;
    let web = tracker.config.web.clone().ok_or_else(|| {
        crate::domain::refusal::Refusal::invalid(
            "web",
            "helpdesk.yaml has no `web:` settings; set `web: base_url` (and `allowed_origins` for the \
             site that will hold the form) first",
        )
    })?;
    Ok(SnippetParts {
        categories: tracker.config.categories.clone(),
        uploads: UploadLimits::of(&tracker.config, Some(Via::Web)),
        web,
    })
}

/// The FAQ entries that best match `subject` (at most 3), as the public
/// may see them: `(slug, title)`.
pub fn faq_suggestions(scope: &Scope, subject: &str) -> Result<Vec<(String, String)>> {
    let reader = super::Reader::public(scope)?;
    let items = super::knowledge::items(&reader, false)?;
    Ok(crate::domain::kb::search(&items, subject, 3)
        .into_iter()
        .map(|hit| (hit.id, hit.title))
        .collect())
}
