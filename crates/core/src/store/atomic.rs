//! One atomic unit of writes: a transaction, or a savepoint inside one that
//! is already open; and its counterpart for reads, one snapshot.
//!
//! Outermost savepoints are not used as transactions: SQLite then copies
//! every page they touch into a sub-journal, in case of a partial rollback.

use std::ops::Deref;

use rusqlite::{Connection, Savepoint, Transaction, TransactionBehavior};

use super::{Result, Store};

pub(crate) enum Atomic<'a> {
    Transaction(Transaction<'a>),
    Savepoint(Savepoint<'a>),
}

impl Atomic<'_> {
    pub(crate) fn commit(self) -> Result<()> {
        match self {
            Self::Transaction(tx) => tx.commit()?,
            Self::Savepoint(sp) => sp.commit()?,
        }
        Ok(())
    }
}

impl Deref for Atomic<'_> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        match self {
            Self::Transaction(tx) => tx,
            Self::Savepoint(sp) => sp,
        }
    }
}

impl Store {
    /// Starts an atomic unit of writes; dropping it uncommitted rolls back.
    /// A transaction takes the write lock at its start (IMMEDIATE), waiting
    /// for another connection's writes: a deferred one that read first
    /// could not take it later, and would fail with "database is locked"
    /// once the other connection had written (see the test).
    pub(crate) fn atomic(&mut self) -> Result<Atomic<'_>> {
        let conn = self.conn_mut();
        Ok(if conn.is_autocommit() {
            Atomic::Transaction(conn.transaction_with_behavior(TransactionBehavior::Immediate)?)
        } else {
            Atomic::Savepoint(conn.savepoint()?)
        })
    }

    /// Runs `f` as one unit of writes: all of it lands, or none. A user's
    /// flag or move is a row change plus its pending action; as two
    /// commits a crash between them left the change here and never sent,
    /// and each commit waited its turn behind a sync's writes (the flag's
    /// p95 in `benches/responsive`).
    pub fn all_or_nothing<T>(&mut self, f: impl FnOnce(&mut Store) -> Result<T>) -> Result<T> {
        let outermost = self.conn().is_autocommit();
        if outermost {
            self.conn().execute_batch("BEGIN IMMEDIATE")?;
        } else {
            self.conn().execute_batch("SAVEPOINT all_or_nothing")?;
        }
        let (done, undo) = if outermost {
            ("COMMIT", "ROLLBACK")
        } else {
            (
                "RELEASE all_or_nothing",
                "ROLLBACK TO all_or_nothing; RELEASE all_or_nothing",
            )
        };
        match f(self) {
            Ok(value) => {
                self.conn().execute_batch(done)?;
                Ok(value)
            }
            Err(e) => {
                // The error that matters is `e`; a failed rollback leaves
                // SQLite to roll back when the connection next writes.
                let _ = self.conn().execute_batch(undo);
                Err(e)
            }
        }
    }

    /// Runs the reads of `f` on one snapshot of the store (inside a unit
    /// already open: on that one). Each read outside a transaction takes
    /// a snapshot of its own, and one taken after another connection wrote
    /// (a sync commits many times a second) starts with this connection's
    /// page cache emptied, so two reads paid for it twice.
    pub fn snapshot<T>(&mut self, f: impl FnOnce(&mut Store) -> Result<T>) -> Result<T> {
        if !self.conn().is_autocommit() {
            return f(self);
        }
        // DEFERRED: a read lock only, taken by the first read.
        self.conn().execute_batch("BEGIN DEFERRED")?;
        let result = f(self);
        // Nothing was written, so either way of ending it loses nothing;
        // it must end, or the connection's next BEGIN would fail.
        if self.conn().execute_batch("COMMIT").is_err() {
            let _ = self.conn().execute_batch("ROLLBACK");
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_units_roll_back_alone() {
        let mut t = crate::store::testing::temp_store("atomic");
        let store = &mut t.store;
        store
            .conn()
            .execute_batch("CREATE TABLE t (x INTEGER)")
            .expect("table");
        store.conn().execute_batch("BEGIN").expect("begin");
        {
            let inner = store.atomic().expect("savepoint");
            assert!(matches!(inner, Atomic::Savepoint(_)));
            inner
                .execute("INSERT INTO t VALUES (1)", [])
                .expect("insert");
            // Dropped without commit: only this unit is undone.
        }
        {
            let inner = store.atomic().expect("savepoint");
            inner
                .execute("INSERT INTO t VALUES (2)", [])
                .expect("insert");
            inner.commit().expect("commit");
        }
        store.conn().execute_batch("COMMIT").expect("commit");
        let outer = store.atomic().expect("transaction");
        assert!(matches!(outer, Atomic::Transaction(_)));
        let xs: Vec<i64> = outer
            .prepare("SELECT x FROM t")
            .expect("select")
            .query_map([], |r| r.get(0))
            .expect("rows")
            .collect::<rusqlite::Result<_>>()
            .expect("values");
        assert_eq!(xs, vec![2]);
    }

    #[test]
    fn all_or_nothing_keeps_none_of_a_failed_unit() {
        let mut t = crate::store::testing::temp_store("all-or-nothing");
        let store = &mut t.store;
        store
            .conn()
            .execute_batch("CREATE TABLE t (x INTEGER)")
            .expect("table");
        let failed: Result<()> = store.all_or_nothing(|s| {
            s.conn().execute("INSERT INTO t VALUES (1)", [])?;
            Err(crate::store::Error::NoSuchMessage(7))
        });
        assert!(failed.is_err());
        store
            .all_or_nothing(|s| {
                s.conn().execute("INSERT INTO t VALUES (2)", [])?;
                // Nested: a savepoint inside the transaction.
                s.all_or_nothing(|s| {
                    s.conn().execute("INSERT INTO t VALUES (3)", [])?;
                    Ok(())
                })
            })
            .expect("kept");
        let xs: Vec<i64> = store
            .conn()
            .prepare("SELECT x FROM t ORDER BY x")
            .expect("select")
            .query_map([], |r| r.get(0))
            .expect("rows")
            .collect::<rusqlite::Result<_>>()
            .expect("values");
        assert_eq!(xs, vec![2, 3]);
        assert!(store.conn().is_autocommit(), "no transaction left open");
    }

    /// Two connections writing at once, as the window's and an account
    /// worker's do: a unit of writes waits for the other's lock. A deferred
    /// transaction that read before it wrote failed at once with "database
    /// is locked" when the other connection had written meanwhile (SQLite
    /// cannot wait there: its snapshot is stale); a 100k sync in
    /// `benches/responsive` failed so while the user flagged a message.
    #[test]
    fn two_connections_write_at_once_without_a_locked_error() {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicBool, Ordering};

        use crate::store::{Flags, NewMessage};

        let mut t = crate::store::testing::temp_store("two-writers");
        let folder = t
            .store
            .upsert_folder("a", "INBOX", Some("/"), None)
            .expect("folder");
        let row = |uid: u32| NewMessage {
            uid: Some(uid),
            date: 1_700_000_000 + i64::from(uid),
            subject: format!("message {uid}"),
            ..NewMessage::default()
        };
        let first = t.store.insert_messages(folder.id, &[row(1)]).expect("one")[0];
        let (dir, stop) = (t.dir().to_owned(), Arc::new(AtomicBool::new(false)));
        let flagging = stop.clone();
        let flagger = std::thread::spawn(move || {
            let other = Store::open(&dir).expect("a second connection");
            let mut written = 0u32;
            while !flagging.load(Ordering::SeqCst) {
                other
                    .set_flags(first, Flags(written % 2))
                    .expect("a flag written beside the inserts");
                written += 1;
            }
            written
        });
        for batch in 0..100u32 {
            let rows: Vec<NewMessage> = (0..20).map(|i| row(2 + batch * 20 + i)).collect();
            let inserted = t.store.insert_messages(folder.id, &rows);
            if let Err(err) = inserted {
                stop.store(true, Ordering::SeqCst);
                let _ = flagger.join();
                panic!("batch {batch}: {err}");
            }
        }
        stop.store(true, Ordering::SeqCst);
        assert!(flagger.join().expect("the flagger") > 0, "both wrote");
    }

    #[test]
    fn a_snapshot_reads_one_state_while_another_connection_writes() {
        let mut t = crate::store::testing::temp_store("snapshot");
        t.store
            .conn()
            .execute_batch("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1)")
            .expect("table");
        let other = Store::open(t.dir()).expect("a second connection");
        let count = |s: &Store| -> Result<i64> {
            Ok(s.conn()
                .query_row("SELECT COUNT(*) FROM t", [], |r| r.get(0))?)
        };
        let (before, after) = t
            .store
            .snapshot(|s| {
                let before = count(s)?;
                other.conn().execute("INSERT INTO t VALUES (2)", [])?;
                Ok((before, count(s)?))
            })
            .expect("snapshot");
        assert_eq!((before, after), (1, 1), "the other's row is not in it");
        assert!(t.store.conn().is_autocommit(), "the snapshot ended");
        assert_eq!(count(&t.store).expect("count"), 2, "a new read sees it");

        // A failed read ends the snapshot too.
        let failed: Result<i64> = t.store.snapshot(|s| {
            count(s)?;
            Err(crate::store::Error::NoSuchMessage(3))
        });
        assert!(failed.is_err());
        assert!(t.store.conn().is_autocommit());
    }
}
