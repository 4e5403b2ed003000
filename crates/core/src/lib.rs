//! Postel's engine: everything the window and the command line share.
//! This crate does not depend on iced or blitz, so the compiler keeps the
//! faces and the renderer out of it; it runs headless in the CLI and in
//! tests.

pub mod account;
pub mod config;
pub mod date;
pub mod discovery;
pub mod engine;
pub mod explain;
#[doc(hidden)]
pub mod fuzzing;
pub mod mailto;
pub mod message;
pub mod net;
pub mod oauth;
pub mod preferences;
pub mod priority;
pub mod private;
pub mod schedule;
pub mod secret;
pub mod store;
pub mod sync;
pub mod worker;
