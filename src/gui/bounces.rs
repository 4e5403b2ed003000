//! Mail that did not arrive: when a report says a recipient's copy
//! bounced, a bar names the message, the recipient and the server's
//! reason, with "Edit and resend" (the message again, to that recipient);
//! the desktop is told too. Each bounce is told once (see
//! `Store::bounces_to_tell`), after the sync that read its report.

use iced::widget::{button, container, row, text};
use iced::{Element, Length, Task};

use super::*;
use crate::store::delivery::Bounce;

#[derive(Debug, Clone)]
pub enum Msg {
    Found(Vec<Bounce>),
    Resend(usize),
    Close(usize),
}

pub(super) fn bar(i: usize, b: &Bounce) -> Element<'_, Message> {
    let subject = if b.subject.is_empty() {
        fl!("no-subject")
    } else {
        b.subject.clone()
    };
    let said = fl!(
        "delivery-failed-bar",
        subject = subject,
        recipient = b.recipient.clone(),
        reason = b.reason.clone()
    );
    container(
        container(
            row![
                crate::gui::widget::delivery::mark(crate::store::delivery::Stage::Failed, 16.0),
                text(said).size(theme::size::SMALL).width(Length::Fill),
                button(text(fl!("delivery-resend")).size(theme::size::SMALL))
                    .on_press(Message::Bounces(Msg::Resend(i)))
                    .padding([theme::gap::XXS, theme::gap::M])
                    .style(theme::secondary),
                button(icon::view(icon::Icon::Clear, 14.0, icon::Ink::Muted))
                    .on_press(Message::Bounces(Msg::Close(i)))
                    .padding(4)
                    .style(theme::tool),
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

/// At most this many bars at once: a flood of bounces (backscatter) must
/// not push the window's content away; the outbox lists them all.
const MAX_BARS: usize = 3;

impl App {
    /// Asks the store for bounces not told of yet (after a sync).
    pub(super) fn check_bounces(&self) -> Task<Message> {
        let Some(store) = self.store.clone() else {
            return Task::none();
        };
        Task::perform(
            async move { store.run(|s| s.bounces_to_tell()).await.unwrap_or_default() },
            |found| Message::Bounces(Msg::Found(found)),
        )
    }

    pub(super) fn bounces_message(&mut self, message: Msg) -> Task<Message> {
        match message {
            Msg::Found(found) if found.is_empty() => Task::none(),
            Msg::Found(found) => {
                let desktop = found.iter().map(|b| notify(b.clone())).collect::<Vec<_>>();
                self.bounces.extend(found);
                let extra = self.bounces.len().saturating_sub(MAX_BARS);
                self.bounces.drain(..extra);
                Task::batch(desktop)
            }
            Msg::Close(i) => {
                if i < self.bounces.len() {
                    self.bounces.remove(i);
                }
                Task::none()
            }
            Msg::Resend(i) if i < self.bounces.len() => {
                let bounce = self.bounces.remove(i);
                self.mailbox_message(mailbox::Message::Delivery(mailbox::DeliveryMsg::Resend(
                    bounce.outbox_id,
                )))
            }
            Msg::Resend(_) => Task::none(),
        }
    }
}

/// The desktop's notification of a bounce (skipped without a
/// notification service: the bar says it anyway).
fn notify(b: Bounce) -> Task<Message> {
    Task::future(async move {
        let summary = fl!("delivery-failed-notify", recipient = b.recipient.clone());
        let body = format!("{} · {}", b.subject, b.reason);
        let shown = tokio::task::spawn_blocking(move || {
            notify_rust::Notification::new()
                .appname(&fl!("app-name"))
                .summary(&summary)
                .body(&body)
                .icon(APP_ID)
                .show()
                .map(drop)
        })
        .await;
        if let Ok(Err(e)) = shown {
            tracing::debug!("no desktop notification: {e}");
        }
    })
    .discard()
}
