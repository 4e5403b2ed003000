//! Preferences: the accounts (add, edit, remove), how Postel looks, how
//! it reads mail, and whether it notifies. A change takes effect at once
//! and is saved with the rest of the settings.

use iced::widget::{button, checkbox, column, container, pick_list, row, rule, scrollable, text};
use iced::{Alignment, Element, Font, Length, font};

use crate::account::Account;
use crate::fl;
use crate::gui::theme::{self, gap, size};
use crate::preferences::{Density, Preferences, Theme};

#[derive(Debug, Default)]
pub struct State {
    /// The account whose removal waits for a yes.
    confirm_remove: Option<String>,
    /// The preferences as shown (saved at each change).
    pub preferences: Preferences,
}

#[derive(Debug, Clone)]
pub enum Message {
    Add,
    Edit(String),
    Remove(String),
    ConfirmRemove,
    CancelRemove,
    Close,
    Theme(Choice<Theme>),
    Density(Choice<Density>),
    PlainText(bool),
    MarkRead(bool),
    Notify(bool),
}

pub enum Action {
    None,
    Add,
    Edit(String),
    Remove(String),
    Close,
    /// The preferences changed: apply and save them.
    Save(Preferences),
}

/// A value in a pick list with its words in the user's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice<T> {
    pub value: T,
    label: String,
}

impl<T> std::fmt::Display for Choice<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label)
    }
}

pub(crate) fn themes() -> Vec<Choice<Theme>> {
    [
        (Theme::System, fl!("prefs-theme-system")),
        (Theme::Light, fl!("prefs-theme-light")),
        (Theme::Dark, fl!("prefs-theme-dark")),
    ]
    .into_iter()
    .map(|(value, label)| Choice { value, label })
    .collect()
}

pub(crate) fn densities() -> Vec<Choice<Density>> {
    [
        (Density::Comfortable, fl!("prefs-density-comfortable")),
        (Density::Compact, fl!("prefs-density-compact")),
    ]
    .into_iter()
    .map(|(value, label)| Choice { value, label })
    .collect()
}

impl State {
    pub fn new(preferences: Preferences) -> Self {
        Self {
            confirm_remove: None,
            preferences,
        }
    }

    pub fn update(&mut self, message: Message) -> Action {
        let p = &mut self.preferences;
        match message {
            Message::Add => return Action::Add,
            Message::Edit(name) => return Action::Edit(name),
            Message::Remove(name) => {
                self.confirm_remove = Some(name);
                return Action::None;
            }
            Message::ConfirmRemove => {
                return match self.confirm_remove.take() {
                    Some(name) => Action::Remove(name),
                    None => Action::None,
                };
            }
            Message::CancelRemove => {
                self.confirm_remove = None;
                return Action::None;
            }
            Message::Close => return Action::Close,
            Message::Theme(choice) => p.appearance.theme = choice.value,
            Message::Density(choice) => p.appearance.density = choice.value,
            Message::PlainText(on) => p.reading.prefer_plain_text = on,
            Message::MarkRead(on) => p.reading.mark_read_on_open = on,
            Message::Notify(on) => p.notifications.new_mail = on,
        }
        Action::Save(self.preferences.clone())
    }

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
        let themes = themes();
        let theme_now = themes
            .iter()
            .find(|c| c.value == p.appearance.theme)
            .cloned();
        let densities = densities();
        let density_now = densities
            .iter()
            .find(|c| c.value == p.appearance.density)
            .cloned();
        let appearance = column![
            row![
                label(fl!("prefs-theme")),
                pick_list(themes, theme_now, Message::Theme)
                    .text_size(size::BODY)
                    .style(theme::picker)
            ]
            .spacing(gap::M)
            .align_y(Alignment::Center),
            row![
                label(fl!("prefs-density")),
                pick_list(densities, density_now, Message::Density)
                    .text_size(size::BODY)
                    .style(theme::picker)
            ]
            .spacing(gap::M)
            .align_y(Alignment::Center),
        ]
        .spacing(gap::S);
        let reading = column![
            checkbox(p.reading.prefer_plain_text)
                .label(fl!("prefs-plain-text"))
                .on_toggle(Message::PlainText)
                .text_size(size::BODY),
            checkbox(p.reading.mark_read_on_open)
                .label(fl!("prefs-mark-read"))
                .on_toggle(Message::MarkRead)
                .text_size(size::BODY),
        ]
        .spacing(gap::S);
        let notifications = checkbox(p.notifications.new_mail)
            .label(fl!("prefs-notify"))
            .on_toggle(Message::Notify)
            .text_size(size::BODY);

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
