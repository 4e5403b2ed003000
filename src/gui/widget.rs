//! Widgets of our own.

pub mod html_view;
pub mod message_list;
pub mod reader;
