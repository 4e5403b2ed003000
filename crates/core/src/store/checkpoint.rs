//! WAL checkpoints on a thread of their own.
//!
//! SQLite's automatic checkpoint runs inside the commit that crosses its
//! threshold: during a header sync one commit in three copied the WAL into
//! the database (40-75 ms each on 20k messages), and the last one was in
//! the time the user waits after the last message arrived; a full sync
//! copied every body that way. A passive checkpoint on a second connection
//! copies the same pages while the writer goes on (full sync of 20k: 11.7 s
//! -> 8.9 s).
//!
//! The WAL only starts again from its beginning when a checkpoint has
//! copied all of it before the writer's next transaction, which a writer
//! that commits back to back never leaves time for: left alone, the WAL
//! of a 20k full sync grew to 510 MB. So once it is long, the writer
//! checkpoints itself after its commit, as SQLite would have, copying only
//! what the thread has not yet copied, and its next transaction starts the
//! WAL again.

use std::ffi::c_int;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use rusqlite::Connection;
use rusqlite::hooks::Wal;
use rusqlite::wal::CheckpointMode;

/// A commit that leaves the WAL at least this long wakes the
/// checkpointer: SQLite's own default threshold (1000 pages of 4 KB).
const WAKE_BYTES: i64 = 4000 * 1024;

/// A commit that leaves the WAL at least this long checkpoints it itself.
const LONG_BYTES: i64 = 64 * 1024 * 1024;

/// The checkpoint thread of one store connection.
#[derive(Debug)]
pub(crate) struct Checkpointer {
    thread: Option<JoinHandle<()>>,
    #[cfg_attr(not(test), expect(dead_code, reason = "read by the tests"))]
    done: Arc<AtomicU64>,
}

impl Checkpointer {
    /// Moves `conn`'s checkpoints to a thread with a connection of its own
    /// to the database at `path`. If the thread cannot start, `conn` keeps
    /// checkpointing by itself.
    pub(crate) fn start(conn: &mut Connection, path: &Path) -> Self {
        let done = Arc::new(AtomicU64::new(0));
        // One checkpoint at a time in this process: a second one would be
        // refused at once (SQLITE_BUSY), not wait.
        let turn = Arc::new(Mutex::new(()));
        // The hook counts pages, whose size a store chose when it was made.
        let page: i64 = conn
            .query_row("PRAGMA page_size", [], |r| r.get(0))
            .unwrap_or(4096)
            .max(512);
        let wake_pages = c_int::try_from(WAKE_BYTES / page).unwrap_or(c_int::MAX);
        let long_pages = c_int::try_from(LONG_BYTES / page).unwrap_or(c_int::MAX);
        let thread = match spawn(path, done.clone(), turn.clone()) {
            Ok((thread, wake)) => {
                // Replaces the automatic checkpoint (both are the one WAL hook).
                let hooked = conn.wal_hook(Some(move |wal: &mut Wal, pages: c_int| {
                    if pages >= long_pages {
                        let _turn = turn.lock().unwrap_or_else(|p| p.into_inner());
                        // Busy means another process is checkpointing: the
                        // next commit tries again. An error here would fail
                        // the statement whose commit already happened.
                        let _ = wal.checkpoint_v2(CheckpointMode::PASSIVE);
                    } else if pages >= wake_pages {
                        // Full: a wake-up is already waiting.
                        let _ = wake.try_send(());
                    }
                    Ok(())
                }));
                match hooked {
                    Ok(()) => Some(thread),
                    Err(err) => {
                        tracing::warn!("store: no checkpoint thread: {err}");
                        None
                    }
                }
            }
            Err(err) => {
                tracing::warn!("store: no checkpoint thread: {err}");
                None
            }
        };
        // The WAL file keeps its largest size unless told otherwise.
        if let Err(err) = conn.pragma_update(None, "journal_size_limit", LONG_BYTES) {
            tracing::warn!("store: journal_size_limit: {err}");
        }
        Self { thread, done }
    }

    /// Ends the thread, after the checkpoint it may be running: `conn`
    /// closes last and so, as before, checkpoints what is left and removes
    /// the WAL.
    pub(crate) fn stop(&mut self, conn: &mut Connection) {
        // Dropping the hook drops the thread's wake-up sender.
        let _ = conn.wal_hook(None::<fn(&mut Wal, c_int) -> rusqlite::Result<()>>);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }

    /// Checkpoints that copied the whole WAL.
    #[cfg(test)]
    pub(crate) fn completed(&self) -> u64 {
        self.done.load(Ordering::Relaxed)
    }
}

fn spawn(
    path: &Path,
    done: Arc<AtomicU64>,
    turn: Arc<Mutex<()>>,
) -> Result<(JoinHandle<()>, mpsc::SyncSender<()>), Box<dyn std::error::Error>> {
    let worker = Connection::open(path)?;
    let (wake, woken) = mpsc::sync_channel::<()>(1);
    let thread = std::thread::Builder::new()
        .name("store-checkpoint".into())
        .spawn(move || {
            // A wake-up while a checkpoint runs is kept (the channel holds
            // one), so the frames that commit added are not left behind.
            while woken.recv().is_ok() {
                // Copying megabytes competes with what the user waits for.
                crate::priority::give_way_blocking();
                let _turn = turn.lock().unwrap_or_else(|p| p.into_inner());
                match checkpoint(&worker) {
                    Ok((false, log, copied)) if log == copied => {
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                    // Blocked or behind the writer: the next wake-up goes on.
                    Ok(_) => {}
                    Err(err) => tracing::warn!("store: checkpoint failed: {err}"),
                }
            }
        })?;
    Ok((thread, wake))
}

/// Runs a passive checkpoint: whether it was blocked, the WAL's length and
/// how much of it is now in the database (pages).
fn checkpoint(conn: &Connection) -> rusqlite::Result<(bool, i64, i64)> {
    conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
        Ok((r.get::<_, i64>(0)? != 0, r.get(1)?, r.get(2)?))
    })
}

#[cfg(test)]
mod tests {
    use crate::store::testing::temp_store;

    fn wal_len(db: &std::path::Path) -> u64 {
        let mut wal = db.as_os_str().to_owned();
        wal.push("-wal");
        std::fs::metadata(wal).map(|m| m.len()).unwrap_or(0)
    }

    #[test]
    fn a_long_wal_is_checkpointed_by_the_thread() {
        let t = temp_store("checkpoint-thread");
        let db = t.store.path().to_owned();
        let before = std::fs::metadata(&db).expect("db file").len();
        // 8 MB: 2000 pages, twice the threshold, in one commit.
        t.store
            .conn()
            .execute_batch(
                "CREATE TABLE filler (x); INSERT INTO filler VALUES (zeroblob(8000000));",
            )
            .expect("write");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while t.store.checkpointer.completed() == 0 && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        assert!(t.store.checkpointer.completed() >= 1, "no checkpoint ran");
        // The pages reached the database file itself, not only the WAL.
        let after = std::fs::metadata(&db).expect("db file").len();
        assert!(after >= before + 8_000_000, "{before} -> {after}");
        // The writer's own commit still sees its data.
        let n: i64 = t
            .store
            .conn()
            .query_row("SELECT length(x) FROM filler", [], |r| r.get(0))
            .expect("read");
        assert_eq!(n, 8_000_000);
    }

    #[test]
    fn the_wal_stays_short_under_back_to_back_commits() {
        let t = temp_store("checkpoint-restart");
        let db = t.store.path().to_owned();
        let conn = t.store.conn();
        conn.execute_batch("CREATE TABLE filler (x)")
            .expect("table");
        // 200 MB in 4 MB commits with no pause between them, as a full
        // sync writes bodies.
        let mut longest = 0;
        for _ in 0..50 {
            conn.execute("INSERT INTO filler VALUES (randomblob(4000000))", [])
                .expect("write");
            longest = longest.max(wal_len(&db));
        }
        // Passive checkpoints alone let it grow to the whole 200 MB; the
        // writer's own starts it again past 64 MB.
        assert!(longest < 80_000_000, "the WAL grew to {longest} bytes");
        let n: i64 = conn
            .query_row("SELECT count(*) FROM filler", [], |r| r.get(0))
            .expect("count");
        assert_eq!(n, 50);
    }
}
