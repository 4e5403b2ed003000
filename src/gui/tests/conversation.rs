//! The conversation view: the opened message among the other messages of
//! its thread (the user's own reply from Sent too), each on one line that
//! opens it.

use super::*;

#[test]
fn the_reader_shows_the_conversation_and_its_lines_open_their_messages() {
    let dirs = temp_dirs("conversation");
    let ids = {
        let mut store = Store::open(&dirs.data).expect("store");
        let inbox = store
            .upsert_folder(
                "work",
                "INBOX",
                Some("/"),
                Some(crate::store::FolderRole::Inbox),
            )
            .expect("inbox");
        let sent = store
            .upsert_folder(
                "work",
                "Sent",
                Some("/"),
                Some(crate::store::FolderRole::Sent),
            )
            .expect("sent");
        let msg =
            |uid: u32, date: i64, from: &str, id: &str, parent: Option<&str>, snippet: &str| {
                NewMessage {
                    uid: Some(uid),
                    date,
                    from_name: from.into(),
                    from_addr: format!("{}@example.test", from.to_lowercase()),
                    subject: "Ride on Sunday".into(),
                    snippet: snippet.into(),
                    message_id: Some(id.into()),
                    in_reply_to: parent.map(str::to_owned),
                    references: parent.map(str::to_owned).unwrap_or_default(),
                    ..NewMessage::default()
                }
            };
        let first = store
            .insert_messages(
                inbox.id,
                &[msg(
                    1,
                    1_700_000_000,
                    "Carla",
                    "c1@x",
                    None,
                    "Who is in for Sunday?",
                )],
            )
            .expect("first")[0];
        let mine = store
            .insert_messages(
                sent.id,
                &[msg(
                    1,
                    1_700_000_100,
                    "Work",
                    "w1@x",
                    Some("c1@x"),
                    "Count me in.",
                )],
            )
            .expect("my reply")[0];
        let last = store
            .insert_messages(
                inbox.id,
                &[msg(
                    2,
                    1_700_000_200,
                    "Ben",
                    "b1@x",
                    Some("w1@x"),
                    "Me too, see you at nine.",
                )],
            )
            .expect("last")[0];
        for (id, text) in [
            (first, "Who is in for Sunday?"),
            (mine, "Count me in."),
            (last, "Me too, see you at nine."),
        ] {
            store
                .set_body(
                    id,
                    format!("Subject: Ride on Sunday\r\n\r\n{text}\r\n").as_bytes(),
                    text,
                    &crate::store::IndexText::default(),
                )
                .expect("body");
        }
        save_work_account(&dirs);
        [first, mine, last]
    };
    let mut app = started(dirs);
    app.prefs.reading.conversation = true;
    app.apply_preferences();
    feed_and_run(
        &mut app,
        [Message::Mailbox(mailbox::Message::List(
            crate::gui::widget::message_list::Message::Clicked(ids[0]),
        ))],
    );
    let talk: Vec<i64> = app
        .mailbox
        .as_ref()
        .expect("mailbox")
        .conversation
        .iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(talk, ids, "the thread across Inbox and Sent, oldest first");
    let mut ui = simulator(app.view());
    assert!(ui.find("Count me in.").is_ok(), "my reply's line");
    assert!(
        ui.find("Me too, see you at nine.").is_ok(),
        "the answer's line"
    );
    let _ = ui.click("Count me in.").expect("a line to click");
    let said: Vec<Message> = ui.into_messages().collect();
    feed_and_run(&mut app, said);
    let opened = app
        .mailbox
        .as_ref()
        .and_then(|m| m.opened())
        .expect("opened");
    assert_eq!(opened.row.id, ids[1], "the Sent message, not in the list");
    assert_eq!(opened.row.folder, "Sent");
    // Still the same conversation, now around the reply.
    let mut ui = simulator(app.view());
    assert!(ui.find("Who is in for Sunday?").is_ok());
    drop(ui);

    // Off: one message, no lines.
    app.prefs.reading.conversation = false;
    app.apply_preferences();
    feed_and_run(
        &mut app,
        [Message::Mailbox(mailbox::Message::List(
            crate::gui::widget::message_list::Message::Clicked(ids[2]),
        ))],
    );
    assert!(
        app.mailbox
            .as_ref()
            .expect("mailbox")
            .conversation
            .is_empty()
    );
}
