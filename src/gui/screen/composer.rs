//! The composer: From, To/Cc/Bcc with address checking, subject, body,
//! attachments (chosen in the system's file chooser, dropped on the window
//! or typed as a path). Send hands a draft to
//! the app, which commits it to the outbox; closing with changes asks.

use std::path::PathBuf;

use iced::widget::{button, column, container, pick_list, row, text, text_editor, text_input};
use iced::{Alignment, Element, Length};

use crate::fl;
use crate::gui::icon::{self, Icon, Ink};
use crate::gui::theme::{self, gap, size};
use crate::message::compose::{AttachmentSource, Draft};

#[derive(Debug)]
pub struct State {
    pub accounts: Vec<String>,
    pub from: Option<String>,
    pub to: String,
    pub cc: String,
    pub bcc: String,
    pub subject: String,
    pub body: text_editor::Content,
    pub attachments: Vec<AttachmentSource>,
    pub attach_path: String,
    /// There is no file chooser on this desktop: a path field instead.
    pub attach_by_path: bool,
    /// Each account's "Name <address>", for From.
    pub identities: std::collections::HashMap<String, String>,
    in_reply_to: Option<String>,
    references: Vec<String>,
    /// The draft's stable Message-ID and its id in the store, once saved.
    pub message_id: Option<String>,
    pub draft_id: Option<i64>,
    /// The outbox message this edit replaces once it is queued.
    pub replaces: Option<i64>,
    /// Changed since the last save of the draft.
    pub unsaved: bool,
    dirty: bool,
    confirm_close: bool,
    pub error: Option<String>,
    pub sending: bool,
    /// Completions for the address being typed, and the field it is in.
    pub suggestions: Vec<String>,
    suggest_field: Option<Field>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    To,
    Cc,
    Bcc,
}

#[derive(Debug, Clone)]
pub enum Message {
    From(String),
    To(String),
    Cc(String),
    Bcc(String),
    Subject(String),
    Body(text_editor::Action),
    AttachPath(String),
    Attach,
    /// "Attach…": open the system's file chooser.
    Browse,
    /// What the file chooser answered: the files picked (none when the user
    /// cancelled), or `None` when there is no file chooser to ask.
    Picked(Option<Vec<PathBuf>>),
    FileDropped(PathBuf),
    Remove(usize),
    Send,
    Close,
    Discard,
    KeepEditing,
    SaveAndClose,
    Complete(String),
}

pub enum Action {
    None,
    /// Look up known addresses starting with this text.
    Suggest {
        field: Field,
        prefix: String,
    },
    /// Keep the draft and close the composer.
    SaveAndClose,
    /// Throw the draft away (and its saved copies) and close.
    Discard,
    Send {
        account: String,
        draft: Box<Draft>,
    },
    /// Ask the system's file chooser for files to attach.
    PickFiles,
    Close,
}

impl State {
    /// A composer for `account` (or the first), prefilled from `draft`.
    /// Takes each account's "Name <address>" for From.
    pub fn with_identities(mut self, accounts: &[crate::account::Account]) -> Self {
        self.identities = accounts
            .iter()
            .map(|a| {
                let label = if a.display_name.is_empty() {
                    a.email.clone()
                } else {
                    format!("{} <{}>", a.display_name, a.email)
                };
                (a.name.clone(), label)
            })
            .collect();
        self
    }

    pub fn new(accounts: Vec<String>, account: Option<String>, draft: Draft) -> Self {
        let from = account.or_else(|| accounts.first().cloned());
        Self {
            accounts,
            from,
            to: draft.to.join(", "),
            cc: draft.cc.join(", "),
            bcc: draft.bcc.join(", "),
            subject: draft.subject,
            body: text_editor::Content::with_text(&draft.text),
            attachments: draft.attachments,
            attach_path: String::new(),
            attach_by_path: false,
            identities: Default::default(),
            in_reply_to: draft.in_reply_to,
            references: draft.references,
            message_id: draft.message_id,
            draft_id: None,
            replaces: None,
            unsaved: false,
            dirty: false,
            confirm_close: false,
            error: None,
            sending: false,
            suggestions: Vec::new(),
            suggest_field: None,
        }
    }

    fn field_mut(&mut self, field: Field) -> &mut String {
        match field {
            Field::To => &mut self.to,
            Field::Cc => &mut self.cc,
            Field::Bcc => &mut self.bcc,
        }
    }

    /// The address being typed: what follows the last separator.
    fn typing(value: &str) -> &str {
        value.rsplit([',', ';']).next().unwrap_or("").trim_start()
    }

    /// Takes completions for what is typed now in `field`.
    pub fn suggested(&mut self, field: Field, prefix: &str, found: Vec<String>) {
        let current = match field {
            Field::To => &self.to,
            Field::Cc => &self.cc,
            Field::Bcc => &self.bcc,
        };
        // A late answer for text that changed since is dropped.
        if Self::typing(current) == prefix {
            self.suggest_field = Some(field);
            self.suggestions = found;
        }
    }

    pub fn draft(&self) -> Draft {
        let split = |s: &str| {
            s.split([',', ';'])
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        };
        Draft {
            to: split(&self.to),
            cc: split(&self.cc),
            bcc: split(&self.bcc),
            subject: self.subject.clone(),
            text: self.body.text(),
            html: None,
            attachments: self.attachments.clone(),
            in_reply_to: self.in_reply_to.clone(),
            references: self.references.clone(),
            message_id: self.message_id.clone(),
        }
    }

    /// Addresses in a field that are not addresses, for the hint below it.
    fn invalid(field: &str) -> Vec<String> {
        field
            .split([',', ';'])
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .filter(|a| a.parse::<lettre::message::Mailbox>().is_err())
            .map(str::to_owned)
            .collect()
    }

    pub fn update(&mut self, message: Message) -> Action {
        let edit = match &message {
            // Moving the cursor or selecting is not a change.
            Message::Body(action) => action.is_edit(),
            Message::Send
            | Message::Browse
            | Message::Close
            | Message::Discard
            | Message::KeepEditing
            | Message::SaveAndClose => false,
            Message::Complete(_) => true,
            // Cancelling the file chooser changes nothing.
            Message::Picked(paths) => paths.as_ref().is_some_and(|p| !p.is_empty()),
            _ => true,
        };
        if edit {
            self.dirty = true;
            self.unsaved = true;
            self.error = None;
        }
        match message {
            Message::From(a) => self.from = Some(a),
            Message::To(v) => return self.typed(Field::To, v),
            Message::Cc(v) => return self.typed(Field::Cc, v),
            Message::Bcc(v) => return self.typed(Field::Bcc, v),
            Message::Complete(address) => {
                if let Some(field) = self.suggest_field.take() {
                    let value = self.field_mut(field);
                    let keep = value.len() - Self::typing(value).len();
                    value.truncate(keep);
                    value.push_str(&address);
                    value.push_str(", ");
                }
                self.suggestions.clear();
            }
            Message::Subject(v) => self.subject = v,
            Message::Body(action) => self.body.perform(action),
            Message::AttachPath(p) => self.attach_path = p,
            Message::Attach => {
                let path = PathBuf::from(self.attach_path.trim());
                self.attach(path);
                self.attach_path.clear();
            }
            Message::Browse => return Action::PickFiles,
            Message::Picked(Some(paths)) => {
                // The same way in as a dropped file.
                for path in paths {
                    self.attach(path);
                }
            }
            Message::Picked(None) => {
                self.error = Some(fl!("compose-no-file-chooser"));
                self.attach_by_path = true;
            }
            Message::FileDropped(path) => self.attach(path),
            Message::Remove(i) => {
                if i < self.attachments.len() {
                    self.attachments.remove(i);
                }
            }
            Message::Send => {
                let bad: Vec<String> = [&self.to, &self.cc, &self.bcc]
                    .iter()
                    .flat_map(|f| Self::invalid(f))
                    .collect();
                if !bad.is_empty() {
                    self.error = Some(fl!("compose-bad-address", address = bad.join(", ")));
                    return Action::None;
                }
                let Some(account) = self.from.clone() else {
                    self.error = Some(fl!("compose-no-account"));
                    return Action::None;
                };
                let draft = self.draft();
                if draft.to.is_empty() && draft.cc.is_empty() && draft.bcc.is_empty() {
                    self.error = Some(fl!("compose-no-recipient"));
                    return Action::None;
                }
                self.sending = true;
                return Action::Send {
                    account,
                    draft: Box::new(draft),
                };
            }
            Message::Close if self.dirty => self.confirm_close = true,
            Message::Close => return Action::Close,
            Message::Discard => return Action::Discard,
            Message::SaveAndClose => return Action::SaveAndClose,
            Message::KeepEditing => self.confirm_close = false,
        }
        Action::None
    }

    fn typed(&mut self, field: Field, value: String) -> Action {
        *self.field_mut(field) = value;
        let prefix = Self::typing(self.field_mut(field)).to_owned();
        if prefix.chars().count() < 2 {
            self.suggestions.clear();
            return Action::None;
        }
        Action::Suggest { field, prefix }
    }

    fn attach(&mut self, path: PathBuf) {
        match std::fs::metadata(&path) {
            Ok(meta) if meta.is_file() => self.attachments.push(AttachmentSource::File(path)),
            Ok(_) => {
                self.error = Some(fl!("compose-not-a-file", path = path.display().to_string()))
            }
            Err(e) => {
                self.error = Some(fl!(
                    "compose-cannot-attach",
                    path = path.display().to_string(),
                    reason = e.to_string()
                ))
            }
        }
    }

    pub fn view(&self) -> Element<'_, Message> {
        let label = |s: String| {
            container(text(s).size(size::SMALL).style(muted))
                .width(LABEL)
                .align_right(LABEL)
        };
        let field = |name: String, id: &'static str, value: &str, on: fn(String) -> Message| {
            let this = match id {
                "compose-to" => Some(Field::To),
                "compose-cc" => Some(Field::Cc),
                "compose-bcc" => Some(Field::Bcc),
                _ => None,
            };
            // Only address fields are checked; the subject is free text.
            // The address still being typed is not judged yet; the ones
            // before it, ended by a comma, are.
            let finished = value.rsplit_once([',', ';']).map_or("", |(done, _)| done);
            let hint = if this.is_some() {
                Self::invalid(finished)
            } else {
                Vec::new()
            };
            let mut col = column![
                row![
                    label(name.clone()),
                    text_input(&name, value)
                        .id(id)
                        .on_input(on)
                        .size(size::BODY)
                        .padding([6.0, gap::S])
                        .style(theme::field)
                        .width(Length::Fill)
                ]
                .spacing(gap::M)
                .align_y(Alignment::Center)
            ]
            .spacing(gap::XS);
            // What is wrong, next to the field it concerns.
            if !hint.is_empty() {
                col = col.push(row![
                    iced::widget::space().width(LABEL + gap::M),
                    text(fl!("compose-bad-address", address = hint.join(", ")))
                        .size(size::CAPTION)
                        .style(|theme: &iced::Theme| text::Style {
                            color: Some(theme::colors(theme).danger),
                        })
                ]);
            }
            if this.is_some() && this == self.suggest_field && !self.suggestions.is_empty() {
                let mut offers = row![].spacing(gap::S);
                for s in self.suggestions.iter().take(5) {
                    offers = offers.push(
                        button(text(s.clone()).size(size::SMALL))
                            .on_press(Message::Complete(s.clone()))
                            .padding([3.0, gap::S])
                            .style(theme::secondary),
                    );
                }
                col = col.push(row![iced::widget::space().width(LABEL + gap::M), offers]);
            }
            col
        };
        // From: every identity as "Name <address>".
        let choices: Vec<FromChoice> = self
            .accounts
            .iter()
            .map(|name| FromChoice {
                name: name.clone(),
                label: self
                    .identities
                    .get(name)
                    .cloned()
                    .unwrap_or_else(|| name.clone()),
            })
            .collect();
        let chosen = self
            .from
            .as_ref()
            .and_then(|f| choices.iter().find(|c| &c.name == f).cloned());
        let mut head = column![
            row![
                label(fl!("compose-from")),
                pick_list(choices, chosen, |c: FromChoice| Message::From(c.name))
                    .text_size(size::BODY)
                    .padding([6.0, gap::S])
                    .style(theme::picker)
                    .width(Length::Fill)
            ]
            .spacing(gap::M)
            .align_y(Alignment::Center),
            field(fl!("compose-to"), "compose-to", &self.to, Message::To),
            field(fl!("compose-cc"), "compose-cc", &self.cc, Message::Cc),
            field(fl!("compose-bcc"), "compose-bcc", &self.bcc, Message::Bcc),
            field(
                fl!("compose-subject"),
                "compose-subject",
                &self.subject,
                Message::Subject
            ),
        ]
        .spacing(gap::S);
        // Attachments as chips: icon, name, size, and × to take it off.
        if !self.attachments.is_empty() {
            let mut chips = row![].spacing(gap::S);
            for (i, a) in self.attachments.iter().enumerate() {
                let (name, size_of) = match a {
                    AttachmentSource::File(p) => (
                        p.file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default(),
                        std::fs::metadata(p).map(|m| m.len()).unwrap_or(0),
                    ),
                    AttachmentSource::Bytes { name, data, .. } => (name.clone(), data.len() as u64),
                };
                chips = chips.push(
                    container(
                        row![
                            icon::view(Icon::Attachment, 14.0, Ink::Muted),
                            text(name).size(size::SMALL),
                            text(super::mailbox::human_size(size_of))
                                .size(size::CAPTION)
                                .style(muted),
                            button(icon::view(Icon::Clear, 12.0, Ink::Muted))
                                .on_press(Message::Remove(i))
                                .padding(3)
                                .style(theme::tool),
                        ]
                        .spacing(gap::S)
                        .align_y(Alignment::Center),
                    )
                    .padding([gap::XXS, gap::S])
                    .style(theme::card),
                );
            }
            head = head.push(row![
                iced::widget::space().width(LABEL + gap::M),
                chips.wrap().vertical_spacing(gap::S)
            ]);
        }
        // Without a file chooser on this desktop, a path can be typed.
        if self.attach_by_path {
            head = head.push(
                row![
                    label(fl!("compose-attach")),
                    text_input(&fl!("compose-attach-placeholder"), &self.attach_path)
                        .id("compose-attach")
                        .on_input(Message::AttachPath)
                        .on_submit(Message::Attach)
                        .size(size::BODY)
                        .padding([6.0, gap::S])
                        .style(theme::field),
                    button(text(fl!("compose-attach")).size(size::BODY))
                        .on_press(Message::Attach)
                        .padding([6.0, gap::M])
                        .style(theme::secondary),
                ]
                .spacing(gap::M)
                .align_y(Alignment::Center),
            );
        }
        if let Some(error) = &self.error {
            head = head.push(
                container(text(error.clone()).size(size::SMALL))
                    .padding([gap::XS, gap::M])
                    .width(Length::Fill)
                    .style(theme::banner(theme::Tone::Danger)),
            );
        }
        let body = container(
            text_editor(&self.body)
                .id("compose-body")
                .placeholder(fl!("compose-body-placeholder"))
                .on_action(Message::Body)
                // Ctrl+Enter sends even while the body has the focus.
                .key_binding(|press| {
                    if press.key == iced::keyboard::Key::Named(iced::keyboard::key::Named::Enter)
                        && press.modifiers.command()
                    {
                        Some(text_editor::Binding::Custom(Message::Send))
                    } else {
                        text_editor::Binding::from_key_press(press)
                    }
                })
                .size(size::BODY)
                .padding(gap::M)
                .style(body_style)
                .height(Length::Fill),
        )
        .height(Length::Fill)
        .style(theme::view);
        let actions = if self.confirm_close {
            row![
                text(fl!("compose-unsaved"))
                    .size(size::BODY)
                    .width(Length::Fill),
                button(text(fl!("compose-discard")).size(size::BODY))
                    .on_press(Message::Discard)
                    .padding([6.0, gap::M])
                    .style(theme::danger),
                button(text(fl!("compose-keep-editing")).size(size::BODY))
                    .on_press(Message::KeepEditing)
                    .padding([6.0, gap::M])
                    .style(theme::secondary),
            ]
        } else {
            row![
                button(
                    row![
                        icon::view(Icon::Send, 16.0, Ink::OnAccent),
                        text(fl!("compose-send")).size(size::BODY)
                    ]
                    .spacing(gap::S)
                    .align_y(Alignment::Center)
                )
                .on_press_maybe((!self.sending).then_some(Message::Send))
                .padding([6.0, gap::M])
                .style(theme::primary),
                button(
                    row![
                        icon::view(Icon::Attachment, 16.0, Ink::Text),
                        text(fl!("compose-attach-browse")).size(size::BODY)
                    ]
                    .spacing(gap::S)
                    .align_y(Alignment::Center)
                )
                .on_press(Message::Browse)
                .padding([6.0, gap::M])
                .style(theme::secondary),
                iced::widget::space().width(Length::Fill),
                button(text(fl!("compose-close")).size(size::BODY))
                    .on_press(Message::Close)
                    .padding([6.0, gap::M])
                    .style(theme::secondary),
            ]
        }
        .spacing(gap::S)
        .align_y(Alignment::Center);
        let top = container(column![actions, head].spacing(gap::M))
            .padding([gap::M, gap::L])
            .width(Length::Fill)
            .style(theme::window);
        column![
            top,
            iced::widget::rule::horizontal(1).style(theme::divider),
            body
        ]
        .width(Length::Fill)
        .height(Length::Fill)
        .into()
    }
}

/// The width of the labels before the fields.
const LABEL: f32 = 64.0;

fn muted(theme: &iced::Theme) -> text::Style {
    text::Style {
        color: Some(theme::colors(theme).muted),
    }
}

/// The body: the page itself, no frame.
fn body_style(theme: &iced::Theme, _status: text_editor::Status) -> text_editor::Style {
    let c = theme::colors(theme);
    text_editor::Style {
        background: iced::Background::Color(c.view),
        border: iced::Border::default(),
        placeholder: c.faint,
        value: c.text,
        selection: iced::Color { a: 0.3, ..c.accent },
    }
}

/// An identity in From: the account's name underneath, "Name <address>"
/// shown.
#[derive(Debug, Clone, PartialEq, Eq)]
struct FromChoice {
    name: String,
    label: String,
}

impl std::fmt::Display for FromChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label)
    }
}
