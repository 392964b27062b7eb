//! Small HTML pieces for the web forms, written by hand and escaped at
//! every value: the forms are few and plain, and every byte that came
//! from a request or the tracker goes through [`escape`].

use super::http::{Body, Response};

pub use crate::domain::text::escape_html as escape;

/// A whole page in the site's look (its stylesheet), with `main` as the
/// already-escaped content. No inline script or style: the site's CSP
/// allows neither.
pub fn page(status: u16, desk: &str, title: &str, main: &str) -> Response {
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <link rel=\"icon\" href=\"/assets/favicon.svg\" type=\"image/svg+xml\">\n\
         <title>{title} — {desk}</title>\n<link rel=\"stylesheet\" href=\"/assets/style.css\">\n\
         </head>\n<body>\n<a class=\"skip-link\" href=\"#main\">Skip to content</a>\n\
         <header class=\"site-header\"><div class=\"wrap header-inner\">\
         <a class=\"brand\" href=\"/index.html\">{desk}</a></div></header>\n\
         <main id=\"main\" class=\"wrap\">\n{main}\n</main>\n</body>\n</html>\n",
        title = escape(title),
        desk = escape(desk),
    );
    // Browsers send `Origin: null` on a form post from a page whose policy
    // is `no-referrer` (the site's default), which the origin check must
    // refuse; `same-origin` keeps the real origin on posts to this server
    // and still tells other sites nothing.
    Response::new(
        status,
        "text/html; charset=utf-8",
        Body::Bytes(html.into_bytes()),
    )
    .with_header("Referrer-Policy", "same-origin")
}

/// A short page saying why nothing is shown (not found, not allowed), in
/// the site's look: a browser shows it with a title and a language, and a
/// way back.
pub fn notice(status: u16, desk: &str, title: &str, text: &str) -> Response {
    let main = format!(
        "<h1>{}</h1>\n<p>{}</p>\n<p><a href=\"/index.html\">The helpdesk's home page</a> · \
         <a href=\"/signin\">Sign in</a></p>",
        escape(title),
        escape(text)
    );
    page(status, desk, title, &main).with_header("Cache-Control", "no-store")
}

/// The answer when the tracker could not be read or written: the cause
/// goes to the server's log, the client learns nothing changed.
pub fn failure(why: &str) -> Response {
    eprintln!("error: a web form failed: {why}");
    Response::text(
        500,
        "The helpdesk could not take this request; nothing was changed. Please try again later.\n",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_markup_character_is_escaped() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
    }
}
