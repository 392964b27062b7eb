//! The application layer: every use case of the helpdesk, whichever front
//! end asks for it.

pub mod desk;

pub use desk::Desk;
