//! The reader side of the mailbox: a body arrives and is shown (its HTML
//! sent to the render thread), the page follows the pane's width, and what
//! happens in the painted page becomes the mailbox's actions.

use std::sync::Arc;

use iced::Task;
use iced::widget::text_editor;

use super::{Action, Message, Opened, Pane, Reader, State};
use crate::engine::mail::FlagChange;
use crate::gui::widget::html_view;
use crate::preferences::RemoteContent;
use crate::store::Flags;

impl State {
    /// A body arrived, from the store or the server.
    pub(super) fn show(&mut self, id: i64, raw: Arc<Vec<u8>>) -> Action {
        let Some(row) = self.known_row(id).cloned() else {
            return Action::None;
        };
        match crate::message::parse(&raw) {
            Ok(message) => {
                let html_only = message.text.is_none() && message.html.is_some();
                let has_remote = message
                    .html
                    .as_deref()
                    .is_some_and(crate::message::html::has_remote_content);
                let body = match &message.text {
                    Some(t) => t.clone(),
                    None => crate::message::search_text(&message),
                };
                let unread = !row.flags.has(Flags::SEEN);
                let account = row.account.clone();
                let mut render = Action::None;
                let policy = self.reading.remote_content;
                let html = message.html.is_some().then(|| {
                    let (mut view, task) = html_view::View::open(
                        &self.renderer,
                        id as u64,
                        Arc::new(message.clone()),
                        Arc::clone(&raw),
                        self.reader_width(),
                        self.dark,
                        |sender| {
                            policy == RemoteContent::Always || self.remote_senders.contains(sender)
                        },
                    );
                    // "Never": held back without a bar offering it.
                    view.offer_remote = policy == RemoteContent::Ask;
                    render = Action::Run(task.map(Message::Html));
                    view
                });
                // Text rather than the page, when the user prefers it and
                // there is text.
                let html = html.map(|mut view| {
                    view.as_text = self.reading.prefer_plain_text && message.text.is_some();
                    view
                });
                let opened = Opened {
                    row,
                    message,
                    raw,
                    body: text_editor::Content::with_text(&body),
                    html_only,
                    has_remote,
                    html,
                    pictures: Vec::new(),
                };
                let pictures = self.decode_pictures(&opened);
                let talk = self.load_conversation(&opened.row);
                self.reader = Reader::Ready(Box::new(opened));
                let record = self.load_delivery(id);
                let render = Action::Batch(vec![render, Action::Run(pictures), talk, record]);
                if unread && self.reading.mark_read_on_open {
                    let delay = self.reading.mark_read_delay();
                    if !delay.is_zero() {
                        // Read only if still open then (`MarkReadDue`).
                        // The timer is made inside the task: `update`
                        // runs outside the runtime.
                        let due = Task::perform(
                            async move { tokio::time::sleep(delay).await },
                            move |()| Message::MarkReadDue(id),
                        );
                        return Action::Batch(vec![render, Action::Run(due)]);
                    }
                    return Action::Batch(vec![render, self.mark_read(account, id)]);
                }
                render
            }
            Err(e) => {
                self.reader = Reader::Failed(crate::i18n::say(&e));
                Action::None
            }
        }
    }

    /// Reads the opened message's conversation, unless the one shown
    /// already holds it (moving within a conversation keeps it).
    fn load_conversation(&mut self, row: &crate::store::MessageRow) -> Action {
        if !self.reading.conversation || row.thread_id == 0 {
            self.conversation.clear();
            return Action::None;
        }
        if self.conversation.iter().any(|r| r.id == row.id) {
            return Action::None;
        }
        self.conversation.clear();
        let (store, account, thread, id) = (
            self.store.clone(),
            row.account.clone(),
            row.thread_id,
            row.id,
        );
        Action::Run(Task::perform(
            async move {
                store
                    .run(move |s| s.conversation(&account, thread))
                    .await
                    .unwrap_or_default()
            },
            move |rows| Message::ConversationLoaded(id, rows),
        ))
    }

    /// Marks the opened message read, in the list at once.
    pub(super) fn mark_read(&mut self, account: String, id: i64) -> Action {
        if let Some(r) = self.list.row_mut(id) {
            r.flags = r.flags.with(Flags::SEEN, true);
        }
        Action::Flag {
            account,
            id,
            change: FlagChange::Seen(true),
        }
    }

    /// The delay before "mark read" ended: read if it is still the one open
    /// and still unread (the user may have marked it unread meanwhile... or
    /// read it by hand).
    pub(super) fn mark_read_due(&mut self, id: i64) -> Action {
        let still_open = self.opened().is_some_and(|o| o.row.id == id);
        match self.list.row(id) {
            Some(r) if still_open && !r.flags.has(Flags::SEEN) => {
                let account = r.account.clone();
                self.mark_read(account, id)
            }
            _ => Action::None,
        }
    }

    /// The reader pane's inner width in CSS pixels, from the window size
    /// and the pane splits.
    pub(super) fn reader_width(&self) -> u32 {
        let reader = self
            .panes
            .iter()
            .find(|(_, pane)| **pane == Pane::Reader)
            .map(|(id, _)| *id);
        let regions = self.panes.layout().pane_regions(0.0, 0.0, self.window);
        let width = reader
            .and_then(|id| regions.get(&id))
            .map_or(self.window.width * 0.45, |r| r.width);
        // The reader's padding on both sides and room for the scroll bar.
        (width - 2.0 * crate::gui::theme::gap::L - 14.0).max(1.0) as u32
    }

    /// The pane or window changed size: lay the open page out again.
    pub(super) fn reflow(&mut self) -> Action {
        let width = self.reader_width();
        match &mut self.reader {
            Reader::Ready(opened) => match &mut opened.html {
                Some(view) => Action::Run(view.resize(&self.renderer, width).map(Message::Html)),
                None => Action::None,
            },
            _ => Action::None,
        }
    }

    /// Something happened in the painted page.
    pub(super) fn html_message(&mut self, message: html_view::Message) -> Action {
        let Reader::Ready(opened) = &mut self.reader else {
            return Action::None;
        };
        let Some(view) = &mut opened.html else {
            return Action::None;
        };
        match view.update(&self.renderer, message) {
            html_view::Effect::None => Action::None,
            html_view::Effect::Run(task) => Action::Run(task.map(Message::Html)),
            html_view::Effect::Copy(text) => Action::Copy(text),
            html_view::Effect::Open(link) => Action::OpenLink(link),
            html_view::Effect::AllowSender(sender, relayout) => {
                self.remote_senders.insert(sender.clone());
                let store = self.store.clone();
                let remember = Task::future(async move {
                    if let Err(error) = store.run(move |s| s.allow_remote_from(&sender)).await {
                        tracing::warn!(%error, "the sender could not be remembered");
                    }
                })
                .discard();
                Action::Run(Task::batch([relayout.map(Message::Html), remember]))
            }
        }
    }
}
