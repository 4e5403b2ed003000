//! Conversations: every message carries a thread id, found when it is
//! stored from its own Message-ID, In-Reply-To and References.
//!
//! `thread_ids` maps each Message-ID an account has seen, as a message or
//! only as a reference, to its thread. A message joins the thread of any
//! id it names; one that names ids of two threads joins them. So a parent
//! stored after its children finds its own id already there and joins
//! them, and two replies to a message never fetched still share one
//! thread. Accounts never share a thread: the map is per account.
//!
//! For the list grouped by thread, each message also keeps `thread_last`:
//! the date of the newest message of its thread in the same folder. The
//! grouped order is one index walk on
//! `(folder_id, thread_last DESC, thread_id DESC, date, id)`. Inserting
//! keeps it current here; the triggers of migration 6 keep it current when
//! messages are deleted or moved.

use rusqlite::{Connection, OptionalExtension, params};

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

/// Threads messages as a batch of them is stored, in its transaction: new
/// thread ids are counted here and the counter written once, at the end.
pub(crate) struct Threader<'c> {
    conn: &'c Connection,
    next: Option<i64>,
}

/// The thread a message joins, and whether it starts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Joined {
    pub thread: i64,
    pub new: bool,
}

impl<'c> Threader<'c> {
    pub fn new(conn: &'c Connection) -> Self {
        Self { conn, next: None }
    }

    /// The thread a new message of `account` belongs to, given its `links`
    /// (see [`links`]). Threads the links join are merged into the oldest
    /// of them; a message that names no known id starts a thread of its
    /// own.
    pub fn join(&mut self, account: &str, links: &[&str]) -> Result<Joined> {
        let conn = self.conn;
        let mut lookup = conn.prepare_cached(
            "SELECT thread FROM thread_ids WHERE account = ?1 AND message_id = ?2",
        )?;
        let mut found: Vec<i64> = Vec::new();
        let mut unknown: Vec<&str> = Vec::new();
        for id in links {
            match lookup
                .query_row(params![account, id], |r| r.get::<_, i64>(0))
                .optional()?
            {
                Some(t) => {
                    if !found.contains(&t) {
                        found.push(t);
                    }
                }
                None => unknown.push(id),
            }
        }
        let joined = match found.iter().min() {
            Some(&thread) => Joined { thread, new: false },
            None => Joined {
                thread: self.allocate()?,
                new: true,
            },
        };
        for &other in found.iter().filter(|&&t| t != joined.thread) {
            merge(conn, account, other, joined.thread)?;
        }
        let mut register = conn.prepare_cached(
            "INSERT INTO thread_ids (account, message_id, thread) VALUES (?1, ?2, ?3)
             ON CONFLICT DO UPDATE SET thread = excluded.thread",
        )?;
        for id in unknown {
            register.execute(params![account, id, joined.thread])?;
        }
        Ok(joined)
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

    /// Writes back the counter; call before the transaction commits.
    pub fn finish(self) -> Result<()> {
        if let Some(next) = self.next {
            self.conn
                .execute("UPDATE thread_counter SET next = ?1", [next])?;
        }
        Ok(())
    }
}

/// Moves every message and id of thread `from` into thread `into`.
fn merge(conn: &Connection, account: &str, from: i64, into: i64) -> Result<()> {
    conn.prepare_cached("UPDATE thread_ids SET thread = ?2 WHERE thread = ?1")?
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

/// The `thread_last` of a message of `date` about to join `thread` in
/// `folder`; when it is the newest there, the others follow it.
pub(crate) fn newest_with(conn: &Connection, folder: i64, thread: i64, date: i64) -> Result<i64> {
    let newest: Option<i64> = conn
        .prepare_cached("SELECT MAX(date) FROM messages WHERE folder_id = ?1 AND thread_id = ?2")?
        .query_row(params![folder, thread], |r| r.get(0))?;
    match newest {
        Some(n) if n >= date => Ok(n),
        Some(_) => {
            conn.prepare_cached(
                "UPDATE messages SET thread_last = ?3 WHERE folder_id = ?1 AND thread_id = ?2",
            )?
            .execute(params![folder, thread, date])?;
            Ok(date)
        }
        None => Ok(date),
    }
}

/// A stored message's id, account, Message-ID, In-Reply-To and References.
type Stored = (i64, String, Option<String>, Option<String>, String);

/// Migration 6: threads for the messages stored before it, oldest first,
/// through the same lookups as new mail; then each thread's newest date.
pub(crate) fn backfill(conn: &Connection) -> Result<()> {
    const CHUNK: i64 = 2000;
    let mut after = 0_i64;
    loop {
        // A chunk at a time: the rows are read before they are written.
        let chunk: Vec<Stored> = conn
            .prepare(
                "SELECT m.id, f.account, m.message_id, m.in_reply_to, m.refs
                 FROM messages m JOIN folders f ON f.id = m.folder_id
                 WHERE m.id > ?1 ORDER BY m.id LIMIT ?2",
            )?
            .query_map(params![after, CHUNK], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let Some(last) = chunk.last() else {
            break;
        };
        after = last.0;
        let mut set = conn.prepare_cached("UPDATE messages SET thread_id = ?2 WHERE id = ?1")?;
        let mut threader = Threader::new(conn);
        for (id, account, message_id, in_reply_to, refs) in &chunk {
            let links = links(message_id.as_deref(), in_reply_to.as_deref(), refs);
            let joined = threader.join(account, &links)?;
            set.execute(params![id, joined.thread])?;
        }
        threader.finish()?;
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
