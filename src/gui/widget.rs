//! Widgets of our own.

pub mod message_list;
pub mod reader;
