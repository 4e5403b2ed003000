//! Conversations: every message carries a thread id, found when it is
//! stored from its own Message-ID, In-Reply-To and References.
//!
//! `thread_keys` maps each Message-ID an account has seen, as a message or
//! only as a reference, to its thread. A message joins the thread of any
//! id it names; one that names ids of two threads joins them. So a parent
//! stored after its children finds its own id already there and joins
//! them, and two replies to a message never fetched still share one
//! thread. Accounts never share a thread: every key includes the account.
//!
//! The map is keyed by a 64-bit SipHash of account and Message-ID, with a
//! random key made once per store (`thread_hash`): with integer keys the
//! threading of a 100k header sync took 0.53 s instead of 0.83 s with the
//! text keys before (the ids' lookups and inserts were most of it), and a
//! key nobody outside knows keeps a crafted Message-ID from landing in
//! someone else's thread.
//!
//! For the list grouped by thread, each message also keeps `thread_last`:
//! the date of the newest message of its thread in the same folder. The
//! grouped order is one index walk on
//! `(folder_id, thread_last DESC, thread_id DESC, date, id)`. Inserting
//! keeps it current here; the triggers of migration 6 keep it current when
//! messages are deleted or moved.

use std::collections::{HashMap, HashSet};
use std::hash::Hasher;
use std::rc::Rc;

use rusqlite::types::Value;
use rusqlite::vtab::array::Array;
use rusqlite::{Connection, params};
use siphasher::sip::SipHasher13;

use super::Result;

/// A References header longer than this keeps its last ids only: the
/// nearest ancestors are the ones that matter, and a broken header should
/// not cost a lookup per id.
const MAX_LINKS: usize = 50;

/// The Message-IDs that tie a message to its thread: its own first, then
/// In-Reply-To and References (nearest first). Ids are stored without
/// angle brackets; empty and repeated ones are dropped.
pub(crate) fn links<'a>(
    message_id: Option<&'a str>,
    in_reply_to: Option<&'a str>,
    references: &'a str,
) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    let refs = references.split_whitespace().rev().take(MAX_LINKS);
    for id in message_id.into_iter().chain(in_reply_to).chain(refs) {
        let id = id.trim().trim_start_matches('<').trim_end_matches('>');
        if !id.is_empty() && !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

/// A message about to be stored, as threading sees it: its folder, its
/// date and its [`links`].
pub(crate) struct Arrival<'a> {
    pub folder: i64,
    pub date: i64,
    pub links: Vec<&'a str>,
}

/// The thread a message joins, and the date of the newest message of that
/// thread in its folder, counting the message itself (`thread_last`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Joined {
    pub thread: i64,
    pub last: i64,
}

/// Threads a batch of new messages of `account`, in the transaction that
/// stores them (before they are inserted): each one's thread and
/// `thread_last`, in order. The batch's ids are looked up in one statement,
/// the messages threaded in memory, and then each thread the batch touches
/// is asked once for its newest stored date; the ids the batch adds and the
/// thread counter are written once. A statement per message and link would
/// cost a header sync as much as the fetch itself.
pub(crate) fn thread_batch(
    conn: &Connection,
    account: &str,
    batch: &[Arrival<'_>],
) -> Result<Vec<Joined>> {
    let mut threader = Threader::new(conn, account)?;
    let keys: Vec<Vec<i64>> = batch
        .iter()
        .map(|a| a.links.iter().map(|id| threader.key(id)).collect())
        .collect();
    threader.prefetch(keys.iter().flatten().copied())?;
    for links in &keys {
        threader.join(links)?;
    }
    // Each thread's newest date per folder: the batch's own, unless the
    // thread already has newer mail stored there.
    let mut newest: HashMap<(i64, i64), i64> = HashMap::new();
    for (arrival, &thread) in batch.iter().zip(&threader.joined) {
        let date = newest
            .entry((arrival.folder, thread))
            .or_insert(arrival.date);
        *date = (*date).max(arrival.date);
    }
    for (&(folder, thread), last) in newest.iter_mut() {
        if threader.fresh.contains(&thread) {
            continue;
        }
        let stored: Option<i64> = conn
            .prepare_cached(
                "SELECT MAX(date) FROM messages WHERE folder_id = ?1 AND thread_id = ?2",
            )?
            .query_row(params![folder, thread], |r| r.get(0))?;
        match stored {
            Some(stored) if stored >= *last => *last = stored,
            // The batch brings the thread's newest message: the stored
            // ones follow it.
            Some(_) => {
                conn.prepare_cached(
                    "UPDATE messages SET thread_last = ?3 WHERE folder_id = ?1 AND thread_id = ?2",
                )?
                .execute(params![folder, thread, *last])?;
            }
            None => {}
        }
    }
    let joined = batch
        .iter()
        .zip(&threader.joined)
        .map(|(arrival, &thread)| Joined {
            thread,
            last: newest[&(arrival.folder, thread)],
        })
        .collect();
    threader.finish()?;
    Ok(joined)
}

/// The in-memory side of [`thread_batch`].
struct Threader<'c> {
    conn: &'c Connection,
    account: &'c str,
    /// The store's SipHash key (see the module's comment).
    hash: (u64, u64),
    next: Option<i64>,
    /// The key of every id of the batch already in `thread_keys`, and of
    /// those the batch added: after `prefetch`, a key missing here is
    /// unknown.
    known: HashMap<i64, i64>,
    /// Keys the batch added, to be written by `finish`.
    added: Vec<i64>,
    /// The thread of each message joined so far, in order.
    joined: Vec<i64>,
    /// Threads started by this batch: nothing of them is stored yet.
    fresh: HashSet<i64>,
}

impl<'c> Threader<'c> {
    fn new(conn: &'c Connection, account: &'c str) -> Result<Self> {
        let hash: (i64, i64) = conn
            .prepare_cached("SELECT k0, k1 FROM thread_hash")?
            .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(Self {
            conn,
            account,
            hash: (hash.0 as u64, hash.1 as u64),
            next: None,
            known: HashMap::new(),
            added: Vec::new(),
            joined: Vec::new(),
            fresh: HashSet::new(),
        })
    }

    fn key(&self, message_id: &str) -> i64 {
        key(self.hash, self.account, message_id)
    }

    /// Reads which of `keys` the account already has, in one statement.
    fn prefetch(&mut self, keys: impl IntoIterator<Item = i64>) -> Result<()> {
        let keys: Array = Rc::new(keys.into_iter().map(Value::Integer).collect());
        if keys.is_empty() {
            return Ok(());
        }
        let mut lookup = self
            .conn
            .prepare_cached("SELECT key, thread FROM thread_keys WHERE key IN rarray(?1)")?;
        let rows = lookup.query_map([keys], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?;
        for row in rows {
            let (key, thread) = row?;
            self.known.insert(key, thread);
        }
        Ok(())
    }

    /// Threads the next message of the batch by the keys of its `links`,
    /// all of them prefetched. Threads the links join are merged into the
    /// oldest of them; a message that names no known id starts a thread of
    /// its own.
    fn join(&mut self, links: &[i64]) -> Result<()> {
        let mut found: Vec<i64> = Vec::new();
        for key in links {
            if let Some(&t) = self.known.get(key)
                && !found.contains(&t)
            {
                found.push(t);
            }
        }
        let thread = match found.iter().min() {
            Some(&thread) => thread,
            None => {
                let thread = self.allocate()?;
                self.fresh.insert(thread);
                thread
            }
        };
        for &other in found.iter().filter(|&&t| t != thread) {
            self.merge(other, thread)?;
        }
        for &key in links {
            if let std::collections::hash_map::Entry::Vacant(slot) = self.known.entry(key) {
                slot.insert(thread);
                self.added.push(key);
            }
        }
        self.joined.push(thread);
        Ok(())
    }

    /// Moves every message and id of thread `from` into thread `into`,
    /// stored or still in this batch's memory.
    fn merge(&mut self, from: i64, into: i64) -> Result<()> {
        if !self.fresh.contains(&from) {
            merge(self.conn, self.account, from, into)?;
        }
        for thread in self
            .known
            .values_mut()
            .chain(self.joined.iter_mut())
            .filter(|t| **t == from)
        {
            *thread = into;
        }
        Ok(())
    }

    fn allocate(&mut self) -> Result<i64> {
        let next = match self.next {
            Some(n) => n,
            None => self
                .conn
                .query_row("SELECT next FROM thread_counter", [], |r| r.get(0))?,
        };
        self.next = Some(next + 1);
        Ok(next)
    }

    /// Writes the keys the batch added and the counter.
    fn finish(self) -> Result<()> {
        let mut insert = self.conn.prepare_cached(
            "INSERT INTO thread_keys (key, thread) VALUES (?1, ?2)
             ON CONFLICT DO UPDATE SET thread = excluded.thread",
        )?;
        for key in &self.added {
            insert.execute([key, &self.known[key]])?;
        }
        if let Some(next) = self.next {
            self.conn
                .execute("UPDATE thread_counter SET next = ?1", [next])?;
        }
        Ok(())
    }
}

/// Moves every message and id of thread `from` into thread `into`.
fn merge(conn: &Connection, account: &str, from: i64, into: i64) -> Result<()> {
    conn.prepare_cached("UPDATE thread_keys SET thread = ?2 WHERE thread = ?1")?
        .execute(params![from, into])?;
    conn.prepare_cached(
        "UPDATE messages SET thread_id = ?2
         WHERE folder_id IN (SELECT id FROM folders WHERE account = ?3) AND thread_id = ?1",
    )?
    .execute(params![from, into, account])?;
    // The joined thread's newest date, folder by folder.
    conn.prepare_cached(
        "UPDATE messages SET thread_last = (SELECT MAX(x.date) FROM messages x
             WHERE x.folder_id = messages.folder_id AND x.thread_id = ?1)
         WHERE folder_id IN (SELECT id FROM folders WHERE account = ?2) AND thread_id = ?1",
    )?
    .execute(params![into, account])?;
    Ok(())
}

/// The `thread_keys` key of `message_id` in `account`: SipHash-1-3 under
/// the store's key, with a byte no name holds between the two parts.
fn key(hash: (u64, u64), account: &str, message_id: &str) -> i64 {
    let mut h = SipHasher13::new_with_keys(hash.0, hash.1);
    h.write(account.as_bytes());
    h.write_u8(0xff);
    h.write(message_id.as_bytes());
    h.finish() as i64
}

/// Migration 10: the text-keyed map of migration 6 moved into `thread_keys`.
pub(crate) fn rekey(conn: &Connection) -> Result<()> {
    let hash: (i64, i64) = conn.query_row("SELECT k0, k1 FROM thread_hash", [], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })?;
    let hash = (hash.0 as u64, hash.1 as u64);
    let mut read = conn.prepare("SELECT account, message_id, thread FROM thread_ids")?;
    let mut write = conn.prepare(
        "INSERT INTO thread_keys (key, thread) VALUES (?1, ?2)
         ON CONFLICT DO UPDATE SET thread = excluded.thread",
    )?;
    let mut rows = read.query([])?;
    while let Some(row) = rows.next()? {
        let (account, id): (String, String) = (row.get(0)?, row.get(1)?);
        write.execute(params![key(hash, &account, &id), row.get::<_, i64>(2)?])?;
    }
    drop(rows);
    drop(read);
    conn.execute_batch("DROP TABLE thread_ids")?;
    Ok(())
}

/// A stored message's id, folder, date, Message-ID, In-Reply-To and
/// References.
type Stored = (i64, i64, i64, Option<String>, Option<String>, String);

/// Threads for the messages stored before migration 6, account by account
/// and oldest first, through the same threader as new mail; then each
/// thread's newest date. Run with migration 10, whose map it fills.
pub(crate) fn backfill(conn: &Connection) -> Result<()> {
    const CHUNK: i64 = 2000;
    let accounts: Vec<String> = conn
        .prepare("SELECT DISTINCT account FROM folders")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for account in &accounts {
        let mut after = 0_i64;
        loop {
            // A chunk at a time: the rows are read before they are written.
            let chunk: Vec<Stored> = conn
                .prepare_cached(
                    "SELECT m.id, m.folder_id, m.date, m.message_id, m.in_reply_to, m.refs
                     FROM messages m JOIN folders f ON f.id = m.folder_id
                     WHERE f.account = ?1 AND m.id > ?2 ORDER BY m.id LIMIT ?3",
                )?
                .query_map(params![account, after, CHUNK], |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                    ))
                })?
                .collect::<rusqlite::Result<_>>()?;
            let Some(last) = chunk.last() else {
                break;
            };
            after = last.0;
            let arrivals: Vec<Arrival<'_>> = chunk
                .iter()
                .map(|(_, folder, date, id, reply, refs)| Arrival {
                    folder: *folder,
                    date: *date,
                    links: links(id.as_deref(), reply.as_deref(), refs),
                })
                .collect();
            let joined = thread_batch(conn, account, &arrivals)?;
            let mut set =
                conn.prepare_cached("UPDATE messages SET thread_id = ?2 WHERE id = ?1")?;
            for ((id, ..), joined) in chunk.iter().zip(&joined) {
                set.execute(params![id, joined.thread])?;
            }
        }
    }
    conn.execute(
        "UPDATE messages SET thread_last = (SELECT MAX(x.date) FROM messages x
             WHERE x.folder_id = messages.folder_id AND x.thread_id = messages.thread_id)",
        [],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests;
