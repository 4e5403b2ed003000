//! The outbox pane's messages: the list loaded (with how far each sent
//! message got), a message picked (its delivery record read), and Retry,
//! Delete, Edit and Edit and resend.

use iced::Task;

use super::{Action, Compose, DeliveryMsg, Message, Reader, State};

impl State {
    pub(super) fn outbox_message(&mut self, message: Message) -> Action {
        match message {
            Message::OutboxLoaded(Ok((items, headlines))) => {
                self.list.set_delivery(&items, &headlines);
                self.outbox.items = items;
                self.outbox.headlines = headlines;
                match self.outbox.selected {
                    // A report may have come in: the record is read again.
                    Some(id) => self.load_outbox_delivery(id),
                    None => Action::None,
                }
            }
            Message::OutboxLoaded(Err(e)) => {
                self.reader = Reader::Failed(e);
                Action::None
            }
            Message::Outbox(m) => match self.outbox.update(m) {
                crate::gui::screen::outbox::Action::None => Action::None,
                crate::gui::screen::outbox::Action::Selected(id) => self.load_outbox_delivery(id),
                crate::gui::screen::outbox::Action::Resend(id) => {
                    self.delivery_message(DeliveryMsg::Resend(id))
                }
                crate::gui::screen::outbox::Action::Retry(id) => Action::OutboxRetry(id),
                crate::gui::screen::outbox::Action::Delete(id) => Action::OutboxDelete(id),
                crate::gui::screen::outbox::Action::Edit { id, account } => {
                    let store = self.store.clone();
                    // The body is read here; the composer opens when it arrives.
                    let loaded = Task::perform(
                        async move {
                            store
                                .run(move |s| {
                                    let raw = s.outbox_raw(id)?;
                                    let item = s.outbox_item(id)?.map(Box::new);
                                    Ok((raw, item))
                                })
                                .await
                                .map_err(|e| crate::i18n::say(&e))
                        },
                        move |result| Message::OutboxEditLoaded(id, account.clone(), result),
                    );
                    Action::Run(loaded)
                }
            },
            Message::OutboxEditLoaded(id, account, Ok((raw, item))) => {
                let recipients = item
                    .as_ref()
                    .map(|i| i.recipients.clone())
                    .unwrap_or_default();
                let draft =
                    crate::gui::screen::outbox::draft_from(&raw, &recipients).map(|mut d| {
                        d.delivery_report = item.is_some_and(|i| i.report_success);
                        d
                    });
                match draft {
                    Some(draft) => Action::Compose(Compose::Edit {
                        account,
                        draft: Box::new(draft),
                        replaces: id,
                    }),
                    None => Action::None,
                }
            }
            Message::OutboxEditLoaded(_, _, Err(e)) => {
                self.reader = Reader::Failed(e);
                Action::None
            }
            _ => Action::None,
        }
    }
}
