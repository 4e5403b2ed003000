//! A conversation: every message of a thread in the account, whichever
//! folder holds it (the user's own replies sit in Sent), oldest first, for
//! the reader's conversation view.

use rusqlite::params;

use super::{MessageRow, ROW_COLUMNS, row};
use crate::store::{Result, Store};

/// The most messages of a conversation shown: a thread of a mailing list
/// can hold thousands, and each is a line in the reader.
pub const MAX_CONVERSATION: u32 = 200;

impl Store {
    /// The messages of `account`'s thread `thread_id`, oldest first, at
    /// most [`MAX_CONVERSATION`] (the newest of them when there are more).
    pub fn conversation(&self, account: &str, thread_id: i64) -> Result<Vec<MessageRow>> {
        // One index seek per folder (`messages_by_thread`).
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT * FROM (
                 SELECT {ROW_COLUMNS} FROM messages m JOIN folders f ON f.id = m.folder_id
                 WHERE f.account = ?1 AND m.thread_id = ?2
                 ORDER BY m.date DESC, m.id DESC LIMIT ?3
             ) ORDER BY 6, 1"
        ))?;
        let rows = stmt.query_map(params![account, thread_id, MAX_CONVERSATION], row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use crate::store::{FolderRole, NewMessage};

    #[test]
    fn a_conversation_spans_folders_oldest_first_and_stays_in_its_account() {
        let mut t = crate::store::testing::temp_store("conversation");
        let s = &mut t.store;
        let inbox = s
            .upsert_folder("a", "INBOX", Some("/"), Some(FolderRole::Inbox))
            .expect("inbox");
        let sent = s
            .upsert_folder("a", "Sent", Some("/"), Some(FolderRole::Sent))
            .expect("sent");
        let other = s
            .upsert_folder("b", "INBOX", Some("/"), Some(FolderRole::Inbox))
            .expect("other account");
        let msg = |uid: u32, date: i64, id: &str, reply_to: Option<&str>| NewMessage {
            uid: Some(uid),
            date,
            subject: format!("m{uid}"),
            message_id: Some(id.into()),
            in_reply_to: reply_to.map(str::to_owned),
            references: reply_to.map(str::to_owned).unwrap_or_default(),
            ..NewMessage::default()
        };
        let first = s
            .insert_messages(inbox.id, &[msg(1, 100, "a@x", None)])
            .expect("first")[0];
        s.insert_messages(sent.id, &[msg(1, 200, "b@x", Some("a@x"))])
            .expect("my reply");
        s.insert_messages(
            inbox.id,
            &[msg(2, 300, "c@x", Some("b@x")), msg(3, 250, "z@x", None)],
        )
        .expect("an answer and another thread");
        s.insert_messages(other.id, &[msg(1, 150, "a@x", None)])
            .expect("same id, other account");
        let thread = s.message(first).expect("row").thread_id;
        let talk: Vec<(String, i64)> = s
            .conversation("a", thread)
            .expect("conversation")
            .into_iter()
            .map(|r| (r.folder, r.date))
            .collect();
        assert_eq!(
            talk,
            [
                ("INBOX".to_owned(), 100),
                ("Sent".to_owned(), 200),
                ("INBOX".to_owned(), 300)
            ]
        );
    }
}
