//! The one way tkt makes a Tera engine, for canned answers, the
//! resolution notice and the site's templates alike.

/// A Tera engine without `get_env`: a template committed to the tracker
/// must not be able to copy the environment (tokens, CI secrets) into a
/// reply or a published page.
pub fn engine() -> tera::Tera {
    let mut tera = tera::Tera::default();
    tera.autoescape_on(vec![]);
    tera.register_function(
        "get_env",
        |_: &std::collections::HashMap<String, tera::Value>| {
            Err(tera::Error::msg(
                "get_env is not available in tkt templates",
            ))
        },
    );
    tera
}
