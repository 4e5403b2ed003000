//! Delivery records from reports, matched and kept per recipient.
use super::*;
use crate::store::testing::temp_store;
use crate::store::tokens::IndexText;

/// A delivery report about `message_id` for `rows` (recipient,
/// action, status, diagnostic).
fn dsn(envid: &str, returned_id: &str, rows: &[(&str, &str, &str, &str)]) -> Vec<u8> {
    let mut status =
        format!("Reporting-MTA: dns; mx.example.test\r\nOriginal-Envelope-Id: {envid}\r\n");
    for (to, action, code, diag) in rows {
        status.push_str(&format!(
            "\r\nFinal-Recipient: rfc822; {to}\r\nAction: {action}\r\nStatus: {code}\r\nDiagnostic-Code: smtp; {diag}\r\n"
        ));
    }
    format!(
        "From: MAILER-DAEMON@example.test\r\nTo: anna@example.test\r\nSubject: report\r\n\
         Content-Type: multipart/report; report-type=delivery-status; boundary=B\r\n\r\n\
         --B\r\nContent-Type: text/plain\r\n\r\nA report.\r\n\
         --B\r\nContent-Type: message/delivery-status\r\n\r\n{status}\r\n\
         --B\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <{returned_id}>\r\n\r\n--B--\r\n"
    )
    .into_bytes()
}

/// A sent message to ben and cleo, accepted with queue id Q1.
fn sent(store: &mut Store, message_id: &str) -> i64 {
    let id = store
        .enqueue(
            "a",
            b"Subject: hi\r\n\r\nhi\r\n",
            message_id,
            "anna@example.test",
            &["ben@example.test".into(), "cleo@example.test".into()],
            "hi",
        )
        .expect("queued");
    let attempt = store
        .begin_attempt(id, "smtp.example.test", "")
        .expect("attempt");
    store.attempt_phase(attempt, "done").expect("phase");
    store
        .finish_attempt(
            id,
            attempt,
            State::Sent,
            Some(250),
            "250 2.0.0 Ok: queued as Q1",
            Some("Q1"),
            None,
        )
        .expect("finished");
    id
}

/// Stores `raw` as a message of account a's INBOX (headers at sync,
/// then the body), as sync does.
fn arrive(store: &mut Store, uid: u32, raw: &[u8], date: i64) -> i64 {
    let folder = store
        .upsert_folder(
            "a",
            "INBOX",
            Some("/"),
            Some(crate::store::FolderRole::Inbox),
        )
        .expect("folder");
    let m = NewMessage {
        uid: Some(uid),
        date,
        report: true,
        ..Default::default()
    };
    let ids = store.insert_messages(folder.id, &[m]).expect("stored");
    store
        .set_body(ids[0], raw, "", &IndexText::default())
        .expect("body");
    ids[0]
}

#[test]
fn reports_become_each_recipients_timeline_and_latest_stage() {
    let mut t = temp_store("delivery-timeline");
    let store = &mut t.store;
    let id = sent(store, "m1@example.test");
    let before = store.delivery(id).expect("read").expect("there");
    assert!(
        before
            .recipients
            .iter()
            .all(|r| r.stage == Stage::Submitted)
    );
    assert_eq!(
        before.recipients[0].events[1].queue_id.as_deref(),
        Some("Q1")
    );

    let delayed = dsn(
        "m1@example.test",
        "m1@example.test",
        &[(
            "cleo@example.test",
            "delayed",
            "4.4.1",
            "connect to mx: Connection refused",
        )],
    );
    let t0 = crate::store::now();
    arrive(store, 1, &delayed, t0 + 1000);
    let report = dsn(
        "m1@example.test",
        "m1@example.test",
        &[
            ("ben@example.test", "delivered", "2.0.0", "250 Saved"),
            (
                "cleo@example.test",
                "failed",
                "5.1.1",
                "550 5.1.1 User unknown",
            ),
        ],
    );
    let report_id = arrive(store, 2, &report, t0 + 2000);
    // The same report again (copied to another folder): nothing new.
    arrive(store, 3, &report, t0 + 3000);
    // A late "delayed" does not undo "delivered".
    let late = dsn(
        "m1@example.test",
        "",
        &[("ben@example.test", "delayed", "4.0.0", "late")],
    );
    arrive(store, 4, &late, t0 + 4000);

    let d = store.delivery(id).expect("read").expect("there");
    let ben = &d.recipients[0];
    let cleo = &d.recipients[1];
    assert_eq!(ben.stage, Stage::Delivered);
    assert_eq!(cleo.stage, Stage::Failed);
    let cleo_stages: Vec<Stage> = cleo.events.iter().map(|e| e.stage).collect();
    assert_eq!(
        cleo_stages,
        [
            Stage::Queued,
            Stage::Submitted,
            Stage::Delayed,
            Stage::Failed
        ]
    );
    let failed = cleo.events.last().expect("an event");
    assert_eq!((failed.at, failed.status.as_str()), (t0 + 2000, "5.1.1"));
    assert_eq!(failed.detail, "550 5.1.1 User unknown");
    assert_eq!(ben.events.len(), 4, "{:?}", ben.events);
    assert_eq!(store.report_about(report_id).expect("read"), Some(id));
    let told = store.bounces_to_tell().expect("bounces");
    assert_eq!(told.len(), 1, "{told:?}");
    assert_eq!(told[0].recipient, "cleo@example.test");
    assert_eq!(told[0].reason, "550 5.1.1 User unknown");
    assert!(
        store.bounces_to_tell().expect("again").is_empty(),
        "told once"
    );
    let marks = store.delivery_headlines().expect("headlines");
    assert_eq!(marks.get(&id), Some(&Stage::Failed));
}

#[test]
fn reports_match_by_returned_message_id_or_hashed_envelope_id_and_others_stay_mail() {
    let mut t = temp_store("delivery-match");
    let store = &mut t.store;
    let long = format!("{}@example.test", "x".repeat(120));
    let by_hash = sent(store, &long);
    let by_returned = sent(store, "m2@example.test");
    let hashed = dsn(
        &envelope_id(&long),
        "",
        &[("ben@example.test", "delivered", "2.0.0", "ok")],
    );
    arrive(store, 1, &hashed, 10);
    let no_envid = dsn(
        "",
        "m2@example.test",
        &[("ben@example.test", "relayed", "2.0.0", "ok")],
    );
    arrive(store, 2, &no_envid, 20);
    let stranger = dsn(
        "other@example.test",
        "other@example.test",
        &[("ben@example.test", "failed", "5.0.0", "no")],
    );
    let stray = arrive(store, 3, &stranger, 30);
    // Not a report at all, though its header said so.
    let fake = arrive(
        store,
        4,
        b"Content-Type: multipart/report\r\n\r\nhello\r\n",
        40,
    );

    let stage = |id| store.delivery(id).expect("read").expect("there").recipients[0].stage;
    assert_eq!(stage(by_hash), Stage::Delivered);
    assert_eq!(stage(by_returned), Stage::Relayed);
    assert_eq!(store.report_about(stray).expect("read"), None);
    assert_eq!(store.report_about(fake).expect("read"), None);
    let unread: i64 = store
        .conn()
        .query_row("SELECT COUNT(*) FROM reports WHERE read = 0", [], |r| {
            r.get(0)
        })
        .expect("count");
    assert_eq!(unread, 0, "every report was read once");
}

#[test]
fn the_sent_copy_leads_to_its_record_and_other_mail_to_none() {
    let mut t = temp_store("delivery-sent-copy");
    let store = &mut t.store;
    let id = sent(store, "m9@example.test");
    let folder = store
        .upsert_folder("a", "Sent", Some("/"), None)
        .expect("folder");
    let copy = NewMessage {
        uid: Some(1),
        message_id: Some("m9@example.test".into()),
        ..Default::default()
    };
    let other = NewMessage {
        uid: Some(2),
        message_id: Some("someone-elses@example.test".into()),
        ..Default::default()
    };
    let ids = store
        .insert_messages(folder.id, &[copy, other])
        .expect("stored");
    assert_eq!(store.sent_record(ids[0]).expect("read"), Some(id));
    assert_eq!(store.sent_record(ids[1]).expect("read"), None);
}

#[test]
fn matched_reports_can_be_left_out_of_all_inboxes_and_others_stay() {
    use crate::store::FolderRole;
    use crate::store::messages::{Order, Scope};
    let mut t = temp_store("delivery-hide");
    let store = &mut t.store;
    sent(store, "m5@example.test");
    let inbox = store
        .upsert_folder("a", "INBOX", Some("/"), Some(FolderRole::Inbox))
        .expect("folder");
    let mail = NewMessage {
        uid: Some(10),
        subject: "plain mail".into(),
        ..Default::default()
    };
    store.insert_messages(inbox.id, &[mail]).expect("mail");
    let matched = dsn(
        "m5@example.test",
        "",
        &[("ben@example.test", "delivered", "2.0.0", "ok")],
    );
    arrive(store, 11, &matched, 20);
    let stranger = dsn(
        "x@example.test",
        "",
        &[("ben@example.test", "delivered", "2.0.0", "ok")],
    );
    let stray = arrive(store, 12, &stranger, 30);
    let all = Scope::Role(FolderRole::Inbox);
    let without = Scope::RoleWithoutReports(FolderRole::Inbox);
    assert_eq!(store.count_in(all).expect("count"), 3);
    assert_eq!(store.count_in(without).expect("count"), 2);
    for order in [Order::Newest, Order::Threads] {
        let ids: Vec<i64> = store
            .list_at(without, order, 0, 10)
            .expect("list")
            .iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(ids.len(), 2, "{order:?}");
        assert!(ids.contains(&stray), "a report about nothing sent is mail");
    }
}

/// qmail's bounce (no report part) finds the message by the Message-ID of
/// its copy; only the recipient its text names failed.
#[test]
fn a_bounce_without_a_report_part_is_matched_by_its_copys_message_id() {
    let mut t = temp_store("delivery-qmail");
    let store = &mut t.store;
    let id = sent(store, "minutes.42@example.test");
    let qmail =
        crate::message::bounce::tests::QMAIL.replace("ghost@example.org", "cleo@example.test");
    let bounce = arrive(store, 1, qmail.as_bytes(), 50);
    assert_eq!(store.report_about(bounce).expect("read"), Some(id));
    let record = store.delivery(id).expect("read").expect("there");
    let stage_of = |who: &str| {
        record
            .recipients
            .iter()
            .find(|r| r.address == who)
            .map(|r| r.stage)
    };
    assert_eq!(stage_of("cleo@example.test"), Some(Stage::Failed));
    assert_eq!(
        stage_of("ben@example.test"),
        Some(Stage::Submitted),
        "named only in the copy"
    );
    // A qmail bounce about something never sent stays mail.
    let other = crate::message::bounce::tests::QMAIL.replace("minutes.42", "unknown");
    let stray = arrive(store, 2, other.as_bytes(), 60);
    assert_eq!(store.report_about(stray).expect("read"), None);
}
