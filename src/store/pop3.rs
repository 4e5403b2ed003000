//! What POP3 has already downloaded, by UIDL, so nothing comes twice even
//! after the user deleted the local copy.

use rusqlite::params;

use super::{Result, Store};

impl Store {
    pub fn pop3_seen(&self, account: &str, uidl: &str) -> Result<bool> {
        Ok(self
            .conn()
            .prepare_cached("SELECT 1 FROM pop3_seen WHERE account = ?1 AND uidl = ?2")?
            .exists(params![account, uidl])?)
    }

    /// Every UIDL already downloaded for the account.
    pub fn pop3_seen_all(&self, account: &str) -> Result<std::collections::HashSet<String>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT uidl FROM pop3_seen WHERE account = ?1")?;
        let rows = stmt.query_map([account], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Stores a downloaded message and records its UIDL in one transaction:
    /// a crash leaves either both or neither, so it is fetched exactly once.
    pub fn pop3_store(
        &mut self,
        account: &str,
        folder_id: i64,
        message: &super::NewMessage,
        raw: &[u8],
        snippet: &str,
        search_text: &super::IndexText,
    ) -> Result<i64> {
        let uidl = message.uidl.clone().unwrap_or_default();
        // One savepoint around all three writes; the inner ones nest in it.
        self.conn().execute_batch("SAVEPOINT pop3_store")?;
        let result = (|| {
            let ids = self.insert_messages(folder_id, std::slice::from_ref(message))?;
            let id = ids[0];
            self.set_body(id, raw, snippet, search_text)?;
            self.conn().execute(
                "INSERT OR IGNORE INTO pop3_seen (account, uidl, downloaded_at) VALUES (?1, ?2, ?3)",
                params![account, uidl, super::now()],
            )?;
            Ok(id)
        })();
        let end = if result.is_ok() {
            "RELEASE pop3_store"
        } else {
            "ROLLBACK TO pop3_store; RELEASE pop3_store"
        };
        self.conn().execute_batch(end)?;
        result
    }

    /// UIDLs downloaded before `before` (unix seconds) and still on the server.
    pub fn pop3_due_for_removal(&self, account: &str, before: i64) -> Result<Vec<String>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT uidl FROM pop3_seen WHERE account = ?1 AND downloaded_at < ?2 AND removed_from_server = 0",
        )?;
        let rows = stmt.query_map(params![account, before], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn pop3_mark_removed(&self, account: &str, uidl: &str) -> Result<()> {
        self.conn().execute(
            "UPDATE pop3_seen SET removed_from_server = 1 WHERE account = ?1 AND uidl = ?2",
            params![account, uidl],
        )?;
        Ok(())
    }
}
