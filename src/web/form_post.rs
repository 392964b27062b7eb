//! A posted web form: its values and its attachments, whether it came as
//! `application/x-www-form-urlencoded` (forms without files, and external
//! snippets pasted before forms took attachments) or as
//! `multipart/form-data` (with files); and how large a post with files may
//! be, decided from its head before its body is read.
//!
//! Files are held to the form's upload limits as they are read: a form
//! with too many or too large files comes back with every value kept and
//! a message beside its attachments input, and nothing is committed. The
//! application layer names, checks and stages what is taken.

use super::http::{Allowance, Request, LIMITS};
use super::register::Forms;
use crate::app::uploads::{Upload, UploadLimits};
use crate::site::forms::{attachments_hint, ATTACHMENTS};
use bytes::Bytes;
use std::collections::HashMap;
use std::convert::Infallible;

/// The values and files of one post.
#[derive(Default)]
pub struct Posted {
    /// By field name; a repeated name keeps its first value.
    values: HashMap<String, String>,
    /// Name as sent, content.
    files: Vec<(String, Vec<u8>)>,
    /// How many files were sent (taken or not).
    sent: usize,
    /// Why the files cannot be taken (too many, one too large), for the
    /// message beside the attachments input.
    pub file_problem: Option<String>,
}

impl Posted {
    /// Reads `request`'s body as its `Content-Type` says, holding files to
    /// `limits`; `Err` (a message) for a multipart body that cannot be read.
    pub fn read(request: &Request, limits: UploadLimits) -> Result<Posted, String> {
        let Some(boundary) = boundary(request) else {
            return Ok(Posted::urlencoded(&request.body));
        };
        multipart(&request.body, boundary, limits)
            .map_err(|e| format!("The form could not be read ({e}); nothing was sent.\n"))
    }

    fn urlencoded(body: &[u8]) -> Posted {
        let mut posted = Posted::default();
        for (name, value) in form_urlencoded::parse(body) {
            posted.keep(name.into_owned(), value.into_owned());
        }
        posted
    }

    fn keep(&mut self, name: String, value: String) {
        self.values.entry(name).or_insert(value);
    }

    /// Every value sent, by field name.
    pub fn values(&self) -> &HashMap<String, String> {
        &self.values
    }

    /// The value of field `name` (empty when it was not sent).
    pub fn get(&self, name: &str) -> &str {
        self.values.get(name).map(String::as_str).unwrap_or("")
    }

    /// How many files were sent, taken or not (a form that comes back
    /// cannot keep them: the person must attach them again).
    pub fn files_sent(&self) -> usize {
        self.sent
    }

    /// The files taken, as uploads for the application layer (once).
    pub fn take_uploads(&mut self) -> Vec<Upload> {
        std::mem::take(&mut self.files)
            .into_iter()
            .map(|(name, bytes)| Upload::from_bytes(name, bytes))
            .collect()
    }
}

/// The boundary of a `multipart/form-data` body; `None` for any other.
fn boundary(request: &Request) -> Option<String> {
    let content_type = request.header_values("Content-Type").next()??;
    multer::parse_boundary(content_type).ok()
}

/// Whether `request` sends a `multipart/form-data` body.
pub fn is_multipart(request: &Request) -> bool {
    boundary(request).is_some()
}

/// Parses a multipart body already in memory (fed to the parser in
/// pieces, so it is not copied whole).
fn multipart(body: &[u8], boundary: String, limits: UploadLimits) -> multer::Result<Posted> {
    let pieces = body
        .chunks(64 * 1024)
        .map(|piece| Ok::<_, Infallible>(Bytes::copy_from_slice(piece)));
    let mut parts = multer::Multipart::new(futures_util::stream::iter(pieces), boundary);
    futures_executor::block_on(async {
        let mut posted = Posted::default();
        while let Some(mut part) = parts.next_field().await? {
            let name = part.name().unwrap_or("").to_string();
            let Some(file_name) = part.file_name().map(str::to_string) else {
                let text = part.text().await?;
                posted.keep(name, text);
                continue;
            };
            if name != ATTACHMENTS {
                continue;
            }
            // Read to the end either way; bytes past the limit are dropped.
            let mut bytes = Vec::new();
            let mut too_large = false;
            while let Some(piece) = part.chunk().await? {
                too_large |= (bytes.len() + piece.len()) as u64 > limits.file_size.bytes;
                if too_large {
                    bytes = Vec::new();
                } else {
                    bytes.extend_from_slice(&piece);
                }
            }
            // A file input left empty: browsers send a nameless, empty part.
            if file_name.is_empty() && bytes.is_empty() && !too_large {
                continue;
            }
            posted.sent += 1;
            if too_large {
                posted.file_problem = Some(format!(
                    "{} is too large. {}",
                    shown(&file_name),
                    attachments_hint(limits)
                ));
            } else if posted.sent > limits.files {
                posted.file_problem = Some(format!("Too many files. {}", attachments_hint(limits)));
            }
            if posted.file_problem.is_none() {
                posted.files.push((file_name, bytes));
            }
        }
        if posted.file_problem.is_some() {
            posted.files.clear();
        }
        Ok(posted)
    })
}

/// A file's name as the person knows it (the part after any folder), for
/// a message; it is escaped where shown.
fn shown(file_name: &str) -> String {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or("");
    let base = crate::app::uploads::without_format_controls(base);
    if base.trim().is_empty() {
        "The file".to_string()
    } else {
        format!("“{base}”")
    }
}

/// How large a multipart post to a web form (`/new…`, `/t/…`, `/mine/…`,
/// `/act/…`) may be:
/// its files at their limits, plus room for the text fields; `None` for
/// any other request (which keeps the server's own small limit), and for a
/// follow-up link that opens nothing, `/mine` without a session or `/act`
/// without a staff session, which
/// are refused after at most that small body.
pub fn allowance(request: &Request, forms: &Forms) -> Option<Allowance> {
    let path = request.path();
    let form_path = path == "/new"
        || path.starts_with("/new/")
        || path
            .strip_prefix("/t/")
            .is_some_and(|token| opens_a_ticket(forms, token.trim_end_matches('/')))
        || (path.starts_with("/mine/") && forms.sessions.signed_in(request).is_some())
        || (path.starts_with("/act/")
            && forms
                .sessions
                .signed_in(request)
                .is_some_and(|who| who.staff));
    if request.method != "POST" || !form_path || !is_multipart(request) {
        return None;
    }
    let form = crate::app::web_form::registration_form(&forms.scope)
        .ok()
        .flatten()?;
    Some(allowance_for(
        form.uploads,
        form.web.limits.description_chars,
    ))
}

/// Whether a follow-up link's token opens a ticket (an index lookup).
fn opens_a_ticket(forms: &Forms, token: &str) -> bool {
    forms
        .links
        .open(&forms.scope, token)
        .is_ok_and(|found| found.is_some())
}

/// `limits.files` files of `limits.file_size` each with their part heads,
/// and the text: what fits a post without files, plus a description of
/// `text_chars` characters of up to 4 bytes each.
fn allowance_for(limits: UploadLimits, text_chars: usize) -> Allowance {
    const PART_HEAD: u64 = 1024;
    let files = (limits.files as u64).saturating_mul(limits.file_size.bytes + PART_HEAD);
    let text = (LIMITS.body_bytes + 4 * text_chars) as u64;
    let bytes = usize::try_from(files.saturating_add(text)).unwrap_or(usize::MAX);
    Allowance {
        bytes,
        too_large: format!(
            "The form is too large to send: {} Nothing was sent. Go back, attach fewer or \
             smaller files, and send the form again.\n",
            attachments_hint(limits)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::config::Config;
    use crate::domain::trailers::Via;

    fn limits(files: usize, size: &str) -> UploadLimits {
        let config: Config = serde_yaml::from_str(&format!(
            "name: D\ncategories: []\n\
             web: {{base_url: 'https://h.example.org', limits: {{attachments: {files}, attachment_size: {size}}}}}\n"
        ))
        .unwrap();
        UploadLimits::of(&config, Some(Via::Web))
    }

    /// A multipart body of `parts`: (name, file name, content).
    fn body(parts: &[(&str, Option<&str>, &[u8])]) -> Vec<u8> {
        let mut out = Vec::new();
        for (name, file, content) in parts {
            out.extend_from_slice(b"--XyZ\r\nContent-Disposition: form-data; name=\"");
            out.extend_from_slice(name.as_bytes());
            out.push(b'"');
            if let Some(file) = file {
                out.extend_from_slice(format!("; filename=\"{file}\"").as_bytes());
                out.extend_from_slice(b"\r\nContent-Type: application/octet-stream");
            }
            out.extend_from_slice(b"\r\n\r\n");
            out.extend_from_slice(content);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"--XyZ--\r\n");
        out
    }

    fn read(parts: &[(&str, Option<&str>, &[u8])], limits: UploadLimits) -> Posted {
        multipart(&body(parts), "XyZ".into(), limits).unwrap()
    }

    #[test]
    fn values_and_several_files_under_one_name() {
        let mut posted = read(
            &[
                ("subject", None, "Scanner – jams".as_bytes()),
                ("subject", None, b"second value ignored"),
                (ATTACHMENTS, Some("a.txt"), b"one"),
                (ATTACHMENTS, Some("b.pdf"), b"two"),
                ("other", Some("c.txt"), b"not an attachment"),
            ],
            limits(5, "1KiB"),
        );
        assert_eq!(posted.get("subject"), "Scanner – jams");
        assert_eq!(posted.get("missing"), "");
        assert_eq!(posted.files_sent(), 2);
        assert!(posted.file_problem.is_none());
        let names: Vec<String> = posted.take_uploads().into_iter().map(|u| u.name).collect();
        assert_eq!(names, ["a.txt", "b.pdf"]);
    }

    #[test]
    fn an_empty_file_input_is_no_attachment() {
        let posted = read(
            &[("description", None, b"x"), (ATTACHMENTS, Some(""), b"")],
            limits(5, "1KiB"),
        );
        assert_eq!(posted.files_sent(), 0);
        assert!(posted.file_problem.is_none());
    }

    #[test]
    fn too_many_or_too_large_files_are_not_taken_and_values_stay() {
        let big = vec![b'x'; 1025];
        let mut posted = read(
            &[
                ("subject", None, b"kept"),
                (ATTACHMENTS, Some("../big\u{202E}.bin"), &big),
                (ATTACHMENTS, Some("small.txt"), b"ok"),
            ],
            limits(5, "1KiB"),
        );
        assert_eq!(posted.get("subject"), "kept");
        assert_eq!(
            posted.file_problem.as_deref(),
            Some("“big.bin” is too large. Up to 5 files, at most 1 KiB each.")
        );
        assert!(posted.take_uploads().is_empty());
        let exactly = vec![b'x'; 1024];
        let parts: Vec<_> = (0..3)
            .map(|_| (ATTACHMENTS, Some("f.txt"), exactly.as_slice()))
            .collect();
        let mut posted = read(&parts, limits(2, "1KiB"));
        assert_eq!(posted.files_sent(), 3);
        assert_eq!(
            posted.file_problem.as_deref(),
            Some("Too many files. Up to 2 files, at most 1 KiB each.")
        );
        assert!(posted.take_uploads().is_empty());
        assert!(read(&parts[..2], limits(2, "1KiB")).file_problem.is_none());
    }

    #[test]
    fn a_broken_body_is_refused() {
        let mut broken = body(&[("subject", None, b"x")]);
        broken.truncate(20);
        assert!(multipart(&broken, "XyZ".into(), limits(5, "1KiB")).is_err());
    }

    #[test]
    fn the_allowance_covers_the_files_and_the_text() {
        let granted = allowance_for(limits(5, "5MiB"), 20_000);
        assert_eq!(granted.bytes, 5 * ((5 << 20) + 1024) + 64 * 1024 + 80_000);
        assert!(granted
            .too_large
            .contains("Up to 5 files, at most 5 MiB each."));
    }
}
