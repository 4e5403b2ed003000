//! Drafts as they are written: the composer's fields (to reopen them) and
//! the built message (to upload to the IMAP Drafts folder).

use rusqlite::{OptionalExtension, params};

use super::{Result, Store};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDraft {
    pub id: i64,
    pub account: String,
    pub message_id: String,
    /// The composer's fields, as JSON.
    pub draft: String,
    pub updated: i64,
    pub uploaded: bool,
}

impl Store {
    /// Creates (`id` None) or replaces a draft; returns its id.
    pub fn save_draft(
        &self,
        id: Option<i64>,
        account: &str,
        message_id: &str,
        draft_json: &str,
        raw: &[u8],
    ) -> Result<i64> {
        let now = super::now();
        if let Some(id) = id {
            let n = self.conn().execute(
                "UPDATE drafts SET account = ?2, message_id = ?3, draft = ?4, raw = ?5, updated = ?6, uploaded = 0
                 WHERE id = ?1",
                params![id, account, message_id, draft_json, raw, now],
            )?;
            if n == 1 {
                return Ok(id);
            }
        }
        self.conn().execute(
            "INSERT INTO drafts (account, message_id, draft, raw, updated) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![account, message_id, draft_json, raw, now],
        )?;
        Ok(self.conn().last_insert_rowid())
    }

    pub fn draft(&self, id: i64) -> Result<Option<(StoredDraft, Vec<u8>)>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT id, account, message_id, draft, updated, uploaded, raw FROM drafts WHERE id = ?1",
                [id],
                |r| {
                    Ok((
                        StoredDraft {
                            id: r.get(0)?,
                            account: r.get(1)?,
                            message_id: r.get(2)?,
                            draft: r.get(3)?,
                            updated: r.get(4)?,
                            uploaded: r.get(5)?,
                        },
                        r.get(6)?,
                    ))
                },
            )
            .optional()?)
    }

    /// The account's drafts not yet on the server.
    pub fn drafts_to_upload(&self, account: &str) -> Result<Vec<i64>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id FROM drafts WHERE account = ?1 AND uploaded = 0 ORDER BY id",
        )?;
        let rows = stmt.query_map([account], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Marks a draft uploaded, unless it changed since `updated`.
    pub fn draft_uploaded(&self, id: i64, updated: i64) -> Result<()> {
        self.conn().execute(
            "UPDATE drafts SET uploaded = 1 WHERE id = ?1 AND updated = ?2",
            params![id, updated],
        )?;
        Ok(())
    }

    pub fn delete_draft(&self, id: i64) -> Result<Option<(String, String)>> {
        let found = self
            .conn()
            .query_row(
                "SELECT account, message_id FROM drafts WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        self.conn()
            .execute("DELETE FROM drafts WHERE id = ?1", [id])?;
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use crate::store::testing::temp_store;

    #[test]
    fn drafts_are_replaced_in_place_and_deleted() {
        let t = temp_store("drafts");
        let id = t
            .store
            .save_draft(None, "a", "m@x", "{\"subject\":\"one\"}", b"raw1")
            .expect("save");
        let again = t
            .store
            .save_draft(Some(id), "a", "m@x", "{\"subject\":\"two\"}", b"raw2")
            .expect("save");
        assert_eq!(id, again);
        let (d, raw) = t.store.draft(id).expect("get").expect("exists");
        assert_eq!(
            (d.draft.as_str(), raw.as_slice()),
            ("{\"subject\":\"two\"}", &b"raw2"[..])
        );
        assert_eq!(t.store.drafts_to_upload("a").expect("list"), [id]);
        t.store.draft_uploaded(id, d.updated).expect("uploaded");
        assert!(t.store.drafts_to_upload("a").expect("list").is_empty());
        assert_eq!(
            t.store.delete_draft(id).expect("delete"),
            Some(("a".into(), "m@x".into()))
        );
        assert!(t.store.draft(id).expect("get").is_none());
    }
}
