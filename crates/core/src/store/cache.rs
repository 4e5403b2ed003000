//! The size of a store connection's page cache.
//!
//! A sync inserts into half a dozen B-trees at once, and with SQLite's
//! default 2 MB of cache a big folder's indexes no longer stay in memory;
//! so connections get 16 MB. A large message passing through the store (an
//! outgoing message with a 25 MB attachment is 34 MB once encoded) would
//! fill all of it with its own pages, which nothing reads again: sending
//! one peaked at 76 MB instead of 62 MB, over the three times the file's
//! size a send may take (`benches/send`). Such a message goes through with
//! the cache held at the default size: written into the outbox, read from
//! it, or read from the downloaded messages for the reader.

use rusqlite::Connection;

/// Every connection's cache, set when the store is opened.
pub(super) const PRAGMA: &str = "PRAGMA cache_size = -16384;";

/// SQLite's default: 2000 KiB.
const SMALL: &str = "PRAGMA cache_size = -2000;";

/// Messages from this size on go through the small cache; smaller ones
/// would only evict what a sync left in the large one.
const LARGE: u64 = 1 << 20;

/// The cache held at the default size until dropped. Pages beyond it are
/// let go at once (SQLite frees what a smaller cache no longer holds).
pub(super) struct Small<'c>(&'c Connection);

impl<'c> Small<'c> {
    /// Holds the cache small while a message of `len` bytes goes through,
    /// if it is large.
    pub(super) fn for_message(conn: &'c Connection, len: u64) -> Option<Self> {
        (len >= LARGE).then(|| Self::hold(conn))
    }

    fn hold(conn: &'c Connection) -> Self {
        // A cache left at its size costs memory, not correctness.
        if let Err(err) = conn.execute_batch(SMALL) {
            tracing::debug!("page cache not reduced: {err}");
        }
        Self(conn)
    }
}

impl Drop for Small<'_> {
    fn drop(&mut self) {
        if let Err(err) = self.0.execute_batch(PRAGMA) {
            tracing::debug!("page cache not restored: {err}");
        }
    }
}

/// A stored message's bytes (`column` of `table`'s row `rowid`), read
/// whole through a blob handle into a buffer of its size, with the cache
/// held small if it is large. A plain SELECT would have SQLite materialise
/// the value and then copy it: two copies of a message that may be 35 MB.
pub(super) fn read_message(
    conn: &Connection,
    table: &str,
    column: &str,
    rowid: i64,
) -> rusqlite::Result<Vec<u8>> {
    let blob = conn.blob_open("main", table, column, rowid, true)?;
    let _small = Small::for_message(conn, blob.len() as u64);
    let mut raw = vec![0; blob.len()];
    blob.read_at_exact(&mut raw, 0)?;
    Ok(raw)
}

/// Bytes the connection's page cache holds now, for tests.
#[cfg(test)]
#[allow(unsafe_code, reason = "rusqlite does not wrap sqlite3_db_status")]
pub(crate) fn used(conn: &Connection) -> i64 {
    let (mut now, mut peak) = (0, 0);
    // SAFETY: the handle is the open connection's; the out-pointers are
    // live locals.
    let rc = unsafe {
        rusqlite::ffi::sqlite3_db_status(
            conn.handle(),
            rusqlite::ffi::SQLITE_DBSTATUS_CACHE_USED,
            &mut now,
            &mut peak,
            0,
        )
    };
    assert_eq!(rc, rusqlite::ffi::SQLITE_OK);
    i64::from(now)
}
