//! Widgets of our own.

pub mod delivery;
pub mod grab;
pub mod html_view;
pub mod message_list;
pub mod reader;

use iced::widget::button;

/// The look of an entry in a list the user picks from: highlighted when it
/// is the chosen one, plain text otherwise.
pub fn pickable(selected: bool) -> impl Fn(&iced::Theme, button::Status) -> button::Style {
    move |theme, status| {
        if selected {
            button::primary(theme, status)
        } else {
            button::text(theme, status)
        }
    }
}
