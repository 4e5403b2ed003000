//! Delivery records in the mailbox: the opened message's (a message in
//! Sent, or a report about one), the outbox selection's, and "Edit and
//! resend" for the recipients whose copy bounced.

use iced::Task;

use super::{Action, Compose, Message, State};
use crate::message::compose::Draft;
use crate::store::delivery::{Delivery, Stage};

/// The records on screen.
#[derive(Debug, Default)]
pub struct Shown {
    /// The opened message's record, with the message's id.
    pub reader: Option<(i64, Box<Delivery>)>,
    /// Every event of each recipient, not just the latest.
    pub timeline: bool,
    /// The opened message asks for a read receipt, to this address; the
    /// user is asked.
    pub receipt: Option<(i64, String)>,
}

#[derive(Debug, Clone)]
pub enum Msg {
    /// The record of stored message `id` (None: not sent by Postel).
    ForReader(i64, Option<Box<Delivery>>),
    /// The record of the outbox message picked.
    ForOutbox(i64, Option<Box<Delivery>>),
    ToggleTimeline,
    /// Edit and resend outbox message `id` to its bounced recipients.
    Resend(i64),
    ResendLoaded(String, Result<Box<Draft>, String>),
    /// Whether stored message `id` asks for a read receipt, and whereto.
    ReceiptAsked(i64, Option<String>),
    /// The user's answer to the request: send it, or not.
    AnswerReceipt(bool),
}

impl State {
    /// Reads the record of an opened message, if Postel sent it, and asks
    /// whether it wants a read receipt (unless the user never sends one).
    pub(super) fn load_delivery(&mut self, id: i64) -> Action {
        if self.delivery.reader.as_ref().is_some_and(|(r, _)| *r != id) {
            self.delivery.reader = None;
        }
        if self
            .delivery
            .receipt
            .as_ref()
            .is_some_and(|(r, _)| *r != id)
        {
            self.delivery.receipt = None;
        }
        let ask = self.reading.read_receipts == crate::preferences::ReadReceipts::Ask;
        let record = self.load_record(id);
        if ask {
            Action::Batch(vec![record, Action::CheckReceipt(id)])
        } else {
            record
        }
    }

    fn load_record(&self, id: i64) -> Action {
        let store = self.store.clone();
        Action::Run(Task::perform(
            async move {
                store
                    .run(move |s| match s.sent_record(id)? {
                        Some(outbox) => s.delivery(outbox),
                        None => Ok(None),
                    })
                    .await
                    .ok()
                    .flatten()
                    .map(Box::new)
            },
            move |record| Message::Delivery(Msg::ForReader(id, record)),
        ))
    }

    /// Reads the record of the outbox message picked.
    pub(super) fn load_outbox_delivery(&self, id: i64) -> Action {
        let store = self.store.clone();
        Action::Run(Task::perform(
            async move {
                store
                    .run(move |s| s.delivery(id))
                    .await
                    .ok()
                    .flatten()
                    .map(Box::new)
            },
            move |record| Message::Delivery(Msg::ForOutbox(id, record)),
        ))
    }

    pub(super) fn delivery_message(&mut self, message: Msg) -> Action {
        match message {
            Msg::ReceiptAsked(id, to) => {
                let open = self.opened().is_some_and(|o| o.row.id == id);
                self.delivery.receipt = to.filter(|_| open).map(|to| (id, to));
                Action::None
            }
            Msg::AnswerReceipt(send) => match self.delivery.receipt.take() {
                Some((id, _)) => Action::AnswerReceipt { id, send },
                None => Action::None,
            },
            Msg::ForReader(id, record) => {
                let open = self.opened().is_some_and(|o| o.row.id == id);
                self.delivery.reader = record.filter(|_| open).map(|r| (id, r));
                Action::None
            }
            Msg::ForOutbox(id, record) => {
                if self.outbox.selected == Some(id) {
                    self.outbox.record = record;
                }
                Action::None
            }
            Msg::ToggleTimeline => {
                self.delivery.timeline = !self.delivery.timeline;
                Action::None
            }
            Msg::Resend(id) => {
                let store = self.store.clone();
                Action::Run(Task::perform(
                    async move {
                        store
                            .run(move |s| {
                                let raw = s.outbox_raw(id)?;
                                let record = s.delivery(id)?;
                                Ok((raw, record))
                            })
                            .await
                            .map_err(|e| crate::i18n::say(&e))
                            .and_then(|(raw, record)| {
                                let record = record.ok_or_else(|| {
                                    crate::i18n::say(&crate::store::Error::NoSuchMessage(id))
                                })?;
                                let draft = resend_draft(&raw, &record).ok_or_else(|| {
                                    crate::i18n::say(&crate::store::Error::NoSuchMessage(id))
                                })?;
                                Ok((record.account, Box::new(draft)))
                            })
                    },
                    |loaded| match loaded {
                        Ok((account, draft)) => {
                            Message::Delivery(Msg::ResendLoaded(account, Ok(draft)))
                        }
                        Err(e) => Message::Delivery(Msg::ResendLoaded(String::new(), Err(e))),
                    },
                ))
            }
            Msg::ResendLoaded(account, Ok(draft)) => {
                Action::Compose(Compose::Resend { account, draft })
            }
            Msg::ResendLoaded(_, Err(e)) => {
                self.reader = super::Reader::Failed(e);
                Action::None
            }
        }
    }
}

/// The message again, addressed to the recipients whose copy bounced
/// only (the others have theirs), as a new message: its own Message-ID,
/// the threading of the original kept.
pub fn resend_draft(raw: &[u8], record: &Delivery) -> Option<Draft> {
    let mut draft = crate::gui::screen::outbox::draft_from(raw, &[])?;
    draft.to = record
        .recipients
        .iter()
        .filter(|r| r.stage == Stage::Failed)
        .map(|r| r.address.clone())
        .collect();
    draft.cc.clear();
    draft.bcc.clear();
    draft.message_id = None;
    Some(draft)
}
