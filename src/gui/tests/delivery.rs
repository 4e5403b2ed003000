//! Delivery records in the window: a bounce read from a report raises a
//! bar once, with "Edit and resend"; the Delivery card shows each
//! recipient's state in the reader (the Sent copy, and the report itself)
//! and in the outbox.

use super::*;
use crate::store::delivery::Stage;

const MESSAGE_ID: &str = "tracked-1@example.test";

/// A report about MESSAGE_ID: ben's copy delivered, ghost's bounced.
fn report() -> Vec<u8> {
    format!(
        "From: Mail Delivery System <MAILER-DAEMON@example.test>\r\nTo: work@example.test\r\n\
         Subject: Undelivered Mail Returned to Sender\r\nDate: Sat, 5 Dec 2026 10:00:00 +0000\r\n\
         Content-Type: multipart/report; report-type=delivery-status; boundary=B\r\n\r\n\
         --B\r\nContent-Type: text/plain\r\n\r\nI'm sorry to have to inform you...\r\n\
         --B\r\nContent-Type: message/delivery-status\r\n\r\n\
         Reporting-MTA: dns; mail.example.test\r\nOriginal-Envelope-Id: {MESSAGE_ID}\r\n\r\n\
         Final-Recipient: rfc822; ben@example.test\r\nAction: delivered\r\nStatus: 2.0.0\r\n\r\n\
         Final-Recipient: rfc822; ghost@example.test\r\nAction: failed\r\nStatus: 5.1.1\r\n\
         Diagnostic-Code: smtp; 550 5.1.1 User doesn't exist\r\n\r\n\
         --B\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <{MESSAGE_ID}>\r\n\r\n--B--\r\n"
    )
    .into_bytes()
}

/// "work" sent MESSAGE_ID to ben and ghost (its copy in Sent), and the
/// report came back to its INBOX. Returns (outbox id, Sent copy, report).
fn sent_and_reported(dirs: &Dirs) -> (i64, i64, i64) {
    let mut store = Store::open(&dirs.data).expect("store");
    let raw = format!(
        "From: work@example.test\r\nTo: ben@example.test, ghost@example.test\r\n\
         Subject: Quarterly figures\r\nMessage-ID: <{MESSAGE_ID}>\r\n\r\nHere they are.\r\n"
    );
    let outbox = store
        .enqueue(
            "work",
            raw.as_bytes(),
            MESSAGE_ID,
            "work@example.test",
            &["ben@example.test".into(), "ghost@example.test".into()],
            "Quarterly figures",
        )
        .expect("queued");
    let attempt = store
        .begin_attempt(outbox, "mail.example.test", "")
        .expect("attempt");
    store.attempt_phase(attempt, "done").expect("phase");
    store
        .finish_attempt(
            outbox,
            attempt,
            crate::store::outbox::State::Sent,
            Some(250),
            "2.0.0 Ok: queued as 4F2A1",
            Some("4F2A1"),
            None,
        )
        .expect("sent");
    let sent = store
        .upsert_folder(
            "work",
            "Sent",
            Some("/"),
            Some(crate::store::FolderRole::Sent),
        )
        .expect("Sent");
    let copy = store
        .insert_messages(
            sent.id,
            &[NewMessage {
                uid: Some(1),
                date: 1_800_000_000,
                from_addr: "work@example.test".into(),
                subject: "Quarterly figures".into(),
                message_id: Some(MESSAGE_ID.into()),
                ..NewMessage::default()
            }],
        )
        .expect("copy")[0];
    store
        .set_body(
            copy,
            raw.as_bytes(),
            "",
            &crate::store::IndexText::default(),
        )
        .expect("copy's body");
    let inbox = store
        .folder_by_role("work", crate::store::FolderRole::Inbox)
        .expect("read")
        .expect("INBOX");
    let bounce = store
        .insert_messages(
            inbox.id,
            &[NewMessage {
                uid: Some(100),
                date: 1_800_000_100,
                from_name: "Mail Delivery System".into(),
                from_addr: "MAILER-DAEMON@example.test".into(),
                subject: "Undelivered Mail Returned to Sender".into(),
                report: true,
                ..NewMessage::default()
            }],
        )
        .expect("report")[0];
    store
        .set_body(bounce, &report(), "", &crate::store::IndexText::default())
        .expect("the report's body");
    (outbox, copy, bounce)
}

#[test]
fn a_bounce_raises_a_bar_once_and_edit_and_resend_addresses_the_bounced_recipient() {
    let (dirs, _) = populated("delivery-bar", 1);
    let (outbox, _, _) = sent_and_reported(&dirs);
    let mut app = started(dirs.clone());
    let check = app.check_bounces();
    settle(&mut app, check);
    assert_eq!(app.bounces.len(), 1, "{:?}", app.bounces);
    assert_eq!(app.bounces[0].outbox_id, outbox);
    let said = fl!(
        "delivery-failed-bar",
        subject = "Quarterly figures",
        recipient = "ghost@example.test",
        reason = "550 5.1.1 User doesn't exist"
    );
    let mut ui = simulator(app.view());
    assert!(ui.find(said.as_str()).is_ok(), "the bar says what and why");
    drop(ui);
    // Told once: the next sync's look finds nothing new.
    let again = app.check_bounces();
    settle(&mut app, again);
    assert_eq!(app.bounces.len(), 1);

    let mut ui = simulator(app.view());
    let _ = ui
        .click(fl!("delivery-resend").as_str())
        .expect("Edit and resend on the bar");
    let messages: Vec<Message> = ui.into_messages().collect();
    feed_and_run(&mut app, messages);
    assert!(app.bounces.is_empty(), "the bar goes");
    let composer = app.composer.as_ref().expect("the composer opens");
    assert_eq!(composer.subject, "Quarterly figures");
    assert!(
        composer.to.contains("ghost@example.test"),
        "{}",
        composer.to
    );
    assert!(
        !composer.to.contains("ben@example.test"),
        "ben has his copy: {}",
        composer.to
    );
    assert!(composer.body.text().contains("Here they are."));
}

#[test]
fn the_delivery_card_shows_each_recipient_in_the_reader_and_the_outbox() {
    let (dirs, _) = populated("delivery-card", 1);
    let (outbox, copy, bounce) = sent_and_reported(&dirs);
    let mut app = started(dirs.clone());

    // The report itself, opened from the inbox, leads to the record.
    feed_and_run(
        &mut app,
        [Message::Mailbox(mailbox::Message::List(
            crate::gui::widget::message_list::Message::Clicked(bounce),
        ))],
    );
    let mailbox = app.mailbox.as_ref().expect("mailbox");
    let (shown, record) = mailbox.delivery.reader.as_ref().expect("a record");
    assert_eq!((*shown, record.outbox_id), (bounce, outbox));
    let mut ui = simulator(app.view());
    assert!(ui.find(fl!("delivery-title").as_str()).is_ok());
    assert!(ui.find("ghost@example.test").is_ok());
    assert!(ui.find(fl!("delivery-failed").as_str()).is_ok());
    assert!(ui.find(fl!("delivery-delivered").as_str()).is_ok());
    assert!(
        ui.find("5.1.1 · 550 5.1.1 User doesn't exist").is_err()
            && ui.find("550 5.1.1 User doesn't exist").is_ok(),
        "the server's words once, under the bounce"
    );
    // The history on request: queued, accepted with the queue id, ...
    let _ = ui
        .click(fl!("delivery-show-timeline").as_str())
        .expect("Show history");
    let messages: Vec<Message> = ui.into_messages().collect();
    feed_and_run(&mut app, messages);
    let mut ui = simulator(app.view());
    assert!(ui.find(fl!("delivery-hide-timeline").as_str()).is_ok());
    assert!(ui.find(fl!("delivery-submitted").as_str()).is_ok());
    drop(ui);

    // The Sent copy leads there too.
    open_in_its_folder(&mut app, &dirs, "work", "Sent", copy);
    let mailbox = app.mailbox.as_ref().expect("mailbox");
    let (shown, record) = mailbox.delivery.reader.as_ref().expect("a record");
    assert_eq!((*shown, record.outbox_id), (copy, outbox));
    let ghost = record
        .recipients
        .iter()
        .find(|r| r.address == "ghost@example.test")
        .expect("ghost");
    assert_eq!(ghost.stage, Stage::Failed);
    // In Sent, rows name whom the mail went to.
    assert!(mailbox.list.recipients_first);
    // Its row in Sent carries the message's mark, as the outbox does.
    let row = mailbox.list.row(copy).expect("the copy is listed");
    assert_eq!(
        mailbox.list.delivery_of(row),
        crate::gui::widget::delivery::headline(record)
    );
    assert_eq!(mailbox.list.delivery_of(row), Some(Stage::Failed));
    let mut other = row.clone();
    other.account = "home".into();
    assert_eq!(
        mailbox.list.delivery_of(&other),
        None,
        "the same Message-ID in another account is not this message"
    );
    other.message_id = None;
    assert_eq!(mailbox.list.delivery_of(&other), None);

    // The outbox: a mark on the message, the card when picked.
    feed_and_run(
        &mut app,
        [
            Message::Mailbox(mailbox::Message::Select(mailbox::Selection::Outbox)),
            Message::Mailbox(mailbox::Message::Outbox(
                crate::gui::screen::outbox::Message::Select(outbox),
            )),
        ],
    );
    let mailbox = app.mailbox.as_ref().expect("mailbox");
    assert_eq!(mailbox.outbox.headlines.get(&outbox), Some(&Stage::Failed));
    assert!(mailbox.outbox.record.is_some(), "the record is read");
    let mut ui = simulator(app.view());
    assert!(ui.find(fl!("delivery-title").as_str()).is_ok());
    assert!(ui.find(fl!("delivery-resend").as_str()).is_ok());
}

/// A message in work's INBOX whose sender asks for a read receipt.
fn asking(dirs: &Dirs) -> i64 {
    let mut store = Store::open(&dirs.data).expect("store");
    let inbox = store
        .folder_by_role("work", crate::store::FolderRole::Inbox)
        .expect("read")
        .expect("INBOX");
    let id = store
        .insert_messages(
            inbox.id,
            &[NewMessage {
                uid: Some(200),
                date: 1_800_000_200,
                from_name: "Anna".into(),
                from_addr: "anna@example.test".into(),
                subject: "Did you see this?".into(),
                message_id: Some("asks-1@example.test".into()),
                ..NewMessage::default()
            }],
        )
        .expect("stored")[0];
    let raw = "From: Anna <anna@example.test>\r\nTo: work@example.test\r\nSubject: Did you see this?\r\n\
               Message-ID: <asks-1@example.test>\r\nDisposition-Notification-To: Anna <anna@example.test>\r\n\r\nPlease confirm.\r\n";
    store
        .set_body(id, raw.as_bytes(), "", &crate::store::IndexText::default())
        .expect("body");
    id
}

fn open(app: &mut App, id: i64) {
    feed_and_run(
        app,
        [Message::Mailbox(mailbox::Message::List(
            crate::gui::widget::message_list::Message::Clicked(id),
        ))],
    );
}

#[test]
fn a_read_receipt_is_asked_for_sent_only_on_the_users_word_and_asked_once() {
    let (dirs, _) = populated("receipt-ask", 1);
    let id = asking(&dirs);
    let mut app = started(dirs.clone());
    open(&mut app, id);
    let asked = fl!("receipt-asked", address = "anna@example.test");
    let mut ui = simulator(app.view());
    assert!(ui.find(asked.as_str()).is_ok(), "the bar asks");
    let outbox = |dirs: &Dirs| {
        Store::open(&dirs.data)
            .expect("store")
            .outbox(None)
            .expect("outbox")
    };
    assert!(
        outbox(&dirs).is_empty(),
        "nothing sent before the user says so"
    );
    let _ = ui
        .click(fl!("receipt-send").as_str())
        .expect("Send receipt");
    let messages: Vec<Message> = ui.into_messages().collect();
    feed_and_run(&mut app, messages);
    let queued = outbox(&dirs);
    assert_eq!(queued.len(), 1, "{queued:?}");
    assert_eq!(queued[0].recipients, ["anna@example.test"]);
    assert_eq!(queued[0].subject, "Read: Did you see this?");
    // Opened again: asked once only.
    open(&mut app, id);
    let mut ui = simulator(app.view());
    assert!(ui.find(asked.as_str()).is_err(), "not asked again");
}

#[test]
fn with_never_the_request_is_not_even_shown() {
    let (dirs, _) = populated("receipt-never", 1);
    let id = asking(&dirs);
    let mut app = started(dirs.clone());
    app.prefs.reading.read_receipts = crate::preferences::ReadReceipts::Never;
    if let Some(m) = app.mailbox.as_mut() {
        m.reading.read_receipts = crate::preferences::ReadReceipts::Never;
    }
    open(&mut app, id);
    let mut ui = simulator(app.view());
    assert!(ui.find(fl!("receipt-send").as_str()).is_err());
    assert!(
        Store::open(&dirs.data)
            .expect("store")
            .outbox(None)
            .expect("outbox")
            .is_empty()
    );
}

/// Selects the folder that holds stored message `id` (named `name` in the
/// list) and clicks its row, as a user opening it there.
pub(super) fn open_in_its_folder(app: &mut App, dirs: &Dirs, account: &str, name: &str, id: i64) {
    let folder = Store::open(&dirs.data)
        .expect("store")
        .message(id)
        .expect("the message")
        .folder_id;
    feed_and_run(
        app,
        [
            Message::Mailbox(mailbox::Message::Select(mailbox::Selection::Folder {
                account: account.into(),
                id: folder,
                name: name.into(),
            })),
            Message::Mailbox(mailbox::Message::List(
                crate::gui::widget::message_list::Message::Clicked(id),
            )),
        ],
    );
}
