//! The engine's sending side: drafts into the outbox, the outbox to SMTP.

use super::{Engine, Error};
use crate::message::compose::{self, Draft};
use crate::store::outbox::{Item, NewItem, When};
use crate::sync::sender::{self, Outcome};

impl Engine {
    /// Builds the message and commits it to the outbox; nothing is sent yet.
    pub async fn queue(&self, account: &str, draft: &Draft) -> Result<i64, Error> {
        self.queue_at(account, draft, When::Now).await
    }

    /// [`Engine::queue`], to go out only after an undo delay or at a time
    /// the user chose.
    pub async fn queue_at(&self, account: &str, draft: &Draft, when: When) -> Result<i64, Error> {
        let account = self.account(account)?;
        let built = compose::build(&account, draft)?;
        self.queue_built(&account.name, built, when, draft.delivery_report)
            .await
    }

    /// Puts a built message in `account`'s outbox.
    pub(super) async fn queue_built(
        &self,
        account: &str,
        built: compose::Built,
        when: When,
        report_success: bool,
    ) -> Result<i64, Error> {
        let account = account.to_owned();
        let store = self.store()?;
        // Written on the store's thread straight into the outbox row, so a
        // large attachment is never held whole in memory.
        Ok(store
            .run(move |s| {
                let new = NewItem {
                    account: &account,
                    message_id: &built.message_id,
                    sender: &built.from,
                    recipients: &built.recipients,
                    subject: &built.subject,
                    when,
                    report_success,
                };
                s.enqueue_streamed(&new, built.message.len(), |out| built.message.write_to(out))
            })
            .await?)
    }

    /// Sends what is due in the account's outbox now.
    pub async fn send_queued(&self, account: &str) -> Result<Vec<Outcome>, Error> {
        let account = self.account(account)?;
        let store = self.store()?;
        Ok(sender::send_due(&account, &store).await?)
    }

    pub async fn outbox(&self, account: Option<&str>) -> Result<Vec<Item>, Error> {
        let account = account.map(str::to_owned);
        Ok(self
            .store()?
            .run(move |s| s.outbox(account.as_deref()))
            .await?)
    }

    pub async fn outbox_item(&self, id: i64) -> Result<Item, Error> {
        self.store()?
            .run(move |s| s.outbox_item(id))
            .await?
            .ok_or(Error::NoSuchOutboxItem(id))
    }

    /// What became of outbox message `id`, recipient by recipient.
    pub async fn delivery(&self, id: i64) -> Result<crate::store::delivery::Delivery, Error> {
        self.store()?
            .run(move |s| s.delivery(id))
            .await?
            .ok_or(Error::NoSuchOutboxItem(id))
    }

    /// The outbox record of stored message `id` (see
    /// [`crate::store::Store::sent_record`]).
    pub async fn sent_record(&self, id: i64) -> Result<Option<i64>, Error> {
        Ok(self.store()?.run(move |s| s.sent_record(id)).await?)
    }

    /// Puts a queued or failed message back in line now.
    pub async fn outbox_retry(&self, id: i64) -> Result<(), Error> {
        let done = self.store()?.run(move |s| s.outbox_retry(id)).await?;
        if done {
            Ok(())
        } else {
            Err(Error::NoSuchOutboxItem(id))
        }
    }

    /// The undo delay of message `id` is over: it may go (false when Undo
    /// took it out meanwhile).
    pub async fn confirm_send(&self, id: i64) -> Result<bool, Error> {
        Ok(self.store()?.run(move |s| s.confirm_send(id)).await?)
    }

    /// At the window's start: messages whose Send could still be taken
    /// back when Postel closed are held for the user (see
    /// `Store::hold_unconfirmed`).
    pub async fn hold_unconfirmed(&self) -> Result<Vec<i64>, Error> {
        Ok(self.store()?.run(|s| s.hold_unconfirmed()).await?)
    }

    /// Removes a message that has not gone out.
    pub async fn outbox_cancel(&self, id: i64) -> Result<(), Error> {
        let done = self.store()?.run(move |s| s.outbox_cancel(id)).await?;
        if done {
            Ok(())
        } else {
            Err(Error::NoSuchOutboxItem(id))
        }
    }

    /// The threading headers for a reply to a stored message.
    pub async fn reply_headers(
        &self,
        account: &str,
        id: i64,
    ) -> Result<(Option<String>, Vec<String>), Error> {
        let raw = self.body(account, id).await?;
        let original = crate::message::parse(&raw)?;
        let mut references = original.references.clone();
        if let Some(mid) = &original.message_id {
            references.push(mid.clone());
        }
        Ok((original.message_id, references))
    }
}

impl Engine {
    /// Saves a draft locally (and to the IMAP Drafts folder when reachable);
    /// returns its id and Message-ID for the next save.
    pub async fn save_draft(
        &self,
        account: &str,
        draft: &Draft,
        id: Option<i64>,
    ) -> Result<(i64, String), Error> {
        let account = self.account(account)?;
        let mut draft = draft.clone();
        let message_id = draft
            .message_id
            .clone()
            .unwrap_or_else(|| compose::new_message_id(&account.email));
        draft.message_id = Some(message_id.clone());
        // A draft may lack recipients; it is built with none so it can be stored.
        let built = match compose::build(&account, &draft) {
            Ok(b) => b,
            Err(compose::Error::NoRecipient) => {
                let mut placeholder = draft.clone();
                placeholder.to = vec![account.email.clone()];
                compose::build(&account, &placeholder)?
            }
            Err(e) => return Err(e.into()),
        };
        let raw = built.raw()?;
        let json = serde_json::to_string(&draft).map_err(|e| Error::Draft(e.to_string()))?;
        let store = self.store()?;
        let (name, mid) = (account.name.clone(), message_id.clone());
        let id = store
            .run(move |s| s.save_draft(id, &name, &mid, &json, &raw))
            .await?;
        if let Err(e) = crate::sync::drafts::upload_pending(&account, &store).await {
            tracing::info!("{}: the draft stays local for now: {e}", account.name);
        }
        Ok((id, message_id))
    }

    /// Removes a draft here and on the server (after sending, or discarded).
    pub async fn delete_draft(&self, id: i64) -> Result<(), Error> {
        let store = self.store()?;
        if let Some((account, message_id)) = store.run(move |s| s.delete_draft(id)).await? {
            let account = self.account(&account)?;
            crate::sync::drafts::remove(&account, &store, &message_id).await?;
        }
        Ok(())
    }
}
