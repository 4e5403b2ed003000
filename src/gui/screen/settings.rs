//! Settings: the accounts, to add, edit or remove one.

use iced::widget::{button, column, container, row, text};
use iced::{Element, Length};

use crate::account::Account;
use crate::fl;

#[derive(Debug, Default)]
pub struct State {
    /// The account whose removal waits for a yes.
    confirm_remove: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Message {
    Add,
    Edit(String),
    Remove(String),
    ConfirmRemove,
    CancelRemove,
    Close,
}

pub enum Action {
    None,
    Add,
    Edit(String),
    Remove(String),
    Close,
}

impl State {
    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::Add => Action::Add,
            Message::Edit(name) => Action::Edit(name),
            Message::Remove(name) => {
                self.confirm_remove = Some(name);
                Action::None
            }
            Message::ConfirmRemove => match self.confirm_remove.take() {
                Some(name) => Action::Remove(name),
                None => Action::None,
            },
            Message::CancelRemove => {
                self.confirm_remove = None;
                Action::None
            }
            Message::Close => Action::Close,
        }
    }

    pub fn view<'a>(&'a self, accounts: &'a [Account]) -> Element<'a, Message> {
        let mut list = column![text(fl!("settings-title")).size(24)].spacing(10);
        for a in accounts {
            let line = row![
                column![
                    text(a.name.clone()).size(16),
                    text(format!(
                        "{} · {} {}:{} · smtp {}:{}",
                        a.email,
                        a.incoming.protocol,
                        a.incoming.server.host,
                        a.incoming.server.port,
                        a.outgoing.server.host,
                        a.outgoing.server.port
                    ))
                    .size(12),
                ]
                .width(Length::Fill),
                button(text(fl!("settings-edit"))).on_press(Message::Edit(a.name.clone())),
                button(text(fl!("settings-remove")))
                    .on_press(Message::Remove(a.name.clone()))
                    .style(button::danger),
            ]
            .spacing(8)
            .align_y(iced::Alignment::Center);
            list = list.push(line);
            if self.confirm_remove.as_deref() == Some(a.name.as_str()) {
                list = list.push(
                    row![
                        text(fl!("settings-remove-confirm", name = a.name.clone()))
                            .size(13)
                            .width(Length::Fill),
                        button(text(fl!("settings-remove-yes")))
                            .on_press(Message::ConfirmRemove)
                            .style(button::danger),
                        button(text(fl!("setup-cancel"))).on_press(Message::CancelRemove),
                    ]
                    .spacing(8),
                );
            }
        }
        list = list.push(
            row![
                button(text(fl!("welcome-add-account")))
                    .on_press(Message::Add)
                    .style(button::primary),
                button(text(fl!("compose-close"))).on_press(Message::Close),
            ]
            .spacing(8),
        );
        container(list.max_width(760))
            .padding(20)
            .center_x(Length::Fill)
            .into()
    }
}
