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

    /// The UIDLs already removed from the server: one listed again is
    /// another message under a reused UIDL, never stored.
    pub fn pop3_removed_all(&self, account: &str) -> Result<std::collections::HashSet<String>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT uidl FROM pop3_seen WHERE account = ?1 AND removed_from_server = 1",
        )?;
        let rows = stmt.query_map([account], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Stores downloaded messages (`rows[i]` with `bodies[i]`: raw bytes,
    /// snippet, search text) and records their UIDLs in one transaction: a
    /// crash leaves all or none of them, so each is fetched exactly once.
    /// Returns the local ids, in order.
    pub fn pop3_store(
        &mut self,
        account: &str,
        folder_id: i64,
        rows: &[super::NewMessage],
        bodies: &[(Vec<u8>, String, super::IndexText)],
    ) -> Result<Vec<i64>> {
        debug_assert_eq!(rows.len(), bodies.len());
        // One unit, no savepoints inside it: a savepoint copies every page
        // it touches, bodies included, into a sub-journal.
        let tx = self.atomic()?;
        // Indexed once, with the body, as a prefetch does.
        let ids = super::messages::insert_in(&tx, folder_id, rows, super::Indexing::WithBody)?.ids;
        let stored: Vec<_> = ids
            .iter()
            .zip(bodies)
            .map(|(&id, (raw, snippet, text))| (id, raw.as_slice(), snippet.as_str(), text))
            .collect();
        super::bodies::bodies_in(&tx, &stored)?;
        {
            let mut seen = tx.prepare_cached(
                "INSERT OR IGNORE INTO pop3_seen (account, uidl, downloaded_at) VALUES (?1, ?2, ?3)",
            )?;
            let now = super::now();
            for row in rows {
                seen.execute(params![
                    account,
                    row.uidl.as_deref().unwrap_or_default(),
                    now
                ])?;
            }
        }
        tx.commit()?;
        Ok(ids)
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
