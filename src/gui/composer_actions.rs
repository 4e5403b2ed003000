//! What the composer asks of the application: address lookups, the file
//! chooser, drafts saved, and sending.

use iced::Task;

use super::*;

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
            composer::Action::Send { account, draft } => {
                let Some(engine) = engine else {
                    return Task::none();
                };
                let (draft_id, replaces) = (composer.draft_id, composer.replaces);
                Task::perform(
                    async move {
                        // Committed to the outbox first: nothing is lost below.
                        let id = engine
                            .queue(&account, &draft)
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
                        let _ = engine.send_queued(&account).await;
                        let item = engine
                            .outbox_item(id)
                            .await
                            .map_err(|e| crate::i18n::say(&e))?;
                        Ok(match item.state {
                            crate::store::outbox::State::Sent => fl!("status-sent"),
                            crate::store::outbox::State::Failed => {
                                fl!("status-send-failed", reason = item.last_error)
                            }
                            _ => fl!("status-queued", reason = item.last_error),
                        })
                    },
                    Message::Sent,
                )
            }
        }
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
