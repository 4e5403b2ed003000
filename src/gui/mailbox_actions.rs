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
                let names: Vec<String> = self.accounts.iter().map(|a| a.name.clone()).collect();
                let (account, draft) = match kind {
                    mailbox::Compose::New => (None, Draft::default()),
                    mailbox::Compose::Reply {
                        account,
                        original,
                        all,
                    } => {
                        let draft = match self.accounts.iter().find(|a| a.name == account) {
                            Some(a) => compose::reply(a, &original, all),
                            None => Draft::default(),
                        };
                        (Some(account), draft)
                    }
                    mailbox::Compose::Forward {
                        account,
                        original,
                        raw,
                    } => (Some(account), compose::forward(&original, &raw, false)),
                    mailbox::Compose::Edit {
                        account,
                        draft,
                        replaces,
                    } => {
                        let mut composer = composer::State::new(names, Some(account), *draft)
                            .with_identities(&self.accounts);
                        composer.replaces = Some(replaces);
                        self.composer = Some(composer);
                        return self.composer_focus();
                    }
                };
                self.composer = Some(
                    composer::State::new(names, account, draft).with_identities(&self.accounts),
                );
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
            } => Task::perform(
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
            ),
            mailbox::Action::Settings => {
                self.settings = Some(settings::State::default());
                Task::none()
            }
            mailbox::Action::Refresh => self.sync_now(),
            mailbox::Action::Move {
                account,
                id,
                folder,
            } => Task::perform(
                async move {
                    engine.move_here(&account, id, &folder).await?;
                    Ok(account)
                },
                |done: Result<String, crate::engine::Error>| {
                    Message::ActedHere(done.map_err(|e| crate::i18n::say(&e)))
                },
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
