//! `tkt serve`'s HTTP side: static files from the built site over
//! tiny_http, with safe paths, safe content types and a reload hook.

use percent_encoding::percent_decode_str;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tiny_http::{Header, Method, Request, Response, Server, StatusCode};

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

/// Every response carries these: no sniffing, and scripts or frames only
/// from the site itself, so even a file that slipped through cannot run.
const SECURITY_HEADERS: &[(&str, &str)] = &[
    ("X-Content-Type-Options", "nosniff"),
    (
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    ),
    ("Referrer-Policy", "no-referrer"),
    ("Cache-Control", "no-cache"),
];

/// What the request threads share with the rebuild loop.
pub struct Shared {
    pub site_dir: PathBuf,
    /// Bumped after every rebuild; pages poll it to reload.
    pub version: AtomicU64,
    pub stopping: AtomicBool,
}

/// Starts `threads` workers answering requests until `stopping` is set.
pub fn spawn_workers(
    server: Arc<Server>,
    shared: Arc<Shared>,
    threads: usize,
) -> Vec<std::thread::JoinHandle<()>> {
    (0..threads)
        .map(|_| {
            let server = Arc::clone(&server);
            let shared = Arc::clone(&shared);
            std::thread::spawn(move || {
                while !shared.stopping.load(Ordering::SeqCst) {
                    match server.recv_timeout(Duration::from_millis(200)) {
                        Ok(Some(request)) => answer(request, &shared),
                        Ok(None) => {}
                        Err(_) => break,
                    }
                }
            })
        })
        .collect()
}

fn answer(request: Request, shared: &Shared) {
    if !matches!(request.method(), Method::Get | Method::Head) {
        let _ = request.respond(with_headers(
            Response::from_string("Only GET and HEAD are served.\n").with_status_code(405),
            "text/plain; charset=utf-8",
        ));
        return;
    }
    let url = request.url().to_string();
    let path = url.split(['?', '#']).next().unwrap_or("/");
    if let Some(location) = directory_redirect(&shared.site_dir, path, &url[path.len()..]) {
        let mut response = with_headers(
            Response::from_string(format!("See {location}\n")).with_status_code(301),
            "text/plain; charset=utf-8",
        );
        response.add_header(header("Location", &location));
        let _ = request.respond(response);
        return;
    }
    let (status, body, content_type, download) = match path {
        "/__tkt/version" => (
            200,
            shared
                .version
                .load(Ordering::SeqCst)
                .to_string()
                .into_bytes(),
            "text/plain; charset=utf-8",
            false,
        ),
        "/__tkt/reload.js" => (
            200,
            RELOAD_JS.as_bytes().to_vec(),
            "text/javascript; charset=utf-8",
            false,
        ),
        _ => match resolve(&shared.site_dir, path)
            .and_then(|file| Some((std::fs::read(&file).ok()?, file)))
        {
            Some((bytes, file)) => {
                let (content_type, download) = content_type(&file, &shared.site_dir);
                let bytes = if content_type.starts_with("text/html") {
                    inject_reload(bytes, shared.version.load(Ordering::SeqCst))
                } else {
                    bytes
                };
                (200, bytes, content_type, download)
            }
            None => {
                let page = std::fs::read(shared.site_dir.join("404.html"))
                    .unwrap_or_else(|_| b"Not found\n".to_vec());
                (404, page, "text/html; charset=utf-8", false)
            }
        },
    };
    let mut response = with_headers(
        // tiny_http leaves the body out for HEAD but keeps its length.
        Response::from_data(body).with_status_code(StatusCode(status)),
        content_type,
    );
    if download {
        response.add_header(header("Content-Disposition", "attachment"));
    }
    let _ = request.respond(response);
}

fn with_headers<R: std::io::Read>(mut response: Response<R>, content_type: &str) -> Response<R> {
    response.add_header(header("Content-Type", content_type));
    for (name, value) in SECURITY_HEADERS {
        response.add_header(header(name, value));
    }
    response
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes())
        .expect("static header names and values are valid")
}

/// Maps a URL path to a file inside `site`, or `None` (a 404) for
/// anything that is not a plain file of the site: `..` in any encoding,
/// hidden files, absolute or Windows-style paths, and symlinks that lead
/// out of the site. A directory answers with its `index.html`.
pub fn resolve(site: &Path, url_path: &str) -> Option<PathBuf> {
    let decoded = percent_decode_str(url_path).decode_utf8().ok()?;
    if decoded.contains(['\\', '\0']) {
        return None;
    }
    let mut path = site.to_path_buf();
    for segment in decoded.split('/').filter(|s| !s.is_empty()) {
        if segment.starts_with('.') || Path::new(segment).components().count() != 1 {
            return None;
        }
        match Path::new(segment).components().next() {
            Some(Component::Normal(part)) => path.push(part),
            _ => return None,
        }
    }
    if path.is_dir() {
        path.push("index.html");
    }
    let real = path.canonicalize().ok()?;
    let root = site.canonicalize().ok()?;
    (real.starts_with(&root) && real.is_file()).then_some(real)
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
