//! Postel: a desktop email client. The engine (everything but `gui`) never
//! imports iced, so the same code runs headless from the CLI and in tests.

pub mod account;
pub mod cli;
pub mod config;
pub mod date;
pub mod engine;
#[doc(hidden)]
pub mod fuzzing;
pub mod gui;
pub mod i18n;
pub mod instance;
pub mod mailto;
pub mod message;
pub mod net;
pub mod private;
pub mod render;
pub mod secret;
pub mod store;
pub mod sync;
