//! Markdown to safe HTML. Ticket text is untrusted (it will arrive by email
//! and web forms), so every fragment is rendered by pulldown-cmark and then
//! cleaned by ammonia's allow-list before it reaches a page.

use ammonia::{Builder, UrlRelative};
use pulldown_cmark::{html, Options, Parser};
use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::LazyLock;

static SANITISER: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let mut b = Builder::default();
    b.add_tags(["input"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .set_tag_attribute_value("input", "disabled", "")
        .url_schemes(HashSet::from(["http", "https", "mailto", "tel"]))
        // Content links cannot know where pages live in the site; only
        // in-page links (footnotes) stay, pointed at the prefixed ids.
        .url_relative(UrlRelative::Custom(Box::new(in_page_link)))
        // Footnote targets keep their ids, prefixed so content can never
        // take over an id the site's own pages or scripts use.
        .add_generic_attributes(["id"])
        .id_prefix(Some("md-"))
        .attribute_filter(|element, attribute, value| match (element, attribute) {
            ("input", "type") if value != "checkbox" => None,
            // Remote images would load at view time: a tracking pixel in a
            // hostile email, and a network request the site promises not to make.
            ("img", "src") => None,
            _ => Some(Cow::Borrowed(value)),
        });
    b
});

fn in_page_link(url: &str) -> Option<Cow<'_, str>> {
    let fragment = url.strip_prefix('#')?;
    Some(Cow::Owned(format!("#md-{fragment}")))
}

/// Renders Markdown (tables, task lists, footnotes, strikethrough) to
/// sanitised HTML.
pub fn render(markdown: &str) -> String {
    if markdown.trim().is_empty() {
        return String::new();
    }
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH;
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, Parser::new_ext(markdown, options));
    SANITISER.clean(&unsafe_html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_features() {
        let html = render("| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n- [ ] todo\n\n~~old~~ note[^1]\n\n[^1]: foot");
        assert!(html.contains("<table>"), "{html}");
        let checked = html
            .split("<input")
            .nth(1)
            .unwrap_or("")
            .split('>')
            .next()
            .unwrap_or("");
        for attribute in [r#"type="checkbox""#, r#"checked="""#, r#"disabled="""#] {
            assert!(checked.contains(attribute), "{html}");
        }
        assert!(html.contains("<del>old</del>"), "{html}");
        assert!(
            html.contains(r##"href="#md-1""##) && html.contains(r#"id="md-1""#),
            "{html}"
        );
    }

    #[test]
    fn hostile_markup_is_inert() {
        let cases = [
            "<script>alert(1)</script>",
            "[x](javascript:alert(1))",
            "<img src=x onerror=alert(1)>",
            "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
            "</textarea><svg onload=alert(1)>",
            "<iframe src=https://evil.example></iframe>",
            "<input type=text value=x onfocus=alert(1) autofocus>",
            "![pixel](https://tracker.example/p.gif)",
        ];
        for case in cases {
            let html = render(case).to_lowercase();
            for bad in [
                "<script",
                "javascript:",
                "onerror",
                "onload",
                "onfocus",
                "<iframe",
                "<svg",
                "</textarea",
                "tracker.example",
                "type=\"text\"",
            ] {
                assert!(!html.contains(bad), "{case:?} gave {html:?}");
            }
        }
    }
}
