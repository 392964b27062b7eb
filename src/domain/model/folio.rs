//! Ticket numbers such as `TKT042`: formatting and lenient parsing.

use serde::{Deserialize, Serialize};
use std::fmt;

/// How folios look, from the `folio:` section of `helpdesk.yaml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FolioFormat {
    #[serde(default = "default_prefix")]
    pub prefix: String,
    #[serde(default = "default_digits")]
    pub digits: usize,
}

fn default_prefix() -> String {
    "TKT".into()
}

fn default_digits() -> usize {
    3
}

impl Default for FolioFormat {
    fn default() -> Self {
        FolioFormat {
            prefix: default_prefix(),
            digits: default_digits(),
        }
    }
}

/// A ticket's number; displayed with the tracker's prefix and padding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Folio {
    pub number: u64,
    text: String,
}

impl Folio {
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for Folio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl FolioFormat {
    pub fn folio(&self, number: u64) -> Folio {
        Folio {
            number,
            text: format!("{}{:0width$}", self.prefix, number, width = self.digits),
        }
    }

    /// Accepts `TKT042`, `tkt042`, `TKT42` and `42` alike.
    pub fn parse(&self, input: &str) -> Result<Folio, String> {
        let trimmed = input.trim();
        let digits = match trimmed.get(..self.prefix.len()) {
            Some(head) if head.eq_ignore_ascii_case(&self.prefix) => &trimmed[self.prefix.len()..],
            _ => trimmed,
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.len() > 18 {
            return Err(format!(
                "`{input}` is not a ticket number; use e.g. {} or {}",
                self.folio(42),
                42
            ));
        }
        Ok(self.folio(digits.parse().expect("checked digits")))
    }

    /// Reads a ticket directory name back into a folio, strictly: only
    /// names this tracker would have written count.
    pub fn from_dir_name(&self, name: &str) -> Option<Folio> {
        self.number_of_dir(name).map(|n| self.folio(n))
    }

    /// The number in a ticket folder's name, without allocating: scanning
    /// 10,000 folder names is on the path of every `tkt new`.
    pub fn number_of_dir(&self, name: &str) -> Option<u64> {
        let digits = name.strip_prefix(&self.prefix)?;
        let padded_exactly = digits.len() == self.digits;
        let grown_past_padding = digits.len() > self.digits && !digits.starts_with('0');
        if !(padded_exactly || grown_past_padding)
            || digits.len() > 18
            || !digits.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        digits.parse().ok()
    }

    pub fn validate(&self) -> Result<(), String> {
        if self.prefix.is_empty()
            || !self.prefix.chars().all(|c| c.is_ascii_alphabetic())
            || self.prefix.len() > 10
        {
            return Err(format!(
                "folio prefix `{}` must be 1 to 10 ASCII letters",
                self.prefix
            ));
        }
        if !(1..=9).contains(&self.digits) {
            return Err(format!("folio digits must be 1 to 9, not {}", self.digits));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_grows_past_padding() {
        let f = FolioFormat::default();
        assert_eq!(f.folio(42).as_str(), "TKT042");
        assert_eq!(f.folio(1000).as_str(), "TKT1000");
    }

    #[test]
    fn parses_user_input() {
        let f = FolioFormat::default();
        for input in ["TKT042", "tkt042", "42", "TKT42", " 042 "] {
            assert_eq!(f.parse(input).unwrap().as_str(), "TKT042", "{input}");
        }
        assert!(f.parse("ABC042").is_err());
        assert!(f.parse("TKT").is_err());
        assert!(f.parse("-1").is_err());
    }

    #[test]
    fn reads_dir_names_strictly() {
        let f = FolioFormat::default();
        assert_eq!(f.from_dir_name("TKT007").unwrap().number, 7);
        assert_eq!(f.from_dir_name("TKT1000").unwrap().number, 1000);
        assert!(f.from_dir_name("TKT07").is_none());
        assert!(f.from_dir_name("tkt007").is_none());
        assert!(f.from_dir_name("TKT0007").is_none());
    }
}
