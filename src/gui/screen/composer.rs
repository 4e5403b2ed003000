//! The composer: From, To/Cc/Bcc with address checking, subject, body,
//! attachments (chosen in the system's file chooser, dropped on the window
//! or typed as a path). Send hands a draft to
//! the app, which commits it to the outbox; closing with changes asks.

use std::path::PathBuf;

use iced::widget::text_editor;

use crate::fl;
use crate::message::compose::{AttachmentSource, Draft};

mod format;
mod view;
pub use format::Format;

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
    /// The text is Markdown, sent with an HTML alternative made from it.
    pub markdown: bool,
    /// Ask the recipients for a read receipt (this message only).
    pub read_receipt: bool,
    /// Ask the servers to report delivery too (this message only).
    pub delivery_report: bool,
    /// The preview beside the text is asked for...
    pub preview_on: bool,
    /// ... and this is it, painted as the reader paints mail.
    preview: Option<crate::gui::widget::html_view::View>,
    preview_width: u32,
    renderer: Option<crate::render::Renderer>,
    dark: bool,
    /// Each identity's signature, for the preview.
    signatures: std::collections::HashMap<String, String>,
    /// "Send later": its choices are shown...
    pub later_open: bool,
    /// ... and the time typed there.
    pub later_text: String,
}

/// When "Send later" sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Later {
    TomorrowMorning,
    MondayMorning,
    /// The time typed in the field.
    Typed,
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
    /// Typed in an address field's box: the address not yet finished.
    Typed(Field, String),
    /// Enter in an address field: the first completion, or the address
    /// typed, becomes a chip.
    Finish(Field),
    /// A recipient chip's ×.
    Unchip(Field, usize),
    /// Plain text, or Markdown with an HTML alternative.
    Markdown(bool),
    ReadReceipt(bool),
    DeliveryReport(bool),
    Format(Format),
    Preview(bool),
    PreviewPage(crate::gui::widget::html_view::Message),
    /// "Send later…" opened or closed.
    LaterOpen(bool),
    LaterText(String),
    SendLater(Later),
}

pub enum Action {
    None,
    /// Work for the runtime (laying out the preview).
    Run(iced::Task<Message>),
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
        /// Send later: the time (Unix seconds) the user chose.
        at: Option<i64>,
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
        self.signatures = accounts
            .iter()
            .filter_map(|a| Some((a.name.clone(), a.signature.clone()?)))
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
            markdown: draft.markdown,
            read_receipt: draft.read_receipt,
            delivery_report: draft.delivery_report,
            preview_on: false,
            preview: None,
            preview_width: 480,
            renderer: None,
            dark: false,
            signatures: Default::default(),
            later_open: false,
            later_text: String::new(),
        }
    }

    /// Markdown by default (the user's preference) and the page renderer
    /// for the preview.
    pub fn with_format(
        mut self,
        markdown: bool,
        renderer: Option<crate::render::Renderer>,
        dark: bool,
        window_width: f32,
    ) -> Self {
        self.markdown = self.markdown || markdown;
        self.renderer = renderer;
        self.dark = dark;
        // The preview takes half the window, less its padding.
        self.preview_width = ((window_width / 2.0) as u32).saturating_sub(40).max(200);
        self
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
            markdown: self.markdown,
            attachments: self.attachments.clone(),
            in_reply_to: self.in_reply_to.clone(),
            references: self.references.clone(),
            message_id: self.message_id.clone(),
            read_receipt: self.read_receipt,
            delivery_report: self.delivery_report,
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
            | Message::Preview(_)
            | Message::PreviewPage(_)
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
            Message::Typed(field, v) => {
                let (chips, _) = recipients(self.field_mut(field));
                let value = joined(&chips, &v);
                return self.typed(field, value);
            }
            Message::Finish(field) => {
                if self.suggest_field == Some(field)
                    && let Some(first) = self.suggestions.first().cloned()
                {
                    return self.update(Message::Complete(first));
                }
                let value = self.field_mut(field);
                let (mut chips, tail) = recipients(value);
                let tail = tail.trim().to_owned();
                if !tail.is_empty() {
                    chips.push(tail);
                    *value = joined(&chips, "");
                }
                self.suggestions.clear();
            }
            Message::Unchip(field, i) => {
                let value = self.field_mut(field);
                let (mut chips, tail) = recipients(value);
                if i < chips.len() {
                    chips.remove(i);
                }
                let tail = tail.to_owned();
                *value = joined(&chips, &tail);
            }
            Message::Subject(v) => self.subject = v,
            Message::Body(action) => {
                let edited = action.is_edit();
                self.body.perform(action);
                if edited && self.preview_on {
                    return self.refresh_preview();
                }
            }
            Message::ReadReceipt(on) => {
                self.read_receipt = on;
                self.dirty = true;
            }
            Message::DeliveryReport(on) => {
                self.delivery_report = on;
                self.dirty = true;
            }
            Message::Markdown(on) => {
                self.markdown = on;
                if !on {
                    return self.show_preview(false);
                }
            }
            Message::Format(format) => {
                self.format(format);
                return self.refresh_preview();
            }
            Message::Preview(on) => return self.show_preview(on),
            Message::PreviewPage(page) => return self.preview_message(page),
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
            Message::Send => return self.send(None),
            Message::LaterOpen(open) => self.later_open = open,
            Message::LaterText(text) => self.later_text = text,
            Message::SendLater(later) => {
                let now = crate::schedule::now();
                let at = match later {
                    Later::TomorrowMorning => Ok(crate::schedule::tomorrow_morning(&now)),
                    Later::MondayMorning => Ok(crate::schedule::monday_morning(&now)),
                    Later::Typed => crate::schedule::parse(&self.later_text, &now),
                };
                let at = match at {
                    Ok(at) => at.as_second(),
                    Err(e) => {
                        self.error = Some(crate::i18n::say(&e));
                        return Action::None;
                    }
                };
                return self.send(Some(at));
            }
            Message::Close if self.dirty => self.confirm_close = true,
            Message::Close => return Action::Close,
            Message::Discard => return Action::Discard,
            Message::SaveAndClose => return Action::SaveAndClose,
            Message::KeepEditing => self.confirm_close = false,
        }
        Action::None
    }

    /// Send now (`at` unset) or at `at`, once the fields are ready.
    fn send(&mut self, at: Option<i64>) -> Action {
        match self.ready() {
            Some((account, draft)) => {
                self.sending = true;
                Action::Send {
                    account,
                    draft: Box::new(draft),
                    at,
                }
            }
            None => Action::None,
        }
    }

    /// The account and the draft to send, or why not (said in `error`).
    fn ready(&mut self) -> Option<(String, Draft)> {
        let bad: Vec<String> = [&self.to, &self.cc, &self.bcc]
            .iter()
            .flat_map(|f| Self::invalid(f))
            .collect();
        if !bad.is_empty() {
            self.error = Some(fl!("compose-bad-address", address = bad.join(", ")));
            return None;
        }
        let Some(account) = self.from.clone() else {
            self.error = Some(fl!("compose-no-account"));
            return None;
        };
        let draft = self.draft();
        if draft.to.is_empty() && draft.cc.is_empty() && draft.bcc.is_empty() {
            self.error = Some(fl!("compose-no-recipient"));
            return None;
        }
        Some((account, draft))
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
}

/// An address field's finished recipients (each ended by a comma or a
/// semicolon) and the one still being typed.
pub fn recipients(value: &str) -> (Vec<String>, &str) {
    match value.rfind([',', ';']) {
        Some(end) => (
            value[..end]
                .split([',', ';'])
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(str::to_owned)
                .collect(),
            value[end + 1..].trim_start(),
        ),
        None => (Vec::new(), value.trim_start()),
    }
}

/// The field's text again from its chips and what is being typed.
fn joined(chips: &[String], typing: &str) -> String {
    if chips.is_empty() {
        typing.to_owned()
    } else {
        format!("{}, {typing}", chips.join(", "))
    }
}
