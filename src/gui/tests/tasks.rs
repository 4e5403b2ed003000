//! The window with its tasks run, as the runtime runs them: what the user
//! does really reaches the store (and the network, which here is absent).

use super::*;

/// Flagging writes the store before any network, the list shows it, and
/// the server's absence becomes a notice that the change waits.
#[test]
fn a_flag_is_in_the_store_and_the_list_at_once_and_waits_for_the_server() {
    let (dirs, ids) = populated("tasks-flag", 3);
    let (mut app, start) = App::new(dirs);
    // The mailbox loads itself: folders and rows from the store.
    settle(&mut app, start);
    let listed = |app: &App| {
        app.mailbox
            .as_ref()
            .expect("mailbox")
            .list
            .rows
            .iter()
            .map(|r| r.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(listed(&app).len(), 3, "the rows came from the store");
    feed_and_run(
        &mut app,
        [
            Message::Mailbox(mailbox::Message::List(
                crate::gui::widget::message_list::Message::Clicked(ids[0]),
            )),
            Message::Shortcut(Shortcut::Tool(mailbox::Tool::ToggleFlag)),
        ],
    );
    let stored = Store::open(&app.dirs.data)
        .expect("store")
        .message(ids[0])
        .expect("the message");
    assert!(
        stored.flags.has(crate::store::Flags::FLAGGED),
        "in the store"
    );
    let row = app
        .mailbox
        .as_ref()
        .expect("mailbox")
        .list
        .rows
        .iter()
        .find(|r| r.id == ids[0])
        .expect("listed")
        .clone();
    assert!(row.flags.has(crate::store::Flags::FLAGGED), "in the list");
    // The account has no server: the change waits for the next sync.
    let waiting = fl!("status-action-queued", reason = "\u{1}");
    let prefix = waiting.split('\u{1}').next().unwrap_or(&waiting);
    let prefix = prefix.trim_end_matches(['\u{2068}', '\u{2069}']);
    assert!(!prefix.is_empty());
    let said: Vec<&String> = app
        .notices
        .iter()
        .filter(|n| n.starts_with(prefix))
        .collect();
    assert_eq!(said.len(), 1, "said once: {:?}", app.notices);
}

/// Send puts the message in the outbox; with no server it stays there,
/// queued, and the composer closes saying so.
#[test]
fn send_puts_the_message_in_the_outbox() {
    let (dirs, _) = populated("tasks-send", 1);
    let (mut app, start) = App::new(dirs);
    settle(&mut app, start);
    feed_and_run(
        &mut app,
        [Message::Shortcut(Shortcut::Tool(mailbox::Tool::Compose))],
    );
    assert!(app.composer.is_some());
    feed_and_run(
        &mut app,
        [
            Message::Composer(composer::Message::To("bob@example.test".into())),
            Message::Composer(composer::Message::Subject("Tasks really run".into())),
            Message::Composer(composer::Message::Send),
        ],
    );
    assert!(app.composer.is_none(), "closed: {:?}", app.notices);
    let outbox = Store::open(&app.dirs.data)
        .expect("store")
        .outbox(None)
        .expect("outbox");
    assert_eq!(outbox.len(), 1, "{outbox:?}");
    assert_eq!(outbox[0].subject, "Tasks really run");
    assert_eq!(outbox[0].state, crate::store::outbox::State::Queued);
}
