//! Which `Host` names `tkt serve` answers for. A web page elsewhere can
//! make its own name resolve to 127.0.0.1 (DNS rebinding) and then read
//! this server as if it were that page's site: the request then carries
//! the page's host name. Answering only for loopback names, the bound
//! address and names given with `--host` defeats that.

use std::net::IpAddr;

/// A host name as compared: an IP address (however written) or a name in
/// lower case.
#[derive(Debug, Clone, PartialEq)]
enum Name {
    Ip(IpAddr),
    Text(String),
}

impl Name {
    /// Reads `localhost`, `helpdesk.lan`, `127.0.0.1`, `::1` or `[::1]`.
    fn parse(name: &str) -> Name {
        let bare = name
            .strip_prefix('[')
            .and_then(|n| n.strip_suffix(']'))
            .unwrap_or(name);
        match bare.parse::<IpAddr>() {
            Ok(ip) => Name::Ip(ip),
            Err(_) => Name::Text(name.to_ascii_lowercase()),
        }
    }

    fn shown(&self) -> String {
        match self {
            Name::Ip(IpAddr::V6(ip)) => format!("[{ip}]"),
            Name::Ip(ip) => ip.to_string(),
            Name::Text(name) => name.clone(),
        }
    }
}

/// The host names served.
#[derive(Debug, Clone)]
pub struct Hosts {
    names: Vec<Name>,
}

impl Hosts {
    /// Loopback names, the address listened on (unless it is every
    /// interface, `0.0.0.0` or `::`) and the `extra` names.
    pub fn new(bind: &str, extra: &[String]) -> Hosts {
        let mut names = vec![Name::parse("localhost")];
        let bound = Name::parse(bind);
        if !matches!(bound, Name::Ip(ip) if ip.is_unspecified() || ip.is_loopback()) {
            names.push(bound);
        }
        names.extend(extra.iter().map(|n| Name::parse(n)));
        Hosts { names }
    }

    /// Whether a request with this `Host` header value is answered: any
    /// loopback address or one of the names, with or without a port.
    pub fn allows(&self, host: &str) -> bool {
        let Some(name) = without_port(host) else {
            return false;
        };
        match Name::parse(name) {
            Name::Ip(ip) if ip.is_loopback() => true,
            name => self.names.contains(&name),
        }
    }

    /// The explanation sent with a 421.
    pub fn refusal(&self) -> String {
        let mut shown = vec!["127.0.0.1".to_string(), "[::1]".to_string()];
        shown.extend(self.names.iter().map(Name::shown));
        format!(
            "This server answers only for the host names {} (with any port), \
             not for the one this request was sent to.\n\
             To serve another name, restart it with `tkt serve --host NAME` (repeatable).\n",
            shown.join(", ")
        )
    }
}

/// The name part of a `Host` value (`name`, `name:port`, `[v6]:port`), or
/// `None` if the value is malformed.
fn without_port(host: &str) -> Option<&str> {
    let (name, port) = if host.starts_with('[') {
        let end = host.find(']')?;
        (&host[..=end], &host[end + 1..])
    } else {
        let name = host.split(':').next().unwrap_or(host);
        (name, &host[name.len()..])
    };
    let port_ok = port.is_empty()
        || port.strip_prefix(':').is_some_and(|p| {
            !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit())
        });
    (port_ok && !name.is_empty()).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_the_bound_address_and_added_names_are_served() {
        let hosts = Hosts::new("127.0.0.1", &["helpdesk.lan".into(), "10.0.0.7".into()]);
        for ok in [
            "localhost",
            "LOCALHOST:8080",
            "127.0.0.1",
            "127.0.0.1:8080",
            "[::1]",
            "[::1]:8080",
            "[0:0:0:0:0:0:0:1]:80",
            "helpdesk.lan",
            "Helpdesk.LAN:8080",
            "10.0.0.7:8080",
        ] {
            assert!(hosts.allows(ok), "{ok}");
        }
        for no in [
            "evil.example",
            "evil.example:8080",
            "localhost.evil.example",
            "helpdesk.lan.evil.example",
            "10.0.0.8",
            "localhost:",
            "localhost:80:80",
            "localhost:http",
            "[::1",
            "[::1]x",
            "::1",
            "",
            ":8080",
        ] {
            assert!(!hosts.allows(no), "{no}");
        }
    }

    #[test]
    fn a_specific_bound_address_is_served_and_every_interface_is_not_a_name() {
        assert!(Hosts::new("192.168.1.5", &[]).allows("192.168.1.5:8080"));
        assert!(Hosts::new("fe80::1", &[]).allows("[fe80::1]:8080"));
        let everywhere = Hosts::new("0.0.0.0", &[]);
        assert!(!everywhere.allows("0.0.0.0:8080"));
        assert!(!everywhere.allows("192.168.1.5"));
        let text = everywhere.refusal();
        assert!(
            text.contains("127.0.0.1, [::1], localhost (with any port)"),
            "{text}"
        );
        assert!(text.contains("--host NAME"), "{text}");
    }
}
