//! The GUI driven headless with iced_test: the simulator clicks and types,
//! the produced messages go back into `update`, and the new view is checked.

use iced_test::simulator;

use super::*;
use crate::gui::ui_state::UiState;
use crate::store::{NewMessage, Store};

mod account_form;
mod conversation;
mod delivery;
mod pictures;
mod pointer;
mod preferences;
mod sending;
mod shots;
mod shots_delivery;
mod tasks;
mod workers;

fn temp_dirs(tag: &str) -> Dirs {
    let base = std::env::temp_dir().join(format!("postel-gui-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    Dirs {
        config: base.join("config"),
        data: base.join("data"),
    }
}

/// Each message through `update`, and the tasks it returns run as the
/// runtime would run them: their messages go back into `update` in turn,
/// until no work is left. Store writes, sends and loads really happen.
fn feed_and_run(app: &mut App, messages: impl IntoIterator<Item = Message>) {
    for m in messages {
        let task = app.update(m);
        settle(app, task);
    }
}

/// Runs `task` and everything it leads to.
fn settle(app: &mut App, task: Task<Message>) {
    let mut queue = std::collections::VecDeque::from([task]);
    let mut steps = 0;
    while let Some(task) = queue.pop_front() {
        steps += 1;
        assert!(steps < 1000, "tasks lead to tasks without end");
        queue.extend(step(app, task));
    }
}

/// Runs `task` alone and gives its messages to `update`; the tasks those
/// return are handed back, not run, so a test can look at the state in
/// between. A task that outputs nothing within [`TASK_WAIT`] (a window
/// operation, a timer) is dropped.
fn step(app: &mut App, task: Task<Message>) -> Vec<Task<Message>> {
    use futures::StreamExt;
    let Some(mut stream) = iced_runtime::task::into_stream(task) else {
        return Vec::new();
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let outputs: Vec<Message> = runtime.block_on(async {
        let mut outputs = Vec::new();
        while let Ok(Some(action)) = tokio::time::timeout(TASK_WAIT, stream.next()).await {
            if let iced_runtime::Action::Output(message) = action {
                outputs.push(message);
            }
        }
        outputs
    });
    outputs.into_iter().map(|m| app.update(m)).collect()
}

/// Puts `raw` in the store as message `id`'s body, as a download would.
fn with_body(dirs: &Dirs, id: i64, raw: &[u8]) {
    let mut store = Store::open(&dirs.data).expect("store");
    store
        .set_body(id, raw, "", &crate::store::IndexText::default())
        .expect("body");
}

/// How long a task may take to give its next message in a test.
const TASK_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

fn populated(tag: &str, n: u32) -> (Dirs, Vec<i64>) {
    let dirs = temp_dirs(tag);
    let mut store = Store::open(&dirs.data).expect("store");
    let folder = store
        .upsert_folder(
            "work",
            "INBOX",
            Some("/"),
            Some(crate::store::FolderRole::Inbox),
        )
        .expect("folder");
    let batch: Vec<NewMessage> = (1..=n)
        .map(|i| NewMessage {
            uid: Some(i),
            date: 1_700_000_000 + i64::from(i),
            from_name: format!("Sender {i}"),
            from_addr: format!("s{i}@example.test"),
            subject: format!("Subject number {i}"),
            ..NewMessage::default()
        })
        .collect();
    let ids = store.insert_messages(folder.id, &batch).expect("insert");
    let raw = b"From: Sender 1 <s1@example.test>\r\nTo: work@example.test\r\nSubject: Subject number 1\r\nDate: Tue, 14 Nov 2023 22:13:21 +0000\r\n\r\nThe body of the first message.\r\n";
    if let Some(&first) = ids.first() {
        store
            .set_body(first, raw, "", &crate::store::IndexText::default())
            .expect("body");
    }
    save_work_account(&dirs);
    (dirs, ids)
}

/// Settings with the one account "work" (no servers) in `dirs`.
fn save_work_account(dirs: &Dirs) {
    let config = crate::config::Settings {
        preferences: Default::default(),
        accounts: vec![Account {
            name: "work".into(),
            email: "work@example.test".into(),
            ..Account::default()
        }],
    };
    crate::config::save(&dirs.config, &config).expect("settings");
}

/// Runs the mailbox's loading tasks by hand: the store answers directly.
/// The app on `dirs`, with its start-up work done: folders and the first
/// rows read from the store as the runtime would read them.
fn started(dirs: Dirs) -> App {
    let (mut app, task) = App::new(dirs);
    settle(&mut app, task);
    app
}

#[test]
fn the_mailbox_lists_a_big_folder_as_a_window_and_opens_a_message() {
    let (dirs, ids) = populated("mailbox", 5_000);
    let newest = *ids.last().expect("ids");
    with_body(
        &dirs,
        newest,
        b"From: Sender 5000 <s5000@example.test>\r\nSubject: Subject number 5000\r\n\r\nNewest body.\r\n",
    );
    let mut app = started(dirs.clone());
    let mut ui = simulator(app.view());
    assert!(ui.find(fl!("unified-inbox").as_str()).is_ok());
    assert!(ui.find("5000").is_ok(), "with its unread count");
    assert!(ui.find("Subject number 5000").is_ok(), "newest first");
    assert!(
        ui.find("Subject number 1").is_err(),
        "the oldest row is not built"
    );
    drop(ui);
    let list = &app.mailbox.as_ref().expect("mailbox").list;
    assert_eq!(list.total, 5_000);
    assert!(
        list.rows.len() <= 200,
        "only a window is loaded: {}",
        list.rows.len()
    );
    // Opening a cached message shows it from the store and marks it read,
    // in the list and in the store.
    feed_and_run(
        &mut app,
        [Message::Mailbox(mailbox::Message::List(
            crate::gui::widget::message_list::Message::Clicked(newest),
        ))],
    );
    let stored = Store::open(&dirs.data)
        .expect("store")
        .message(newest)
        .expect("the row");
    assert!(stored.flags.has(crate::store::Flags::SEEN), "written");
    let mailbox = app.mailbox.as_ref().expect("mailbox");
    let opened = mailbox.opened().expect("opened");
    assert_eq!(opened.body.text().trim(), "Newest body.");
    assert!(
        mailbox
            .list
            .row(newest)
            .expect("row")
            .flags
            .has(crate::store::Flags::SEEN)
    );
    // The header card: who wrote, with the address beside the name.
    let mut ui = simulator(app.view());
    assert!(ui.find("<s5000@example.test>").is_ok());
}

#[test]
fn reply_opens_a_threaded_composer_and_checks_addresses() {
    let (dirs, ids) = populated("reply", 3);
    with_body(
        &dirs,
        ids[0],
        b"From: Sender 1 <s1@example.test>\r\nSubject: Subject number 1\r\nMessage-ID: <one@example.test>\r\n\r\nHello there.\r\n",
    );
    let mut app = started(dirs);
    feed_and_run(
        &mut app,
        [Message::Mailbox(mailbox::Message::List(
            crate::gui::widget::message_list::Message::Clicked(ids[0]),
        ))],
    );
    // The toolbar's Reply (an icon; its name is its tooltip).
    feed_and_run(
        &mut app,
        [Message::Mailbox(mailbox::Message::Tool(
            mailbox::Tool::Reply,
        ))],
    );
    let composer = app.composer.as_ref().expect("composer open");
    assert_eq!(composer.subject, "Re: Subject number 1");
    assert_eq!(composer.to, "\"Sender 1\" <s1@example.test>");
    assert!(composer.body.text().contains("> Hello there."));
    // A wrong address is pointed out and nothing is sent.
    feed_and_run(
        &mut app,
        [
            Message::Composer(composer::Message::Cc("not an address".into())),
            Message::Composer(composer::Message::Send),
        ],
    );
    let composer = app.composer.as_ref().expect("still open");
    assert!(!composer.sending);
    assert!(
        composer
            .error
            .as_deref()
            .is_some_and(|e| e.contains("not an address"))
    );
    // Closing with changes asks first.
    let _ = app.update(Message::Composer(composer::Message::Close));
    assert!(app.composer.is_some());
    let mut ui = simulator(app.view());
    assert!(ui.find(fl!("compose-unsaved").as_str()).is_ok());
    drop(ui);
    let _ = app.update(Message::Composer(composer::Message::Discard));
    assert!(app.composer.is_none());
}

#[test]
fn a_mailto_link_opens_a_prefilled_composer() {
    let (dirs, _) = populated("mailto", 1);
    let (mut app, _) = App::new(dirs);
    let _ = app.update(Message::Request(
        "mailto:bob@example.com?cc=c@example.com&subject=Hi%20there&body=Hello%0D%0Aworld".into(),
    ));
    let composer = app.composer.as_ref().expect("composer open");
    assert_eq!(composer.to, "bob@example.com");
    assert_eq!(composer.cc, "c@example.com");
    assert_eq!(composer.subject, "Hi there");
    assert_eq!(composer.body.text(), "Hello\nworld");
    assert_eq!(composer.from.as_deref(), Some("work"));
    // A second link does not replace what is being written.
    let _ = app.update(Message::Request("mailto:other@example.com".into()));
    assert_eq!(
        app.composer.as_ref().expect("still open").to,
        "bob@example.com"
    );
    assert_eq!(
        app.notices.last().map(String::as_str),
        Some(fl!("mailto-busy").as_str())
    );
}

#[test]
fn addresses_complete_from_mail_already_seen() {
    let (dirs, _) = populated("complete", 3);
    let (mut app, _) = App::new(dirs.clone());
    let _ = app.update(Message::Mailbox(mailbox::Message::Tool(
        mailbox::Tool::Compose,
    )));
    let _ = app.update(Message::Composer(composer::Message::To("Sender 2".into())));
    // The lookup the composer asked for, answered by the store directly.
    let found = Store::open(&dirs.data)
        .expect("store")
        .known_addresses("Sender 2", 5)
        .expect("query");
    assert_eq!(found, ["Sender 2 <s2@example.test>"]);
    let _ = app.update(Message::Suggestions(
        composer::Field::To,
        "Sender 2".into(),
        found,
    ));
    // Offered with its name and its address.
    let mut ui = simulator(app.view());
    assert!(ui.find("Sender 2").is_ok());
    let _ = ui.click("s2@example.test").expect("offered");
    let messages: Vec<Message> = ui.into_messages().collect();
    feed_and_run(&mut app, messages);
    let composer = app.composer.as_ref().expect("composer");
    assert_eq!(composer.to, "Sender 2 <s2@example.test>, ");
    assert!(composer.suggestions.is_empty());
    // Now a chip, and the box is empty for the next one.
    let mut ui = simulator(app.view());
    assert!(ui.find("s2@example.test").is_ok(), "the chip");
    drop(ui);

    // Typed in the box, Enter takes the first completion.
    let _ = app.update(Message::Composer(composer::Message::Typed(
        composer::Field::To,
        "Sender 3".into(),
    )));
    assert_eq!(
        app.composer.as_ref().expect("composer").to,
        "Sender 2 <s2@example.test>, Sender 3",
        "typing follows the chips"
    );
    let _ = app.update(Message::Suggestions(
        composer::Field::To,
        "Sender 3".into(),
        vec!["Sender 3 <s3@example.test>".into()],
    ));
    let _ = app.update(Message::Composer(composer::Message::Finish(
        composer::Field::To,
    )));
    assert_eq!(
        app.composer.as_ref().expect("composer").to,
        "Sender 2 <s2@example.test>, Sender 3 <s3@example.test>, "
    );
    // A typed address without completion becomes a chip too; a wrong one
    // is marked; × takes a chip off.
    let _ = app.update(Message::Composer(composer::Message::Typed(
        composer::Field::To,
        "not an address".into(),
    )));
    let _ = app.update(Message::Composer(composer::Message::Finish(
        composer::Field::To,
    )));
    let mut ui = simulator(app.view());
    let said = fl!("compose-bad-address", address = "not an address");
    assert!(ui.find(said.as_str()).is_ok(), "{said}");
    drop(ui);
    let _ = app.update(Message::Composer(composer::Message::Unchip(
        composer::Field::To,
        2,
    )));
    let _ = app.update(Message::Composer(composer::Message::Unchip(
        composer::Field::To,
        0,
    )));
    assert_eq!(
        app.composer.as_ref().expect("composer").to,
        "Sender 3 <s3@example.test>, "
    );
}

#[test]
fn keys_move_through_the_list_and_reach_the_tools() {
    let press = |key: keyboard::Key, modifiers: keyboard::Modifiers| keyboard::Event::KeyPressed {
        key: key.clone(),
        modified_key: key,
        physical_key: keyboard::key::Physical::Unidentified(
            keyboard::key::NativeCode::Unidentified,
        ),
        location: keyboard::Location::Standard,
        modifiers,
        text: None,
        repeat: false,
    };
    let ch = |c: &str| keyboard::Key::Character(c.into());
    let none = keyboard::Modifiers::empty();
    assert!(matches!(
        shortcut(press(ch("r"), none)),
        Some(Message::Shortcut(Shortcut::Tool(mailbox::Tool::Reply)))
    ));
    assert!(matches!(
        shortcut(press(ch("R"), keyboard::Modifiers::SHIFT)),
        Some(Message::Shortcut(Shortcut::Tool(mailbox::Tool::ReplyAll)))
    ));
    assert!(matches!(
        shortcut(press(ch("n"), keyboard::Modifiers::CTRL)),
        Some(Message::Shortcut(Shortcut::Tool(mailbox::Tool::Compose)))
    ));
    assert!(shortcut(press(ch("x"), none)).is_none());

    let (dirs, _) = populated("keys", 3);
    let mut app = started(dirs);
    let rows: Vec<i64> = app
        .mailbox
        .as_ref()
        .expect("mailbox")
        .list
        .rows
        .iter()
        .map(|r| r.id)
        .collect();
    let _ = app.update(Message::Shortcut(Shortcut::Step(1)));
    assert_eq!(
        app.mailbox.as_ref().expect("m").list.selected,
        Some(rows[0]),
        "first press selects the top"
    );
    let _ = app.update(Message::Shortcut(Shortcut::Step(1)));
    assert_eq!(
        app.mailbox.as_ref().expect("m").list.selected,
        Some(rows[1])
    );
    let _ = app.update(Message::Shortcut(Shortcut::Step(-1)));
    assert_eq!(
        app.mailbox.as_ref().expect("m").list.selected,
        Some(rows[0])
    );
    // In the composer the keys are the composer's.
    let _ = app.update(Message::Shortcut(Shortcut::Tool(mailbox::Tool::Compose)));
    assert!(app.composer.is_some());
    let _ = app.update(Message::Shortcut(Shortcut::Step(1)));
    assert_eq!(
        app.mailbox.as_ref().expect("m").list.selected,
        Some(rows[0])
    );
}

#[test]
fn an_html_message_is_painted_with_remote_content_held_back() {
    let (dirs, ids) = populated("html", 3);
    let id = ids[0];
    let raw = include_bytes!("../../tests/fixtures/newsletter-rich.eml");
    with_body(&dirs, id, raw);
    let mut app = started(dirs);
    let open = app.update(Message::Mailbox(mailbox::Message::List(
        crate::gui::widget::message_list::Message::Clicked(id),
    )));
    // The body comes from the store; the page is not painted yet.
    let painting = step(&mut app, open);
    let mut ui = simulator(app.view());
    assert!(
        ui.find(fl!("reader-laying-out").as_str()).is_ok(),
        "the text shows while the page is laid out"
    );
    drop(ui);
    for task in painting {
        settle(&mut app, task);
    }
    let mut ui = simulator(app.view());
    let blocked = fl!("reader-remote-blocked-count", count = 2u64);
    assert!(ui.find(blocked.as_str()).is_ok());
    assert!(
        ui.find("logo.png").is_err(),
        "the inline logo is in the page, not offered as a file"
    );
    let always = fl!("reader-always-load", sender = "news@rad.example");
    assert!(ui.find(always.as_str()).is_ok(), "{always}");
    ui.click(fl!("reader-load-remote").as_str())
        .expect("load remote content");
    let tasks: Vec<Task<Message>> = ui.into_messages().map(|m| app.update(m)).collect();
    let mut ui = simulator(app.view());
    assert!(
        ui.find(blocked.as_str()).is_err(),
        "the bar goes once the user allowed remote content"
    );
    assert!(ui.find(fl!("reader-laying-out").as_str()).is_ok());
    drop(ui);
    for task in tasks {
        settle(&mut app, task);
    }
    let mut ui = simulator(app.view());
    assert!(
        ui.find(fl!("reader-laying-out").as_str()).is_err(),
        "painted again"
    );
}

#[test]
fn the_window_opens_at_the_saved_size() {
    let saved = UiState {
        width: 1000.0,
        height: 640.0,
        maximized: true,
        ..UiState::default()
    };
    let settings = window_settings(&saved);
    assert_eq!(settings.size, iced::Size::new(1000.0, 640.0));
    assert!(settings.maximized);
    assert_eq!(settings.platform_specific.application_id, APP_ID);
    assert_eq!(
        window_settings(&UiState::default()).size,
        iced::Size::new(1200.0, 760.0)
    );
}

#[test]
fn dragging_a_divider_is_remembered_and_the_next_start_uses_it() {
    let (dirs, _) = populated("panes", 3);
    let mut app = started(dirs.clone());
    let before = app.mailbox.as_ref().expect("mailbox").split_ratios();
    assert_eq!(before, (0.2, 0.42), "the defaults without a state file");
    // Drag the divider between the folders and the list from 20% of the
    // 1024-pixel simulator to about 30%.
    let mut ui = simulator(app.view());
    let divider = iced::Point::new(1024.0 * 0.2, 400.0);
    ui.point_at(divider);
    let _ = ui.simulate([iced::Event::Mouse(iced::mouse::Event::ButtonPressed(
        iced::mouse::Button::Left,
    ))]);
    let target = iced::Point::new(1024.0 * 0.3, 400.0);
    ui.point_at(target);
    let _ = ui.simulate([
        iced::Event::Mouse(iced::mouse::Event::CursorMoved { position: target }),
        iced::Event::Mouse(iced::mouse::Event::ButtonReleased(
            iced::mouse::Button::Left,
        )),
    ]);
    let messages: Vec<Message> = ui.into_messages().collect();
    assert!(
        messages
            .iter()
            .any(|m| matches!(m, Message::Mailbox(mailbox::Message::Resized(_)))),
        "the pane grid reported the drag: {messages:?}"
    );
    let timers: Vec<Task<Message>> = messages.into_iter().map(|m| app.update(m)).collect();
    let (folders, list) = app.mailbox.as_ref().expect("mailbox").split_ratios();
    assert!((folders - 0.3).abs() < 0.02, "{folders}");
    assert_eq!(list, 0.42, "the other divider stayed");
    assert_eq!(app.ui_state().folders_ratio, folders);
    // Nothing is written while the divider moves; once it settled (the
    // timer the last move started has fired), the state file holds it.
    let path = ui_state::path(&dirs.data);
    assert!(!path.exists(), "not written on every event");
    let stale = app.ui_changes.saturating_sub(1);
    let _ = app.update(Message::UiSettled(stale));
    assert!(!path.exists(), "an older change does not save");
    for timer in timers {
        settle(&mut app, timer);
    }
    assert_eq!(ui_state::load(&dirs.data).folders_ratio, folders);
    // The next start puts the divider there.
    let (again, _) = App::new(dirs);
    let (folders_again, _) = again.mailbox.as_ref().expect("mailbox").split_ratios();
    assert_eq!(folders_again, folders);
}

#[test]
fn a_resize_is_remembered_but_a_maximized_size_is_not() {
    let (dirs, _) = populated("resize", 1);
    let (mut app, _) = App::new(dirs);
    let _ = app.update(Message::WindowState(iced::Size::new(900.0, 700.0), false));
    assert_eq!(
        (
            app.ui_state().width,
            app.ui_state().height,
            app.ui_state().maximized
        ),
        (900.0, 700.0, false)
    );
    let _ = app.update(Message::WindowState(iced::Size::new(1920.0, 1080.0), true));
    assert_eq!(
        (
            app.ui_state().width,
            app.ui_state().height,
            app.ui_state().maximized
        ),
        (900.0, 700.0, true),
        "the size to come back to is kept"
    );
}

/// A folder with two conversations and a lone message.
fn threaded(tag: &str) -> Dirs {
    let (dirs, _) = populated(tag, 0);
    let mut store = Store::open(&dirs.data).expect("store");
    let folder = store
        .folder("work", "INBOX")
        .expect("query")
        .expect("folder");
    let mail = |uid: u32, minute: i64, subject: &str, id: &str, parent: Option<&str>| NewMessage {
        uid: Some(uid),
        date: 1_700_000_000 + minute * 60,
        from_name: format!("Sender {uid}"),
        from_addr: format!("s{uid}@example.test"),
        subject: subject.to_owned(),
        message_id: Some(id.to_owned()),
        in_reply_to: parent.map(str::to_owned),
        references: parent.unwrap_or_default().to_owned(),
        ..NewMessage::default()
    };
    store
        .insert_messages(
            folder.id,
            &[
                mail(1, 1, "Picnic on Sunday", "picnic@x", None),
                mail(2, 2, "Budget 2024", "budget@x", None),
                mail(3, 3, "Re: Picnic on Sunday", "picnic-2@x", Some("picnic@x")),
                mail(4, 4, "Lone note", "note@x", None),
                mail(
                    5,
                    5,
                    "Re: Re: Picnic on Sunday",
                    "picnic-3@x",
                    Some("picnic-2@x"),
                ),
            ],
        )
        .expect("insert");
    dirs
}

fn shown_subjects(app: &App) -> Vec<String> {
    app.mailbox
        .as_ref()
        .expect("mailbox")
        .list
        .rows
        .iter()
        .map(|r| r.subject.clone())
        .collect()
}

#[test]
fn group_by_thread_regroups_the_list_and_is_remembered() {
    let dirs = threaded("threads");
    let mut app = started(dirs.clone());
    assert_eq!(
        shown_subjects(&app),
        [
            "Re: Re: Picnic on Sunday",
            "Lone note",
            "Re: Picnic on Sunday",
            "Budget 2024",
            "Picnic on Sunday"
        ]
    );
    // The thread's size, in a pill on its first row.
    let count = "3";
    let mut ui = simulator(app.view());
    assert!(ui.find(count).is_err(), "no counts when not grouped");
    let _ = ui
        .click(fl!("list-group-by-thread").as_str())
        .expect("the toggle is there");
    let messages: Vec<Message> = ui.into_messages().collect();
    feed_and_run(&mut app, messages);
    assert!(app.mailbox.as_ref().expect("mailbox").threads);
    // The list reloads in the grouped order (the store answers directly).
    assert_eq!(
        shown_subjects(&app),
        [
            "Picnic on Sunday",
            "Re: Picnic on Sunday",
            "Re: Re: Picnic on Sunday",
            "Lone note",
            "Budget 2024"
        ]
    );
    let mut ui = simulator(app.view());
    assert!(ui.find(count).is_ok(), "the thread's first row counts it");
    drop(ui);
    assert!(
        app.ui_state().group_by_thread,
        "remembered for the next start"
    );
    let _ = app.update(Message::CloseRequested(window::Id::unique()));
    let (again, _) = App::new(dirs);
    assert!(again.mailbox.as_ref().expect("mailbox").threads);
    // Off again: newest first.
    feed_and_run(
        &mut app,
        [Message::Mailbox(mailbox::Message::GroupByThread(false))],
    );
    assert_eq!(shown_subjects(&app)[0], "Re: Re: Picnic on Sunday");
}

#[test]
fn files_picked_in_the_chooser_become_attachments() {
    let (dirs, _) = populated("pick", 1);
    let (mut app, _) = App::new(dirs.clone());
    let _ = app.update(Message::Mailbox(mailbox::Message::Tool(
        mailbox::Tool::Compose,
    )));
    // "Attach…" asks for the chooser (the dialog itself is the desktop's).
    let mut ui = simulator(app.view());
    let _ = ui
        .click(fl!("compose-attach-browse").as_str())
        .expect("the button is there");
    let messages: Vec<Message> = ui.into_messages().collect();
    assert!(
        matches!(
            messages.as_slice(),
            [Message::Composer(composer::Message::Browse)]
        ),
        "{messages:?}"
    );
    feed_and_run(&mut app, messages);
    // Cancelled: nothing changes.
    let _ = app.update(Message::Composer(composer::Message::Picked(Some(
        Vec::new(),
    ))));
    let composer = app.composer.as_ref().expect("composer");
    assert!(composer.attachments.is_empty() && composer.error.is_none());
    assert!(!composer.unsaved, "a cancelled chooser is no change");
    // Two files picked: two chips, through the same checks as dropped files.
    let files = dirs.data.join("picked");
    std::fs::create_dir_all(&files).expect("dir");
    let (a, b) = (files.join("report.pdf"), files.join("photo.jpg"));
    std::fs::write(&a, vec![b'x'; 2048]).expect("file");
    std::fs::write(&b, b"jpeg").expect("file");
    let _ = app.update(Message::Composer(composer::Message::Picked(Some(vec![
        a.clone(),
        b.clone(),
    ]))));
    let composer = app.composer.as_ref().expect("composer");
    assert_eq!(
        composer.attachments,
        [
            crate::message::compose::AttachmentSource::File(a),
            crate::message::compose::AttachmentSource::File(b),
        ]
    );
    assert!(composer.unsaved);
    let mut ui = simulator(app.view());
    // Chips: the name, and its size beside it.
    assert!(ui.find("report.pdf").is_ok());
    assert!(ui.find("2 KB").is_ok());
    assert!(ui.find("photo.jpg").is_ok());
    assert!(ui.find("4 B").is_ok());
    // From names the identity by its address, not the account's short name.
    assert_eq!(
        app.composer.as_ref().expect("composer").identities["work"],
        "work@example.test",
        "From shows the address"
    );
    drop(ui);
    // A folder picked is refused as a dropped one is.
    let _ = app.update(Message::Composer(composer::Message::Picked(Some(vec![
        files.clone(),
    ]))));
    let expected = fl!("compose-not-a-file", path = files.display().to_string());
    assert_eq!(
        app.composer.as_ref().expect("composer").error.as_deref(),
        Some(expected.as_str())
    );
    // No chooser on this desktop: one sentence that says what to do instead.
    let _ = app.update(Message::Composer(composer::Message::Picked(None)));
    let mut ui = simulator(app.view());
    assert!(ui.find(fl!("compose-no-file-chooser").as_str()).is_ok());
    assert!(
        app.composer.as_ref().expect("composer").attach_by_path,
        "a path field instead"
    );
    assert_eq!(
        app.composer.as_ref().expect("composer").attachments.len(),
        2
    );
}

#[test]
fn the_status_line_says_what_a_sync_is_doing() {
    let (mut app, _) = App::new(temp_dirs("progress"));
    let progress = |stage, done| {
        Message::Worker(worker::Event::Report(crate::worker::Event::Sync(
            SyncEvent::Progress(crate::sync::Progress {
                account: "work".into(),
                folder: "INBOX".into(),
                stage,
                folders_done: 0,
                folders_total: 1,
                messages_done: done,
                messages_total: 40,
                bytes: 0,
                eta_seconds: None,
            }),
        )))
    };
    let expected = |stage: &str, done: u64| {
        fl!(
            "status-progress",
            account = "work",
            folder = "INBOX",
            stage = stage,
            done = done,
            total = 40
        )
    };
    feed_and_run(&mut app, [progress(Stage::Headers, 10)]);
    let listing = expected("headers", 10);
    assert!(simulator(app.view()).find(listing.as_str()).is_ok());
    feed_and_run(&mut app, [progress(Stage::Bodies, 25)]);
    let downloading = expected("bodies", 25);
    assert!(downloading.contains("offline"), "{downloading}");
    assert_ne!(listing, downloading);
    assert!(simulator(app.view()).find(downloading.as_str()).is_ok());
}
