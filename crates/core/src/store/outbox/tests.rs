//! The outbox: durable queueing, attempts, undo send, send later.
use super::*;
use crate::store::testing::temp_store;

#[test]
fn a_message_walks_queued_sending_sent_with_a_record() {
    let mut t = temp_store("outbox");
    let id = t
        .store
        .enqueue(
            "a",
            b"raw",
            "m@x",
            "a@x",
            &["b@x".into(), "c@x".into()],
            "hi",
        )
        .expect("enqueue");
    assert_eq!(
        t.store
            .outbox_due("a", crate::store::now())
            .expect("due")
            .len(),
        1
    );
    let attempt = t.store.begin_attempt(id, "smtp.x:465", "").expect("begin");
    assert!(
        t.store.outbox_due("a", i64::MAX).expect("due").is_empty(),
        "not twice at once"
    );
    t.store.attempt_phase(attempt, "data").expect("phase");
    t.store
        .finish_attempt(
            id,
            attempt,
            State::Sent,
            Some(250),
            "2.0.0 Ok: queued as ABC",
            Some("ABC"),
            None,
        )
        .expect("finish");
    let it = t.store.outbox_item(id).expect("get").expect("exists");
    assert_eq!(it.state, State::Sent);
    assert_eq!(it.recipients, ["b@x", "c@x"]);
    assert_eq!(it.history.len(), 1);
    assert_eq!(it.history[0].queue_id.as_deref(), Some("ABC"));
    assert_eq!(it.history[0].phase, "done");
    assert!(
        !t.store.outbox_cancel(id).expect("cancel"),
        "a sent message stays on record"
    );
    assert_eq!(t.store.outbox_needing_copy("a").expect("copies").len(), 1);
    t.store.outbox_sent_copy_done(id).expect("copied");
    assert_eq!(t.store.outbox_raw(id).expect("raw"), b"");
}

fn queue(t: &mut crate::store::testing::TempStore, when: When) -> i64 {
    queue_asking(t, when, "m@x", false)
}

/// As [`queue`], with its Message-ID and whether it asks for a report of
/// delivery.
fn queue_asking(
    t: &mut crate::store::testing::TempStore,
    when: When,
    message_id: &str,
    report_success: bool,
) -> i64 {
    let new = NewItem {
        account: "a",
        message_id,
        sender: "a@x",
        recipients: &["b@x".into()],
        subject: "hi",
        when,
        report_success,
    };
    t.store
        .enqueue_streamed(&new, 3, |out| out.write_all(b"raw"))
        .expect("queued")
}

/// A report of delivery asked for one message is kept with it, for the
/// sender and for an edit of the queued message.
#[test]
fn a_delivery_report_asked_for_one_message_is_kept_with_it() {
    let mut t = temp_store("outbox-report");
    let plain = queue(&mut t, When::Now);
    let asked = queue_asking(&mut t, When::Now, "r@x", true);
    let item = |id| t.store.outbox_item(id).expect("get").expect("exists");
    assert!(!item(plain).report_success);
    assert!(item(asked).report_success);
    let due = t.store.outbox_due("a", i64::MAX).expect("due");
    assert_eq!(
        due.iter()
            .map(|i| (i.id, i.report_success))
            .collect::<Vec<_>>(),
        [(plain, false), (asked, true)]
    );
}

/// Undo send: no worker takes the message during the delay, nor after
/// it until the window confirms; one left unconfirmed when Postel
/// closed is held at the next start, and goes only when released.
#[test]
fn a_send_within_its_undo_delay_waits_for_confirmation_or_is_held() {
    let mut t = temp_store("undo-send");
    let id = queue(&mut t, When::UndoWithin(10));
    let it = t.store.outbox_item(id).expect("get").expect("there");
    assert_eq!(it.undo_until, Some(it.created + 10));
    assert!(t.store.outbox_due("a", i64::MAX).expect("due").is_empty());
    assert_eq!(t.store.outbox_next_due("a").expect("next"), None);
    // Confirmed: due now, and no longer held at a restart.
    assert!(t.store.confirm_send(id).expect("confirm"));
    assert_eq!(t.store.outbox_due("a", i64::MAX).expect("due").len(), 1);
    assert!(t.store.hold_unconfirmed().expect("hold").is_empty());
    // Taken back instead: gone, and a late confirmation finds nothing.
    let undone = queue(&mut t, When::UndoWithin(10));
    assert!(t.store.outbox_cancel(undone).expect("undo"));
    assert!(!t.store.confirm_send(undone).expect("confirm"));
    // Left unconfirmed: held at the next start, then released by hand.
    let left = queue(&mut t, When::UndoWithin(10));
    assert_eq!(t.store.hold_unconfirmed().expect("hold"), [left]);
    let held = t.store.outbox_item(left).expect("get").expect("there");
    assert_eq!((held.state, held.undo_until), (State::Held, None));
    assert!(
        t.store
            .outbox_due("a", i64::MAX)
            .expect("due")
            .iter()
            .all(|i| i.id != left)
    );
    assert!(t.store.outbox_retry(left).expect("release"));
    assert!(
        t.store
            .outbox_due("a", i64::MAX)
            .expect("due")
            .iter()
            .any(|i| i.id == left)
    );
    // A held message can also be deleted.
    let again = queue(&mut t, When::UndoWithin(10));
    t.store.hold_unconfirmed().expect("hold");
    assert!(t.store.outbox_cancel(again).expect("deleted"));
}

#[test]
fn a_scheduled_message_is_due_at_its_time_and_an_attempt_ends_its_undo() {
    let mut t = temp_store("send-later");
    let at = crate::store::now() + 3600;
    let id = queue(&mut t, When::At(at));
    let it = t.store.outbox_item(id).expect("get").expect("there");
    assert_eq!((it.send_at, it.next_attempt), (Some(at), at));
    assert!(t.store.outbox_due("a", at - 1).expect("due").is_empty());
    assert_eq!(t.store.outbox_due("a", at).expect("due").len(), 1);
    assert_eq!(t.store.outbox_next_due("a").expect("next"), Some(at));
    // "Send now" brings it forward.
    assert!(t.store.outbox_retry(id).expect("now"));
    assert!(
        t.store
            .outbox_item(id)
            .expect("get")
            .expect("there")
            .next_attempt
            < at
    );
    // Once sending began, Send can no longer be taken back.
    let undo = queue(&mut t, When::UndoWithin(0));
    t.store.confirm_send(undo).expect("confirmed");
    t.store.begin_attempt(undo, "smtp", "").expect("begin");
    assert_eq!(
        t.store
            .outbox_item(undo)
            .expect("get")
            .expect("there")
            .undo_until,
        None
    );
    assert!(!t.store.outbox_cancel(undo).expect("cancel"), "sending");
}

#[test]
fn a_streamed_message_is_stored_whole_or_not_at_all() {
    let mut t = temp_store("streamed");
    let new = NewItem {
        account: "a",
        message_id: "m@x",
        sender: "a@x",
        recipients: &["b@x".into()],
        when: When::Now,
        report_success: false,
        subject: "big",
    };
    let piece: Vec<u8> = (0..=255u8).cycle().take(100_000).collect();
    let id = t
        .store
        .enqueue_streamed(&new, 3 * piece.len() as u64, |out| {
            (0..3).try_for_each(|_| out.write_all(&piece))
        })
        .expect("enqueue");
    assert_eq!(t.store.outbox_raw(id).expect("raw"), piece.repeat(3));
    assert_eq!(
        t.store.outbox_item(id).expect("get").expect("exists").size,
        300_000
    );
    let short = t
        .store
        .enqueue_streamed(&new, 10, |out| out.write_all(b"12345"));
    assert!(short.is_err(), "fewer bytes than promised");
    let long = t
        .store
        .enqueue_streamed(&new, 3, |out| out.write_all(b"12345"));
    assert!(long.is_err(), "more bytes than promised");
    let failing = t.store.enqueue_streamed(&new, 5, |out| {
        out.write_all(b"12")?;
        Err(std::io::Error::other("the attachment vanished"))
    });
    assert!(failing.is_err());
    assert_eq!(
        t.store.outbox(None).expect("list").len(),
        1,
        "nothing half-queued"
    );
    assert!(matches!(
        t.store.outbox_raw(id + 100),
        Err(crate::store::Error::NoSuchMessage(_))
    ));
}

/// A message with a large attachment passes through the store without
/// filling the 16 MB page cache with its pages (`store/cache.rs`).
#[test]
fn a_large_message_leaves_the_page_cache_small() {
    let mut t = temp_store("large");
    let new = NewItem {
        account: "a",
        message_id: "m@x",
        sender: "a@x",
        recipients: &["b@x".into()],
        when: When::Now,
        report_success: false,
        subject: "video",
    };
    let piece: Vec<u8> = (0..=255u8).cycle().take(1 << 20).collect();
    let id = t
        .store
        .enqueue_streamed(&new, 20 * piece.len() as u64, |out| {
            (0..20).try_for_each(|_| out.write_all(&piece))
        })
        .expect("enqueue");
    const LIMIT: i64 = 4 << 20;
    let used = crate::store::cache::used(t.store.conn());
    assert!(used < LIMIT, "{used} bytes cached after storing it");
    let raw = t.store.outbox_raw(id).expect("raw");
    assert_eq!(raw.len(), 20 << 20);
    let used = crate::store::cache::used(t.store.conn());
    assert!(used < LIMIT, "{used} bytes cached after reading it");
    let size: i64 = t
        .store
        .conn()
        .query_row("PRAGMA cache_size", [], |r| r.get(0))
        .expect("cache size");
    assert_eq!(size, -16384, "the cache is large again for the rest");
    // A small message leaves what the cache holds alone.
    t.store
        .conn()
        .execute_batch(
            "CREATE TABLE filler (x BLOB);
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
             INSERT INTO filler SELECT randomblob(8000) FROM n;",
        )
        .expect("filler");
    let warm = crate::store::cache::used(t.store.conn());
    assert!(warm > LIMIT, "{warm} bytes cached after the filler");
    let small = t
        .store
        .enqueue(new.account, b"hi", "s@x", "a@x", &[], "")
        .expect("enqueue");
    assert_eq!(t.store.outbox_raw(small).expect("raw"), b"hi");
    let used = crate::store::cache::used(t.store.conn());
    assert!(used >= warm, "{used} bytes cached after a small message");
}

#[test]
fn interrupted_attempts_return_to_the_queue_noting_the_risk() {
    let mut t = temp_store("recover");
    let early = t
        .store
        .enqueue("a", b"1", "1@x", "a@x", &["b@x".into()], "")
        .expect("enqueue");
    let late = t
        .store
        .enqueue("a", b"2", "2@x", "a@x", &["b@x".into()], "")
        .expect("enqueue");
    t.store.begin_attempt(early, "s", "").expect("begin");
    let a = t.store.begin_attempt(late, "s", "").expect("begin");
    t.store.attempt_phase(a, "data").expect("phase");
    let risky = t.store.recover_interrupted("a").expect("recover");
    assert_eq!(risky, [late]);
    let due: Vec<i64> = t
        .store
        .outbox_due("a", i64::MAX)
        .expect("due")
        .iter()
        .map(|i| i.id)
        .collect();
    assert_eq!(due, [early, late]);
    let late_item = t.store.outbox_item(late).expect("get").expect("exists");
    assert!(late_item.history[0].note.contains("may have accepted"));
}

#[test]
fn failed_messages_can_be_retried_or_cancelled() {
    let mut t = temp_store("failed");
    let id = t
        .store
        .enqueue("a", b"1", "1@x", "a@x", &["b@x".into()], "")
        .expect("enqueue");
    let a = t.store.begin_attempt(id, "s", "").expect("begin");
    t.store
        .finish_attempt(
            id,
            a,
            State::Failed,
            Some(550),
            "5.1.1 unknown user",
            None,
            None,
        )
        .expect("finish");
    let it = t.store.outbox_item(id).expect("get").expect("exists");
    assert_eq!(
        (it.state, it.last_error.as_str()),
        (State::Failed, "5.1.1 unknown user")
    );
    assert!(t.store.outbox_retry(id).expect("retry"));
    assert_eq!(t.store.outbox_due("a", i64::MAX).expect("due").len(), 1);
    assert!(t.store.outbox_cancel(id).expect("cancel"));
    assert!(t.store.outbox_item(id).expect("get").is_none());
}
