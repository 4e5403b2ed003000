//! The mouse beyond clicks: right-click menus on messages and folders,
//! "mark all as read" with Undo, and dragging messages onto a folder. The
//! rows and folders are found on screen and the pointer's events sent to
//! them; what they publish goes through `update` with its tasks run.

use iced::mouse::{Button, Event as Mouse};
use iced::{Event, Point};

use super::*;
use crate::gui::widget::grab::Drag;
use crate::gui::widget::message_list;

/// The centre of the text `label` on screen.
fn centre_of(app: &App, label: &str) -> Point {
    let mut ui = simulator(app.view());
    let found = ui
        .find(label)
        .unwrap_or_else(|_| panic!("{label} on screen"));
    found.visible_bounds().expect("visible").center()
}

/// The pointer moved to `at` and the right button clicked there: the
/// messages the window published.
fn right_click(app: &App, at: Point) -> Vec<Message> {
    let mut ui = simulator(app.view());
    ui.point_at(at);
    let _ = ui.simulate([
        Event::Mouse(Mouse::CursorMoved { position: at }),
        Event::Mouse(Mouse::ButtonPressed(Button::Right)),
        Event::Mouse(Mouse::ButtonReleased(Button::Right)),
    ]);
    ui.into_messages().collect()
}

fn click(app: &App, label: &str) -> Vec<Message> {
    let mut ui = simulator(app.view());
    let _ = ui
        .click(label)
        .unwrap_or_else(|_| panic!("{label} to click"));
    ui.into_messages().collect()
}

fn flags_of(app: &App, id: i64) -> crate::store::Flags {
    Store::open(&app.dirs.data)
        .expect("store")
        .message(id)
        .expect("stored")
        .flags
}

/// A right click on a row opens that message and a menu beside the
/// pointer; its Flag entry flags the message in the store; Escape closes.
#[test]
fn a_rows_menu_opens_where_clicked_and_its_entries_act() {
    let (dirs, ids) = populated("pointer-menu", 3);
    let mut app = started(dirs);
    let at = centre_of(&app, "Subject number 2");
    let said = right_click(&app, at);
    assert!(
        said.iter().any(|m| matches!(
            m,
            Message::Mailbox(mailbox::Message::List(message_list::Message::Menu(id, p)))
                if *id == ids[1] && *p == at
        )),
        "{said:?}"
    );
    feed_and_run(&mut app, said);
    let mailbox = app.mailbox.as_ref().expect("mailbox");
    assert_eq!(mailbox.list.selected, Some(ids[1]), "the row is chosen");
    assert!(mailbox.menu.is_some());
    // The menu lists what the toolbar does, by name.
    let mut ui = simulator(app.view());
    for entry in [fl!("tool-reply"), fl!("tool-forward"), fl!("tool-delete")] {
        assert!(ui.find(entry.as_str()).is_ok(), "{entry} in the menu");
    }
    drop(ui);
    let said = click(&app, &fl!("tool-flag"));
    feed_and_run(&mut app, said);
    assert!(
        flags_of(&app, ids[1]).has(crate::store::Flags::FLAGGED),
        "flagged in the store"
    );
    assert!(
        !flags_of(&app, ids[0]).has(crate::store::Flags::FLAGGED),
        "only the row clicked"
    );
    // Open again, then Escape: closed, nothing else happens.
    let said = right_click(&app, at);
    feed_and_run(&mut app, said);
    assert!(app.mailbox.as_ref().expect("mailbox").menu.is_some());
    feed_and_run(&mut app, [Message::Shortcut(Shortcut::Help(false))]);
    assert!(app.mailbox.as_ref().expect("mailbox").menu.is_none());
    assert!(!app.keys_shown);
}

/// A folder's menu marks all its messages read; the toast's Undo makes
/// exactly those unread again.
#[test]
fn mark_all_read_from_a_folders_menu_and_undo() {
    let (dirs, ids) = populated("pointer-mark-all", 4);
    {
        // One already read: Undo must leave it read.
        let store = Store::open(&dirs.data).expect("store");
        store
            .set_flags(ids[2], crate::store::Flags(crate::store::Flags::SEEN))
            .expect("read one");
    }
    let mut app = started(dirs);
    // The account's own Inbox in the folder pane (the unified one is
    // first; both are "Inbox"-like, the account's is named "Inbox").
    let at = centre_of(&app, &fl!("folder-inbox"));
    let said = right_click(&app, at);
    feed_and_run(&mut app, said);
    assert!(app.mailbox.as_ref().expect("mailbox").menu.is_some());
    let said = click(&app, &fl!("menu-mark-all-read"));
    feed_and_run(&mut app, said);
    let seen = |app: &App| {
        ids.iter()
            .map(|id| flags_of(app, *id).has(crate::store::Flags::SEEN))
            .collect::<Vec<_>>()
    };
    assert_eq!(seen(&app), [true; 4], "all read in the store");
    let mut ui = simulator(app.view());
    assert!(
        ui.find(fl!("toast-marked-read", count = 3u64).as_str())
            .is_ok(),
        "three changed"
    );
    drop(ui);
    let said = click(&app, &fl!("toast-undo"));
    feed_and_run(&mut app, said);
    assert_eq!(seen(&app), [false, false, true, false], "back as they were");
}

/// A row dragged over a folder and let go there moves to that folder;
/// the folder shows it is the target while the pointer is over it.
#[test]
fn a_row_dragged_onto_a_folder_moves_there() {
    let (dirs, ids) = populated("pointer-drag", 3);
    {
        let store = Store::open(&dirs.data).expect("store");
        store
            .upsert_folder(
                "work",
                "Archive",
                Some("/"),
                Some(crate::store::FolderRole::Archive),
            )
            .expect("an Archive");
    }
    let mut app = started(dirs);
    // The row is pressed and carried: the row says so.
    let from = centre_of(&app, "Subject number 3");
    let mut ui = simulator(app.view());
    ui.point_at(from);
    let _ = ui.simulate([
        Event::Mouse(Mouse::CursorMoved { position: from }),
        Event::Mouse(Mouse::ButtonPressed(Button::Left)),
        Event::Mouse(Mouse::CursorMoved {
            position: Point::new(from.x - 40.0, from.y + 30.0),
        }),
    ]);
    let said: Vec<Message> = ui.into_messages().collect();
    assert!(
        said.iter().any(|m| matches!(
            m,
            Message::Mailbox(mailbox::Message::List(message_list::Message::Drag(
                id,
                Drag::Started(_)
            ))) if *id == ids[2]
        )),
        "{said:?}"
    );
    feed_and_run(&mut app, said);
    assert!(app.mailbox.as_ref().expect("mailbox").drag.is_some());
    // The pointer reaches the Archive folder: it becomes the target.
    let archive = centre_of(&app, &fl!("folder-archive"));
    let mut ui = simulator(app.view());
    ui.point_at(archive);
    let _ = ui.simulate([Event::Mouse(Mouse::CursorMoved { position: archive })]);
    let said: Vec<Message> = ui.into_messages().collect();
    feed_and_run(&mut app, said);
    let over = app
        .mailbox
        .as_ref()
        .and_then(|m| m.drag.as_ref())
        .and_then(|d| d.over.clone());
    assert_eq!(over, Some(("work".into(), "Archive".into())));
    // Let go: the row publishes the end of its drag (its widget's own
    // test shows the release does), and the message moves.
    feed_and_run(
        &mut app,
        [Message::Mailbox(mailbox::Message::List(
            message_list::Message::Drag(ids[2], Drag::Ended),
        ))],
    );
    let store = Store::open(&app.dirs.data).expect("store");
    let row = store.message(ids[2]).expect("stored");
    let folder = store
        .folder_by_id(row.folder_id)
        .expect("read")
        .expect("folder");
    assert_eq!(folder.name, "Archive");
    assert!(app.mailbox.as_ref().expect("mailbox").drag.is_none());
    let mut ui = simulator(app.view());
    assert!(
        ui.find(fl!("toast-moved", folder = "Archive").as_str())
            .is_ok()
    );
}
