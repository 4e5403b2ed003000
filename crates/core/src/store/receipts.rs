//! Read receipts the user was asked about: each message is asked about
//! once (by its Message-ID, so a copy in another folder is not asked
//! again), whether the receipt went or not. A message another client
//! already answered carries the `$MDNSent` keyword (RFC 3503) and is not
//! asked about either.

use rusqlite::{OptionalExtension, params};

use super::{Result, Store};

/// RFC 3503's keyword for "a receipt was sent or declined".
pub const MDN_SENT: &str = "$MDNSent";

impl Store {
    /// Whether the user (here or in another client) answered stored
    /// message `id`'s request for a receipt.
    pub fn receipt_answered(&self, id: i64) -> Result<bool> {
        let found: Option<(String, Option<String>, String)> = self
            .conn()
            .query_row(
                "SELECT f.account, m.message_id, m.keywords FROM messages m
                 JOIN folders f ON f.id = m.folder_id WHERE m.id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((account, message_id, keywords)) = found else {
            return Err(super::Error::NoSuchMessage(id));
        };
        if keywords
            .split_whitespace()
            .any(|k| k.eq_ignore_ascii_case(MDN_SENT))
        {
            return Ok(true);
        }
        let Some(message_id) = message_id else {
            return Ok(false);
        };
        Ok(self
            .conn()
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM receipts_answered WHERE account = ?1 AND message_id = ?2)",
                params![account, message_id],
                |r| r.get(0),
            )?)
    }

    /// Records the user's answer for stored message `id`; on an IMAP
    /// account the message also gets `$MDNSent`, here and (a pending
    /// action) on the server, so the user's other clients do not ask again
    /// (RFC 3503). One unit: the answer and the keyword, or neither.
    pub fn answer_receipt(&mut self, id: i64, sent: bool) -> Result<()> {
        let row = self.message(id)?;
        let keywords: String =
            self.conn()
                .query_row("SELECT keywords FROM messages WHERE id = ?1", [id], |r| {
                    r.get(0)
                })?;
        let marked = keywords
            .split_whitespace()
            .any(|k| k.eq_ignore_ascii_case(MDN_SENT));
        self.all_or_nothing(|s| {
            let message_id = row
                .message_id
                .clone()
                .unwrap_or_else(|| format!("postel-local-{id}"));
            s.conn().execute(
                "INSERT OR REPLACE INTO receipts_answered (account, message_id, sent, at)
                 VALUES (?1, ?2, ?3, ?4)",
                params![row.account, message_id, sent, super::now()],
            )?;
            // POP3 has no flags to carry it.
            if let (Some(uid), false) = (row.uid, marked) {
                let with = format!("{keywords} {MDN_SENT}").trim().to_owned();
                s.conn().execute(
                    "UPDATE messages SET keywords = ?2 WHERE id = ?1",
                    params![id, with],
                )?;
                s.add_pending(
                    &row.account,
                    &row.folder,
                    uid,
                    &super::pending::Action::AddKeyword(MDN_SENT.into()),
                )?;
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::store::NewMessage;
    use crate::store::testing::temp_store;

    #[test]
    fn a_request_is_answered_once_per_message_id_or_by_another_clients_keyword() {
        let mut t = temp_store("receipts");
        let inbox = t
            .store
            .upsert_folder("a", "INBOX", None, None)
            .expect("folder");
        let archive = t
            .store
            .upsert_folder("a", "Archive", None, None)
            .expect("folder");
        let m = |uid, keywords: &str| NewMessage {
            uid: Some(uid),
            message_id: Some("asks@example.test".into()),
            keywords: keywords.into(),
            ..NewMessage::default()
        };
        let first = t
            .store
            .insert_messages(inbox.id, &[m(1, "")])
            .expect("stored")[0];
        let copy = t
            .store
            .insert_messages(archive.id, &[m(2, "")])
            .expect("stored")[0];
        let elsewhere = t
            .store
            .insert_messages(
                inbox.id,
                &[NewMessage {
                    message_id: Some("other@x".into()),
                    ..m(3, "$MDNSent")
                }],
            )
            .expect("stored")[0];
        assert!(!t.store.receipt_answered(first).expect("read"));
        assert!(
            t.store.receipt_answered(elsewhere).expect("read"),
            "another client answered"
        );
        t.store.answer_receipt(first, false).expect("declined");
        assert!(t.store.receipt_answered(first).expect("read"));
        // The other clients are told, through the server.
        assert_eq!(
            t.store
                .pending("a")
                .expect("pending")
                .iter()
                .map(|p| (p.folder.as_str(), p.uid, p.action.clone()))
                .collect::<Vec<_>>(),
            [(
                "INBOX",
                1,
                crate::store::pending::Action::AddKeyword("$MDNSent".into())
            )]
        );
        let keywords: String = t
            .store
            .conn()
            .query_row(
                "SELECT keywords FROM messages WHERE id = ?1",
                [first],
                |r| r.get(0),
            )
            .expect("keywords");
        assert_eq!(keywords, "$MDNSent");
        // Answered by another client already: nothing more to tell.
        t.store.answer_receipt(elsewhere, true).expect("answered");
        assert_eq!(t.store.pending("a").expect("pending").len(), 1);
        assert!(
            t.store.receipt_answered(copy).expect("read"),
            "its copy is not asked about again"
        );
    }
}
