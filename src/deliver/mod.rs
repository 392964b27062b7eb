//! EDGE — mail leaving the machine: the transports `tkt notify send`
//! delivers through. An outbox folder of `.eml` files (the default, for
//! teams without a mail server: each file written whole, then renamed
//! into place), an SMTP server (lettre; STARTTLS or TLS with rustls,
//! credentials from the environment or a file outside the repository),
//! or a sendmail-compatible command (`command -i -f FROM -- TO…`, the
//! message on its standard input; no shell).

use crate::domain::model::config::{Security, Smtp, Transport, TransportKind};
use anyhow::{bail, Context, Result};
use lettre::address::Envelope;
use lettre::transport::sendmail::SendmailTransport;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::SmtpTransport;
use lettre::{Address, Transport as _};
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

/// A configured transport, ready to deliver.
pub enum Deliverer {
    Outbox(PathBuf),
    Smtp {
        transport: Box<SmtpTransport>,
        server: String,
    },
    Sendmail {
        transport: SendmailTransport,
        command: String,
    },
}

impl Deliverer {
    /// The transport `mail: transport:` describes; `default_outbox` when
    /// it names no outbox folder.
    pub fn configured(transport: &Transport, default_outbox: PathBuf) -> Result<Deliverer> {
        Ok(match transport.kind {
            TransportKind::Outbox => Deliverer::Outbox(
                transport
                    .outbox
                    .as_ref()
                    .map(PathBuf::from)
                    .unwrap_or(default_outbox),
            ),
            TransportKind::Sendmail => {
                let command = transport
                    .sendmail
                    .as_ref()
                    .map(|s| s.command.clone())
                    .unwrap_or_else(|| "/usr/sbin/sendmail".into());
                Deliverer::Sendmail {
                    transport: SendmailTransport::new_with_command(&command),
                    command,
                }
            }
            TransportKind::Smtp => {
                let smtp = transport
                    .smtp
                    .as_ref()
                    .context("mail transport kind: smtp needs an `smtp:` section")?;
                smtp_transport(smtp)?
            }
        })
    }

    /// Where mail goes, for the summary line.
    pub fn describe(&self) -> String {
        match self {
            Deliverer::Outbox(dir) => format!("outbox {}", dir.display()),
            Deliverer::Smtp { server, .. } => format!("smtp {server}"),
            Deliverer::Sendmail { command, .. } => format!("sendmail {command}"),
        }
    }

    /// Delivers one message; an error leaves nothing half-delivered on
    /// our side (the caller keeps it queued).
    pub fn deliver(&self, id: &str, from: &str, to: &[String], eml: &[u8]) -> Result<()> {
        match self {
            Deliverer::Outbox(dir) => write_outbox(dir, id, eml),
            Deliverer::Smtp { transport, server } => {
                let envelope = envelope(from, to)?;
                transport
                    .send_raw(&envelope, eml)
                    .with_context(|| format!("the SMTP server {server} did not take mail {id}"))?;
                Ok(())
            }
            Deliverer::Sendmail { transport, command } => {
                let envelope = envelope(from, to)?;
                transport
                    .send_raw(&envelope, eml)
                    .with_context(|| format!("`{command}` did not take mail {id}"))?;
                Ok(())
            }
        }
    }
}

fn envelope(from: &str, to: &[String]) -> Result<Envelope> {
    let parse = |a: &str| -> Result<Address> {
        a.parse()
            .with_context(|| format!("`{a}` is not a mail address"))
    };
    let to = to.iter().map(|a| parse(a)).collect::<Result<Vec<_>>>()?;
    Envelope::new(Some(parse(from)?), to).context("a mail needs at least one recipient")
}

fn smtp_transport(smtp: &Smtp) -> Result<Deliverer> {
    let host = smtp.host.as_str();
    let builder = match smtp.security {
        Security::Starttls => SmtpTransport::starttls_relay(host)
            .with_context(|| format!("cannot set up STARTTLS to {host}"))?,
        Security::Tls => {
            SmtpTransport::relay(host).with_context(|| format!("cannot set up TLS to {host}"))?
        }
        Security::None => SmtpTransport::builder_dangerous(host),
    };
    let mut builder = builder
        .port(smtp.port())
        .timeout(Some(Duration::from_secs(30)));
    if let Some(credentials) = credentials(smtp)? {
        builder = builder.credentials(credentials);
    }
    Ok(Deliverer::Smtp {
        transport: Box::new(builder.build()),
        server: format!("{host}:{}", smtp.port()),
    })
}

/// The user name and password, from where the config says (never from
/// the config itself).
fn credentials(smtp: &Smtp) -> Result<Option<Credentials>> {
    let env = |name: &str| -> Result<String> {
        std::env::var(name).with_context(|| {
            format!("the SMTP credentials are to come from ${name}, which is not set")
        })
    };
    let user = match &smtp.username_env {
        Some(name) => env(name)?,
        None => return Ok(None),
    };
    let password = match (&smtp.password_env, &smtp.password_file) {
        (Some(name), _) => env(name)?,
        (None, Some(file)) => std::fs::read_to_string(file)
            .with_context(|| format!("cannot read the SMTP password file {file}"))?
            .trim_end_matches(['\r', '\n'])
            .to_string(),
        (None, None) => bail!(
            "mail smtp names a user ({}) but no password_env or password_file",
            smtp.username_env.as_deref().unwrap_or_default()
        ),
    };
    Ok(Some(Credentials::new(user, password)))
}

/// `<dir>/<id>.eml`, written whole then renamed into place.
fn write_outbox(dir: &std::path::Path, id: &str, eml: &[u8]) -> Result<()> {
    let cannot = || format!("cannot write mail {id} into the outbox {}", dir.display());
    std::fs::create_dir_all(dir).with_context(cannot)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".tmp-")
        .tempfile_in(dir)
        .with_context(cannot)?;
    tmp.write_all(eml).with_context(cannot)?;
    tmp.as_file().sync_all().with_context(cannot)?;
    tmp.persist(dir.join(format!("{id}.eml")))
        .with_context(cannot)?;
    Ok(())
}
