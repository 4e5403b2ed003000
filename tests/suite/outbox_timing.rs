//! When a message goes (issue 27) against the real Postfix and Dovecot:
//! Send taken back within its undo delay never reaches the server, and a
//! message sent later goes once at its time, also when the program running
//! the worker is killed before then and started again.

use std::sync::mpsc;
use std::time::{Duration, Instant};

use postel::store::outbox::{State, When};
use postel::store::{SharedStore, Store};
use postel::worker::{self, Control, Event};

use crate::harness::{TempDir, servers, unique};
use crate::receiving::rt;
use crate::worker::{account, expect};

#[test]
fn undo_within_the_delay_sends_nothing_and_a_confirmed_send_goes_once() {
    let s = servers();
    let rt = rt();
    let dirs = TempDir::new("undo-send");
    let account = account("undo-send", s.password("anna"));
    let (taken_back, confirmed) = (unique("undone"), unique("confirmed"));
    let draft = |subject: &str| postel::message::compose::Draft {
        to: vec![s.address("ben")],
        subject: subject.to_owned(),
        text: "within the undo delay".into(),
        ..Default::default()
    };
    let (engine, undone_id, sent_id) = rt.block_on(async {
        let engine = crate::harness::engine_with(&dirs, &account).await;
        let undone = engine
            .queue_at(&account.name, &draft(&taken_back), When::UndoWithin(2))
            .await
            .expect("queued");
        let sent = engine
            .queue_at(&account.name, &draft(&confirmed), When::UndoWithin(1))
            .await
            .expect("queued");
        (engine, undone, sent)
    });
    let store = SharedStore::new(Store::open(&dirs.path().join("data")).expect("store"));
    let (tx, events) = mpsc::channel();
    let (handle, _task) = rt.block_on(async {
        worker::spawn(account.clone(), store.clone(), move |e| {
            let _ = tx.send(e);
        })
    });
    // The worker syncs and looks at the outbox, past both delays: neither
    // goes unconfirmed.
    expect(&events, Duration::from_secs(30), "a sync", |e| {
        matches!(e, Event::Synced { .. }).then_some(())
    });
    std::thread::sleep(Duration::from_secs(3));
    assert!(handle.send(Control::SyncNow));
    expect(
        &events,
        Duration::from_secs(30),
        "another sync",
        |e| match e {
            Event::Outbox { outcomes, .. } => panic!("sent unconfirmed: {outcomes:?}"),
            Event::Synced { .. } => Some(()),
            _ => None,
        },
    );
    rt.block_on(async {
        engine.outbox_cancel(undone_id).await.expect("Undo");
        assert!(
            engine.confirm_send(sent_id).await.expect("confirm"),
            "the delay is over"
        );
    });
    assert!(handle.send(Control::SyncNow));
    let outcome = expect(&events, Duration::from_secs(30), "sent", |e| match e {
        Event::Outbox { outcomes, .. } => outcomes.iter().find(|o| o.id == sent_id).cloned(),
        _ => None,
    });
    assert_eq!(outcome.state, State::Sent, "{}", outcome.detail);
    assert_eq!(crate::sending::settle("ben", &confirmed, 1), 1);
    assert_eq!(
        crate::sending::settle("ben", &taken_back, 0),
        0,
        "the server never saw the message taken back"
    );
    assert!(handle.send(Control::Stop));
}

#[test]
fn a_message_sent_later_goes_once_at_its_time_across_a_kill_and_a_restart() {
    let s = servers();
    let postel = crate::postel::Postel::new();
    let name = postel.add_imap("send-later", "anna", s.password("anna"));
    let subject = unique("later");
    // Six seconds ahead, in local time as a user types it.
    let at = jiff::Zoned::now() + jiff::SignedDuration::from_secs(6);
    let at_text = at.strftime("%Y-%m-%d %H:%M:%S").to_string();
    let to = s.address("ben");
    let said = postel.ok(
        &[
            "send",
            "--account",
            &name,
            "--to",
            &to,
            "--subject",
            &subject,
            "--at",
            &at_text,
        ],
        Some("sent later\n"),
    );
    assert!(said.contains("Scheduled as outbox message"), "{said}");
    let listed = postel.ok(&["outbox", "--account", &name], None);
    assert!(listed.contains("scheduled"), "{listed}");

    // The worker starts, and is killed before the time.
    let mut first = postel.spawn(&["sync", "--watch", &name]);
    std::thread::sleep(Duration::from_secs(2));
    first.kill().expect("kill -9");
    let _ = first.wait();
    assert_eq!(crate::sending::settle("ben", &subject, 0), 0, "not early");

    // Started again, it sends at the time, once.
    let mut second = postel.spawn(&["sync", "--watch", &name]);
    let deadline = Instant::now() + Duration::from_secs(40);
    let mut sent = false;
    while Instant::now() < deadline && !sent {
        std::thread::sleep(Duration::from_millis(500));
        let items = postel.json(&["outbox", "--account", &name]);
        sent = items
            .as_array()
            .is_some_and(|a| a.iter().any(|i| i["state"] == "sent"));
    }
    second.kill().expect("stop");
    let _ = second.wait();
    assert!(sent, "sent within 40 s of its time");
    assert_eq!(crate::sending::settle("ben", &subject, 1), 1, "once");
    let items = postel.json(&["outbox", "--account", &name]);
    let sent_at = items[0]["sent_at"].as_i64().expect("sent at");
    assert!(
        sent_at >= at.timestamp().as_second(),
        "not before its time: {sent_at} < {}",
        at.timestamp().as_second()
    );
}
