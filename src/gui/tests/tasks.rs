//! The window with its tasks run, as the runtime runs them: what the user
//! does really reaches the store (and the network, which here is absent).

use super::*;

/// Flagging writes the store before any network, the list shows it, and
/// the server's absence becomes a notice that the change waits.
#[test]
fn a_flag_is_in_the_store_and_the_list_at_once_and_waits_for_the_server() {
    let (dirs, ids) = populated("tasks-flag", 3);
    // The mailbox loads itself: folders and rows from the store.
    let mut app = started(dirs);
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
    let mut app = started(dirs);
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

/// Delete moves to a Trash (made for an account without one); Shift+Delete
/// asks first and only then deletes for good.
#[test]
fn shift_delete_asks_before_deleting_for_good_and_delete_keeps_a_copy_in_trash() {
    use iced::keyboard;
    let (dirs, ids) = populated("tasks-delete", 3);
    let mut app = started(dirs);
    let open = |app: &mut App, id: i64| {
        feed_and_run(
            app,
            [Message::Mailbox(mailbox::Message::List(
                crate::gui::widget::message_list::Message::Clicked(id),
            ))],
        );
    };
    let shift_delete = keyboard::Event::KeyPressed {
        key: keyboard::Key::Named(keyboard::key::Named::Delete),
        modified_key: keyboard::Key::Named(keyboard::key::Named::Delete),
        physical_key: keyboard::key::Physical::Unidentified(
            keyboard::key::NativeCode::Unidentified,
        ),
        location: keyboard::Location::Standard,
        modifiers: keyboard::Modifiers::SHIFT,
        text: None,
        repeat: false,
    };
    let asked = shortcut(shift_delete).expect("Shift+Delete is a shortcut");
    let stored = |app: &App, id: i64| {
        Store::open(&app.dirs.data)
            .expect("store")
            .message(id)
            .is_ok()
    };

    open(&mut app, ids[0]);
    feed_and_run(&mut app, [asked.clone()]);
    let mut ui = simulator(app.view());
    assert!(ui.find(fl!("delete-permanently").as_str()).is_ok(), "asked");
    drop(ui);
    feed_and_run(
        &mut app,
        [Message::Mailbox(mailbox::Message::DeletePermanently(false))],
    );
    assert!(stored(&app, ids[0]), "cancelled: nothing deleted");

    feed_and_run(&mut app, [asked]);
    feed_and_run(
        &mut app,
        [Message::Mailbox(mailbox::Message::DeletePermanently(true))],
    );
    assert!(!stored(&app, ids[0]), "deleted for good");
    let store = Store::open(&app.dirs.data).expect("store");
    assert!(
        store.folder("work", "Trash").expect("read").is_none(),
        "no Trash needed for that"
    );

    // A plain Delete on an account without Trash makes one. (Only the
    // first message has its body stored: the second gets one to open.)
    let mut writer = Store::open(&app.dirs.data).expect("store");
    writer
        .set_body(
            ids[1],
            b"Subject: Subject number 2\r\n\r\nSecond.\r\n",
            "",
            &crate::store::IndexText::default(),
        )
        .expect("body");
    drop(writer);
    open(&mut app, ids[1]);
    feed_and_run(
        &mut app,
        [Message::Shortcut(Shortcut::Tool(mailbox::Tool::Delete))],
    );
    let trash = store
        .folder("work", "Trash")
        .expect("read")
        .expect("a Trash was made");
    assert_eq!(trash.role, Some(crate::store::FolderRole::Trash));
    let kept = store.message(ids[1]).expect("still stored");
    assert_eq!(kept.folder_id, trash.id);
    // The user is told, once, in words of the folder list.
    let told = fl!(
        "folder-made",
        account = "work",
        role = fl!("folder-trash"),
        folder = "Trash"
    );
    assert_eq!(
        app.notices.iter().filter(|n| **n == told).count(),
        1,
        "{:?}",
        app.notices
    );
    let mut ui = simulator(app.view());
    assert!(ui.find(told.as_str()).is_ok(), "the notice is on screen");
    drop(ui);
    assert!(
        store.take_made().expect("read").is_empty(),
        "told: not told again"
    );
}

/// Delete shows a toast whose Undo puts the message back where it was; the
/// toast goes by itself after a few seconds.
#[test]
fn a_delete_can_be_undone_from_its_toast() {
    let (dirs, ids) = populated("tasks-undo", 2);
    {
        let store = Store::open(&dirs.data).expect("store");
        store
            .upsert_folder(
                "work",
                "Trash",
                Some("/"),
                Some(crate::store::FolderRole::Trash),
            )
            .expect("a Trash");
    }
    let mut app = started(dirs);
    feed_and_run(
        &mut app,
        [
            Message::Mailbox(mailbox::Message::List(
                crate::gui::widget::message_list::Message::Clicked(ids[0]),
            )),
            Message::Shortcut(Shortcut::Tool(mailbox::Tool::Delete)),
        ],
    );
    let store = Store::open(&app.dirs.data).expect("store");
    let folder_of = |id| {
        let row = store.message(id).expect("stored");
        store
            .folder_by_id(row.folder_id)
            .expect("read")
            .expect("its folder")
            .name
    };
    assert_eq!(folder_of(ids[0]), "Trash");
    let mut ui = simulator(app.view());
    assert!(ui.find(fl!("toast-deleted").as_str()).is_ok(), "the toast");
    let _ = ui.click(fl!("toast-undo").as_str()).expect("Undo is there");
    let messages: Vec<Message> = ui.into_messages().collect();
    feed_and_run(&mut app, messages);
    assert_eq!(folder_of(ids[0]), "INBOX", "back where it was");
    assert!(app.toast.is_none(), "undone: the toast is gone");

    // A toast left alone goes after its time.
    feed_and_run(
        &mut app,
        [
            Message::Mailbox(mailbox::Message::List(
                crate::gui::widget::message_list::Message::Clicked(ids[0]),
            )),
            Message::Shortcut(Shortcut::Tool(mailbox::Tool::Delete)),
        ],
    );
    let _ = app.update(Message::ToastTick);
    assert!(app.toast.is_some(), "still within its time");
    if let Some(toast) = app.toast.as_mut() {
        toast.since -= crate::gui::mailbox_actions::TOAST_FOR;
    }
    let _ = app.update(Message::ToastTick);
    assert!(app.toast.is_none(), "gone after its time");
}

/// `?` shows every key with what it does; Escape closes the overview.
#[test]
fn question_mark_shows_the_keys() {
    use iced::keyboard;
    let (dirs, _) = populated("tasks-keys", 1);
    let mut app = started(dirs);
    let press = |key: keyboard::Key| keyboard::Event::KeyPressed {
        key: key.clone(),
        modified_key: key,
        physical_key: keyboard::key::Physical::Unidentified(
            keyboard::key::NativeCode::Unidentified,
        ),
        location: keyboard::Location::Standard,
        modifiers: keyboard::Modifiers::SHIFT,
        text: None,
        repeat: false,
    };
    let open = shortcut(press(keyboard::Key::Character("?".into()))).expect("? is a key");
    feed_and_run(&mut app, [open]);
    let mut ui = simulator(app.view());
    assert!(ui.find(fl!("keys-title").as_str()).is_ok());
    assert!(ui.find(fl!("tool-archive").as_str()).is_ok());
    assert!(ui.find("Shift+J").is_ok(), "with its keys");
    drop(ui);
    let close = shortcut(press(keyboard::Key::Named(keyboard::key::Named::Escape)))
        .expect("Escape is a key");
    feed_and_run(&mut app, [close]);
    let mut ui = simulator(app.view());
    assert!(ui.find(fl!("keys-title").as_str()).is_err(), "closed");
}

/// Ctrl+click picks several messages, Shift+click a run of them, Ctrl+A
/// all; the toolbar then acts on every one, and Undo brings all back.
#[test]
fn several_messages_are_picked_acted_on_and_put_back() {
    use iced::keyboard::Modifiers;
    let (dirs, ids) = populated("tasks-pick", 4);
    {
        let store = Store::open(&dirs.data).expect("store");
        store
            .upsert_folder(
                "work",
                "Trash",
                Some("/"),
                Some(crate::store::FolderRole::Trash),
            )
            .expect("a Trash");
    }
    let mut app = started(dirs);
    let click = |id| {
        Message::Mailbox(mailbox::Message::List(
            crate::gui::widget::message_list::Message::Clicked(id),
        ))
    };
    let modifiers = |m| Message::Mailbox(mailbox::Message::Modifiers(m));
    feed_and_run(
        &mut app,
        [
            modifiers(Modifiers::CTRL),
            click(ids[3]),
            click(ids[1]),
            modifiers(Modifiers::empty()),
        ],
    );
    let picked = |app: &App| app.mailbox.as_ref().expect("mailbox").list.picked.clone();
    assert_eq!(picked(&app), [ids[3], ids[1]]);
    let mut ui = simulator(app.view());
    assert!(ui.find(fl!("list-picked", count = 2u64).as_str()).is_ok());
    drop(ui);

    feed_and_run(
        &mut app,
        [Message::Shortcut(Shortcut::Tool(mailbox::Tool::Delete))],
    );
    let store = Store::open(&app.dirs.data).expect("store");
    let folder_of = |id| {
        let row = store.message(id).expect("stored");
        store
            .folder_by_id(row.folder_id)
            .expect("read")
            .expect("its folder")
            .name
    };
    assert_eq!(
        (folder_of(ids[3]), folder_of(ids[1])),
        ("Trash".into(), "Trash".into())
    );
    assert_eq!(folder_of(ids[2]), "INBOX", "not picked, not touched");
    let mut ui = simulator(app.view());
    assert!(
        ui.find(fl!("toast-moved-many", count = 2u64).as_str())
            .is_ok()
    );
    let _ = ui.click(fl!("toast-undo").as_str()).expect("Undo");
    let messages: Vec<Message> = ui.into_messages().collect();
    feed_and_run(&mut app, messages);
    assert_eq!(
        (folder_of(ids[3]), folder_of(ids[1])),
        ("INBOX".into(), "INBOX".into())
    );

    // Shift+click: the run between the last chosen and this one.
    feed_and_run(
        &mut app,
        [
            click(ids[3]),
            modifiers(Modifiers::SHIFT),
            click(ids[1]),
            modifiers(Modifiers::empty()),
        ],
    );
    let mut run = picked(&app);
    run.sort_unstable();
    assert_eq!(run, [ids[1], ids[2], ids[3]]);
    // Ctrl+A: all of them, read or not.
    feed_and_run(&mut app, [Message::Shortcut(Shortcut::PickAll)]);
    let mut all = picked(&app);
    all.sort_unstable();
    assert_eq!(all, ids);
}

/// The window's title says what it shows: the message read, the message
/// being written, the preferences (GNOME's and Thunderbird's way, and what
/// tests/e2e-gui reads back); Ctrl+Q asks to close as the close button.
#[test]
fn the_title_names_what_the_window_shows() {
    let (dirs, ids) = populated("tasks-title", 2);
    let mut app = started(dirs);
    assert_eq!(app.title(), fl!("app-name"));
    feed_and_run(
        &mut app,
        [Message::Mailbox(mailbox::Message::List(
            crate::gui::widget::message_list::Message::Clicked(ids[0]),
        ))],
    );
    assert_eq!(
        app.title(),
        format!("Subject number 1 – {}", fl!("app-name"))
    );
    feed_and_run(
        &mut app,
        [Message::Shortcut(Shortcut::Tool(mailbox::Tool::Compose))],
    );
    assert_eq!(
        app.title(),
        format!("{} – {}", fl!("title-new-message"), fl!("app-name"))
    );
    let _ = app.update(Message::Composer(composer::Message::Subject(
        "Plans".into(),
    )));
    assert_eq!(app.title(), format!("Plans – {}", fl!("app-name")));
    let quit = crate::gui::shortcut::shortcut(iced::keyboard::Event::KeyPressed {
        key: iced::keyboard::Key::Character("q".into()),
        modified_key: iced::keyboard::Key::Character("q".into()),
        physical_key: iced::keyboard::key::Physical::Unidentified(
            iced::keyboard::key::NativeCode::Unidentified,
        ),
        location: iced::keyboard::Location::Standard,
        modifiers: iced::keyboard::Modifiers::CTRL,
        text: None,
        repeat: false,
    });
    assert!(matches!(quit, Some(Message::Shortcut(Shortcut::Quit))));
}
