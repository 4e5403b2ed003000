//! How the preferences look: one page of sections, each a card of
//! labelled rows, as GNOME's preferences windows are laid out.

use iced::widget::{button, checkbox, column, container, pick_list, row, rule, scrollable, text};
use iced::{Alignment, Element, Font, Length, font};

use super::{Message, State, densities, themes};
use crate::account::Account;
use crate::fl;
use crate::gui::theme::{self, gap, size};

impl State {
    pub fn view<'a>(&'a self, accounts: &'a [Account]) -> Element<'a, Message> {
        let bold = Font {
            weight: font::Weight::Bold,
            ..Font::DEFAULT
        };
        let heading = |said: String| text(said).size(size::TITLE).font(bold);
        let label = |said: String| {
            text(said)
                .size(size::BODY)
                .width(Length::Fixed(LABEL))
                .wrapping(iced::widget::text::Wrapping::WordOrGlyph)
        };

        // Accounts and identities.
        let mut accounts_list = column![].spacing(gap::S);
        for a in accounts {
            let who = if a.display_name.is_empty() {
                a.email.clone()
            } else {
                format!("{} <{}>", a.display_name, a.email)
            };
            let line = row![
                column![
                    text(a.name.clone()).size(size::BODY).font(bold),
                    text(who).size(size::SMALL).style(muted),
                    text(format!(
                        "{} {}:{} · SMTP {}:{}",
                        a.incoming.protocol.to_string().to_uppercase(),
                        a.incoming.server.host,
                        a.incoming.server.port,
                        a.outgoing.server.host,
                        a.outgoing.server.port
                    ))
                    .size(size::CAPTION)
                    .style(muted),
                ]
                .spacing(gap::XXS)
                .width(Length::Fill),
                button(text(fl!("settings-edit")).size(size::BODY))
                    .on_press(Message::Edit(a.name.clone()))
                    .padding([5.0, gap::M])
                    .style(theme::secondary),
                button(text(fl!("settings-remove")).size(size::BODY))
                    .on_press(Message::Remove(a.name.clone()))
                    .padding([5.0, gap::M])
                    .style(theme::secondary),
            ]
            .spacing(gap::S)
            .align_y(Alignment::Center);
            accounts_list = accounts_list.push(
                container(line)
                    .padding(gap::M)
                    .width(Length::Fill)
                    .style(theme::card),
            );
            if self.confirm_remove.as_deref() == Some(a.name.as_str()) {
                accounts_list = accounts_list.push(
                    container(
                        row![
                            text(fl!("settings-remove-confirm", name = a.name.clone()))
                                .size(size::SMALL)
                                .width(Length::Fill),
                            button(text(fl!("settings-remove-yes")).size(size::BODY))
                                .on_press(Message::ConfirmRemove)
                                .padding([5.0, gap::M])
                                .style(theme::danger),
                            button(text(fl!("setup-cancel")).size(size::BODY))
                                .on_press(Message::CancelRemove)
                                .padding([5.0, gap::M])
                                .style(theme::secondary),
                        ]
                        .spacing(gap::S)
                        .align_y(Alignment::Center),
                    )
                    .padding([gap::XS, gap::M])
                    .style(theme::banner(theme::Tone::Danger)),
                );
            }
        }
        accounts_list = accounts_list.push(
            button(text(fl!("welcome-add-account")).size(size::BODY))
                .on_press(Message::Add)
                .padding([6.0, gap::M])
                .style(theme::secondary),
        );

        let p = &self.preferences;
        // A label and a pick list showing the current choice.
        fn choose<'a, T: Clone + PartialEq + 'a>(
            label: Element<'a, Message>,
            all: Vec<super::Choice<T>>,
            now: &T,
            on: impl Fn(super::Choice<T>) -> Message + 'a,
        ) -> Element<'a, Message> {
            let chosen = all.iter().find(|c| &c.value == now).cloned();
            row![
                label,
                pick_list(all, chosen, on)
                    .text_size(size::BODY)
                    .style(theme::picker)
            ]
            .spacing(gap::M)
            .align_y(Alignment::Center)
            .into()
        }
        let appearance = column![
            choose(
                label(fl!("prefs-theme")).into(),
                themes(),
                &p.appearance.theme,
                Message::Theme
            ),
            choose(
                label(fl!("prefs-density")).into(),
                densities(),
                &p.appearance.density,
                Message::Density
            ),
            choose(
                label(fl!("prefs-text-size")).into(),
                super::text_sizes(),
                &p.appearance.text_size,
                Message::TextSize
            ),
        ]
        .spacing(gap::S);
        let mut trusted = column![text(fl!("prefs-trusted")).size(size::BODY)].spacing(gap::XS);
        if self.trusted.is_empty() {
            trusted = trusted.push(
                text(fl!("prefs-trusted-none"))
                    .size(size::SMALL)
                    .style(muted),
            );
        }
        for sender in &self.trusted {
            trusted = trusted.push(
                row![
                    text(sender.clone()).size(size::SMALL).width(Length::Fill),
                    button(text(fl!("prefs-trusted-remove")).size(size::SMALL))
                        .on_press(Message::Forget(sender.clone()))
                        .padding([3.0, gap::S])
                        .style(theme::secondary),
                ]
                .spacing(gap::S)
                .align_y(Alignment::Center),
            );
        }
        let reading = column![
            checkbox(p.reading.prefer_plain_text)
                .label(fl!("prefs-plain-text"))
                .on_toggle(Message::PlainText)
                .text_size(size::BODY),
            checkbox(p.reading.mark_read_on_open)
                .label(fl!("prefs-mark-read"))
                .on_toggle(Message::MarkRead)
                .text_size(size::BODY),
            checkbox(p.reading.conversation)
                .label(fl!("prefs-conversation"))
                .on_toggle(Message::Conversation)
                .text_size(size::BODY),
            choose(
                label(fl!("prefs-mark-read-after")).into(),
                super::read_delays(),
                &p.reading.mark_read_after,
                Message::MarkReadAfter
            ),
            choose(
                label(fl!("prefs-remote")).into(),
                super::remote_policies(),
                &p.reading.remote_content,
                Message::Remote
            ),
            choose(
                label(fl!("prefs-receipts")).into(),
                super::receipt_policies(),
                &p.reading.read_receipts,
                Message::Receipts
            ),
            checkbox(p.reading.hide_reports)
                .label(fl!("prefs-hide-reports"))
                .on_toggle(Message::HideReports)
                .text_size(size::BODY),
            container(trusted)
                .padding(gap::M)
                .width(Length::Fill)
                .style(theme::card),
        ]
        .spacing(gap::S);
        let composing = column![
            choose(
                label(fl!("prefs-format")).into(),
                super::formats(),
                &p.composing.format,
                Message::Format
            ),
            choose(
                label(fl!("prefs-undo-send")).into(),
                super::undo_delays(),
                &p.composing.undo_send_seconds,
                Message::UndoSend
            ),
            choose(
                label(fl!("prefs-reply")).into(),
                super::reply_places(),
                &p.composing.reply,
                Message::Reply
            ),
        ]
        .spacing(gap::S);
        let mut notifications = column![
            checkbox(p.notifications.new_mail)
                .label(fl!("prefs-notify"))
                .on_toggle(Message::Notify)
                .text_size(size::BODY)
        ]
        .spacing(gap::S);
        // Per account, under the switch for all (off: greyed).
        if accounts.len() > 1 {
            for a in accounts {
                let name = a.name.clone();
                let on = p.notifications.for_account(&a.name);
                notifications = notifications.push(row![
                    iced::widget::space().width(gap::XL),
                    checkbox(on)
                        .label(fl!(
                            "prefs-notify-account",
                            account = if a.email.is_empty() {
                                a.name.clone()
                            } else {
                                a.email.clone()
                            }
                        ))
                        .on_toggle_maybe(
                            p.notifications
                                .new_mail
                                .then_some(move |on| Message::NotifyAccount(name.clone(), on))
                        )
                        .text_size(size::BODY)
                ]);
            }
        }

        let section = |title: String, body: Element<'a, Message>| {
            column![heading(title), body].spacing(gap::M)
        };
        let page = column![
            row![
                text(fl!("settings-title"))
                    .size(size::HEADLINE)
                    .font(bold)
                    .width(Length::Fill),
                button(text(fl!("compose-close")).size(size::BODY))
                    .on_press(Message::Close)
                    .padding([6.0, gap::M])
                    .style(theme::primary),
            ]
            .align_y(Alignment::Center),
            section(fl!("prefs-accounts"), accounts_list.into()),
            rule::horizontal(1).style(theme::divider),
            section(fl!("prefs-appearance"), appearance.into()),
            rule::horizontal(1).style(theme::divider),
            section(fl!("prefs-reading"), reading.into()),
            rule::horizontal(1).style(theme::divider),
            section(fl!("prefs-composing"), composing.into()),
            rule::horizontal(1).style(theme::divider),
            section(fl!("prefs-notifications"), notifications.into()),
        ]
        .spacing(gap::XL)
        .max_width(760);
        container(scrollable(
            container(page).padding(gap::XL).center_x(Length::Fill),
        ))
        .width(Length::Fill)
        .height(Length::Fill)
        .style(theme::view)
        .into()
    }
}
/// The width of the labels before pick lists.
const LABEL: f32 = 160.0;

fn muted(theme: &iced::Theme) -> text::Style {
    text::Style {
        color: Some(theme::colors(theme).muted),
    }
}
