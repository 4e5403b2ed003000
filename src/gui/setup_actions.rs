//! What account setup asks of the application: discovery, connection
//! tests, and saving the account.

use iced::Task;

use super::*;

impl App {
    pub(super) fn setup_message(&mut self, message: account_setup::Message) -> Task<Message> {
        let Some(engine) = self.engine() else {
            return Task::none();
        };
        let Some(setup) = &mut self.setup else {
            return Task::none();
        };
        match setup.update(message) {
            account_setup::Action::None => Task::none(),
            account_setup::Action::Cancel => {
                self.setup = None;
                Task::none()
            }
            account_setup::Action::Discover { email, password } => Task::perform(
                async move { discover(&email, &password).await },
                Message::Discovered,
            ),
            account_setup::Action::Confirm {
                account,
                password,
                policy,
            } => Task::perform(
                confirm_found(*account, password, policy),
                Message::Confirmed,
            ),
            account_setup::Action::SignIn { account } => Task::perform(
                async move {
                    let mut account = *account;
                    crate::oauth::signin::sign_in(
                        &mut account,
                        crate::browser::open_in_background,
                        crate::oauth::signin::SIGN_IN_TIME,
                    )
                    .await
                    .map_err(|e| crate::i18n::say(&e))?;
                    Ok(Box::new(account))
                },
                Message::SetupSignedIn,
            ),
            account_setup::Action::Test { account, password } => Task::perform(
                async move { test_account(&account, password).await },
                Message::Tested,
            ),
            account_setup::Action::Save { account, password } => {
                let editing = setup.original.is_some();
                Task::perform(
                    async move {
                        let password = (!password.is_empty()).then_some(Password(password));
                        if editing {
                            engine.edit_account(*account, password).await
                        } else {
                            engine.add_account(*account, password).await
                        }
                        .map_err(|e| crate::i18n::say(&e))?;
                        Ok(engine.accounts())
                    },
                    Message::Saved,
                )
            }
        }
    }

    pub(super) fn saved(&mut self, result: Result<Vec<Account>, String>) -> Task<Message> {
        match result {
            Ok(accounts) => {
                self.accounts_changed(accounts);
                self.setup = None;
                self.refresh()
            }
            Err(e) => {
                if let Some(s) = &mut self.setup {
                    s.busy = false;
                    s.error = Some(e);
                }
                Task::none()
            }
        }
    }
}
