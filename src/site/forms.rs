//! The inputs of the registration form, written once for the form `tkt
//! serve` shows and for the snippet `tkt form snippet` prints (an
//! organisation pastes it into its own web site). Plain HTML, every value
//! escaped, no script: both work without JavaScript.

use crate::app::uploads::UploadLimits;
use crate::domain::model::{ByteSize, Category, FieldSpec, FieldType};
use crate::domain::text::escape_html as escape;
use std::fmt::Write;

/// The form name of a category field's input (`field.device`).
pub fn field_name(spec: &FieldSpec) -> String {
    format!("field.{}", spec.name)
}

/// A category field's label: its own, else its name in words.
pub fn field_label(spec: &FieldSpec) -> String {
    spec.label
        .clone()
        .unwrap_or_else(|| spec.name.replace('_', " "))
}

/// An `<input>` named `name` holding `value`; `attrs` adds attributes
/// (already escaped), e.g. `aria-invalid`.
pub fn text_input(
    name: &str,
    kind: &str,
    max: usize,
    value: &str,
    required: bool,
    attrs: &str,
) -> String {
    format!(
        "<input id=\"f-{n}\" name=\"{n}\" type=\"{kind}\" maxlength=\"{max}\" value=\"{v}\"{req}{attrs}>",
        n = escape(name),
        v = escape(value),
        req = if required { " required" } else { "" },
    )
}

/// The input for one of a category's form fields, holding `value`.
pub fn field_input(spec: &FieldSpec, value: &str, attrs: &str) -> String {
    let name = field_name(spec);
    match spec.kind {
        FieldType::Choice => {
            let mut options = String::from("<option value=\"\"></option>");
            for choice in &spec.choices {
                let _ = write!(
                    options,
                    "<option value=\"{c}\"{s}>{c}</option>",
                    c = escape(choice),
                    s = if value == choice { " selected" } else { "" }
                );
            }
            format!(
                "<select id=\"f-{n}\" name=\"{n}\"{req}{attrs}>{options}</select>",
                n = escape(&name),
                req = if spec.required { " required" } else { "" },
            )
        }
        FieldType::Date => text_input(&name, "date", 10, value, spec.required, attrs),
        FieldType::Number => text_input(&name, "number", 40, value, spec.required, attrs),
        FieldType::Text => text_input(&name, "text", 500, value, spec.required, attrs),
    }
}

/// The form name of the attachments input (one part per file).
pub const ATTACHMENTS: &str = "attachments";

/// The file input for attachments (several at once) with the hint that
/// names the limits (`id="h-attachments"`, for `aria-describedby`);
/// `attrs` adds attributes (already escaped). `None` when the form takes
/// no attachments.
pub fn attachments_input(limits: UploadLimits, attrs: &str) -> Option<String> {
    (limits.files > 0).then(|| {
        format!(
            "<input id=\"f-{ATTACHMENTS}\" name=\"{ATTACHMENTS}\" type=\"file\"{multiple}{attrs}>\n\
             <span class=\"field-hint muted\" id=\"h-{ATTACHMENTS}\">{hint}</span>",
            multiple = if limits.files > 1 { " multiple" } else { "" },
            hint = escape(&attachments_hint(limits)),
        )
    })
}

/// "Up to 5 files, at most 5 MiB each."
pub fn attachments_hint(limits: UploadLimits) -> String {
    let size = spaced(limits.file_size);
    match limits.files {
        1 => format!("One file, at most {size}."),
        n => format!("Up to {n} files, at most {size} each."),
    }
}

/// `5MiB` as people write it: `5 MiB`.
fn spaced(size: ByteSize) -> String {
    let text = size.to_string();
    match text.find(|c: char| !c.is_ascii_digit()) {
        Some(at) => format!("{} {}", &text[..at], &text[at..]),
        None => text,
    }
}

/// The external registration form for `category` (or, without one, with
/// a choice of category and no category fields: the helpdesk's own page
/// asks for any it needs). It posts to `base_url` without an anti-forgery
/// token, so the server takes it only from `allowed_origins`.
pub fn registration_snippet(
    category: Option<&Category>,
    categories: &[Category],
    base_url: &str,
    files: UploadLimits,
) -> String {
    let base = base_url.trim_end_matches('/');
    let action = match category {
        Some(c) => format!("{base}/new/{}", c.key),
        None => format!("{base}/new"),
    };
    let mut html = format!(
        "<!-- Helpdesk registration form: paste into your page. It works without\n     \
         JavaScript and posts to the helpdesk, which must list this page's origin\n     \
         under web: allowed_origins in helpdesk.yaml. -->\n\
         <form class=\"helpdesk-form\" method=\"post\" action=\"{}\"{}>\n",
        escape(&action),
        if files.files > 0 {
            " enctype=\"multipart/form-data\""
        } else {
            ""
        }
    );
    let mut field = |label: &str, input: String| {
        let _ = writeln!(html, "  <p><label>{}<br>{input}</label></p>", escape(label));
    };
    field("Your name", text_input("name", "text", 100, "", true, ""));
    field(
        "Your email address",
        text_input("email", "email", 254, "", true, ""),
    );
    match category {
        Some(c) => {
            field("Subject", text_input("subject", "text", 200, "", true, ""));
            for spec in &c.fields {
                field(&field_label(spec), field_input(spec, "", ""));
            }
        }
        None => {
            let options: String = categories
                .iter()
                .map(|c| {
                    format!(
                        "<option value=\"{}\">{}</option>",
                        escape(&c.key),
                        escape(&c.name)
                    )
                })
                .collect();
            field(
                "What is it about?",
                format!("<select id=\"f-category\" name=\"category\" required>{options}</select>"),
            );
            field("Subject", text_input("subject", "text", 200, "", true, ""));
        }
    }
    field(
        "What happened, what you tried, what you expected",
        "<textarea id=\"f-description\" name=\"description\" rows=\"8\" required></textarea>"
            .into(),
    );
    if let Some(input) = attachments_input(files, " aria-describedby=\"h-attachments\"") {
        field("Attachments (optional)", input);
    }
    html.push_str(
        "  <p hidden><label>Leave this empty <input name=\"website\" tabindex=\"-1\" autocomplete=\"off\"></label></p>\n  \
         <p><button type=\"submit\">Send to the helpdesk</button></p>\n</form>\n",
    );
    html
}
