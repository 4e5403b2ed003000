//! The mailbox window: folders | message list | reader, in resizable
//! panes, with the toolbar and the search box. It reads from the local
//! store only; anything that needs the network goes up as an `Action`.

use std::sync::Arc;

use iced::Task;
use iced::widget::{pane_grid, text_editor};

use crate::engine::mail::FlagChange;

use crate::gui::ui_state::UiState;
use crate::gui::widget::{html_view, message_list};

mod delivery;
mod loading;
mod menu;
mod outbox_pane;
mod pictures;
mod pointer;
mod reading;
mod tools;
mod view;
use crate::message::Message as Parsed;
use crate::store::SharedStore;
use crate::store::folders::FolderSummary;
use crate::store::messages::Scope;
use crate::store::{FolderRole, MessageRow};
pub use delivery::{Msg as DeliveryMsg, resend_draft};
pub use pictures::Picture;
pub use pointer::Dragging;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Folders,
    List,
    Reader,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AccountFolders {
    pub account: String,
    pub folders: Vec<FolderSummary>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    Unified,
    Folder {
        account: String,
        id: i64,
        name: String,
    },
    Search(String),
    Outbox,
}

/// The outbox, and the headline delivery stage of each sent message that
/// reports spoke of.
pub type OutboxLoaded = (
    Vec<crate::store::outbox::Item>,
    std::collections::HashMap<i64, crate::store::delivery::Stage>,
);

/// An opened message in the reader.
#[derive(Debug)]
pub struct Opened {
    pub row: MessageRow,
    pub message: Parsed,
    pub raw: Arc<Vec<u8>>,
    /// The text shown; selectable and copyable, never editable.
    pub body: text_editor::Content,
    pub html_only: bool,
    pub has_remote: bool,
    /// The HTML body (or the text as a page) painted by the layout engine.
    pub html: Option<html_view::View>,
    /// Attached pictures decoded so far, shown under the text.
    pub pictures: Vec<Picture>,
}

#[derive(Debug, Default)]
pub enum Reader {
    #[default]
    Empty,
    Loading(i64),
    Ready(Box<Opened>),
    Failed(String),
}

pub struct State {
    store: SharedStore,
    panes: pane_grid::State<Pane>,
    pub folders: Vec<AccountFolders>,
    pub selection: Selection,
    pub list: message_list::State,
    pub search: String,
    pub reader: Reader,
    pub outbox: super::outbox::State,
    renderer: crate::render::Renderer,
    /// The window's size, to know the reader pane's width.
    window: iced::Size,
    /// The desktop prefers a dark theme.
    pub dark: bool,
    /// Senders whose remote content is always loaded (lower case).
    remote_senders: std::collections::HashSet<String>,
    /// The list is grouped by thread (folders and the unified Inbox; search
    /// results keep their own order).
    pub threads: bool,
    /// Shift+Delete asked to delete this message for good: the question
    /// stands until answered.
    pub confirm_delete: Option<ToDelete>,
    /// Each account's name and address, for the folder pane's headings.
    pub identities: std::collections::HashMap<String, Identity>,
    /// Accounts whose folders the user folded away in the folder pane.
    pub collapsed: std::collections::HashSet<String>,
    /// The reader shows every recipient, not "to me, +3".
    pub recipients_open: bool,
    /// The user's reading preferences.
    pub reading: crate::preferences::Reading,
    /// Ctrl and Shift as they are now, for clicks in the list.
    pub modifiers: iced::keyboard::Modifiers,
    /// The right-click menu, while open.
    pub menu: Option<menu::Menu>,
    /// Messages being dragged towards a folder.
    pub drag: Option<Dragging>,
    /// The opened message's conversation, oldest first (when the reader
    /// shows conversations).
    pub conversation: Vec<MessageRow>,
    /// Delivery records shown (a sent message's, in the reader).
    pub delivery: delivery::Shown,
}

/// Who an account speaks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub name: String,
    pub email: String,
}

/// A message waiting for the answer to "delete permanently?".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToDelete {
    pub account: String,
    pub id: i64,
    pub subject: String,
}

#[derive(Debug, Clone)]
pub enum Message {
    FoldersLoaded(Result<Vec<AccountFolders>, String>),
    Select(Selection),
    List(message_list::Message),
    RowsLoaded {
        generation: u64,
        result: Result<(u64, u64, Vec<MessageRow>), String>,
    },
    BodyLoaded(i64, Result<Arc<Vec<u8>>, String>),
    /// The body is not in the store yet: it must be downloaded.
    BodyNotCached(i64),
    ReaderAction(text_editor::Action),
    Resized(pane_grid::ResizeEvent),
    SearchChanged(String),
    SearchSubmitted,
    /// The search field's clear button.
    SearchCleared,
    Tool(Tool),
    /// "Delete permanently" answered yes or no.
    DeletePermanently(bool),
    MoveTo(String),
    /// Up/Down or J/K: the previous or next message in the list.
    Step(i64),
    SaveAttachment(usize),
    OpenAttachment(usize),
    OutboxLoaded(Result<OutboxLoaded, String>),
    Outbox(super::outbox::Message),
    OutboxEditLoaded(
        i64,
        String,
        Result<(Vec<u8>, Option<Box<crate::store::outbox::Item>>), String>,
    ),
    Html(html_view::Message),
    WindowResized(iced::Size),
    /// The "Group by thread" toggle.
    GroupByThread(bool),
    /// The desktop switched between a light and a dark theme.
    DarkTheme(bool),
    /// An account's heading in the folder pane was clicked: fold or unfold.
    ToggleAccount(String),
    /// The reader's recipients line: all of them, or in short.
    ToggleRecipients,
    /// Ctrl or Shift went down or up.
    Modifiers(iced::keyboard::Modifiers),
    /// Ctrl+A: every message of the list.
    PickAll,
    /// The ids of every message of the list, for Ctrl+A.
    AllPicked(u64, Vec<i64>),
    RemoteSendersLoaded(Vec<String>),
    /// The conversation of message `id`, oldest first.
    ConversationLoaded(i64, Vec<MessageRow>),
    /// Delivery records: loaded, shown in full, resent.
    Delivery(DeliveryMsg),
    /// A line of the conversation view clicked: that message opens.
    OpenInConversation(i64),
    /// An attached picture of message `id` decoded (or why not).
    PictureDecoded(i64, usize, Result<pictures::Decoded, String>),
    /// The "mark read after N seconds" delay for this message ended.
    MarkReadDue(i64),
    /// A right click on a folder (or the unified Inbox), where.
    FolderMenu(Selection, iced::Point),
    /// A click outside the open menu, or Escape.
    MenuClosed,
    MarkAllRead(Selection),
    /// While dragging: the pointer entered a folder (account, name)...
    DropTarget(String, String),
    /// ... or left it.
    DropLeft(String, String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    Compose,
    Reply,
    ReplyAll,
    Forward,
    Delete,
    /// Shift+Delete: for good, after a question.
    DeletePermanently,
    ToggleRead,
    ToggleFlag,
    /// Into the account's Archive or Junk folder.
    Archive,
    Junk,
    Refresh,
    Settings,
}

/// What is done to several picked messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bulk {
    Delete,
    /// Into this folder (by name, in each message's account).
    Move(String),
    /// Into each message's account's folder for the role.
    Role(FolderRole),
    Flag(FlagChange),
}

/// What the mailbox asks of the application.
pub enum Action {
    None,
    Run(Task<Message>),
    Batch(Vec<Action>),
    /// Put text on the clipboard.
    Copy(String),
    /// Open a link from a message (the user saw its target and agreed).
    OpenLink(String),
    /// Open the composer: a reply/forward of the opened message, or new.
    Compose(Compose),
    /// Download a body (not cached yet).
    FetchBody {
        account: String,
        id: i64,
    },
    Flag {
        account: String,
        id: i64,
        change: FlagChange,
    },
    Delete {
        account: String,
        id: i64,
        permanently: bool,
        /// The folder it was in (for Undo).
        from: String,
    },
    Refresh,
    Settings,
    Move {
        account: String,
        id: i64,
        folder: String,
        /// The folder it was in (for Undo).
        from: String,
    },
    /// The toolbar on several picked messages at once.
    Bulk {
        ids: Vec<i64>,
        what: Bulk,
    },
    /// Every unread message of a folder (or the unified Inbox) read.
    MarkAllRead(Scope),
    OutboxRetry(i64),
    OutboxDelete(i64),
    /// Does stored message `id` ask for a read receipt? (The engine looks.)
    CheckReceipt(i64),
    /// The user answered its request: the receipt goes, or none does.
    AnswerReceipt {
        id: i64,
        send: bool,
    },
    SaveAttachment {
        name: String,
        data: Vec<u8>,
        open: bool,
    },
}

pub enum Compose {
    New,
    Reply {
        account: String,
        original: Box<Parsed>,
        all: bool,
    },
    Forward {
        account: String,
        original: Box<Parsed>,
        raw: Arc<Vec<u8>>,
    },
    /// A queued or failed message, reopened; `replaces` goes once the new
    /// one is queued.
    Edit {
        account: String,
        draft: Box<crate::message::compose::Draft>,
        replaces: i64,
    },
    /// A sent message again, to the recipients whose copy bounced.
    Resend {
        account: String,
        draft: Box<crate::message::compose::Draft>,
    },
}

impl State {
    /// The mailbox as it was left (`ui`: pane widths, grouping, window).
    pub fn new(store: SharedStore, ui: &UiState) -> (Self, Task<Message>) {
        let panes = pane_grid::State::with_configuration(pane_grid::Configuration::Split {
            axis: pane_grid::Axis::Vertical,
            ratio: ui.folders_ratio,
            a: Box::new(pane_grid::Configuration::Pane(Pane::Folders)),
            b: Box::new(pane_grid::Configuration::Split {
                axis: pane_grid::Axis::Vertical,
                ratio: ui.list_ratio,
                a: Box::new(pane_grid::Configuration::Pane(Pane::List)),
                b: Box::new(pane_grid::Configuration::Pane(Pane::Reader)),
            }),
        });
        let state = Self {
            store,
            panes,
            folders: Vec::new(),
            selection: Selection::Unified,
            list: message_list::State::default(),
            search: String::new(),
            reader: Reader::Empty,
            outbox: super::outbox::State::default(),
            renderer: crate::render::Renderer::start(),
            window: iced::Size::new(ui.width, ui.height),
            dark: false,
            remote_senders: Default::default(),
            threads: ui.group_by_thread,
            confirm_delete: None,
            identities: Default::default(),
            collapsed: Default::default(),
            recipients_open: false,
            reading: Default::default(),
            modifiers: Default::default(),
            menu: None,
            drag: None,
            conversation: Vec::new(),
            delivery: delivery::Shown::default(),
        };
        // The list first: the store answers one at a time, and the rows
        // are what the window waits for (folder counts walk every folder).
        let task = Task::batch([
            state.reload_list(),
            state.load_folders(),
            state.load_outbox(),
            state.load_remote_senders(),
        ]);
        (state, task)
    }

    /// Where the dividers stand: the folders pane's share of the window,
    /// and the list's share of the rest.
    pub fn split_ratios(&self) -> (f32, f32) {
        let default = UiState::default();
        match self.panes.layout() {
            pane_grid::Node::Split { ratio, b, .. } => match b.as_ref() {
                pane_grid::Node::Split { ratio: inner, .. } => (*ratio, *inner),
                pane_grid::Node::Pane(_) => (*ratio, default.list_ratio),
            },
            pane_grid::Node::Pane(_) => (default.folders_ratio, default.list_ratio),
        }
    }

    /// Reloads folders, the outbox and the current list (after a sync or
    /// an action).
    pub fn refresh(&mut self) -> Task<Message> {
        Task::batch([self.load_folders(), self.load_outbox(), self.reload_list()])
    }

    /// The opened message, if any.
    pub fn opened(&self) -> Option<&Opened> {
        match &self.reader {
            Reader::Ready(o) => Some(o),
            _ => None,
        }
    }

    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::FoldersLoaded(Ok(folders)) => {
                self.folders = folders;
                Action::None
            }
            Message::FoldersLoaded(Err(e)) | Message::RowsLoaded { result: Err(e), .. } => {
                self.reader = Reader::Failed(e);
                Action::None
            }
            Message::Select(selection) => {
                self.list.recipients_first = match &selection {
                    Selection::Folder { account, id, .. } => self
                        .folders
                        .iter()
                        .filter(|a| a.account == *account)
                        .flat_map(|a| &a.folders)
                        .find(|f| f.folder.id == *id)
                        .is_some_and(|f| {
                            matches!(
                                f.folder.role,
                                Some(
                                    crate::store::FolderRole::Sent
                                        | crate::store::FolderRole::Drafts
                                )
                            )
                        }),
                    _ => false,
                };
                self.selection = selection;
                self.list.reset(0);
                Action::Run(self.reload_list())
            }
            Message::List(message_list::Message::Clicked(_))
                if self.modifiers.command() || self.modifiers.shift() =>
            {
                self.pointer(message)
            }
            Message::Modifiers(modifiers) => {
                self.modifiers = modifiers;
                Action::None
            }
            Message::List(message_list::Message::Menu(..) | message_list::Message::Drag(..))
            | Message::FolderMenu(..)
            | Message::MenuClosed
            | Message::MarkAllRead(_)
            | Message::DropTarget(..)
            | Message::DropLeft(..)
            | Message::PickAll
            | Message::AllPicked(..) => self.pointer(message),
            Message::List(msg) => {
                let clicked = match &msg {
                    message_list::Message::Clicked(id) => Some(*id),
                    _ => None,
                };
                if clicked.is_some() {
                    self.list.picked.clear();
                }
                if let Some((start, limit)) = self.list.update(msg) {
                    return Action::Run(self.load_rows(self.list.generation, start, limit));
                }
                match clicked {
                    Some(id) => self.open(id),
                    None => Action::None,
                }
            }
            Message::RowsLoaded {
                generation,
                result: Ok((total, start, rows)),
            } => {
                self.list.loaded(generation, total, start, rows);
                match self.list.wanted() {
                    Some((start, limit)) if self.list.total > 0 && !self.list.rows.is_empty() => {
                        Action::Run(self.load_rows(self.list.generation, start, limit))
                    }
                    _ => Action::None,
                }
            }
            Message::BodyLoaded(id, result) => {
                if !matches!(self.reader, Reader::Loading(wanted) if wanted == id) {
                    return Action::None;
                }
                match result {
                    Ok(raw) => self.show(id, raw),
                    Err(e) => {
                        self.reader = Reader::Failed(e);
                        Action::None
                    }
                }
            }
            Message::BodyNotCached(id) => match self.known_row(id) {
                Some(row) if matches!(self.reader, Reader::Loading(wanted) if wanted == id) => {
                    Action::FetchBody {
                        account: row.account.clone(),
                        id,
                    }
                }
                _ => Action::None,
            },
            Message::ReaderAction(action) => {
                // Select and copy, never edit: the message is what it is.
                if let (Reader::Ready(opened), false) = (&mut self.reader, action.is_edit()) {
                    opened.body.perform(action);
                }
                Action::None
            }
            Message::Resized(event) => {
                self.panes.resize(event.split, event.ratio);
                self.reflow()
            }
            Message::RemoteSendersLoaded(senders) => {
                self.remote_senders = senders.into_iter().collect();
                Action::None
            }
            Message::ToggleRecipients => {
                self.recipients_open = !self.recipients_open;
                Action::None
            }
            Message::ToggleAccount(account) => {
                if !self.collapsed.remove(&account) {
                    self.collapsed.insert(account);
                }
                Action::None
            }
            Message::DarkTheme(dark) => {
                // Takes effect with the next message opened.
                self.dark = dark;
                Action::None
            }
            Message::WindowResized(size) => {
                self.window = size;
                self.reflow()
            }
            Message::GroupByThread(on) => {
                self.threads = on;
                self.list.reset(0);
                Action::Run(self.reload_list())
            }
            Message::Html(message) => self.html_message(message),
            Message::SearchChanged(text) => {
                self.search = text;
                Action::None
            }
            Message::SearchSubmitted => {
                let query = self.search.trim().to_owned();
                let selection = if query.is_empty() {
                    Selection::Unified
                } else {
                    Selection::Search(query)
                };
                self.update(Message::Select(selection))
            }
            Message::SearchCleared => {
                self.search.clear();
                if matches!(self.selection, Selection::Search(_)) {
                    self.update(Message::Select(Selection::Unified))
                } else {
                    Action::None
                }
            }
            Message::MarkReadDue(id) => self.mark_read_due(id),
            Message::Delivery(m) => self.delivery_message(m),
            Message::ConversationLoaded(id, rows) => {
                if self.opened().is_some_and(|o| o.row.id == id) {
                    self.conversation = rows;
                }
                Action::None
            }
            Message::OpenInConversation(id) => {
                if self.list.row(id).is_some() {
                    self.list.picked.clear();
                    self.list.selected = Some(id);
                }
                self.open(id)
            }
            Message::PictureDecoded(id, attachment, result) => {
                self.picture_decoded(id, attachment, result);
                Action::None
            }
            Message::Tool(tool) => {
                // A menu entry was chosen (or a key pressed): the menu goes.
                self.menu = None;
                self.tool(tool)
            }
            Message::DeletePermanently(yes) => match self.confirm_delete.take() {
                Some(ToDelete { account, id, .. }) if yes => {
                    self.remove_shown(id);
                    Action::Delete {
                        account,
                        id,
                        permanently: true,
                        from: String::new(),
                    }
                }
                _ => Action::None,
            },
            Message::Step(delta) => {
                let at = self
                    .list
                    .selected
                    .and_then(|id| self.list.rows.iter().position(|r| r.id == id));
                let next = match at {
                    Some(i) => i as i64 + delta,
                    None => 0,
                };
                match usize::try_from(next)
                    .ok()
                    .and_then(|i| self.list.rows.get(i))
                {
                    Some(row) => {
                        let id = row.id;
                        self.list.selected = Some(id);
                        self.open(id)
                    }
                    None => Action::None,
                }
            }
            Message::MoveTo(folder) if !self.list.picked.is_empty() => {
                self.act_on_picked(Bulk::Move(folder))
            }
            Message::MoveTo(folder) => match self.current_row() {
                Some(row) => {
                    let id = row.id;
                    self.move_shown(id, folder)
                }
                None => Action::None,
            },
            message @ (Message::OutboxLoaded(_)
            | Message::Outbox(_)
            | Message::OutboxEditLoaded(..)) => self.outbox_message(message),
            Message::SaveAttachment(i) | Message::OpenAttachment(i) => {
                let open = matches!(message, Message::OpenAttachment(_));
                let Some(o) = self.opened() else {
                    return Action::None;
                };
                let Some(part) = o.message.attachments.get(i) else {
                    return Action::None;
                };
                match crate::message::part_bytes(&o.raw, part.index) {
                    Some(data) => Action::SaveAttachment {
                        name: part.name.clone().unwrap_or_else(|| "attachment".into()),
                        data,
                        open,
                    },
                    None => Action::None,
                }
            }
        }
    }

    /// A message's row: from the list, or from the conversation shown
    /// (which also holds messages of other folders, such as Sent).
    pub(super) fn known_row(&self, id: i64) -> Option<&MessageRow> {
        self.list
            .row(id)
            .or_else(|| self.conversation.iter().find(|r| r.id == id))
    }

    fn open(&mut self, id: i64) -> Action {
        if self.known_row(id).is_none() {
            return Action::None;
        }
        self.reader = Reader::Loading(id);
        let store = self.store.clone();
        let cached = Task::perform(
            async move {
                // As `Engine::body`: on this thread, and the sync does not
                // give way for a read.
                store
                    .run_here(move |s| s.body(id))
                    .await
                    .map_err(|e| crate::i18n::say(&e))
            },
            move |result| match result {
                Ok(Some(raw)) => Message::BodyLoaded(id, Ok(Arc::new(raw))),
                Ok(None) => Message::BodyNotCached(id),
                Err(e) => Message::BodyLoaded(id, Err(e)),
            },
        );
        Action::Run(cached)
    }

    /// Message `id` (a known row) to `folder`: off the list at once, the
    /// move asked of the application with where it came from, for Undo.
    pub(super) fn move_shown(&mut self, id: i64, folder: String) -> Action {
        let Some(row) = self.known_row(id) else {
            return Action::None;
        };
        if row.folder == folder {
            return Action::None;
        }
        let (account, from) = (row.account.clone(), row.folder.clone());
        self.remove_shown(id);
        Action::Move {
            account,
            id,
            folder,
            from,
        }
    }

    /// A deleted message leaves the reader and the list at once.
    fn remove_shown(&mut self, id: i64) {
        if self.opened().is_some_and(|o| o.row.id == id) {
            self.reader = Reader::Empty;
        }
        self.list.rows.retain(|r| r.id != id);
        self.list.total = self.list.total.saturating_sub(1);
    }

    /// Takes the accounts' names and addresses for the folder pane.
    pub fn set_identities(&mut self, accounts: &[crate::account::Account]) {
        self.identities = accounts
            .iter()
            .map(|a| {
                (
                    a.name.clone(),
                    Identity {
                        name: a.display_name.clone(),
                        email: a.email.clone(),
                    },
                )
            })
            .collect();
    }

    /// The senders whose remote content always loads, in order.
    pub fn trusted_senders(&self) -> Vec<String> {
        let mut all: Vec<String> = self.remote_senders.iter().cloned().collect();
        all.sort();
        all
    }

    /// Takes a sender off the trusted list, here and in the store.
    pub fn forget_sender(&mut self, sender: String) -> Task<Message> {
        self.remote_senders.remove(&sender);
        let store = self.store.clone();
        Task::future(async move {
            if let Err(error) = store.run(move |s| s.forbid_remote_from(&sender)).await {
                tracing::warn!(%error, "the sender could not be forgotten");
            }
        })
        .discard()
    }

    /// The page renderer the reader paints with (the composer's preview
    /// uses it too).
    pub fn renderer(&self) -> crate::render::Renderer {
        self.renderer.clone()
    }

    pub fn window_size(&self) -> iced::Size {
        self.window
    }

    /// The server name of `account`'s folder for `role`, if it has one.
    pub fn role_folder(&self, account: &str, role: FolderRole) -> Option<String> {
        self.folders
            .iter()
            .filter(|a| a.account == account)
            .flat_map(|a| &a.folders)
            .find(|f| f.folder.role == Some(role))
            .map(|f| f.folder.name.clone())
    }
}

pub use crate::i18n::role_name as role_label;

pub fn human_size(bytes: u64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < 1024 * 1024 => format!("{:.0} KB", b as f64 / 1024.0),
        b => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
    }
}
