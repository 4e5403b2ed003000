//! Stored messages: inserting, flags, moves, lists.
use super::*;
use crate::store::testing::temp_store;

fn msg(uid: u32, date: i64, subject: &str) -> NewMessage {
    NewMessage {
        uid: Some(uid),
        date,
        subject: subject.into(),
        from_name: "Bob".into(),
        from_addr: "bob@example.test".into(),
        ..NewMessage::default()
    }
}

#[test]
fn pages_newest_first_by_keyset() {
    let mut t = temp_store("paging");
    let f = t
        .store
        .upsert_folder("a", "INBOX", None, None)
        .expect("folder");
    let batch: Vec<_> = (1..=25)
        .map(|i| msg(i, 1000 + i64::from(i % 5), &format!("m{i}")))
        .collect();
    t.store.insert_messages(f.id, &batch).expect("insert");
    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let page = t.store.list(f.id, 10, cursor).expect("page");
        if page.is_empty() {
            break;
        }
        assert!(page.len() <= 10);
        let last = page.last().expect("row");
        cursor = Some(Cursor {
            date: last.date,
            id: last.id,
        });
        seen.extend(page);
    }
    assert_eq!(seen.len(), 25, "every message exactly once");
    assert!(
        seen.windows(2)
            .all(|w| (w[0].date, w[0].id) > (w[1].date, w[1].id))
    );
    let mut uids: Vec<_> = seen.iter().filter_map(|m| m.uid).collect();
    uids.sort_unstable();
    assert_eq!(uids, (1..=25).collect::<Vec<_>>());
    assert_eq!(
        t.store
            .list_at(Scope::Folder(f.id), Order::Newest, 24, 10)
            .expect("tail")
            .len(),
        1
    );
}

#[test]
fn reinserting_a_uid_updates_flags_and_keeps_the_id() {
    let mut t = temp_store("upsert");
    let f = t
        .store
        .upsert_folder("a", "INBOX", None, None)
        .expect("folder");
    let ids = t
        .store
        .insert_messages(f.id, &[msg(7, 1, "x")])
        .expect("insert");
    let mut again = msg(7, 1, "x");
    again.flags = Flags(Flags::SEEN | Flags::FLAGGED);
    let ids2 = t.store.insert_messages(f.id, &[again]).expect("again");
    assert_eq!(ids, ids2);
    assert_eq!(t.store.count(f.id).expect("count"), 1);
    assert_eq!(
        t.store.message(ids[0]).expect("row").flags,
        Flags(Flags::SEEN | Flags::FLAGGED)
    );
}

#[test]
fn uids_below_above_and_between_the_stored_ones_are_told_apart() {
    let mut t = temp_store("uid-range");
    let f = t
        .store
        .upsert_folder("a", "INBOX", None, None)
        .expect("folder");
    let first = t
        .store
        .insert_messages(f.id, &[msg(10, 1, "ten"), msg(20, 2, "twenty")])
        .expect("insert");
    let mut twenty = msg(20, 2, "twenty");
    twenty.flags = Flags(Flags::SEEN);
    let second = t
        .store
        .insert_messages(
            f.id,
            &[
                msg(5, 3, "five"),
                msg(15, 4, "fifteen"),
                twenty,
                msg(25, 5, "25"),
            ],
        )
        .expect("insert");
    // 5 is below the lowest, 25 above the highest, 15 between but not
    // stored: three new rows; 20 is the row already there.
    assert_eq!(second[2], first[1]);
    assert_eq!(t.store.uids(f.id).expect("uids"), [5, 10, 15, 20, 25]);
    assert_eq!(
        t.store.message(first[1]).expect("row").flags,
        Flags(Flags::SEEN)
    );
    assert_eq!(t.store.message(second[0]).expect("row").subject, "five");
}

#[test]
fn flags_update_and_expunge_by_uid() {
    let mut t = temp_store("flags");
    let f = t
        .store
        .upsert_folder("a", "INBOX", None, None)
        .expect("folder");
    t.store
        .insert_messages(f.id, &[msg(1, 1, "a"), msg(2, 2, "b"), msg(3, 3, "c")])
        .expect("insert");
    let seen = |modseq| [(2, Flags(Flags::SEEN), String::new(), Some(modseq))];
    assert_eq!(t.store.update_flags(f.id, &seen(9)).expect("flags"), 1);
    // The same flags again (a server without CONDSTORE reports them at
    // every sync): no change to count, but a new MODSEQ is kept.
    assert_eq!(t.store.update_flags(f.id, &seen(11)).expect("flags"), 0);
    let modseq: Option<i64> = t
        .store
        .conn()
        .query_row(
            "SELECT modseq FROM messages WHERE folder_id = ?1 AND uid = 2",
            [f.id],
            |r| r.get(0),
        )
        .expect("modseq");
    assert_eq!(modseq, Some(11));
    let unchanged = [(1, Flags::default(), String::new(), None)];
    assert_eq!(t.store.update_flags(f.id, &unchanged).expect("flags"), 0);
    t.store.delete_uids(f.id, &[1, 3]).expect("expunge");
    assert_eq!(t.store.uids(f.id).expect("uids"), [2]);
    let row = t
        .store
        .message_by_uid(f.id, 2)
        .expect("query")
        .expect("row");
    assert!(row.flags.has(Flags::SEEN));
    assert_eq!(
        (
            t.store.min_uid(f.id).expect("min"),
            t.store.max_uid(f.id).expect("max")
        ),
        (Some(2), Some(2))
    );
}

#[test]
fn addresses_complete_by_address_or_name_word() {
    let mut t = temp_store("complete");
    let f = t
        .store
        .upsert_folder("a", "INBOX", None, None)
        .expect("folder");
    let mut batch = vec![msg(1, 1, "x"), msg(2, 2, "y")];
    batch.push(NewMessage {
        uid: Some(3),
        from_name: "Carla Rossi".into(),
        from_addr: "carla@example.test".into(),
        ..NewMessage::default()
    });
    t.store.insert_messages(f.id, &batch).expect("insert");
    assert_eq!(
        t.store.known_addresses("bo", 5).expect("q"),
        ["Bob <bob@example.test>"]
    );
    assert_eq!(
        t.store.known_addresses("ross", 5).expect("q"),
        ["Carla Rossi <carla@example.test>"]
    );
    assert!(
        t.store.known_addresses("%", 5).expect("q").is_empty(),
        "wildcards are literal"
    );
}

#[test]
fn flag_names_for_imap() {
    let f = Flags(Flags::SEEN | Flags::FLAGGED);
    assert_eq!(f.to_imap(), "\\Seen \\Flagged");
    assert_eq!(Flags::bit_of("\\SEEN"), Some(Flags::SEEN));
    assert_eq!(Flags::bit_of("$Junk"), None);
    assert!(!f.with(Flags::SEEN, false).has(Flags::SEEN));
}

#[test]
fn a_sync_batch_rolls_back_for_the_user_while_it_is_making_progress() {
    let mut t = temp_store("until-user");
    let f = t
        .store
        .upsert_folder("a", "INBOX", None, None)
        .expect("folder");
    let batch: Vec<_> = (1..=400).map(|i| msg(i, 1000, &format!("m{i}"))).collect();
    let _turn = crate::priority::TESTS_ACTING
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    let user = crate::priority::Foreground::begin();

    // Nothing stored yet: the first rows are committed for the action.
    let (ids, done) = t
        .store
        .insert_messages_until_user(f.id, &batch, Indexing::Now)
        .expect("first");
    assert!(
        done >= YIELD_ROWS && done < batch.len(),
        "committed what it stored, then stopped: {done}"
    );
    assert_eq!(ids.len(), done);
    assert_eq!(t.store.count(f.id).expect("count"), done as u64);

    // It just committed: this transaction is rolled back for the action.
    let (ids, again) = t
        .store
        .insert_messages_until_user(f.id, &batch[done..], Indexing::Now)
        .expect("second");
    assert_eq!((ids.len(), again), (0, 0), "rolled back");
    assert_eq!(
        t.store.count(f.id).expect("count"),
        done as u64,
        "nothing half-stored"
    );

    // Nothing committed for a while: the next one commits, so actions
    // cannot stop a sync.
    std::thread::sleep(STARVED_AFTER);
    let (_, more) = t
        .store
        .insert_messages_until_user(f.id, &batch[done..], Indexing::Now)
        .expect("third");
    assert!(more >= YIELD_ROWS, "{more}");
    assert_eq!(t.store.count(f.id).expect("count"), (done + more) as u64);
    drop(user);

    // Without an action the rest goes in, in transactions of at most
    // ACTIVE_TX_ROWS while the user counts as active.
    let (_, rest) = t
        .store
        .insert_messages_until_user(f.id, &batch[done + more..], Indexing::Now)
        .expect("rest");
    assert_eq!(done + more + rest, batch.len());
    assert_eq!(t.store.count(f.id).expect("count"), batch.len() as u64);
}

#[test]
fn a_transaction_begun_while_the_user_was_idle_gives_way_to_the_first_action() {
    let now = std::time::Instant::now();
    let long_ago = now.checked_sub(STARVED_AFTER * 2);
    assert!(rolls_back_for_user(false, None), "nothing committed yet");
    assert!(rolls_back_for_user(false, long_ago), "a whole idle batch");
    assert!(rolls_back_for_user(true, Some(now)), "it just committed");
    assert!(!rolls_back_for_user(true, long_ago), "starved: commits");
    assert!(!rolls_back_for_user(true, None), "nothing stored yet");
}

/// Threading's writes per chunk (the thread counter's update opens a
/// statement journal) made FTS5 write a segment per chunk when rows and
/// search entries went in together (see `index_headers`): 5 segments here
/// after its merges.
#[test]
fn a_transaction_of_threaded_rows_writes_one_search_segment() {
    let mut t = temp_store("one-segment");
    let f = t
        .store
        .upsert_folder("a", "INBOX", None, None)
        .expect("folder");
    let n = 20 * YIELD_ROWS as u32;
    // Every other message starts a thread (the counter is updated), the
    // rest reply to the one before.
    let batch: Vec<_> = (1..=n)
        .map(|i| {
            let parent = (i % 2 == 0).then(|| format!("<m{}@example.test>", i - 1));
            NewMessage {
                message_id: Some(format!("<m{i}@example.test>")),
                references: parent.clone().unwrap_or_default(),
                in_reply_to: parent,
                ..msg(i, 1000 + i64::from(i), &format!("kumquat {i}"))
            }
        })
        .collect();
    t.store.insert_messages(f.id, &batch).expect("insert");
    let segments = crate::store::testing::search_segments(&t.store);
    assert_eq!(segments, 1, "one transaction, one segment");
    let threads: i64 = t
        .store
        .conn()
        .query_row("SELECT count(DISTINCT thread_id) FROM messages", [], |r| {
            r.get(0)
        })
        .expect("threads");
    assert_eq!(threads, i64::from(n / 2), "a thread per pair");
    let found = t.store.search("kumquat", None, 1000).expect("search");
    assert_eq!(found.len(), n as usize, "every row is found");
}
