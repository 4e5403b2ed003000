use crate::store::messages::{Order, Scope};
use crate::store::testing::{TempStore, temp_store};
use crate::store::{FolderRole, MessageRow, NewMessage};

/// A message with an id, a date, and the ids it answers (nearest last, as
/// a References header lists them).
fn mail(uid: u32, date: i64, id: &str, parents: &[&str]) -> NewMessage {
    NewMessage {
        uid: Some(uid),
        date,
        subject: id.to_owned(),
        message_id: Some(id.to_owned()),
        in_reply_to: parents.last().map(|p| (*p).to_owned()),
        references: parents.join(" "),
        ..NewMessage::default()
    }
}

fn folder(t: &mut TempStore, account: &str, name: &str) -> i64 {
    t.store
        .upsert_folder(
            account,
            name,
            Some("/"),
            FolderRole::from_name(name, Some("/")),
        )
        .expect("folder")
        .id
}

fn thread_of(t: &TempStore, folder: i64, subject: &str) -> i64 {
    all(t, folder, Order::Newest)
        .into_iter()
        .find(|m| m.subject == subject)
        .expect("stored")
        .thread_id
}

fn all(t: &TempStore, folder: i64, order: Order) -> Vec<MessageRow> {
    t.store
        .list_at(Scope::Folder(folder), order, 0, 1000)
        .expect("list")
}

fn subjects(rows: &[MessageRow]) -> Vec<&str> {
    rows.iter().map(|m| m.subject.as_str()).collect()
}

#[test]
fn a_reply_joins_its_parent_stored_before_it() {
    let mut t = temp_store("thread-parent-first");
    let f = folder(&mut t, "a", "INBOX");
    t.store
        .insert_messages(f, &[mail(1, 10, "p@x", &[])])
        .expect("parent");
    t.store
        .insert_messages(f, &[mail(2, 20, "c@x", &["p@x"])])
        .expect("child");
    t.store
        .insert_messages(f, &[mail(3, 30, "other@x", &[])])
        .expect("other");
    assert_eq!(thread_of(&t, f, "p@x"), thread_of(&t, f, "c@x"));
    assert_ne!(thread_of(&t, f, "p@x"), thread_of(&t, f, "other@x"));
}

#[test]
fn a_parent_stored_after_its_replies_adopts_them() {
    let mut t = temp_store("thread-child-first");
    let f = folder(&mut t, "a", "INBOX");
    // Two replies to a message not fetched yet already share its thread.
    t.store
        .insert_messages(
            f,
            &[mail(2, 20, "c1@x", &["p@x"]), mail(3, 30, "c2@x", &["p@x"])],
        )
        .expect("children");
    assert_eq!(thread_of(&t, f, "c1@x"), thread_of(&t, f, "c2@x"));
    t.store
        .insert_messages(f, &[mail(1, 10, "p@x", &[])])
        .expect("parent");
    assert_eq!(thread_of(&t, f, "p@x"), thread_of(&t, f, "c1@x"));
}

#[test]
fn a_references_chain_joins_threads_that_grew_apart() {
    let mut t = temp_store("thread-chain");
    let f = folder(&mut t, "a", "INBOX");
    let sent = folder(&mut t, "a", "Sent");
    // a <- b <- c <- d; b and c are missing at first, and d names only c
    // in In-Reply-To but the whole chain in References.
    t.store
        .insert_messages(f, &[mail(1, 10, "a@x", &[])])
        .expect("a");
    t.store
        .insert_messages(f, &[mail(4, 40, "d@x", &["c@x"])])
        .expect("d, knowing only c");
    assert_ne!(thread_of(&t, f, "a@x"), thread_of(&t, f, "d@x"));
    // c, in another folder of the account, names a and b: the two threads
    // become one, in both folders.
    t.store
        .insert_messages(sent, &[mail(1, 30, "c@x", &["a@x", "b@x"])])
        .expect("c");
    let thread = thread_of(&t, f, "a@x");
    assert_eq!(thread_of(&t, f, "d@x"), thread);
    assert_eq!(thread_of(&t, sent, "c@x"), thread);
    t.store
        .insert_messages(f, &[mail(2, 20, "b@x", &["a@x"])])
        .expect("b");
    assert_eq!(thread_of(&t, f, "b@x"), thread);
    let grouped = all(&t, f, Order::Threads);
    assert_eq!(subjects(&grouped), ["a@x", "b@x", "d@x"]);
    assert!(
        grouped.iter().all(|m| m.thread.map(|p| p.size) == Some(3)),
        "{grouped:?}"
    );
}

#[test]
fn different_accounts_never_share_a_thread() {
    let mut t = temp_store("thread-accounts");
    let a = folder(&mut t, "a", "INBOX");
    let b = folder(&mut t, "b", "INBOX");
    t.store
        .insert_messages(a, &[mail(1, 10, "p@x", &[])])
        .expect("a's");
    t.store
        .insert_messages(b, &[mail(1, 20, "c@x", &["p@x"]), mail(2, 5, "p@x", &[])])
        .expect("b's");
    assert_eq!(thread_of(&t, b, "c@x"), thread_of(&t, b, "p@x"));
    assert_ne!(thread_of(&t, a, "p@x"), thread_of(&t, b, "p@x"));
    // The unified Inbox groups each account's threads apart.
    let unified = t
        .store
        .list_at(Scope::Role(FolderRole::Inbox), Order::Threads, 0, 10)
        .expect("unified");
    let places: Vec<_> = unified
        .iter()
        .map(|m| {
            (
                m.account.as_str(),
                m.subject.as_str(),
                m.thread.map(|p| (p.index, p.size)),
            )
        })
        .collect();
    assert_eq!(
        places,
        [
            ("b", "p@x", Some((0, 2))),
            ("b", "c@x", Some((1, 2))),
            ("a", "p@x", Some((0, 1))),
        ]
    );
    let newest = t
        .store
        .list_at(Scope::Role(FolderRole::Inbox), Order::Newest, 0, 10)
        .expect("unified");
    let dates: Vec<_> = newest
        .iter()
        .map(|m| (m.account.as_str(), m.date))
        .collect();
    assert_eq!(dates, [("b", 20), ("a", 10), ("b", 5)], "merged by date");
}

/// Messages of tangled threads: replies before and after their parents,
/// a chain that joins two threads, a duplicate UID.
fn tangle() -> Vec<NewMessage> {
    vec![
        mail(9, 90, "c1@x", &["p@x"]),
        mail(8, 80, "q@x", &[]),
        mail(7, 70, "c2@x", &["p@x", "c1@x"]),
        mail(6, 60, "r1@x", &["q@x"]),
        mail(5, 50, "p@x", &[]),
        mail(4, 40, "bridge@x", &["q@x", "p@x"]),
        mail(10, 35, "r2@x", &["q@x", "r1@x"]),
        mail(3, 30, "alone@x", &[]),
        mail(2, 20, "s2@x", &["s@x"]),
        mail(1, 10, "s@x", &[]),
        mail(1, 10, "s@x", &[]),
    ]
}

/// The threads of a folder as sets of subjects, and each row's
/// `thread_last`, in an order that does not depend on thread numbers.
fn partition(t: &TempStore, f: i64) -> Vec<(Vec<String>, i64)> {
    let rows = all(t, f, Order::Threads);
    let mut out: Vec<(Vec<String>, i64)> = Vec::new();
    for thread in rows.chunk_by(|a, b| a.thread_id == b.thread_id) {
        let mut subjects: Vec<String> = thread.iter().map(|m| m.subject.clone()).collect();
        subjects.sort();
        let last = thread.iter().map(|m| m.date).max().unwrap_or_default();
        out.push((subjects, last));
    }
    out.sort();
    out
}

#[test]
fn one_batch_threads_as_one_message_at_a_time_does() {
    let mut one = temp_store("thread-batch-one");
    let f1 = folder(&mut one, "a", "INBOX");
    one.store.insert_messages(f1, &tangle()).expect("one batch");
    let mut each = temp_store("thread-batch-each");
    let f2 = folder(&mut each, "a", "INBOX");
    for m in tangle() {
        each.store
            .insert_messages(f2, std::slice::from_ref(&m))
            .expect("one message");
    }
    let batch = partition(&one, f1);
    assert_eq!(batch, partition(&each, f2));
    assert_eq!(
        subjects(&all(&one, f1, Order::Threads)),
        subjects(&all(&each, f2, Order::Threads)),
        "the same grouped order"
    );
    let sizes: Vec<usize> = batch.iter().map(|(s, _)| s.len()).collect();
    // p, c1, c2, q, r1, r2 and bridge are one thread; s and s2; alone.
    assert_eq!(sizes, [1, 7, 2], "{batch:?}");
    assert_eq!(batch[1].1, 90, "the merged thread's newest date");
    assert_eq!(one.store.count(f1).expect("count"), 10, "UID 1 once");
}

/// Three threads with interleaved dates; the newest message decides.
fn three_threads(t: &mut TempStore) -> i64 {
    let f = folder(t, "a", "INBOX");
    t.store
        .insert_messages(
            f,
            &[
                mail(1, 100, "x1", &[]),
                mail(2, 110, "y1", &[]),
                mail(3, 120, "z1", &[]),
                mail(4, 130, "x2", &["x1"]),
                mail(5, 140, "y2", &["y1"]),
                mail(6, 150, "x3", &["x1", "x2"]),
                mail(7, 105, "z0", &["z1"]),
            ],
        )
        .expect("insert");
    f
}

#[test]
fn grouped_order_is_newest_thread_first_and_oldest_first_inside() {
    let mut t = temp_store("thread-order");
    let f = three_threads(&mut t);
    let rows = all(&t, f, Order::Threads);
    assert_eq!(subjects(&rows), ["x1", "x2", "x3", "y1", "y2", "z0", "z1"]);
    let places: Vec<_> = rows
        .iter()
        .map(|m| m.thread.map(|p| (p.index, p.size)))
        .collect();
    assert_eq!(
        places,
        [
            Some((0, 3)),
            Some((1, 3)),
            Some((2, 3)),
            Some((0, 2)),
            Some((1, 2)),
            Some((0, 2)),
            Some((1, 2)),
        ]
    );
    // Newest first is untouched, and has no thread places.
    let flat = all(&t, f, Order::Newest);
    assert_eq!(subjects(&flat), ["x3", "y2", "x2", "z1", "y1", "z0", "x1"]);
    assert!(flat.iter().all(|m| m.thread.is_none()));
    // Any window of the grouped list is the same slice of the whole.
    for start in 0..7 {
        let page = t
            .store
            .list_at(Scope::Folder(f), Order::Threads, start, 3)
            .expect("page");
        assert_eq!(page, rows[start as usize..(start as usize + 3).min(7)]);
    }
}

#[test]
fn deleting_or_moving_a_threads_newest_message_reorders_it() {
    let mut t = temp_store("thread-delete");
    let f = three_threads(&mut t);
    let archive = folder(&mut t, "a", "Archive");
    let id = |t: &TempStore, s: &str| {
        all(t, f, Order::Newest)
            .into_iter()
            .find(|m| m.subject == s)
            .expect("there")
            .id
    };
    // x's newest (150) goes: y (140) leads now, x follows at 130.
    t.store.delete_message(id(&t, "x3")).expect("delete");
    assert_eq!(
        subjects(&all(&t, f, Order::Threads)),
        ["y1", "y2", "x1", "x2", "z0", "z1"]
    );
    // y2 moves to the archive: y now dates from 110, after z (120).
    t.store.move_message(id(&t, "y2"), archive).expect("move");
    assert_eq!(
        subjects(&all(&t, f, Order::Threads)),
        ["x1", "x2", "z0", "z1", "y1"]
    );
    let moved = all(&t, archive, Order::Threads);
    assert_eq!(moved[0].thread.map(|p| p.size), Some(1));
    assert_eq!(moved[0].thread_id, all(&t, f, Order::Threads)[4].thread_id);
}

#[test]
fn lists_are_index_walks_merged_not_sorted() {
    use crate::store::messages::list::{Sort, page_sql};
    let t = temp_store("thread-plan");
    let plan = |sql: &str| -> String {
        let mut stmt = t
            .store
            .conn()
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .expect("plan");
        // Parameters stay unbound: the plan does not depend on them.
        let mut rows = stmt.raw_query();
        let mut lines = Vec::new();
        while let Some(r) = rows.next().expect("row") {
            lines.push(r.get::<_, String>(3).expect("detail"));
        }
        lines.join("\n")
    };
    for (folders, sort, index, hide) in [
        (1, Sort::Threads, "messages_by_thread_order", false),
        (3, Sort::Threads, "messages_by_thread_order", false),
        (1, Sort::Newest(None), "messages_by_date", false),
        (2, Sort::Newest(None), "messages_by_date", false),
        // Leaving reports out keeps the walk on the index.
        (2, Sort::Newest(None), "messages_by_date", true),
        (2, Sort::Threads, "messages_by_thread_order", true),
    ] {
        let sql = page_sql(folders, sort, hide);
        let p = plan(&sql);
        // The page comes from the index alone; only its rows are sorted
        // again once read (LIMIT rows, not the folder).
        let page = p.split("SCAN page").next().unwrap_or_default();
        assert!(
            page.contains(&format!("USING COVERING INDEX {index}"))
                && !page.contains("TEMP B-TREE"),
            "{folders} folders, {sort:?}:\n{p}"
        );
        if folders > 1 {
            assert!(p.contains("MERGE (UNION ALL)"), "{p}");
        }
    }
    // What inserting asks: the newest date of a thread in a folder.
    let newest = plan("SELECT MAX(date) FROM messages WHERE folder_id = 1 AND thread_id = 2");
    assert!(newest.contains("messages_by_thread"), "{newest}");
}

#[test]
fn migration_6_threads_the_messages_already_stored() {
    let dir = crate::store::testing::old_store(
        "m6",
        5,
        "INSERT INTO folders (id, account, name) VALUES (1, 'a', 'INBOX'), (2, 'b', 'INBOX');
             INSERT INTO messages (folder_id, uid, date, subject, message_id, in_reply_to, refs) VALUES
               (1, 1, 20, 'reply', 'r@x', 'p@x', 'p@x'),
               (1, 2, 10, 'parent', 'p@x', NULL, ''),
               (1, 3, 30, 'alone', 'l@x', NULL, ''),
               (2, 1, 40, 'b reply', 'r2@x', 'p@x', 'p@x');",
    );
    let store = crate::store::Store::open(&dir).expect("migrates");
    let rows = store
        .list_at(Scope::Folder(1), Order::Threads, 0, 10)
        .expect("list");
    assert_eq!(subjects(&rows), ["alone", "parent", "reply"]);
    assert_eq!(rows[1].thread_id, rows[2].thread_id);
    let b = store
        .list_at(Scope::Folder(2), Order::Threads, 0, 10)
        .expect("list");
    assert_ne!(b[0].thread_id, rows[1].thread_id, "b's reply is b's own");
    // New mail goes on from the migrated state.
    drop(store);
    let mut store = crate::store::Store::open(&dir).expect("reopens");
    store
        .insert_messages(1, &[mail(9, 50, "late@x", &["r@x"])])
        .expect("insert");
    let rows = store
        .list_at(Scope::Folder(1), Order::Threads, 0, 10)
        .expect("list");
    assert_eq!(subjects(&rows), ["parent", "reply", "late@x", "alone"]);
    drop(store);
    std::fs::remove_dir_all(dir).expect("cleanup");
}

/// Figures for the README, not a check: `cargo test --lib --release
/// grouped_list_figures -- --ignored --nocapture`. 100k messages in one
/// folder, a third of them replies, stored newest first in batches of 500
/// as the first sync of a folder does.
#[test]
#[ignore = "prints figures; run by hand"]
fn grouped_list_figures() {
    use std::time::Instant;
    let mut t = temp_store("thread-figures");
    let f = folder(&mut t, "a", "INBOX");
    let n: u32 = 100_000;
    let batch: Vec<NewMessage> = (0..n)
        .map(|i| {
            // Every third message answers one of the 50 before it.
            let parent = (i % 3 == 2).then(|| format!("m{}@x", i - 1 - (i * 7919) % 50.min(i)));
            let parents: Vec<&str> = parent.iter().map(String::as_str).collect();
            mail(
                i + 1,
                1_600_000_000 + i64::from(i) * 60,
                &format!("m{i}@x"),
                &parents,
            )
        })
        .collect();
    let started = Instant::now();
    // Newest first, as the first sync of a folder fetches.
    for chunk in batch.rchunks(500) {
        t.store.insert_messages(f, chunk).expect("insert");
    }
    println!("insert {n}: {:?}", started.elapsed());
    for (order, name) in [(Order::Newest, "newest"), (Order::Threads, "threads")] {
        for offset in [0, 50_000, 99_800] {
            let started = Instant::now();
            let rows = t
                .store
                .list_at(Scope::Folder(f), order, offset, 200)
                .expect("page");
            println!(
                "{name} folder offset {offset}: {:?} ({} rows)",
                started.elapsed(),
                rows.len()
            );
        }
        let started = Instant::now();
        let rows = t
            .store
            .list_at(Scope::Role(FolderRole::Inbox), order, 0, 200)
            .expect("page");
        println!(
            "{name} unified offset 0: {:?} ({} rows)",
            started.elapsed(),
            rows.len()
        );
    }
    // Migration 6 on a store of this size: every thread found again.
    let conn = t.store.conn();
    conn.execute_batch(
        "BEGIN; UPDATE messages SET thread_id = NULL, thread_last = NULL; DELETE FROM thread_keys;",
    )
    .expect("forget threads");
    let started = Instant::now();
    super::backfill(conn).expect("backfill");
    println!("migration 6 backfill of {n}: {:?}", started.elapsed());
    conn.execute_batch("COMMIT").expect("commit");
}

#[test]
fn migration_10_keeps_the_threads_of_a_store() {
    // A store at version 9: one thread in the text-keyed map.
    let dir = crate::store::testing::old_store(
        "m10",
        9,
        "INSERT INTO folders (id, account, name) VALUES (1, 'a', 'INBOX'), (2, 'b', 'INBOX');
             INSERT INTO messages (folder_id, uid, date, subject, message_id, in_reply_to, refs,
                 thread_id, thread_last) VALUES
               (1, 1, 10, 'parent', 'p@x', NULL, '', 1, 20),
               (1, 2, 20, 'reply', 'r@x', 'p@x', 'p@x', 1, 20);
             INSERT INTO thread_ids (account, message_id, thread) VALUES ('a', 'p@x', 1), ('a', 'r@x', 1);
             UPDATE thread_counter SET next = 2;",
    );
    let mut store = crate::store::Store::open(&dir).expect("migrates");
    let old_map: i64 = store
        .conn()
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE name = 'thread_ids'",
            [],
            |r| r.get(0),
        )
        .expect("schema");
    assert_eq!(old_map, 0, "the text-keyed map is gone");
    // A reply naming only the migrated reply joins the old thread; the
    // same reference in another account does not.
    store
        .insert_messages(1, &[mail(3, 30, "late@x", &["r@x"])])
        .expect("insert");
    store
        .insert_messages(2, &[mail(1, 40, "b@x", &["p@x"])])
        .expect("insert");
    let a = store
        .list_at(Scope::Folder(1), Order::Threads, 0, 10)
        .expect("list");
    assert_eq!(subjects(&a), ["parent", "reply", "late@x"]);
    assert!(a.iter().all(|m| m.thread_id == 1), "{a:?}");
    let b = store
        .list_at(Scope::Folder(2), Order::Threads, 0, 10)
        .expect("list");
    assert_ne!(b[0].thread_id, 1, "b's message is b's own");
    drop(store);
    std::fs::remove_dir_all(dir).expect("cleanup");
}

#[test]
fn forgetting_an_account_forgets_its_thread_map() {
    let mut t = temp_store("thread-forget");
    let a = folder(&mut t, "a", "INBOX");
    let b = folder(&mut t, "b", "INBOX");
    t.store
        .insert_messages(a, &[mail(1, 10, "p@x", &[]), mail(2, 20, "r@x", &["p@x"])])
        .expect("a");
    t.store
        .insert_messages(b, &[mail(1, 30, "q@x", &["gone@x"])])
        .expect("b");
    let keys = |t: &TempStore| -> i64 {
        t.store
            .conn()
            .query_row("SELECT count(*) FROM thread_keys", [], |r| r.get(0))
            .expect("count")
    };
    assert_eq!(keys(&t), 4, "p, r, and b's q and gone");
    t.store.forget_account("a").expect("forget");
    assert_eq!(keys(&t), 2, "b's keys stay");
    // b threads on as before.
    t.store
        .insert_messages(b, &[mail(2, 40, "q2@x", &["gone@x"])])
        .expect("b again");
    assert_eq!(thread_of(&t, b, "q2@x"), thread_of(&t, b, "q@x"));
}

#[test]
fn thread_keys_never_change_across_versions() {
    // Keys are stored: a hash that changed (a new siphasher, another
    // separator) would cut every stored thread from its new replies.
    assert_eq!(super::key((1, 2), "a", "m@x"), PINNED);
    assert_ne!(super::key((1, 2), "b", "m@x"), PINNED, "the account counts");
    assert_ne!(
        super::key((1, 3), "a", "m@x"),
        PINNED,
        "the store's key counts"
    );
}

/// SipHash-1-3 under (1, 2) of `a`, 0xff, `m@x`, as first stored.
const PINNED: i64 = 6_026_444_424_736_600_240;
