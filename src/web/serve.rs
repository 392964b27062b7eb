//! `tkt serve`'s answers: static files from the built site, with safe
//! paths, safe content types and a reload hook, for the host names it
//! serves only. The HTTP itself is `super::http`'s.

use super::host::Hosts;
use super::http::{Body, Request, Response};
use percent_encoding::percent_decode_str;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Polls the server's build number and reloads the page when it moves.
/// Served only by `tkt serve`; built sites never contain it.
const RELOAD_JS: &str = r#"(function () {
  var me = document.currentScript, seen = me && me.getAttribute("data-version");
  function poll() {
    fetch("/__tkt/version", { cache: "no-store" })
      .then(function (r) { return r.text(); })
      .then(function (v) { if (seen !== null && v !== seen) { location.reload(); } else { setTimeout(poll, 500); } })
      .catch(function () { setTimeout(poll, 2000); });
  }
  setTimeout(poll, 500);
})();
"#;

/// Every response carries these, errors included. No sniffing; scripts,
/// frames and forms only from the site itself; and no other site may
/// embed it, open it as its opener or read its files cross-origin.
pub const EVERY_RESPONSE: &[(&str, &str)] = &[
    ("X-Content-Type-Options", "nosniff"),
    (
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    ),
    ("Cross-Origin-Resource-Policy", "same-origin"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
    ("Cache-Control", "no-cache"),
];

/// What the workers share with the rebuild loop.
pub struct Shared {
    /// The built site, canonical.
    pub site_dir: PathBuf,
    /// Bumped after every rebuild; pages poll it to reload.
    pub version: AtomicU64,
    pub hosts: Hosts,
    /// The web forms (answered when `helpdesk.yaml` has `web:`).
    pub forms: super::register::Forms,
    /// Listening beyond loopback: other machines can connect.
    pub beyond_loopback: bool,
}

/// Answers one request: the host is checked first, then the method, then
/// the path is looked up in the site.
pub fn answer(request: &Request, shared: &Shared) -> Response {
    if let Some(refusal) = check_host(request, &shared.hosts) {
        return refusal;
    }
    if let Some(response) = super::register::answer(request, &shared.forms) {
        return response;
    }
    if let Some(response) = super::register::suggest(request, &shared.forms) {
        return response;
    }
    if let Some(response) = super::follow_up::answer(request, &shared.forms) {
        return response;
    }
    if let Some(response) = super::signin::answer(request, &shared.forms) {
        return response;
    }
    if let Some(response) = super::act::answer(request, &shared.forms) {
        return response;
    }
    if let Some(response) = super::mine::answer(request, &shared.forms) {
        return response;
    }
    if let Some(refusal) = staff_only(request, shared) {
        return refusal;
    }
    if !matches!(request.method.as_str(), "GET" | "HEAD") {
        return Response::text(405, "Only GET and HEAD are served.\n")
            .with_header("Allow", "GET, HEAD");
    }
    let path = request.path();
    if let Some(location) = directory_redirect(&shared.site_dir, path, request.query()) {
        return Response::text(301, format!("See {location}\n")).with_header("Location", location);
    }
    match path {
        "/__tkt/version" => {
            let version = shared.version.load(Ordering::SeqCst).to_string();
            Response::text(200, version)
        }
        "/__tkt/reload.js" => Response::new(
            200,
            "text/javascript; charset=utf-8",
            Body::Bytes(RELOAD_JS.as_bytes().to_vec()),
        ),
        _ => site_file(shared, path).unwrap_or_else(|| not_found(&shared.site_dir)),
    }
}

/// With sign-in available (`web:`) and other machines able to reach the
/// server (it listens beyond loopback, or `web: base_url` names another
/// host, as behind a reverse proxy), the internal pages and ticket data
/// are for signed-in staff: a page sends others to sign in, anything else
/// is refused.
fn staff_only(request: &Request, shared: &Shared) -> Option<Response> {
    let forms = &shared.forms;
    let path = request.path();
    let reachable = shared.beyond_loopback || forms.published;
    if !reachable || !forms.enabled || super::signin::is_public(path) {
        return None;
    }
    if forms.sessions.sees_internal(request) {
        return None;
    }
    if path == "/" || path.ends_with(".html") || path.ends_with('/') {
        return Some(Response::text(303, "Sign in first.\n").with_header("Location", "/signin"));
    }
    Some(Response::text(403, "Sign in as helpdesk staff first.\n"))
}

/// 400 without exactly one readable `Host`, 421 for a name not served.
fn check_host(request: &Request, hosts: &Hosts) -> Option<Response> {
    let mut values = request.header_values("Host");
    match (values.next(), values.next()) {
        (Some(Some(host)), None) => {
            (!hosts.allows(host.trim())).then(|| Response::text(421, hosts.refusal()))
        }
        _ => Some(Response::text(
            400,
            "The request needs exactly one Host header.\n",
        )),
    }
}

/// The file at `path`, HTML with the reload script added; `None` for
/// anything that is not a file of the site.
fn site_file(shared: &Shared, path: &str) -> Option<Response> {
    let file = resolve(&shared.site_dir, path)?;
    let (content_type, download) = content_type(&file, &shared.site_dir);
    let body = if content_type.starts_with("text/html") {
        let html = std::fs::read(&file).ok()?;
        Body::Bytes(inject_reload(html, shared.version.load(Ordering::SeqCst)))
    } else {
        let opened = std::fs::File::open(&file).ok()?;
        let len = opened.metadata().ok()?.len();
        Body::File(opened, len)
    };
    let response = Response::new(200, content_type, body);
    Some(if download {
        response.with_header("Content-Disposition", "attachment")
    } else {
        response
    })
}

/// The site's own 404 page.
fn not_found(site: &Path) -> Response {
    let page = resolve(site, "/404.html")
        .and_then(|file| std::fs::read(file).ok())
        .unwrap_or_else(|| b"Not found\n".to_vec());
    Response::new(404, "text/html; charset=utf-8", Body::Bytes(page))
}

/// Maps a URL path to a file inside `site`, or `None` (a 404) for
/// anything that is not a plain file of the site: `..` in any encoding,
/// hidden files, absolute or Windows-style paths, and any symlink, even
/// one that stays inside (the builder writes none; one found there was put
/// there by someone else). A directory answers with its `index.html`.
pub fn resolve(site: &Path, url_path: &str) -> Option<PathBuf> {
    let decoded = percent_decode_str(url_path).decode_utf8().ok()?;
    if decoded.contains(['\\', '\0']) {
        return None;
    }
    let root = site.canonicalize().ok()?;
    let mut path = root.clone();
    for segment in decoded.split('/').filter(|s| !s.is_empty()) {
        if segment.starts_with('.') || Path::new(segment).components().count() != 1 {
            return None;
        }
        match Path::new(segment).components().next() {
            Some(Component::Normal(part)) => path.push(part),
            _ => return None,
        }
        no_symlink(&path)?;
    }
    if path.is_dir() {
        path.push("index.html");
    }
    let meta = no_symlink(&path)?;
    let real = path.canonicalize().ok()?;
    (real.starts_with(&root) && meta.is_file()).then_some(real)
}

/// The metadata of `path` itself if it exists and is not a symlink.
fn no_symlink(path: &Path) -> Option<std::fs::Metadata> {
    std::fs::symlink_metadata(path)
        .ok()
        .filter(|meta| !meta.file_type().is_symlink())
}

/// Where to send a request for a directory without its trailing slash
/// (`/tickets/TKT001` → `/tickets/TKT001/`), so that the relative links of
/// its index.html resolve; `None` for anything else. The location is
/// always a path on this server, never `//host`.
fn directory_redirect(site: &Path, path: &str, query: &str) -> Option<String> {
    if path.ends_with('/') || !resolve(site, path)?.ends_with("index.html") {
        return None;
    }
    let last = path.rsplit('/').next().unwrap_or("");
    if percent_decode_str(last).decode_utf8().ok()? == "index.html" {
        return None;
    }
    let location = format!("/{}/{query}", path.trim_start_matches('/'));
    location.is_ascii().then_some(location)
}

/// The content type a file is served with, and whether it should be
/// downloaded rather than shown. Attachments (under `files/`) are shown
/// only when they are inert types; anything else is a download.
pub fn content_type(file: &Path, site: &Path) -> (&'static str, bool) {
    let extension = file
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let is_attachment = file
        .strip_prefix(site.canonicalize().unwrap_or_default())
        .ok()
        .is_some_and(|rel| rel.components().any(|c| c.as_os_str() == "files"));
    let inert = match extension.as_str() {
        "png" => Some("image/png"),
        "jpg" | "jpeg" => Some("image/jpeg"),
        "gif" => Some("image/gif"),
        "webp" => Some("image/webp"),
        "pdf" => Some("application/pdf"),
        "txt" | "log" => Some("text/plain; charset=utf-8"),
        _ => None,
    };
    if is_attachment {
        return match inert {
            Some(t) => (t, false),
            None => ("application/octet-stream", true),
        };
    }
    let site_type = match extension.as_str() {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "ico" => "image/x-icon",
        _ => inert.unwrap_or("application/octet-stream"),
    };
    (site_type, false)
}

/// Adds the reload script before `</body>`.
fn inject_reload(mut html: Vec<u8>, version: u64) -> Vec<u8> {
    let tag = format!("<script src=\"/__tkt/reload.js\" data-version=\"{version}\"></script>\n");
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    html.splice(at..at, tag.into_bytes());
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_site() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        std::fs::create_dir_all(site.join("faq")).unwrap();
        std::fs::write(site.join("index.html"), "home").unwrap();
        std::fs::write(site.join("faq/index.html"), "faq").unwrap();
        std::fs::write(site.join(".tkt-site"), "").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "secret").unwrap();
        let real = |p: &str| site.join(p).canonicalize().unwrap();
        assert_eq!(resolve(&site, "/"), Some(real("index.html")));
        assert_eq!(resolve(&site, "/faq/"), Some(real("faq/index.html")));
        assert_eq!(resolve(&site, "/faq"), Some(real("faq/index.html")));
        for bad in [
            "/../secret.txt",
            "/%2e%2e/secret.txt",
            "/%2E%2E%2Fsecret.txt",
            "/faq/..%5c..%5csecret.txt",
            "/.tkt-site",
            "//etc/passwd",
            "/nope.html",
            "/%ff",
        ] {
            assert_eq!(resolve(&site, bad), None, "{bad}");
        }
        assert_eq!(
            directory_redirect(&site, "/faq", "").as_deref(),
            Some("/faq/")
        );
        assert_eq!(
            directory_redirect(&site, "//faq", "?q=1").as_deref(),
            Some("/faq/?q=1")
        );
        for no in [
            "/faq/",
            "/faq/index.html",
            "/",
            "/index.html",
            "/nope",
            "/../faq",
        ] {
            assert_eq!(directory_redirect(&site, no, ""), None, "{no}");
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("secret.txt"), site.join("link.txt"))
                .unwrap();
            assert_eq!(resolve(&site, "/link.txt"), None);
            // Not even a symlink that stays inside, nor a file reached
            // through a symlinked folder.
            std::os::unix::fs::symlink(site.join("index.html"), site.join("home.html")).unwrap();
            std::os::unix::fs::symlink(site.join("faq"), site.join("help")).unwrap();
            for linked in ["/home.html", "/help/", "/help/index.html", "/help"] {
                assert_eq!(resolve(&site, linked), None, "{linked}");
            }
        }
    }

    #[test]
    fn attachments_get_inert_types_or_download() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path();
        let at = |p: &str| content_type(&site.canonicalize().unwrap().join(p), site);
        assert_eq!(at("tickets/TKT001/files/a.png"), ("image/png", false));
        assert_eq!(
            at("tickets/TKT001/files/a.html.download"),
            ("application/octet-stream", true)
        );
        assert_eq!(
            at("tickets/TKT001/files/a.svg"),
            ("application/octet-stream", true)
        );
        assert_eq!(at("index.html").0, "text/html; charset=utf-8");
        assert_eq!(at("assets/app.js").0, "text/javascript; charset=utf-8");
        assert_eq!(at("data/tickets.json").0, "application/json");
        assert_eq!(at("search/faq-0.json").0, "application/json");
    }

    #[test]
    fn reload_script_goes_before_body_end() {
        let html = inject_reload(b"<html><body>x</body></html>".to_vec(), 7);
        let text = String::from_utf8(html).unwrap();
        assert!(
            text.contains("data-version=\"7\"></script>\n</body>"),
            "{text}"
        );
    }
}
