//! POP3 download against the real Dovecot: each message exactly once, a
//! connection cut midway, pipelined RETRs, removal after N days.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use futures::TryStreamExt;
use postel::account::Security;

use crate::cut::cutting_proxy;
use crate::harness::{servers, unique};
use crate::postel::Postel;
use crate::receiving::{raw_message, rt, session, test_server};

/// A POP3S session of a test user.
async fn pop3_session(user: &str) -> postel::net::pop3::Client<postel::net::stream::Stream> {
    let s = servers();
    postel::net::pop3::connect(&test_server(s.pop3s, Security::Tls), user, s.password(user))
        .await
        .expect("POP3 login")
}

fn pop3_count(user: &str) -> u64 {
    rt().block_on(async {
        let mut c = pop3_session(user).await;
        let (n, _) = c.stat().await.expect("STAT");
        c.quit().await.expect("QUIT");
        n
    })
}

#[test]
fn pop3_downloads_each_message_exactly_once() {
    let s = servers();
    let user = "erin";
    let before = pop3_count(user);
    let postel = Postel::new();
    let keep = postel.add_pop3("pop-keep", user, &[]);
    let subjects: Vec<String> = (0..3).map(|i| unique(&format!("pop{i}"))).collect();
    for subject in &subjects {
        crate::smoke::submit(&s.address(user), subject);
    }
    wait_for_pop3(user, before + 3);
    let first = postel.ok(&["sync", &keep], None);
    assert!(first.contains(&format!("{} new", before + 3)), "{first}");
    let again = postel.ok(&["sync", &keep], None);
    assert!(again.contains("0 new"), "nothing twice: {again}");
    assert_eq!(
        pop3_count(user),
        before + 3,
        "left on the server by default"
    );
    let inbox = postel.json(&["list", &keep, "--limit", "1000"]);
    for subject in &subjects {
        let n = inbox
            .as_array()
            .expect("rows")
            .iter()
            .filter(|r| r["subject"] == subject.as_str())
            .count();
        assert_eq!(n, 1, "{subject} exactly once");
    }
    // Bodies came with the download: searchable at once.
    let found = postel.json(&["search", &subjects[0], "--account", &keep]);
    assert_eq!(found.as_array().expect("rows").len(), 1);

    // Another account on the same maildrop that does not leave mail there.
    let take = postel.add_pop3("pop-take", user, &["--leave-on-server", "false"]);
    postel.ok(&["sync", &take], None);
    assert_eq!(pop3_count(user), 0, "removed after download");
    let again = postel.ok(&["sync", &keep], None);
    assert!(again.contains("0 new"), "{again}");
    let inbox = postel.json(&["list", &keep, "--limit", "1000"]);
    assert_eq!(
        inbox.as_array().expect("rows").len() as u64,
        before + 3,
        "the local copies stay"
    );
}

/// "Delete from server after N days": what was downloaded long enough
/// ago leaves the server, what is newer stays, and the local copies all
/// stay.
#[test]
fn pop3_removes_from_the_server_only_what_is_old_enough() {
    let s = servers();
    let user = "kim";
    let postel = Postel::new();
    let name = postel.add_pop3("pop-age", user, &["--delete-after-days", "3"]);
    let before = pop3_count(user);
    let (old, new) = (unique("pop-old"), unique("pop-new"));
    crate::smoke::submit(&s.address(user), &old);
    wait_for_pop3(user, before + 1);
    postel.ok(&["sync", &name], None);
    crate::smoke::submit(&s.address(user), &new);
    wait_for_pop3(user, before + 2);
    postel.ok(&["sync", &name], None);
    assert_eq!(pop3_count(user), before + 2, "both younger than three days");

    // Four days pass for the first message (and for whatever an earlier
    // run left on the maildrop), not for the second.
    let store = postel
        .config
        .path()
        .join("data")
        .join(postel::store::FILE_NAME);
    let db = rusqlite::Connection::open(&store).expect("the store");
    let second_uidl: String = {
        let inbox = postel.json(&["list", &name, "--limit", "1000"]);
        let rows = inbox.as_array().expect("rows");
        assert_eq!(rows.len() as u64, before + 2, "{rows:?}");
        let id = rows
            .iter()
            .find(|r| r["subject"] == new.as_str())
            .and_then(|r| r["id"].as_i64())
            .expect("the new message");
        db.query_row("SELECT uidl FROM messages WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .expect("its UIDL")
    };
    let aged = db
        .execute(
            "UPDATE pop3_seen SET downloaded_at = downloaded_at - 4 * 86400 WHERE uidl != ?1",
            [&second_uidl],
        )
        .expect("aged");
    assert_eq!(aged as u64, before + 1);
    drop(db);

    let said = postel.ok(&["sync", &name], None);
    assert_eq!(pop3_count(user), 1, "only the new one stays: {said}");
    let left = rt().block_on(async {
        let mut c = pop3_session(user).await;
        let raw = c.retr(1).await.expect("RETR");
        c.quit().await.expect("QUIT");
        raw
    });
    let left = String::from_utf8_lossy(&left);
    assert!(left.contains(&new), "{left}");
    let inbox = postel.json(&["list", &name, "--limit", "1000"]);
    assert_eq!(
        inbox.as_array().expect("rows").len() as u64,
        before + 2,
        "every local copy stays"
    );
    postel.ok(&["sync", &name], None);
    assert_eq!(pop3_count(user), 1, "a later sync removes nothing more");
}

/// POP3 through a proxy that cuts the connection part way: what came
/// before the cut is stored, and the next sync fetches the rest, each
/// message once.
#[test]
fn a_pop3_download_cut_midway_loses_nothing_and_fetches_nothing_twice() {
    // A maildrop no other test reads, emptied first so that earlier runs
    // on the same servers do not move the cut.
    let user = "hank";
    let s = servers();
    let n = 250;
    let subjects: Vec<String> = rt().block_on(async {
        let mut session = session(user).await;
        let inbox = session.select("INBOX").await.expect("SELECT");
        if inbox.exists > 0 {
            session
                .store("1:*", "+FLAGS (\\Deleted)")
                .await
                .expect("STORE")
                .try_collect::<Vec<_>>()
                .await
                .expect("STORE replies");
            session
                .expunge()
                .await
                .expect("EXPUNGE")
                .try_collect::<Vec<_>>()
                .await
                .expect("EXPUNGE replies");
        }
        let mut subjects = Vec::new();
        for i in 0..n {
            let subject = unique(&format!("cut{i}"));
            session
                .append("INBOX", None, None, raw_message(i, &subject))
                .await
                .expect("APPEND");
            subjects.push(subject);
        }
        let _ = session.logout().await;
        subjects
    });
    // About half of the 250 messages (~400 bytes each) gets through.
    let (port, cuts) = cutting_proxy(s.pop3s, 60_000);
    let postel = Postel::new();
    let account = postel.add_pop3("pop-cut", user, &[]);
    postel.ok(
        &["account", "edit", &account, "--in-port", &port.to_string()],
        None,
    );
    let err = postel.fails(&["sync", &account], None);
    assert!(cuts.load(Ordering::Relaxed) >= 1, "the proxy cut it");
    assert!(err.contains("localhost"), "says which server: {err}");
    let ours = |postel: &Postel| -> Vec<String> {
        postel
            .json(&["list", &account, "--limit", "100000"])
            .as_array()
            .expect("rows")
            .iter()
            .filter_map(|r| r["subject"].as_str().map(str::to_owned))
            .filter(|subject| subjects.contains(subject))
            .collect()
    };
    let partial = ours(&postel).len();
    assert!(
        partial > 0 && partial < n,
        "what came before the cut is kept: {partial} of {n}"
    );
    assert_eq!(pop3_count(user), n as u64, "nothing else in the maildrop");
    postel.ok(
        &[
            "account",
            "edit",
            &account,
            "--in-port",
            &s.pop3s.to_string(),
        ],
        None,
    );
    let rest = postel.ok(&["sync", &account], None);
    // Only what the cut kept from coming: a message stored before it and
    // downloaded again would count as new here.
    assert!(
        rest.contains(&format!("{} new", n - partial)),
        "{partial} stored before the cut: {rest}"
    );
    let mut got = ours(&postel);
    got.sort();
    let mut want = subjects.clone();
    want.sort();
    assert_eq!(got, want, "each message once, none lost");
}

/// Pipelined RETRs give the same bytes as one at a time, and stop at the
/// first refusal with the messages before it.
#[test]
fn pipelined_retr_matches_one_at_a_time() {
    // The catch-all maildrop: nothing counts or empties it.
    let user = "sink";
    rt().block_on(async {
        let mut session = session(user).await;
        for i in 0..3 {
            let subject = unique(&format!("pipe{i}"));
            session
                .append("INBOX", None, None, raw_message(i, &subject))
                .await
                .expect("APPEND");
        }
        let _ = session.logout().await;
        let mut c = pop3_session(user).await;
        let caps = c.capabilities().await.expect("CAPA");
        assert!(caps.iter().any(|c| c == "PIPELINING"), "{caps:?}");
        let (n, _) = c.stat().await.expect("STAT");
        let n = u32::try_from(n).expect("count");
        let numbers = [n - 2, n - 1, n];
        let mut one_by_one = Vec::new();
        for &k in &numbers {
            one_by_one.push(c.retr(k).await.expect("RETR"));
        }
        let declared: Vec<(u32, Option<u64>)> = numbers.iter().map(|&k| (k, None)).collect();
        let (pipelined, err) = c.retr_pipelined(&declared).await;
        assert!(err.is_none(), "{err:?}");
        // Other tests' mail may land here too: whichever three are last,
        // both ways read the same bytes, in order.
        assert_eq!(pipelined, one_by_one);
        assert!(
            pipelined
                .iter()
                .all(|m| m.windows(9).any(|w| w == b"Subject: "))
        );
        let (before, err) = c
            .retr_pipelined(&[(n, None), (n + 100, None), (n - 1, None)])
            .await;
        assert_eq!(before, [one_by_one[2].clone()]);
        assert!(
            matches!(err, Some(postel::net::pop3::Error::Negative(_))),
            "{err:?}"
        );
    });
}

fn wait_for_pop3(user: &str, n: u64) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while pop3_count(user) < n {
        assert!(Instant::now() < deadline, "mail for {user} never arrived");
        std::thread::sleep(Duration::from_millis(100));
    }
}
