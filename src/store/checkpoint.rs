//! WAL checkpoints on a thread of their own.
//!
//! SQLite's automatic checkpoint runs inside the commit that crosses its
//! threshold: during a header sync one commit in three copied the WAL into
//! the database (40-75 ms each on 20k messages), and the last one was in
//! the time the user waits after the last message arrived. A passive
//! checkpoint on a second connection copies the same pages while the
//! writer goes on, and on a machine with a core to spare costs the writer
//! nothing.

use std::ffi::c_int;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;

use rusqlite::Connection;
use rusqlite::hooks::Wal;

/// A commit that leaves the WAL at least this long (pages) wakes the
/// checkpointer: SQLite's own default threshold.
const PAGES: c_int = 1000;

/// How many checkpoints the thread has run.
#[derive(Debug, Default, Clone)]
pub(crate) struct Done(Arc<AtomicU64>);

impl Done {
    #[cfg(test)]
    pub(crate) fn count(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// Moves `conn`'s checkpoints to a thread with a connection of its own to
/// the database at `path`. The thread ends once `conn` is closed; if it
/// cannot start, `conn` keeps checkpointing by itself.
pub(crate) fn start(conn: &mut Connection, path: &Path) -> Done {
    let done = Done::default();
    let (wake, woken) = mpsc::sync_channel::<()>(1);
    // Another process's checkpoint (the CLI while the GUI runs) holds the
    // checkpoint lock for a moment: wait for it rather than skip.
    let worker = match Connection::open(path).and_then(|c| {
        c.busy_timeout(std::time::Duration::from_secs(5))?;
        Ok(c)
    }) {
        Ok(worker) => worker,
        Err(err) => {
            tracing::warn!("store: no checkpoint thread: {err}");
            return done;
        }
    };
    let counter = done.clone();
    let spawned = std::thread::Builder::new()
        .name("store-checkpoint".into())
        .spawn(move || {
            // A wake-up while a checkpoint runs is kept (the channel holds
            // one), so the frames that commit added are not left behind.
            while woken.recv().is_ok() {
                match worker.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
                    Ok(()) => {
                        counter.0.fetch_add(1, Ordering::Relaxed);
                    }
                    Err(err) => tracing::warn!("store: checkpoint failed: {err}"),
                }
            }
        });
    if let Err(err) = spawned {
        tracing::warn!("store: no checkpoint thread: {err}");
        return done;
    }
    // Replaces the automatic checkpoint (both are the one WAL hook).
    let hooked = conn.wal_hook(Some(move |_: &mut Wal, pages: c_int| {
        if pages >= PAGES {
            // Full: a wake-up is already waiting.
            let _ = wake.try_send(());
        }
        Ok(())
    }));
    if let Err(err) = hooked {
        tracing::warn!("store: no checkpoint thread: {err}");
    }
    done
}

#[cfg(test)]
mod tests {
    use crate::store::testing::temp_store;

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
        while t.store.checkpoints.count() == 0 && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        assert!(t.store.checkpoints.count() >= 1, "no checkpoint ran");
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
}
