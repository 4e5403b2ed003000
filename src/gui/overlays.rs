//! What floats over the window: the toast with Undo after a delete or a
//! move, and the `?` overview of the keys.

use iced::widget::{button, center, column, container, row, text};
use iced::{Element, Length};

use super::{Message, Shortcut, icon, mailbox_actions, shortcut, theme};
use crate::fl;

/// The toast, floating above the status line in the middle.
pub(super) fn toast(toast: &mailbox_actions::Toast) -> Element<'_, Message> {
    let mut line = row![text(toast.text.clone()).size(theme::size::BODY)]
        .spacing(theme::gap::M)
        .align_y(iced::Alignment::Center);
    if !toast.undo.is_empty() {
        line = line.push(
            button(text(fl!("toast-undo")).size(theme::size::BODY))
                .on_press(Message::Undo)
                .padding([4.0, theme::gap::M])
                .style(theme::primary),
        );
    }
    line = line.push(
        button(icon::view(icon::Icon::Clear, 14.0, icon::Ink::Muted))
            .on_press(Message::ToastClosed)
            .padding(4)
            .style(theme::tool),
    );
    container(
        container(line)
            .padding([theme::gap::S, theme::gap::L])
            .style(theme::lifted),
    )
    .width(Length::Fill)
    .height(Length::Fill)
    .align_x(iced::Alignment::Center)
    .align_y(iced::Alignment::End)
    .padding([theme::gap::XXL, theme::gap::L])
    .into()
}

/// A notice across the window, with its ×.
pub(super) fn notice(i: usize, said: &str) -> Element<'_, Message> {
    container(
        container(
            row![
                text(said).size(theme::size::SMALL).width(Length::Fill),
                button(icon::view(icon::Icon::Clear, 14.0, icon::Ink::Muted))
                    .on_press(Message::Dismiss(i))
                    .padding(4)
                    .style(theme::tool),
            ]
            .spacing(theme::gap::S)
            .align_y(iced::Alignment::Center),
        )
        .padding([theme::gap::XS, theme::gap::M])
        .width(Length::Fill)
        .style(theme::banner(theme::Tone::Info)),
    )
    .padding([theme::gap::XS, theme::gap::S])
    .style(theme::window)
    .into()
}

/// The `?` overview: every key and what it does, over the window.
pub(super) fn keys<'a>() -> Element<'a, Message> {
    let bold = iced::Font {
        weight: iced::font::Weight::Bold,
        ..iced::Font::DEFAULT
    };
    let mut table = column![
        row![
            text(fl!("keys-title"))
                .size(theme::size::TITLE)
                .font(bold)
                .width(Length::Fill),
            button(icon::view(icon::Icon::Clear, 14.0, icon::Ink::Muted))
                .on_press(Message::Shortcut(Shortcut::Help(false)))
                .padding(4)
                .style(theme::tool),
        ]
        .align_y(iced::Alignment::Center)
    ]
    .spacing(theme::gap::S)
    .width(420);
    for (keys, does) in shortcut::overview() {
        table = table.push(
            row![
                container(text(keys).size(theme::size::SMALL).font(bold))
                    .padding([2.0, theme::gap::S])
                    .width(130)
                    .style(theme::pill(false)),
                text(does).size(theme::size::BODY),
            ]
            .spacing(theme::gap::M)
            .align_y(iced::Alignment::Center),
        );
    }
    center(container(table).padding(theme::gap::L).style(theme::lifted)).into()
}
