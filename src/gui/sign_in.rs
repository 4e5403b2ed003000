//! The OAuth2 sign-in from the window: a bar for each account whose
//! sign-in is no longer valid (it does not block the rest of the window),
//! and its "Sign in" button, which runs the browser sign-in and wakes the
//! account's worker once it is done.

use iced::widget::{button, container, row, text};
use iced::{Element, Length, Task};

use super::*;

/// An account waiting for its user to sign in again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Needed {
    pub account: String,
    /// Why, in the server's or provider's words.
    pub reason: String,
    /// The browser is open for it.
    pub busy: bool,
}

pub(super) fn bar(needed: &Needed) -> Element<'_, Message> {
    let action: Element<'_, Message> = if needed.busy {
        text(fl!("sign-in-waiting")).size(theme::size::SMALL).into()
    } else {
        button(text(fl!("sign-in-button")).size(theme::size::SMALL))
            .on_press(Message::SignIn(needed.account.clone()))
            .padding([theme::gap::XXS, theme::gap::M])
            .style(theme::primary)
            .into()
    };
    container(
        container(
            row![
                // The sentence names the account and what to do.
                text(needed.reason.clone())
                    .size(theme::size::SMALL)
                    .width(Length::Fill),
                action,
            ]
            .spacing(theme::gap::M)
            .align_y(iced::Alignment::Center),
        )
        .padding([theme::gap::XS, theme::gap::M])
        .width(Length::Fill)
        .style(theme::banner(theme::Tone::Danger)),
    )
    .padding([theme::gap::XS, theme::gap::S])
    .style(theme::window)
    .into()
}

impl App {
    /// A worker stopped for want of a sign-in: one bar per account.
    pub(super) fn needs_sign_in(&mut self, account: String, reason: String) {
        match self.sign_ins.iter_mut().find(|n| n.account == account) {
            Some(known) if !known.busy => known.reason = reason,
            Some(_) => {}
            None => self.sign_ins.push(Needed {
                account,
                reason,
                busy: false,
            }),
        }
    }

    pub(super) fn sign_in(&mut self, account: String) -> Task<Message> {
        let Some(engine) = self.engine() else {
            return Task::none();
        };
        if let Some(needed) = self.sign_ins.iter_mut().find(|n| n.account == account) {
            needed.busy = true;
        }
        let name = account.clone();
        Task::perform(
            async move {
                engine
                    .sign_in(
                        &name,
                        crate::browser::open_in_background,
                        crate::oauth::signin::SIGN_IN_TIME,
                    )
                    .await
                    .map_err(|e| crate::i18n::say(&e))
            },
            move |result| Message::SignedIn(account.clone(), result),
        )
    }

    pub(super) fn signed_in(
        &mut self,
        account: String,
        result: Result<(), String>,
    ) -> Task<Message> {
        match result {
            Ok(()) => {
                self.sign_ins.retain(|n| n.account != account);
                if let Some(engine) = self.engine() {
                    self.accounts_changed(engine.accounts());
                }
                // The worker waits for this: sync and send now.
                if let Some(handle) = self.workers.get(&account) {
                    handle.send(crate::worker::Control::SyncNow);
                }
                self.refresh()
            }
            Err(reason) => {
                self.needs_sign_in(account.clone(), reason);
                if let Some(needed) = self.sign_ins.iter_mut().find(|n| n.account == account) {
                    needed.busy = false;
                }
                Task::none()
            }
        }
    }
}
