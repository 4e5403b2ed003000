//! Preferences: the accounts (add, edit, remove), how Postel looks, how
//! it reads mail, and whether it notifies. A change takes effect at once
//! and is saved with the rest of the settings.

use crate::fl;
use crate::preferences::{
    Density, Format, Preferences, ReadReceipts, RemoteContent, ReplyAt, TextSize, Theme,
};

mod view;

#[derive(Debug, Default)]
pub struct State {
    /// The account whose removal waits for a yes.
    confirm_remove: Option<String>,
    /// The preferences as shown (saved at each change).
    pub preferences: Preferences,
    /// Senders whose remote content always loads (from the store).
    pub trusted: Vec<String>,
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
    TextSize(Choice<TextSize>),
    MarkReadAfter(Choice<u32>),
    Remote(Choice<RemoteContent>),
    Receipts(Choice<ReadReceipts>),
    HideReports(bool),
    /// A trusted sender taken off the list.
    Forget(String),
    Conversation(bool),
    Format(Choice<Format>),
    Reply(Choice<ReplyAt>),
    UndoSend(Choice<u32>),
    /// New mail of this account announced, or not.
    NotifyAccount(String, bool),
}

pub enum Action {
    None,
    Add,
    Edit(String),
    Remove(String),
    Close,
    /// The preferences changed: apply and save them.
    Save(Preferences),
    /// This sender's remote content no longer loads by itself.
    Forget(String),
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

fn choices<T>(all: impl IntoIterator<Item = (T, String)>) -> Vec<Choice<T>> {
    all.into_iter()
        .map(|(value, label)| Choice { value, label })
        .collect()
}

pub(crate) fn text_sizes() -> Vec<Choice<TextSize>> {
    choices([
        (TextSize::Small, fl!("prefs-text-small")),
        (TextSize::Normal, fl!("prefs-text-normal")),
        (TextSize::Large, fl!("prefs-text-large")),
        (TextSize::Larger, fl!("prefs-text-larger")),
    ])
}

/// The delays offered before "mark read" (Thunderbird offers any number;
/// these cover what people pick).
pub(crate) fn undo_delays() -> Vec<Choice<u32>> {
    choices([0, 5, 10, 20, 30].map(|s| {
        let label = if s == 0 {
            fl!("prefs-undo-send-off")
        } else {
            fl!("prefs-undo-send-seconds", seconds = s)
        };
        (s, label)
    }))
}

pub(crate) fn read_delays() -> Vec<Choice<u32>> {
    choices([0, 2, 5, 10].map(|s| {
        let label = if s == 0 {
            fl!("prefs-mark-read-at-once")
        } else {
            fl!("prefs-mark-read-seconds", seconds = s)
        };
        (s, label)
    }))
}

pub(crate) fn remote_policies() -> Vec<Choice<RemoteContent>> {
    choices([
        (RemoteContent::Ask, fl!("prefs-remote-ask")),
        (RemoteContent::Never, fl!("prefs-remote-never")),
        (RemoteContent::Always, fl!("prefs-remote-always")),
    ])
}

pub(crate) fn receipt_policies() -> Vec<Choice<ReadReceipts>> {
    choices([
        (ReadReceipts::Ask, fl!("prefs-receipts-ask")),
        (ReadReceipts::Never, fl!("prefs-receipts-never")),
    ])
}

pub(crate) fn formats() -> Vec<Choice<Format>> {
    choices([
        (Format::Plain, fl!("prefs-format-plain")),
        (Format::Markdown, fl!("prefs-format-markdown")),
    ])
}

pub(crate) fn reply_places() -> Vec<Choice<ReplyAt>> {
    choices([
        (ReplyAt::Below, fl!("prefs-reply-below")),
        (ReplyAt::Above, fl!("prefs-reply-above")),
    ])
}

impl State {
    pub fn new(preferences: Preferences) -> Self {
        Self {
            confirm_remove: None,
            preferences,
            trusted: Vec::new(),
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
            Message::TextSize(choice) => p.appearance.text_size = choice.value,
            Message::MarkReadAfter(choice) => p.reading.mark_read_after = choice.value,
            Message::UndoSend(choice) => p.composing.undo_send_seconds = choice.value,
            Message::Remote(choice) => p.reading.remote_content = choice.value,
            Message::Receipts(choice) => p.reading.read_receipts = choice.value,
            Message::HideReports(on) => p.reading.hide_reports = on,
            Message::Conversation(on) => p.reading.conversation = on,
            Message::Format(choice) => p.composing.format = choice.value,
            Message::Reply(choice) => p.composing.reply = choice.value,
            Message::NotifyAccount(account, on) => {
                let quiet = &mut p.notifications.quiet_accounts;
                quiet.retain(|a| a != &account);
                if !on {
                    quiet.push(account);
                }
            }
            Message::Forget(sender) => {
                self.trusted.retain(|s| s != &sender);
                return Action::Forget(sender);
            }
        }
        Action::Save(self.preferences.clone())
    }
}
