//! Receiving against the real Dovecot: IMAP sync (new mail, flags both ways,
//! expunge, UIDVALIDITY, moves, IDLE). A dropped connection is in
//! `cut.rs`, POP3 in `pop3.rs`.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::TryStreamExt;
use postel::account::{Security, Server};
use postel::net::{imap, tls};

use crate::harness::{servers, unique};
use crate::postel::Postel;

pub(crate) fn test_server(port: u16, security: Security) -> Server {
    Server {
        host: "localhost".into(),
        port,
        security,
        trusted_certificates: tls::read_pem_file(&servers().ca).expect("CA"),
        ..Server::default()
    }
}

/// A session of a test user, straight to Dovecot, to set the scene and check.
pub async fn session(user: &str) -> imap::Session {
    let s = servers();
    imap::connect(&test_server(s.imaps, Security::Tls), user, s.password(user))
        .await
        .expect("test user logs in")
}

pub(crate) fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

pub(crate) fn raw_message(i: usize, subject: &str) -> String {
    format!(
        "From: =?UTF-8?Q?Z=C3=B6e_Sender?= <zoe{i}@example.test>\r\n\
         To: alice@example.test\r\n\
         Subject: {subject}\r\n\
         Date: Mon, {:02} Nov 2026 10:{:02}:00 +0000\r\n\
         Message-ID: <m{i}.{subject}@example.test>\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\n\
         Body of message {i}, with the word kumquat{i}.\r\n",
        1 + i % 28,
        i % 60
    )
}

/// Creates a folder for one test and appends `n` messages; returns the name.
pub(crate) async fn folder_with(user: &str, tag: &str, n: usize) -> String {
    let folder = unique(tag);
    let mut s = session(user).await;
    if let Err(e) = s.create(&folder).await {
        // Dovecot's Maildir CREATE makes the folder's directory, then its
        // cur/new/tmp; another test's sync of the same user that LISTs and
        // opens the folder in between makes those itself, and our CREATE
        // then answers ALREADYEXISTS although the (unique) folder is ours.
        assert!(format!("{e:?}").contains("ALREADYEXISTS"), "CREATE: {e:?}");
        let status = s.status(&folder, "(MESSAGES)").await.expect("STATUS");
        assert_eq!(status.exists, 0, "{folder} is new and empty");
    }
    for i in 0..n {
        let flags = if i % 3 == 0 { Some("(\\Seen)") } else { None };
        s.append(&folder, flags, None, raw_message(i, &format!("{tag}-{i}")))
            .await
            .expect("APPEND");
    }
    let _ = s.logout().await;
    folder
}

/// The server's view: uid -> (subject, flags) via UID FETCH.
pub(crate) async fn server_view(user: &str, folder: &str) -> BTreeMap<u32, (String, Vec<String>)> {
    let mut s = session(user).await;
    s.examine(folder).await.expect("EXAMINE");
    let fetches: Vec<_> = s
        .uid_fetch("1:*", "(UID FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
        .await
        .expect("FETCH")
        .try_collect()
        .await
        .expect("FETCH replies");
    let mut view = BTreeMap::new();
    for f in &fetches {
        let header = String::from_utf8_lossy(f.header().unwrap_or_default()).to_string();
        let subject = header
            .trim()
            .strip_prefix("Subject: ")
            .unwrap_or_default()
            .to_owned();
        let mut flags: Vec<String> = f
            .flags()
            .filter_map(|fl| match fl {
                async_imap::types::Flag::Seen => Some("seen".to_owned()),
                async_imap::types::Flag::Flagged => Some("flagged".to_owned()),
                _ => None,
            })
            .collect();
        flags.sort();
        view.insert(f.uid.expect("uid"), (subject, flags));
    }
    let _ = s.logout().await;
    view
}

/// Postel's view of the same folder, through the CLI.
pub(crate) fn local_view(
    postel: &Postel,
    account: &str,
    folder: &str,
) -> BTreeMap<u32, (String, Vec<String>)> {
    let rows = postel.json(&["list", account, "--folder", folder, "--limit", "100000"]);
    rows.as_array()
        .expect("array")
        .iter()
        .map(|r| {
            let mut flags: Vec<String> = r["flags"]
                .as_array()
                .expect("flags")
                .iter()
                .filter_map(|f| f.as_str())
                .filter(|f| matches!(*f, "seen" | "flagged"))
                .map(str::to_owned)
                .collect();
            flags.sort();
            (
                r["uid"].as_u64().expect("uid") as u32,
                (r["subject"].as_str().expect("subject").to_owned(), flags),
            )
        })
        .collect()
}

pub fn id_of(postel: &Postel, account: &str, folder: &str, uid: u32) -> i64 {
    let rows = postel.json(&["list", account, "--folder", folder, "--limit", "100000"]);
    rows.as_array()
        .expect("array")
        .iter()
        .find(|r| r["uid"].as_u64() == Some(u64::from(uid)))
        .and_then(|r| r["id"].as_i64())
        .unwrap_or_else(|| panic!("uid {uid} not in the local list"))
}

#[test]
fn sync_mirrors_the_server_then_follows_its_changes() {
    let rt = rt();
    let folder = rt.block_on(folder_with("alice", "mirror", 30));
    let postel = Postel::new();
    let account = postel.add_imap("mirror", "alice", "alicepass");
    postel.ok(&["sync", &account, "--folder", &folder], None);
    let server = rt.block_on(server_view("alice", &folder));
    assert_eq!(server.len(), 30);
    assert_eq!(local_view(&postel, &account, &folder), server);

    // Headers are decoded, and the list pages by key without gaps.
    let first = postel.json(&["list", &account, "--folder", &folder, "--limit", "10"]);
    assert_eq!(first.as_array().expect("page").len(), 10);
    assert!(
        first[0]["from"]
            .as_str()
            .expect("from")
            .starts_with("Zöe Sender <zoe")
    );
    let last_id = first[9]["id"].as_i64().expect("id").to_string();
    let next = postel.json(&[
        "list", &account, "--folder", &folder, "--limit", "100", "--before", &last_id,
    ]);
    assert_eq!(next.as_array().expect("page").len(), 20);

    // Changes on the server: a flag, an expunge and a new message.
    rt.block_on(async {
        let mut s = session("alice").await;
        s.select(&folder).await.expect("SELECT");
        let _: Vec<_> = s
            .uid_store("2", "+FLAGS (\\Flagged)")
            .await
            .expect("STORE")
            .try_collect()
            .await
            .expect("ok");
        let _: Vec<_> = s
            .uid_store("5", "+FLAGS (\\Deleted)")
            .await
            .expect("STORE")
            .try_collect()
            .await
            .expect("ok");
        let _: Vec<_> = s
            .expunge()
            .await
            .expect("EXPUNGE")
            .try_collect()
            .await
            .expect("ok");
        s.append(&folder, None, None, raw_message(99, "mirror-new"))
            .await
            .expect("APPEND");
        let _ = s.logout().await;
    });
    let out = postel.ok(&["sync", &account, "--folder", &folder], None);
    assert!(out.contains("1 new"), "{out}");
    let server = rt.block_on(server_view("alice", &folder));
    assert!(!server.contains_key(&5) && server[&2].1.contains(&"flagged".to_owned()));
    assert_eq!(local_view(&postel, &account, &folder), server);

    // Changes here go to the server.
    let id = id_of(&postel, &account, &folder, 3);
    postel.ok(&["flag", &account, &id.to_string(), "--flagged"], None);
    let id = id_of(&postel, &account, &folder, 1);
    postel.ok(&["flag", &account, &id.to_string(), "--unseen"], None);
    let server = rt.block_on(server_view("alice", &folder));
    assert_eq!(server[&3].1, ["flagged"]);
    assert_eq!(server[&1].1, Vec::<String>::new());
    postel.ok(&["sync", &account, "--folder", &folder], None);
    assert_eq!(local_view(&postel, &account, &folder), server);

    // A resync with no change changes nothing.
    let out = postel.ok(&["sync", &account, "--folder", &folder], None);
    assert!(out.contains("0 new, 0 flag change(s), 0 removed"), "{out}");
}

/// What a first sync of an account says to the server, in order: INBOX
/// is selected before the folder list is asked for (on Dovecot with
/// Maildir, a LIST makes every later SELECT re-read the folder's
/// directory: 65-400 ms at 100k messages instead of under 1 ms).
#[test]
fn a_first_sync_selects_inbox_before_listing_folders() {
    let other = rt().block_on(folder_with("alice", "first", 1));
    let postel = Postel::new();
    let account = postel.add_imap("first", "alice", "alicepass");
    let (port, said) = recording_proxy(servers().imap);
    let port = port.to_string();
    postel.ok(
        &[
            "account",
            "edit",
            &account,
            "--in-port",
            &port,
            "--in-security",
            "none",
        ],
        None,
    );
    // One folder named by the user: INBOX, synced once, then the list of
    // the others for the folder pane (`folders_created_and_deleted_on_the_
    // server_follow` syncs them all).
    postel.ok(&["sync", &account, "--folder", "INBOX"], None);
    let said = String::from_utf8_lossy(&said.lock().expect("record")).into_owned();
    let commands: Vec<&str> = said
        .lines()
        .filter_map(|l| l.split(' ').nth(1))
        .filter(|c| ["SELECT", "LIST", "FETCH"].contains(&c.to_ascii_uppercase().as_str()))
        .collect();
    let count = |name: &str| {
        commands
            .iter()
            .filter(|c| c.eq_ignore_ascii_case(name))
            .count()
    };
    assert_eq!((count("SELECT"), count("LIST")), (1, 1), "{said}");
    assert!(
        commands
            .first()
            .is_some_and(|c| c.eq_ignore_ascii_case("SELECT")),
        "{said}"
    );
    assert!(
        commands
            .last()
            .is_some_and(|c| c.eq_ignore_ascii_case("LIST")),
        "{said}"
    );
    assert!(said.contains(" SELECT \"INBOX\""), "{said}");
    let folders = postel.json(&["folders", &account]);
    assert!(
        folders
            .as_array()
            .expect("folders")
            .iter()
            .any(|f| f["name"] == other.as_str()),
        "{folders}"
    );
}

/// A first sync and a prefetch in batches of two: with the next batch asked
/// for before one is read (and Dovecot running both at once), every message
/// is stored once, with its body, and found by a word of its body.
#[test]
fn small_pipelined_batches_store_every_message_and_body_once() {
    let rt = rt();
    let n = 7;
    let folder = rt.block_on(folder_with("alice", "batches", n));
    let s = servers();
    let dir = crate::harness::TempDir::new("batches");
    let account = postel::account::Account {
        name: unique("batches"),
        email: s.address("alice"),
        incoming: postel::account::Incoming {
            username: "alice".into(),
            server: test_server(s.imaps, Security::Tls),
            ..Default::default()
        },
        password: postel::account::PasswordSource::Command(vec![
            "echo".into(),
            s.password("alice").into(),
        ]),
        ..Default::default()
    };
    let store =
        postel::store::SharedStore::new(postel::store::Store::open(dir.path()).expect("store"));
    let options = postel::sync::Options {
        folder: Some(folder.clone()),
        prefetch_days: Some(100_000),
        batch: 2,
        body_batch: 2,
        ..postel::sync::Options::default()
    };
    let summary = rt
        .block_on(postel::sync::imap::sync(
            &account,
            &store,
            &options,
            &postel::sync::quiet(),
        ))
        .expect("sync");
    assert_eq!((summary.new_messages, summary.bodies), (n as u64, n as u64));
    let server: Vec<u32> = rt
        .block_on(server_view("alice", &folder))
        .into_keys()
        .collect();
    let name = account.name.clone();
    let (uids, bodies, found) = rt
        .block_on(store.run(move |st| {
            let f = st.folder(&name, &folder)?.expect("the folder is stored");
            let uids = st.uids(f.id)?;
            let mut bodies = 0;
            let mut found = Vec::new();
            for i in 0..n {
                let hits = st.search(&format!("kumquat{i}"), Some(&name), 10)?;
                found.push(hits.len());
                for hit in hits {
                    bodies += usize::from(st.has_body(hit.id)?);
                }
            }
            Ok((uids, bodies, found))
        }))
        .expect("store");
    assert_eq!(uids, server);
    assert_eq!(found, vec![1; n], "each message's body word finds it once");
    assert_eq!(bodies, n);
}

/// Folders synced before are synced first and the folder list is asked for
/// after them: one deleted on the server since is dropped without failing
/// the sync, one created since is synced in the same run.
#[test]
fn folders_created_and_deleted_on_the_server_follow() {
    let rt = rt();
    // A user of its own: a sync of all folders sees every folder it has.
    let user = "ivy";
    let keep = rt.block_on(folder_with(user, "keep", 3));
    let gone = rt.block_on(folder_with(user, "gone", 2));
    let postel = Postel::new();
    let account = postel.add_imap("folders", user, "ivypass");
    // A first sync starts at INBOX before it knows the other folders (on
    // Dovecot a LIST first slows every SELECT after it), then syncs each
    // folder the LIST finds, INBOX not a second time.
    let first = postel.run(&["sync", &account], None);
    assert!(first.status.success(), "{first:?}");
    let done: Vec<String> = String::from_utf8_lossy(&first.stderr)
        .lines()
        .filter(|l| l.ends_with(" done"))
        .map(|l| {
            let name = l.split(' ').nth(3).expect("folder name");
            name.trim_end_matches(':').to_owned()
        })
        .collect();
    assert_eq!(done.first().map(String::as_str), Some("INBOX"), "{done:?}");
    for folder in [&keep, &gone, &"INBOX".to_owned()] {
        assert_eq!(done.iter().filter(|f| f == &folder).count(), 1, "{done:?}");
    }
    let names = |postel: &Postel| -> Vec<String> {
        postel
            .json(&["folders", &account])
            .as_array()
            .expect("folders")
            .iter()
            .map(|f| f["name"].as_str().expect("name").to_owned())
            .collect()
    };
    let before = names(&postel);
    assert!(
        before.contains(&keep) && before.contains(&gone),
        "{before:?}"
    );

    rt.block_on(async {
        let mut s = session(user).await;
        s.delete(&gone).await.expect("DELETE");
        let _ = s.logout().await;
    });
    let fresh = rt.block_on(folder_with(user, "fresh", 4));
    rt.block_on(async {
        let mut s = session(user).await;
        s.append(&keep, None, None, raw_message(7, "keep-new"))
            .await
            .expect("APPEND");
        let _ = s.logout().await;
    });
    let out = postel.ok(&["sync", &account], None);
    assert!(out.contains("5 new"), "{out}");
    let after = names(&postel);
    assert!(after.contains(&keep) && after.contains(&fresh), "{after:?}");
    assert!(!after.contains(&gone), "{after:?}");
    for folder in [&keep, &fresh] {
        let server = rt.block_on(server_view(user, folder));
        assert_eq!(local_view(&postel, &account, folder), server, "{folder}");
    }
}

#[test]
fn a_new_uidvalidity_resets_the_folder() {
    let rt = rt();
    let folder = rt.block_on(folder_with("alice", "validity", 4));
    let postel = Postel::new();
    let account = postel.add_imap("validity", "alice", "alicepass");
    postel.ok(&["sync", &account, "--folder", &folder], None);
    assert_eq!(local_view(&postel, &account, &folder).len(), 4);
    rt.block_on(async {
        let mut s = session("alice").await;
        s.delete(&folder).await.expect("DELETE");
        s.create(&folder).await.expect("CREATE");
        for i in 0..2 {
            s.append(&folder, None, None, raw_message(i, "validity-again"))
                .await
                .expect("APPEND");
        }
        let _ = s.logout().await;
    });
    postel.ok(&["sync", &account, "--folder", &folder], None);
    let local = local_view(&postel, &account, &folder);
    assert_eq!(local, rt.block_on(server_view("alice", &folder)));
    assert!(
        local
            .values()
            .all(|(subject, _)| subject == "validity-again"),
        "{local:?}"
    );
}

#[test]
fn move_and_delete_reach_the_server() {
    let rt = rt();
    let folder = rt.block_on(folder_with("alice", "moving", 3));
    let target = rt.block_on(folder_with("alice", "target", 0));
    let postel = Postel::new();
    let account = postel.add_imap("moving", "alice", "alicepass");
    postel.ok(&["sync", &account], None);
    let id = id_of(&postel, &account, &folder, 1);
    postel.ok(&["move", &account, &id.to_string(), &target], None);
    let moved = rt.block_on(server_view("alice", &target));
    assert_eq!(
        moved.values().map(|(s, _)| s.as_str()).collect::<Vec<_>>(),
        ["moving-0"]
    );
    let id = id_of(&postel, &account, &folder, 2);
    postel.ok(&["delete", &account, &id.to_string()], None);
    let left = rt.block_on(server_view("alice", &folder));
    assert_eq!(
        left.values().map(|(s, _)| s.as_str()).collect::<Vec<_>>(),
        ["moving-2"]
    );
    let trash = rt.block_on(server_view("alice", "Trash"));
    assert!(
        trash.values().any(|(s, _)| s == "moving-1"),
        "deleted mail is in Trash"
    );
    postel.ok(&["sync", &account, "--folder", &target], None);
    assert_eq!(local_view(&postel, &account, &target), moved);
    assert_eq!(local_view(&postel, &account, &folder), left);
}

#[test]
fn bodies_are_fetched_on_demand_and_searchable() {
    let rt = rt();
    let folder = rt.block_on(folder_with("alice", "bodies", 3));
    let postel = Postel::new();
    let account = postel.add_imap("bodies", "alice", "alicepass");
    postel.ok(&["sync", &account, "--folder", &folder], None);
    let search = postel.json(&["search", "kumquat1", "--account", &account]);
    assert!(
        search.as_array().expect("rows").is_empty(),
        "body not downloaded yet"
    );
    let id = id_of(&postel, &account, &folder, 2);
    let text = postel.ok(&["read", &account, &id.to_string()], None);
    assert!(
        text.contains("Body of message 1, with the word kumquat1."),
        "{text}"
    );
    assert!(text.contains("Zöe Sender"), "{text}");
    let search = postel.json(&["search", "kumquat1", "--account", &account]);
    assert_eq!(search[0]["id"].as_i64(), Some(id));
    // Reading with BODY.PEEK left it unread on the server.
    let server = rt.block_on(server_view("alice", &folder));
    assert!(!server[&2].1.contains(&"seen".to_owned()));
    // Prefetch downloads the rest.
    postel.ok(
        &[
            "sync",
            &account,
            "--folder",
            &folder,
            "--prefetch-days",
            "100000",
        ],
        None,
    );
    let search = postel.json(&["search", "kumquat2", "--account", &account]);
    assert_eq!(search.as_array().expect("rows").len(), 1);
}

#[test]
fn a_prefetching_sync_indexes_every_message_once() {
    let rt = rt();
    let folder = rt.block_on(folder_with("alice", "fetchall", 4));
    let postel = Postel::new();
    let hits = |account: &str, query: &str| -> Vec<i64> {
        let found = postel.json(&["search", query, "--account", account]);
        let mut ids: Vec<i64> = found
            .as_array()
            .expect("rows")
            .iter()
            .map(|r| r["id"].as_i64().expect("id"))
            .collect();
        ids.sort_unstable();
        ids
    };
    // Every message prefetched: each is indexed with its body, once.
    let all = postel.add_imap("fetchall", "alice", "alicepass");
    let sync = |account: &str, days: &str| {
        postel.ok(
            &[
                "sync",
                account,
                "--folder",
                &folder,
                "--prefetch-days",
                days,
            ],
            None,
        );
    };
    let out = postel.run(
        &[
            "sync",
            &all,
            "--folder",
            &folder,
            "--prefetch-days",
            "100000",
        ],
        None,
    );
    assert!(out.status.success());
    // Progress, one line per stage as it ends (stderr is not a terminal):
    // the listing, then the download.
    let progress = String::from_utf8_lossy(&out.stderr);
    let listed = progress.find(": 4/4 messages, ").expect("listing progress");
    let fetched = progress
        .find(": 4/4 bodies downloaded, ")
        .unwrap_or_else(|| panic!("no download progress in {progress}"));
    assert!(listed < fetched, "{progress}");
    assert_eq!(hits(&all, "kumquat1"), [id_of(&postel, &all, &folder, 2)]);
    assert_eq!(hits(&all, "fetchall").len(), 4, "one row per message");
    // None in range (all dated 1-4 Nov 2026): the sync still indexes their
    // headers before it ends.
    let none = postel.add_imap("fetchnone", "alice", "alicepass");
    sync(&none, "0");
    assert!(hits(&none, "kumquat1").is_empty(), "no body downloaded");
    assert_eq!(hits(&none, "fetchall").len(), 4);
    assert_eq!(
        hits(&none, "\"fetchall-3\""),
        [id_of(&postel, &none, &folder, 4)]
    );
    // A body downloaded later replaces the header row.
    sync(&none, "100000");
    assert_eq!(hits(&none, "kumquat3"), [id_of(&postel, &none, &folder, 4)]);
    assert_eq!(hits(&none, "fetchall").len(), 4);
    // An account set to keep messages offline downloads them at every sync.
    let offline = postel.add_imap("fetchoffline", "alice", "alicepass");
    postel.ok(
        &["account", "edit", &offline, "--offline-days", "100000"],
        None,
    );
    let shown = postel.ok(&["account", "show", &offline], None);
    assert!(shown.contains("last 100000 days downloaded"), "{shown}");
    postel.ok(&["sync", &offline, "--folder", &folder], None);
    assert_eq!(
        hits(&offline, "kumquat2"),
        [id_of(&postel, &offline, &folder, 3)]
    );
}

#[test]
fn idle_brings_new_mail_into_the_store_within_seconds() {
    let s = servers();
    let postel = Postel::new();
    let account = postel.add_imap("idle", "dave", s.password("dave"));
    postel.ok(&["sync", &account], None);
    let subject = unique("idle");
    let seen = watch_for(&postel, &account, &subject, || {
        crate::smoke::submit(&s.address("dave"), &subject);
    });
    let elapsed = seen.expect("the new message was reported by IDLE");
    assert!(elapsed < Duration::from_secs(10), "took {elapsed:?}");
    let list = postel.json(&["list", &account, "--limit", "5"]);
    assert!(
        list.as_array()
            .expect("rows")
            .iter()
            .any(|r| r["subject"] == subject.as_str())
    );
}

/// Runs `postel sync ACCOUNT --watch`, calls `deliver` once it watches,
/// and gives how long after that a `new:` line named `subject` (None: not
/// within 10 s).
pub(crate) fn watch_for(
    postel: &Postel,
    account: &str,
    subject: &str,
    deliver: impl FnOnce(),
) -> Option<Duration> {
    // Killed when dropped, so a failing assertion leaves no process behind.
    struct Watching(std::process::Child);
    impl Drop for Watching {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut child = Watching(postel.spawn(&["sync", account, "--watch"]));
    let stderr = child.0.stderr.take().expect("stderr");
    let mut errors = BufReader::new(stderr).lines();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let line = errors.next().expect("watch keeps running").expect("line");
        if line.contains("watching") {
            break;
        }
        assert!(Instant::now() < deadline, "never started watching");
    }
    let sent = Instant::now();
    deliver();
    let stdout = child.0.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    while let Ok(line) = rx.recv_timeout(Duration::from_secs(10)) {
        if line.starts_with("new:") && line.contains(subject) {
            return Some(sent.elapsed());
        }
    }
    None
}

/// A loopback proxy to `upstream`: each connection's two directions run
/// on threads of their own, `up` copying from the client (first stream)
/// to the server, `down` from the server to the client.
pub(crate) fn proxy<U, D>(upstream: u16, up: U, down: D) -> u16
where
    U: Fn(TcpStream, TcpStream) + Send + Sync + 'static,
    D: Fn(TcpStream, TcpStream) + Send + Sync + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let (up, down) = (Arc::new(up), Arc::new(down));
    std::thread::spawn(move || {
        for client in listener.incoming().map_while(Result::ok) {
            let Ok(server) = TcpStream::connect(("127.0.0.1", upstream)) else {
                continue;
            };
            let (c_read, s_write) = (
                client.try_clone().expect("clone"),
                server.try_clone().expect("clone"),
            );
            let up = up.clone();
            std::thread::spawn(move || up(c_read, s_write));
            let down = down.clone();
            std::thread::spawn(move || down(server, client));
        }
    });
    port
}

/// A loopback proxy to Dovecot that keeps what clients send (commands,
/// with a plain-text login: a test account's password only).
fn recording_proxy(upstream: u16) -> (u16, Arc<std::sync::Mutex<Vec<u8>>>) {
    let said = Arc::new(std::sync::Mutex::new(Vec::new()));
    let record = said.clone();
    let port = proxy(
        upstream,
        move |mut from, mut to| {
            let mut buf = [0u8; 8192];
            while let Ok(n @ 1..) = from.read(&mut buf) {
                record.lock().expect("record").extend_from_slice(&buf[..n]);
                if to.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
            let _ = to.shutdown(Shutdown::Write);
        },
        |mut from, mut to| {
            let _ = std::io::copy(&mut from, &mut to);
            let _ = to.shutdown(Shutdown::Write);
        },
    );
    (port, said)
}
