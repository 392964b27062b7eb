//! The current time, in whole seconds. `TKT_NOW` (RFC 3339) pins it, so
//! tests, fixtures and the example tracker get the dates they describe
//! (uids and entry file names keep their random parts).

use anyhow::{Context, Result};
use chrono::{DateTime, SubsecRound, Utc};
use std::time::Instant;

/// The time recorded in files and commits: whole seconds.
pub fn now() -> Result<DateTime<Utc>> {
    Ok(precise_now()?.trunc_subsecs(0))
}

/// The time with milliseconds, for file names that must sort in the order
/// actions happened even within one second.
pub fn precise_now() -> Result<DateTime<Utc>> {
    match std::env::var("TKT_NOW") {
        Ok(text) if !text.is_empty() => DateTime::parse_from_rfc3339(&text)
            .map(|t| t.with_timezone(&Utc))
            .with_context(|| {
                format!("TKT_NOW=`{text}` is not an RFC 3339 time such as 2026-03-31T09:00:00Z")
            }),
        _ => Ok(Utc::now().trunc_subsecs(3)),
    }
}

/// Prints how long a step of a command took when `TKT_TIMINGS` is set, the way
/// Zola reports its stages, so slow steps are found without a profiler.
pub fn timed<T>(step: &str, f: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let value = f();
    if std::env::var_os("TKT_TIMINGS").is_some() {
        eprintln!("timing: {step}: {} ms", started.elapsed().as_millis());
    }
    value
}
