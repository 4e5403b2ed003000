//! Postel: a desktop email client. This crate is the app: the window
//! (`gui`, the only code that imports iced) and the command line (`cli`),
//! both faces over `postel_core`'s engine. HTML is painted by
//! `postel_render`.
//!
//! The core's modules are re-exported under their old names so the two
//! faces and the test suite read `crate::store`, `postel::sync`, … as
//! before; they are the core crate's, not copies.

pub use postel_core::{
    account, config, date, discovery, engine, mailto, message, net, oauth, preferences, priority,
    private, schedule, secret, store, sync, worker,
};
pub use postel_render as render;

pub mod browser;
pub mod cli;
pub mod gui;
pub mod i18n;
pub mod instance;
