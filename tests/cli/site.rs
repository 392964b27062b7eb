//! `tkt build` and `tkt serve` as a user meets them: the files of the built
//! site, their HTML and links, what each audience may see, and what the
//! local server answers.

use crate::common::{contains, Desk};
use html5ever::tendril::TendrilSink;
use html5ever::tokenizer::TokenizerOpts;
use html5ever::tree_builder::TreeBuilderOpts;
use html5ever::{parse_document, ParseOpts};
use markup5ever_rcdom::{Handle, NodeData, RcDom};
use percent_encoding::percent_decode_str;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

// ---------------------------------------------------------------------------
// Reading a built site
// ---------------------------------------------------------------------------

/// Every file of a built site by its site-relative, `/`-separated path.
type Files = BTreeMap<String, Vec<u8>>;

fn site_files(dir: &Path) -> Files {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap();
            let rel: Vec<String> = rel
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            (rel.join("/"), std::fs::read(e.path()).unwrap())
        })
        .collect()
}

fn html_pages(files: &Files) -> impl Iterator<Item = (&str, String)> {
    files
        .iter()
        .filter(|(path, _)| path.ends_with(".html"))
        .map(|(path, bytes)| (path.as_str(), String::from_utf8(bytes.clone()).unwrap()))
}

fn text(files: &Files, path: &str) -> String {
    let bytes = files
        .get(path)
        .unwrap_or_else(|| panic!("{path} is not in the site: {:?}", files.keys()));
    String::from_utf8(bytes.clone()).unwrap()
}

/// Runs `tkt build` with `args`, asserts success and returns stderr.
fn build(desk: &Desk, args: &[&str]) -> String {
    let mut all = vec!["build"];
    all.extend_from_slice(args);
    let out = desk.run(&all);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.success(),
        "tkt {all:?} failed ({:?}):\n{stderr}",
        out.status.code()
    );
    stderr
}

fn build_into(desk: &Desk, out: &Path, args: &[&str]) -> String {
    let out = out.to_str().unwrap();
    let mut all = vec!["--out", out];
    all.extend_from_slice(args);
    build(desk, &all)
}

// ---------------------------------------------------------------------------
// Parsing pages with html5ever
// ---------------------------------------------------------------------------

/// One element of a parsed page.
#[derive(Debug)]
struct Element {
    name: String,
    attrs: Vec<(String, String)>,
    /// The text of everything inside it.
    text: String,
}

impl Element {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A page as the HTML5 parser saw it: its parse errors and its elements
/// in document order.
struct Page {
    errors: Vec<String>,
    elements: Vec<Element>,
}

impl Page {
    fn parse(html: &str) -> Page {
        let opts = ParseOpts {
            tokenizer: TokenizerOpts {
                exact_errors: true,
                ..Default::default()
            },
            tree_builder: TreeBuilderOpts {
                exact_errors: true,
                ..Default::default()
            },
        };
        let dom: RcDom = parse_document(RcDom::default(), opts).one(html);
        let mut elements = Vec::new();
        collect(&dom.document, &mut elements);
        let errors = dom.errors.borrow().iter().map(|e| e.to_string()).collect();
        Page { errors, elements }
    }

    fn named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.elements.iter().filter(move |e| e.name == name)
    }

    fn ids(&self) -> BTreeSet<String> {
        self.elements
            .iter()
            .filter_map(|e| e.attr("id"))
            .map(String::from)
            .collect()
    }

    /// The addresses the page refers to: `href`, `src` and form actions,
    /// plus the scripts app.js loads (`data-source`, `data-shards`).
    fn links(&self) -> Vec<String> {
        let mut out = Vec::new();
        for e in &self.elements {
            for (name, value) in &e.attrs {
                match name.as_str() {
                    "href" | "src" | "action" | "data-source" => out.push(value.clone()),
                    "data-shards" => out.extend(value.split_whitespace().map(String::from)),
                    _ => {}
                }
            }
        }
        out
    }
}

fn collect(node: &Handle, out: &mut Vec<Element>) {
    if let NodeData::Element {
        name,
        attrs,
        template_contents,
        ..
    } = &node.data
    {
        out.push(Element {
            name: name.local.to_string(),
            attrs: attrs
                .borrow()
                .iter()
                .map(|a| (a.name.local.to_string(), a.value.to_string()))
                .collect(),
            text: text_of(node),
        });
        if let Some(contents) = template_contents.borrow().as_ref() {
            collect(contents, out);
        }
    }
    for child in node.children.borrow().iter() {
        collect(child, out);
    }
}

fn text_of(node: &Handle) -> String {
    let mut text = String::new();
    if let NodeData::Text { contents } = &node.data {
        text.push_str(&contents.borrow());
    }
    for child in node.children.borrow().iter() {
        text.push_str(&text_of(child));
    }
    text
}

// ---------------------------------------------------------------------------
// Links
// ---------------------------------------------------------------------------

/// Where a link leads.
#[derive(Debug, PartialEq)]
enum Target {
    /// Another site or a mail address: not checked.
    External,
    /// `#id` on the same page.
    Fragment(String),
    /// `/path`: only right for 404.html, which is served at any depth.
    Rooted(String),
    /// A file of the site, with an optional `#id` in it.
    File {
        path: String,
        fragment: Option<String>,
    },
}

/// Resolves `link` found on the page at site path `from`.
fn target(from: &str, link: &str) -> Result<Target, String> {
    let lower = link.trim().to_ascii_lowercase();
    if ["http:", "https:", "mailto:", "tel:"]
        .iter()
        .any(|s| lower.starts_with(s))
    {
        return Ok(Target::External);
    }
    if let Some(fragment) = link.strip_prefix('#') {
        return Ok(Target::Fragment(fragment.to_string()));
    }
    let (address, fragment) = match link.split_once('#') {
        Some((a, f)) => (a, Some(f.to_string())),
        None => (link, None),
    };
    let address = address.split('?').next().unwrap_or_default();
    if address
        .split('/')
        .next()
        .is_some_and(|first| first.contains(':'))
    {
        return Err(format!("{link:?} has a scheme"));
    }
    let decoded = percent_decode_str(address)
        .decode_utf8()
        .map_err(|e| format!("{link:?}: {e}"))?;
    if let Some(rooted) = decoded.strip_prefix('/') {
        return Ok(Target::Rooted(rooted.to_string()));
    }
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts
                    .pop()
                    .ok_or_else(|| format!("{link:?} leads above the site root"))?;
            }
            s => parts.push(s),
        }
    }
    Ok(Target::File {
        path: parts.join("/"),
        fragment,
    })
}

/// Asserts every HTML page of the site at `dir` parses as HTML5 without a
/// single error, and every relative link leads to a file of the site (and
/// to an element with that id when it has a `#fragment`). Root-absolute
/// links are only allowed on 404.html and must name a file too. Returns
/// the files of the site.
fn check_site(dir: &Path) -> Files {
    let files = site_files(dir);
    let pages: BTreeMap<&str, Page> = html_pages(&files)
        .map(|(path, html)| (path, Page::parse(&html)))
        .collect();
    assert!(!pages.is_empty(), "no pages in {}", dir.display());
    let mut problems = Vec::new();
    for (path, page) in &pages {
        for error in &page.errors {
            problems.push(format!("{path}: HTML parse error: {error}"));
        }
    }
    let has_id = |page: &str, id: &str| pages.get(page).is_some_and(|p| p.ids().contains(id));
    for (path, page) in &pages {
        for link in page.links() {
            match target(path, &link) {
                Err(e) => problems.push(format!("{path}: {e}")),
                Ok(Target::External) => {}
                Ok(Target::Fragment(id)) => {
                    if !has_id(path, &id) {
                        problems.push(format!("{path}: no element with id {id:?} for {link:?}"));
                    }
                }
                Ok(Target::Rooted(file)) => {
                    if *path != "404.html" {
                        problems.push(format!("{path}: root-absolute link {link:?}"));
                    } else if !files.contains_key(&file) {
                        problems.push(format!("{path}: {link:?} leads to no file"));
                    }
                }
                Ok(Target::File {
                    path: file,
                    fragment,
                }) => {
                    if !files.contains_key(&file) {
                        problems.push(format!("{path}: {link:?} leads to no file ({file})"));
                    } else if let Some(id) = fragment {
                        if !has_id(&file, &id) {
                            problems.push(format!("{path}: {link:?}: no id {id:?} in {file}"));
                        }
                    }
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problem(s) in {}:\n{}",
        problems.len(),
        dir.display(),
        problems.join("\n")
    );
    files
}

#[test]
fn the_checker_sees_html_errors() {
    let good = "<!DOCTYPE html><html lang=\"en\"><head><title>x</title></head><body><p id=\"a\">x</p></body></html>";
    assert_eq!(Page::parse(good).errors, Vec::<String>::new());
    for bad in [
        "<html><head><title>no doctype</title></head><body></body></html>",
        "<!DOCTYPE html><title>x</title><p><b>misnested</p></b>",
        "<!DOCTYPE html><title>x</title><p a=1 a=2>duplicate attribute</p>",
        "<!DOCTYPE html><title>x</title></div>",
    ] {
        assert!(!Page::parse(bad).errors.is_empty(), "{bad}");
    }
    let page = Page::parse("<!DOCTYPE html><title>x</title><a href=\"a.html\">x</a><img src=\"i.png\"><form action=\"s.html\"></form><div data-shards=\"x.js y.js\"></div>");
    assert_eq!(
        page.links(),
        vec!["a.html", "i.png", "s.html", "x.js", "y.js"]
    );
}

#[test]
fn link_targets_resolve_like_a_browser() {
    let file = |path: &str| Target::File {
        path: path.into(),
        fragment: None,
    };
    assert_eq!(
        target("tickets/TKT001/index.html", "../../assets/style.css"),
        Ok(file("assets/style.css"))
    );
    assert_eq!(
        target(
            "tickets/TKT001/index.html",
            "files/my%20file%20%231.pdf?x=1"
        ),
        Ok(file("tickets/TKT001/files/my file #1.pdf"))
    );
    assert_eq!(
        target("index.html", "faq/x.html#part"),
        Ok(Target::File {
            path: "faq/x.html".into(),
            fragment: Some("part".into())
        })
    );
    assert_eq!(target("a/b.html", "#e1"), Ok(Target::Fragment("e1".into())));
    assert_eq!(
        target("404.html", "/faq/index.html"),
        Ok(Target::Rooted("faq/index.html".into()))
    );
    assert_eq!(
        target("a.html", "HTTPS://example.org/"),
        Ok(Target::External)
    );
    assert!(target("index.html", "../outside.html").is_err());
    assert!(target("index.html", "javascript:alert(1)").is_err());
}

// ---------------------------------------------------------------------------
// Facts about the example tracker, read from its files
// ---------------------------------------------------------------------------

/// The YAML front matter and the body of a tracker file.
fn front_matter(path: &Path) -> (serde_yaml::Value, String) {
    let text = std::fs::read_to_string(path).unwrap();
    let rest = text.strip_prefix("---\n").unwrap();
    let (yaml, body) = rest.split_once("\n---\n").unwrap();
    (serde_yaml::from_str(yaml).unwrap(), body.to_string())
}

/// The longest run of plain words (letters, digits, spaces, commas) in
/// `text`: a phrase that survives Markdown and HTML escaping unchanged.
fn plain_phrase(text: &str) -> String {
    text.split(|c: char| !(c.is_alphanumeric() || c == ' ' || c == ','))
        .map(str::trim)
        .max_by_key(|run| run.len())
        .unwrap_or_default()
        .to_string()
}

/// Every file of `files` that contains `needle`.
fn files_containing<'a>(files: &'a Files, needle: &str) -> Vec<&'a str> {
    files
        .iter()
        .filter(|(_, bytes)| String::from_utf8_lossy(bytes).contains(needle))
        .map(|(path, _)| path.as_str())
        .collect()
}

fn ticket_files(root: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("tickets"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .map(|p| p.join("ticket.md"))
        .collect();
    files.sort();
    files
}

// ---------------------------------------------------------------------------
// tkt build
// ---------------------------------------------------------------------------

#[test]
fn the_example_site_is_valid_html_and_every_link_works() {
    let desk = Desk::example();
    let out = desk.tmp.path().join("site");
    let stderr = build_into(&desk, &out, &[]);
    contains(&stderr, "Built the internal site");
    let files = check_site(&out);

    for path in [
        ".tkt-site",
        "index.html",
        "404.html",
        "search.html",
        "register.html",
        "reports/index.html",
        "lists/index.html",
        "tickets/index.html",
        "faq/index.html",
        "canned/index.html",
        "assets/style.css",
        "assets/app.js",
        "data/tickets.json",
        "search/faq.json",
        "search/tickets-000.json",
    ] {
        assert!(files.contains_key(path), "{path} missing");
    }
    assert!(!files.contains_key("errors.html"));
    for ticket in ticket_files(&desk.root) {
        let folio = ticket
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_str()
            .unwrap();
        for page in ["index.html", "history.html"] {
            let path = format!("tickets/{folio}/{page}");
            assert!(files.contains_key(&path), "{path} missing");
        }
        let attachments = ticket.parent().unwrap().join("attachments");
        for entry in std::fs::read_dir(attachments).into_iter().flatten() {
            let entry = entry.unwrap();
            let name = entry.file_name().into_string().unwrap();
            // Only images, PDF, plain text and CSV keep their names.
            let inline = [
                "png", "jpg", "jpeg", "gif", "webp", "pdf", "txt", "log", "csv",
            ];
            let site_name = match name.rsplit_once('.') {
                Some((_, ext)) if inline.contains(&ext.to_ascii_lowercase().as_str()) => name,
                _ => format!("{name}.download"),
            };
            let path = format!("tickets/{folio}/files/{site_name}");
            assert_eq!(
                files.get(&path),
                Some(&std::fs::read(entry.path()).unwrap()),
                "{path} is a copy of the attachment"
            );
        }
    }
    for (dir, pages) in [("faq", "faq"), ("canned", "canned")] {
        for entry in std::fs::read_dir(desk.path(dir)).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            if let Some(slug) = name.strip_suffix(".md") {
                let path = format!("{pages}/{slug}.html");
                assert!(files.contains_key(&path), "{path} missing");
            }
        }
    }
    // The tracker itself is left alone: the site went to --out.
    assert!(!desk.path("_site").exists());
}

#[test]
fn two_builds_of_the_same_tracker_are_identical() {
    let desk = Desk::example();
    for audience in ["internal", "public"] {
        let a = desk.tmp.path().join(format!("{audience}-a"));
        let b = desk.tmp.path().join(format!("{audience}-b"));
        build_into(&desk, &a, &["--audience", audience]);
        build_into(&desk, &b, &["--audience", audience]);
        let (a, b) = (site_files(&a), site_files(&b));
        assert_eq!(
            a.keys().collect::<Vec<_>>(),
            b.keys().collect::<Vec<_>>(),
            "{audience}: same files"
        );
        let differing: Vec<&String> = a.keys().filter(|path| a[*path] != b[*path]).collect();
        assert!(
            differing.is_empty(),
            "{audience}: these differ: {differing:?}"
        );
    }
}

#[test]
fn long_lists_are_paged_and_every_page_link_works() {
    let desk = Desk::new();
    let first = desk.ticket("Printer offline", &[]);
    let template = desk.read(&format!("tickets/{first}/ticket.md"));
    // 249 more open tickets, written directly (a commit each would be slow).
    for n in 2..=250 {
        let folio = format!("TKT{n:03}");
        let uid = format!("01M5VNX1NG41N36R8JVQAD{n:04}");
        let text = template
            .replacen(&format!("id: {first}"), &format!("id: {folio}"), 1)
            .lines()
            .map(|l| {
                if l.starts_with("uid: ") {
                    format!("uid: {uid}")
                } else {
                    l.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        desk.write(&format!("tickets/{folio}/ticket.md"), &format!("{text}\n"));
    }
    let out = desk.tmp.path().join("site");
    build_into(&desk, &out, &[]);
    let files = check_site(&out);
    for page in ["index.html", "page-2.html", "page-3.html"] {
        let path = format!("lists/status/open/{page}");
        assert!(files.contains_key(&path), "{path} missing");
    }
    assert!(!files.contains_key("lists/status/open/page-4.html"));
    let second = Page::parse(&text(&files, "lists/status/open/page-2.html"));
    let rows = second.named("tr").count() - 1;
    assert_eq!(rows, 100, "a full page of rows");
    let links: Vec<&str> = second.named("a").filter_map(|a| a.attr("rel")).collect();
    assert_eq!(links, vec!["prev", "next"]);
}

#[test]
fn the_public_site_leaves_out_tickets_notes_and_emails() {
    let desk = Desk::example();
    let public_dir = desk.tmp.path().join("public");
    let stderr = build_into(&desk, &public_dir, &["--audience", "public"]);
    contains(&stderr, "Built the public site");
    let public = check_site(&public_dir);
    let internal = site_files(&{
        let dir = desk.tmp.path().join("internal");
        build_into(&desk, &dir, &[]);
        dir
    });

    for path in public.keys() {
        for private in ["tickets/", "canned/", "lists/", "data/", "search/tickets"] {
            assert!(!path.starts_with(private), "{path} is in the public site");
        }
    }
    for path in [
        "index.html",
        "faq/index.html",
        "search/faq.json",
        "reports/index.html",
        "register.html",
    ] {
        assert!(public.contains_key(path), "{path} missing");
    }
    for entry in std::fs::read_dir(desk.path("faq")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if let Some(slug) = name.strip_suffix(".md") {
            let page = format!("faq/{slug}.html");
            assert!(public.contains_key(&page), "{page} missing");
        }
    }

    // Internal notes: a distinctive phrase of each, which the internal
    // site does show (so the check can see a leak).
    let mut notes = 0;
    for ticket in ticket_files(&desk.root) {
        let replies = ticket.parent().unwrap().join("replies");
        for entry in std::fs::read_dir(replies).into_iter().flatten() {
            let path = entry.unwrap().path();
            let (meta, body) = front_matter(&path);
            if meta["kind"].as_str() != Some("note") {
                continue;
            }
            notes += 1;
            let phrase = plain_phrase(&body);
            assert!(
                phrase.len() >= 20,
                "{}: no distinctive phrase in {body:?}",
                path.display()
            );
            assert!(
                !files_containing(&internal, &phrase).is_empty(),
                "the internal site shows the note {phrase:?}"
            );
            let leaks = files_containing(&public, &phrase);
            assert!(
                leaks.is_empty(),
                "note {phrase:?} ({}) leaks into {leaks:?}",
                path.display()
            );
        }
    }
    assert!(notes > 0, "the example has internal notes");

    // Everyone's email; the requesters' appear on internal ticket pages.
    let people: BTreeMap<String, String> = desk.people_emails().into_iter().collect();
    assert!(!people.is_empty());
    let mut requesters = BTreeSet::new();
    let mut subjects = Vec::new();
    for ticket in ticket_files(&desk.root) {
        let (meta, _) = front_matter(&ticket);
        requesters.insert(meta["requester"].as_str().unwrap().to_string());
        subjects.push(plain_phrase(meta["subject"].as_str().unwrap()));
    }
    for (key, email) in &people {
        if requesters.contains(key) {
            assert!(
                !files_containing(&internal, email).is_empty(),
                "the internal site shows {email}"
            );
        }
        let leaks = files_containing(&public, email);
        assert!(leaks.is_empty(), "{email} leaks into {leaks:?}");
    }

    // Ticket subjects are not published either.
    for subject in subjects.iter().filter(|s| s.len() >= 20) {
        assert!(!files_containing(&internal, subject).is_empty());
        let leaks = files_containing(&public, subject);
        assert!(leaks.is_empty(), "subject {subject:?} leaks into {leaks:?}");
    }

    let search = Page::parse(&text(&public, "search.html"));
    let shards = search
        .elements
        .iter()
        .find_map(|e| e.attr("data-shards"))
        .unwrap();
    assert_eq!(
        shards.split_whitespace().collect::<Vec<_>>(),
        vec!["search/faq.json"]
    );
}

#[test]
fn email_addresses_in_faq_text_are_masked_on_the_public_site() {
    let desk = Desk::example();
    let faq = std::fs::read_dir(desk.path("faq"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "md"))
        .unwrap();
    let slug = faq.file_stem().unwrap().to_string_lossy().into_owned();
    let rel = format!("faq/{slug}.md");
    let original = desk.read(&rel);
    desk.write(
        &rel,
        &format!("{original}\nStill stuck? Write to lena.private@example.net.\n"),
    );
    desk.git(&["commit", "-qam", "an address in an FAQ entry"]);
    let public_dir = desk.tmp.path().join("public");
    build_into(&desk, &public_dir, &["--audience", "public"]);
    let public = site_files(&public_dir);
    let internal_dir = desk.tmp.path().join("internal");
    build_into(&desk, &internal_dir, &[]);
    let internal = site_files(&internal_dir);

    let address = "lena.private@example.net";
    assert!(!files_containing(&internal, address).is_empty());
    let leaks = files_containing(&public, address);
    assert!(leaks.is_empty(), "{address} leaks into {leaks:?}");
    contains(
        &text(&public, &format!("faq/{slug}.html")),
        "l•••@example.net",
    );
}

/// Markup that would run script if it reached a page unescaped.
const HOSTILE: &str = "Hello <script>alert(1)</script>

[click me](javascript:alert(1)) and [again](JaVaScRiPt:alert(1))

<a href=\"javascript:alert(1)\">raw link</a>

<img src=x onerror=alert(1)>

</textarea><b onmouseover=alert(1)>bold</b>

<iframe src=\"javascript:alert(1)\"></iframe>

<svg onload=alert(1)><circle r=1></circle></svg>

\"><script>alert(1)</script><div style=\"background:url(javascript:alert(1))\">x</div>

<form action=\"javascript:alert(1)\"><input type=text value=x onfocus=alert(1) autofocus></form>
";

/// Asserts a page holds nothing that could run: no script but the site's
/// own files, no event-handler attribute, no `javascript:` URL in a real
/// element (as escaped text on the page such words are fine: they are what
/// the ticket says), and no `<script>alert` in its source.
fn assert_inert(path: &str, html: &str) {
    let page = Page::parse(html);
    for e in &page.elements {
        if e.name == "script" {
            let src = e.attr("src").unwrap_or("");
            assert!(
                src.ends_with("assets/app.js") || src.ends_with("assets/elasticlunr.min.js"),
                "{path}: a script {e:?}"
            );
            assert!(e.text.trim().is_empty(), "{path}: inline script {e:?}");
        }
        assert!(
            !["iframe", "object", "embed", "base", "textarea", "style"].contains(&e.name.as_str()),
            "{path}: a live <{}> element",
            e.name
        );
        for (name, value) in &e.attrs {
            assert!(
                !name.starts_with("on") && name != "style",
                "{path}: attribute {name}={value:?} on <{}>",
                e.name
            );
            let squeezed: String = value
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_control())
                .collect::<String>()
                .to_ascii_lowercase();
            assert!(
                !squeezed.contains("javascript:"),
                "{path}: {name}={value:?} on <{}>",
                e.name
            );
        }
    }
    let lower = html.to_ascii_lowercase();
    assert!(
        !lower.contains("<script>alert"),
        "{path} has a live <script>alert"
    );
}

/// Asserts that every line of `HOSTILE` written as raw HTML is shown on
/// the page word for word, as text, in a `.prose` block.
fn assert_shows_hostile_text(path: &str, html: &str) {
    let page = Page::parse(html);
    let shown: String = page
        .elements
        .iter()
        .filter(|e| e.name == "div" && e.attr("class") == Some("prose"))
        .map(|e| e.text.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join(" ");
    // Markdown links are Markdown, not raw HTML: their words stay, the
    // `javascript:` address is dropped (checked by assert_inert).
    for line in HOSTILE
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('['))
    {
        assert!(
            shown.contains(line),
            "{path} does not show {line:?}: {shown:?}"
        );
    }
    assert!(shown.contains("click me and again"), "{path}: {shown:?}");
}

#[test]
fn hostile_ticket_content_is_shown_as_text_and_never_runs() {
    let desk = Desk::new();
    let config = desk.read("helpdesk.yaml").replacen(
        "name: Test desk",
        "name: 'Desk </title><script>alert(1)</script>'",
        1,
    );
    desk.write("helpdesk.yaml", &config);
    desk.git(&["commit", "-qam", "a hostile desk name"]);
    desk.ok(&[
        "person",
        "add",
        "mal",
        "--name",
        "Mal",
        "--email",
        "mal@example.org",
        "--role",
        "requester",
    ]);
    let subject = "<script>alert(1)</script>";
    let folio = desk.ok(&[
        "new",
        "-s",
        subject,
        "-c",
        "technical",
        "-m",
        HOSTILE,
        "--requester",
        "mal",
        "--related",
        "<svg onload=alert(1)>",
        "--field",
        "device=scanner",
    ]);
    let folio = folio.trim();
    desk.ok(&["reply", folio, "-m", HOSTILE]);
    desk.ok(&["note", folio, "-m", HOSTILE]);
    desk.ok(&["action", "add", folio, "<b onmouseover=alert(1)>check</b>"]);
    desk.ok(&["resolve", folio, "--solution", HOSTILE]);
    // Written by hand once every change is committed: tkt refuses to
    // write with a name git cannot sign (`<`, `>`), but the site must
    // still show such a name as text.
    let config = desk.read("helpdesk.yaml");
    desk.write(
        "helpdesk.yaml",
        &config.replacen("name: Mal", "name: Mal <img src=x onerror=alert(1)>", 1),
    );
    desk.write(
        "faq/hostile.md",
        &format!("---\ntitle: '<script>alert(1)</script>'\ntags: [x]\n---\n\n{HOSTILE}"),
    );
    desk.write(
        "canned/hostile.md",
        &format!("---\ntitle: '<img src=x onerror=alert(1)>'\n---\n\n{HOSTILE}"),
    );

    build(&desk, &[]);
    let files = check_site(&desk.path("_site"));
    let ticket_page = format!("tickets/{folio}/index.html");
    assert!(files.contains_key(&ticket_page));
    assert!(files.contains_key("faq/hostile.html") && files.contains_key("canned/hostile.html"));
    for (path, html) in html_pages(&files) {
        assert_inert(path, &html);
    }
    for path in [&ticket_page, "faq/hostile.html", "canned/hostile.html"] {
        assert_shows_hostile_text(path, &text(&files, path));
    }
    let canned = Page::parse(&text(&files, "canned/hostile.html"));
    let source = canned.named("pre").next().unwrap();
    assert_eq!(
        source.text.trim(),
        HOSTILE.trim(),
        "the source is shown as text"
    );

    let html = text(&files, &ticket_page);
    contains(&html, "&lt;script&gt;alert(1)&lt;/script&gt;");
    let page = Page::parse(&html);
    let h1 = page.named("h1").next().unwrap();
    assert_eq!(h1.text.trim(), format!("{folio} {subject}"));
    let title = page.named("title").next().unwrap();
    assert_eq!(
        title.text,
        format!("{folio} · {subject} — Desk </title><script>alert(1)</script>")
    );
    // The harmless words survive.
    for word in ["raw link", "bold", "click me"] {
        assert!(
            page.elements
                .iter()
                .any(|e| e.name == "div" && e.text.contains(word)),
            "{word}"
        );
    }
}

/// A word of 100,000 characters in a ticket's subject and text and in an
/// FAQ entry's title and text once overflowed the stack (the search
/// index stored terms one level per character). It builds, and shows.
#[test]
fn a_word_of_any_length_builds_and_is_shown() {
    let desk = Desk::new();
    let word = format!("long{}", "o".repeat(100_000));
    let body = format!("Body {word} end");
    let args = ["new", "-s", "Short for now", "-c", "technical", "-m", &body];
    let folio = desk.ok(&args).trim().to_string();
    // `tkt new` cuts subjects to 200 characters; a ticket file edited by
    // hand (or by another tool) holds what it holds.
    let path = format!("tickets/{folio}/ticket.md");
    let ticket = desk.read(&path).replacen(
        "subject: Short for now",
        &format!("subject: Subject {word}"),
        1,
    );
    desk.write(&path, &ticket);
    desk.write(
        "faq/long.md",
        &format!("---\ntitle: 'Title {word}'\n---\n\nAnswer {word} end\n"),
    );
    desk.git(&["add", "-A"]);
    desk.git(&["commit", "-qm", "a long subject and FAQ entry"]);

    build(&desk, &[]);
    let files = site_files(&desk.path("_site"));
    // The first <h1>, or the first `.prose` block.
    let shows = |path: &str, element: &str, expected: &str| {
        let page = Page::parse(&text(&files, path));
        let found = page
            .elements
            .iter()
            .find(|e| e.name == element && (element == "h1" || e.attr("class") == Some("prose")))
            .map(|e| e.text.split_whitespace().collect::<Vec<_>>().join(" "));
        assert!(
            found.as_deref() == Some(expected),
            "{path}: <{element}> holds {:?} characters, not the {} expected",
            found.map(|f| f.chars().count()),
            expected.chars().count()
        );
    };
    let ticket_page = format!("tickets/{folio}/index.html");
    shows(&ticket_page, "h1", &format!("{folio} Subject {word}"));
    shows(&ticket_page, "div", &format!("Body {word} end"));
    shows("faq/long.html", "h1", &format!("Title {word}"));
    shows("faq/long.html", "div", &format!("Answer {word} end"));
    for shard in ["search/faq.json", "search/tickets-000.json"] {
        let json: serde_json::Value = serde_json::from_str(&text(&files, shard)).unwrap();
        assert!(
            json["docs"].to_string().contains(&word),
            "{shard} names the page in full"
        );
    }
}

#[test]
fn broken_files_stop_the_build_unless_keep_going() {
    let desk = Desk::new();
    let good = desk.ticket("Printer offline", &[]);
    let bad = desk.ticket("Projector flickers", &[]);
    let other = desk.ticket("Laptop slow", &[]);
    desk.ok(&["reply", &other, "-m", "Restart it please."]);

    // A site built earlier stays as it was when a build fails.
    let previous = desk.tmp.path().join("previous");
    build_into(&desk, &previous, &[]);
    let before = site_files(&previous);

    let rel = format!("tickets/{bad}/ticket.md");
    let source = desk.read(&rel);
    let line = 1 + source
        .lines()
        .position(|l| l.starts_with("subject:"))
        .unwrap();
    desk.write(
        &rel,
        &source.replacen(
            "subject: Projector flickers\n",
            "subject: Projector flickers\n  broken: [yaml\n",
            1,
        ),
    );
    let reply_rel = {
        let path = desk.entries(&other).pop().unwrap();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        format!("tickets/{other}/replies/{name}")
    };
    let reply = desk.read(&reply_rel);
    desk.write(
        &reply_rel,
        &reply.replacen("kind: reply", "kind: [reply", 1),
    );

    let stderr = desk.fails(&["build"], 1);
    contains(&stderr, &format!("{rel}:{}", line + 1));
    contains(&stderr, &format!("{reply_rel}:"));
    contains(&stderr, "nothing was built");
    assert!(!desk.path("_site").exists(), "no site directory was made");
    desk.fails(&["build", "--out", previous.to_str().unwrap()], 1);
    assert_eq!(
        site_files(&previous),
        before,
        "the earlier site is untouched"
    );

    let stderr = build(&desk, &["--keep-going"]);
    contains(&stderr, &format!("warning: left out {rel}:{}", line + 1));
    let files = check_site(&desk.path("_site"));
    let errors = Page::parse(&text(&files, "errors.html"));
    let listed: Vec<String> = errors.named("code").map(|e| e.text.clone()).collect();
    assert!(
        listed.contains(&format!("{rel}:{}", line + 1)),
        "{listed:?}"
    );
    assert!(
        listed.iter().any(|l| l.starts_with(&reply_rel)),
        "{listed:?}"
    );
    assert!(files.contains_key(&format!("tickets/{good}/index.html")));
    assert!(files.contains_key(&format!("tickets/{other}/index.html")));
    assert!(!files
        .keys()
        .any(|p| p.starts_with(&format!("tickets/{bad}/"))));
    assert!(!text(&files, "data/tickets.json").contains(&bad));
    for (path, html) in html_pages(&files) {
        let page = Page::parse(&html);
        let banner =
            page.named("a")
                .filter_map(|a| a.attr("href"))
                .any(|href| match target(path, href) {
                    Ok(Target::File { path, .. }) | Ok(Target::Rooted(path)) => {
                        path == "errors.html"
                    }
                    _ => false,
                });
        assert!(banner, "{path} has no link to errors.html");
        contains(&html, "2 files could not be read");
    }

    // The public edition names the files but not what is wrong in them.
    let public = desk.tmp.path().join("public");
    build_into(&desk, &public, &["--audience", "public", "--keep-going"]);
    let files = check_site(&public);
    let errors = Page::parse(&text(&files, "errors.html"));
    let items: Vec<String> = errors
        .named("li")
        .map(|e| e.text.trim().to_string())
        .collect();
    assert!(items.contains(&format!("{rel}:{}", line + 1)), "{items:?}");
    for (path, html) in html_pages(&files) {
        assert!(
            !html.contains("mapping values"),
            "{path} shows the parse error"
        );
    }

    // Fixed: the next build drops errors.html and the banner.
    desk.write(&rel, &source);
    desk.write(&reply_rel, &reply);
    build(&desk, &[]);
    let files = check_site(&desk.path("_site"));
    assert!(!files.contains_key("errors.html"));
    assert!(files.contains_key(&format!("tickets/{bad}/index.html")));
    for (path, html) in html_pages(&files) {
        assert!(
            !html.contains("could not be read"),
            "{path} still has the banner"
        );
    }
}

#[test]
fn templates_in_the_tracker_override_the_built_in_ones() {
    let desk = Desk::new();
    let folio = desk.ticket("Printer offline", &[]);
    desk.write(
        "templates/ticket.html",
        "{% extends \"base.html\" %}\n{% block main %}<h1 class=\"custom\">Custom page for {{ page.folio }}: {{ page.subject }}</h1>{% endblock main %}\n",
    );
    desk.write("templates/style.css", "body { color: rebeccapurple; }\n");
    let out = desk.tmp.path().join("site");
    build_into(&desk, &out, &[]);
    let files = check_site(&out);
    let page = Page::parse(&text(&files, &format!("tickets/{folio}/index.html")));
    let h1 = page.named("h1").next().unwrap();
    assert_eq!(h1.attr("class"), Some("custom"));
    assert_eq!(h1.text, format!("Custom page for {folio}: Printer offline"));
    assert!(
        page.named("footer")
            .next()
            .unwrap()
            .text
            .contains("made with tkt"),
        "base.html still wraps it"
    );
    assert!(
        !page.ids().contains("tl-h"),
        "the built-in timeline is gone"
    );
    assert_eq!(
        text(&files, "assets/style.css"),
        "body { color: rebeccapurple; }\n"
    );
    let dashboard = Page::parse(&text(&files, "index.html"));
    assert_eq!(dashboard.named("h1").next().unwrap().text, "Dashboard");

    // A syntax error fails the build, names the template, writes nothing.
    desk.write(
        "templates/ticket.html",
        "{% extends \"base.html\" %}\n{% block main %}\n<h1>{% if %}</h1>\n{% endblock main %}\n",
    );
    let fresh = desk.tmp.path().join("fresh");
    let stderr = desk.fails(&["build", "--out", fresh.to_str().unwrap()], 1);
    contains(&stderr, "ticket.html");
    assert!(!fresh.exists(), "nothing was written");
    let before = site_files(&out);
    let stderr = desk.fails(&["build", "--out", out.to_str().unwrap()], 1);
    contains(&stderr, "ticket.html");
    assert_eq!(site_files(&out), before, "the previous site is untouched");

    // So does a template that fails while rendering.
    desk.write(
        "templates/ticket.html",
        "{% extends \"base.html\" %}\n{% block main %}{{ page.no_such_thing.deeper }}{% endblock main %}\n",
    );
    let stderr = desk.fails(&["build", "--out", fresh.to_str().unwrap()], 1);
    contains(&stderr, "ticket.html");
}

#[test]
fn out_is_refused_unless_empty_or_made_by_tkt_and_rebuilds_remove_stale_pages() {
    let desk = Desk::new();
    let first = desk.ticket("Printer offline", &[]);
    let second = desk.ticket("Projector flickers", &[]);

    let mine = desk.tmp.path().join("mine");
    std::fs::create_dir_all(mine.join("photos")).unwrap();
    std::fs::write(mine.join("notes.txt"), "my notes").unwrap();
    std::fs::write(mine.join("photos/cat.jpg"), "meow").unwrap();
    let before = site_files(&mine);
    let stderr = desk.fails(&["build", "--out", mine.to_str().unwrap()], 1);
    contains(&stderr, "not empty");
    assert_eq!(
        site_files(&mine),
        before,
        "nothing added, changed or removed"
    );

    // An empty directory is fine.
    let empty = desk.tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    build_into(&desk, &empty, &[]);
    assert!(empty.join("index.html").is_file() && empty.join(".tkt-site").is_file());

    let out = desk.tmp.path().join("site");
    build_into(&desk, &out, &[]);
    let files = site_files(&out);
    assert!(files.contains_key(&format!("tickets/{second}/index.html")));
    assert!(files.contains_key(&format!("tickets/{second}/history.html")));
    std::fs::write(out.join("stray.html"), "left behind").unwrap();

    desk.git(&["rm", "-rq", &format!("tickets/{second}")]);
    desk.git(&["commit", "-qm", "drop a ticket"]);
    build_into(&desk, &out, &[]);
    let files = check_site(&out);
    assert!(
        !out.join(format!("tickets/{second}")).exists(),
        "its folder is gone"
    );
    assert!(files.contains_key(&format!("tickets/{first}/index.html")));
    assert!(
        !files.contains_key("stray.html"),
        "a tkt site holds only what the build made"
    );
    assert!(!text(&files, "data/tickets.json").contains(&second));
}

#[test]
fn attachments_are_copied_and_all_but_images_pdf_and_text_downloaded() {
    let desk = Desk::new();
    let dir = desk.tmp.path().join("uploads");
    std::fs::create_dir(&dir).unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path.to_str().unwrap().to_string()
    };
    let evil = write("evil.html", b"<script>alert(1)</script>");
    let report = write("my report #1.pdf", b"%PDF-1.4 not really");
    let logo = write("logo.SVG", b"<svg onload=alert(1)></svg>");
    let photo = write("photo.png", b"\x89PNG\r\n\x1a\n");
    let letter = write("Überweisung & Rita's brief.txt", "Grüße".as_bytes());
    let php = write("shell.php", b"<?php system($_GET['c']); ?>");
    let archive = write("saved.mht", b"MIME-Version: 1.0");
    let bare = write("Makefile", b"all:");
    let bidi = write("photo\u{202E}gnp.exe", b"MZ");
    let folio = desk.ticket("With files", &["--attach", &evil, "--attach", &report]);
    desk.ok(&[
        "reply",
        &folio,
        "-m",
        "More files.",
        "--attach",
        &logo,
        "--attach",
        &photo,
        "--attach",
        &letter,
        "--attach",
        &php,
        "--attach",
        &archive,
        "--attach",
        &bare,
        "--attach",
        &bidi,
    ]);
    let attachments = desk.path(&format!("tickets/{folio}/attachments"));
    for name in [
        "evil.html",
        "my report #1.pdf",
        "logo.SVG",
        "photo.png",
        "Überweisung & Rita's brief.txt",
        "shell.php",
        "saved.mht",
        "Makefile",
    ] {
        assert!(
            attachments.join(name).is_file(),
            "{name} stored under its own name"
        );
    }
    // The right-to-left override that made it read "photoexe.png" is gone.
    assert!(attachments.join("photognp.exe").is_file());
    assert!(!attachments.join("photo\u{202E}gnp.exe").exists());

    build(&desk, &[]);
    let files = check_site(&desk.path("_site"));
    let expected = [
        ("evil.html", "evil.html.download"),
        ("my report #1.pdf", "my report #1.pdf"),
        ("logo.SVG", "logo.SVG.download"),
        ("photo.png", "photo.png"),
        (
            "Überweisung & Rita's brief.txt",
            "Überweisung & Rita's brief.txt",
        ),
        ("shell.php", "shell.php.download"),
        ("saved.mht", "saved.mht.download"),
        ("Makefile", "Makefile.download"),
        ("photognp.exe", "photognp.exe.download"),
    ];
    let ticket_page = format!("tickets/{folio}/index.html");
    let page = Page::parse(&text(&files, &ticket_page));
    for (name, site_name) in expected {
        let path = format!("tickets/{folio}/files/{site_name}");
        assert_eq!(
            files.get(&path),
            Some(&std::fs::read(attachments.join(name)).unwrap()),
            "{path}"
        );
        let link = page
            .named("a")
            .find(|a| a.attr("download") == Some(name))
            .unwrap_or_else(|| panic!("no download link for {name}"));
        assert_eq!(link.text, name);
        assert_eq!(
            target(&ticket_page, link.attr("href").unwrap()),
            Ok(Target::File {
                path,
                fragment: None
            })
        );
    }
    for active in [
        "evil.html",
        "logo.SVG",
        "shell.php",
        "saved.mht",
        "Makefile",
    ] {
        assert!(!files.contains_key(&format!("tickets/{folio}/files/{active}")));
    }
}

#[cfg(unix)]
#[test]
fn a_symlinked_attachment_does_not_publish_what_it_points_to() {
    let desk = Desk::new();
    let upload = desk.tmp.path().join("scan.txt");
    std::fs::write(&upload, "the scan").unwrap();
    let folio = desk.ticket("With a file", &["--attach", upload.to_str().unwrap()]);
    // Someone with commit access swaps the attachment for a symlink to a
    // file of whichever machine builds the site.
    let secret = desk.tmp.path().join("secret.txt");
    std::fs::write(&secret, "TOP SECRET build-machine file").unwrap();
    let attachment = desk.path(&format!("tickets/{folio}/attachments/scan.txt"));
    std::fs::remove_file(&attachment).unwrap();
    std::os::unix::fs::symlink(&secret, &attachment).unwrap();
    desk.git(&["add", "-A"]);
    desk.git(&["commit", "-qm", "swap the attachment for a symlink"]);

    build(&desk, &[]);
    let files = site_files(&desk.path("_site"));
    assert!(!files.contains_key(&format!("tickets/{folio}/files/scan.txt")));
    let leaks = files_containing(&files, "TOP SECRET");
    assert!(
        leaks.is_empty(),
        "the symlink's target leaks into {leaks:?}"
    );
}

#[test]
fn the_audit_trail_lists_the_tickets_commits() {
    let desk = Desk::new();
    let folio = desk.ticket("Printer offline", &[]);
    let other = desk.ticket("Projector flickers", &[]);
    desk.ok(&["reply", &folio, "-m", "On it."]);
    desk.ok(&["note", &other, "-m", "Not this one."]);
    desk.ok(&["status", &folio, "in-progress"]);
    desk.ok(&["resolve", &folio, "--solution", "Replaced the cable."]);
    build(&desk, &[]);
    let files = check_site(&desk.path("_site"));

    let log = desk.git(&[
        "log",
        "--format=%H %h %s",
        "--",
        &format!("tickets/{folio}"),
    ]);
    let expected: Vec<(String, String, String)> = log
        .lines()
        .map(|l| {
            let mut parts = l.splitn(3, ' ');
            let mut next = || parts.next().unwrap().to_string();
            (next(), next(), next())
        })
        .collect();
    assert_eq!(expected.len(), 4, "{log}");

    let page = Page::parse(&text(&files, &format!("tickets/{folio}/history.html")));
    let rows: Vec<&str> = page
        .named("tr")
        .skip(1)
        .map(|tr| tr.text.as_str())
        .collect();
    let shown: Vec<(String, String)> = page
        .named("code")
        .filter_map(|c| Some((c.attr("title")?.to_string(), c.text.clone())))
        .collect();
    assert_eq!(
        shown,
        expected
            .iter()
            .map(|(full, short, _)| (full.clone(), short.clone()))
            .collect::<Vec<_>>(),
        "every commit of {folio}, newest first, as git log shows it"
    );
    for ((_, _, subject), row) in expected.iter().zip(&rows) {
        assert!(row.contains(subject.as_str()), "{row:?} shows {subject:?}");
    }
    let other_commits = desk.git(&[
        "log",
        "--format=%H",
        "-1",
        "--",
        &format!("tickets/{other}"),
    ]);
    assert!(!text(&files, &format!("tickets/{folio}/history.html")).contains(other_commits.trim()));
}

// ---------------------------------------------------------------------------
// tkt serve
// ---------------------------------------------------------------------------

#[cfg(unix)]
mod serve {
    use super::*;
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::{TcpListener, TcpStream};
    use std::process::{Child, ExitStatus, Stdio};
    use std::sync::{mpsc, Arc, Mutex};
    use std::time::{Duration, Instant, SystemTime};

    /// How long to wait for anything the server should do soon; only
    /// reached when something is wrong.
    const PATIENCE: Duration = Duration::from_secs(30);

    /// A running `tkt serve`, killed when dropped (a failing test must not
    /// leave it behind).
    struct Server {
        child: Child,
        port: u16,
        stderr: Arc<Mutex<String>>,
    }

    impl Drop for Server {
        fn drop(&mut self) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }

    struct Response {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    }

    impl Response {
        fn header(&self, name: &str) -> Option<&str> {
            self.headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        }

        fn text(&self) -> String {
            String::from_utf8_lossy(&self.body).into_owned()
        }
    }

    impl std::fmt::Debug for Response {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "{} {:?}\n{}", self.status, self.headers, self.text())
        }
    }

    impl Server {
        /// Starts `tkt serve --port 0 ARGS` and waits for its address.
        fn start(desk: &Desk, args: &[&str]) -> Server {
            let mut child = desk
                .std_cmd()
                .args(["serve", "--port", "0"])
                .args(args)
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            let stderr = Arc::new(Mutex::new(String::new()));
            let mut pipe = child.stderr.take().unwrap();
            let sink = Arc::clone(&stderr);
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                while let Ok(n) = pipe.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    sink.lock()
                        .unwrap()
                        .push_str(&String::from_utf8_lossy(&buf[..n]));
                }
            });
            let stdout = child.stdout.take().unwrap();
            let (tx, rx) = mpsc::channel();
            std::thread::spawn(move || {
                for line in BufReader::new(stdout).lines() {
                    let Ok(line) = line else { break };
                    if tx.send(line).is_err() {
                        break;
                    }
                }
            });
            let mut server = Server {
                child,
                port: 0,
                stderr,
            };
            let line = rx.recv_timeout(PATIENCE).unwrap_or_else(|e| {
                panic!(
                    "no address from tkt serve ({e}); stderr:\n{}",
                    server.stderr()
                )
            });
            let rest = line
                .strip_prefix("Serving Test desk at http://127.0.0.1:")
                .unwrap_or_else(|| panic!("unexpected first line {line:?}"));
            let (port, tail) = rest.split_once('/').unwrap();
            assert_eq!(tail, " (Ctrl-C to stop)", "{line:?}");
            server.port = port.parse().unwrap();
            assert_ne!(server.port, 0);
            server
        }

        fn stderr(&self) -> String {
            self.stderr.lock().unwrap().clone()
        }

        /// One HTTP/1.0 request with the request line exactly as given.
        fn request(&self, method: &str, path: &str) -> Response {
            let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
            stream.set_read_timeout(Some(PATIENCE)).unwrap();
            write!(
                stream,
                "{method} {path} HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
            )
            .unwrap();
            let mut raw = Vec::new();
            stream.read_to_end(&mut raw).unwrap();
            let split = raw
                .windows(4)
                .position(|w| w == b"\r\n\r\n")
                .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(&raw)));
            let head = String::from_utf8(raw[..split].to_vec()).unwrap();
            let mut lines = head.split("\r\n");
            let status = lines
                .next()
                .unwrap()
                .split(' ')
                .nth(1)
                .unwrap()
                .parse()
                .unwrap();
            let headers = lines
                .filter_map(|l| l.split_once(':'))
                .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
                .collect();
            Response {
                status,
                headers,
                body: raw[split + 4..].to_vec(),
            }
        }

        fn get(&self, path: &str) -> Response {
            self.request("GET", path)
        }

        fn version(&self) -> u64 {
            let r = self.get("/__tkt/version");
            assert_eq!(r.status, 200, "{r:?}");
            r.text().trim().parse().unwrap()
        }

        /// GETs `path` as a browser would, following redirects (which must
        /// stay on this server); returns the final path and its response.
        fn fetch(&self, path: &str) -> (String, Response) {
            let mut path = path.to_string();
            for _ in 0..5 {
                let r = self.get(&path);
                if !matches!(r.status, 301 | 302 | 303 | 307 | 308) {
                    return (path, r);
                }
                let location = r
                    .header("Location")
                    .unwrap_or_else(|| panic!("{path}: a redirect without Location: {r:?}"))
                    .to_string();
                assert!(
                    location.starts_with('/') && !location.starts_with("//"),
                    "{path} redirects off the site, to {location}"
                );
                path = location;
            }
            panic!("{path}: too many redirects");
        }

        /// Sends SIGINT (as Ctrl-C does) and waits for the process to end.
        fn interrupt(&mut self) -> (ExitStatus, String) {
            let pid = self.child.id().to_string();
            let kill = std::process::Command::new("kill")
                .args(["-INT", &pid])
                .status()
                .unwrap();
            assert!(kill.success());
            let started = Instant::now();
            loop {
                if let Some(status) = self.child.try_wait().unwrap() {
                    // Let the stderr reader catch the last lines.
                    let until = Instant::now() + PATIENCE;
                    while !self.stderr().contains("Stopped.") && Instant::now() < until {
                        std::thread::sleep(Duration::from_millis(20));
                    }
                    return (status, self.stderr());
                }
                assert!(
                    started.elapsed() < PATIENCE,
                    "tkt serve ignored SIGINT:\n{}",
                    self.stderr()
                );
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }

    /// The URL path a browser requests for `link` on the page at URL path
    /// `base`; `None` for other sites and same-page fragments.
    fn url_join(base: &str, link: &str) -> Option<String> {
        if matches!(
            target("index.html", link),
            Ok(Target::External | Target::Fragment(_))
        ) {
            return None;
        }
        let link = link.split(['#', '?']).next().unwrap_or_default();
        if link.starts_with('/') {
            return Some(link.to_string());
        }
        let mut parts: Vec<&str> = base.split('/').collect();
        parts.pop();
        for segment in link.split('/') {
            match segment {
                "." => {}
                ".." => {
                    if parts.len() > 1 {
                        parts.pop();
                    }
                }
                s => parts.push(s),
            }
        }
        Some(parts.join("/"))
    }

    #[test]
    fn urls_join_like_a_browser() {
        assert_eq!(
            url_join("/tickets/TKT001/", "history.html").as_deref(),
            Some("/tickets/TKT001/history.html")
        );
        assert_eq!(
            url_join("/tickets/TKT001", "history.html").as_deref(),
            Some("/tickets/history.html")
        );
        assert_eq!(
            url_join("/faq/x.html", "../../../assets/a.css?v=1").as_deref(),
            Some("/assets/a.css")
        );
        assert_eq!(
            url_join("/", "/__tkt/reload.js").as_deref(),
            Some("/__tkt/reload.js")
        );
        assert_eq!(url_join("/", "#main"), None);
        assert_eq!(url_join("/", "mailto:a@example.org"), None);
    }

    /// Polls until `ready` holds, failing after `PATIENCE`.
    fn eventually(what: &str, server: &Server, mut ready: impl FnMut() -> bool) {
        let started = Instant::now();
        while !ready() {
            assert!(
                started.elapsed() < PATIENCE,
                "gave up waiting: {what}; stderr:\n{}",
                server.stderr()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn desk_with_attachment() -> (Desk, String) {
        let desk = Desk::new();
        let upload = desk.tmp.path().join("evil.html");
        std::fs::write(&upload, "<script>alert(1)</script>").unwrap();
        let photo = desk.tmp.path().join("photo.png");
        std::fs::write(&photo, b"\x89PNG\r\n\x1a\n").unwrap();
        let folio = desk.ticket(
            "With files",
            &[
                "--attach",
                upload.to_str().unwrap(),
                "--attach",
                photo.to_str().unwrap(),
            ],
        );
        desk.write(
            "faq/printer.md",
            "---\ntitle: The printer\ncategory: technical\n---\n\nTurn it off and on.\n",
        );
        (desk, folio)
    }

    #[test]
    fn serve_answers_only_with_files_of_the_site() {
        let (desk, folio) = desk_with_attachment();
        let out = desk.path("_site");
        let mut server = Server::start(&desk, &["--no-watch", "--out", out.to_str().unwrap()]);

        let home = server.get("/");
        assert_eq!(home.status, 200, "{home:?}");
        assert_eq!(
            home.header("Content-Type"),
            Some("text/html; charset=utf-8")
        );
        let version = server.version();
        let tag = format!("<script src=\"/__tkt/reload.js\" data-version=\"{version}\"></script>");
        contains(&home.text(), &format!("{tag}\n</body>"));
        assert!(
            !std::fs::read_to_string(out.join("index.html"))
                .unwrap()
                .contains("reload.js"),
            "built files never carry the reload script"
        );
        let reload = server.get("/__tkt/reload.js");
        assert_eq!(reload.status, 200);
        assert_eq!(
            reload.header("Content-Type"),
            Some("text/javascript; charset=utf-8")
        );
        contains(&reload.text(), "/__tkt/version");

        let faq = server.get("/faq/");
        assert_eq!(faq.status, 200);
        let on_disk = std::fs::read_to_string(out.join("faq/index.html")).unwrap();
        assert_eq!(faq.text().replace(&format!("{tag}\n"), ""), on_disk);
        assert_eq!(server.get("/faq/printer.html").status, 200);
        assert_eq!(
            server
                .get(&format!("/tickets/{folio}/index.html?x=1#y"))
                .status,
            200
        );

        let not_found = std::fs::read_to_string(out.join("404.html")).unwrap();
        for path in [
            "/nope",
            "/nope.html",
            "/../helpdesk.yaml",
            "/%2e%2e/helpdesk.yaml",
            "/%2e%2e%2fhelpdesk.yaml",
            "/%2E%2E/%2E%2E/helpdesk.yaml",
            "/faq/..%2f..%2fhelpdesk.yaml",
            "/.tkt-site",
            &format!("/../tickets/{folio}/ticket.md"),
            &format!("/tickets/{folio}/files/evil.html"),
        ] {
            let r = server.get(path);
            assert_eq!(r.status, 404, "{path}: {r:?}");
            assert!(!r.text().contains("people:"), "{path} leaked helpdesk.yaml");
            assert_eq!(r.text(), not_found, "{path}: the 404 page");
        }

        let css = server.get("/assets/style.css");
        assert_eq!(
            (css.status, css.header("Content-Type")),
            (200, Some("text/css; charset=utf-8"))
        );
        let js = server.get("/assets/app.js");
        assert_eq!(
            (js.status, js.header("Content-Type")),
            (200, Some("text/javascript; charset=utf-8"))
        );
        // Data is JSON, never a script another site could include.
        for json in ["/search/faq.json", "/data/tickets.json"] {
            let r = server.get(json);
            assert_eq!(
                (r.status, r.header("Content-Type")),
                (200, Some("application/json")),
                "{json}"
            );
        }

        let download = server.get(&format!("/tickets/{folio}/files/evil.html.download"));
        assert_eq!(download.status, 200);
        assert_eq!(
            download.header("Content-Type"),
            Some("application/octet-stream")
        );
        assert_eq!(download.header("Content-Disposition"), Some("attachment"));
        assert_eq!(download.header("X-Content-Type-Options"), Some("nosniff"));
        assert_eq!(download.text(), "<script>alert(1)</script>");
        let photo = server.get(&format!("/tickets/{folio}/files/photo.png"));
        assert_eq!(photo.header("Content-Type"), Some("image/png"));
        assert_eq!(photo.header("Content-Disposition"), None);

        let post = server.request("POST", "/");
        assert_eq!(post.status, 405, "{post:?}");

        let (status, stderr) = server.interrupt();
        assert_eq!(status.code(), Some(0), "{stderr}");
        contains(&stderr, "Stopped.");
    }

    #[test]
    fn served_links_work_whichever_address_a_page_is_opened_at() {
        let (desk, folio) = desk_with_attachment();
        desk.ok(&["reply", &folio, "-m", "See the audit trail."]);
        let server = Server::start(&desk, &["--no-watch"]);
        for entry in [
            "/".to_string(),
            "/index.html".into(),
            "/faq".into(),
            "//faq".into(),
            "/faq?q=scanner".into(),
            "/faq/".into(),
            "/lists/status/open".into(),
            format!("/tickets/{folio}/"),
            format!("/tickets/{folio}/index.html"),
            format!("/tickets/{folio}"),
        ] {
            let (at, page) = server.fetch(&entry);
            assert_eq!(page.status, 200, "{entry}");
            let parsed = Page::parse(&page.text());
            assert_eq!(
                parsed.errors,
                Vec::<String>::new(),
                "{entry} with the reload script"
            );
            let links = parsed.links();
            assert!(links.len() > 10, "{entry}: {links:?}");
            for link in links {
                let Some(url) = url_join(&at, &link) else {
                    continue;
                };
                let (_, r) = server.fetch(&url);
                assert_eq!(
                    r.status, 200,
                    "{link:?} on {entry} (served as {at}) leads to {url}"
                );
            }
        }
    }

    #[test]
    fn serve_refuses_a_port_in_use() {
        let desk = Desk::new();
        let taken = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = taken.local_addr().unwrap().port().to_string();
        let out = desk
            .cmd()
            .args(["serve", "--no-watch", "--port", &port])
            .timeout(PATIENCE)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{stderr}");
        assert!(out.status.code().is_some(), "it exited by itself: {stderr}");
        contains(&stderr, &format!("127.0.0.1:{port}"));
        contains(&stderr, "--port");
        drop(taken);
    }

    #[test]
    fn serve_rebuilds_what_a_change_touched() {
        let desk = Desk::new();
        let folio = desk.ticket("Printer offline", &[]);
        let other = desk.ticket("Projector flickers", &[]);
        let out = desk.tmp.path().join("served");
        let mut server = Server::start(&desk, &["--out", out.to_str().unwrap()]);
        let before = server.version();

        // Mark the unrelated ticket's page, to see whether it is rewritten.
        let untouched = out.join(format!("tickets/{other}/index.html"));
        let old_bytes = std::fs::read(&untouched).unwrap();
        let long_ago = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
        std::fs::File::options()
            .write(true)
            .open(&untouched)
            .unwrap()
            .set_modified(long_ago)
            .unwrap();

        desk.ok(&["reply", &folio, "-m", "The new toner is on its way."]);
        let page = format!("/tickets/{folio}/");
        eventually("the reply shows on the ticket page", &server, || {
            server.version() > before
                && server
                    .get(&page)
                    .text()
                    .contains("The new toner is on its way.")
        });
        assert!(
            std::fs::read_to_string(out.join(format!("tickets/{folio}/index.html")))
                .unwrap()
                .contains("The new toner is on its way."),
            "the page on disk was rebuilt"
        );
        assert_eq!(std::fs::read(&untouched).unwrap(), old_bytes);
        assert_eq!(
            std::fs::metadata(&untouched).unwrap().modified().unwrap(),
            long_ago,
            "{other}'s page was not rewritten"
        );

        // A file written by hand is picked up too.
        let seen = server.version();
        desk.write(
            "faq/toner.md",
            "---\ntitle: Changing the toner\ncategory: technical\n---\n\nOpen the front cover.\n",
        );
        eventually("the new FAQ page is served", &server, || {
            server.version() > seen && server.get("/faq/toner.html").status == 200
        });
        contains(&server.get("/faq/").text(), "Changing the toner");

        // A broken template keeps the last good site; fixing it rebuilds.
        let seen = server.version();
        desk.write(
            "templates/faq.html",
            "{% extends \"base.html\" %}{% block main %}{% if %}{% endblock main %}",
        );
        eventually("the rebuild fails", &server, || {
            server.stderr().contains("rebuild failed")
        });
        contains(&server.stderr(), "faq.html");
        assert_eq!(
            server.version(),
            seen,
            "no new version for a failed rebuild"
        );
        assert_eq!(server.get("/faq/toner.html").status, 200, "still serving");
        desk.write(
            "templates/faq.html",
            "{% extends \"base.html\" %}{% block main %}<h1>Custom: {{ page.title }}</h1>{% endblock main %}",
        );
        eventually("the fixed template is used", &server, || {
            server.version() > seen
                && server
                    .get("/faq/toner.html")
                    .text()
                    .contains("Custom: Changing the toner")
        });

        // A deleted ticket's pages go.
        desk.git(&["rm", "-rq", &format!("tickets/{other}")]);
        desk.git(&["commit", "-qm", "drop a ticket"]);
        eventually("the deleted ticket's page is gone", &server, || {
            server.get(&format!("/tickets/{other}/index.html")).status == 404
        });
        assert!(!untouched.exists());

        let (status, stderr) = server.interrupt();
        assert_eq!(status.code(), Some(0), "{stderr}");
        contains(&stderr, "Stopped.");
        contains(&stderr, "Rebuilt");
    }
}

#[test]
fn reports_have_every_period_as_csv_matching_tkt_report_and_public_ones_name_nobody() {
    let desk = Desk::example();
    let now = "2026-10-30T17:30:00Z";
    let run = |args: &[&str]| {
        let out = desk.cmd().env("TKT_NOW", now).args(args).output().unwrap();
        assert!(
            out.status.success(),
            "tkt {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let internal_dir = desk.tmp.path().join("internal");
    run(&["build", "--out", internal_dir.to_str().unwrap()]);
    let internal = site_files(&internal_dir);
    for (dir, time) in [
        ("reports/", "by-month"),
        ("reports/last-13-weeks/", "by-week"),
        ("reports/last-4-weeks/", "by-week"),
    ] {
        for name in [
            "index.html",
            "by-category.csv",
            "by-priority.csv",
            "by-assignee.csv",
            "workload.csv",
        ]
        .into_iter()
        .chain([format!("{time}.csv").as_str()])
        {
            let path = format!("{dir}{name}");
            assert!(internal.contains_key(&path), "{path} missing");
        }
        let csv = text(&internal, &format!("{dir}by-category.csv"));
        assert!(
            csv.starts_with("group,label,since,until,opened,resolved,closed,backlog,"),
            "{csv}"
        );
        assert!(
            csv.lines().last().unwrap().starts_with("total,Total,"),
            "{csv}"
        );
    }
    // The site's all-time figures are `tkt report`'s, as of the same moment.
    let cli = run(&["report", "--by", "category", "--format", "csv"]);
    assert_eq!(text(&internal, "reports/by-category.csv"), cli);
    let total = cli
        .lines()
        .last()
        .unwrap()
        .split(',')
        .nth(4)
        .unwrap()
        .to_string();
    assert_eq!(
        total, "27",
        "every ticket opened by TKT_NOW (TKT028 comes later) is counted"
    );
    let page = text(&internal, "reports/index.html");
    contains(&page, "Workload");
    contains(&page, "SLA compliance");

    let public_dir = desk.tmp.path().join("public");
    run(&[
        "build",
        "--audience",
        "public",
        "--out",
        public_dir.to_str().unwrap(),
    ]);
    let public = site_files(&public_dir);
    let config: serde_yaml::Value = serde_yaml::from_str(&desk.read("helpdesk.yaml")).unwrap();
    let names: Vec<&str> = config["people"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    let report_files: Vec<&String> = public
        .keys()
        .filter(|p| p.starts_with("reports/"))
        .collect();
    assert!(report_files
        .iter()
        .any(|p| p.ends_with("last-4-weeks/by-week.csv")));
    for path in report_files {
        assert!(
            !path.ends_with("by-assignee.csv") && !path.ends_with("workload.csv"),
            "{path} is in the public site"
        );
        let content = text(&public, path);
        for name in &names {
            assert!(!content.contains(name), "{path} names {name}");
        }
    }
}
