//! Raw message bodies, kept once downloaded, and their text in the index.

use rusqlite::{OptionalExtension, params};

use super::tokens::IndexText;
use super::{Result, Store};

impl Store {
    /// Stores a downloaded body, its snippet and its searchable text, in one
    /// transaction so the index never disagrees with the cache.
    pub fn set_body(
        &mut self,
        id: i64,
        raw: &[u8],
        snippet: &str,
        search_text: &IndexText,
    ) -> Result<()> {
        self.store_bodies(&[(id, raw, snippet, search_text)])
    }

    /// Stores many bodies in one transaction (prefetch).
    pub fn set_bodies(&mut self, bodies: &[(i64, Vec<u8>, String, IndexText)]) -> Result<()> {
        let borrowed: Vec<_> = bodies
            .iter()
            .map(|(id, raw, snippet, text)| (*id, raw.as_slice(), snippet.as_str(), text))
            .collect();
        self.store_bodies(&borrowed)
    }

    fn store_bodies(&mut self, bodies: &[(i64, &[u8], &str, &IndexText)]) -> Result<()> {
        let tx = self.atomic()?;
        bodies_in(&tx, bodies)?;
        tx.commit()
    }

    /// A downloaded message's bytes (see [`super::cache::read_message`]),
    /// or None if it has not been downloaded.
    pub fn body(&self, id: i64) -> Result<Option<Vec<u8>>> {
        match super::cache::read_message(self.conn(), "bodies", "raw", id) {
            Ok(raw) => Ok(Some(raw)),
            Err(rusqlite::Error::SqliteFailure(_, _)) if !self.has_body(id)? => Ok(None),
            Err(e) => Err(e.into()),
        }
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
    ) -> Result<Vec<(i64, u32, u64)>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT m.id, m.uid, m.size FROM messages m
             WHERE m.folder_id = ?1 AND m.date >= ?2 AND m.uid IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM bodies b WHERE b.message = m.id)
             ORDER BY m.date DESC, m.id DESC LIMIT ?3",
        )?;
        let rows = stmt.query_map(params![folder_id, since, limit], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)?.max(0) as u64))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// A body's row for the index: id, whether it waited in `unindexed`,
/// subject, sender, recipients, text.
type Indexed<'a> = (i64, bool, String, String, String, &'a IndexText);

/// [`Store::set_bodies`] inside a unit of writes the caller commits.
pub(super) fn bodies_in(
    tx: &rusqlite::Connection,
    bodies: &[(i64, &[u8], &str, &IndexText)],
) -> Result<()> {
    let mut indexed: Vec<Indexed<'_>> = Vec::with_capacity(bodies.len());
    {
        let mut keep =
            tx.prepare_cached("INSERT OR REPLACE INTO bodies (message, raw) VALUES (?1, ?2)")?;
        let mut waiting = tx.prepare_cached("DELETE FROM unindexed WHERE message = ?1")?;
        let mut snip = tx.prepare_cached(
            "UPDATE messages SET snippet = ?2 WHERE id = ?1
             RETURNING subject, from_name || ' ' || from_addr, to_addrs || ' ' || cc_addrs",
        )?;
        for &(id, raw, snippet, text) in bodies {
            keep.execute(params![id, raw])?;
            let headers: Option<(String, String, String)> = snip
                .query_row(params![id, snippet], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })
                .optional()?;
            let (subject, sender, recipients) = headers.ok_or(super::Error::NoSuchMessage(id))?;
            // A message waiting for its body has no row to replace.
            let waited = waiting.execute([id])? > 0;
            indexed.push((id, waited, subject, sender, recipients, text));
        }
    }
    // The index is written last: a statement journal opened between two
    // index writes makes FTS5 flush a segment per message (see
    // `messages::index_headers`). So does a rowid lower than the one
    // before, and a prefetch comes newest first, in falling ids: in
    // rising order one segment holds the whole batch.
    // Stable: a message named twice keeps its order, and is indexed once,
    // as last named; it waited for its body if its first naming did.
    indexed.sort_by_key(|row| row.0);
    let mut once: Vec<Indexed<'_>> = Vec::with_capacity(indexed.len());
    for row in indexed {
        match once.last_mut() {
            Some(last) if last.0 == row.0 => {
                let waited = last.1;
                *last = row;
                last.1 = waited;
            }
            _ => once.push(row),
        }
    }
    {
        let mut unindex = tx.prepare_cached("DELETE FROM search WHERE rowid = ?1")?;
        let mut index = tx.prepare_cached(
            "INSERT INTO search (rowid, subject, sender, recipients, body) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for (id, waited, subject, sender, recipients, text) in &once {
            if !waited {
                unindex.execute([id])?;
            }
            index.execute(params![
                id,
                IndexText::new(subject).as_str(),
                IndexText::new(sender).as_str(),
                IndexText::new(recipients).as_str(),
                text.as_str()
            ])?;
        }
    }
    // After the index writes (see above): the reports among these bodies
    // are read, in the same transaction as the bodies they are read from.
    super::delivery::read_reports(tx, bodies.iter().map(|&(id, raw, _, _)| (id, raw)))
}

#[cfg(test)]
mod tests {
    use crate::store::testing::temp_store;
    use crate::store::{IndexText, Indexing, NewMessage};

    /// A prefetch stores bodies newest first, so in falling ids; FTS5
    /// starts a new segment whenever a rowid is lower than the one before,
    /// which turned one batch into a segment per message for the merges to
    /// rewrite.
    #[test]
    fn a_batch_of_bodies_in_falling_ids_is_one_index_segment() {
        let mut t = temp_store("segments");
        let f = t
            .store
            .upsert_folder("work", "INBOX", None, None)
            .expect("folder");
        let batch: Vec<NewMessage> = (1..=40)
            .map(|uid| NewMessage {
                uid: Some(uid),
                date: i64::from(uid),
                subject: format!("Report {uid}"),
                ..NewMessage::default()
            })
            .collect();
        let ids = t
            .store
            .insert_messages_indexed(f.id, &batch, Indexing::WithBody)
            .expect("insert");
        let bodies: Vec<_> = ids
            .iter()
            .rev()
            .map(|&id| {
                let text = IndexText::new(&format!("word{id} common"));
                (id, b"raw".to_vec(), String::new(), text)
            })
            .collect();
        t.store.set_bodies(&bodies).expect("bodies");
        let segments = crate::store::testing::search_segments(&t.store);
        assert_eq!(segments, 1);
        let found = t.store.search("common", None, 100).expect("search");
        assert_eq!(found.len(), ids.len());
    }

    /// A large downloaded message is read for the reader whole, and
    /// without keeping its pages in the page cache (`store/cache.rs`);
    /// one not downloaded is None.
    #[test]
    fn a_large_body_is_read_whole_through_a_small_cache() {
        let mut t = temp_store("large-body");
        let f = t
            .store
            .upsert_folder("work", "INBOX", None, None)
            .expect("folder");
        let rows: Vec<NewMessage> = (1..=2)
            .map(|uid| NewMessage {
                uid: Some(uid),
                date: i64::from(uid),
                ..NewMessage::default()
            })
            .collect();
        let ids = t.store.insert_messages(f.id, &rows).expect("insert");
        let raw: Vec<u8> = (0..=255u8).cycle().take(20 << 20).collect();
        t.store
            .set_body(ids[0], &raw, "", &IndexText::new("video"))
            .expect("body");
        let read = t.store.body(ids[0]).expect("read").expect("downloaded");
        assert!(read == raw, "the same {} bytes", raw.len());
        let used = crate::store::cache::used(t.store.conn());
        assert!(used < 4 << 20, "{used} bytes cached after reading it");
        assert_eq!(t.store.body(ids[1]).expect("read"), None);
        assert_eq!(t.store.body(ids[1] + 100).expect("read"), None);
    }

    /// A batch that names a message twice (a POP3 server listing a UIDL
    /// twice) indexes it once, as last named.
    #[test]
    fn a_body_named_twice_in_a_batch_is_indexed_once() {
        let mut t = temp_store("twice");
        let f = t
            .store
            .upsert_folder("work", "INBOX", None, None)
            .expect("folder");
        let row = NewMessage {
            uid: Some(1),
            date: 1,
            subject: "Minutes".into(),
            ..NewMessage::default()
        };
        let ids = t
            .store
            .insert_messages_indexed(f.id, &[row], Indexing::WithBody)
            .expect("insert");
        let body = |text: &str| (ids[0], b"raw".to_vec(), String::new(), IndexText::new(text));
        t.store
            .set_bodies(&[body("apricot"), body("quince")])
            .expect("bodies");
        let hits = |q: &str| t.store.search(q, None, 10).expect("search").len();
        assert_eq!(
            (hits("apricot"), hits("quince"), hits("minutes")),
            (0, 1, 1)
        );
        t.store
            .conn()
            .execute("INSERT INTO search (search) VALUES ('integrity-check')", [])
            .expect("the index is consistent");
    }
}
