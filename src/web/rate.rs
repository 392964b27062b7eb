//! Per-address rate limits for the web forms: at most N accepted posts
//! per client address in any hour (a sliding window), so a script cannot
//! flood the tracker with tickets or guess passwords at speed.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(3600);

#[derive(Default)]
pub struct RateLimiter {
    hits: Mutex<HashMap<IpAddr, VecDeque<Instant>>>,
}

impl RateLimiter {
    /// Counts a post from `peer` if fewer than `per_hour` came in the last
    /// hour; `false` (not counted) otherwise.
    pub fn allow(&self, peer: IpAddr, per_hour: u32, now: Instant) -> bool {
        let mut hits = self.hits.lock().unwrap_or_else(|e| e.into_inner());
        // Forget addresses that have been quiet for an hour.
        if hits.len() > 10_000 {
            hits.retain(|_, times| {
                times
                    .back()
                    .is_some_and(|t| now.duration_since(*t) < WINDOW)
            });
        }
        let times = hits.entry(peer).or_default();
        while times
            .front()
            .is_some_and(|t| now.duration_since(*t) >= WINDOW)
        {
            times.pop_front();
        }
        if times.len() >= per_hour as usize {
            return false;
        }
        times.push_back(now);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn n_per_hour_per_address() {
        let limiter = RateLimiter::default();
        let (a, b) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        let start = Instant::now();
        assert!(limiter.allow(a, 2, start));
        assert!(limiter.allow(a, 2, start));
        assert!(!limiter.allow(a, 2, start));
        assert!(limiter.allow(b, 2, start));
        assert!(limiter.allow(a, 2, start + WINDOW));
    }
}
