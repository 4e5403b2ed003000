//! Read receipts (RFC 8098) between two test users on the real servers:
//! mia asks for one; noah's Postel sees the request and asks noah, who
//! sends it (nothing goes without that); Postfix carries the receipt back
//! and mia's sync reads it into noah's "read" state. A second look at
//! the message asks nothing, and a declined request sends nothing.

use std::time::{Duration, Instant};

use postel::store::delivery::Stage;

use crate::harness::{TempDir, servers, unique};
use crate::receiving::rt;
use crate::worker::user_account;

#[test]
fn a_receipt_goes_only_when_the_reader_says_so_and_comes_back_as_read() {
    let s = servers();
    let rt = rt();
    let (mia_dirs, noah_dirs) = (TempDir::new("mdn-mia"), TempDir::new("mdn-noah"));
    let (mia, noah) = (
        user_account("mdn-mia", "mia"),
        user_account("mdn-noah", "noah"),
    );
    let subject = unique("minutes");
    rt.block_on(async {
        let mia_engine = crate::harness::engine_with(&mia_dirs, &mia).await;
        let noah_engine = crate::harness::engine_with(&noah_dirs, &noah).await;
        let asked = postel::message::compose::Draft {
            to: vec![s.address("noah")],
            subject: subject.clone(),
            text: "Tell me when you have read them.".into(),
            read_receipt: true,
            ..Default::default()
        };
        let id = mia_engine.queue(&mia.name, &asked).await.expect("queued");
        let not_asked = postel::message::compose::Draft {
            subject: format!("{subject} (no receipt)"),
            read_receipt: false,
            ..asked.clone()
        };
        mia_engine
            .queue(&mia.name, &not_asked)
            .await
            .expect("queued");
        mia_engine.send_queued(&mia.name).await.expect("sent");

        // noah's side: the message arrives; its request is seen.
        let options = postel::sync::Options {
            prefetch_days: Some(30),
            ..postel::sync::Options::default()
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        let (with, without) = loop {
            noah_engine
                .sync(&noah.name, &options, &postel::sync::quiet())
                .await
                .expect("sync");
            let rows = noah_engine
                .list(&noah.name, "INBOX", 100, None)
                .await
                .expect("list");
            let find = |s: &str| rows.iter().find(|r| r.subject == s).map(|r| r.id);
            if let (Some(a), Some(b)) = (find(&subject), find(&format!("{subject} (no receipt)"))) {
                break (a, b);
            }
            assert!(Instant::now() < deadline, "the messages reached noah");
            tokio::time::sleep(Duration::from_millis(300)).await;
        };
        for wanted in [with, without] {
            noah_engine.body(&noah.name, wanted).await.expect("body");
        }
        assert_eq!(
            noah_engine.receipt_request(with).await.expect("look"),
            Some(s.address("mia")),
            "mia asks"
        );
        assert_eq!(
            noah_engine.receipt_request(without).await.expect("look"),
            None
        );
        // Nothing went by itself: noah's outbox is empty.
        assert!(noah_engine.outbox(None).await.expect("outbox").is_empty());
        let receipt = noah_engine
            .answer_receipt(with, true)
            .await
            .expect("answered")
            .expect("a receipt queued");
        noah_engine.send_queued(&noah.name).await.expect("sent");
        let sent = noah_engine.outbox_item(receipt).await.expect("item");
        assert_eq!(
            sent.state,
            postel::store::outbox::State::Sent,
            "{}",
            sent.last_error
        );
        assert_eq!(
            noah_engine.receipt_request(with).await.expect("look"),
            None,
            "asked once"
        );
        assert_eq!(
            noah_engine.answer_receipt(with, true).await.expect("again"),
            None,
            "a second answer sends nothing"
        );
        // noah's other clients are told (RFC 3503): the next sync sets
        // $MDNSent on the server's copy, and on that one only.
        noah_engine
            .sync(&noah.name, &options, &postel::sync::quiet())
            .await
            .expect("sync");
        let mut session = crate::receiving::session("noah").await;
        session.examine("INBOX").await.expect("EXAMINE");
        // SEARCH SUBJECT matches a substring: the other's subject holds
        // this one's.
        let flags_of = async |session: &mut postel::net::imap::Session, criteria: String| {
            use futures::TryStreamExt;
            let uids = session.uid_search(criteria).await.expect("SEARCH");
            let uid = uids.into_iter().max().expect("on the server");
            let fetched: Vec<_> = session
                .uid_fetch(uid.to_string(), "FLAGS")
                .await
                .expect("FETCH")
                .try_collect()
                .await
                .expect("fetched");
            fetched
                .first()
                .map(|f| f.flags().map(|f| format!("{f:?}")).collect::<Vec<_>>())
                .unwrap_or_default()
        };
        let answered = flags_of(
            &mut session,
            format!("SUBJECT \"{subject}\" NOT SUBJECT \"(no receipt)\""),
        )
        .await;
        assert!(
            answered.iter().any(|f| f.contains("$MDNSent")),
            "{answered:?}"
        );
        let other = flags_of(&mut session, format!("SUBJECT \"{subject} (no receipt)\"")).await;
        assert!(!other.iter().any(|f| f.contains("$MDNSent")), "{other:?}");
        let _ = session.logout().await;

        // mia's side: the receipt comes back and says "read".
        let deadline = Instant::now() + Duration::from_secs(30);
        let noah_stage = loop {
            mia_engine
                .sync(&mia.name, &options, &postel::sync::quiet())
                .await
                .expect("sync");
            let record = mia_engine.delivery(id).await.expect("record");
            let stage = record
                .recipients
                .iter()
                .find(|r| r.address.eq_ignore_ascii_case(&s.address("noah")))
                .map(|r| r.stage);
            if stage == Some(Stage::Displayed) || Instant::now() > deadline {
                break stage;
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
        };
        assert_eq!(noah_stage, Some(Stage::Displayed));
    });
}
