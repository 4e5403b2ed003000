//! The window and its account workers: "Get mail" asks every worker, an
//! edited account's new settings go to its own worker only, and a removed
//! account's worker is let go (its subscription ends with it).

use super::*;
use crate::worker::{Control, Handle};

fn ready(app: &mut App, account: &str) -> tokio::sync::mpsc::UnboundedReceiver<Control> {
    let (handle, control) = Handle::channel();
    feed_and_run(
        app,
        [Message::Worker(worker::Event::Ready {
            account: account.into(),
            handle,
        })],
    );
    control
}

#[test]
fn get_mail_reaches_every_worker_and_an_edit_only_its_own() {
    let (dirs, _) = populated("workers", 1);
    let (mut app, _) = App::new(dirs);
    let home = Account {
        name: "home".into(),
        email: "home@example.test".into(),
        ..Account::default()
    };
    app.accounts.push(home.clone());
    let mut work_control = ready(&mut app, "work");
    let mut home_control = ready(&mut app, "home");

    let _ = app.update(Message::Shortcut(Shortcut::Tool(mailbox::Tool::Refresh)));
    assert!(matches!(work_control.try_recv(), Ok(Control::SyncNow)));
    assert!(matches!(home_control.try_recv(), Ok(Control::SyncNow)));
    assert_eq!(app.progress, Some(fl!("status-syncing")));

    // "home" edited, "work" unchanged: only home's worker hears of it.
    let edited = Account {
        email: "home@example.org".into(),
        ..home.clone()
    };
    let work = app.accounts[0].clone();
    let _ = app.update(Message::Saved(Ok(vec![work.clone(), edited.clone()])));
    match home_control.try_recv() {
        Ok(Control::Settings(account)) => assert_eq!(*account, edited),
        other => panic!("home's worker got {other:?}"),
    }
    assert!(
        work_control.try_recv().is_err(),
        "work's worker is left alone"
    );

    // "home" removed: its handle is dropped, so its worker's channel closes.
    let _ = app.update(Message::Saved(Ok(vec![work])));
    assert!(matches!(
        home_control.try_recv(),
        Err(tokio::sync::mpsc::error::TryRecvError::Disconnected)
    ));
    assert!(matches!(
        work_control.try_recv(),
        Err(tokio::sync::mpsc::error::TryRecvError::Empty)
    ));
}

/// A worker stopped for want of a sign-in: a bar with "Sign in" (not a
/// notice among others), which stays until the sign-in succeeds; then the
/// worker is told to sync and send at once.
#[test]
fn a_lost_sign_in_shows_a_bar_until_signed_in_again_and_wakes_the_worker() {
    let (dirs, _) = populated("sign-in-bar", 1);
    let (mut app, _) = App::new(dirs);
    let mut control = ready(&mut app, "work");
    let lost = || {
        crate::sync::Error::Net(crate::net::Error::OAuth(crate::oauth::Error::SignInAgain {
            account: "work".into(),
            reason: "grant request is invalid".into(),
        }))
    };
    let said = crate::i18n::say(&lost());
    assert!(said.contains("grant request is invalid"), "{said}");
    let failed = |error: crate::sync::Error| {
        Message::Worker(worker::Event::Report(crate::worker::Event::Failed {
            account: "work".into(),
            phase: crate::worker::Phase::Sync,
            error: std::sync::Arc::new(error),
        }))
    };
    feed_and_run(&mut app, [failed(lost())]);
    assert_eq!(app.sign_ins.len(), 1);
    assert!(app.notices.is_empty(), "a bar, not a notice");
    {
        let mut ui = simulator(app.view());
        assert!(ui.find(said.as_str()).is_ok(), "the reason is shown");
        assert!(ui.find(fl!("sign-in-button").as_str()).is_ok());
    }
    // The same failure again (the outbox, then the sync): still one bar.
    feed_and_run(&mut app, [failed(lost())]);
    assert_eq!(app.sign_ins.len(), 1);

    // A sign-in that fails keeps the bar, with the new reason.
    let _ = app.update(Message::SignedIn(
        "work".into(),
        Err("The browser's answer was refused.".into()),
    ));
    assert_eq!(app.sign_ins[0].reason, "The browser's answer was refused.");
    assert!(!app.sign_ins[0].busy);
    assert!(control.try_recv().is_err(), "the worker still waits");

    // One that succeeds ends it and wakes the worker.
    let _ = app.update(Message::SignedIn("work".into(), Ok(())));
    assert!(app.sign_ins.is_empty());
    assert!(matches!(control.try_recv(), Ok(Control::SyncNow)));
    let mut ui = simulator(app.view());
    assert!(ui.find(fl!("sign-in-button").as_str()).is_err());
}
