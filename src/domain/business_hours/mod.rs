//! Business hours: the working calendar SLA clocks count in when a tracker
//! sets `sla.business_hours` in `helpdesk.yaml`.
//!
//! ```yaml
//! business_hours:
//!   timezone: Europe/London
//!   days: [mon, tue, wed, thu, fri]
//!   hours: ["09:00-12:30", "13:30-17:30"]   # or a single "09:00-17:30"
//!   holidays: [2026-12-25, 2026-12-28]
//! ```
//!
//! This is pure calendar arithmetic: no I/O, no global state, no clock
//! reads. Reports call it for every ticket, so the hot paths convert the two
//! endpoints to local time once and then count with integer arithmetic over
//! days, with a whole-week shortcut for long spans.
//!
//! Business time is *wall-clock* time inside the windows. Instants are
//! turned into local wall-clock time in the configured zone and the overlap
//! with each working day's windows is counted. Daylight-saving switches
//! usually happen at night, outside any window, and then change nothing. A
//! switch inside a window counts what the wall clock reads: in spring,
//! business time jumps forward with the clock (a 24-hour window still holds
//! 24 hours on the 23-hour day), and in autumn it stands still while the
//! clock repeats the hour (the 25-hour day also holds 24). That keeps every
//! business day the same length and `working_seconds` additive. Instants
//! are counted in whole seconds; sub-second parts are dropped.
//!
//! The module is split by concept:
//!
//! - `working_time`: the [`BusinessHours`] type and its public questions
//!   (`working_seconds`, `add_working`, `seconds_per_week`);
//! - `day_arithmetic`: the integer counting over local days and seconds;
//! - `local_clock`: UTC instants to the zone's monotonic wall clock and back;
//! - `validation`: what a valid day, zone, window or holiday is, and why not;
//! - `serde_glue`: reading and writing the `business_hours:` YAML section;
//! - `tests`: properties of the whole calendar (with `test_fixtures`, the
//!   calendars and instants every file's tests share).

mod day_arithmetic;
mod local_clock;
mod serde_glue;
#[cfg(test)]
mod test_fixtures;
#[cfg(test)]
mod tests;
mod validation;
mod working_time;

pub use working_time::BusinessHours;
