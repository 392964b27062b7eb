//! A real SMTP server for the mail tests: Python's aiosmtpd on 127.0.0.1,
//! delivering into a Maildir (`.ci/run` installs it), and the mails it
//! received, read back as headers and body.

use std::collections::BTreeMap;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// An aiosmtpd process on 127.0.0.1, storing what it receives in a
/// Maildir; killed when dropped.
pub struct SmtpServer {
    child: Child,
    pub port: u16,
    maildir: PathBuf,
}

impl SmtpServer {
    pub fn start(dir: &Path) -> SmtpServer {
        let probe = Command::new("python3")
            .args(["-c", "import aiosmtpd"])
            .output();
        assert!(
            probe.is_ok_and(|o| o.status.success()),
            "these tests need Python's aiosmtpd: install it with `python3 -m pip install aiosmtpd` \
             (or the Debian package python3-aiosmtpd)"
        );
        let maildir = dir.join("maildir");
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 runs");
        let mut server = SmtpServer {
            child,
            port,
            maildir,
        };
        // Wait until it accepts connections (or has died).
        for _ in 0..400 {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return server;
            }
            if let Some(status) = server.child.try_wait().unwrap() {
                panic!("aiosmtpd exited before accepting connections: {status}");
            }
            std::thread::sleep(std::time::Duration::from_millis(25));
        }
        panic!("aiosmtpd did not accept connections on port {port}");
    }

    /// Every message received so far, as text, in no particular order.
    pub fn messages(&self) -> Vec<Mail> {
        let mut out = Vec::new();
        for sub in ["new", "cur"] {
            let Ok(listing) = std::fs::read_dir(self.maildir.join(sub)) else {
                continue;
            };
            for item in listing {
                let text = std::fs::read_to_string(item.unwrap().path()).unwrap();
                out.push(Mail::parse(&text));
            }
        }
        out
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A received mail: headers (unfolded, names lower-cased) and body.
#[derive(Debug)]
pub struct Mail {
    pub headers: BTreeMap<String, Vec<String>>,
    pub body: String,
}

impl Mail {
    pub fn parse(text: &str) -> Mail {
        let text = text.replace("\r\n", "\n");
        let (head, body) = text.split_once("\n\n").unwrap_or((&text, ""));
        let mut headers: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut last: Option<String> = None;
        for line in head.lines() {
            if line.starts_with([' ', '\t']) {
                if let Some(name) = &last {
                    let values = headers.get_mut(name).unwrap();
                    let value = values.last_mut().unwrap();
                    value.push(' ');
                    value.push_str(line.trim());
                }
                continue;
            }
            let (name, value) = line.split_once(':').unwrap();
            let name = name.trim().to_ascii_lowercase();
            headers
                .entry(name.clone())
                .or_default()
                .push(value.trim().to_string());
            last = Some(name);
        }
        Mail {
            headers,
            body: body.to_string(),
        }
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.first())
            .map(String::as_str)
            .unwrap_or("")
    }

    /// The envelope recipients, as aiosmtpd recorded them.
    pub fn rcpt(&self) -> &str {
        self.header("x-rcptto")
    }

    pub fn subject(&self) -> &str {
        self.header("subject")
    }
}
