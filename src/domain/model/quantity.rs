//! Human-written durations (`4h`, `2d`, `1d12h`) and sizes (`10MiB`).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A duration as written in config, kept in whole minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Span {
    pub minutes: u64,
}

impl FromStr for Span {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let err = || format!("`{s}` is not a duration; write e.g. 30m, 4h, 2d, 1w or 1d12h");
        let mut minutes = 0u64;
        let mut number = String::new();
        let text = s.trim();
        if text.is_empty() {
            return Err(err());
        }
        for c in text.chars() {
            if c.is_ascii_digit() {
                number.push(c);
                continue;
            }
            let unit = match c {
                'm' => 1,
                'h' => 60,
                'd' => 24 * 60,
                'w' => 7 * 24 * 60,
                _ => return Err(err()),
            };
            let n: u64 = number.parse().map_err(|_| err())?;
            minutes = minutes
                .checked_add(n.checked_mul(unit).ok_or_else(err)?)
                .ok_or_else(err)?;
            number.clear();
        }
        if !number.is_empty() {
            return Err(err());
        }
        Ok(Span { minutes })
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.minutes;
        if rest == 0 {
            return f.write_str("0m");
        }
        let week = 7 * 24 * 60;
        if rest.is_multiple_of(week) {
            return write!(f, "{}w", rest / week);
        }
        for (unit, size) in [("d", 24 * 60), ("h", 60), ("m", 1)] {
            if rest >= size {
                write!(f, "{}{unit}", rest / size)?;
                rest %= size;
            }
        }
        Ok(())
    }
}

/// A size in bytes, written as `10MiB`, `512KiB`, `2MB` or a plain number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ByteSize {
    pub bytes: u64,
}

impl FromStr for ByteSize {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let text = s.trim();
        let split = text
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len());
        let (number, unit) = text.split_at(split);
        let factor: u64 = match unit.trim().to_ascii_lowercase().as_str() {
            "" | "b" => 1,
            "k" | "kb" => 1_000,
            "kib" => 1 << 10,
            "m" | "mb" => 1_000_000,
            "mib" => 1 << 20,
            "g" | "gb" => 1_000_000_000,
            "gib" => 1 << 30,
            _ => {
                return Err(format!(
                    "`{s}` is not a size; write e.g. 10MiB, 512KiB or 2MB"
                ))
            }
        };
        let n: u64 = number
            .parse()
            .map_err(|_| format!("`{s}` is not a size; write e.g. 10MiB, 512KiB or 2MB"))?;
        let bytes = n
            .checked_mul(factor)
            .ok_or_else(|| format!("`{s}` is too large"))?;
        Ok(ByteSize { bytes })
    }
}

impl fmt::Display for ByteSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = self.bytes;
        if b >= 1 << 20 && b.is_multiple_of(1 << 20) {
            write!(f, "{}MiB", b >> 20)
        } else if b >= 1 << 10 && b.is_multiple_of(1 << 10) {
            write!(f, "{}KiB", b >> 10)
        } else {
            write!(f, "{b}B")
        }
    }
}

macro_rules! serde_via_str {
    ($ty:ty) => {
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = crate::domain::model::ticket::scalar_string(d)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

serde_via_str!(Span);
serde_via_str!(ByteSize);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans() {
        assert_eq!("30m".parse::<Span>().unwrap().minutes, 30);
        assert_eq!("1d12h".parse::<Span>().unwrap().minutes, 36 * 60);
        assert_eq!("2w".parse::<Span>().unwrap().to_string(), "2w");
        assert_eq!("90m".parse::<Span>().unwrap().to_string(), "1h30m");
        assert_eq!("10d".parse::<Span>().unwrap().to_string(), "10d");
        for bad in ["", "4", "h", "4x", "-1h"] {
            assert!(bad.parse::<Span>().is_err(), "{bad}");
        }
    }

    #[test]
    fn sizes() {
        assert_eq!("10MiB".parse::<ByteSize>().unwrap().bytes, 10 << 20);
        assert_eq!("2 MB".parse::<ByteSize>().unwrap().bytes, 2_000_000);
        assert_eq!("512".parse::<ByteSize>().unwrap().bytes, 512);
        assert!("ten".parse::<ByteSize>().is_err());
        assert_eq!(ByteSize { bytes: 10 << 20 }.to_string(), "10MiB");
    }
}
