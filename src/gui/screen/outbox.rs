//! The outbox in the window: what is queued, sent or failed, every attempt
//! with the server's reply, and Retry, Edit or Delete for what did not go.

use iced::widget::{button, column, container, row, scrollable, text};
use iced::{Element, Length};

use crate::fl;
use crate::message::compose::{AttachmentSource, Draft};
use crate::store::outbox::{Item, State as Sending};

#[derive(Debug, Default)]
pub struct State {
    pub items: Vec<Item>,
    pub selected: Option<i64>,
}

#[derive(Debug, Clone)]
pub enum Message {
    Select(i64),
    Retry(i64),
    Edit(i64),
    Delete(i64),
}

pub enum Action {
    None,
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
                self.selected = Some(id);
                Action::None
            }
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

    fn state_label(item: &Item) -> String {
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
            list = list.push(
                button(column![
                    row![
                        text(item.recipients.join(", "))
                            .size(14)
                            .width(Length::Fill),
                        text(Self::state_label(item)).size(12),
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
                Self::state_label(item)
            ))
            .size(13),
        ]
        .spacing(6);
        if item.state == Sending::Held {
            col = col.push(text(fl!("outbox-held-why")).size(13));
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
