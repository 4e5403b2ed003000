//! The window's side of the account workers (`worker.rs` runs them): their
//! handles, "Get mail", new settings, and what their reports change on
//! screen.

use iced::Task;

use super::*;

impl App {
    /// New settings from the engine: each worker whose account changed
    /// gets them; a removed account's worker stops with its subscription.
    pub(super) fn accounts_changed(&mut self, accounts: Vec<Account>) {
        for account in &accounts {
            let before = self.accounts.iter().find(|a| a.name == account.name);
            if before.is_some_and(|before| before != account)
                && let Some(handle) = self.workers.get(&account.name)
            {
                handle.send(crate::worker::Control::Settings(Box::new(account.clone())));
            }
        }
        self.workers
            .retain(|name, _| accounts.iter().any(|a| &a.name == name));
        if let Some(mailbox) = &mut self.mailbox {
            mailbox.set_identities(&accounts);
        }
        self.accounts = accounts;
    }

    /// "Get mail": every worker syncs now; their reports end the status.
    pub(super) fn sync_now(&mut self) -> Task<Message> {
        let mut asked = 0;
        for handle in self.workers.values() {
            if handle.send(crate::worker::Control::SyncNow) {
                asked += 1;
            }
        }
        if asked > 0 {
            self.progress = Some(fl!("status-syncing"));
        }
        Task::none()
    }

    pub(super) fn worker_event(&mut self, event: worker::Event) -> Task<Message> {
        use crate::worker::Event as Report;
        let event = match event {
            worker::Event::Ready { account, handle } => {
                self.workers.insert(account, handle);
                return Task::none();
            }
            worker::Event::Report(event) => event,
        };
        match event {
            Report::Sync(SyncEvent::Progress(p)) => {
                self.progress = (p.eta_seconds != Some(0)).then(|| {
                    let stage = match p.stage {
                        Stage::Headers => "headers",
                        Stage::Bodies => "bodies",
                    };
                    let mut line = fl!(
                        "status-progress",
                        account = p.account,
                        folder = crate::net::imap::mutf7::display(&p.folder),
                        stage = stage,
                        done = p.messages_done,
                        total = p.messages_total
                    );
                    if let Some(eta) = p.eta_seconds {
                        line.push_str(&format!(" · {}", fl!("status-eta", seconds = eta)));
                    }
                    line
                });
                Task::none()
            }
            Report::Sync(SyncEvent::NewMail {
                account,
                folder,
                ids,
            }) => {
                self.progress = None;
                let notify = match &self.store {
                    Some(store) if self.prefs.notifications.for_account(&account) => {
                        notify_new_mail(store.clone(), account, folder, ids)
                    }
                    _ => Task::none(),
                };
                Task::batch([self.refresh(), notify, self.check_bounces()])
            }
            Report::Synced { .. } => {
                self.progress = None;
                Task::batch([self.refresh(), self.check_bounces()])
            }
            Report::Outbox { .. } => {
                self.progress = None;
                self.refresh()
            }
            Report::Watching { .. } => Task::none(),
            // The server's own rule (POP3 LOGIN-DELAY), kept without a
            // word: the mail comes at the next allowed login.
            Report::Waiting {
                account, seconds, ..
            } => {
                self.progress = None;
                tracing::info!("{account}: the server allows a login every {seconds} s");
                Task::none()
            }
            Report::Failed { account, error, .. } => {
                self.progress = None;
                if error.needs_sign_in() {
                    self.needs_sign_in(account, crate::i18n::say(&*error));
                } else {
                    self.notice_once(format!("{account}: {}", crate::i18n::say(&*error)));
                }
                Task::none()
            }
        }
    }
}
