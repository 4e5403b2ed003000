//! What the composer asks of the application: address lookups, the file
//! chooser, drafts saved, and sending.

use iced::Task;

use super::*;
use crate::store::outbox::When;

/// A message the composer put in the outbox, and how it is to go.
#[derive(Debug, Clone)]
pub struct Queued {
    pub id: i64,
    pub account: String,
    /// Kept for Undo, which brings the composer back with it.
    pub draft: Box<Draft>,
    pub when: When,
}

/// Sends what is due for `account` and says what became of message `id`;
/// `None` when it is no longer in the outbox (Undo took it back).
async fn send_now(engine: &Engine, account: &str, id: i64) -> Result<Option<String>, String> {
    match engine.outbox_item(id).await {
        Err(_) => return Ok(None),
        // The undo delay is over: only now may a worker send it too.
        Ok(item) if item.undo_until.is_some() => {
            if !engine.confirm_send(id).await.unwrap_or(false) {
                return Ok(None);
            }
        }
        Ok(_) => {}
    }
    let _ = engine.send_queued(account).await;
    let item = engine
        .outbox_item(id)
        .await
        .map_err(|e| crate::i18n::say(&e))?;
    Ok(Some(match item.state {
        crate::store::outbox::State::Sent => fl!("status-sent"),
        crate::store::outbox::State::Failed => {
            fl!("status-send-failed", reason = item.last_error)
        }
        _ => fl!("status-queued", reason = item.last_error),
    }))
}

impl App {
    pub(super) fn composer_message(&mut self, message: composer::Message) -> Task<Message> {
        let engine = self.engine();
        let Some(composer) = &mut self.composer else {
            return Task::none();
        };
        match composer.update(message) {
            composer::Action::None => Task::none(),
            composer::Action::Run(task) => task.map(Message::Composer),
            composer::Action::Suggest { field, prefix } => match &self.store {
                Some(store) => {
                    let store = store.clone();
                    Task::perform(
                        async move {
                            let query = prefix.clone();
                            let found = store
                                .run(move |s| s.known_addresses(&query, 5))
                                .await
                                .unwrap_or_default();
                            (field, prefix, found)
                        },
                        |(field, prefix, found)| Message::Suggestions(field, prefix, found),
                    )
                }
                None => Task::none(),
            },
            composer::Action::PickFiles => files::pick_files(fl!("compose-attach-title"))
                .map(|picked| Message::Composer(composer::Message::Picked(picked))),
            composer::Action::Close => {
                self.composer = None;
                Task::none()
            }
            composer::Action::SaveAndClose => {
                let task = self.save_draft(true);
                self.composer = None;
                task
            }
            composer::Action::Discard => {
                let draft = self.composer.take().and_then(|c| c.draft_id);
                match (draft, self.engine()) {
                    (Some(id), Some(engine)) => Task::perform(
                        async move {
                            engine
                                .delete_draft(id)
                                .await
                                .map_err(|e| crate::i18n::say(&e))
                        },
                        |result| Message::Synced(result.map(drop)),
                    ),
                    _ => Task::none(),
                }
            }
            composer::Action::Send { account, draft, at } => {
                let Some(engine) = engine else {
                    return Task::none();
                };
                let (draft_id, replaces) = (composer.draft_id, composer.replaces);
                let undo = self.prefs.composing.undo_send();
                let when = match at {
                    Some(at) => When::At(at),
                    None if undo > 0 => When::UndoWithin(i64::from(undo)),
                    None => When::Now,
                };
                Task::perform(
                    async move {
                        // Committed to the outbox first: nothing is lost below.
                        let id = engine
                            .queue_at(&account, &draft, when)
                            .await
                            .map_err(|e| crate::i18n::say(&e))?;
                        if let Some(old) = replaces {
                            // The edited message replaces the one that did not go.
                            let _ = engine.outbox_cancel(old).await;
                        }
                        if let Some(draft_id) = draft_id {
                            // Queued: the draft has done its job, here and on the server.
                            let _ = engine.delete_draft(draft_id).await;
                        }
                        Ok(Queued {
                            id,
                            account,
                            draft,
                            when,
                        })
                    },
                    Message::Queued,
                )
            }
        }
    }

    /// The composer's message is in the outbox: sent now, after the undo
    /// delay (with Undo in the toast meanwhile), or at the chosen time.
    pub(super) fn queued(&mut self, result: Result<Queued, String>) -> Task<Message> {
        let queued = match result {
            Ok(queued) => queued,
            Err(e) => return self.sent(Err(e)),
        };
        let Some(engine) = self.engine() else {
            return Task::none();
        };
        self.composer = None;
        match queued.when {
            When::At(at) => {
                self.notices
                    .push(fl!("status-scheduled", when = crate::date::long(at)));
                self.refresh()
            }
            When::UndoWithin(seconds) => {
                self.toast = Some(mailbox_actions::Toast {
                    text: fl!("toast-sending", seconds = seconds),
                    undo: vec![mailbox_actions::Undo::Send {
                        id: queued.id,
                        account: queued.account.clone(),
                        draft: queued.draft,
                    }],
                    since: std::time::Instant::now(),
                    lasts: std::time::Duration::from_secs(seconds.unsigned_abs()),
                });
                let (account, id) = (queued.account, queued.id);
                let wait = std::time::Duration::from_secs(seconds.unsigned_abs());
                Task::batch([
                    self.refresh(),
                    Task::perform(
                        async move {
                            tokio::time::sleep(wait).await;
                            send_now(&engine, &account, id).await
                        },
                        Message::SentLater,
                    ),
                ])
            }
            When::Now => {
                let (account, id) = (queued.account, queued.id);
                Task::perform(
                    async move { send_now(&engine, &account, id).await },
                    Message::SentLater,
                )
            }
        }
    }

    /// What became of a message sent from the outbox (nothing to say when
    /// it was taken back meanwhile).
    pub(super) fn sent_later(&mut self, result: Result<Option<String>, String>) -> Task<Message> {
        match result {
            Ok(Some(note)) | Err(note) => self.notices.push(note),
            Ok(None) => {}
        }
        self.refresh()
    }

    /// Saves the composer's draft (autosave, or on close when asked).
    pub(super) fn save_draft(&mut self, force: bool) -> Task<Message> {
        let Some(engine) = self.engine() else {
            return Task::none();
        };
        let Some(composer) = &mut self.composer else {
            return Task::none();
        };
        let Some(account) = composer.from.clone() else {
            return Task::none();
        };
        if !(composer.unsaved || force) || composer.sending {
            return Task::none();
        }
        composer.unsaved = false;
        let (draft, id) = (composer.draft(), composer.draft_id);
        Task::perform(
            async move {
                engine
                    .save_draft(&account, &draft, id)
                    .await
                    .map_err(|e| crate::i18n::say(&e))
            },
            Message::DraftSaved,
        )
    }

    pub(super) fn sent(&mut self, result: Result<String, String>) -> Task<Message> {
        match result {
            Ok(note) => {
                self.composer = None;
                self.notices.push(note);
                self.refresh()
            }
            Err(e) => {
                // Not in the outbox (e.g. a bad address): keep the composer open.
                if let Some(c) = &mut self.composer {
                    c.sending = false;
                    c.error = Some(e);
                }
                Task::none()
            }
        }
    }
}
