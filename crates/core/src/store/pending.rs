//! The user's actions on messages (flags, moves, deletes) waiting to be
//! replayed to the server: applied locally at once, kept across restarts
//! until the server has them.

use rusqlite::params;

use super::{Result, Store};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Set these system flags (IMAP names), replacing the old ones.
    SetFlags(String),
    /// Move to the named folder.
    Move(String),
    /// Remove for good (expunge).
    Expunge,
    /// Add this keyword (an IMAP atom), leaving every other flag alone:
    /// `$MDNSent` once the user answered a read-receipt request.
    AddKeyword(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub id: i64,
    pub account: String,
    pub folder: String,
    pub uid: u32,
    pub action: Action,
}

impl Store {
    pub fn add_pending(
        &self,
        account: &str,
        folder: &str,
        uid: u32,
        action: &Action,
    ) -> Result<()> {
        let (kind, arg) = match action {
            Action::SetFlags(flags) => ("flags", flags.as_str()),
            Action::Move(to) => ("move", to.as_str()),
            Action::Expunge => ("expunge", ""),
            Action::AddKeyword(keyword) => ("keyword", keyword.as_str()),
        };
        self.conn().execute(
            "INSERT INTO pending (account, kind, folder, uid, arg, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![account, kind, folder, uid, arg, super::now()],
        )?;
        Ok(())
    }

    /// The account's pending actions, oldest first. A row of a kind this
    /// version does not know (written by a newer one) is left alone: read
    /// as anything, it could destroy mail.
    pub fn pending(&self, account: &str) -> Result<Vec<Pending>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, account, folder, uid, kind, arg FROM pending WHERE account = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([account], |r| {
            let kind: String = r.get(4)?;
            let arg: String = r.get(5)?;
            let action = match kind.as_str() {
                "flags" => Some(Action::SetFlags(arg)),
                "move" => Some(Action::Move(arg)),
                "expunge" => Some(Action::Expunge),
                "keyword" => Some(Action::AddKeyword(arg)),
                _ => None,
            };
            let Some(action) = action else {
                return Ok(None);
            };
            Ok(Some(Pending {
                id: r.get(0)?,
                account: r.get(1)?,
                folder: r.get(2)?,
                uid: r.get(3)?,
                action,
            }))
        })?;
        let mut pending = Vec::new();
        for row in rows {
            match row? {
                Some(p) => pending.push(p),
                None => tracing::warn!(
                    "{account}: a pending action of an unknown kind is kept, not replayed"
                ),
            }
        }
        Ok(pending)
    }

    pub fn remove_pending(&self, id: i64) -> Result<()> {
        self.conn()
            .execute("DELETE FROM pending WHERE id = ?1", [id])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing::temp_store;

    #[test]
    fn actions_come_back_oldest_first_per_account_and_survive_a_reopen() {
        let t = temp_store("pending");
        let store = &t.store;
        let actions = [
            Action::SetFlags("\\Seen \\Flagged".into()),
            Action::Move("Archive/2026".into()),
            Action::Expunge,
            Action::AddKeyword("$MDNSent".into()),
        ];
        for (uid, action) in (1..).zip(&actions) {
            store
                .add_pending("work", "INBOX", uid, action)
                .expect("added");
        }
        store
            .add_pending("home", "INBOX", 9, &Action::Expunge)
            .expect("another account's");
        let reopened = Store::open(t.dir()).expect("reopened");
        let work = reopened.pending("work").expect("read");
        assert_eq!(
            work.iter()
                .map(|p| (p.uid, p.action.clone()))
                .collect::<Vec<_>>(),
            (1..).zip(actions).collect::<Vec<_>>()
        );
        assert!(
            work.iter()
                .all(|p| p.account == "work" && p.folder == "INBOX")
        );
        reopened.remove_pending(work[1].id).expect("removed");
        let left: Vec<u32> = reopened
            .pending("work")
            .expect("read")
            .iter()
            .map(|p| p.uid)
            .collect();
        assert_eq!(left, [1, 3, 4]);
        assert_eq!(reopened.pending("home").expect("read").len(), 1);
    }

    #[test]
    fn an_unknown_kind_is_never_read_as_a_delete() {
        let t = temp_store("pending-unknown");
        t.store
            .conn()
            .execute(
                "INSERT INTO pending (account, kind, folder, uid, arg, created) VALUES ('work', 'label', 'INBOX', 4, 'x', 0)",
                [],
            )
            .expect("a newer version's row");
        t.store
            .add_pending("work", "INBOX", 5, &Action::Move("Later".into()))
            .expect("added");
        let pending = t.store.pending("work").expect("read");
        assert_eq!(pending.len(), 1, "{pending:?}");
        assert_eq!(pending[0].action, Action::Move("Later".into()));
    }
}
