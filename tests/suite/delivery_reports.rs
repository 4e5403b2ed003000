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
