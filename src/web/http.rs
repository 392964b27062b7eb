//! A small HTTP/1.1 server on `std::net`, with `httparse` for the request
//! head. It exists because tiny_http cannot be bounded: it spawns a thread
//! per client, has no read or write timeouts and buffers request headers
//! without limit, so a few clients that stall could starve everyone else.
//!
//! Here one thread accepts connections and hands them through a bounded
//! queue to a fixed pool of workers; a full queue is answered 503 at once.
//! Each connection carries one request (`Connection: close`): its head must
//! arrive within [`Limits::head_timeout`] and fit [`Limits::head_bytes`], a
//! body must declare its length and fit [`Limits::body_bytes`] (or the
//! larger [`Allowance`] the server grants a request by its head, such as a
//! form with attachments: a few such bodies at a time, arriving at a
//! minimum rate), and every write must progress within
//! [`Limits::write_timeout`], so a client that never reads frees its worker.

use std::fs::File;
use std::io::{self, Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The bounds every connection is held to.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Worker threads: at most this many connections are read or written
    /// at once.
    pub workers: usize,
    /// Accepted connections waiting for a worker; beyond them, 503.
    pub queue: usize,
    /// Request line plus headers.
    pub head_bytes: usize,
    /// Number of header lines.
    pub headers: usize,
    /// A request body (declared with Content-Length), unless an
    /// [`Allowance`] grants more.
    pub body_bytes: usize,
    /// Bodies larger than `body_bytes` read (and handled) at once; beyond
    /// them, 503. Each may take memory up to its allowance.
    pub large_bodies: usize,
    /// Bytes per second a body must keep arriving at, after the
    /// `request_timeout` every request has: a large upload gets the time
    /// it needs, a client that trickles is cut off.
    pub min_body_rate: usize,
    /// From accepting the connection to the end of the request head.
    pub head_timeout: Duration,
    /// From accepting the connection to the end of the request body.
    pub request_timeout: Duration,
    /// How long one write may wait for the client to read.
    pub write_timeout: Duration,
}

/// `tkt serve`'s limits (stated in the README's "Serving" section).
pub const LIMITS: Limits = Limits {
    workers: 16,
    queue: 64,
    head_bytes: 16 * 1024,
    headers: 64,
    body_bytes: 64 * 1024,
    large_bodies: 4,
    min_body_rate: 64 * 1024,
    head_timeout: Duration::from_secs(5),
    request_timeout: Duration::from_secs(10),
    write_timeout: Duration::from_secs(10),
};

/// A request whose head was parsed and whose body was read in full.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub method: String,
    /// The request target as sent: a path with an optional query.
    pub target: String,
    /// Names as sent (compare without case); values as bytes.
    pub headers: Vec<(String, Vec<u8>)>,
    pub body: Vec<u8>,
    /// The client's address (rate limits count per address).
    pub peer: Option<std::net::IpAddr>,
}

impl Request {
    /// Every value of the header `name` (any case), as text; a value that
    /// is not UTF-8 reads as `None`.
    pub fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = Option<&'a str>> {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| std::str::from_utf8(v).ok())
    }

    /// The path part of the target, without query or fragment.
    pub fn path(&self) -> &str {
        self.target.split(['?', '#']).next().unwrap_or("/")
    }

    /// The query part of the target, with its `?` (or empty).
    /// The client's address for rate limits: the peer, or, when the peer
    /// is a reverse proxy on this machine, the address it says it forwards
    /// for (the last `X-Forwarded-For` entry, which the proxy appended).
    pub fn client(&self) -> Option<std::net::IpAddr> {
        let peer = self.peer?;
        if !peer.is_loopback() {
            return Some(peer);
        }
        let forwarded = self
            .header_values("X-Forwarded-For")
            .flatten()
            .last()
            .and_then(|line| line.rsplit(',').next())
            .and_then(|last| last.trim().parse().ok());
        Some(forwarded.unwrap_or(peer))
    }

    pub fn query(&self) -> &str {
        &self.target[self.path().len()..]
    }

    /// The value of `name` in the query string, decoded; the first if sent
    /// more than once.
    pub fn query_value(&self, name: &str) -> Option<String> {
        form_urlencoded::parse(self.query().trim_start_matches('?').as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }
}

/// What a response carries after its head.
pub enum Body {
    Bytes(Vec<u8>),
    /// Streamed from disk, so a large attachment is never held in memory.
    File(File, u64),
}

impl Body {
    fn len(&self) -> u64 {
        match self {
            Body::Bytes(b) => b.len() as u64,
            Body::File(_, len) => *len,
        }
    }
}

pub struct Response {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Body,
}

impl Response {
    pub fn new(status: u16, content_type: &str, body: Body) -> Response {
        Response {
            status,
            headers: vec![("Content-Type", content_type.to_string())],
            body,
        }
    }

    /// A plain-text answer, for errors and small values.
    pub fn text(status: u16, text: impl Into<String>) -> Response {
        let body = Body::Bytes(text.into().into_bytes());
        Response::new(status, "text/plain; charset=utf-8", body)
    }

    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Response {
        self.headers.push((name, value.into()));
        self
    }
}

/// Answers one request; called on a worker thread.
pub type Handler = dyn Fn(&Request) -> Response + Send + Sync;

/// A body larger than [`Limits::body_bytes`] that a request may send, and
/// what to tell a client whose body is larger still.
#[derive(Debug, Clone, PartialEq)]
pub struct Allowance {
    pub bytes: usize,
    pub too_large: String,
}

/// Decides from a request's head (its body not yet read, `body` empty)
/// whether it may send a larger body: only asked when the declared length
/// is over [`Limits::body_bytes`], so the common request costs nothing.
pub type BodyAllowance = dyn Fn(&Request) -> Option<Allowance> + Send + Sync;

/// A running server: an accept thread and its workers.
pub struct Server {
    address: SocketAddr,
    stopping: Arc<AtomicBool>,
    accept: JoinHandle<()>,
    workers: Vec<JoinHandle<()>>,
}

/// What the accept thread and the workers share.
struct Setup {
    limits: Limits,
    /// Sent with every response, the server's own errors included.
    always: &'static [(&'static str, &'static str)],
    handler: Box<Handler>,
    allowance: Box<BodyAllowance>,
    /// Bodies over `body_bytes` being read or handled now.
    large: AtomicUsize,
    stopping: Arc<AtomicBool>,
}

impl Server {
    /// Starts serving `listener` with `handler`; every response carries
    /// the `always` headers; `allowance` may let a request send a larger
    /// body than `limits` does.
    pub fn start(
        listener: TcpListener,
        limits: Limits,
        always: &'static [(&'static str, &'static str)],
        handler: Box<Handler>,
        allowance: Box<BodyAllowance>,
    ) -> io::Result<Server> {
        let address = listener.local_addr()?;
        let stopping = Arc::new(AtomicBool::new(false));
        let setup = Arc::new(Setup {
            limits,
            always,
            handler,
            allowance,
            large: AtomicUsize::new(0),
            stopping: Arc::clone(&stopping),
        });
        let (queue, waiting) = mpsc::sync_channel::<TcpStream>(limits.queue);
        let waiting = Arc::new(Mutex::new(waiting));
        let workers = (0..limits.workers)
            .map(|_| {
                let (setup, waiting) = (Arc::clone(&setup), Arc::clone(&waiting));
                std::thread::spawn(move || work(&setup, &waiting))
            })
            .collect();
        let accept = std::thread::spawn(move || accept(&listener, &setup, queue));
        Ok(Server {
            address,
            stopping,
            accept,
            workers,
        })
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Stops accepting, lets each worker finish the connection it has
    /// (bounded by the timeouts) and waits for them.
    pub fn stop(self) {
        self.stopping.store(true, Ordering::SeqCst);
        // The accept thread sits in accept(): one connection wakes it.
        let woken = TcpStream::connect_timeout(&wake_address(self.address), Duration::from_secs(1));
        for worker in self.workers {
            let _ = worker.join();
        }
        if woken.is_ok() {
            let _ = self.accept.join();
        }
    }
}

/// Where to connect to reach a listener bound to `address` (a listener on
/// every interface is reached over loopback).
fn wake_address(address: SocketAddr) -> SocketAddr {
    let ip = match address.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    SocketAddr::new(ip, address.port())
}

fn accept(listener: &TcpListener, setup: &Setup, queue: SyncSender<TcpStream>) {
    for stream in listener.incoming() {
        if setup.stopping.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else {
            // Out of file descriptors, say: wait a little rather than spin.
            std::thread::sleep(Duration::from_millis(50));
            continue;
        };
        match queue.try_send(stream) {
            Ok(()) => {}
            Err(TrySendError::Full(stream)) => busy(stream, setup.always),
            Err(TrySendError::Disconnected(_)) => break,
        }
    }
}

/// Answers 503 without waiting for anything: the accept thread must never
/// block on a client.
fn busy(mut stream: TcpStream, always: &[(&str, &str)]) {
    if stream.set_nonblocking(true).is_err() {
        return;
    }
    let response = Response::text(503, "The server is busy; try again in a moment.\n")
        .with_header("Retry-After", "1");
    let _ = stream.write_all(&head(&response, always));
    let _ = stream.shutdown(Shutdown::Write);
    // Whatever the client already sent is read away, so that closing does
    // not reset the connection before it has read the 503.
    let _ = stream.read(&mut [0; 16 * 1024]);
}

/// A worker: takes connections from the queue until the server stops.
fn work(setup: &Setup, waiting: &Mutex<Receiver<TcpStream>>) {
    while !setup.stopping.load(Ordering::SeqCst) {
        let next = waiting
            .lock()
            .map(|queue| queue.recv_timeout(Duration::from_millis(250)));
        match next {
            Ok(Ok(stream)) => serve_connection(stream, setup),
            Ok(Err(mpsc::RecvTimeoutError::Timeout)) => {}
            _ => break,
        }
    }
}

fn serve_connection(mut stream: TcpStream, setup: &Setup) {
    let _ = stream.set_nodelay(true);
    if stream
        .set_write_timeout(Some(setup.limits.write_timeout))
        .is_err()
    {
        return;
    }
    let body = BodyRules {
        allowance: &*setup.allowance,
        large: &setup.large,
    };
    let (response, head_only, unread) = match read_request(&mut stream, &setup.limits, &body) {
        Ok((mut request, slot)) => {
            request.peer = stream.peer_addr().ok().map(|a| a.ip());
            let response = handle(setup, &request);
            // The large body's memory is given back before writing.
            drop((request.body, slot));
            (response, request.method == "HEAD", false)
        }
        Err(Refusal::Silent) => return,
        Err(Refusal::Answer(status, why)) => (Response::text(status, why), false, true),
    };
    if write_response(&mut stream, &response, head_only, setup).is_err() {
        return;
    }
    let _ = stream.shutdown(Shutdown::Write);
    if unread {
        linger(&mut stream);
    }
}

/// The handler's answer; a panic in it is a 500, and the worker lives on.
fn handle(setup: &Setup, request: &Request) -> Response {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (setup.handler)(request)))
        .unwrap_or_else(|_| Response::text(500, "The server failed on this request.\n"))
}

/// Reads and discards what the client still sends (briefly, and only so
/// much), so that closing does not reset the connection before the client
/// has read the answer to a request that was refused half-read.
fn linger(stream: &mut TcpStream) {
    let until = Instant::now() + Duration::from_secs(2);
    let mut left = 1024 * 1024usize;
    let mut buf = [0u8; 16 * 1024];
    while left > 0 {
        let Some(wait) = until.checked_duration_since(Instant::now()) else {
            return;
        };
        if wait.is_zero() || stream.set_read_timeout(Some(wait)).is_err() {
            return;
        }
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => left = left.saturating_sub(n),
        }
    }
}

/// Why a request is not handed to the handler.
#[derive(Debug, PartialEq)]
enum Refusal {
    /// The client sent nothing, or left: close without a word.
    Silent,
    /// Answer with this status and explanation, then close.
    Answer(u16, String),
}

fn refuse(status: u16, why: impl Into<String>) -> Refusal {
    Refusal::Answer(status, why.into())
}

/// What decides about bodies larger than [`Limits::body_bytes`].
struct BodyRules<'a> {
    allowance: &'a BodyAllowance,
    /// How many are being read or handled now.
    large: &'a AtomicUsize,
}

/// One of the [`Limits::large_bodies`] places, given back when dropped.
struct LargeSlot<'a>(&'a AtomicUsize);

impl Drop for LargeSlot<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Reads one request from `stream` within `limits`; a large body comes
/// with the place it holds until the request is answered.
fn read_request<'a>(
    stream: &mut TcpStream,
    limits: &Limits,
    rules: &BodyRules<'a>,
) -> Result<(Request, Option<LargeSlot<'a>>), Refusal> {
    let accepted = Instant::now();
    let (head, rest) = read_head(stream, limits, accepted + limits.head_timeout)?;
    let mut request = parse_head(&head, limits)?;
    let length = body_length(&request, limits, rules.allowance)?;
    let slot = if length > limits.body_bytes {
        Some(large_slot(rules.large, limits)?)
    } else {
        None
    };
    request.body = read_body(stream, rest, length, accepted, limits)?;
    Ok((request, slot))
}

/// A place for one more large body, or 503 when all are taken.
fn large_slot<'a>(large: &'a AtomicUsize, limits: &Limits) -> Result<LargeSlot<'a>, Refusal> {
    let taken = large.fetch_add(1, Ordering::SeqCst);
    let slot = LargeSlot(large);
    if taken >= limits.large_bodies {
        return Err(refuse(
            503,
            "The server is receiving other large uploads; nothing was sent. Try again in a minute.\n",
        ));
    }
    Ok(slot)
}

/// Reads until the head is complete; returns it and whatever followed.
fn read_head(
    stream: &mut TcpStream,
    limits: &Limits,
    deadline: Instant,
) -> Result<(Vec<u8>, Vec<u8>), Refusal> {
    let mut buf = Vec::with_capacity(4096);
    loop {
        if let Some(end) = head_end(&buf, limits)? {
            let rest = buf.split_off(end);
            return Ok((buf, rest));
        }
        if buf.len() >= limits.head_bytes {
            return Err(head_too_large(&buf, limits));
        }
        let room = limits.head_bytes - buf.len();
        match read_some(stream, &mut buf, room, deadline) {
            Ok(0) | Err(_) if buf.is_empty() => return Err(Refusal::Silent),
            Ok(0) => return Err(refuse(400, "The request ended inside its head.\n")),
            Ok(_) => {}
            Err(_) => {
                let secs = limits.head_timeout.as_secs();
                let why = format!("The request head did not arrive within {secs} s.\n");
                return Err(refuse(408, why));
            }
        }
    }
}

/// Reads the rest of a body of `length` bytes that begins with `body`:
/// by [`Limits::request_timeout`] after `accepted`, plus the time the part
/// already read took at [`Limits::min_body_rate`].
fn read_body(
    stream: &mut TcpStream,
    mut body: Vec<u8>,
    length: usize,
    accepted: Instant,
    limits: &Limits,
) -> Result<Vec<u8>, Refusal> {
    while body.len() < length {
        let room = length - body.len();
        let earned = body.len() as f64 / limits.min_body_rate.max(1) as f64;
        let deadline = accepted + limits.request_timeout + Duration::from_secs_f64(earned);
        match read_some(stream, &mut body, room, deadline) {
            Ok(0) => {
                let why = "The request body is shorter than its Content-Length.\n";
                return Err(refuse(400, why));
            }
            Ok(_) => {}
            Err(_) => return Err(refuse(408, "The request body did not arrive in time.\n")),
        }
    }
    body.truncate(length);
    Ok(body)
}

/// Reads at most `room` bytes onto `buf`, waiting no later than `deadline`.
fn read_some(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
    room: usize,
    deadline: Instant,
) -> io::Result<usize> {
    let wait = deadline
        .checked_duration_since(Instant::now())
        .filter(|w| !w.is_zero())
        .ok_or(io::ErrorKind::TimedOut)?;
    stream.set_read_timeout(Some(wait))?;
    let mut chunk = [0u8; 8192];
    let n = stream.read(&mut chunk[..room.min(8192)])?;
    buf.extend_from_slice(&chunk[..n]);
    Ok(n)
}

/// Where the head ends in `buf`, if it is complete; a malformed head is
/// refused as soon as it is seen.
fn head_end(buf: &[u8], limits: &Limits) -> Result<Option<usize>, Refusal> {
    let mut headers = vec![httparse::EMPTY_HEADER; limits.headers];
    match httparse::Request::new(&mut headers).parse(buf) {
        Ok(httparse::Status::Complete(end)) => Ok(Some(end)),
        Ok(httparse::Status::Partial) => Ok(None),
        Err(e) => Err(bad_head(e, limits)),
    }
}

fn bad_head(error: httparse::Error, limits: &Limits) -> Refusal {
    match error {
        httparse::Error::TooManyHeaders => refuse(
            431,
            format!(
                "The request has more than {} header lines.\n",
                limits.headers
            ),
        ),
        httparse::Error::Version => refuse(505, "Only HTTP/1.0 and HTTP/1.1 are served.\n"),
        e => refuse(400, format!("The request head is malformed: {e}.\n")),
    }
}

/// 414 when even the request line does not fit, 431 otherwise.
fn head_too_large(buf: &[u8], limits: &Limits) -> Refusal {
    let kib = limits.head_bytes / 1024;
    if !buf.contains(&b'\n') {
        return refuse(414, format!("The request line is longer than {kib} KiB.\n"));
    }
    refuse(
        431,
        format!("The request line and headers are larger than {kib} KiB together.\n"),
    )
}

fn parse_head(head: &[u8], limits: &Limits) -> Result<Request, Refusal> {
    let mut headers = vec![httparse::EMPTY_HEADER; limits.headers];
    let mut parsed = httparse::Request::new(&mut headers);
    parsed.parse(head).map_err(|e| bad_head(e, limits))?;
    let (Some(method), Some(target)) = (parsed.method, parsed.path) else {
        return Err(refuse(400, "The request line is incomplete.\n"));
    };
    if !target.starts_with('/') {
        return Err(refuse(
            400,
            "The request target must be a path starting with /.\n",
        ));
    }
    Ok(Request {
        method: method.to_string(),
        target: target.to_string(),
        headers: parsed
            .headers
            .iter()
            .map(|h| (h.name.to_string(), h.value.to_vec()))
            .collect(),
        body: Vec::new(),
        peer: None,
    })
}

/// The declared body length: Content-Length only (one value, within the
/// limit or the request's allowance); a chunked body is refused with 411.
fn body_length(
    request: &Request,
    limits: &Limits,
    allowance: &BodyAllowance,
) -> Result<usize, Refusal> {
    if request.header_values("Transfer-Encoding").next().is_some() {
        return Err(refuse(
            411,
            "Send the request body with a Content-Length, not Transfer-Encoding.\n",
        ));
    }
    let mut lengths = request.header_values("Content-Length");
    let length = match (lengths.next(), lengths.next()) {
        (None, _) => return Ok(0),
        (Some(Some(value)), None) if value.bytes().all(|b| b.is_ascii_digit()) => {
            value.parse().ok()
        }
        _ => None,
    }
    .ok_or_else(|| refuse(400, "Content-Length must be one whole number.\n"))?;
    if length <= limits.body_bytes {
        return Ok(length);
    }
    match allowance(request) {
        Some(granted) if length <= granted.bytes => Ok(length),
        Some(granted) => Err(refuse(413, granted.too_large)),
        None => Err(refuse(
            413,
            format!(
                "The request body is larger than {} KiB.\n",
                limits.body_bytes / 1024
            ),
        )),
    }
}

/// The status line and headers of `response`.
fn head(response: &Response, always: &[(&str, &str)]) -> Vec<u8> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Length: {}\r\nConnection: close\r\n",
        response.status,
        reason(response.status),
        response.body.len()
    );
    let extra = response.headers.iter().map(|(n, v)| (*n, v.as_str()));
    // A header the response sets itself replaces the default of that name.
    let defaults = always.iter().copied().filter(|(name, _)| {
        !response
            .headers
            .iter()
            .any(|(own, _)| own.eq_ignore_ascii_case(name))
    });
    for (name, value) in defaults.chain(extra) {
        // Values are ours, never copied from a request; a line break would
        // still split the head, so none is ever written.
        if !value.contains(['\r', '\n']) {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    head.push_str("\r\n");
    head.into_bytes()
}

fn write_response(
    stream: &mut TcpStream,
    response: &Response,
    head_only: bool,
    setup: &Setup,
) -> io::Result<()> {
    stream.write_all(&head(response, setup.always))?;
    if head_only {
        return stream.flush();
    }
    match &response.body {
        Body::Bytes(bytes) => stream.write_all(bytes)?,
        Body::File(file, len) => {
            // Never more than the length announced, should the file grow.
            let mut file = file.take(*len);
            let mut chunk = vec![0u8; 64 * 1024];
            loop {
                let n = file.read(&mut chunk)?;
                if n == 0 {
                    break;
                }
                if setup.stopping.load(Ordering::SeqCst) {
                    // A long download must not hold up Ctrl-C.
                    return Err(io::ErrorKind::Interrupted.into());
                }
                stream.write_all(&chunk[..n])?;
            }
        }
    }
    stream.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        303 => "See Other",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        411 => "Length Required",
        413 => "Content Too Large",
        414 => "URI Too Long",
        421 => "Misdirected Request",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A connected pair: what the test writes to `client` the server side
    /// reads from `server`.
    fn pair() -> (TcpStream, TcpStream) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (server, _) = listener.accept().unwrap();
        (client, server)
    }

    fn no_allowance(_: &Request) -> Option<Allowance> {
        None
    }

    /// Up to 100 bytes for a POST to /upload.
    fn upload_allowance(request: &Request) -> Option<Allowance> {
        (request.method == "POST" && request.path() == "/upload").then(|| Allowance {
            bytes: 100,
            too_large: "At most 100 bytes of upload.\n".into(),
        })
    }

    fn read_with(limits: Limits, bytes: &[u8]) -> Result<Request, Refusal> {
        read_allowing(limits, bytes, &no_allowance, &AtomicUsize::new(0))
    }

    fn read_allowing(
        limits: Limits,
        bytes: &[u8],
        allowance: &BodyAllowance,
        large: &AtomicUsize,
    ) -> Result<Request, Refusal> {
        let (mut client, mut server) = pair();
        client.write_all(bytes).unwrap();
        client.shutdown(Shutdown::Write).unwrap();
        let rules = BodyRules { allowance, large };
        read_request(&mut server, &limits, &rules).map(|(request, _)| request)
    }

    fn read(bytes: &[u8]) -> Result<Request, Refusal> {
        read_with(LIMITS, bytes)
    }

    fn status(result: Result<Request, Refusal>) -> u16 {
        match result {
            Ok(_) => 200,
            Err(Refusal::Answer(status, _)) => status,
            Err(Refusal::Silent) => 0,
        }
    }

    #[test]
    fn a_request_is_read_with_its_body() {
        let r =
            read(b"POST /a?b=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabcdef").unwrap();
        assert_eq!(
            (r.method.as_str(), r.path(), r.query()),
            ("POST", "/a", "?b=1")
        );
        assert_eq!(r.header_values("host").collect::<Vec<_>>(), [Some("x")]);
        assert_eq!(r.body, b"abc");
    }

    #[test]
    fn bad_requests_get_the_right_status() {
        let big = format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(20_000));
        let long_line = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(20_000));
        let many: String = (0..70).map(|i| format!("X-{i}: 1\r\n")).collect();
        let many = format!("GET / HTTP/1.1\r\n{many}\r\n");
        for (bytes, want) in [
            (big.as_bytes(), 431),
            (long_line.as_bytes(), 414),
            (many.as_bytes(), 431),
            (&b"GET / HTTP/1.1\r\nContent-Length: 70000\r\n\r\n"[..], 413),
            (
                b"GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
                400,
            ),
            (b"GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400),
            (b"GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", 411),
            (b"GET / HTTP/2.0\r\n\r\n", 505),
            (b"GET http://x/ HTTP/1.1\r\n\r\n", 400),
            (b"GET / HTTP/1.1\r\nX: 1\r\n", 400),
            (b"GET / HTTP/1.1\r\nContent-Length: 5\r\n\r\nab", 400),
            (b"", 0),
        ] {
            let text = String::from_utf8_lossy(bytes);
            assert_eq!(status(read(bytes)), want, "{:.60}", text);
        }
    }

    #[test]
    fn a_stalled_head_times_out() {
        let limits = Limits {
            head_timeout: Duration::from_millis(100),
            ..LIMITS
        };
        let rules = BodyRules {
            allowance: &no_allowance,
            large: &AtomicUsize::new(0),
        };
        let read = |server: &mut TcpStream| {
            read_request(server, &limits, &rules).map(|(request, _)| request)
        };
        let (mut client, mut server) = pair();
        client.write_all(b"GET / HTTP/1.1\r\nHo").unwrap();
        assert_eq!(status(read(&mut server)), 408);
        let (_silent, mut server) = pair();
        assert_eq!(read(&mut server), Err(Refusal::Silent));
    }

    #[test]
    fn an_allowance_admits_a_larger_body_a_few_at_a_time() {
        let limits = Limits {
            body_bytes: 10,
            large_bodies: 1,
            ..LIMITS
        };
        let post = |path: &str, len: usize| {
            format!(
                "POST {path} HTTP/1.1\r\nContent-Length: {len}\r\n\r\n{}",
                "x".repeat(len)
            )
        };
        let free = AtomicUsize::new(0);
        let read = |bytes: &str, large: &AtomicUsize| {
            read_allowing(limits, bytes.as_bytes(), &upload_allowance, large)
        };
        assert_eq!(read(&post("/upload", 100), &free).unwrap().body.len(), 100);
        assert_eq!(free.load(Ordering::SeqCst), 0, "the place is given back");
        assert_eq!(status(read(&post("/other", 11), &free)), 413);
        assert_eq!(
            read(&post("/upload", 101), &free),
            Err(Refusal::Answer(
                413,
                "At most 100 bytes of upload.\n".into()
            ))
        );
        // Small bodies never need a place; large ones wait for none.
        let taken = AtomicUsize::new(1);
        assert_eq!(status(read(&post("/upload", 10), &taken)), 200);
        assert_eq!(status(read(&post("/upload", 11), &taken)), 503);
        assert_eq!(taken.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn a_body_that_trickles_is_cut_off() {
        let limits = Limits {
            request_timeout: Duration::from_millis(200),
            min_body_rate: 100,
            ..LIMITS
        };
        let rules = BodyRules {
            allowance: &no_allowance,
            large: &AtomicUsize::new(0),
        };
        let (mut client, mut server) = pair();
        client
            .write_all(b"POST / HTTP/1.1\r\nContent-Length: 1000\r\n\r\n")
            .unwrap();
        let started = Instant::now();
        // 100 bytes at once earn a second more; then nothing comes, and
        // the body is cut off long before its whole length's 10 s.
        client.write_all(&[b'x'; 100]).unwrap();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_secs(8));
            drop(client);
        });
        let read = read_request(&mut server, &limits, &rules).map(|(request, _)| request);
        assert_eq!(status(read), 408);
        let took = started.elapsed();
        assert!(
            took >= Duration::from_millis(1000) && took < Duration::from_secs(6),
            "{took:?}"
        );
    }

    fn answer_to(address: SocketAddr, request: &str) -> String {
        let mut stream = TcpStream::connect(address).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        answer
    }

    #[test]
    fn a_full_queue_is_answered_503_and_the_pool_never_grows() {
        let (entered, busy) = mpsc::channel();
        let (release, released) = mpsc::channel::<()>();
        let released = Mutex::new(released);
        let handler = move |_: &Request| {
            entered.send(()).unwrap();
            released.lock().unwrap().recv().unwrap();
            Response::text(200, "done\n")
        };
        let limits = Limits {
            workers: 1,
            queue: 1,
            ..LIMITS
        };
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let server = Server::start(
            listener,
            limits,
            &[("X-Test", "1")],
            Box::new(handler),
            Box::new(no_allowance),
        )
        .unwrap();
        let address = server.address();
        let get = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";
        let first = std::thread::spawn(move || answer_to(address, get));
        busy.recv().unwrap();
        // The only worker is busy: the next connection waits in the
        // queue, and the one after finds it full.
        let mut queued = TcpStream::connect(address).unwrap();
        queued.write_all(get.as_bytes()).unwrap();
        // (Nothing is sent, so that nothing unread can reset the
        // connection before the answer is read.)
        let mut refused = String::new();
        let mut third = TcpStream::connect(address).unwrap();
        third.read_to_string(&mut refused).unwrap();
        assert!(refused.starts_with("HTTP/1.1 503 "), "{refused}");
        assert!(refused.contains("\r\nX-Test: 1\r\n"), "{refused}");
        release.send(()).unwrap();
        assert!(first.join().unwrap().ends_with("\r\n\r\ndone\n"));
        busy.recv().unwrap();
        release.send(()).unwrap();
        let mut answer = String::new();
        queued.read_to_string(&mut answer).unwrap();
        assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
        server.stop();
    }

    #[test]
    fn heads_carry_the_length_and_never_a_broken_line() {
        let response = Response::text(421, "no\n").with_header("X-Bad", "a\r\nSet-Cookie: x");
        let head = String::from_utf8(head(&response, &[("X-Frame-Options", "DENY")])).unwrap();
        assert!(head.starts_with("HTTP/1.1 421 Misdirected Request\r\nContent-Length: 3\r\nConnection: close\r\nX-Frame-Options: DENY\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"), "{head}");
        assert!(!head.contains("Set-Cookie"), "{head}");
    }
}
