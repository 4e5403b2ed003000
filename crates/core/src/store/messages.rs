//! Message headers and flags: written in batches by sync, read a page at a
//! time (keyset on date and id) by the list views.

use std::collections::HashMap;

use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use super::{Result, Store, threads};

mod conversation;
pub(crate) mod list;
mod mark_all;
pub use conversation::MAX_CONVERSATION;
pub use list::{Cursor, Order, Scope};

/// The system flags, as bits; other keywords are kept as text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Flags(pub u32);

impl Flags {
    pub const SEEN: u32 = 1;
    pub const ANSWERED: u32 = 2;
    pub const FLAGGED: u32 = 4;
    pub const DELETED: u32 = 8;
    pub const DRAFT: u32 = 16;

    pub fn has(self, bit: u32) -> bool {
        self.0 & bit != 0
    }

    pub fn with(self, bit: u32, on: bool) -> Self {
        if on {
            Self(self.0 | bit)
        } else {
            Self(self.0 & !bit)
        }
    }

    /// Each system flag: its bit, its IMAP name, its word in listings.
    const ALL: [(u32, &'static str, &'static str); 5] = [
        (Self::SEEN, "\\Seen", "seen"),
        (Self::ANSWERED, "\\Answered", "answered"),
        (Self::FLAGGED, "\\Flagged", "flagged"),
        (Self::DELETED, "\\Deleted", "deleted"),
        (Self::DRAFT, "\\Draft", "draft"),
    ];

    /// IMAP flag names, e.g. `\Seen \Flagged`.
    pub fn to_imap(self) -> String {
        Self::ALL
            .iter()
            .filter(|(bit, _, _)| self.has(*bit))
            .map(|(_, imap, _)| *imap)
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Parses one IMAP flag; `None` for keywords, which are kept as text.
    pub fn bit_of(flag: &str) -> Option<u32> {
        Self::ALL
            .iter()
            .find(|(_, imap, _)| imap.eq_ignore_ascii_case(flag))
            .map(|(bit, _, _)| *bit)
    }

    pub fn names(self) -> Vec<&'static str> {
        Self::ALL
            .iter()
            .filter(|(bit, _, _)| self.has(*bit))
            .map(|(_, _, word)| *word)
            .collect()
    }
}

/// A message as sync learns it, before it has a local id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewMessage {
    pub uid: Option<u32>,
    pub uidl: Option<String>,
    pub flags: Flags,
    pub keywords: String,
    /// Unix seconds: the Date header, else the server's arrival time.
    pub date: i64,
    pub from_name: String,
    pub from_addr: String,
    pub to: String,
    pub cc: String,
    pub subject: String,
    pub message_id: Option<String>,
    pub in_reply_to: Option<String>,
    pub references: String,
    pub size: u64,
    pub has_attachments: bool,
    pub snippet: String,
    pub modseq: Option<u64>,
    /// A delivery or read report (multipart/report): noted, to be read
    /// once its body is here. Not a column.
    pub report: bool,
}

/// One row of a message list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MessageRow {
    pub id: i64,
    pub folder_id: i64,
    pub folder: String,
    pub account: String,
    pub uid: Option<u32>,
    pub date: i64,
    pub from_name: String,
    pub from_addr: String,
    pub to: String,
    pub cc: String,
    pub subject: String,
    #[serde(serialize_with = "flag_names")]
    pub flags: Flags,
    pub size: u64,
    pub has_attachments: bool,
    pub snippet: String,
    pub message_id: Option<String>,
    pub in_reply_to: Option<String>,
    pub references: String,
    /// The conversation it belongs to (see `store::threads`).
    pub thread_id: i64,
    /// Its place in its thread, in a list grouped by thread.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thread: Option<ThreadPlace>,
}

/// Where a row stands in its thread, in a list grouped by thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ThreadPlace {
    /// 0 for the thread's first (oldest) message in the list.
    pub index: u32,
    /// Messages of the thread in the list.
    pub size: u32,
}

fn flag_names<S: serde::Serializer>(flags: &Flags, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.collect_seq(flags.names())
}

pub(crate) const ROW_COLUMNS: &str = "m.id, m.folder_id, f.name, f.account, m.uid, m.date, m.from_name, m.from_addr, m.to_addrs, m.cc_addrs, m.subject, m.flags, m.size, m.has_attachments, m.snippet, m.message_id, m.in_reply_to, m.refs, m.thread_id";

pub(crate) fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<MessageRow> {
    Ok(MessageRow {
        id: r.get(0)?,
        folder_id: r.get(1)?,
        folder: r.get(2)?,
        account: r.get(3)?,
        uid: r.get(4)?,
        date: r.get(5)?,
        from_name: r.get(6)?,
        from_addr: r.get(7)?,
        to: r.get(8)?,
        cc: r.get(9)?,
        subject: r.get(10)?,
        flags: Flags(r.get(11)?),
        size: r.get::<_, i64>(12)? as u64,
        has_attachments: r.get(13)?,
        snippet: r.get(14)?,
        message_id: r.get(15)?,
        in_reply_to: r.get(16)?,
        references: r.get(17)?,
        thread_id: r.get::<_, Option<i64>>(18)?.unwrap_or_default(),
        thread: None,
    })
}

/// When a new message gets its row in the search index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Indexing {
    /// Now, from its headers.
    Now,
    /// With its body, which the caller is about to download; until then it
    /// waits in `unindexed`, and `index_unindexed` gives the ones whose body
    /// never came a header row.
    WithBody,
}

/// Rows stored between two looks for a waiting writer or a user's action
/// (`crate::priority`): what they may wait for. A look is an atomic load,
/// so small chunks cost nothing while nobody waits (200 rows, 2 ms, left a
/// flag's p95 at 3.5 ms during a sync; `benches/responsive`, with the
/// sync giving way: 50 rows 5.3 ms, 10 rows 4.5 ms, within one run's
/// noise: what is left is the commit's flush of the search index).
const YIELD_ROWS: usize = 10;

/// A sync's transaction while the user is active (`priority::user_active`):
/// what an action waits for when the sync must commit rather than roll
/// back (a commit of 600 rows took 1.1 ms, of under 100 a quarter of that:
/// the flush of the search index). While nobody acts, a batch is one
/// transaction (`MIN_ROWS` in `sync::imap`).
const ACTIVE_TX_ROWS: usize = 250;

/// A sync that has committed nothing for this long commits for the next
/// action instead of rolling back, so a stream of actions slows it but
/// cannot stop it; within it, its transaction is rolled back and the
/// action's write goes first. Half the longest the sync gives way for.
const STARVED_AFTER: std::time::Duration = std::time::Duration::from_millis(50);

/// Whether a sync's open transaction is rolled back for a user's action
/// (or committed first). One begun while the user was idle holds a whole
/// batch (thousands of rows, `MIN_ROWS` in `sync::imap`), whose search
/// entries would take tens of milliseconds to write before its commit: the
/// first action rolls it back, and the sync goes on in transactions of
/// [`ACTIVE_TX_ROWS`]. Those are rolled back unless the sync has committed
/// nothing for [`STARVED_AFTER`].
fn rolls_back_for_user(began_active: bool, last_commit: Option<std::time::Instant>) -> bool {
    !began_active || last_commit.is_some_and(|at| at.elapsed() < STARVED_AFTER)
}

impl Store {
    /// Inserts a batch in one transaction (unless another connection waits
    /// to write: then in several); a message already there (same
    /// UID or UIDL) gets the new flags. Returns the local ids, in order.
    pub fn insert_messages(&mut self, folder_id: i64, batch: &[NewMessage]) -> Result<Vec<i64>> {
        self.insert_messages_indexed(folder_id, batch, Indexing::Now)
    }

    pub fn insert_messages_indexed(
        &mut self,
        folder_id: i64,
        batch: &[NewMessage],
        indexing: Indexing,
    ) -> Result<Vec<i64>> {
        Ok(self.insert_chunked(folder_id, batch, indexing, false)?.0)
    }

    /// [`Store::insert_messages_indexed`] for a sync, which stops when the
    /// user starts an action (`crate::priority`) so that the action's write
    /// does not wait for the commit of the rows stored meanwhile (the flush
    /// of their search index): the open transaction is rolled back, or
    /// committed if the sync has committed nothing for [`STARVED_AFTER`].
    /// Returns the ids and how many of `batch` it stored (none after a
    /// roll-back). The caller gives way outside the store, which the action
    /// may need, and offers the rest again.
    pub fn insert_messages_until_user(
        &mut self,
        folder_id: i64,
        batch: &[NewMessage],
        indexing: Indexing,
    ) -> Result<(Vec<i64>, usize)> {
        self.insert_chunked(folder_id, batch, indexing, true)
    }

    fn insert_chunked(
        &mut self,
        folder_id: i64,
        batch: &[NewMessage],
        indexing: Indexing,
        stop_for_user: bool,
    ) -> Result<(Vec<i64>, usize)> {
        let mut ids = Vec::with_capacity(batch.len());
        let mut rest = batch;
        while !rest.is_empty() {
            let active = crate::priority::user_active();
            let cap = if stop_for_user && active {
                ACTIVE_TX_ROWS
            } else {
                usize::MAX
            };
            let may_roll_back = stop_for_user && rolls_back_for_user(active, self.sync_stored);
            let kept = ids.len();
            let mut unindexed = Vec::new();
            let tx = self.atomic()?;
            let mut done = 0;
            let mut user = false;
            // Chunk by chunk; a write waiting on another connection (the
            // window's flag) gets in between two chunks, not after all.
            while done < rest.len().min(cap) {
                let end = (done + YIELD_ROWS).min(rest.len());
                let inserted = insert_in(&tx, folder_id, &rest[done..end], indexing)?;
                ids.extend(inserted.ids);
                unindexed.extend(inserted.unindexed);
                done = end;
                user = stop_for_user && crate::priority::user_waits();
                if user || super::contention::someone_waits() {
                    break;
                }
            }
            let mut roll_back = user && may_roll_back;
            if !roll_back {
                // In chunks too: an action that starts meanwhile need not
                // wait for the rest.
                for part in unindexed.chunks(YIELD_ROWS) {
                    index_headers(&tx, part)?;
                    if may_roll_back && crate::priority::user_waits() {
                        roll_back = true;
                        break;
                    }
                }
            }
            if roll_back {
                // The rows go in again after the action.
                drop(tx);
                ids.truncate(kept);
                break;
            }
            tx.commit()?;
            if stop_for_user {
                self.sync_stored = Some(std::time::Instant::now());
            }
            rest = &rest[done..];
            if user {
                break;
            }
            if !rest.is_empty() {
                super::contention::let_them_in();
            }
        }
        Ok((ids, batch.len() - rest.len()))
    }

    /// Gives the messages still waiting for a body (see
    /// `Indexing::WithBody`) their header row: the prefetch that was to
    /// index them ended, was interrupted, or left them out of its range.
    /// In rising ids: FTS5 starts a new segment at every lower rowid.
    pub fn index_unindexed(&mut self) -> Result<usize> {
        let tx = self.atomic()?;
        let n = tx.execute(
            // The leading spaces keep a subject or name that starts with
            // the mark of tokenized text from being read as such.
            "INSERT INTO search (rowid, subject, sender, recipients, body)
             SELECT m.id, ' ' || m.subject, ' ' || m.from_name || ' ' || m.from_addr,
                    ' ' || m.to_addrs || ' ' || m.cc_addrs, ''
             FROM unindexed u JOIN messages m ON m.id = u.message
             ORDER BY u.message",
            [],
        )?;
        tx.execute("DELETE FROM unindexed", [])?;
        tx.commit()?;
        Ok(n)
    }

    /// Addresses seen as senders that start with `prefix` (address or any
    /// word of the name), most frequent first: "Name <addr>" for completion.
    pub fn known_addresses(&self, prefix: &str, limit: u32) -> Result<Vec<String>> {
        let escaped = prefix
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let mut stmt = self.conn().prepare_cached(
            // MAX picks a non-empty display name when any message had one.
            "SELECT MAX(from_name), from_addr FROM messages
             WHERE from_addr != '' AND (from_addr LIKE ?1 || '%' ESCAPE '\\'
                OR from_name LIKE ?1 || '%' ESCAPE '\\' OR from_name LIKE '% ' || ?1 || '%' ESCAPE '\\')
             GROUP BY lower(from_addr) ORDER BY COUNT(*) DESC, from_addr LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![escaped, limit], |r| {
            let (name, addr): (String, String) = (r.get(0)?, r.get(1)?);
            Ok(if name.is_empty() {
                addr
            } else {
                format!("{name} <{addr}>")
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn message(&self, id: i64) -> Result<MessageRow> {
        self.conn()
            .query_row(
                &format!(
                    "SELECT {ROW_COLUMNS} FROM messages m JOIN folders f ON f.id = m.folder_id WHERE m.id = ?1"
                ),
                [id],
                row,
            )
            .optional()?
            .ok_or(super::Error::NoSuchMessage(id))
    }

    pub fn message_by_uid(&self, folder_id: i64, uid: u32) -> Result<Option<MessageRow>> {
        Ok(self
            .conn()
            .query_row(
                &format!(
                    "SELECT {ROW_COLUMNS} FROM messages m JOIN folders f ON f.id = m.folder_id
                     WHERE m.folder_id = ?1 AND m.uid = ?2"
                ),
                params![folder_id, uid],
                row,
            )
            .optional()?)
    }

    pub fn count(&self, folder_id: i64) -> Result<u64> {
        self.count_in(Scope::Folder(folder_id))
    }

    /// The highest UID cached for a folder.
    pub fn max_uid(&self, folder_id: i64) -> Result<Option<u32>> {
        Ok(self.conn().query_row(
            "SELECT MAX(uid) FROM messages WHERE folder_id = ?1",
            [folder_id],
            |r| r.get(0),
        )?)
    }

    /// The lowest UID cached for a folder (where a newest-first sync stopped).
    pub fn min_uid(&self, folder_id: i64) -> Result<Option<u32>> {
        Ok(self.conn().query_row(
            "SELECT MIN(uid) FROM messages WHERE folder_id = ?1",
            [folder_id],
            |r| r.get(0),
        )?)
    }

    /// Every cached UID of a folder, ascending: 4 bytes a message, for the
    /// expunge check against the server's list.
    pub fn uids(&self, folder_id: i64) -> Result<Vec<u32>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT uid FROM messages WHERE folder_id = ?1 AND uid IS NOT NULL ORDER BY uid",
        )?;
        let rows = stmt.query_map([folder_id], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Applies flags the server reported, by UID, in one transaction.
    /// Writes the flags a server reported; returns how many messages
    /// really changed. A server without CONDSTORE reports every message's
    /// flags at each sync: only a difference counts as a change.
    pub fn update_flags(
        &mut self,
        folder_id: i64,
        changes: &[(u32, Flags, String, Option<u64>)],
    ) -> Result<u64> {
        let tx = self.atomic()?;
        let mut changed = 0;
        {
            let mut flags_stmt = tx.prepare_cached(
                "UPDATE messages SET flags = ?3, keywords = ?4, modseq = COALESCE(?5, modseq)
                 WHERE folder_id = ?1 AND uid = ?2 AND (flags != ?3 OR keywords IS NOT ?4)",
            )?;
            let mut modseq_stmt = tx.prepare_cached(
                "UPDATE messages SET modseq = ?3 WHERE folder_id = ?1 AND uid = ?2",
            )?;
            for (uid, flags, keywords, modseq) in changes {
                let modseq = modseq.map(|m| m as i64);
                let n = flags_stmt.execute(params![folder_id, uid, flags.0, keywords, modseq])?;
                if n == 0 && modseq.is_some() {
                    modseq_stmt.execute(params![folder_id, uid, modseq])?;
                }
                changed += n as u64;
            }
        }
        tx.commit()?;
        Ok(changed)
    }

    /// Removes messages the server expunged.
    pub fn delete_uids(&mut self, folder_id: i64, uids: &[u32]) -> Result<()> {
        let tx = self.atomic()?;
        {
            let mut stmt =
                tx.prepare_cached("DELETE FROM messages WHERE folder_id = ?1 AND uid = ?2")?;
            for uid in uids {
                stmt.execute(params![folder_id, uid])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Sets a message's flags locally (the user's action).
    pub fn set_flags(&self, id: i64, flags: Flags) -> Result<()> {
        let n = self.conn().execute(
            "UPDATE messages SET flags = ?2 WHERE id = ?1",
            params![id, flags.0],
        )?;
        if n == 0 {
            return Err(super::Error::NoSuchMessage(id));
        }
        Ok(())
    }

    pub fn delete_message(&self, id: i64) -> Result<()> {
        self.conn()
            .execute("DELETE FROM messages WHERE id = ?1", [id])?;
        Ok(())
    }

    /// Moves a message to another folder locally; its UID there is unknown
    /// until the server tells (the next sync of that folder).
    pub fn move_message(&self, id: i64, to_folder: i64) -> Result<()> {
        let n = self.conn().execute(
            "UPDATE messages SET folder_id = ?2, uid = NULL WHERE id = ?1",
            params![id, to_folder],
        )?;
        if n == 0 {
            return Err(super::Error::NoSuchMessage(id));
        }
        Ok(())
    }

    /// Messages of a folder whose UID is unknown (moved locally, not yet
    /// seen on the server).
    pub fn forget_unknown_uids(&self, folder_id: i64) -> Result<usize> {
        Ok(self.conn().execute(
            "DELETE FROM messages WHERE folder_id = ?1 AND uid IS NULL AND uidl IS NULL",
            [folder_id],
        )?)
    }
}

/// What [`insert_in`] stored.
pub(super) struct Inserted<'a> {
    /// The local id of each message of the batch, in order.
    pub(super) ids: Vec<i64>,
    /// With [`Indexing::Now`], the new rows whose search entries the caller
    /// writes with [`index_headers`], after every other write of its
    /// transaction.
    pub(super) unindexed: Vec<(i64, &'a NewMessage)>,
}

/// [`Store::insert_messages_indexed`] inside a unit of writes the caller
/// commits.
pub(super) fn insert_in<'a>(
    tx: &rusqlite::Connection,
    folder_id: i64,
    batch: &'a [NewMessage],
    indexing: Indexing,
) -> Result<Inserted<'a>> {
    /// Where each message of the batch went.
    enum Slot {
        Stored(i64),
        Fresh(usize),
    }
    let account: String = tx
        .query_row(
            "SELECT account FROM folders WHERE id = ?1",
            [folder_id],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or_default();
    // A UID above the folder's highest is new: the first sync of a
    // folder asks nothing per message.
    let max_uid: Option<u32> = tx
        .prepare_cached("SELECT MAX(uid) FROM messages WHERE folder_id = ?1")?
        .query_row([folder_id], |r| r.get(0))?;
    let mut slots = Vec::with_capacity(batch.len());
    let mut new: Vec<&NewMessage> = Vec::with_capacity(batch.len());
    {
        // Known messages are found through the messages table's own
        // unique indexes: asking the contentless FTS table whether a
        // rowid is there walks its segments, once per message.
        let mut by_uid =
            tx.prepare_cached("SELECT id FROM messages WHERE folder_id = ?1 AND uid = ?2")?;
        let mut by_uidl =
            tx.prepare_cached("SELECT id FROM messages WHERE folder_id = ?1 AND uidl = ?2")?;
        let mut update = tx.prepare_cached(
            "UPDATE messages SET flags = ?2, keywords = ?3, modseq = ?4 WHERE id = ?1",
        )?;
        // A batch that names a message twice stores it once, as last named.
        let mut in_batch: HashMap<(Option<u32>, Option<&str>), usize> = HashMap::new();
        for m in batch {
            let key = (m.uid, m.uidl.as_deref());
            let has_key = key != (None, None);
            if let Some(&i) = in_batch.get(&key) {
                new[i] = m;
                slots.push(Slot::Fresh(i));
                continue;
            }
            let known: Option<i64> = match (m.uid, &m.uidl) {
                (Some(uid), _) if max_uid.is_none_or(|max| uid > max) => None,
                (Some(uid), _) => by_uid
                    .query_row(params![folder_id, uid], |r| r.get(0))
                    .optional()?,
                (None, Some(uidl)) => by_uidl
                    .query_row(params![folder_id, uidl], |r| r.get(0))
                    .optional()?,
                (None, None) => None,
            };
            if let Some(id) = known {
                update.execute(params![
                    id,
                    m.flags.0,
                    m.keywords,
                    m.modseq.map(|v| v as i64)
                ])?;
                slots.push(Slot::Stored(id));
            } else {
                if has_key {
                    in_batch.insert(key, new.len());
                }
                slots.push(Slot::Fresh(new.len()));
                new.push(m);
            }
        }
    }
    let arrivals: Vec<threads::Arrival<'_>> = new
        .iter()
        .map(|m| threads::Arrival {
            folder: folder_id,
            date: m.date,
            links: threads::links(
                m.message_id.as_deref(),
                m.in_reply_to.as_deref(),
                &m.references,
            ),
        })
        .collect();
    let joined = threads::thread_batch(tx, &account, &arrivals)?;
    let mut fresh: Vec<(i64, &'a NewMessage)> = Vec::with_capacity(new.len());
    {
        let mut insert = tx.prepare_cached(
            "INSERT INTO messages (folder_id, uid, uidl, flags, keywords, date, from_name, from_addr,
                 to_addrs, cc_addrs, subject, message_id, in_reply_to, refs, size, has_attachments,
                 snippet, modseq, thread_id, thread_last)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
                 ?19, ?20)",
        )?;
        for (m, joined) in new.iter().zip(&joined) {
            // No RETURNING: SQLite runs it as a trigger, and a trigger
            // makes every insert keep a statement journal.
            insert.execute(params![
                folder_id,
                m.uid,
                m.uidl,
                m.flags.0,
                m.keywords,
                m.date,
                m.from_name,
                m.from_addr,
                m.to,
                m.cc,
                m.subject,
                m.message_id,
                m.in_reply_to,
                m.references,
                m.size as i64,
                m.has_attachments,
                m.snippet,
                m.modseq.map(|v| v as i64),
                joined.thread,
                joined.last,
            ])?;
            fresh.push((tx.last_insert_rowid(), *m));
        }
    }
    super::delivery::note_reports(tx, &account, &fresh)?;
    let ids = slots
        .iter()
        .map(|slot| match *slot {
            Slot::Stored(id) => id,
            Slot::Fresh(i) => fresh[i].0,
        })
        .collect();
    let unindexed = match indexing {
        Indexing::Now => fresh,
        Indexing::WithBody => {
            let mut wait = tx.prepare_cached("INSERT INTO unindexed (message) VALUES (?1)")?;
            for (id, _) in &fresh {
                wait.execute([id])?;
            }
            Vec::new()
        }
    };
    Ok(Inserted { ids, unindexed })
}

/// Adds new messages' header fields to the full-text index.
///
/// Called after every other write of the transaction, never between them:
/// each statement that opens a statement journal (threading's updates of
/// many rows do) makes FTS5 flush its pending terms as a new segment, and
/// a segment per message costs more in merging than the whole rest of the
/// header sync. Since a sync stores its rows [`YIELD_ROWS`] at a time,
/// indexing each chunk with its rows wrote a segment per chunk again and
/// merged them in the middle of the chunks (perf: a fifth of the store's
/// CPU during a first sync; one chunk in 70 took over 1 ms, up to 27 ms,
/// while a user's write waited for it).
fn index_headers(conn: &rusqlite::Connection, fresh: &[(i64, &NewMessage)]) -> Result<()> {
    let mut index = conn.prepare_cached(
        "INSERT INTO search (rowid, subject, sender, recipients, body) VALUES (?1, ?2, ?3, ?4, '')",
    )?;
    let (mut sender, mut recipients) = (String::new(), String::new());
    for (id, m) in fresh {
        sender.clear();
        recipients.clear();
        for (buf, a, b) in [
            (&mut sender, &m.from_name, &m.from_addr),
            (&mut recipients, &m.to, &m.cc),
        ] {
            buf.push_str(a);
            buf.push(' ');
            buf.push_str(b);
        }
        index.execute(params![
            id,
            super::tokens::IndexText::new(&m.subject).as_str(),
            super::tokens::IndexText::new(&sender).as_str(),
            super::tokens::IndexText::new(&recipients).as_str()
        ])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
