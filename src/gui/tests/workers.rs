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
