//! "Mark all as read" on a folder or the unified Inbox: every unread
//! message at once, each with its flags queued for its server.

use rusqlite::params;

use super::{Flags, MessageRow, ROW_COLUMNS, row};
use crate::store::pending::Action;
use crate::store::{Result, Store};

use super::list::Scope;

impl Store {
    /// Marks every unread message of `scope` read, in one unit of writes
    /// (a crash leaves all of them unread, or all read and queued).
    /// Returns the rows as they were, for Undo and for the accounts to push.
    pub fn mark_all_read(&mut self, scope: Scope) -> Result<Vec<MessageRow>> {
        self.all_or_nothing(|s| {
            let rows = s.unread_rows(scope)?;
            for r in &rows {
                s.set_flags_queued(r, r.flags.with(Flags::SEEN, true))?;
            }
            Ok(rows)
        })
    }

    /// Undo of [`Store::mark_all_read`]: these messages unread again, as
    /// one unit too; a message gone meanwhile (moved, deleted) is skipped.
    pub fn mark_unread_again(&mut self, ids: &[i64]) -> Result<usize> {
        self.all_or_nothing(|s| {
            let mut n = 0;
            for &id in ids {
                let Ok(r) = s.message(id) else { continue };
                if r.flags.has(Flags::SEEN) {
                    s.set_flags_queued(&r, r.flags.with(Flags::SEEN, false))?;
                    n += 1;
                }
            }
            Ok(n)
        })
    }

    /// Sets a message's flags here and queues them for its server.
    fn set_flags_queued(&self, r: &MessageRow, flags: Flags) -> Result<()> {
        self.set_flags(r.id, flags)?;
        if let Some(uid) = r.uid {
            self.add_pending(
                &r.account,
                &r.folder,
                uid,
                &Action::SetFlags(flags.to_imap()),
            )?;
        }
        Ok(())
    }

    fn unread_rows(&self, scope: Scope) -> Result<Vec<MessageRow>> {
        let (filter, arg) = match scope {
            Scope::Folder(id) => ("m.folder_id = ?1", rusqlite::types::Value::Integer(id)),
            Scope::Role(role) | Scope::RoleWithoutReports(role) => (
                "f.role = ?1",
                rusqlite::types::Value::Text(role.as_str().to_owned()),
            ),
        };
        let mut stmt = self.conn().prepare(&format!(
            "SELECT {ROW_COLUMNS} FROM messages m JOIN folders f ON f.id = m.folder_id
             WHERE {filter} AND (m.flags & ?2) = 0 ORDER BY m.id"
        ))?;
        let rows = stmt.query_map(params![arg, Flags::SEEN], row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use crate::store::messages::list::Scope;
    use crate::store::{Flags, FolderRole, NewMessage};

    #[test]
    fn marks_every_unread_read_queues_each_and_undoes() {
        let mut t = crate::store::testing::temp_store("mark-all");
        let s = &mut t.store;
        let inbox = s
            .upsert_folder("a", "INBOX", Some("/"), Some(FolderRole::Inbox))
            .expect("inbox");
        let other = s
            .upsert_folder("b", "INBOX", Some("/"), Some(FolderRole::Inbox))
            .expect("other inbox");
        let msg = |uid: u32, seen: bool| NewMessage {
            uid: Some(uid),
            date: 1_700_000_000 + i64::from(uid),
            subject: format!("m{uid}"),
            flags: Flags(if seen { Flags::SEEN } else { 0 }),
            ..NewMessage::default()
        };
        let a = s
            .insert_messages(inbox.id, &[msg(1, false), msg(2, true), msg(3, false)])
            .expect("a");
        let b = s.insert_messages(other.id, &[msg(1, false)]).expect("b");

        let marked = s.mark_all_read(Scope::Folder(inbox.id)).expect("marked");
        let ids: Vec<i64> = marked.iter().map(|r| r.id).collect();
        assert_eq!(ids, vec![a[0], a[2]], "the unread ones, no more");
        assert!(s.message(a[0]).expect("row").flags.has(Flags::SEEN));
        assert!(
            !s.message(b[0]).expect("row").flags.has(Flags::SEEN),
            "another folder is left alone"
        );
        let queued = s.pending("a").expect("pending");
        assert_eq!(queued.len(), 2, "one flag change queued per message");

        assert_eq!(s.mark_unread_again(&ids).expect("undo"), 2);
        assert!(!s.message(a[0]).expect("row").flags.has(Flags::SEEN));
        assert!(s.message(a[1]).expect("row").flags.has(Flags::SEEN));

        // The unified Inbox: every account's.
        let all = s
            .mark_all_read(Scope::Role(FolderRole::Inbox))
            .expect("all");
        assert_eq!(all.len(), 3);
        assert_eq!(s.pending("b").expect("pending b").len(), 1);
    }
}
