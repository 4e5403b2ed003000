//! Sending against the real Postfix and Dovecot: both TLS modes, attachments
//! byte for byte over IMAP and POP3, Bcc, 4xx/5xx handling, the Sent copy,
//! and crash safety when the sender is killed anywhere in the dialogue.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use postel::account::{Security, Server};
use postel::net::{imap, tls};

use crate::harness::{TempDir, servers, unique};
use crate::postel::Postel;

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

async fn session(user: &str) -> imap::Session {
    let s = servers();
    let server = Server {
        host: "localhost".into(),
        port: s.imaps,
        security: Security::Tls,
        trusted_certificates: tls::read_pem_file(&s.ca).expect("CA"),
        ..Server::default()
    };
    imap::connect(&server, user, s.password(user))
        .await
        .expect("test user logs in")
}

/// How many messages with this subject are in a user's folder.
fn count(user: &str, folder: &str, subject: &str) -> usize {
    rt().block_on(async {
        let mut s = session(user).await;
        s.examine(folder).await.expect("EXAMINE");
        let n = s
            .uid_search(format!("SUBJECT \"{subject}\""))
            .await
            .expect("SEARCH")
            .len();
        let _ = s.logout().await;
        n
    })
}

/// Waits until `n` copies arrived, then a moment more to catch a duplicate.
pub fn settle(user: &str, subject: &str, n: usize) -> usize {
    let deadline = Instant::now() + Duration::from_secs(15);
    while count(user, "INBOX", subject) < n && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(700));
    count(user, "INBOX", subject)
}

fn add_sender(postel: &Postel, tag: &str, port: u16, security: &str) -> String {
    let s = servers();
    let name = unique(tag);
    let ca = s.ca.display().to_string();
    let (imaps, port) = (s.imaps.to_string(), port.to_string());
    postel.ok(
        &[
            "account",
            "add",
            &name,
            "--email",
            &s.address("alice"),
            "--display-name",
            "Alice Sender",
            "--incoming",
            "imap",
            "--in-host",
            "localhost",
            "--in-port",
            &imaps,
            "--out-host",
            "localhost",
            "--out-port",
            &port,
            "--out-security",
            security,
            "--username",
            "alice",
            "--password-stdin",
            "--trust-cert",
            &ca,
        ],
        Some("alicepass\n"),
    );
    name
}

/// The raw message with this subject, as Postel itself receives it.
pub fn receive(postel: &Postel, account: &str, subject: &str) -> Vec<u8> {
    postel.ok(&["sync", account, "--folder", "INBOX"], None);
    let rows = postel.json(&["search", subject, "--account", account]);
    let id = rows[0]["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("{subject} not received: {rows}"));
    let out = postel.run(&["read", account, &id.to_string(), "--raw"], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn mail_arrives_intact_over_both_tls_modes_with_bcc_hidden() {
    let s = servers();
    let files = TempDir::new("attach");
    let binary: Vec<u8> = (0..300_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let bin_path = files.path().join("random.bin");
    std::fs::write(&bin_path, &binary).expect("write");
    let text_path = files.path().join("Größe résumé – 日本.txt");
    std::fs::write(&text_path, "naïve café\n").expect("write");
    let postel = Postel::new();
    let bob = postel.add_imap("bob-in", "bob", "bobpass");
    let grace = postel.add_pop3("grace-in", "grace", &[]);
    for (port, security) in [(s.submissions, "tls"), (s.submission, "starttls")] {
        let sender = add_sender(&postel, "out", port, security);
        let subject = unique(&format!("intact-{security}"));
        let bin = bin_path.display().to_string();
        let txt = text_path.display().to_string();
        let out = postel.ok(
            &[
                "send",
                "--account",
                &sender,
                "--to",
                &s.address("bob"),
                "--bcc",
                &s.address("grace"),
                "--subject",
                &format!("{subject} Grüße"),
                "--attach",
                &bin,
                "--attach",
                &txt,
            ],
            Some("Hello Bob,\nthe files are attached.\n"),
        );
        assert!(out.starts_with("Sent:"), "{out}");
        assert_eq!(settle("bob", &subject, 1), 1);
        for raw in [
            receive(&postel, &bob, &subject),
            receive(&postel, &grace, &subject),
        ] {
            let msg = postel::message::parse(&raw).expect("parses");
            assert_eq!(
                msg.subject.as_deref(),
                Some(format!("{subject} Grüße").as_str())
            );
            assert_eq!(msg.from[0].name.as_deref(), Some("Alice Sender"));
            assert_eq!(msg.to[0].email, s.address("bob"));
            assert!(msg.cc.is_empty());
            let text = String::from_utf8_lossy(&raw);
            assert!(!text.contains("grace@"), "Bcc stays out of the headers");
            assert_eq!(
                msg.text.as_deref(),
                Some("Hello Bob,\nthe files are attached.\n")
            );
            let names: Vec<_> = msg
                .attachments
                .iter()
                .map(|a| a.name.clone().unwrap_or_default())
                .collect();
            assert_eq!(names, ["random.bin", "Größe résumé – 日本.txt"]);
            let got = postel::message::part_bytes(&raw, msg.attachments[0].index).expect("bytes");
            assert!(
                got == binary,
                "the binary attachment is byte-for-byte intact"
            );
            let got = postel::message::part_bytes(&raw, msg.attachments[1].index).expect("bytes");
            assert_eq!(got, "naïve café\n".as_bytes());
        }
        // The Sent copy, exactly once, even after another sync.
        postel.ok(&["sync", &sender, "--folder", "INBOX"], None);
        assert_eq!(count("alice", "Sent", &subject), 1);
    }
}

#[test]
fn refusals_are_reported_and_nothing_is_lost() {
    let s = servers();
    let postel = Postel::new();
    let sender = add_sender(&postel, "refusals", s.submissions, "tls");

    // 5xx for the recipient: failed at once, with the server's words.
    let err = postel.fails(
        &[
            "send",
            "--account",
            &sender,
            "--to",
            "nobody@example.test",
            "--subject",
            "to nobody",
        ],
        Some("x\n"),
    );
    assert!(err.contains("550") && err.contains("User unknown"), "{err}");
    let outbox = postel.json(&["outbox"]);
    assert_eq!(outbox[0]["state"], "failed");
    assert_eq!(outbox[0]["history"][0]["code"], 550);

    // A wrong password: the server's sentence, and the message stays queued.
    postel.ok(
        &["account", "edit", &sender, "--password-stdin"],
        Some("wrong\n"),
    );
    let subject = unique("later");
    let err = postel.fails(
        &[
            "send",
            "--account",
            &sender,
            "--to",
            &s.address("carol"),
            "--subject",
            &subject,
        ],
        Some("eventually\n"),
    );
    assert!(
        err.contains("refused the user name or password") && err.contains("535"),
        "{err}"
    );
    let outbox = postel.json(&["outbox"]);
    assert_eq!(outbox[0]["state"], "queued");

    // The server down: still queued.
    postel.ok(
        &[
            "account",
            "edit",
            &sender,
            "--password-stdin",
            "--out-port",
            "1",
        ],
        Some("alicepass\n"),
    );
    let id = outbox[0]["id"].as_i64().expect("id").to_string();
    let err = postel.fails(&["outbox", "retry", &id], None);
    assert!(err.contains("refused the connection"), "{err}");
    assert_eq!(postel.json(&["outbox"])[0]["state"], "queued");

    // The server back: a later run sends it, once.
    let port = s.submissions.to_string();
    postel.ok(&["account", "edit", &sender, "--out-port", &port], None);
    postel.ok(&["outbox", "retry", &id], None);
    assert_eq!(settle("carol", &subject, 1), 1);
    let item = &postel.json(&["outbox"])[0];
    assert_eq!(item["state"], "sent");
    assert_eq!(
        item["history"].as_array().expect("history").len(),
        3,
        "{item}"
    );
    assert!(
        item["history"][2]["queue_id"]
            .as_str()
            .is_some_and(|q| !q.is_empty())
    );
}

/// Where the proxy stops the dialogue before the sender is killed.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Stall {
    /// Holds the client's n-th line (1 = EHLO, 2 = the second EHLO that
    /// reads the extensions lettre drops, such as DSN, 3 = MAIL, 4 = RCPT,
    /// 5 = DATA, 6 = the first line of the message).
    ClientLine(usize),
    /// Holds the lone "." that ends the data.
    BeforeDot,
    /// Lets the "." through but holds the server's answer to it.
    AfterDot,
}

/// A one-connection plain-SMTP proxy to the test MX that stalls at `stall`
/// and reports when it did.
fn stalling_proxy(upstream: u16, stall: Stall) -> (u16, mpsc::Receiver<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let Ok((client, _)) = listener.accept() else {
            return;
        };
        let server = TcpStream::connect(("127.0.0.1", upstream)).expect("MX");
        let (dot_tx, dot_rx) = mpsc::channel::<()>();
        let (mut s_read, mut c_write) = (
            server.try_clone().expect("clone"),
            client.try_clone().expect("clone"),
        );
        let tx_reply = tx.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            let mut held = false;
            while let Ok(n) = s_read.read(&mut buf) {
                if n == 0 {
                    break;
                }
                if stall == Stall::AfterDot && dot_rx.try_recv().is_ok() {
                    held = true;
                    let _ = tx_reply.send(());
                }
                if !held && c_write.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
        });
        let (mut c_read, mut s_write) = (client, server);
        let mut line = Vec::new();
        let mut lines = 0;
        let mut in_data = false;
        let mut byte = [0u8; 1];
        while let Ok(1) = c_read.read(&mut byte) {
            line.push(byte[0]);
            if byte[0] != b'\n' {
                continue;
            }
            lines += 1;
            let is_dot = in_data && line == b".\r\n";
            if line.eq_ignore_ascii_case(b"DATA\r\n") {
                in_data = true;
            }
            let hold = match stall {
                Stall::ClientLine(n) => lines == n,
                Stall::BeforeDot => is_dot,
                Stall::AfterDot => false,
            };
            if hold {
                let _ = tx.send(());
                break;
            }
            if s_write.write_all(&line).is_err() {
                break;
            }
            if is_dot {
                let _ = dot_tx.send(());
            }
            line.clear();
        }
        // Wait for the sender to be killed, then drop both sides.
        std::thread::sleep(Duration::from_secs(2));
        let _ = s_write.shutdown(Shutdown::Both);
    });
    (port, rx)
}

#[test]
fn killing_the_sender_anywhere_delivers_once_or_notes_the_duplicate() {
    let s = servers();
    let mut report = Vec::new();
    let stalls = [
        Stall::ClientLine(1),
        Stall::ClientLine(2),
        Stall::ClientLine(3),
        Stall::ClientLine(4),
        Stall::ClientLine(5),
        Stall::ClientLine(6),
        Stall::BeforeDot,
        Stall::AfterDot,
    ];
    for stall in stalls {
        let postel = Postel::new();
        let (port, stalled) = stalling_proxy(s.smtp, stall);
        let name = unique("crash");
        let (imaps, port) = (s.imaps.to_string(), port.to_string());
        let ca = s.ca.display().to_string();
        postel.ok(
            &[
                "account",
                "add",
                &name,
                "--email",
                &s.address("alice"),
                "--incoming",
                "imap",
                "--in-host",
                "localhost",
                "--in-port",
                &imaps,
                "--out-host",
                "127.0.0.1",
                "--out-port",
                &port,
                "--out-security",
                "none",
                "--out-auth",
                "none",
                "--username",
                "alice",
                "--password-stdin",
                "--trust-cert",
                &ca,
            ],
            Some("alicepass\n"),
        );
        let subject = unique(&format!("crash-{stall:?}").replace(['(', ')'], ""));
        let mut child = postel.spawn_with_stdin(
            &[
                "send",
                "--account",
                &name,
                "--to",
                &s.address("frank"),
                "--subject",
                &subject,
            ],
            "line one\n.\nline three\n",
        );
        stalled
            .recv_timeout(Duration::from_secs(20))
            .unwrap_or_else(|_| panic!("{stall:?}: the proxy never stalled"));
        child.kill().expect("SIGKILL");
        let _ = child.wait();
        // Restart: the real MX this time.
        let mx = s.smtp.to_string();
        postel.ok(&["account", "edit", &name, "--out-port", &mx], None);
        let out = postel.run(&["outbox", "flush"], None);
        assert!(
            out.status.success(),
            "{stall:?}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        let expected = if stall == Stall::AfterDot { 2 } else { 1 };
        let delivered = settle("frank", &subject, expected);
        let item = &postel.json(&["outbox"])[0];
        assert_eq!(item["state"], "sent", "{stall:?}: {item}");
        let noted = item["history"]
            .as_array()
            .expect("history")
            .iter()
            .any(|a| {
                a["note"]
                    .as_str()
                    .is_some_and(|n| n.contains("twice") || n.contains("may have accepted"))
            });
        report.push(format!(
            "{stall:?}: delivered {delivered}, duplicate noted: {noted}"
        ));
        assert_eq!(delivered, expected, "{stall:?}");
        // Once the body started to go out, the sender cannot know whether
        // the server got the final dot: it says a duplicate is possible.
        let data_sent = matches!(
            stall,
            Stall::ClientLine(6) | Stall::BeforeDot | Stall::AfterDot
        );
        assert_eq!(noted, data_sent, "{stall:?}: {item}");
    }
    println!("crash points: {}", report.join("; "));
}

#[test]
fn a_draft_keeps_one_copy_on_the_server_until_it_is_discarded() {
    let s = servers();
    let dirs = TempDir::new("drafts");
    let account = postel::account::Account {
        name: unique("drafts"),
        email: s.address("alice"),
        incoming: postel::account::Incoming {
            username: "alice".into(),
            server: Server {
                host: "localhost".into(),
                port: s.imaps,
                trusted_certificates: tls::read_pem_file(&s.ca).expect("CA"),
                ..Server::default()
            },
            ..Default::default()
        },
        outgoing: postel::account::Outgoing {
            server: Server {
                host: "localhost".into(),
                port: s.submissions,
                ..Server::default()
            },
            ..Default::default()
        },
        password: postel::account::PasswordSource::Command(vec!["echo".into(), "alicepass".into()]),
        ..Default::default()
    };
    let (first, second) = (unique("draft-v1"), unique("draft-v2"));
    let engine_at = || {
        postel::engine::Engine::open(postel::engine::Dirs {
            config: dirs.path().join("config"),
            data: dirs.path().join("data"),
        })
        .expect("engine")
    };
    let id = rt().block_on(async {
        let engine = engine_at();
        engine
            .add_account(account.clone(), None)
            .await
            .expect("account");
        let mut draft = postel::message::compose::Draft {
            subject: first.clone(),
            text: "half written".into(),
            ..Default::default()
        };
        let (id, message_id) = engine
            .save_draft(&account.name, &draft, None)
            .await
            .expect("saved");
        draft.subject = second.clone();
        draft.to = vec![s.address("bob")];
        draft.message_id = Some(message_id);
        let (again, _) = engine
            .save_draft(&account.name, &draft, Some(id))
            .await
            .expect("saved");
        assert_eq!(id, again, "the same draft, replaced");
        id
    });
    assert_eq!(
        count("alice", "Drafts", &first),
        0,
        "the old version is gone"
    );
    assert_eq!(
        count("alice", "Drafts", &second),
        1,
        "the new one is there once"
    );
    let flagged = rt().block_on(async {
        let mut s = session("alice").await;
        s.examine("Drafts").await.expect("EXAMINE");
        let uids = s
            .uid_search(format!("SUBJECT \"{second}\" DRAFT"))
            .await
            .expect("SEARCH");
        let _ = s.logout().await;
        uids.len()
    });
    assert_eq!(flagged, 1, "stored with the \\Draft flag");
    rt().block_on(async {
        engine_at().delete_draft(id).await.expect("discarded");
    });
    assert_eq!(count("alice", "Drafts", &second), 0, "discarded means gone");
}

/// A draft saved while the server cannot be reached stays on this
/// machine, and the next sync puts it in the server's Drafts folder, once.
#[test]
fn a_draft_saved_offline_reaches_the_server_at_the_next_sync() {
    let dirs = TempDir::new("drafts-offline");
    let mut account = crate::worker::account("drafts-offline", "annapass");
    let reachable = account.incoming.server.port;
    // A port nobody listens on: the connection is refused at once.
    account.incoming.server.port = TcpListener::bind("127.0.0.1:0")
        .expect("a free port")
        .local_addr()
        .expect("its address")
        .port();
    let name = account.name.clone();
    let subject = unique("offline-draft");
    let engine = rt().block_on(crate::harness::engine_with(&dirs, &account));
    rt().block_on(async {
        let draft = postel::message::compose::Draft {
            subject: subject.clone(),
            text: "written on a train".into(),
            ..Default::default()
        };
        engine
            .save_draft(&name, &draft, None)
            .await
            .expect("saved here although the server is away");
    });
    assert_eq!(count("anna", "Drafts", &subject), 0, "not uploaded yet");

    account.incoming.server.port = reachable;
    rt().block_on(async {
        engine.edit_account(account, None).await.expect("edited");
        for _ in 0..2 {
            engine
                .sync(
                    &name,
                    &postel::sync::Options::default(),
                    &postel::sync::quiet(),
                )
                .await
                .expect("synced");
        }
    });
    assert_eq!(
        count("anna", "Drafts", &subject),
        1,
        "uploaded by the sync, once although it ran twice"
    );
}

#[test]
fn a_25_mb_attachment_arrives_whole_and_pop3_keeps_a_local_sent_copy() {
    let s = servers();
    let files = TempDir::new("big");
    let size = 25 * 1024 * 1024;
    let data: Vec<u8> = (0..size as u32)
        .map(|i| (i.wrapping_mul(2_246_822_519) >> 11) as u8)
        .collect();
    let path = files.path().join("big.bin");
    std::fs::write(&path, &data).expect("write");
    let postel = Postel::new();
    let sender = postel.add_pop3("pop-sender", "carol", &[]);
    let port = s.submissions.to_string();
    postel.ok(
        &[
            "account",
            "edit",
            &sender,
            "--out-port",
            &port,
            "--email",
            &s.address("carol"),
        ],
        None,
    );
    let subject = unique("big");
    let attach = path.display().to_string();
    let out = postel.ok(
        &[
            "send",
            "--account",
            &sender,
            "--to",
            &s.address("dave"),
            "--subject",
            &subject,
            "--attach",
            &attach,
        ],
        Some("25 MB follow.\n"),
    );
    assert!(out.starts_with("Sent:"), "{out}");
    // The POP3 account's copy is in its local Sent folder.
    let sent = postel.json(&["list", &sender, "--folder", "Sent"]);
    assert!(
        sent.as_array()
            .expect("rows")
            .iter()
            .any(|r| r["subject"] == subject.as_str()),
        "{sent}"
    );
    // Byte for byte at the recipient.
    assert_eq!(settle("dave", &subject, 1), 1);
    let raw = rt().block_on(async {
        let mut session = session("dave").await;
        session.examine("INBOX").await.expect("EXAMINE");
        let uid = *session
            .uid_search(format!("SUBJECT \"{subject}\""))
            .await
            .expect("SEARCH")
            .iter()
            .next()
            .expect("found");
        let fetches: Vec<_> = futures::TryStreamExt::try_collect(
            session
                .uid_fetch(uid.to_string(), "BODY.PEEK[]")
                .await
                .expect("FETCH"),
        )
        .await
        .expect("replies");
        let _ = session.logout().await;
        fetches[0].body().expect("body").to_vec()
    });
    let msg = postel::message::parse(&raw).expect("parses");
    let part = msg.attachments.first().expect("attachment");
    assert_eq!(part.name.as_deref(), Some("big.bin"));
    let got = postel::message::part_bytes(&raw, part.index).expect("bytes");
    assert!(got.len() == data.len() && got == data, "25 MB intact");
}
