//! Screenshots of delivery tracking (run by `tests/shots` with the other
//! shots): a sent message's Delivery card in the reader, with its history
//! open, the bounce bar, and the outbox's marks and card.

use super::shots::{lived_in, shot, window_of};
use super::*;
use crate::gui::screen::mailbox;
use crate::store::{FolderRole, NewMessage};

const SENT_ID: &str = "protokoll-7@example.test";

/// A report about SENT_ID: (recipient, action, status, diagnostic).
fn report(rows: &[(&str, &str, &str, &str)]) -> Vec<u8> {
    let mut status =
        format!("Reporting-MTA: dns; mail.example.test\r\nOriginal-Envelope-Id: {SENT_ID}\r\n");
    for (to, action, code, diagnostic) in rows {
        status.push_str(&format!(
            "\r\nFinal-Recipient: rfc822; {to}\r\nAction: {action}\r\nStatus: {code}\r\n\
             Remote-MTA: dns; mx.example.test\r\nDiagnostic-Code: smtp; {diagnostic}\r\n"
        ));
    }
    format!(
        "From: Mail Delivery System <MAILER-DAEMON@example.test>\r\nTo: anna.berg@example.test\r\n\
         Subject: Delivery Status Notification\r\n\
         Content-Type: multipart/report; report-type=delivery-status; boundary=B\r\n\r\n\
         --B\r\nContent-Type: text/plain\r\n\r\nA report.\r\n\
         --B\r\nContent-Type: message/delivery-status\r\n\r\n{status}\r\n\
         --B\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <{SENT_ID}>\r\n\r\n--B--\r\n"
    )
    .into_bytes()
}

#[test]
fn a_sent_messages_delivery_in_the_reader_and_the_outbox() {
    crate::i18n::init();
    let (dirs, _) = lived_in("shots-delivery");
    let now = jiff::Timestamp::now().as_second();
    let (outbox, copy) = {
        let mut store = Store::open(&dirs.data).expect("store");
        let raw = format!(
            "From: Anna Berg <anna.berg@example.test>\r\nTo: ben.okafor@example.test, carla@example.test, kasse@radclub-typo.example\r\n\
             Subject: Protokoll der Sitzung\r\nMessage-ID: <{SENT_ID}>\r\nDate: Fri, 04 Dec 2026 18:00:00 +0100\r\n\r\n\
             Hallo zusammen,\r\n\r\nanbei das Protokoll der Sitzung vom Dienstag.\r\n\r\nAnna\r\n"
        );
        let recipients: Vec<String> = [
            "ben.okafor@example.test",
            "carla@example.test",
            "kasse@radclub-typo.example",
        ]
        .map(String::from)
        .to_vec();
        let outbox = store
            .enqueue(
                "anna",
                raw.as_bytes(),
                SENT_ID,
                "anna.berg@example.test",
                &recipients,
                "Protokoll der Sitzung",
            )
            .expect("queued");
        let attempt = store
            .begin_attempt(
                outbox,
                "mail.example.test",
                "delivery reports asked for (DSN)",
            )
            .expect("attempt");
        store.attempt_phase(attempt, "done").expect("phase");
        store
            .finish_attempt(
                outbox,
                attempt,
                crate::store::outbox::State::Sent,
                Some(250),
                "2.0.0 Ok: queued as 7C1F24A",
                Some("7C1F24A"),
                None,
            )
            .expect("sent");
        let sent = store
            .folder_by_role("anna", FolderRole::Sent)
            .expect("read")
            .expect("Sent");
        let copy = store
            .insert_messages(
                sent.id,
                &[NewMessage {
                    uid: Some(1),
                    date: now - 3600,
                    from_name: "Anna Berg".into(),
                    from_addr: "anna.berg@example.test".into(),
                    to: "ben.okafor@example.test, carla@example.test, kasse@radclub-typo.example"
                        .into(),
                    subject: "Protokoll der Sitzung".into(),
                    message_id: Some(SENT_ID.into()),
                    flags: crate::store::Flags(crate::store::Flags::SEEN),
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
            .expect("body");
        let inbox = store
            .folder_by_role("anna", FolderRole::Inbox)
            .expect("read")
            .expect("INBOX");
        for (uid, ago, body) in [
            (
                90,
                3000,
                report(&[(
                    "carla@example.test",
                    "delayed",
                    "4.4.1",
                    "connect to mx.example.test: Connection timed out",
                )]),
            ),
            (
                91,
                2400,
                report(&[
                    (
                        "ben.okafor@example.test",
                        "delivered",
                        "2.0.0",
                        "250 2.0.0 Saved",
                    ),
                    (
                        "kasse@radclub-typo.example",
                        "failed",
                        "5.1.1",
                        "550 5.1.1 <kasse@radclub-typo.example>: Recipient address rejected: User unknown",
                    ),
                ]),
            ),
        ] {
            let id = store
                .insert_messages(
                    inbox.id,
                    &[NewMessage {
                        uid: Some(uid),
                        date: now - ago,
                        from_name: "Mail Delivery System".into(),
                        from_addr: "MAILER-DAEMON@example.test".into(),
                        subject: "Delivery Status Notification".into(),
                        report: true,
                        ..NewMessage::default()
                    }],
                )
                .expect("report")[0];
            store
                .set_body(id, &body, "", &crate::store::IndexText::default())
                .expect("report body");
        }
        (outbox, copy)
    };
    let mut app = started(dirs.clone());
    let check = app.check_bounces();
    settle(&mut app, check);
    super::delivery::open_in_its_folder(&mut app, &dirs, "anna", "Sent", copy);
    for dark in [false, true] {
        let mut ui = window_of(&app, 1280.0, 800.0);
        assert!(ui.find(crate::fl!("delivery-title").as_str()).is_ok());
        assert!(ui.find(crate::fl!("delivery-resend").as_str()).is_ok());
        shot(&mut ui, dark, "delivery-reader");
    }
    feed_and_run(
        &mut app,
        [Message::Mailbox(mailbox::Message::Delivery(
            mailbox::DeliveryMsg::ToggleTimeline,
        ))],
    );
    let mut ui = window_of(&app, 1280.0, 800.0);
    assert!(
        ui.find(crate::fl!("delivery-hide-timeline").as_str())
            .is_ok()
    );
    shot(&mut ui, false, "delivery-history");
    drop(ui);
    feed_and_run(
        &mut app,
        [
            Message::Mailbox(mailbox::Message::Select(mailbox::Selection::Outbox)),
            Message::Mailbox(mailbox::Message::Outbox(
                crate::gui::screen::outbox::Message::Select(outbox),
            )),
        ],
    );
    for dark in [false, true] {
        let mut ui = window_of(&app, 1280.0, 800.0);
        assert!(ui.find(crate::fl!("delivery-failed").as_str()).is_ok());
        shot(&mut ui, dark, "delivery-outbox");
    }
}

#[test]
fn a_read_receipt_request_in_the_reader() {
    crate::i18n::init();
    let (dirs, _) = lived_in("shots-receipt");
    let now = jiff::Timestamp::now().as_second();
    let id = {
        let mut store = Store::open(&dirs.data).expect("store");
        let inbox = store
            .folder_by_role("anna", FolderRole::Inbox)
            .expect("read")
            .expect("INBOX");
        let id = store
            .insert_messages(
                inbox.id,
                &[NewMessage {
                    uid: Some(300),
                    date: now - 120,
                    from_name: "Carla Mendes".into(),
                    from_addr: "carla@example.test".into(),
                    subject: "Vertrag zur Unterschrift".into(),
                    message_id: Some("vertrag@example.test".into()),
                    ..NewMessage::default()
                }],
            )
            .expect("stored")[0];
        let raw = "From: Carla Mendes <carla@example.test>\r\nTo: Anna Berg <anna.berg@example.test>\r\n\
                   Subject: Vertrag zur Unterschrift\r\nMessage-ID: <vertrag@example.test>\r\n\
                   Disposition-Notification-To: Carla Mendes <carla@example.test>\r\n\
                   Content-Type: text/plain; charset=utf-8\r\n\r\n\
                   Hallo Anna,\r\n\r\nanbei der Vertrag. Gib mir bitte kurz Bescheid, wenn du ihn gelesen hast.\r\n\r\nCarla\r\n";
        store
            .set_body(id, raw.as_bytes(), "", &crate::store::IndexText::default())
            .expect("body");
        id
    };
    let mut app = started(dirs);
    feed_and_run(
        &mut app,
        [Message::Mailbox(mailbox::Message::List(
            crate::gui::widget::message_list::Message::Clicked(id),
        ))],
    );
    for dark in [false, true] {
        let mut ui = window_of(&app, 1280.0, 800.0);
        assert!(ui.find(crate::fl!("receipt-send").as_str()).is_ok());
        shot(&mut ui, dark, "receipt-asked");
    }
}
