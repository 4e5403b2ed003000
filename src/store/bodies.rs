//! Raw message bodies, kept once downloaded, and their text in the index.

use rusqlite::{OptionalExtension, params};

use super::{Result, Store};

impl Store {
    /// Stores a downloaded body, its snippet and its searchable text, in one
    /// transaction so the index never disagrees with the cache.
    pub fn set_body(
        &mut self,
        id: i64,
        raw: &[u8],
        snippet: &str,
        search_text: &str,
    ) -> Result<()> {
        let tx = self.conn_mut().savepoint()?;
        tx.execute(
            "INSERT OR REPLACE INTO bodies (message, raw) VALUES (?1, ?2)",
            params![id, raw],
        )?;
        tx.execute(
            "UPDATE messages SET snippet = ?2 WHERE id = ?1",
            params![id, snippet],
        )?;
        let (subject, sender, recipients): (String, String, String) = tx.query_row(
            "SELECT subject, from_name || ' ' || from_addr, to_addrs || ' ' || cc_addrs
             FROM messages WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        tx.execute("DELETE FROM search WHERE rowid = ?1", [id])?;
        tx.execute(
            "INSERT INTO search (rowid, subject, sender, recipients, body) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id, subject, sender, recipients, search_text],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Stores many bodies in one transaction (prefetch).
    pub fn set_bodies(&mut self, bodies: &[(i64, Vec<u8>, String, String)]) -> Result<()> {
        self.conn().execute_batch("SAVEPOINT bodies")?;
        let result = bodies
            .iter()
            .try_for_each(|(id, raw, snippet, text)| self.set_body(*id, raw, snippet, text));
        let end = if result.is_ok() {
            "RELEASE bodies"
        } else {
            "ROLLBACK TO bodies; RELEASE bodies"
        };
        self.conn().execute_batch(end)?;
        result
    }

    pub fn body(&self, id: i64) -> Result<Option<Vec<u8>>> {
        Ok(self
            .conn()
            .query_row("SELECT raw FROM bodies WHERE message = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?)
    }

    pub fn has_body(&self, id: i64) -> Result<bool> {
        Ok(self
            .conn()
            .prepare_cached("SELECT 1 FROM bodies WHERE message = ?1")?
            .exists([id])?)
    }

    /// Messages of a folder dated at or after `since` that have no body yet,
    /// newest first: what a prefetch downloads next.
    pub fn missing_bodies(
        &self,
        folder_id: i64,
        since: i64,
        limit: u32,
    ) -> Result<Vec<(i64, u32)>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT m.id, m.uid FROM messages m
             WHERE m.folder_id = ?1 AND m.date >= ?2 AND m.uid IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM bodies b WHERE b.message = m.id)
             ORDER BY m.date DESC, m.id DESC LIMIT ?3",
        )?;
        let rows = stmt.query_map(params![folder_id, since, limit], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
