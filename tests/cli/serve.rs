//! `tkt serve` under hostile clients: stalled and oversized requests,
//! foreign host names (DNS rebinding), other methods and symlinks in the
//! site folder. Every test talks to the real process over TCP.

use crate::common::{contains, Desk};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// How long a client waits for an answer. Generous: these tests check that
/// an answer comes at all, not how fast; the server's own timeouts (a few
/// seconds) must have freed its workers well before.
const PATIENCE: Duration = Duration::from_secs(90);

/// A running `tkt serve --port 0`, killed when dropped.
pub struct Serve {
    child: Child,
    pub port: u16,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub struct Answer {
    pub status: u16,
    pub head: String,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head
            .split("\r\n")
            .skip(1)
            .filter_map(|l| l.split_once(':'))
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

impl std::fmt::Debug for Answer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}\n\n{}", self.head, self.text())
    }
}

impl Serve {
    /// Starts `tkt serve --port 0 ARGS` and waits for its address.
    pub fn start(desk: &Desk, args: &[&str]) -> Serve {
        let mut child = desk
            .std_cmd()
            .args(["serve", "--no-watch", "--port", "0"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let mut serve = Serve { child, port: 0 };
        let line = rx
            .recv_timeout(PATIENCE)
            .expect("tkt serve printed its address");
        // `http://127.0.0.1:PORT/`, or the bound address with --bind.
        let port = line
            .strip_prefix("Serving ")
            .and_then(|rest| rest.split_once(" at http://"))
            .and_then(|(_, rest)| rest.split_once('/'))
            .and_then(|(address, _)| address.rsplit_once(':'))
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .1;
        serve.port = port.parse().unwrap();
        serve
    }

    fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        stream
    }

    /// Sends `request` as is and reads the answer to the end: the server
    /// closes every connection after one answer.
    pub fn send(&self, request: &[u8]) -> Answer {
        let mut stream = self.connect();
        let request = request.to_vec();
        let mut writer = stream.try_clone().unwrap();
        // Written aside: the server may answer (and stop reading) before
        // all of an oversized request is sent.
        let sending = std::thread::spawn(move || {
            let _ = writer.write_all(&request);
            let _ = writer.shutdown(Shutdown::Write);
        });
        let mut raw = Vec::new();
        stream
            .read_to_end(&mut raw)
            .expect("the answer, then the end");
        let _ = sending.join();
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or_else(|| panic!("no head in {:?}", String::from_utf8_lossy(&raw)));
        let head = String::from_utf8(raw[..split].to_vec()).unwrap();
        let status = head.split(' ').nth(1).unwrap().parse().unwrap();
        Answer {
            status,
            head,
            body: raw[split + 4..].to_vec(),
        }
    }

    pub fn request(&self, method: &str, path: &str, host: &str) -> Answer {
        self.send(
            format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        )
    }

    pub fn get(&self, path: &str) -> Answer {
        self.request("GET", path, &format!("127.0.0.1:{}", self.port))
    }
}

#[test]
fn stalled_clients_do_not_starve_others() {
    let desk = Desk::new();
    let big = desk.tmp.path().join("scan.pdf");
    std::fs::write(&big, vec![b'%'; 8 << 20]).unwrap();
    let folio = desk.ticket("A big scan", &["--attach", big.to_str().unwrap()]);
    let serve = Serve::start(&desk, &[]);
    let attachment = format!("/tickets/{folio}/files/scan.pdf");
    assert_eq!(serve.request("HEAD", &attachment, "localhost").status, 200);

    let mut stalled = Vec::new();
    for _ in 0..10 {
        let mut half = serve.connect();
        half.write_all(b"GET / HTTP/1.1\r\nHost: loc").unwrap();
        stalled.push(half);
    }
    for _ in 0..10 {
        let mut never_reads = serve.connect();
        write!(
            never_reads,
            "GET {attachment} HTTP/1.1\r\nHost: localhost\r\n\r\n"
        )
        .unwrap();
        stalled.push(never_reads);
    }
    let home = serve.get("/");
    assert_eq!(home.status, 200, "{home:?}");
    contains(&home.text(), "Test desk");
    drop(stalled);
}

#[test]
fn oversized_heads_are_refused_and_the_server_goes_on() {
    let desk = Desk::new();
    let serve = Serve::start(&desk, &[]);
    let mut request = b"GET / HTTP/1.1\r\nHost: localhost\r\n".to_vec();
    for i in 0..100 {
        request.extend(format!("X-Filler-{i}: {}\r\n", "a".repeat(1000)).bytes());
    }
    request.extend(b"\r\n");
    let refused = serve.send(&request);
    assert_eq!(refused.status, 431, "{refused:?}");
    assert_eq!(refused.header("Connection"), Some("close"));
    contains(&refused.text(), "16 KiB");

    let long = format!(
        "GET /{} HTTP/1.1\r\nHost: localhost\r\n\r\n",
        "a".repeat(100_000)
    );
    assert_eq!(serve.send(long.as_bytes()).status, 414);
    let with_body = b"GET / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10000000\r\n\r\n";
    assert_eq!(serve.send(with_body).status, 413);
    assert_eq!(serve.send(b"GET / HTTP/1.1\r\n\r\n").status, 400, "no Host");
    assert_eq!(serve.send(b"NONSENSE\r\n\r\n").status, 400);

    assert_eq!(serve.get("/").status, 200, "still serving");
}

/// Request smuggling needs two parties to disagree on where a request
/// ends. tkt takes a body only by one plain `Content-Length` and answers
/// one request per connection, so every ambiguous framing is refused and
/// nothing sent after a request is ever answered.
#[test]
fn ambiguous_request_framing_is_refused_and_nothing_is_smuggled() {
    let desk = Desk::new();
    let serve = Serve::start(&desk, &[]);
    let smuggled = "GET /data/tickets.json HTTP/1.1\r\nHost: localhost\r\n\r\n";
    let cases: &[(&str, u16)] = &[
        // CL.TE and TE.CL: both framings at once.
        ("Content-Length: 4\r\nTransfer-Encoding: chunked\r\n", 411),
        ("Transfer-Encoding: chunked\r\nContent-Length: 4\r\n", 411),
        ("Transfer-Encoding: xchunked\r\n", 411),
        ("Transfer-Encoding : chunked\r\n", 400),
        ("Content-Length: 4\r\nContent-Length: 5\r\n", 400),
        ("Content-Length: 4\r\nContent-Length: 4\r\n", 400),
        ("Content-Length: 4, 4\r\n", 400),
        ("Content-Length: +4\r\n", 400),
        ("Content-Length: 0x4\r\n", 400),
        ("Content-Length:\r\n", 400),
        // An obsolete folded header line.
        ("X-Folded: a\r\n Content-Length: 4\r\n", 400),
    ];
    for (headers, status) in cases {
        let request =
            format!("POST /new HTTP/1.1\r\nHost: localhost\r\n{headers}\r\n0\r\n\r\n{smuggled}");
        let answer = serve.send(request.as_bytes());
        assert_eq!(answer.status, *status, "{headers:?}: {answer:?}");
        assert_eq!(answer.header("Connection"), Some("close"));
        assert!(
            !answer.text().contains("HTTP/1.1"),
            "{headers:?}: a second answer came back: {answer:?}"
        );
    }
    // A well-framed request followed by another: only the first is answered.
    let pipelined = format!("GET /faq/index.html HTTP/1.1\r\nHost: localhost\r\n\r\n{smuggled}");
    let answer = serve.send(pipelined.as_bytes());
    assert_eq!(answer.status, 200);
    assert_eq!(answer.text().matches("HTTP/1.1 ").count(), 0, "{answer:?}");
    assert_eq!(serve.get("/").status, 200, "still serving");
}

#[test]
fn only_its_own_host_names_are_answered() {
    let desk = Desk::new();
    let serve = Serve::start(&desk, &[]);
    let port = serve.port;
    for host in [
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        format!("[::1]:{port}"),
        "localhost".to_string(),
    ] {
        let r = serve.request("GET", "/", &host);
        assert_eq!(r.status, 200, "{host}: {r:?}");
    }
    for host in [
        "evil.example".to_string(),
        format!("evil.example:{port}"),
        "helpdesk.lan".to_string(),
        format!("localhost.evil.example:{port}"),
    ] {
        let r = serve.request("GET", "/", &host);
        assert_eq!(r.status, 421, "{host}: {r:?}");
        contains(&r.text(), "localhost");
        contains(&r.text(), "--host NAME");
        assert!(!r.text().contains("Test desk"), "{host}: {r:?}");
    }
    let version = serve.request("GET", "/__tkt/version", "evil.example");
    assert_eq!(version.status, 421, "not even the reload hook: {version:?}");

    let named = Serve::start(&desk, &["--host", "helpdesk.lan", "--host", "10.1.2.3"]);
    for host in [
        format!("helpdesk.lan:{}", named.port),
        "HelpDesk.lan".to_string(),
        "10.1.2.3".to_string(),
    ] {
        let r = named.request("GET", "/", &host);
        assert_eq!(r.status, 200, "{host}: {r:?}");
    }
    let refused = named.request("GET", "/", "evil.example");
    assert_eq!(refused.status, 421);
    contains(&refused.text(), "helpdesk.lan");

    let bad = desk.fails(&["serve", "--host", "helpdesk.lan:8080"], 2);
    contains(&bad, "'helpdesk.lan:8080' is not a host name");
    contains(&desk.ok(&["serve", "--help"]), "--host helpdesk.lan");
}

#[test]
fn other_methods_get_405_with_allow() {
    let desk = Desk::new();
    let serve = Serve::start(&desk, &[]);
    for method in ["POST", "PUT", "DELETE", "OPTIONS"] {
        let r = serve.request(method, "/", "localhost");
        assert_eq!(r.status, 405, "{method}: {r:?}");
        assert_eq!(r.header("Allow"), Some("GET, HEAD"), "{method}");
    }
    let head = serve.request("HEAD", "/", "localhost");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty(), "{head:?}");
    let length: usize = head.header("Content-Length").unwrap().parse().unwrap();
    assert_eq!(length, serve.get("/").body.len());
}

#[test]
fn symlinks_in_the_site_folder_are_never_followed() {
    let desk = Desk::new();
    let out = desk.tmp.path().join("site");
    let serve = Serve::start(&desk, &["--out", out.to_str().unwrap()]);
    let outside = desk.path("helpdesk.yaml");
    std::os::unix::fs::symlink(&outside, out.join("config.txt")).unwrap();
    std::os::unix::fs::symlink(desk.path("tickets"), out.join("all")).unwrap();
    std::os::unix::fs::symlink(out.join("index.html"), out.join("home.html")).unwrap();
    for path in ["/config.txt", "/all/", "/all", "/home.html"] {
        let r = serve.get(path);
        assert_eq!(r.status, 404, "{path}: {r:?}");
        assert!(!r.text().contains("people:"), "{path} leaked helpdesk.yaml");
    }
    assert_eq!(serve.get("/index.html").status, 200);
}

#[test]
fn every_answer_forbids_cross_origin_reads_and_framing() {
    let desk = Desk::new();
    let serve = Serve::start(&desk, &[]);
    let answers = [
        serve.get("/"),
        serve.get("/nope"),
        serve.get("/assets/style.css"),
        serve.request("GET", "/", "evil.example"),
        serve.request("POST", "/", "localhost"),
        serve.send(b"GET / HTTP/1.1\r\n\r\n"),
    ];
    for r in answers {
        assert_eq!(
            r.header("Cross-Origin-Resource-Policy"),
            Some("same-origin"),
            "{r:?}"
        );
        assert_eq!(
            r.header("Cross-Origin-Opener-Policy"),
            Some("same-origin"),
            "{r:?}"
        );
        assert_eq!(r.header("X-Frame-Options"), Some("DENY"), "{r:?}");
        assert_eq!(r.header("X-Content-Type-Options"), Some("nosniff"), "{r:?}");
        assert!(r.header("Content-Security-Policy").is_some(), "{r:?}");
    }
}
