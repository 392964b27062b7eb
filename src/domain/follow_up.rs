//! The requester's private follow-up link: a random token of 128 bits,
//! shown once (at registration, or by `tkt link rotate`) and stored only
//! as its SHA-256 (`follow_up: sha256:…` in `ticket.md`). A hash of a
//! random 128-bit token cannot be turned back into the token, so the
//! stored form gives nothing away even in a pushed history; links are
//! compared as hashes, in constant time.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Bytes of randomness in a token (128 bits).
pub const TOKEN_BYTES: usize = 16;

/// A token as it appears in a link: 32 lowercase hex digits.
pub fn token_text(random: &[u8; TOKEN_BYTES]) -> String {
    hex(random)
}

/// What `ticket.md` keeps of a token.
pub fn stored(token: &str) -> String {
    format!("sha256:{}", hex(&Sha256::digest(token.as_bytes())))
}

/// Whether `token` (from a link, untrusted) opens the ticket whose
/// `follow_up` is `kept`. Malformed input never matches; the comparison
/// of the hashes takes the same time wherever they differ.
pub fn opens(token: &str, kept: &str) -> bool {
    if !is_token(token) {
        return false;
    }
    stored(token).as_bytes().ct_eq(kept.as_bytes()).into()
}

pub fn is_token(text: &str) -> bool {
    text.len() == TOKEN_BYTES * 2 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Whether a `follow_up` value is one tkt writes.
pub fn is_stored_form(value: &str) -> bool {
    value
        .strip_prefix("sha256:")
        .is_some_and(|h| h.len() == 64 && h.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_opens_only_its_own_stored_form() {
        let token = token_text(&[0xa7; TOKEN_BYTES]);
        assert_eq!(token, "a7".repeat(16));
        let kept = stored(&token);
        assert!(is_stored_form(&kept));
        assert!(opens(&token, &kept));
        let other = token_text(&[8; TOKEN_BYTES]);
        assert!(!opens(&other, &kept));
        // The stored form itself, or a token in another case, opens nothing.
        assert!(!opens(&kept, &kept));
        assert!(!opens(&token.to_uppercase(), &kept));
        assert!(!opens("", &kept));
        assert!(!is_stored_form("sha256:xyz"));
        assert!(!is_stored_form(&token));
    }
}
