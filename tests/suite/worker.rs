//! The account worker of `postel_core::worker`, which the window and
//! `postel sync --watch` both run, against the real Dovecot and Postfix:
//! it syncs at start, watches INBOX, takes new settings, syncs when told,
//! sends the outbox, and stops.

use std::sync::mpsc;
use std::time::{Duration, Instant};

use postel::account::{Account, Incoming, Outgoing, PasswordSource, Security};
use postel::store::{SharedStore, Store};
use postel::worker::{self, Control, Event, Phase};

use crate::harness::{TempDir, servers, unique};
use crate::receiving::test_server;

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

/// Anna's account, with `password` for both servers.
pub(crate) fn account(tag: &str, password: &str) -> Account {
    let s = servers();
    Account {
        name: unique(tag),
        email: s.address("anna"),
        incoming: Incoming {
            username: "anna".into(),
            server: test_server(s.imaps, Security::Tls),
            ..Default::default()
        },
        outgoing: Outgoing {
            server: test_server(s.submissions, Security::Tls),
            ..Default::default()
        },
        password: PasswordSource::Command(vec!["echo".into(), password.into()]),
        ..Default::default()
    }
}

/// The same account for another test user: their address, login and
/// password.
pub(crate) fn user_account(tag: &str, user: &str) -> Account {
    let s = servers();
    let mut account = account(tag, s.password(user));
    account.email = s.address(user);
    account.incoming.username = user.into();
    account
}

/// Waits for the first event that `wanted` picks, failing after `within`.
pub(crate) fn expect<T>(
    events: &mpsc::Receiver<Event>,
    within: Duration,
    what: &str,
    mut wanted: impl FnMut(&Event) -> Option<T>,
) -> T {
    let deadline = Instant::now() + within;
    let mut seen = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match events.recv_timeout(left) {
            Ok(event) => {
                if let Some(found) = wanted(&event) {
                    return found;
                }
                seen.push(format!("{event:?}").chars().take(200).collect::<String>());
            }
            Err(_) => panic!("no {what} within {within:?}; saw: {seen:#?}"),
        }
    }
}

#[test]
fn the_worker_syncs_watches_takes_new_settings_and_stops() {
    let s = servers();
    let rt = rt();
    let dir = TempDir::new("worker");
    let store = SharedStore::new(Store::open(dir.path()).expect("store"));
    let wrong = account("worker", "not-annas-password");
    let name = wrong.name.clone();
    let (tx, events) = mpsc::channel();
    let (handle, task) = rt.block_on(async {
        worker::spawn(wrong.clone(), store.clone(), move |e| {
            let _ = tx.send(e);
        })
    });

    // A wrong password: the sync at start fails, and says so.
    let error = expect(
        &events,
        Duration::from_secs(30),
        "failed sync",
        |e| match e {
            Event::Failed {
                phase: Phase::Sync,
                error,
                ..
            } => Some(error.to_string()),
            _ => None,
        },
    );
    assert!(
        error.contains("password") || error.contains("user name"),
        "{error}"
    );

    // The right one, given to the running worker: it syncs and watches.
    let right = Account {
        name: name.clone(),
        ..account("unused", s.password("anna"))
    };
    assert!(handle.send(Control::Settings(Box::new(right))));
    // The two run side by side: either may report first.
    let (mut synced, mut watching) = (false, false);
    expect(&events, Duration::from_secs(30), "sync and IDLE", |e| {
        match e {
            Event::Synced { account, .. } if *account == name => synced = true,
            Event::Watching { account } if *account == name => watching = true,
            _ => {}
        }
        (synced && watching).then_some(())
    });

    // New mail is reported by IDLE, not the five-minute poll.
    let subject = unique("worker-idle");
    crate::smoke::submit(&s.address("anna"), &subject);
    let ids = expect(&events, Duration::from_secs(15), "new mail", |e| match e {
        Event::Sync(postel::sync::Event::NewMail { account, ids, .. }) if *account == name => {
            Some(ids.clone())
        }
        _ => None,
    });
    let subjects = rt.block_on(store.run(move |st| {
        ids.iter()
            .map(|&id| st.message(id).map(|m| m.subject))
            .collect::<Result<Vec<_>, _>>()
    }));
    assert!(
        subjects.expect("stored").contains(&subject),
        "the new message is in the store"
    );

    // "Get mail" syncs at once.
    assert!(handle.send(Control::SyncNow));
    expect(&events, Duration::from_secs(30), "sync when told", |e| {
        matches!(e, Event::Synced { .. }).then_some(())
    });

    // Stop ends the worker and its IDLE connection.
    assert!(handle.send(Control::Stop));
    rt.block_on(async {
        tokio::time::timeout(Duration::from_secs(5), task)
            .await
            .expect("the worker stopped")
            .expect("without a panic")
    });
    assert!(!handle.send(Control::SyncNow), "nobody listens any more");
}

#[test]
fn the_worker_sends_what_waits_in_the_outbox() {
    let s = servers();
    let rt = rt();
    let dirs = TempDir::new("worker-outbox");
    let account = account("worker-outbox", s.password("anna"));
    let subject = unique("worker-outbox");
    // Queued through the engine, as the composer and `postel send` do.
    let id = rt.block_on(async {
        let engine = crate::harness::engine_with(&dirs, &account).await;
        let draft = postel::message::compose::Draft {
            to: vec![s.address("ben")],
            subject: subject.clone(),
            text: "queued before the worker ran".into(),
            ..Default::default()
        };
        engine.queue(&account.name, &draft).await.expect("queued")
    });
    let store = SharedStore::new(Store::open(&dirs.path().join("data")).expect("store"));
    let (tx, events) = mpsc::channel();
    let (handle, _task) = rt.block_on(async {
        worker::spawn(account.clone(), store.clone(), move |e| {
            let _ = tx.send(e);
        })
    });
    let outcome = expect(&events, Duration::from_secs(30), "outbox", |e| match e {
        Event::Outbox { outcomes, .. } => outcomes.iter().find(|o| o.id == id).cloned(),
        _ => None,
    });
    assert_eq!(
        outcome.state,
        postel::store::outbox::State::Sent,
        "{}",
        outcome.detail
    );
    assert_eq!(
        crate::sending::settle("ben", &subject, 1),
        1,
        "delivered once"
    );
    drop(handle);
}

/// A flag, a move and a delete made while the server cannot be reached are
/// kept in the store, survive a restart (a new engine and store connection
/// on the same files, as after quitting), and reach the server with the
/// worker's first sync once it is back.
#[test]
fn actions_made_offline_reach_the_server_after_a_restart() {
    use postel::engine::mail::{Applied, FlagChange};
    use postel::engine::{Dirs, Engine};

    let s = servers();
    let rt = rt();
    let (from, to) = rt.block_on(async {
        (
            crate::receiving::folder_with("anna", "offline", 3).await,
            crate::receiving::folder_with("anna", "offline-to", 0).await,
        )
    });
    let scratch = TempDir::new("worker-offline");
    let dirs = Dirs {
        config: scratch.path().join("config"),
        data: scratch.path().join("data"),
    };
    let online = account("worker-offline", s.password("anna"));
    let name = online.name.clone();
    let mut offline = online.clone();
    // A closed port: every connection is refused at once.
    offline.incoming.server.port = 9;

    rt.block_on(async {
        let engine = Engine::open(dirs.clone()).expect("engine");
        engine
            .add_account(online.clone(), None)
            .await
            .expect("account");
        for folder in [&from, &to] {
            let options = postel::sync::Options {
                folder: Some(folder.clone()),
                ..Default::default()
            };
            engine
                .sync(&name, &options, &postel::sync::quiet())
                .await
                .expect("synced while online");
        }
        engine
            .edit_account(offline.clone(), None)
            .await
            .expect("offline");
        let rows = engine.list(&name, &from, 10, None).await.expect("rows");
        let id = |subject: &str| {
            rows.iter()
                .find(|r| r.subject == subject)
                .unwrap_or_else(|| panic!("{subject} is stored"))
                .id
        };
        let queued =
            |applied: Applied| assert!(matches!(applied, Applied::Queued(_)), "{applied:?}");
        queued(
            engine
                .set_flag(&name, id("offline-0"), FlagChange::Flagged(true))
                .await
                .expect("flagged here"),
        );
        queued(
            engine
                .move_message(&name, id("offline-1"), &to)
                .await
                .expect("moved here"),
        );
        queued(
            engine
                .delete_message(&name, id("offline-2"))
                .await
                .expect("deleted here"),
        );
    });
    let before = rt.block_on(crate::receiving::server_view("anna", &from));
    assert_eq!(before.len(), 3, "nothing reached the server yet");

    // Restarted, the server back: a new engine and store connection.
    let (tx, events) = mpsc::channel();
    let (handle, _task) = rt.block_on(async {
        let engine = Engine::open(dirs.clone()).expect("engine again");
        engine
            .edit_account(online.clone(), None)
            .await
            .expect("online again");
        let store = SharedStore::new(Store::open(&dirs.data).expect("store again"));
        let account = engine.account(&name).expect("the account");
        worker::spawn(account, store, move |e| {
            let _ = tx.send(e);
        })
    });
    expect(&events, Duration::from_secs(30), "sync", |e| {
        matches!(e, Event::Synced { .. }).then_some(())
    });
    drop(handle);
    let subjects = |view: std::collections::BTreeMap<u32, (String, Vec<String>)>| {
        view.into_values().collect::<Vec<_>>()
    };
    let left = subjects(rt.block_on(crate::receiving::server_view("anna", &from)));
    assert_eq!(left.len(), 1, "moved and deleted are gone: {left:?}");
    assert_eq!(left[0].0, "offline-0");
    assert!(left[0].1.contains(&"flagged".to_owned()), "{left:?}");
    let moved = subjects(rt.block_on(crate::receiving::server_view("anna", &to)));
    assert_eq!(
        moved.iter().map(|(s, _)| s.as_str()).collect::<Vec<_>>(),
        ["offline-1"]
    );
}
