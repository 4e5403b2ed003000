//! Widgets of our own.

pub mod message_list;
