//! The parsed message model: headers, the body to show, attachments.

pub mod html;
pub mod parse;
