//! The whole account form: every server setting, grouped, with the login
//! chosen per server and the actions under it.

use iced::widget::{button, column, container, pick_list, row, text, text_input};
use iced::{Element, Length};

use super::{Message, Role, State, steps};
use crate::account::{Protocol, Security};
use crate::fl;

impl State {
    /// The whole form: every server setting, grouped.
    pub(super) fn manual_view(&self) -> Element<'_, Message> {
        let field = |label: String, id: &'static str, value: &str, on: fn(String) -> Message| {
            row![
                text(label.clone()).size(14).width(170),
                text_input(&label, value)
                    .id(id)
                    .on_input(on)
                    .padding([6, 10])
                    .style(crate::gui::theme::field)
                    .width(Length::Fill)
            ]
            .spacing(8)
            .align_y(iced::Alignment::Center)
        };
        // Each server: a password or the browser sign-in (Thunderbird's
        // "Authentication method", with the two a user chooses between).
        let login = |role: Role, oauth: bool| {
            row![
                text(fl!("setup-login")).size(14).width(170),
                pick_list(
                    [steps::LoginChoice(false), steps::LoginChoice(true)],
                    Some(steps::LoginChoice(oauth)),
                    move |c| Message::LoginFor(role, c.0)
                )
                .style(crate::gui::theme::picker),
            ]
            .spacing(8)
            .align_y(iced::Alignment::Center)
        };
        let securities: Vec<steps::SecurityChoice> =
            [Security::Tls, Security::Starttls, Security::None]
                .into_iter()
                .map(steps::SecurityChoice)
                .collect();
        // Offline copies are an IMAP matter: POP3 downloads everything.
        let offline = (self.protocol != Some(Protocol::Pop3)).then(|| {
            column![
                field(
                    fl!("setup-offline-days"),
                    "setup-offline-days",
                    &self.offline_days,
                    Message::OfflineDays
                ),
                // Under the input, not the label.
                container(text(fl!("setup-offline-hint")).size(12))
                    .padding(iced::Padding::ZERO.left(178)),
            ]
            .spacing(4)
        });
        let folders = self.folders_view();
        let mut form = column![
            text(if self.original.is_some() {
                fl!("setup-edit-title")
            } else {
                fl!("setup-title")
            })
            .size(24),
            text(fl!("setup-intro")).size(14),
            field(
                fl!("setup-email"),
                "setup-email",
                &self.email,
                Message::Email
            ),
            field(
                fl!("setup-display-name"),
                "setup-display-name",
                &self.display_name,
                Message::DisplayName
            ),
            (!(self.oauth && self.oauth_out)).then(|| row![
                text(fl!("setup-password")).size(14).width(170),
                text_input(&fl!("setup-password"), &self.password)
                    .id("setup-password")
                    .secure(true)
                    .on_input(Message::Password)
                    .padding([6, 10])
                    .style(crate::gui::theme::field)
            ]
            .spacing(8)),
            field(fl!("setup-name"), "setup-name", &self.name, Message::Name),
            text(fl!("setup-incoming")).size(16),
            row![
                text(fl!("setup-protocol")).size(14).width(170),
                pick_list(
                    [
                        steps::ProtocolChoice(Protocol::Imap),
                        steps::ProtocolChoice(Protocol::Pop3)
                    ],
                    self.protocol.map(steps::ProtocolChoice),
                    |c| Message::Protocol(c.0)
                )
                .style(crate::gui::theme::picker),
                pick_list(
                    securities.clone(),
                    self.in_security.map(steps::SecurityChoice),
                    |c| Message::InSecurity(c.0)
                )
                .style(crate::gui::theme::picker),
            ]
            .spacing(8),
            field(
                fl!("setup-host"),
                "setup-in-host",
                &self.in_host,
                Message::InHost
            ),
            field(
                fl!("setup-port"),
                "setup-in-port",
                &self.in_port,
                Message::InPort
            ),
            field(
                fl!("setup-username"),
                "setup-username",
                &self.username,
                Message::Username
            ),
            login(Role::Incoming, self.oauth),
            offline,
            folders,
            text(fl!("setup-outgoing")).size(16),
            row![
                text(fl!("setup-security")).size(14).width(170),
                pick_list(
                    securities,
                    self.out_security.map(steps::SecurityChoice),
                    |c| Message::OutSecurity(c.0)
                )
                .style(crate::gui::theme::picker),
            ]
            .spacing(8),
            field(
                fl!("setup-host"),
                "setup-out-host",
                &self.out_host,
                Message::OutHost
            ),
            field(
                fl!("setup-port"),
                "setup-out-port",
                &self.out_port,
                Message::OutPort
            ),
            login(Role::Outgoing, self.oauth_out),
        ]
        .spacing(10);
        form = form.push(self.found_view());
        form = form.push(self.results_view());
        let busy = self.busy;
        // On a line of its own: the buttons below fill a row already (in
        // German they did not fit beside it).
        if self.any_oauth() {
            let approved = self.awaiting().is_empty();
            form = form.push(
                button(text(fl!("setup-sign-in")))
                    .on_press_maybe((!busy && approved).then_some(Message::SignIn))
                    .padding([6, 12])
                    .style(if self.signed {
                        crate::gui::theme::secondary
                    } else {
                        crate::gui::theme::primary
                    }),
            );
        }
        // Testing logs in and saving leads to logins: neither before the
        // user approved the hosts shown.
        let approved = self.awaiting().is_empty();
        form = form.push(
            row![
                button(text(fl!("setup-discover")))
                    .on_press_maybe((!busy).then_some(Message::Discover))
                    .padding([6, 12])
                    .style(crate::gui::theme::secondary),
                button(text(fl!("setup-test")))
                    .on_press_maybe((!busy && approved).then_some(Message::Test))
                    .padding([6, 12])
                    .style(crate::gui::theme::secondary),
                iced::widget::space().width(Length::Fill),
                button(text(fl!("setup-cancel")))
                    .on_press(Message::Cancel)
                    .padding([6, 12])
                    .style(crate::gui::theme::secondary),
                button(text(fl!("setup-save")))
                    .on_press_maybe((!busy && approved).then_some(Message::Save))
                    .padding([6, 12])
                    .style(crate::gui::theme::primary),
            ]
            .spacing(8),
        );
        steps::page(form.into())
    }
}
