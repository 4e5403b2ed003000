//! One atomic unit of writes: a transaction, or a savepoint inside one that
//! is already open.
//!
//! Outermost savepoints are not used as transactions: SQLite then copies
//! every page they touch into a sub-journal, in case of a partial rollback.

use std::ops::Deref;

use rusqlite::{Connection, Savepoint, Transaction};

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
    pub(crate) fn atomic(&mut self) -> Result<Atomic<'_>> {
        let conn = self.conn_mut();
        Ok(if conn.is_autocommit() {
            Atomic::Transaction(conn.transaction()?)
        } else {
            Atomic::Savepoint(conn.savepoint()?)
        })
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
}
