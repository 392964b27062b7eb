//! What the web registration form needs from the tracker: the desk's
//! name, the categories with their forms, the `web:` settings, and the
//! serving clone's key for signing form tokens. Read afresh for each
//! request, so a changed `helpdesk.yaml` shows at once.

use super::unit::Scope;
use crate::domain::model::config::WebSettings;
use crate::domain::model::Category;
use crate::git::Git;
use anyhow::Result;

pub struct RegistrationForm {
    pub desk_name: String,
    pub categories: Vec<Category>,
    pub web: WebSettings,
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
        web,
        key,
    }))
}

/// What the external form snippet needs: the categories and the base URL
/// it posts to. Refused when `web:` is not set.
pub fn snippet_parts(scope: &Scope) -> Result<(Vec<Category>, WebSettings)> {
    let tracker = scope.open_tracker()?;
    let web = tracker.config.web.clone().ok_or_else(|| {
        crate::domain::refusal::Refusal::invalid(
            "web",
            "helpdesk.yaml has no `web:` settings; set `web: base_url` (and `allowed_origins` for the \
             site that will hold the form) first",
        )
    })?;
    Ok((tracker.config.categories.clone(), web))
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
