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
        };
        self.conn().execute(
            "INSERT INTO pending (account, kind, folder, uid, arg, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![account, kind, folder, uid, arg, super::now()],
        )?;
        Ok(())
    }

    /// The account's pending actions, oldest first.
    pub fn pending(&self, account: &str) -> Result<Vec<Pending>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, account, folder, uid, kind, arg FROM pending WHERE account = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([account], |r| {
            let kind: String = r.get(4)?;
            let arg: String = r.get(5)?;
            let action = match kind.as_str() {
                "flags" => Action::SetFlags(arg),
                "move" => Action::Move(arg),
                _ => Action::Expunge,
            };
            Ok(Pending {
                id: r.get(0)?,
                account: r.get(1)?,
                folder: r.get(2)?,
                uid: r.get(3)?,
                action,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn remove_pending(&self, id: i64) -> Result<()> {
        self.conn()
            .execute("DELETE FROM pending WHERE id = ?1", [id])?;
        Ok(())
    }
}
