//! Anti-forgery tokens for web forms: `<nonce>.<expiry>.<mac>`, where the
//! MAC is HMAC-SHA256 under the serving clone's key over the form's
//! purpose, the nonce and the expiry. A page of another site cannot read
//! a token (same-origin policy), so it cannot post a form that carries
//! one; tokens expire, and one made for one form is refused by another.

use super::http::Request;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// How long a form may stay open before it must be reloaded.
pub const VALID_SECONDS: i64 = 4 * 3600;

type HmacSha256 = Hmac<Sha256>;

/// A token for `purpose`, valid until `now + VALID_SECONDS`.
pub fn issue(key: &[u8; 32], purpose: &str, nonce: [u8; 16], now: i64) -> String {
    let nonce = hex(&nonce);
    let expiry = now + VALID_SECONDS;
    let mac = mac(key, purpose, &nonce, expiry);
    format!("{nonce}.{expiry}.{mac}")
}

/// Whether `token` was issued by this server for `purpose` and is still
/// valid at `now`; the MAC is compared in constant time.
pub fn verify(key: &[u8; 32], purpose: &str, token: &str, now: i64) -> bool {
    let mut parts = token.split('.');
    let (Some(nonce), Some(expiry), Some(given), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let Ok(expiry) = expiry.parse::<i64>() else {
        return false;
    };
    if expiry < now || expiry > now + VALID_SECONDS || nonce.len() != 32 {
        return false;
    }
    let Ok(given) = unhex(given) else {
        return false;
    };
    let mut mac = HmacSha256::new_from_slice(key).expect("any key length works");
    mac.update(message(purpose, nonce, expiry).as_bytes());
    mac.verify_slice(&given).is_ok()
}

/// A fresh token for `purpose`, from the OS's randomness and the clock.
pub fn fresh(key: &[u8; 32], purpose: &str) -> String {
    use rand_core::{OsRng, RngCore};
    let mut nonce = [0u8; 16];
    OsRng.fill_bytes(&mut nonce);
    issue(key, purpose, nonce, now_seconds())
}

/// Whether a posted form carries a valid token for `purpose` and, from a
/// browser, an `Origin` of this server: the base URL's origin or the one
/// the request was addressed to. (Requests without an `Origin` come from
/// other programs; the token still guards them.)
pub fn genuine(
    request: &Request,
    key: &[u8; 32],
    purpose: &str,
    token: &str,
    base_url: &str,
) -> bool {
    verify(key, purpose, token, now_seconds()) && same_site(request, base_url)
}

/// Whether a browser posted from one of `allowed` (`Origin` exactly; a
/// request without one, or with `null`, is not taken).
pub fn from_allowed_origin(request: &Request, allowed: &[String]) -> bool {
    match request.header_values("Origin").next() {
        Some(Some(origin)) => allowed.iter().any(|a| a == origin),
        _ => false,
    }
}

fn same_site(request: &Request, base_url: &str) -> bool {
    let Some(origin) = request.header_values("Origin").next() else {
        return true;
    };
    let Some(origin) = origin else { return false };
    let base = base_url.trim_end_matches('/');
    let host = request.header_values("Host").next().flatten().unwrap_or("");
    origin == base || origin == format!("http://{host}") || origin == format!("https://{host}")
}

fn now_seconds() -> i64 {
    crate::clock::now().map(|t| t.timestamp()).unwrap_or(0)
}

fn message(purpose: &str, nonce: &str, expiry: i64) -> String {
    format!("{purpose}|{nonce}|{expiry}")
}

fn mac(key: &[u8; 32], purpose: &str, nonce: &str, expiry: i64) -> String {
    let mut mac = HmacSha256::new_from_slice(key).expect("any key length works");
    mac.update(message(purpose, nonce, expiry).as_bytes());
    hex(&mac.finalize().into_bytes())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Result<Vec<u8>, ()> {
    if !text.len().is_multiple_of(2) {
        return Err(());
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2).ok_or(())?, 16).map_err(|_| ()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: [u8; 32] = [9; 32];

    #[test]
    fn a_token_works_for_its_form_until_it_expires() {
        let token = issue(&KEY, "register", [1; 16], 1000);
        assert!(verify(&KEY, "register", &token, 1000));
        assert!(verify(&KEY, "register", &token, 1000 + VALID_SECONDS));
        assert!(!verify(&KEY, "register", &token, 1001 + VALID_SECONDS));
        assert!(!verify(&KEY, "reply", &token, 1000));
        assert!(!verify(&[8; 32], "register", &token, 1000));
    }

    #[test]
    fn tampered_tokens_are_refused() {
        let token = issue(&KEY, "register", [1; 16], 1000);
        let later = token.replacen(
            &(1000 + VALID_SECONDS).to_string(),
            &(2000 + VALID_SECONDS).to_string(),
            1,
        );
        for bad in [
            "",
            "a.b.c",
            later.as_str(),
            &token[..token.len() - 2],
            &format!("{token}.x"),
            &token.replacen('0', "1", 1),
        ] {
            assert!(!verify(&KEY, "register", bad, 1500), "{bad:?}");
        }
    }
}
