//! The engine's sending side: drafts into the outbox, the outbox to SMTP.

use super::{Engine, Error};
use crate::message::compose::{self, Draft};
use crate::store::outbox::Item;
use crate::sync::sender::{self, Outcome};

impl Engine {
    /// Builds the message and commits it to the outbox; nothing is sent yet.
    pub async fn queue(&mut self, account: &str, draft: &Draft) -> Result<i64, Error> {
        let account = self.account(account)?.clone();
        let built = compose::build(&account, draft)?;
        let store = self.store()?;
        Ok(store
            .run(move |s| {
                s.enqueue(
                    &account.name,
                    &built.raw,
                    &built.message_id,
                    &built.from,
                    &built.recipients,
                    &built.subject,
                )
            })
            .await?)
    }

    /// Sends what is due in the account's outbox now.
    pub async fn send_queued(&mut self, account: &str) -> Result<Vec<Outcome>, Error> {
        let account = self.account(account)?.clone();
        let store = self.store()?;
        Ok(sender::send_due(&account, &store).await?)
    }

    pub async fn outbox(&mut self, account: Option<&str>) -> Result<Vec<Item>, Error> {
        let account = account.map(str::to_owned);
        Ok(self
            .store()?
            .run(move |s| s.outbox(account.as_deref()))
            .await?)
    }

    pub async fn outbox_item(&mut self, id: i64) -> Result<Item, Error> {
        self.store()?
            .run(move |s| s.outbox_item(id))
            .await?
            .ok_or(Error::NoSuchOutboxItem(id))
    }

    /// Puts a queued or failed message back in line now.
    pub async fn outbox_retry(&mut self, id: i64) -> Result<(), Error> {
        let done = self.store()?.run(move |s| s.outbox_retry(id)).await?;
        if done {
            Ok(())
        } else {
            Err(Error::NoSuchOutboxItem(id))
        }
    }

    /// Removes a message that has not gone out.
    pub async fn outbox_cancel(&mut self, id: i64) -> Result<(), Error> {
        let done = self.store()?.run(move |s| s.outbox_cancel(id)).await?;
        if done {
            Ok(())
        } else {
            Err(Error::NoSuchOutboxItem(id))
        }
    }

    /// The threading headers for a reply to a stored message.
    pub async fn reply_headers(
        &mut self,
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
