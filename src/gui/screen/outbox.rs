//! The outbox in the window: what is queued, sent or failed, every attempt
//! with the server's reply, and Retry, Edit or Delete for what did not go.

use iced::widget::{button, column, container, row, scrollable, text};
use iced::{Element, Length};

use crate::fl;
use crate::message::compose::{AttachmentSource, Draft};
use crate::store::delivery::{Delivery, Stage};
use crate::store::outbox::{Item, State as Sending};

#[derive(Debug, Default)]
pub struct State {
    pub items: Vec<Item>,
    pub selected: Option<i64>,
    /// The selected message's delivery record.
    pub record: Option<Box<Delivery>>,
    /// Its history in full.
    pub timeline: bool,
    /// How far each sent message got, where reports said.
    pub headlines: std::collections::HashMap<i64, Stage>,
}

#[derive(Debug, Clone)]
pub enum Message {
    Select(i64),
    Retry(i64),
    Edit(i64),
    Delete(i64),
    ToggleTimeline,
    Resend(i64),
}

pub enum Action {
    None,
    /// A message was picked: its delivery record is to be read.
    Selected(i64),
    /// Edit and resend to the recipients whose copy bounced.
    Resend(i64),
    Retry(i64),
    Delete(i64),
    /// Reopen the message in the composer; the old one is removed once
    /// the new one is queued.
    Edit {
        id: i64,
        account: String,
    },
}

impl State {
    /// (waiting, failed) counts for the status bar.
    pub fn counts(&self) -> (usize, usize) {
        let waiting = self
            .items
            .iter()
            .filter(|i| matches!(i.state, Sending::Queued | Sending::Sending | Sending::Held))
            .count();
        let failed = self
            .items
            .iter()
            .filter(|i| i.state == Sending::Failed)
            .count();
        (waiting, failed)
    }

    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::Select(id) => {
                if self.selected != Some(id) {
                    self.record = None;
                }
                self.selected = Some(id);
                Action::Selected(id)
            }
            Message::ToggleTimeline => {
                self.timeline = !self.timeline;
                Action::None
            }
            Message::Resend(id) => Action::Resend(id),
            Message::Retry(id) => Action::Retry(id),
            Message::Delete(id) => Action::Delete(id),
            Message::Edit(id) => match self.items.iter().find(|i| i.id == id) {
                Some(item) => Action::Edit {
                    id,
                    account: item.account.clone(),
                },
                None => Action::None,
            },
        }
    }

    /// How far a sent message got, once reports came back.
    fn reported(&self, item: &Item) -> Option<Stage> {
        let selected = self
            .record
            .as_ref()
            .filter(|r| r.outbox_id == item.id)
            .and_then(|r| crate::gui::widget::delivery::headline(r));
        selected
            .or_else(|| self.headlines.get(&item.id).copied())
            .filter(|s| *s > Stage::Submitted)
    }

    fn state_label(&self, item: &Item) -> String {
        if let Some(stage) = self.reported(item) {
            return crate::gui::widget::delivery::label(stage);
        }
        match (item.state, item.send_at) {
            (Sending::Queued, Some(at)) => fl!("outbox-scheduled", when = crate::date::short(at)),
            (Sending::Queued, None) => fl!("outbox-queued"),
            (Sending::Sending, _) => fl!("outbox-sending"),
            (Sending::Sent, _) => fl!("outbox-sent"),
            (Sending::Failed, _) => fl!("outbox-failed"),
            (Sending::Held, _) => fl!("outbox-held"),
        }
    }

    pub fn list_view(&self) -> Element<'_, Message> {
        if self.items.is_empty() {
            return container(text(fl!("outbox-empty")).size(14))
                .padding(20)
                .into();
        }
        let mut list = column![].spacing(2);
        for item in &self.items {
            let selected = self.selected == Some(item.id);
            let subject = if item.subject.is_empty() {
                fl!("no-subject")
            } else {
                item.subject.clone()
            };
            let mut state = row![].spacing(4).align_y(iced::Alignment::Center);
            if let Some(stage) = self.reported(item) {
                state = state.push(crate::gui::widget::delivery::mark(stage, 12.0));
            }
            state = state.push(text(self.state_label(item)).size(12));
            list = list.push(
                button(column![
                    row![
                        text(item.recipients.join(", "))
                            .size(14)
                            .width(Length::Fill),
                        state,
                    ]
                    .spacing(8),
                    text(subject).size(13),
                ])
                .on_press(Message::Select(item.id))
                .width(Length::Fill)
                .style(crate::gui::widget::pickable(selected)),
            );
        }
        scrollable(list).height(Length::Fill).into()
    }

    pub fn detail_view(&self) -> Element<'_, Message> {
        let Some(item) = self
            .selected
            .and_then(|id| self.items.iter().find(|i| i.id == id))
        else {
            return text(fl!("outbox-pick")).size(14).into();
        };
        let mut col = column![
            text(item.subject.clone()).size(18),
            text(format!(
                "{}: {}",
                fl!("header-to"),
                item.recipients.join(", ")
            ))
            .size(13),
            text(format!(
                "{}: {}",
                fl!("outbox-state"),
                self.state_label(item)
            ))
            .size(13),
        ]
        .spacing(6);
        if item.state == Sending::Held {
            col = col.push(text(fl!("outbox-held-why")).size(13));
        }
        if let Some(record) = self.record.as_ref().filter(|r| r.outbox_id == item.id)
            && item.state == Sending::Sent
        {
            col = col.push(crate::gui::widget::delivery::card(
                record,
                self.timeline,
                crate::gui::widget::delivery::On {
                    toggle_timeline: Message::ToggleTimeline,
                    resend: Message::Resend(item.id),
                },
            ));
        }
        if !item.last_error.is_empty() {
            col = col.push(text(item.last_error.clone()).size(13).style(text::danger));
        }
        if !item.history.is_empty() {
            col = col.push(text(fl!("outbox-attempts")).size(15));
        }
        for a in &item.history {
            let code = a.code.map(|c| c.to_string()).unwrap_or_else(|| "—".into());
            let mut line = format!(
                "{} · {} · {code} {}",
                crate::date::short(a.started),
                a.server,
                a.reply
            );
            if let Some(q) = &a.queue_id {
                line.push_str(&format!(" · {}", fl!("outbox-queue-id", id = q.clone())));
            }
            if !a.note.is_empty() {
                line.push_str(&format!(" · {}", a.note));
            }
            col = col.push(text(line).size(12));
        }
        if matches!(
            item.state,
            Sending::Queued | Sending::Failed | Sending::Held
        ) {
            // A held or scheduled message is not retried but sent now.
            let send = if item.state == Sending::Held || item.send_at.is_some() {
                fl!("outbox-send-now")
            } else {
                fl!("outbox-retry")
            };
            col = col.push(
                row![
                    button(text(send)).on_press(Message::Retry(item.id)),
                    button(text(fl!("outbox-edit"))).on_press(Message::Edit(item.id)),
                    button(text(fl!("outbox-delete")))
                        .on_press(Message::Delete(item.id))
                        .style(button::danger),
                ]
                .spacing(8),
            );
        }
        scrollable(col).height(Length::Fill).into()
    }
}

/// The composer's fields for a queued message, from its bytes and its
/// envelope (Bcc recipients are only in the envelope).
pub fn draft_from(raw: &[u8], recipients: &[String]) -> Option<Draft> {
    let message = crate::message::parse(raw).ok()?;
    let to: Vec<String> = message.to.iter().map(|a| a.email.clone()).collect();
    let cc: Vec<String> = message.cc.iter().map(|a| a.email.clone()).collect();
    let bcc = recipients
        .iter()
        .filter(|r| !to.contains(r) && !cc.contains(r))
        .cloned()
        .collect();
    let indexes: Vec<usize> = message.attachments.iter().map(|part| part.index).collect();
    let attachments = message
        .attachments
        .iter()
        .zip(crate::message::parts_bytes(raw, &indexes))
        .filter_map(|(part, data)| {
            Some(AttachmentSource::Bytes {
                name: part.name.clone().unwrap_or_else(|| "attachment".into()),
                mime_type: part.mime_type.clone(),
                data: data?,
            })
        })
        .collect();
    Some(Draft {
        to,
        cc,
        bcc,
        subject: message.subject.clone().unwrap_or_default(),
        text: message.text.clone().unwrap_or_default(),
        html: message.html.clone(),
        markdown: false,
        attachments,
        in_reply_to: message.in_reply_to.clone(),
        references: message.references.clone(),
        message_id: None,
        read_receipt: crate::message::receipt::asked_by(raw).is_some(),
        // Kept by the outbox row, not the message: the caller sets it.
        delivery_report: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_queued_message_reopens_with_its_bcc_and_attachment() {
        let account = crate::account::Account {
            email: "me@example.test".into(),
            ..Default::default()
        };
        let draft = Draft {
            to: vec!["a@example.test".into()],
            bcc: vec!["hidden@example.test".into()],
            subject: "Report".into(),
            text: "see attached".into(),
            attachments: vec![AttachmentSource::Bytes {
                name: "r.csv".into(),
                mime_type: "text/csv".into(),
                data: b"a,b\n".to_vec(),
            }],
            ..Draft::default()
        };
        let built = crate::message::compose::build(&account, &draft).expect("builds");
        let back = draft_from(&built.raw().expect("writes"), &built.recipients).expect("parses");
        assert_eq!(back.to, ["a@example.test"]);
        assert_eq!(back.bcc, ["hidden@example.test"]);
        assert_eq!(back.subject, "Report");
        assert_eq!(back.text.trim_end(), "see attached");
        assert_eq!(back.attachments.len(), 1);
    }
}
