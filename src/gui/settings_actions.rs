//! What the preferences screen asks of the application: preferences
//! applied and saved, accounts added, edited and removed, trusted senders
//! forgotten.

use iced::Task;

use super::*;

impl App {
    pub(super) fn settings_message(&mut self, message: settings::Message) -> Task<Message> {
        let engine = self.engine();
        let Some(state) = &mut self.settings else {
            return Task::none();
        };
        match state.update(message) {
            settings::Action::None => Task::none(),
            settings::Action::Save(prefs) => {
                // At once on screen; then into the settings file.
                self.prefs = prefs.clone();
                self.apply_preferences();
                let list = match &mut self.mailbox {
                    Some(m) => m.refresh().map(Message::Mailbox),
                    None => Task::none(),
                };
                let save = match engine {
                    Some(engine) => Task::perform(
                        async move {
                            engine
                                .set_preferences(prefs)
                                .await
                                .map_err(|e| crate::i18n::say(&e))
                        },
                        Message::PreferencesSaved,
                    ),
                    None => Task::none(),
                };
                Task::batch([list, save])
            }
            settings::Action::Forget(sender) => match &mut self.mailbox {
                Some(m) => m.forget_sender(sender).map(Message::Mailbox),
                None => Task::none(),
            },
            settings::Action::Close => {
                self.settings = None;
                Task::none()
            }
            settings::Action::Add => {
                self.setup = Some(account_setup::State::new());
                Task::none()
            }
            settings::Action::Edit(name) => {
                if let Some(account) = self.accounts.iter().find(|a| a.name == name) {
                    let mut setup = account_setup::State::editing(account);
                    // The folders the window already shows, to pick from.
                    setup.folders = self
                        .mailbox
                        .as_ref()
                        .and_then(|m| m.folders.iter().find(|f| f.account == name))
                        .map(|f| {
                            f.folders
                                .iter()
                                .filter(|f| f.folder.role != Some(crate::store::FolderRole::Inbox))
                                .map(|f| f.folder.display_name.clone())
                                .collect()
                        })
                        .unwrap_or_default();
                    self.setup = Some(setup);
                }
                Task::none()
            }
            settings::Action::Remove(name) => match engine {
                Some(engine) => Task::perform(
                    async move {
                        engine
                            .remove_account(&name)
                            .await
                            .map_err(|e| crate::i18n::say(&e))?;
                        Ok(engine.accounts())
                    },
                    Message::Saved,
                ),
                None => Task::none(),
            },
        }
    }
}
