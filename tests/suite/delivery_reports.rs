//! Delivery reports (RFC 3461) asked of the real Postfix, which offers
//! DSN: the envelope id and NOTIFY go out with the message, the record
//! says so, and Postfix's report of the delivery comes back to the sender
//! carrying that envelope id. (Reading such reports back into each
//! recipient's state is issue 27's next step.)

use std::time::{Duration, Instant};

use postel::store::outbox::State;

use crate::harness::{TempDir, servers, unique};
use crate::receiving::rt;

#[test]
fn postfix_is_asked_for_reports_and_its_report_carries_the_envelope_id() {
    let s = servers();
    let rt = rt();
    let dirs = TempDir::new("dsn");
    let mut account = crate::worker::account("dsn", s.password("anna"));
    account.outgoing.report_delivery = true;
    let subject = unique("dsn");
    let item = rt.block_on(async {
        let engine = crate::harness::engine_with(&dirs, &account).await;
        let draft = postel::message::compose::Draft {
            to: vec![s.address("ben")],
            subject: subject.clone(),
            text: "report back".into(),
            ..Default::default()
        };
        let id = engine.queue(&account.name, &draft).await.expect("queued");
        engine.send_queued(&account.name).await.expect("sent");
        engine.outbox_item(id).await.expect("item")
    });
    assert_eq!(item.state, State::Sent, "{}", item.last_error);
    let note = &item.history.last().expect("an attempt").note;
    assert!(note.contains("delivery reports asked for (DSN)"), "{note}");
    assert_eq!(crate::sending::settle("ben", &subject, 1), 1);

    // Postfix reports the delivery to the sender, with the envelope id.
    let envid = postel::sync::dsn::envelope_id(&item.message_id);
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut report = None;
    while report.is_none() && Instant::now() < deadline {
        report = rt.block_on(async {
            let mut session = crate::receiving::session("anna").await;
            session.examine("INBOX").await.expect("EXAMINE");
            let found = session
                .uid_search(format!("BODY \"{envid}\""))
                .await
                .expect("SEARCH");
            let raw = match found.into_iter().max() {
                Some(uid) => {
                    use futures::TryStreamExt;
                    let fetched: Vec<_> = session
                        .uid_fetch(uid.to_string(), "BODY.PEEK[]")
                        .await
                        .expect("FETCH")
                        .try_collect()
                        .await
                        .expect("fetched");
                    fetched
                        .first()
                        .and_then(|f| f.body().map(|b| String::from_utf8_lossy(b).into_owned()))
                }
                None => None,
            };
            let _ = session.logout().await;
            raw
        });
        if report.is_none() {
            std::thread::sleep(Duration::from_millis(500));
        }
    }
    let report = report.expect("a delivery report reached the sender within 30 s");
    // Read back as a report: which message, whom, what happened.
    let read = postel::message::report::read(report.as_bytes()).expect("read as a report");
    assert_eq!(read.envelope_id.as_deref(), Some(envid.as_str()));
    assert_eq!(read.message_id.as_deref(), Some(item.message_id.as_str()));
    assert_eq!(read.recipients.len(), 1);
    assert_eq!(read.recipients[0].address, s.address("ben"));
    assert!(matches!(
        read.recipients[0].action,
        postel::message::report::Action::Relayed | postel::message::report::Action::Delivered
    ));
    assert!(
        report.contains("report-type=delivery-status"),
        "a DSN: {report}"
    );
    assert!(
        report.contains(&format!("Original-Envelope-Id: {envid}")),
        "{report}"
    );
    // Postfix hands the mail to Dovecot by LMTP, which does not speak DSN:
    // "relayed" (RFC 3464), where a final mailbox would say "delivered".
    assert!(
        report.contains("Action: relayed") || report.contains("Action: delivered"),
        "{report}"
    );
    assert!(
        report.contains(&format!("Original-Recipient: rfc822;{}", s.address("ben"))),
        "{report}"
    );
}

/// The whole loop against the real Postfix: one message to a mailbox
/// (ben), to an address Postfix accepts but Dovecot does not know
/// (ghost: bounced), and to one whose delivery is deferred (later: its
/// relay never answers). The reports Postfix sends back land
/// in the sender's INBOX; a sync (no offline days: the reports' bodies
/// are fetched for themselves) reads them into each recipient's state.
#[test]
fn the_reports_that_come_back_become_each_recipients_delivered_failed_or_delayed() {
    use postel::store::delivery::Stage;
    let s = servers();
    let rt = rt();
    let dirs = TempDir::new("dsn-track");
    let mut account = crate::worker::user_account("dsn-track", "rita");
    account.outgoing.report_delivery = true;
    let subject = unique("tracked");
    let (ben, ghost, later) = (s.address("ben"), s.address("ghost"), s.address("later"));
    rt.block_on(async {
        let engine = crate::harness::engine_with(&dirs, &account).await;
        let draft = postel::message::compose::Draft {
            to: vec![ben.clone(), ghost.clone()],
            cc: vec![later.clone()],
            subject: subject.clone(),
            text: "where did it go?".into(),
            ..Default::default()
        };
        let id = engine.queue(&account.name, &draft).await.expect("queued");
        engine.send_queued(&account.name).await.expect("sent");
        let sent = engine.delivery(id).await.expect("record");
        let item = engine.outbox_item(id).await.expect("item");
        assert_eq!(sent.state, State::Sent, "{}", item.last_error);
        for r in &sent.recipients {
            assert_eq!(r.stage, Stage::Submitted, "{r:?}");
            assert!(
                r.events.iter().any(|e| e.queue_id.is_some()),
                "the queue id is in the timeline: {r:?}"
            );
        }

        let options = postel::sync::Options {
            prefetch_days: None,
            ..postel::sync::Options::default()
        };
        let stage_of = |d: &postel::store::delivery::Delivery, who: &str| {
            d.recipients
                .iter()
                .find(|r| r.address.eq_ignore_ascii_case(who))
                .map(|r| r.stage)
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        let record = loop {
            engine
                .sync(&account.name, &options, &postel::sync::quiet())
                .await
                .expect("sync");
            let d = engine.delivery(id).await.expect("record");
            let done = matches!(stage_of(&d, &ben), Some(Stage::Relayed | Stage::Delivered))
                && stage_of(&d, &ghost) == Some(Stage::Failed)
                && stage_of(&d, &later) == Some(Stage::Delayed);
            if done || Instant::now() > deadline {
                break d;
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        };
        let summary: Vec<_> = record
            .recipients
            .iter()
            .map(|r| (r.address.clone(), r.stage))
            .collect();
        assert!(
            matches!(
                stage_of(&record, &ben),
                Some(Stage::Relayed | Stage::Delivered)
            ),
            "{summary:?}"
        );
        assert_eq!(
            stage_of(&record, &ghost),
            Some(Stage::Failed),
            "{summary:?}"
        );
        assert_eq!(
            stage_of(&record, &later),
            Some(Stage::Delayed),
            "{summary:?}"
        );
        let bounced = record
            .recipients
            .iter()
            .find(|r| r.address.eq_ignore_ascii_case(&ghost))
            .and_then(|r| r.events.last())
            .expect("ghost's last event");
        assert!(bounced.status.starts_with("5."), "{bounced:?}");
        assert!(
            !bounced.detail.is_empty(),
            "the server's words: {bounced:?}"
        );
        let delayed = record
            .recipients
            .iter()
            .find(|r| r.address.eq_ignore_ascii_case(&later))
            .and_then(|r| r.events.last())
            .expect("later's last event");
        assert!(delayed.status.starts_with("4."), "{delayed:?}");
        assert!(
            delayed.detail.contains("refused"),
            "the relay's refusal: {delayed:?}"
        );
    });
}

/// The record from the command line, over POP3 (the reports come whole
/// with the download): `outbox show` and `sent status` (by the bounce's
/// own id) print the same record, in JSON too.
#[test]
fn the_command_line_prints_each_recipients_state_from_reports_downloaded_over_pop3() {
    use crate::postel::{Login, Postel};
    let s = servers();
    let postel = Postel::new();
    let name = postel.add_on_servers(
        "dsn-cli",
        &Login {
            email: &s.address("vera"),
            user: "vera",
            password: s.password("vera"),
        },
        ("pop3", s.pop3s),
        s.submissions,
        &s.ca,
    );
    // Reports of delivery asked for this message alone (the account keeps
    // its default, failures and delays only): ben's "relayed" below can only
    // come from NOTIFY=SUCCESS sent with this message.
    let subject = unique("dsn-cli");
    let (ben, ghost) = (s.address("ben"), s.address("ghost"));
    let sent = postel.ok(
        &[
            "send",
            "--account",
            &name,
            "--to",
            &ben,
            "--to",
            &ghost,
            "--subject",
            &subject,
            "--delivery-report",
        ],
        Some("Did it arrive?\n"),
    );
    let id: String = sent
        .split("outbox message ")
        .nth(1)
        .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
        .unwrap_or_else(|| panic!("an outbox id in {sent:?}"))
        .to_owned();

    let stage = |record: &serde_json::Value, who: &str| {
        record["recipients"]
            .as_array()
            .expect("recipients")
            .iter()
            .find(|r| r["address"] == who)
            .map(|r| r["stage"].as_str().unwrap_or_default().to_owned())
            .unwrap_or_default()
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    let record = loop {
        postel.ok(&["sync", &name], None);
        let record = postel.json(&["outbox", "show", &id]);
        let done = stage(&record, &ghost) == "failed"
            && ["relayed", "delivered"].contains(&stage(&record, &ben).as_str());
        if done || Instant::now() > deadline {
            break record;
        }
        std::thread::sleep(Duration::from_millis(500));
    };
    assert_eq!(stage(&record, &ghost), "failed", "{record:#}");
    assert!(
        ["relayed", "delivered"].contains(&stage(&record, &ben).as_str()),
        "{record:#}"
    );
    let ghost_events = record["recipients"]
        .as_array()
        .expect("recipients")
        .iter()
        .find(|r| r["address"] == ghost.as_str())
        .map(|r| r["events"].clone())
        .expect("ghost's events");
    let stages: Vec<&str> = ghost_events
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["stage"].as_str())
        .collect();
    assert_eq!(
        stages,
        ["queued", "submitted", "failed"],
        "{ghost_events:#}"
    );

    // The bounce in the inbox leads to the same record.
    let inbox = postel.json(&["list", &name]);
    let bounce = inbox
        .as_array()
        .expect("a list")
        .iter()
        .find(|m| {
            m["from"]
                .as_str()
                .is_some_and(|f| f.to_ascii_lowercase().contains("mailer-daemon"))
                && m["subject"]
                    .as_str()
                    .is_some_and(|t| t.contains("Undelivered"))
        })
        .unwrap_or_else(|| panic!("the bounce is in the inbox: {inbox:#}"));
    let bounce_id = bounce["id"].as_i64().expect("an id").to_string();
    assert_eq!(postel.json(&["sent", "status", &bounce_id]), record);
    let text = postel.ok(&["sent", "status", &bounce_id], None);
    assert!(text.contains(&format!("failed     {ghost}")), "{text}");
    assert!(text.contains("5.1.1"), "{text}");
}

/// Exim (with Cyrus) offers no DSN, so nothing is asked, yet its bounce
/// (its own multipart/report, without the envelope id) still finds the
/// message it is about by the returned Message-ID.
#[test]
fn exims_bounce_without_dsn_is_matched_by_the_returned_message_id() {
    use crate::other_servers::{add_account, alt};
    let a = alt();
    let postel = crate::postel::Postel::new();
    let name = add_account(&postel, "exim-bounce", "erin", "imap");
    // Cyrus makes a mailbox at the first login: the bounce has somewhere to go.
    postel.ok(&["sync", &name], None);
    let ghost = a.address("ghost");
    let subject = unique("exim-bounce");
    let sent = postel.ok(
        &[
            "send",
            "--account",
            &name,
            "--to",
            &ghost,
            "--subject",
            &subject,
        ],
        Some("Anyone there?\n"),
    );
    let id: String = sent
        .split("outbox message ")
        .nth(1)
        .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
        .unwrap_or_else(|| panic!("an outbox id in {sent:?}"))
        .to_owned();
    let outbox = postel.json(&["outbox", "--account", &name]);
    let note = outbox[0]["history"][0]["note"].as_str().unwrap_or_default();
    assert!(note.contains("no delivery reports"), "{note}");
    let deadline = Instant::now() + Duration::from_secs(60);
    let record = loop {
        postel.ok(&["sync", &name], None);
        let record = postel.json(&["outbox", "show", &id]);
        let failed = record["recipients"][0]["stage"] == "failed";
        if failed || Instant::now() > deadline {
            break record;
        }
        std::thread::sleep(Duration::from_millis(500));
    };
    assert_eq!(
        record["recipients"][0]["address"],
        ghost.as_str(),
        "{record:#}"
    );
    assert_eq!(record["recipients"][0]["stage"], "failed", "{record:#}");
}

/// A bounce with no report part, as qmail writes it, in the sender's
/// INBOX on Dovecot (put there by APPEND: no MTA here bounces this way):
/// the sync reads it, finds the message by the Message-ID in its copy,
/// and marks the recipient its text names as failed, not the other.
#[test]
fn a_qmail_bounce_on_the_server_marks_the_recipient_it_names() {
    use postel::store::delivery::Stage;
    let s = servers();
    let rt = rt();
    let dirs = TempDir::new("qmail-bounce");
    let account = crate::worker::user_account("qmail-bounce", "noah");
    let subject = unique("qmail");
    let (ben, mia) = (s.address("ben"), s.address("mia"));
    rt.block_on(async {
        let engine = crate::harness::engine_with(&dirs, &account).await;
        let draft = postel::message::compose::Draft {
            to: vec![ben.clone(), mia.clone()],
            subject: subject.clone(),
            text: "one of you will not get this".into(),
            ..Default::default()
        };
        let id = engine.queue(&account.name, &draft).await.expect("queued");
        engine.send_queued(&account.name).await.expect("sent");
        let item = engine.outbox_item(id).await.expect("item");
        assert_eq!(item.state, State::Sent, "{}", item.last_error);

        let bounce_id = format!("{}@mx.example.org", unique("bounce"));
        let bounce = format!(
            "Return-Path: <>\r\nFrom: MAILER-DAEMON@mx.example.org\r\nTo: {noah}\r\n\
             Subject: failure notice\r\nDate: Sat, 5 Dec 2026 08:00:00 +0000\r\n\
             Message-ID: <{bounce_id}>\r\n\r\n\
             Hi. This is the qmail-send program at mx.example.org.\r\n\
             I'm afraid I wasn't able to deliver your message to the following addresses.\r\n\
             This is a permanent error; I've given up. Sorry it didn't work out.\r\n\r\n\
             <{mia}>:\r\nSorry, no mailbox here by that name. (#5.1.1)\r\n\r\n\
             --- Below this line is a copy of the message.\r\n\r\n\
             Return-Path: <{noah}>\r\nFrom: {noah}\r\nTo: {ben}, {mia}\r\n\
             Message-ID: <{mid}>\r\nSubject: {subject}\r\n\r\none of you will not get this\r\n",
            noah = s.address("noah"),
            mid = item.message_id,
        );
        let mut session = crate::receiving::session("noah").await;
        session
            .append("INBOX", None, None, bounce.as_bytes())
            .await
            .expect("APPEND");
        let _ = session.logout().await;

        let options = postel::sync::Options {
            prefetch_days: None,
            ..postel::sync::Options::default()
        };
        engine
            .sync(&account.name, &options, &postel::sync::quiet())
            .await
            .expect("sync");
        let record = engine.delivery(id).await.expect("record");
        let of = |who: &str| {
            record
                .recipients
                .iter()
                .find(|r| r.address.eq_ignore_ascii_case(who))
                .cloned()
                .expect("a recipient")
        };
        let failed = of(&mia);
        assert_eq!(failed.stage, Stage::Failed, "{record:?}");
        let last = failed.events.last().expect("an event");
        assert_eq!(last.status, "5.1.1");
        assert!(last.detail.contains("no mailbox here"), "{last:?}");
        assert_eq!(of(&ben).stage, Stage::Submitted, "{record:?}");
        // The bounce in the list leads to the record.
        let rows = engine
            .list(&account.name, "INBOX", 200, None)
            .await
            .expect("list");
        let bounce = rows
            .iter()
            .find(|r| r.message_id.as_deref() == Some(bounce_id.as_str()))
            .expect("the bounce is listed");
        assert_eq!(engine.sent_record(bounce.id).await.expect("read"), Some(id));
    });
}
