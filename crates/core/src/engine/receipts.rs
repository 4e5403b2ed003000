//! Read receipts from the user's side: whether to ask about a message's
//! request, and the answer (the receipt queued in the outbox, or none),
//! remembered so that the message is asked about once.

use super::{Engine, Error};
use crate::message::receipt;
use crate::store::outbox::When;

impl Engine {
    /// Where stored message `id` asks its read receipt to go, when the
    /// user is still to be asked: its body is here and asks (a real
    /// address), it is not the user's own mail nor itself a report, and
    /// it was not answered before (here, or in another client).
    pub async fn receipt_request(&self, id: i64) -> Result<Option<String>, Error> {
        let store = self.store()?;
        let found = store
            .run(move |s| {
                let row = s.message(id)?;
                if s.receipt_answered(id)? {
                    return Ok(None);
                }
                Ok(s.body(id)?.map(|raw| (row, raw)))
            })
            .await?;
        let Some((row, raw)) = found else {
            return Ok(None);
        };
        let account = self.account(&row.account)?;
        let Some(to) = receipt::asked_by(&raw) else {
            return Ok(None);
        };
        // RFC 8098: never for a report (no receipts about receipts), and
        // not for the user's own message come back.
        let own = row.from_addr.eq_ignore_ascii_case(&account.email);
        if own || crate::message::report::read(&raw).is_some() {
            return Ok(None);
        }
        Ok(Some(to))
    }

    /// The user's answer to stored message `id`'s request: with `send`,
    /// the receipt goes in the outbox (its id is returned); either way the
    /// message is not asked about again.
    pub async fn answer_receipt(&self, id: i64, send: bool) -> Result<Option<i64>, Error> {
        let mut queued = None;
        if send && let Some(to) = self.receipt_request(id).await? {
            let store = self.store()?;
            let (row, raw) = store
                .run(move |s| {
                    let row = s.message(id)?;
                    let raw = s.body(id)?.unwrap_or_default();
                    Ok((row, raw))
                })
                .await?;
            let account = self.account(&row.account)?;
            let original = crate::message::parse(&raw)?;
            let built = receipt::build(&account, &original, &to)?;
            queued = Some(
                self.queue_built(&account.name, built, When::Now, false)
                    .await?,
            );
        }
        self.store()?
            .run(move |s| s.answer_receipt(id, send))
            .await?;
        Ok(queued)
    }
}
