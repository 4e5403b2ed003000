//! A sent message's delivery record as a card: each recipient with an
//! icon and words for where their copy stands, the server's own words
//! under a failure or a delay, the full timeline on request, and "Edit and
//! resend" when a recipient's copy bounced. Shown in the reader (a message
//! in Sent) and in the outbox.

use iced::widget::text::Wrapping;
use iced::widget::{button, column, container, row, text};
use iced::{Alignment, Element, Font, Length, font};

use crate::fl;
use crate::gui::icon::{self, Icon, Ink};
use crate::gui::theme::{self, gap, size};
use crate::store::delivery::{Delivery, Event, Stage};

/// What the card's buttons send.
pub struct On<M> {
    pub toggle_timeline: M,
    pub resend: M,
}

/// The words for a stage.
pub fn label(stage: Stage) -> String {
    match stage {
        Stage::Queued => fl!("delivery-queued"),
        Stage::Submitted => fl!("delivery-submitted"),
        Stage::Delayed => fl!("delivery-delayed"),
        Stage::Relayed => fl!("delivery-relayed"),
        Stage::Failed => fl!("delivery-failed"),
        Stage::Delivered => fl!("delivery-delivered"),
        Stage::Displayed => fl!("delivery-displayed"),
    }
}

/// A stage's icon, tinted by how it went.
pub fn mark<'a>(stage: Stage, px: f32) -> iced::widget::Svg<'a> {
    let (glyph, ink) = match stage {
        Stage::Queued => (Icon::Waiting, Ink::Muted),
        Stage::Submitted => (Icon::Send, Ink::Muted),
        Stage::Delayed => (Icon::Waiting, Ink::Warning),
        Stage::Relayed | Stage::Delivered => (Icon::Delivered, Ink::Success),
        Stage::Displayed => (Icon::ReadByRecipient, Ink::Success),
        Stage::Failed => (Icon::Undelivered, Ink::Danger),
    };
    icon::view(glyph, px, ink)
}

/// One stage for a whole message (see [`crate::store::delivery::headline`]).
pub fn headline(d: &Delivery) -> Option<Stage> {
    crate::store::delivery::headline(d.recipients.iter().map(|r| r.stage))
}

pub fn card<'a, M: Clone + 'a>(d: &'a Delivery, timeline: bool, on: On<M>) -> Element<'a, M> {
    let bold = Font {
        weight: font::Weight::Bold,
        ..Font::DEFAULT
    };
    let toggle = button(
        text(if timeline {
            fl!("delivery-hide-timeline")
        } else {
            fl!("delivery-show-timeline")
        })
        .size(size::CAPTION),
    )
    .on_press(on.toggle_timeline)
    .padding([2.0, gap::S])
    .style(theme::tool);
    let mut col = column![
        row![
            text(fl!("delivery-title"))
                .size(size::SMALL)
                .font(bold)
                .width(Length::Fill),
            toggle
        ]
        .align_y(Alignment::Center)
    ]
    .spacing(gap::XS);
    for r in &d.recipients {
        col = col.push(
            row![
                mark(r.stage, 14.0),
                text(r.address.clone())
                    .size(size::SMALL)
                    .wrapping(Wrapping::None),
                text(label(r.stage)).size(size::SMALL).style(muted),
            ]
            .spacing(gap::S)
            .align_y(Alignment::Center),
        );
        // Why it bounced or waits, in the server's words.
        let last = r
            .events
            .iter()
            .rev()
            .find(|e| e.stage == r.stage)
            .filter(|_| matches!(r.stage, Stage::Failed | Stage::Delayed) && !timeline);
        if let Some(said) = last.and_then(words) {
            col = col.push(container(said).padding(iced::Padding {
                left: 14.0 + gap::S,
                ..iced::Padding::ZERO
            }));
        }
        if timeline {
            let mut steps = column![].spacing(gap::XXS).padding(iced::Padding {
                left: 14.0 + gap::S,
                ..iced::Padding::ZERO
            });
            for e in &r.events {
                let mut what = column![text(label(e.stage)).size(size::CAPTION)];
                if let Some(said) = words(e) {
                    what = what.push(said);
                }
                steps = steps.push(
                    row![
                        text(crate::date::short(e.at))
                            .size(size::CAPTION)
                            .style(muted)
                            .width(Length::Fixed(110.0)),
                        mark(e.stage, 12.0),
                        what,
                    ]
                    .spacing(gap::S),
                );
            }
            col = col.push(steps);
        }
    }
    if d.recipients.iter().any(|r| r.stage == Stage::Failed) {
        col = col.push(
            button(text(fl!("delivery-resend")).size(size::SMALL))
                .on_press(on.resend)
                .padding([3.0, gap::M])
                .style(theme::secondary),
        );
    }
    container(col)
        .padding(gap::M)
        .width(Length::Fill)
        .style(theme::card)
        .into()
}

/// An event's details: the status code, the server's words, the queue id
/// (unless the words say it); None when there are none.
fn words<'a, M: 'a>(e: &Event) -> Option<Element<'a, M>> {
    let mut parts = Vec::new();
    if let Some(q) = e
        .queue_id
        .as_ref()
        .filter(|q| !e.detail.contains(q.as_str()))
    {
        parts.push(fl!("outbox-queue-id", id = q.clone()));
    }
    if !e.status.is_empty() && !e.detail.contains(&e.status) {
        parts.push(e.status.clone());
    }
    if !e.detail.is_empty() {
        parts.push(e.detail.clone());
    }
    if !e.server.is_empty() {
        parts.push(e.server.clone());
    }
    if parts.is_empty() {
        return None;
    }
    Some(
        text(parts.join(" · "))
            .size(size::CAPTION)
            .style(muted)
            .into(),
    )
}

fn muted(theme: &iced::Theme) -> text::Style {
    text::Style {
        color: Some(theme::colors(theme).muted),
    }
}
