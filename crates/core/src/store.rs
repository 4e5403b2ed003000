//! The local mail store: SQLite (bundled) in WAL mode, one file in the data
//! dir. The GUI and the CLI read only from here; sync workers write here.
//!
//! rusqlite is blocking: async callers go through `spawn_blocking` (see
//! `sync`). Every query that can grow with a folder pages by key.

mod atomic;
pub mod bodies;
mod cache;
mod checkpoint;
mod contention;
pub mod delivery;
pub mod drafts;
pub mod folders;
pub mod messages;
pub mod outbox;
pub mod pending;
pub mod pop3;
pub mod receipts;
pub mod remote;
pub mod roles;
pub mod search;
mod shared;
pub mod threads;
pub mod tokens;

use crate::explain::{Explain, Sentence};
use std::path::{Path, PathBuf};

use rusqlite::Connection;

pub use folders::{Folder, FolderRole};
pub use messages::{Flags, Indexing, MessageRow, NewMessage};
pub use shared::{SharedStore, join};
pub use tokens::IndexText;

pub const FILE_NAME: &str = "postel.sqlite3";

/// What SQLite keeps beside the store: the write-ahead log, its index, and
/// a rollback journal (a store from before WAL, or one being converted).
const SIDE_FILES: &[&str] = &["-wal", "-shm", "-journal"];

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "The mail store {path} could not be opened: {source}. Check that the disk is not full and the file is not used by another program."
    )]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error(
        "The mail store was written by a newer Postel (schema {found}, this one knows {known}); update Postel."
    )]
    TooNew { found: i64, known: i64 },
    #[error("{0}")]
    Dir(#[from] crate::private::Error),
    #[error("The mail store {path} could not be made private to you: {source}.")]
    Private {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("The mail store failed: {0}.")]
    Sql(#[from] rusqlite::Error),
    #[error("There is no message {0} in the store.")]
    NoSuchMessage(i64),
    #[error("The message could not be put in the outbox: {0}.")]
    Queue(std::io::Error),
    #[error("There is no folder \"{0}\" in the store.")]
    NoSuchFolder(String),
    /// The task running a store call ended without an answer (it panicked
    /// or the runtime is shutting down): not the store's doing.
    #[error("Postel could not finish ({0}). Try again; if it happens again, please report it.")]
    Stopped(String),
}

impl Explain for Error {
    fn sentence(&self) -> Sentence {
        match self {
            Error::Open { path, source } => Sentence::new("error-store-open")
                .arg("path", path.display())
                .arg("reason", source),
            Error::TooNew { found, known } => Sentence::new("error-store-too-new")
                .arg("found", found)
                .arg("known", known),
            Error::Dir(err) => err.sentence(),
            Error::Private { path, source } => Sentence::new("error-store-private")
                .arg("path", path.display())
                .arg("reason", source),
            Error::Sql(err) => Sentence::new("error-store").arg("reason", err),
            Error::NoSuchMessage(id) => Sentence::new("error-no-such-message").arg("id", id),
            Error::Queue(err) => Sentence::new("error-queue").arg("reason", err),
            Error::NoSuchFolder(name) => Sentence::new("error-no-such-folder").arg("folder", name),
            Error::Stopped(why) => Sentence::new("error-internal").arg("reason", why),
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// Each entry upgrades the schema by one version; never edit a released one.
pub(crate) const MIGRATIONS: &[&str] = &[
    // 1: folders, messages, bodies, full-text index, pending actions, POP3 state.
    r#"
    CREATE TABLE folders (
        id INTEGER PRIMARY KEY,
        account TEXT NOT NULL,
        name TEXT NOT NULL,
        delimiter TEXT,
        role TEXT,
        uidvalidity INTEGER,
        uidnext INTEGER,
        highestmodseq INTEGER,
        synced_at INTEGER,
        UNIQUE (account, name)
    );
    CREATE TABLE messages (
        id INTEGER PRIMARY KEY,
        folder_id INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
        uid INTEGER,
        uidl TEXT,
        flags INTEGER NOT NULL DEFAULT 0,
        keywords TEXT NOT NULL DEFAULT '',
        date INTEGER NOT NULL,
        from_name TEXT NOT NULL DEFAULT '',
        from_addr TEXT NOT NULL DEFAULT '',
        to_addrs TEXT NOT NULL DEFAULT '',
        cc_addrs TEXT NOT NULL DEFAULT '',
        subject TEXT NOT NULL DEFAULT '',
        message_id TEXT,
        in_reply_to TEXT,
        refs TEXT NOT NULL DEFAULT '',
        size INTEGER NOT NULL DEFAULT 0,
        has_attachments INTEGER NOT NULL DEFAULT 0,
        snippet TEXT NOT NULL DEFAULT '',
        modseq INTEGER,
        UNIQUE (folder_id, uid),
        UNIQUE (folder_id, uidl)
    );
    CREATE INDEX messages_by_date ON messages (folder_id, date DESC, id DESC);
    CREATE INDEX messages_by_message_id ON messages (message_id);
    CREATE TABLE bodies (
        message INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
        raw BLOB NOT NULL
    );
    CREATE VIRTUAL TABLE search USING fts5 (
        subject, sender, recipients, body,
        content = '', contentless_delete = 1,
        tokenize = 'unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER messages_unindex AFTER DELETE ON messages BEGIN
        DELETE FROM search WHERE rowid = old.id;
    END;
    CREATE TABLE pending (
        id INTEGER PRIMARY KEY,
        account TEXT NOT NULL,
        kind TEXT NOT NULL,
        folder TEXT NOT NULL,
        uid INTEGER NOT NULL,
        arg TEXT NOT NULL DEFAULT '',
        created INTEGER NOT NULL
    );
    CREATE TABLE pop3_seen (
        account TEXT NOT NULL,
        uidl TEXT NOT NULL,
        downloaded_at INTEGER NOT NULL,
        removed_from_server INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (account, uidl)
    );
    "#,
    // 2: the outbox and its record of every submission attempt.
    r#"
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        account TEXT NOT NULL,
        raw BLOB NOT NULL,
        message_id TEXT NOT NULL,
        sender TEXT NOT NULL,
        recipients TEXT NOT NULL,
        subject TEXT NOT NULL DEFAULT '',
        state TEXT NOT NULL,
        created INTEGER NOT NULL,
        next_attempt INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT NOT NULL DEFAULT '',
        sent_at INTEGER,
        sent_copy INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX outbox_due ON outbox (account, state, next_attempt);
    CREATE TABLE outbox_attempts (
        id INTEGER PRIMARY KEY,
        outbox_id INTEGER NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
        started INTEGER NOT NULL,
        server TEXT NOT NULL,
        phase TEXT NOT NULL,
        code INTEGER,
        reply TEXT NOT NULL DEFAULT '',
        queue_id TEXT,
        note TEXT NOT NULL DEFAULT ''
    );
    "#,
    // 3: drafts, kept locally as they are written.
    r#"
    CREATE TABLE drafts (
        id INTEGER PRIMARY KEY,
        account TEXT NOT NULL,
        message_id TEXT NOT NULL,
        draft TEXT NOT NULL,
        raw BLOB NOT NULL,
        updated INTEGER NOT NULL,
        uploaded INTEGER NOT NULL DEFAULT 0
    );
    "#,
    // 4: outgoing message bytes in a table of their own, as its last
    // column: only there can SQLite reserve a blob without writing it out
    // in memory first, which the outbox needs to take large messages in
    // pieces.
    r#"
    CREATE TABLE outbox_raw (
        outbox_id INTEGER PRIMARY KEY REFERENCES outbox(id) ON DELETE CASCADE,
        raw BLOB NOT NULL
    );
    INSERT INTO outbox_raw (outbox_id, raw) SELECT id, raw FROM outbox;
    ALTER TABLE outbox DROP COLUMN raw;
    "#,
    // 5: senders whose remote content the user always allows.
    r#"
    CREATE TABLE remote_senders (
        address TEXT PRIMARY KEY COLLATE NOCASE,
        added INTEGER NOT NULL
    );
    "#,
    // 6: threads (see store/threads.rs): each message's thread and the
    // date of its thread's newest message in the same folder, for the list
    // grouped by thread; filled in for older rows by `threads::backfill`.
    r#"
    ALTER TABLE messages ADD COLUMN thread_id INTEGER;
    ALTER TABLE messages ADD COLUMN thread_last INTEGER;
    CREATE TABLE thread_ids (
        account TEXT NOT NULL,
        message_id TEXT NOT NULL,
        thread INTEGER NOT NULL,
        PRIMARY KEY (account, message_id)
    ) WITHOUT ROWID;
    CREATE INDEX thread_ids_by_thread ON thread_ids (thread);
    CREATE TABLE thread_counter (next INTEGER NOT NULL);
    INSERT INTO thread_counter (next) VALUES (1);
    CREATE INDEX messages_by_thread ON messages (folder_id, thread_id, date);
    CREATE INDEX messages_by_thread_order
        ON messages (folder_id, thread_last DESC, thread_id DESC, date, id);
    -- The newest message of a thread left the folder: the rest of the
    -- thread there takes the date of the newest one left.
    CREATE TRIGGER messages_thread_deleted AFTER DELETE ON messages
    WHEN old.thread_id IS NOT NULL AND old.date >= old.thread_last BEGIN
        UPDATE messages SET thread_last = (SELECT MAX(x.date) FROM messages x
            WHERE x.folder_id = old.folder_id AND x.thread_id = old.thread_id)
        WHERE folder_id = old.folder_id AND thread_id = old.thread_id;
    END;
    CREATE TRIGGER messages_thread_moved AFTER UPDATE OF folder_id ON messages
    WHEN old.thread_id IS NOT NULL AND old.folder_id IS NOT new.folder_id BEGIN
        UPDATE messages SET thread_last = (SELECT MAX(x.date) FROM messages x
            WHERE x.folder_id = old.folder_id AND x.thread_id = old.thread_id)
        WHERE folder_id = old.folder_id AND thread_id = old.thread_id;
        UPDATE messages SET thread_last = (SELECT MAX(x.date) FROM messages x
            WHERE x.folder_id = new.folder_id AND x.thread_id = new.thread_id)
        WHERE folder_id = new.folder_id AND thread_id = new.thread_id;
    END;
    "#,
    // 7: nothing looks messages up by Message-ID (threads keep their own
    // map), and each index costs every stored message a B-tree insert.
    r#"
    DROP INDEX messages_by_message_id;
    "#,
    // 8: messages stored without their search row because their body is
    // about to be downloaded (a prefetch): the body's row is written once,
    // instead of a header row written and then replaced, whose tombstone
    // every later FTS5 segment merge has to check.
    r#"
    CREATE TABLE unindexed (
        message INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE
    );
    "#,
    // 9: FTS5 merges index segments eight at a time instead of four: each
    // body's text is rewritten by fewer merges as the index grows (a full
    // sync of 100k messages: 88-89 s instead of 93-96 s), for a few more
    // segments per query (search on 100k stays under 40 ms).
    r#"
    INSERT INTO search (search, rank) VALUES ('automerge', 8);
    "#,
    // 10: the thread map keyed by a keyed 64-bit hash instead of text (see
    // store/threads.rs); `threads::rekey` moves the old map over.
    r#"
    CREATE TABLE thread_keys (
        key INTEGER PRIMARY KEY,
        thread INTEGER NOT NULL
    );
    CREATE INDEX thread_keys_by_thread ON thread_keys (thread);
    CREATE TABLE thread_hash (k0 INTEGER NOT NULL, k1 INTEGER NOT NULL);
    INSERT INTO thread_hash (k0, k1) VALUES (random(), random());
    "#,
    // 11: folders Postel made because the account had none for a role
    // (Trash, Sent, Drafts), until the user has been told.
    r#"
    CREATE TABLE folders_made (
        folder INTEGER PRIMARY KEY REFERENCES folders(id) ON DELETE CASCADE
    );
    "#,
    // 12: undo send (the time until which Send can still be taken back)
    // and send later (the time the user chose).
    r#"
    ALTER TABLE outbox ADD COLUMN undo_until INTEGER;
    ALTER TABLE outbox ADD COLUMN send_at INTEGER;
    "#,
    // 13: delivery tracking (see store/delivery.rs): the messages that are
    // reports (found by their Content-Type at sync, read once their body
    // is here) and what each said about a sent message's recipients. A
    // state outlives its report: deleting the bounce keeps the record.
    r#"
    CREATE TABLE reports (
        message INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
        account TEXT NOT NULL,
        outbox_id INTEGER REFERENCES outbox(id) ON DELETE SET NULL,
        read INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX reports_unread ON reports (read) WHERE read = 0;
    CREATE TABLE delivery (
        id INTEGER PRIMARY KEY,
        outbox_id INTEGER NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
        recipient TEXT NOT NULL,
        at INTEGER NOT NULL,
        action TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT '',
        diagnostic TEXT NOT NULL DEFAULT '',
        remote_mta TEXT NOT NULL DEFAULT '',
        -- A bounce the user has been told of (the window's bar).
        told INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX delivery_by_outbox ON delivery (outbox_id, at);
    -- Read receipts asked of the user, answered (sent or declined): each
    -- message is asked about once, by its Message-ID.
    CREATE TABLE receipts_answered (
        account TEXT NOT NULL,
        message_id TEXT NOT NULL,
        sent INTEGER NOT NULL,
        at INTEGER NOT NULL,
        PRIMARY KEY (account, message_id)
    ) WITHOUT ROWID;
    CREATE INDEX outbox_by_message_id ON outbox (message_id);
    -- Reports of delivery asked for this message alone (the account's
    -- preference asks for every message).
    ALTER TABLE outbox ADD COLUMN report_success INTEGER NOT NULL DEFAULT 0;
    "#,
];

/// Work a migration needs beyond its SQL, in the same transaction.
fn after_migration(version: i64, tx: &Connection) -> Result<()> {
    match version {
        // Threading runs on the map of migration 10: messages stored before
        // migration 6 are threaded then. Asked of the rows, not of the
        // version the store had: a run stopped between 6 and 10 leaves them
        // unthreaded for the next one.
        10 => {
            threads::rekey(tx)?;
            let unthreaded: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM messages WHERE thread_id IS NULL)",
                [],
                |r| r.get(0),
            )?;
            if unthreaded {
                threads::backfill(tx)?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

#[derive(Debug)]
pub struct Store {
    conn: Connection,
    path: PathBuf,
    checkpointer: checkpoint::Checkpointer,
    /// When a sync last committed rows it stored until the user acted
    /// (`messages::insert_chunked`): while that is recent it may roll back
    /// instead of committing for the user.
    sync_stored: Option<std::time::Instant>,
}

impl Drop for Store {
    fn drop(&mut self) {
        self.checkpointer.stop(&mut self.conn);
    }
}

impl Store {
    /// Opens (creating if needed) the store in `data_dir` and migrates it.
    pub fn open(data_dir: &Path) -> Result<Self> {
        let path = data_dir.join(FILE_NAME);
        let open_err = |source| Error::Open {
            path: path.clone(),
            source,
        };
        make_private(data_dir, &path)?;
        let mut conn = Connection::open(&path).map_err(open_err)?;
        conn.execute_batch(
            "-- A new store's pages (an existing one keeps its own): with
             -- 8 KB instead of 4 KB, storing a header sync's rows in the
             -- six B-trees they go into takes 5% less (fewer pages to
             -- split and to write to the WAL).
             PRAGMA page_size = 8192;
             PRAGMA journal_mode = WAL;
             PRAGMA synchronous = NORMAL;
             PRAGMA foreign_keys = ON;",
        )
        .map_err(open_err)?;
        conn.busy_handler(Some(contention::busy))
            .map_err(open_err)?;
        conn.execute_batch(cache::PRAGMA).map_err(open_err)?;
        // `rarray`: the threader looks up a batch's keys in one statement.
        rusqlite::vtab::array::load_module(&conn).map_err(open_err)?;
        // Before the search table is first opened (see store/tokens.rs).
        // Without it the built-in tokenizer reads tokenized text to the
        // same words, only on this thread.
        if let Err(err) = tokens::register(&conn) {
            tracing::warn!("store: {err}");
        }
        migrate(&mut conn)?;
        let checkpointer = checkpoint::Checkpointer::start(&mut conn, &path);
        Ok(Self {
            conn,
            path,
            checkpointer,
            sync_stored: None,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    pub(crate) fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }
}

/// Mail, drafts and the outbox are for the user alone, whatever the umask:
/// the folder is 0700 and the store 0600 before SQLite opens it. SQLite
/// gives the files it makes beside it the store's own mode; a store from an
/// older Postel (0644) is restricted here too, side files and all.
fn make_private(data_dir: &Path, path: &Path) -> Result<()> {
    crate::private::dir(data_dir)?;
    let private_err = |source| Error::Private {
        path: path.to_owned(),
        source,
    };
    crate::private::file(path).map_err(private_err)?;
    for side in SIDE_FILES {
        let mut name = path.as_os_str().to_owned();
        name.push(side);
        crate::private::restrict(Path::new(&name)).map_err(private_err)?;
    }
    Ok(())
}

fn migrate(conn: &mut Connection) -> Result<()> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let known = MIGRATIONS.len() as i64;
    if version > known {
        return Err(Error::TooNew {
            found: version,
            known,
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        // Another Postel (the window and a command) may open the store at
        // the same moment: each step takes the write lock first and is
        // skipped when the other has just done it.
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let done: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if done > i as i64 {
            continue;
        }
        tx.execute_batch(sql)?;
        after_migration(i as i64 + 1, &tx)?;
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    /// A store in a fresh temp dir, removed with the returned guard.
    pub struct TempStore {
        pub store: Store,
        dir: PathBuf,
    }

    impl TempStore {
        pub fn dir(&self) -> &Path {
            &self.dir
        }
    }

    impl Drop for TempStore {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }

    /// How many segments the search index has: one per transaction that
    /// wrote it, unless something made FTS5 flush in between.
    pub fn search_segments(store: &Store) -> i64 {
        store
            .conn()
            .query_row("SELECT count(DISTINCT segid) FROM search_idx", [], |r| {
                r.get(0)
            })
            .expect("segments")
    }

    pub fn temp_store(tag: &str) -> TempStore {
        static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("postel-store-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let store = Store::open(&dir).expect("store opens");
        TempStore { store, dir }
    }

    /// A fresh directory holding a store at schema `version` (as released
    /// then) with `rows` written into it, for migration tests.
    pub fn old_store(tag: &str, version: usize, rows: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("postel-store-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("dir");
        let conn = Connection::open(dir.join(FILE_NAME)).expect("opens");
        for sql in &MIGRATIONS[..version] {
            conn.execute_batch(sql).expect("old schema");
        }
        conn.execute_batch(rows).expect("old rows");
        conn.pragma_update(None, "user_version", version as i64)
            .expect("version");
        dir
    }
}

#[cfg(test)]
mod tests {
    use super::testing::temp_store;
    use super::*;

    #[test]
    fn opening_twice_keeps_the_schema_version() {
        let t = temp_store("reopen");
        let dir = t.store.path().parent().expect("dir").to_owned();
        let again = Store::open(&dir).expect("reopens");
        let version: i64 = again
            .conn()
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .expect("version");
        assert_eq!(version, MIGRATIONS.len() as i64);
        let automerge: i64 = again
            .conn()
            .query_row(
                "SELECT v FROM search_config WHERE k = 'automerge'",
                [],
                |r| r.get(0),
            )
            .expect("set by migration 9");
        assert_eq!(automerge, 8);
        let mode: String = again
            .conn()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .expect("mode");
        assert_eq!(mode, "wal");
        let page: i64 = again
            .conn()
            .query_row("PRAGMA page_size", [], |r| r.get(0))
            .expect("page size");
        assert_eq!(page, 8192);
    }

    /// The store's file and the ones SQLite keeps beside it.
    fn store_files(dir: &Path) -> Vec<PathBuf> {
        std::iter::once(FILE_NAME.to_owned())
            .chain(SIDE_FILES.iter().map(|side| format!("{FILE_NAME}{side}")))
            .map(|name| dir.join(name))
            .filter(|path| path.exists())
            .collect()
    }

    #[test]
    fn a_new_store_is_private_whatever_the_umask() {
        use crate::private::tests::mode;
        let t = temp_store("private");
        // Something in the write-ahead log, as a sync leaves it.
        t.store
            .conn()
            .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
            .expect("write");
        let dir = t.store.path().parent().expect("dir").to_owned();
        assert_eq!(mode(&dir), crate::private::DIR_MODE);
        let files = store_files(&dir);
        assert_eq!(
            files.len(),
            3,
            "the store, its log and the log's index: {files:?}"
        );
        for file in files {
            assert_eq!(mode(&file), crate::private::FILE_MODE, "{}", file.display());
        }
    }

    #[test]
    fn an_older_postels_readable_store_is_made_private() {
        use crate::private::tests::mode;
        use std::os::unix::fs::PermissionsExt;
        let readable = |path: &Path, mode: u32| {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod")
        };
        // A store left by a crash: its log and the log's index still there.
        let dir = testing::old_store("readable", 3, "PRAGMA journal_mode = WAL");
        let live = Connection::open(dir.join(FILE_NAME)).expect("opens");
        live.execute_batch(
            "PRAGMA wal_autocheckpoint = 0;
             INSERT INTO folders (account, name) VALUES ('a', 'INBOX');",
        )
        .expect("write");
        let crashed = dir.with_extension("crashed");
        let _ = std::fs::remove_dir_all(&crashed);
        std::fs::create_dir(&crashed).expect("dir");
        for file in store_files(&dir) {
            let copy = crashed.join(file.file_name().expect("name"));
            std::fs::copy(&file, &copy).expect("copy");
            readable(&copy, 0o644);
        }
        drop(live);
        readable(&crashed, 0o755);
        assert_eq!(store_files(&crashed).len(), 3);
        let store = Store::open(&crashed).expect("opens");
        assert_eq!(mode(&crashed), crate::private::DIR_MODE);
        for file in store_files(&crashed) {
            assert_eq!(mode(&file), crate::private::FILE_MODE, "{}", file.display());
        }
        assert_eq!(
            store.folders("a").expect("folders").len(),
            1,
            "the log was kept"
        );
        drop(store);
        std::fs::remove_dir_all(dir).expect("cleanup");
        std::fs::remove_dir_all(crashed).expect("cleanup");
    }

    #[test]
    fn an_existing_store_keeps_its_page_size() {
        let dir = testing::old_store("pages", 3, "SELECT 1");
        let store = Store::open(&dir).expect("opens");
        let page: i64 = store
            .conn()
            .query_row("PRAGMA page_size", [], |r| r.get(0))
            .expect("page size");
        assert_eq!(page, 4096);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_newer_schema_is_refused_not_damaged() {
        let t = temp_store("newer");
        t.store
            .conn()
            .pragma_update(None, "user_version", 99)
            .expect("set");
        let dir = t.store.path().parent().expect("dir").to_owned();
        let err = Store::open(&dir).expect_err("refused");
        assert!(matches!(err, Error::TooNew { found: 99, .. }), "{err}");
    }

    #[test]
    fn queued_messages_keep_their_bytes_across_the_outbox_raw_move() {
        let dir = testing::old_store(
            "move",
            3,
            "INSERT INTO outbox (account, raw, message_id, sender, recipients, state, created, next_attempt)
             VALUES ('a', x'0d0a2e00ff', 'm@x', 'a@x', 'b@x', 'queued', 1, 1)",
        );
        let store = Store::open(&dir).expect("migrates");
        let item = store.outbox_item(1).expect("get").expect("kept");
        assert_eq!((item.size, item.recipients), (5, vec!["b@x".to_owned()]));
        assert_eq!(store.outbox_raw(1).expect("raw"), b"\r\n.\0\xff");
        drop(store);
        std::fs::remove_dir_all(dir).expect("cleanup");
    }
}
