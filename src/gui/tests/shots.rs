//! Screenshots of the window's screens, in light and dark, from a mailbox
//! that looks like a person's (`tests/shots` runs this in English and in
//! German and collects the PNGs). Each shot is also checked for what it
//! must show, so a broken screen fails here before anyone looks at it.

use super::*;
use crate::gui::screen::{composer, mailbox};
use crate::store::{FolderRole, NewMessage};

/// A realistic mailbox: two accounts, folders with roles, unread and
/// flagged mail, attachments, a thread, previews.
pub(super) fn lived_in(tag: &str) -> (Dirs, Vec<i64>) {
    let dirs = temp_dirs(tag);
    let mut store = Store::open(&dirs.data).expect("store");
    let now = jiff::Timestamp::now().as_second();
    let day = 86_400;
    let inbox = store
        .upsert_folder("anna", "INBOX", Some("/"), Some(FolderRole::Inbox))
        .expect("folder");
    for (name, role) in [
        ("Drafts", FolderRole::Drafts),
        ("Sent", FolderRole::Sent),
        ("Archive", FolderRole::Archive),
        ("Junk", FolderRole::Junk),
        ("Trash", FolderRole::Trash),
    ] {
        store
            .upsert_folder("anna", name, Some("/"), Some(role))
            .expect("folder");
    }
    store
        .upsert_folder("anna", "Vereine/Radclub", Some("/"), None)
        .expect("folder");
    let work = store
        .upsert_folder("ben", "INBOX", Some("/"), Some(FolderRole::Inbox))
        .expect("folder");
    let m = |uid: u32, ago: i64, name: &str, addr: &str, subject: &str, snippet: &str| NewMessage {
        uid: Some(uid),
        date: now - ago,
        from_name: name.into(),
        from_addr: addr.into(),
        subject: subject.into(),
        snippet: snippet.into(),
        message_id: Some(format!("m{uid}@example.test")),
        ..NewMessage::default()
    };
    let seen = crate::store::Flags(crate::store::Flags::SEEN);
    let mut batch = vec![
        m(
            1,
            600,
            "Anna Berg",
            "anna.berg@example.test",
            "Lunch on Friday?",
            "Shall we try the new place by the river? I can book a table for half past twelve.",
        ),
        m(
            2,
            3 * 3600,
            "Rheinland Rad",
            "news@rheinland-rad.example",
            "Frühlingsfahrt: Touren, Technik, Termine",
            "Die neue Saison beginnt: drei Touren im April, ein Technik-Workshop und die Jahreshauptversammlung.",
        ),
        NewMessage {
            flags: crate::store::Flags(crate::store::Flags::SEEN | crate::store::Flags::FLAGGED),
            has_attachments: true,
            ..m(
                3,
                day + 3600,
                "Ben Okafor",
                "ben.okafor@example.test",
                "Photos from the Ahr tour",
                "Here are the best ones — the rest are on the shared drive. The one at the bridge is my favourite.",
            )
        },
        NewMessage {
            flags: seen,
            ..m(
                4,
                3 * day,
                "Anna Łukasiewicz",
                "anna.l@example.test",
                "Grüße aus Kraków — café ☕",
                "Pozdrowienia! The conference was great, and the coffee even better. Talk soon.",
            )
        },
        NewMessage {
            flags: seen,
            has_attachments: true,
            ..m(
                5,
                20 * day,
                "Stadtwerke Köln",
                "rechnung@stadtwerke.example",
                "Ihre Rechnung für März",
                "Sehr geehrte Kundin, anbei erhalten Sie Ihre Rechnung. Der Betrag wird am 15. abgebucht.",
            )
        },
        NewMessage {
            flags: seen,
            ..m(
                6,
                400 * day,
                "Carla Mendes",
                "carla@example.test",
                "Re: Moving the meetup",
                "Works for me. Thursday it is, same room as last time.",
            )
        },
    ];
    batch[5].in_reply_to = Some("m7@example.test".into());
    let ids = store.insert_messages(inbox.id, &batch).expect("insert");
    store
        .insert_messages(
            work.id,
            &[m(
                1,
                2 * 3600,
                "Deploy Bot",
                "ci@example.test",
                "Build 4711 passed",
                "All 367 tests passed in 11 min 2 s.",
            )],
        )
        .expect("insert");
    let config = crate::config::Settings {
        preferences: Default::default(),
        accounts: vec![
            Account {
                name: "anna".into(),
                display_name: "Anna Berg".into(),
                email: "anna.berg@example.test".into(),
                ..Account::default()
            },
            Account {
                name: "ben".into(),
                display_name: "Ben Okafor".into(),
                email: "ben@work.example".into(),
                ..Account::default()
            },
        ],
    };
    crate::config::save(&dirs.config, &config).expect("settings");
    (dirs, ids)
}

/// Where the PNGs go: `POSTEL_SHOTS`, else nothing is written (the checks
/// of what each screen shows still run).
/// The window of `app` at `width` × `height`, for checking and shooting.
pub(super) fn window_of(app: &App, width: f32, height: f32) -> iced_test::Simulator<'_, Message> {
    iced_test::Simulator::with_size(
        iced::Settings::default(),
        iced::Size::new(width, height),
        app.view(),
    )
}

pub(super) fn shot(ui: &mut iced_test::Simulator<'_, Message>, dark: bool, name: &str) {
    let Some(dir) = std::env::var_os("POSTEL_SHOTS") else {
        return;
    };
    let lang = std::env::var("SHOT_LANG").unwrap_or_else(|_| "en".into());
    let theme = crate::gui::theme::theme(dark);
    let path = std::path::Path::new(&dir).join(format!(
        "{name}-{lang}-{}.png",
        if dark { "dark" } else { "light" }
    ));
    let _ = std::fs::remove_file(&path);
    let snapshot = ui.snapshot(&theme).expect("a snapshot");
    // With no file there yet, this writes it.
    assert!(snapshot.matches_image(&path).expect("written"));
}

#[test]
fn the_mailbox_in_light_and_dark() {
    crate::i18n::init();
    let (dirs, ids) = lived_in("shots-mailbox");
    let mut app = started(dirs);
    for dark in [false, true] {
        let mut ui = window_of(&app, 1280.0, 800.0);
        // Every account headed by who it speaks for; counts and rows shown.
        assert!(ui.find("Anna Berg").is_ok());
        assert!(ui.find("ben@work.example").is_ok());
        assert!(ui.find("Lunch on Friday?").is_ok());
        assert!(ui.find(crate::fl!("date-yesterday").as_str()).is_ok());
        assert!(
            ui.find(
                "Shall we try the new place by the river? I can book a table for half past twelve."
            )
            .is_ok(),
            "the preview line"
        );
        shot(&mut ui, dark, "mailbox");
    }
    // A narrow window: the toolbar drops Write's label and keeps the rest.
    let _ = app.update(Message::WindowResized(
        iced::window::Id::unique(),
        iced::Size::new(900.0, 640.0),
    ));
    let mut ui = window_of(&app, 900.0, 640.0);
    assert!(ui.find("Lunch on Friday?").is_ok());
    shot(&mut ui, false, "mailbox-narrow");
    drop(ui);
    let _ = app.update(Message::WindowResized(
        iced::window::Id::unique(),
        iced::Size::new(1280.0, 800.0),
    ));
    // A search that finds nothing says so.
    feed_and_run(
        &mut app,
        [
            Message::Mailbox(mailbox::Message::SearchChanged("zebrafish".into())),
            Message::Mailbox(mailbox::Message::SearchSubmitted),
        ],
    );
    let nothing = crate::fl!("search-nothing", query = "zebrafish");
    let mut ui = window_of(&app, 1280.0, 800.0);
    assert!(ui.find(nothing.as_str()).is_ok(), "{nothing}");
    shot(&mut ui, false, "search-empty");
    drop(ui);
    feed_and_run(
        &mut app,
        [Message::Mailbox(mailbox::Message::SearchCleared)],
    );
    // The keys, on `?`.
    feed_and_run(
        &mut app,
        [Message::Shortcut(crate::gui::shortcut::Shortcut::Help(
            true,
        ))],
    );
    for dark in [false, true] {
        let mut ui = window_of(&app, 1280.0, 800.0);
        assert!(ui.find(crate::fl!("keys-title").as_str()).is_ok());
        shot(&mut ui, dark, "keys");
    }
    feed_and_run(
        &mut app,
        [Message::Shortcut(crate::gui::shortcut::Shortcut::Help(
            false,
        ))],
    );
    // A message opened in the reader.
    feed_and_run(
        &mut app,
        [Message::Mailbox(mailbox::Message::List(
            crate::gui::widget::message_list::Message::Clicked(ids[0]),
        ))],
    );
    with_body(
        &app.dirs,
        ids[0],
        "From: Anna Berg <anna.berg@example.test>\r\nTo: Ben Okafor <ben.okafor@example.test>, Carla Mendes <carla@example.test>\r\nSubject: Lunch on Friday?\r\nDate: Fri, 04 Dec 2026 11:50:00 +0100\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHi both,\r\n\r\nShall we try the new place by the river? I can book a table for half past twelve.\r\n\r\nAnna\r\n".as_bytes(),
    );
    feed_and_run(
        &mut app,
        [Message::Mailbox(mailbox::Message::List(
            crate::gui::widget::message_list::Message::Clicked(ids[0]),
        ))],
    );
    for dark in [false, true] {
        let mut ui = window_of(&app, 1280.0, 800.0);
        // The header card sums up the recipients.
        let to = crate::fl!("reader-to", names = "Ben Okafor, Carla Mendes");
        assert!(ui.find(to.as_str()).is_ok(), "{to}");
        shot(&mut ui, dark, "reader");
    }
    // The message's menu, by a right click on its row.
    let menu = |id| {
        Message::Mailbox(mailbox::Message::List(
            crate::gui::widget::message_list::Message::Menu(id, iced::Point::new(640.0, 190.0)),
        ))
    };
    feed_and_run(&mut app, [menu(ids[0])]);
    for dark in [false, true] {
        let mut ui = window_of(&app, 1280.0, 800.0);
        assert!(ui.find(crate::fl!("tool-reply-all").as_str()).is_ok());
        shot(&mut ui, dark, "menu");
    }
    feed_and_run(&mut app, [Message::Mailbox(mailbox::Message::MenuClosed)]);
    // A row dragged over a folder: the folder lights, the row's subject
    // follows the pointer.
    let archive = app
        .mailbox
        .as_ref()
        .and_then(|m| m.role_folder("anna", crate::store::FolderRole::Archive))
        .expect("Anna has an Archive");
    {
        feed_and_run(
            &mut app,
            [
                Message::Mailbox(mailbox::Message::List(
                    crate::gui::widget::message_list::Message::Drag(
                        ids[2],
                        crate::gui::widget::grab::Drag::Started(iced::Point::new(150.0, 330.0)),
                    ),
                )),
                Message::Mailbox(mailbox::Message::DropTarget("anna".into(), archive)),
            ],
        );
        let mut ui = window_of(&app, 1280.0, 800.0);
        shot(&mut ui, false, "drag");
        drop(ui);
        if let Some(m) = app.mailbox.as_mut() {
            m.drag = None;
        }
    }
    // The conversation view: Anna's lunch question, her own follow-up
    // from Sent and Carla's answer, around the one opened.
    {
        let mut store = Store::open(&app.dirs.data).expect("store");
        let now = jiff::Timestamp::now().as_second();
        let sent = store.folder("anna", "Sent").expect("read").expect("Sent");
        let inbox = store.folder("anna", "INBOX").expect("read").expect("INBOX");
        let reply =
            |uid: u32, ago: i64, name: &str, addr: &str, id: &str, parent: &str, said: &str| {
                NewMessage {
                    uid: Some(uid),
                    date: now - ago,
                    from_name: name.into(),
                    from_addr: addr.into(),
                    subject: "Re: Lunch on Friday?".into(),
                    snippet: said.into(),
                    message_id: Some(id.into()),
                    in_reply_to: Some(parent.into()),
                    references: parent.into(),
                    flags: crate::store::Flags(crate::store::Flags::SEEN),
                    ..NewMessage::default()
                }
            };
        store
            .insert_messages(
                sent.id,
                &[reply(
                    40,
                    300,
                    "Anna Berg",
                    "anna.berg@example.test",
                    "r1@example.test",
                    "m1@example.test",
                    "Or the Italian one, if the river place is full.",
                )],
            )
            .expect("Anna's follow-up");
        store
            .insert_messages(
                inbox.id,
                &[reply(
                    41,
                    120,
                    "Carla Mendes",
                    "carla@example.test",
                    "r2@example.test",
                    "r1@example.test",
                    "Either works for me. Half past twelve is fine.",
                )],
            )
            .expect("Carla's answer");
    }
    app.prefs.reading.conversation = true;
    app.apply_preferences();
    feed_and_run(
        &mut app,
        [
            Message::Mailbox(mailbox::Message::Select(mailbox::Selection::Unified)),
            Message::Mailbox(mailbox::Message::List(
                crate::gui::widget::message_list::Message::Clicked(ids[0]),
            )),
        ],
    );
    for dark in [false, true] {
        let mut ui = window_of(&app, 1280.0, 800.0);
        assert!(
            ui.find("Either works for me. Half past twelve is fine.")
                .is_ok(),
            "the later answer's line"
        );
        shot(&mut ui, dark, "conversation");
    }
    app.prefs.reading.conversation = false;
    app.apply_preferences();

    // Attached pictures under the text, and as their cards' thumbnails.
    with_body(&app.dirs, ids[2], &super::pictures::with_pictures());
    feed_and_run(
        &mut app,
        [Message::Mailbox(mailbox::Message::List(
            crate::gui::widget::message_list::Message::Clicked(ids[2]),
        ))],
    );
    for dark in [false, true] {
        let mut ui = window_of(&app, 1280.0, 800.0);
        assert!(ui.find("summit.png").is_ok());
        shot(&mut ui, dark, "reader-pictures");
    }

    // A newsletter made for 600 px in a narrower reader: fitted, not cut.
    let newsletter = concat!(
        "From: Rheinland Rad <news@rheinland-rad.example>\r\nTo: anna.berg@example.test\r\n",
        "Subject: Fr\u{fc}hlingsfahrt\r\nDate: Fri, 04 Dec 2026 08:00:00 +0100\r\n",
        "MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n",
        "<table width=\"600\" cellpadding=\"16\" style=\"background:#1d4e89;color:#fff\"><tr>",
        "<td><h1>Fr\u{fc}hlingsfahrt 2026</h1><p>Drei neue Touren am Rhein, ein Technik-Workshop ",
        "und 15 % auf Ketten.</p></td><td width=\"120\" style=\"background:#e4572e\">",
        "<b>Jetzt anmelden</b></td></tr></table>\r\n"
    );
    with_body(&app.dirs, ids[1], newsletter.as_bytes());
    let _ = app.update(Message::WindowResized(
        iced::window::Id::unique(),
        iced::Size::new(1100.0, 800.0),
    ));
    feed_and_run(
        &mut app,
        [Message::Mailbox(mailbox::Message::List(
            crate::gui::widget::message_list::Message::Clicked(ids[1]),
        ))],
    );
    let opened = app
        .mailbox
        .as_ref()
        .and_then(|m| m.opened())
        .expect("the newsletter is open");
    let html = opened.html.as_ref().expect("shown as a page");
    assert!(html.painted(), "painted");
    assert!(html.fit() < 1.0, "scaled to the pane: {}", html.fit());
    for dark in [false, true] {
        let mut ui = window_of(&app, 1100.0, 800.0);
        shot(&mut ui, dark, "newsletter");
    }
    // Deleted: the toast with Undo.
    feed_and_run(
        &mut app,
        [Message::Shortcut(crate::gui::shortcut::Shortcut::Tool(
            mailbox::Tool::Delete,
        ))],
    );
    for dark in [false, true] {
        let mut ui = window_of(&app, 1100.0, 800.0);
        assert!(ui.find(crate::fl!("toast-undo").as_str()).is_ok());
        shot(&mut ui, dark, "toast");
    }
}

#[test]
fn the_composer_and_the_first_run_in_light_and_dark() {
    crate::i18n::init();
    let (dirs, _) = lived_in("shots-composer");
    let mut app = started(dirs.clone());
    feed_and_run(
        &mut app,
        [Message::Mailbox(mailbox::Message::Tool(
            mailbox::Tool::Compose,
        ))],
    );
    let file = dirs.data.join("Tourenplan 2026.pdf");
    std::fs::write(&file, vec![b'%'; 48 * 1024]).expect("file");
    for m in [
        composer::Message::To("Ben Okafor <ben.okafor@example.test>, carla@".into()),
        composer::Message::Subject("Touren im April".into()),
        composer::Message::Picked(Some(vec![file])),
    ] {
        let _ = app.update(Message::Composer(m));
    }
    let composer = app.composer.as_ref().expect("composer");
    assert_eq!(
        composer.identities["anna"], "Anna Berg <anna.berg@example.test>",
        "From as name and address"
    );
    for dark in [false, true] {
        let mut ui = window_of(&app, 1100.0, 720.0);
        assert!(ui.find("Tourenplan 2026.pdf").is_ok(), "the chip");
        shot(&mut ui, dark, "composer");
    }
    // "Send later…" open, with its choices.
    let _ = app.update(Message::Composer(composer::Message::LaterOpen(true)));
    for dark in [false, true] {
        let mut ui = window_of(&app, 1100.0, 720.0);
        assert!(
            ui.find(crate::fl!("compose-later-schedule").as_str())
                .is_ok()
        );
        shot(&mut ui, dark, "composer-later");
    }
    let _ = app.update(Message::Composer(composer::Message::LaterOpen(false)));

    // Markdown with its bar and the preview beside the text.
    feed_and_run(
        &mut app,
        [
            Message::Composer(composer::Message::Markdown(true)),
            Message::Composer(composer::Message::Body(
                iced::widget::text_editor::Action::Edit(iced::widget::text_editor::Edit::Paste(
                    std::sync::Arc::new(
                        "Hallo Ben, hallo Carla,\n\nfür April schlage ich **drei Touren** vor:\n\n- Ahr, *Samstag* 11.4.\n- Mosel, 18.4.\n- Eifel, 25.4.\n\n> Bitte bis Ostern zusagen.\n\nAnna"
                            .to_string(),
                    ),
                )),
            )),
            Message::Composer(composer::Message::Preview(true)),
        ],
    );
    assert!(app.composer.as_ref().expect("composer").preview_painted());
    for dark in [false, true] {
        let mut ui = window_of(&app, 1280.0, 800.0);
        assert!(ui.find(crate::fl!("compose-preview-hide").as_str()).is_ok());
        shot(&mut ui, dark, "composer-markdown");
    }

    // Preferences.
    let _ = app.update(Message::Composer(composer::Message::Discard));
    feed_and_run(
        &mut app,
        [Message::Mailbox(mailbox::Message::Tool(
            mailbox::Tool::Settings,
        ))],
    );
    for dark in [false, true] {
        let mut ui = window_of(&app, 1100.0, 1500.0);
        assert!(ui.find(crate::fl!("prefs-appearance").as_str()).is_ok());
        assert!(ui.find("Anna Berg <anna.berg@example.test>").is_ok());
        shot(&mut ui, dark, "preferences");
    }
    // The compact list.
    let compact = crate::gui::screen::settings::densities()
        .into_iter()
        .find(|c| c.value == crate::preferences::Density::Compact)
        .expect("compact");
    feed_and_run(
        &mut app,
        [
            Message::Settings(crate::gui::screen::settings::Message::Density(compact)),
            Message::Settings(crate::gui::screen::settings::Message::Close),
        ],
    );
    let mut ui = window_of(&app, 1100.0, 720.0);
    assert!(ui.find("Lunch on Friday?").is_ok());
    shot(&mut ui, false, "mailbox-compact");
    drop(ui);

    let (first, _) = App::new(temp_dirs("shots-first-run"));
    for dark in [false, true] {
        let mut ui = window_of(&first, 1100.0, 720.0);
        assert!(ui.find(crate::fl!("welcome-add-account").as_str()).is_ok());
        shot(&mut ui, dark, "first-run");
    }
    // Adding an account: the three questions, then what was found.
    let mut first = first;
    let _ = first.update(Message::AddAccount);
    if let Some(setup) = first.setup.as_mut() {
        for m in [
            crate::gui::screen::account_setup::Message::DisplayName("Anna Berg".into()),
            crate::gui::screen::account_setup::Message::Email("anna.berg@example.test".into()),
            crate::gui::screen::account_setup::Message::Password("correct horse".into()),
        ] {
            let _ = setup.update(m);
        }
    }
    for dark in [false, true] {
        let mut ui = window_of(&first, 1100.0, 720.0);
        assert!(ui.find(crate::fl!("setup-continue").as_str()).is_ok());
        shot(&mut ui, dark, "setup-start");
    }
    let mut account = Account {
        name: "anna.berg@example.test".into(),
        display_name: "Anna Berg".into(),
        email: "anna.berg@example.test".into(),
        ..Account::default()
    };
    account.incoming.server.host = "imap.example.test".into();
    account.incoming.server.port = 993;
    account.incoming.username = "anna.berg@example.test".into();
    account.outgoing.server.host = "smtp.example.test".into();
    account.outgoing.server.port = 587;
    account.outgoing.server.security = crate::account::Security::Starttls;
    let found = crate::discovery::Found {
        account,
        domain: "example.test".into(),
        source: crate::discovery::Source::Provider,
        origin: "https://autoconfig.example.test/mail/config-v1.1.xml".into(),
        insecure: false,
        username_guessed: false,
        notes: Vec::new(),
        other_incoming: Some(crate::account::Incoming {
            protocol: crate::account::Protocol::Pop3,
            username: "anna.berg@example.test".into(),
            server: crate::account::Server {
                host: "pop.example.test".into(),
                port: 995,
                security: crate::account::Security::Tls,
                ..Default::default()
            },
            ..Default::default()
        }),
        tried: Vec::new(),
    };
    let results = vec![
        crate::gui::screen::account_setup::Tested {
            incoming: true,
            ok: true,
            message: crate::fl!("setup-test-ok"),
            fingerprint: None,
        },
        crate::gui::screen::account_setup::Tested {
            incoming: false,
            ok: true,
            message: crate::fl!("setup-test-ok"),
            fingerprint: None,
        },
    ];
    let _ = first.update(Message::Discovered(Ok(crate::gui::Discovery {
        found: Box::new(found),
        results,
    })));
    for dark in [false, true] {
        let mut ui = window_of(&first, 1100.0, 720.0);
        assert!(ui.find(crate::fl!("setup-found-title").as_str()).is_ok());
        shot(&mut ui, dark, "setup-found");
    }
    // "Configure manually": every field, filled with what was found.
    let _ = first.update(Message::Setup(
        crate::gui::screen::account_setup::Message::Manual,
    ));
    for dark in [false, true] {
        let mut ui = window_of(&first, 1100.0, 1000.0);
        assert!(ui.find(iced_test::selector::id("setup-in-host")).is_ok());
        shot(&mut ui, dark, "setup-manual");
    }
    // The browser sign-in instead of a password, once signed in.
    let _ = first.update(Message::Setup(
        crate::gui::screen::account_setup::Message::Login(true),
    ));
    let mut signed = first
        .setup
        .as_ref()
        .and_then(|s| s.account().ok())
        .expect("the form is valid");
    signed.oauth.issuer = Some("https://login.example.test".into());
    let _ = first.update(Message::SetupSignedIn(Ok(Box::new(signed))));
    for dark in [false, true] {
        let mut ui = window_of(&first, 1100.0, 1000.0);
        assert!(ui.find(crate::fl!("setup-sign-in").as_str()).is_ok());
        shot(&mut ui, dark, "setup-oauth");
    }
}

#[test]
fn the_sign_in_bar_over_the_mailbox() {
    crate::i18n::init();
    let (dirs, _) = lived_in("shots-sign-in");
    let mut app = started(dirs);
    let lost =
        crate::sync::Error::Net(crate::net::Error::OAuth(crate::oauth::Error::SignInAgain {
            account: "Work".into(),
            reason: "grant request is invalid".into(),
        }));
    let _ = app.update(Message::Worker(crate::gui::worker::Event::Report(
        crate::worker::Event::Failed {
            account: "Work".into(),
            phase: crate::worker::Phase::Sync,
            error: std::sync::Arc::new(lost),
        },
    )));
    for dark in [false, true] {
        let mut ui = window_of(&app, 1280.0, 800.0);
        assert!(ui.find(crate::fl!("sign-in-button").as_str()).is_ok());
        shot(&mut ui, dark, "sign-in-bar");
    }
}

#[test]
fn the_outbox_with_a_held_and_a_scheduled_message() {
    use crate::store::outbox::{NewItem, When};
    crate::i18n::init();
    let (dirs, _) = lived_in("shots-outbox");
    {
        let mut store = Store::open(&dirs.data).expect("store");
        let mut queue = |subject: &str, when: When| {
            let new = NewItem {
                account: "anna",
                message_id: "m@example.test",
                sender: "anna.berg@example.test",
                recipients: &["ben.okafor@example.test".into()],
                subject,
                when,
                report_success: false,
            };
            store
                .enqueue_streamed(&new, 3, |out| out.write_all(b"raw"))
                .expect("queued")
        };
        queue("Touren im April", When::UndoWithin(10));
        let tomorrow = crate::schedule::tomorrow_morning(&crate::schedule::now());
        queue("Protokoll der Sitzung", When::At(tomorrow.as_second()));
    }
    let mut app = started(dirs);
    feed_and_run(
        &mut app,
        [Message::Mailbox(mailbox::Message::Select(
            mailbox::Selection::Outbox,
        ))],
    );
    let held = app
        .mailbox
        .as_ref()
        .and_then(|m| {
            m.outbox
                .items
                .iter()
                .find(|i| i.subject == "Touren im April")
        })
        .map(|i| i.id)
        .expect("the held message");
    feed_and_run(
        &mut app,
        [Message::Mailbox(mailbox::Message::Outbox(
            crate::gui::screen::outbox::Message::Select(held),
        ))],
    );
    for dark in [false, true] {
        let mut ui = window_of(&app, 1280.0, 800.0);
        assert!(ui.find(crate::fl!("outbox-held-why").as_str()).is_ok());
        assert!(ui.find(crate::fl!("outbox-send-now").as_str()).is_ok());
        shot(&mut ui, dark, "outbox-held");
    }
}
