//! Attachments through the web forms of `tkt serve`, over HTTP against the
//! real server with hand-built `multipart/form-data` bodies: files
//! committed with the registration or reply (one commit, names made safe),
//! files over the limits bringing the form back with nothing committed, a
//! body over the ceiling refused before it is read, and the site serving
//! an uploaded page as a download.

use crate::common::{contains, Desk};
use crate::serve::{Answer, Serve};
use crate::web_form::{allow_origin, encode, good, token_of};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

pub const BOUNDARY: &str = "----tktTestBoundary7MA4YWxkTrZu0gW";

/// A desk open to anyone through the web form, at most two attachments of
/// 100 KiB each, requesters seeing them; served on this machine (the
/// internal pages need no sign-in).
fn upload_desk() -> Desk {
    let desk = Desk::new();
    let config = desk.read("helpdesk.yaml");
    desk.write(
        "helpdesk.yaml",
        &format!(
            "{config}web:\n  base_url: http://127.0.0.1\n  registration:\n    open_to: anyone\n  \
             requester_sees: [status, replies, attachments]\n  \
             limits:\n    attachments: 2\n    attachment_size: 100KiB\n"
        ),
    );
    desk.git(&["commit", "-qam", "open the web form with attachments"]);
    desk
}

/// A multipart body: the text `fields`, then each of `files` (file name,
/// content) as a part named `attachments`.
pub fn multipart(fields: &[(&str, &str)], files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (file_name, content) in files {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"attachments\"; \
                 filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

impl Serve {
    fn post_multipart(&self, path: &str, body: &[u8]) -> Answer {
        let mut request = format!(
            "POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\
             Content-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: {len}\r\n\r\n",
            port = self.port,
            len = body.len(),
        )
        .into_bytes();
        request.extend_from_slice(body);
        self.send(&request)
    }
}

/// The text value of `name` in the registration form's good answers.
fn value<'a>(fields: &[(&'a str, &'a str)], name: &str) -> &'a str {
    fields.iter().find(|(k, _)| *k == name).unwrap().1
}

#[test]
fn a_registration_commits_its_attachments_with_safe_names_in_one_commit() {
    let desk = upload_desk();
    let serve = Serve::start(&desk, &[]);
    let form = serve.get("/new/technical");
    let page = form.text();
    contains(&page, "enctype=\"multipart/form-data\"");
    contains(
        &page,
        "<input id=\"f-attachments\" name=\"attachments\" type=\"file\" multiple aria-describedby=\"h-attachments\">",
    );
    contains(&page, "<label for=\"f-attachments\">Attachments (optional)");
    contains(&page, "Up to 2 files, at most 100 KiB each.");

    let commits = desk.commit_count();
    let token = token_of(&form);
    let fields = good(&token);
    // Over the server's own 64 KiB for a post: the form's allowance holds.
    let page_bytes = format!("<script>alert(1)</script>{}", "x".repeat(80 * 1024)).into_bytes();
    let body = multipart(
        &fields,
        &[
            ("../../evil.html", &page_bytes),
            ("photo\u{202E}gnp.exe", b"MZ not really"),
            // A file input left empty.
            ("", b""),
        ],
    );
    assert!(body.len() > 64 * 1024);
    let done = serve.post_multipart("/new/technical", &body);
    assert_eq!(done.status, 200, "{done:?}");
    contains(&done.text(), "Ticket TKT001 registered");
    assert_eq!(desk.commit_count(), commits + 1, "one commit");
    let files = desk.last_commit_files();
    for file in [
        "tickets/TKT001/ticket.md",
        "tickets/TKT001/attachments/evil.html",
        "tickets/TKT001/attachments/photognp.exe",
    ] {
        assert!(files.iter().any(|f| f == file), "{file} in {files:?}");
    }
    assert_eq!(
        files.len(),
        4,
        "and helpdesk.yaml (the newcomer): {files:?}"
    );
    let message = desk.git(&["log", "-1", "--format=%an <%ae>%n%B"]);
    contains(&message, "Sam Lee <sam@other.org>");
    contains(&message, "Via: web");
    assert_eq!(
        std::fs::read(desk.path("tickets/TKT001/attachments/evil.html")).unwrap(),
        page_bytes
    );
    let shown = desk.json(&["show", "1", "--json"]);
    assert_eq!(
        shown["attachments"],
        serde_json::json!(["evil.html", "photognp.exe"]),
        "{shown}"
    );
    assert_eq!(shown["subject"], value(&fields, "subject"));
    assert_eq!(desk.ok(&["check"]), "");
    drop(serve);

    // The built site offers the uploaded page as a download, never as a page.
    let serve = Serve::start(&desk, &[]);
    let ticket = serve.get("/tickets/TKT001/index.html");
    assert_eq!(ticket.status, 200, "{ticket:?}");
    contains(&ticket.text(), "href=\"files/evil.html.download\"");
    let file = serve.get("/tickets/TKT001/files/evil.html.download");
    assert_eq!(file.status, 200, "{file:?}");
    assert_eq!(file.header("Content-Disposition"), Some("attachment"));
    assert_eq!(
        file.header("Content-Type"),
        Some("application/octet-stream")
    );
    assert_eq!(file.header("X-Content-Type-Options"), Some("nosniff"));
    assert_eq!(file.body, page_bytes);
}

#[test]
fn files_over_the_limits_bring_the_form_back_and_commit_nothing() {
    let desk = upload_desk();
    let serve = Serve::start(&desk, &[]);
    let token = token_of(&serve.get("/new/technical"));
    let fields = good(&token);
    let commits = desk.commit_count();
    let too_large = vec![b'x'; 100 * 1024 + 1];
    let small: &[u8] = b"fine";
    for (files, message) in [
        (
            vec![("scan.pdf", too_large.as_slice())],
            "“scan.pdf” is too large. Up to 2 files, at most 100 KiB each.",
        ),
        (
            vec![("a.txt", small), ("b.txt", small), ("c.txt", small)],
            "Too many files. Up to 2 files, at most 100 KiB each.",
        ),
    ] {
        let answer = serve.post_multipart("/new/technical", &multipart(&fields, &files));
        assert_eq!(answer.status, 400, "{answer:?}");
        let page = answer.text();
        contains(
            &page,
            &format!("<span class=\"field-error\" id=\"e-attachments\">{message}</span>"),
        );
        contains(
            &page,
            "aria-invalid=\"true\" aria-describedby=\"e-attachments h-attachments\"",
        );
        contains(&page, "value=\"Sam Lee\"");
        contains(&page, "value=\"The scanner jams\"");
        contains(
            &page,
            "Every multi-page bundle jams after three pages.</textarea>",
        );
    }
    // A form that comes back for another reason asks for the files again.
    let mut fields = good(&token);
    fields.retain(|(k, _)| *k != "subject");
    let answer = serve.post_multipart("/new/technical", &multipart(&fields, &[("a.txt", small)]));
    assert_eq!(answer.status, 400, "{answer:?}");
    contains(&answer.text(), "Please give a short subject.");
    contains(&answer.text(), "please attach your files again");
    assert_eq!(desk.commit_count(), commits, "nothing committed");
    assert!(!desk.path("tickets/TKT001").exists());
}

#[test]
fn a_body_over_the_ceiling_is_refused_before_it_is_read() {
    let desk = upload_desk();
    let serve = Serve::start(&desk, &[]);
    let commits = desk.commit_count();
    // Only the head, announcing a gigabyte: the answer comes at once.
    let mut stream = TcpStream::connect(("127.0.0.1", serve.port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let started = Instant::now();
    stream
        .write_all(
            format!(
                "POST /new/technical HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\
                 Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n\
                 Content-Length: 1000000000\r\n\r\n",
                serve.port
            )
            .as_bytes(),
        )
        .unwrap();
    let mut answer = Vec::new();
    let mut chunk = [0u8; 4096];
    while !String::from_utf8_lossy(&answer).contains("send the form again") {
        let n = stream
            .read(&mut chunk)
            .expect("the answer, before any body");
        assert!(n > 0, "closed early: {}", String::from_utf8_lossy(&answer));
        answer.extend_from_slice(&chunk[..n]);
    }
    assert!(started.elapsed() < Duration::from_secs(10));
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 413 "), "{answer}");
    contains(
        &answer,
        "The form is too large to send: Up to 2 files, at most 100 KiB each.",
    );
    // A post without files keeps the server's own limit of 64 KiB.
    let mut fields = good("");
    let long = "x".repeat(70 * 1024);
    fields.push(("notes", &long));
    let urlencoded = serve.post_form("/new/technical", &encode(&fields), "");
    assert_eq!(urlencoded.status, 413, "{urlencoded:?}");
    // A link that opens nothing, or /mine without a session, gets no room
    // for files: the server's own limit holds.
    let big = vec![b'x'; 100 * 1024];
    for path in [format!("/t/{}", "0".repeat(32)), "/mine/TKT001".to_string()] {
        let mut request = format!(
            "POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\
             Content-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: {}\r\n\r\n",
            serve.port,
            big.len()
        )
        .into_bytes();
        request.extend_from_slice(&big);
        assert_eq!(serve.send(&request).status, 413, "{path}");
    }
    assert_eq!(desk.commit_count(), commits);
}

/// Registers through the (urlencoded) form; returns the follow-up path.
fn register(serve: &Serve) -> String {
    let token = token_of(&serve.get("/new/technical"));
    let done = serve.post_form("/new/technical", &encode(&good(&token)), "");
    assert_eq!(done.status, 200, "{done:?}");
    let text = done.text();
    let at = text.find("http://127.0.0.1/t/").unwrap() + "http://127.0.0.1".len();
    text[at..].split('"').next().unwrap().to_string()
}

#[test]
fn the_requester_replies_with_an_attachment_through_the_link() {
    let desk = upload_desk();
    let serve = Serve::start(&desk, &[]);
    let link = register(&serve);
    let page = serve.get(&link);
    let text = page.text();
    contains(&text, "enctype=\"multipart/form-data\"");
    contains(&text, "name=\"attachments\" type=\"file\" multiple");
    contains(&text, "Up to 2 files, at most 100 KiB each.");
    let commits = desk.commit_count();

    // Too large: the reply comes back as typed, nothing sent.
    let token = token_of(&page);
    let big = vec![b'x'; 100 * 1024 + 1];
    let refused = serve.post_multipart(
        &link,
        &multipart(
            &[
                ("token", &token),
                ("do", "reply"),
                ("body", "The log <attached>."),
            ],
            &[("error.log", &big)],
        ),
    );
    assert_eq!(refused.status, 400, "{refused:?}");
    contains(&refused.text(), "“error.log” is too large.");
    contains(&refused.text(), ">The log &lt;attached&gt;.</textarea>");
    // Files go with a reply only.
    let confirm = serve.post_multipart(
        &link,
        &multipart(
            &[("token", &token), ("do", "confirm")],
            &[("error.log", b"E-21")],
        ),
    );
    assert_eq!(confirm.status, 400, "{confirm:?}");
    contains(&confirm.text(), "Files are sent with a reply");
    assert_eq!(desk.commit_count(), commits);

    let reply = serve.post_multipart(
        &link,
        &multipart(
            &[
                ("token", &token),
                ("do", "reply"),
                ("body", "The log is attached."),
            ],
            &[("error.log", b"E-21 at 09:14")],
        ),
    );
    assert_eq!(reply.status, 303, "{reply:?}");
    assert_eq!(desk.commit_count(), commits + 1);
    let files = desk.last_commit_files();
    assert!(
        files
            .iter()
            .any(|f| f == "tickets/TKT001/attachments/error.log"),
        "{files:?}"
    );
    assert!(
        files
            .iter()
            .any(|f| f.starts_with("tickets/TKT001/replies/")),
        "{files:?}"
    );
    let message = desk.git(&["log", "-1", "--format=%an%n%B"]);
    contains(&message, "Sam Lee\nTKT001: reply by sam");
    contains(&message, "Via: web");
    assert_eq!(
        desk.read("tickets/TKT001/attachments/error.log"),
        "E-21 at 09:14"
    );
    let after = serve.get(&link).text();
    contains(&after, "The log is attached.");
    contains(&after, "<h2>Attachments</h2>\n<ul>\n<li>error.log</li>");
    assert_eq!(desk.ok(&["check"]), "");
}

#[test]
fn the_snippet_posts_attachments_and_old_snippets_still_work() {
    let desk = upload_desk();
    allow_origin(&desk, "https://www.ortega.example");
    let snippet = desk.ok(&["form", "snippet", "--category", "technical"]);
    contains(
        &snippet,
        "action=\"http://127.0.0.1/new/technical\" enctype=\"multipart/form-data\">",
    );
    contains(&snippet, "name=\"attachments\" type=\"file\" multiple");
    contains(&snippet, "Up to 2 files, at most 100 KiB each.");
    let serve = Serve::start(&desk, &[]);
    let origin = "Origin: https://www.ortega.example\r\n";
    let mut fields = good("");
    fields.retain(|(k, _)| *k != "token");
    // As a snippet pasted before attachments existed posts it.
    let old = serve.post_form("/new/technical", &encode(&fields), origin);
    assert_eq!(old.status, 200, "{old:?}");
    // As the new snippet posts it.
    let mut request = format!(
        "POST /new/technical HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n{origin}\
         Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n",
        serve.port
    )
    .into_bytes();
    let body = multipart(&fields, &[("invoice.pdf", b"%PDF-1.4")]);
    request.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
    request.extend_from_slice(&body);
    let new = serve.send(&request);
    assert_eq!(new.status, 200, "{new:?}");
    contains(&new.text(), "Ticket TKT002 registered");
    assert_eq!(
        desk.read("tickets/TKT002/attachments/invoice.pdf"),
        "%PDF-1.4"
    );
}
