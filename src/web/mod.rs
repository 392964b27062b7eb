//! The web front end: `tkt serve` serves the built site and rebuilds it
//! when the tracker changes. Like every front end it reads through the
//! application layer and the site renderer, never through the CLI.

mod act;
mod csrf;
mod follow_up;
mod form_post;
mod host;
mod html;
pub mod http;
mod mine;
mod rate;
mod register;
mod run;
pub mod serve;
mod signin;
pub mod watch;

pub use run::{run, CannotListen, ServeOptions};
