//! Split and join Markdown files with YAML front-matter.
//!
//! Every tkt file (ticket, timeline entry, FAQ entry, canned answer) is
//! `---\n<yaml>---\n<markdown body>`. This module is pure text handling so
//! that parsing rules and their line numbers can be unit- and property-tested.

use serde::de::DeserializeOwned;
use serde::Serialize;
use std::fmt;

/// A problem in a file's text, with the 1-based line it was found on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextError {
    pub line: Option<usize>,
    pub message: String,
}

impl TextError {
    pub fn at(line: usize, message: impl Into<String>) -> Self {
        TextError {
            line: Some(line),
            message: message.into(),
        }
    }

    pub fn general(message: impl Into<String>) -> Self {
        TextError {
            line: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for TextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{line}: {}", self.message),
            None => write!(f, "{}", self.message),
        }
    }
}

/// The two halves of a front-matter document, borrowed from the file text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML between the two `---` lines.
    pub yaml: &'a str,
    /// 1-based line number of the first YAML line, to turn YAML error
    /// positions into file positions.
    pub yaml_first_line: usize,
    /// Everything after the closing `---` line.
    pub body: &'a str,
}

/// Finds the front-matter fences. Refuses files with left-over merge
/// conflict markers first, because YAML would otherwise report a confusing
/// error (or, worse, parse one side of the conflict silently).
pub fn split(text: &str) -> Result<Split<'_>, TextError> {
    if let Some(line) = conflict_marker_line(text) {
        return Err(TextError::at(
            line,
            "left-over git conflict marker; resolve the conflict and remove the markers",
        ));
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rest = strip_fence(text).ok_or_else(|| {
        TextError::at(
            1,
            "missing front-matter: the file must start with a `---` line",
        )
    })?;
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end_matches(['\n', '\r']) == "---" {
            return Ok(Split {
                yaml: &rest[..offset],
                yaml_first_line: 2,
                body: &rest[offset + line.len()..],
            });
        }
        offset += line.len();
    }
    Err(TextError::at(
        1,
        "front-matter is not closed: add a `---` line after the YAML",
    ))
}

fn strip_fence(text: &str) -> Option<&str> {
    text.strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
}

/// Returns the line of the first git conflict marker, if any. A bare
/// `=======` only counts when an opening marker exists too, since it is
/// also a Markdown heading underline.
pub fn conflict_marker_line(text: &str) -> Option<usize> {
    // Every ticket is scanned on every `tkt list`: rule out the usual case
    // (no marker anywhere) with two substring searches.
    if !text.contains("<<<<<<<") && !text.contains(">>>>>>>") {
        return None;
    }
    let has_open = text.lines().any(|l| l.starts_with("<<<<<<<"));
    text.lines().enumerate().find_map(|(i, l)| {
        let marker = l.starts_with("<<<<<<< ")
            || l == "<<<<<<<"
            || l.starts_with(">>>>>>> ")
            || l == ">>>>>>>"
            || (has_open && l == "=======");
        marker.then_some(i + 1)
    })
}

/// Parses a whole front-matter document into its metadata and body.
pub fn parse<T: DeserializeOwned>(text: &str) -> Result<(T, String), TextError> {
    let split = split(text)?;
    let meta = parse_yaml(split.yaml, split.yaml_first_line)?;
    Ok((meta, normalise_body(split.body)))
}

/// Deserialises YAML, mapping serde_yaml's positions to file lines.
pub fn parse_yaml<T: DeserializeOwned>(yaml: &str, first_line: usize) -> Result<T, TextError> {
    if yaml.trim().is_empty() {
        return Err(TextError::at(first_line, "front-matter is empty"));
    }
    serde_yaml::from_str(yaml).map_err(|e| yaml_error(&e, first_line))
}

/// Converts a serde_yaml error into a [`TextError`] with a file line.
pub fn yaml_error(e: &serde_yaml::Error, first_line: usize) -> TextError {
    let message = strip_location(&e.to_string());
    match e.location() {
        Some(loc) => TextError::at(first_line + loc.line() - 1, message),
        None => TextError::at(first_line, message),
    }
}

/// serde_yaml appends " at line X column Y" to messages; we report the
/// line ourselves, relative to the file rather than the YAML block.
fn strip_location(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// Bodies are stored with exactly one trailing newline; readers see them
/// without it, so a body round-trips whatever whitespace it ended with.
pub fn normalise_body(body: &str) -> String {
    let body = body.strip_prefix('\n').unwrap_or(body);
    body.trim_end().to_string()
}

/// Turns a line of a document's body (as `parse` returns it, 1-based) into
/// a line of the file, so errors found in a body (template errors in
/// canned answers) point at the file.
pub fn body_line_in_file(text: &str, body_line: usize) -> Option<usize> {
    let split = split(text).ok()?;
    let after_fence = split.yaml_first_line + split.yaml.lines().count() + 1;
    // `parse` drops one blank line after the closing fence.
    let first = after_fence + usize::from(split.body.starts_with('\n'));
    Some(first + body_line - 1)
}

/// Renders metadata and body back into a document.
pub fn join<T: Serialize>(meta: &T, body: &str) -> Result<String, serde_yaml::Error> {
    let yaml = serde_yaml::to_string(meta)?;
    let body = body.trim_end();
    let mut out = String::with_capacity(yaml.len() + body.len() + 16);
    out.push_str("---\n");
    out.push_str(&yaml);
    out.push_str("---\n");
    if !body.is_empty() {
        out.push('\n');
        out.push_str(body);
        out.push('\n');
    }
    Ok(out)
}

/// Top-level keys of a YAML mapping with their file lines, for reporting
/// unknown keys (typos such as `stauts:`) that serde would silently skip.
pub fn top_level_keys(yaml: &str, first_line: usize) -> Vec<(String, usize)> {
    yaml.lines()
        .enumerate()
        .filter(|(_, l)| !l.starts_with([' ', '\t', '#', '-']) && !l.is_empty())
        .filter_map(|(i, l)| {
            let key = l.split_once(':')?.0.trim();
            let key = key.trim_matches(['"', '\'']);
            (!key.is_empty()).then(|| (key.to_string(), first_line + i))
        })
        .collect()
}

/// Timestamps not written the way tkt writes them: RFC 3339 in UTC with
/// whole seconds (`2026-03-31T09:15:00Z`). Another offset or fractions
/// still parse, but a hand edit in local time silently shifts the moment
/// (and file-name order, SLA clocks and reports with it), so `tkt check`
/// asks for UTC. Looks at the top-level `created`, `updated` and `date`
/// and at each `when` of the `actions` list; lines are file lines.
pub fn timestamp_problems(yaml: &str, first_line: usize) -> Vec<TextError> {
    let mut section = "";
    let mut out = Vec::new();
    for (i, line) in yaml.lines().enumerate() {
        let top_level = !line.starts_with([' ', '\t', '-', '#']);
        let Some((key, value)) = line.trim().trim_start_matches("- ").split_once(':') else {
            continue;
        };
        let key = key.trim();
        if top_level {
            section = key;
        }
        let is_timestamp = if top_level {
            matches!(key, "created" | "updated" | "date")
        } else {
            section == "actions" && key == "when"
        };
        let value = value.trim().trim_matches(['"', '\'']);
        if is_timestamp && !value.is_empty() && !is_utc_timestamp(value) {
            let hint = chrono::DateTime::parse_from_rfc3339(value)
                .map(|t| format!(" (here: {})", crate::domain::text::iso_utc(t.to_utc())))
                .unwrap_or_default();
            out.push(TextError::at(
                first_line + i,
                format!(
                    "`{key}` is `{value}`: timestamps are RFC 3339 in UTC with whole seconds, \
                     like 2026-03-31T09:15:00Z{hint}"
                ),
            ));
        }
    }
    out
}

/// `YYYY-MM-DDTHH:MM:SSZ`, a real moment.
fn is_utc_timestamp(value: &str) -> bool {
    let b = value.as_bytes();
    let shape = b.len() == 20
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b'T',
            13 | 16 => *c == b':',
            19 => *c == b'Z',
            _ => c.is_ascii_digit(),
        });
    shape && chrono::DateTime::parse_from_rfc3339(value).is_ok()
}

/// The 1-based line of the first line containing `needle`, to point
/// semantic errors (an unknown person in config, say) at their source.
pub fn line_of(text: &str, needle: &str) -> Option<usize> {
    text.lines().position(|l| l.contains(needle)).map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_must_be_utc_whole_seconds() {
        let yaml = "author: ana\ndate: 2026-03-31T12:02:00+02:00\ncreated: 2026-03-31T10:02:00Z\nupdated: '2026-03-31T10:02:00.5Z'\nfields:\n  when: tomorrow\nactions:\n- text: x\n  when: 2026-03-31 10:02\n";
        let problems = timestamp_problems(yaml, 2);
        let lines: Vec<Option<usize>> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, [Some(3), Some(5), Some(10)], "{problems:?}");
        assert!(
            problems[0].message.contains("(here: 2026-03-31T10:02:00Z)"),
            "{}",
            problems[0].message
        );
    }

    #[test]
    fn body_lines_map_to_file_lines() {
        let text = "---\ntitle: x\ntags: [a]\n---\n\nHello\n{% if %}\n";
        assert_eq!(body_line_in_file(text, 2), Some(7));
        assert_eq!(body_line_in_file("---\ntitle: x\n---\nHello\n", 1), Some(4));
    }
    use serde::Deserialize;

    #[derive(Debug, Serialize, Deserialize, PartialEq)]
    struct Meta {
        title: String,
        n: u32,
    }

    #[test]
    fn splits_and_joins() {
        let text = "---\ntitle: Hello\nn: 3\n---\n\nBody *text*\n";
        let (meta, body): (Meta, String) = parse(text).unwrap();
        assert_eq!(meta.title, "Hello");
        assert_eq!(body, "Body *text*");
        assert_eq!(join(&meta, &body).unwrap(), text);
    }

    #[test]
    fn body_may_contain_fences() {
        let text = "---\ntitle: x\nn: 1\n---\n\na\n---\nb\n";
        let (_, body): (Meta, String) = parse(text).unwrap();
        assert_eq!(body, "a\n---\nb");
    }

    #[test]
    fn reports_yaml_errors_with_file_lines() {
        let text = "---\ntitle: x\nn: notanumber\n---\n";
        let err = parse::<Meta>(text).unwrap_err();
        assert_eq!(err.line, Some(3), "{err}");
        assert!(err.message.contains("invalid"), "{err}");
    }

    #[test]
    fn missing_field_is_reported() {
        let err = parse::<Meta>("---\ntitle: x\n---\n").unwrap_err();
        assert!(err.message.contains("missing field `n`"), "{err}");
    }

    #[test]
    fn refuses_unclosed_and_missing_front_matter() {
        assert!(split("title: x\n").unwrap_err().message.contains("missing"));
        assert!(split("---\ntitle: x\n")
            .unwrap_err()
            .message
            .contains("not closed"));
    }

    #[test]
    fn finds_conflict_markers() {
        let text = "---\ntitle: x\n<<<<<<< HEAD\nn: 1\n=======\nn: 2\n>>>>>>> other\n---\n";
        let err = split(text).unwrap_err();
        assert_eq!(err.line, Some(3));
        assert_eq!(conflict_marker_line("Title\n=======\n"), None);
    }

    #[test]
    fn lists_top_level_keys() {
        let keys = top_level_keys("id: a\nstauts: open\ntags:\n  - x\n", 2);
        assert_eq!(
            keys,
            vec![("id".into(), 2), ("stauts".into(), 3), ("tags".into(), 4)]
        );
    }
}
