//! What the mailbox asks of the application, turned into work: engine
//! calls, the composer, the clipboard, links and saved attachments.

use std::sync::Arc;

use iced::Task;

use super::*;

impl App {
    pub(super) fn mailbox_action(
        &mut self,
        engine: Engine,
        action: mailbox::Action,
    ) -> Task<Message> {
        match action {
            mailbox::Action::None => Task::none(),
            mailbox::Action::Batch(actions) => Task::batch(
                actions
                    .into_iter()
                    .map(|a| self.mailbox_action(engine.clone(), a))
                    .collect::<Vec<_>>(),
            ),
            mailbox::Action::Copy(text) => {
                self.notices.push(fl!("reader-copied"));
                iced::clipboard::write(text)
            }
            mailbox::Action::OpenLink(link) => {
                if let Err(e) = files::open_link(&link) {
                    self.notices.push(e);
                }
                Task::none()
            }
            mailbox::Action::Run(task) => task.map(Message::Mailbox),
            mailbox::Action::Compose(kind) => {
                let below = self.prefs.composing.reply == crate::preferences::ReplyAt::Below;
                let (account, draft, at_end) = match kind {
                    mailbox::Compose::New => (None, Draft::default(), false),
                    mailbox::Compose::Reply {
                        account,
                        original,
                        all,
                    } => {
                        let draft = match self.accounts.iter().find(|a| a.name == account) {
                            Some(a) if below => {
                                compose::below_quote(compose::reply(a, &original, all))
                            }
                            Some(a) => compose::reply(a, &original, all),
                            None => Draft::default(),
                        };
                        (Some(account), draft, below)
                    }
                    mailbox::Compose::Resend { account, draft } => (Some(account), *draft, false),
                    mailbox::Compose::Forward {
                        account,
                        original,
                        raw,
                    } => (
                        Some(account),
                        compose::forward(&original, &raw, false),
                        false,
                    ),
                    mailbox::Compose::Edit {
                        account,
                        draft,
                        replaces,
                    } => {
                        let mut composer = self.new_composer(Some(account), *draft);
                        composer.replaces = Some(replaces);
                        self.composer = Some(composer);
                        return self.composer_focus();
                    }
                };
                let mut composer = self.new_composer(account, draft);
                if at_end {
                    // Below the quote: the cursor where the reply begins.
                    composer
                        .body
                        .perform(iced::widget::text_editor::Action::Move(
                            iced::widget::text_editor::Motion::DocumentEnd,
                        ));
                }
                self.composer = Some(composer);
                self.composer_focus()
            }
            mailbox::Action::FetchBody { account, id } => Task::perform(
                async move {
                    engine
                        .body(&account, id)
                        .await
                        .map(Arc::new)
                        .map_err(|e| crate::i18n::say(&e))
                },
                move |result| Message::Mailbox(mailbox::Message::BodyLoaded(id, result)),
            ),
            mailbox::Action::Flag {
                account,
                id,
                change,
            } => Task::perform(
                async move {
                    engine.set_flag_here(&account, id, change).await?;
                    Ok(account)
                },
                |done: Result<String, crate::engine::Error>| {
                    Message::ActedHere(done.map_err(|e| crate::i18n::say(&e)))
                },
            ),
            mailbox::Action::Delete {
                account,
                id,
                permanently,
                from,
            } => {
                if !permanently && !from.is_empty() {
                    self.offer_undo(
                        fl!("toast-deleted"),
                        Undo::Move {
                            account: account.clone(),
                            id,
                            folder: from,
                        },
                    );
                }
                Task::perform(
                    async move {
                        if permanently {
                            engine.delete_permanently_here(&account, id).await?;
                        } else {
                            engine.delete_here(&account, id).await?;
                        }
                        Ok(account)
                    },
                    |done: Result<String, crate::engine::Error>| {
                        Message::ActedHere(done.map_err(|e| crate::i18n::say(&e)))
                    },
                )
            }
            mailbox::Action::Settings => {
                let mut settings = settings::State::new(self.prefs.clone());
                settings.trusted = self
                    .mailbox
                    .as_ref()
                    .map(|m| m.trusted_senders())
                    .unwrap_or_default();
                self.settings = Some(settings);
                Task::none()
            }
            mailbox::Action::Refresh => self.sync_now(),
            mailbox::Action::Move {
                account,
                id,
                folder,
                from,
            } => {
                let shown = crate::net::imap::mutf7::display(&folder);
                self.offer_undo(
                    fl!("toast-moved", folder = shown),
                    Undo::Move {
                        account: account.clone(),
                        id,
                        folder: from,
                    },
                );
                self.move_message(engine, account, id, folder)
            }
            mailbox::Action::Bulk { ids, what } => self.bulk(engine, ids, what),
            mailbox::Action::MarkAllRead(scope) => Task::perform(
                async move {
                    engine
                        .mark_all_read_here(scope)
                        .await
                        .map_err(|e| crate::i18n::say(&e))
                },
                Message::MarkedAllRead,
            ),
            mailbox::Action::CheckReceipt(id) => Task::perform(
                async move { engine.receipt_request(id).await.ok().flatten() },
                move |to| {
                    Message::Mailbox(mailbox::Message::Delivery(
                        mailbox::DeliveryMsg::ReceiptAsked(id, to),
                    ))
                },
            ),
            mailbox::Action::AnswerReceipt { id, send } => Task::perform(
                async move {
                    let queued = engine
                        .answer_receipt(id, send)
                        .await
                        .map_err(|e| crate::i18n::say(&e))?;
                    if let Some(outbox) = queued
                        && let Ok(item) = engine.outbox_item(outbox).await
                    {
                        // Kept in the outbox if the server cannot take it now.
                        let _ = engine.send_queued(&item.account).await;
                    }
                    Ok(())
                },
                Message::Synced,
            ),
            mailbox::Action::OutboxRetry(id) => Task::perform(
                async move {
                    engine
                        .outbox_retry(id)
                        .await
                        .map_err(|e| crate::i18n::say(&e))?;
                    let account = engine
                        .outbox_item(id)
                        .await
                        .map_err(|e| crate::i18n::say(&e))?
                        .account;
                    engine
                        .send_queued(&account)
                        .await
                        .map_err(|e| crate::i18n::say(&e))?;
                    Ok(())
                },
                Message::Synced,
            ),
            mailbox::Action::OutboxDelete(id) => Task::perform(
                async move {
                    engine
                        .outbox_cancel(id)
                        .await
                        .map_err(|e| crate::i18n::say(&e))
                },
                Message::Synced,
            ),
            mailbox::Action::SaveAttachment { name, data, open } => Task::perform(
                async move { save_attachment(&name, &data, open) },
                Message::AttachmentSaved,
            ),
        }
    }
}

/// What Undo puts back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Undo {
    /// A message into the folder it came from.
    Move {
        account: String,
        id: i64,
        folder: String,
    },
    /// Messages "mark all as read" read, unread again (and the accounts
    /// to tell).
    Unread {
        ids: Vec<i64>,
        accounts: Vec<String>,
    },
    /// A message sent within the undo delay: taken out of the outbox
    /// before it went, and back in the composer.
    Send {
        id: i64,
        account: String,
        draft: Box<Draft>,
    },
}

/// What a bulk action did: the accounts to push, what Undo puts back,
/// and how many it moved.
#[derive(Debug, Clone, Default)]
pub struct BulkDone {
    pub accounts: Vec<String>,
    pub undo: Vec<Undo>,
    pub moved: usize,
    pub failed: Vec<String>,
}

/// A short note at the bottom of the window, with Undo while it shows.
#[derive(Debug, Clone)]
pub struct Toast {
    pub text: String,
    pub undo: Vec<Undo>,
    pub since: std::time::Instant,
    /// How long it stays ([`TOAST_FOR`], or a Send's undo delay).
    pub lasts: std::time::Duration,
}

/// How long a toast (and its Undo) stays.
pub const TOAST_FOR: std::time::Duration = std::time::Duration::from_secs(8);

impl App {
    /// A composer for `draft` from `account` (or the first), with every
    /// identity, the user's format, and the reader's page renderer for
    /// its preview.
    pub(super) fn new_composer(&self, account: Option<String>, draft: Draft) -> composer::State {
        let names: Vec<String> = self.accounts.iter().map(|a| a.name.clone()).collect();
        let markdown = self.prefs.composing.format == crate::preferences::Format::Markdown;
        let (renderer, width) = match &self.mailbox {
            Some(m) => (Some(m.renderer()), m.window_size().width),
            None => (None, 1000.0),
        };
        composer::State::new(names, account, draft)
            .with_identities(&self.accounts)
            .with_format(markdown, renderer, self.is_dark(), width)
    }

    /// Shows `text` with an Undo that puts the message back.
    fn offer_undo(&mut self, text: String, undo: Undo) {
        self.toast = Some(Toast {
            text,
            undo: vec![undo],
            since: std::time::Instant::now(),
            lasts: TOAST_FOR,
        });
    }

    /// Moves a message here at once; the server hears of it next.
    pub(super) fn move_message(
        &mut self,
        engine: Engine,
        account: String,
        id: i64,
        folder: String,
    ) -> Task<Message> {
        Task::perform(
            async move {
                engine.move_here(&account, id, &folder).await?;
                Ok(account)
            },
            |done: Result<String, crate::engine::Error>| {
                Message::ActedHere(done.map_err(|e| crate::i18n::say(&e)))
            },
        )
    }

    /// Undo in the toast: the messages go back where they were.
    pub(super) fn undo(&mut self) -> Task<Message> {
        let undo = self.toast.take().map(|t| t.undo).unwrap_or_default();
        let Some(engine) = self.engine() else {
            return Task::none();
        };
        let undone: Vec<Task<Message>> = undo
            .into_iter()
            .map(|u| match u {
                Undo::Move {
                    account,
                    id,
                    folder,
                } => self.move_message(engine.clone(), account, id, folder),
                Undo::Send { id, account, draft } => {
                    let engine = engine.clone();
                    Task::perform(
                        async move {
                            engine
                                .outbox_cancel(id)
                                .await
                                .map(|()| (account, draft))
                                .map_err(|_| fl!("toast-send-undone-late"))
                        },
                        Message::SendUndone,
                    )
                }
                Undo::Unread { ids, accounts } => {
                    let engine = engine.clone();
                    Task::perform(
                        async move {
                            engine
                                .mark_unread_again_here(ids)
                                .await
                                .map_err(|e| crate::i18n::say(&e))?;
                            Ok(crate::engine::mail::Marked {
                                ids: Vec::new(),
                                accounts,
                            })
                        },
                        Message::MarkedAllRead,
                    )
                }
            })
            .collect();
        Task::batch(undone)
    }

    /// "Mark all as read" (or its Undo) is in the store: the toast offers
    /// Undo when messages changed, the list and counts are read again, and
    /// the servers hear of it.
    pub(super) fn marked_all_read(
        &mut self,
        done: Result<crate::engine::mail::Marked, String>,
    ) -> Task<Message> {
        let marked = match done {
            Ok(marked) => marked,
            Err(e) => {
                self.notice_once(e);
                return self.refresh();
            }
        };
        if !marked.ids.is_empty() {
            self.toast = Some(Toast {
                text: fl!("toast-marked-read", count = (marked.ids.len() as u64)),
                undo: vec![Undo::Unread {
                    ids: marked.ids,
                    accounts: marked.accounts.clone(),
                }],
                since: std::time::Instant::now(),
                lasts: TOAST_FOR,
            });
        }
        let mut tasks = vec![self.refresh()];
        if let Some(engine) = self.engine() {
            for account in marked.accounts {
                tasks.push(push(engine.clone(), account));
            }
        }
        Task::batch(tasks)
    }

    /// Does `what` to every id, in the store at once (the server hears
    /// of it at the next push), and reports what Undo would put back.
    pub(super) fn bulk(
        &mut self,
        engine: Engine,
        ids: Vec<i64>,
        what: mailbox::Bulk,
    ) -> Task<Message> {
        Task::perform(
            async move {
                let mut done = BulkDone::default();
                let Ok(store) = engine.store() else {
                    return done;
                };
                for id in ids {
                    let Ok(row) = store.run(move |s| s.message(id)).await else {
                        continue;
                    };
                    let account = row.account.clone();
                    let target = match &what {
                        mailbox::Bulk::Move(folder) => Some(folder.clone()),
                        mailbox::Bulk::Role(role) => {
                            let (name, role) = (account.clone(), *role);
                            match store.run(move |s| s.folder_by_role(&name, role)).await {
                                Ok(Some(folder)) => Some(folder.name),
                                // This account has none: it stays.
                                _ => continue,
                            }
                        }
                        _ => None,
                    };
                    let result = match (&what, target) {
                        (mailbox::Bulk::Flag(change), _) => {
                            engine.set_flag_here(&account, id, *change).await
                        }
                        (mailbox::Bulk::Delete, _) => engine.delete_here(&account, id).await,
                        (_, Some(folder)) if folder != row.folder => {
                            engine.move_here(&account, id, &folder).await
                        }
                        _ => continue,
                    };
                    match result {
                        Ok(()) => {
                            if !matches!(what, mailbox::Bulk::Flag(_)) {
                                done.moved += 1;
                                done.undo.push(Undo::Move {
                                    account: account.clone(),
                                    id,
                                    folder: row.folder.clone(),
                                });
                            }
                            if !done.accounts.contains(&account) {
                                done.accounts.push(account);
                            }
                        }
                        Err(e) => done.failed.push(crate::i18n::say(&e)),
                    }
                }
                done
            },
            Message::BulkDone,
        )
    }

    pub(super) fn bulk_done(&mut self, done: BulkDone) -> Task<Message> {
        if done.moved > 0 {
            self.toast = Some(Toast {
                text: fl!("toast-moved-many", count = (done.moved as u64)),
                undo: done.undo,
                since: std::time::Instant::now(),
                lasts: TOAST_FOR,
            });
        }
        if let Some(first) = done.failed.first() {
            self.notice_once(first.clone());
        }
        let Some(engine) = self.engine() else {
            return self.refresh();
        };
        let mut tasks = vec![self.refresh()];
        for account in done.accounts {
            tasks.push(push(engine.clone(), account));
        }
        Task::batch(tasks)
    }
}

/// Sends an account's pending actions to its server now; the answer says
/// whether they went or wait for the next sync.
pub(super) fn push(engine: Engine, account: String) -> Task<Message> {
    Task::perform(
        async move {
            engine
                .push(&account)
                .await
                .map_err(|e| crate::i18n::say(&e))
        },
        Message::Acted,
    )
}
