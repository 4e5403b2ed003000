//! The app's screens; each owns its state, messages, update and view.

pub mod account_setup;
pub mod composer;
pub mod mailbox;
pub mod outbox;
pub mod settings;
