//! The web front end: `tkt serve` serves the built site and rebuilds it
//! when the tracker changes.

pub mod serve;
pub mod watch;
