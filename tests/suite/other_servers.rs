//! The second server pair of `tests/servers/altservers`: Cyrus IMAP 3.6
//! (IMAP, POP3) and Exim 4.96 (submission), set up to differ from Dovecot
//! where servers differ in the wild: no SPECIAL-USE and no CONDSTORE in
//! CAPABILITY, every folder named in German and unmarked, "/" as the
//! separator, POP3 with LOGIN-DELAY 60. The steps whose outcome depends on
//! the server's choices run here as they do against Dovecot.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use futures::TryStreamExt;
use postel::account::{Security, Server};
use postel::net::{imap, tls};

use crate::harness::unique;
use crate::postel::Postel;
use crate::receiving::{raw_message, rt};

/// What the tests know of the running Cyrus and Exim: their env file.
pub(crate) struct Alt {
    domain: String,
    ca: PathBuf,
    imaps: u16,
    pop3: u16,
    pop3s: u16,
    submission: u16,
    submissions: u16,
    users: HashMap<String, String>,
}

/// A missing env file fails the test: these never pass without the servers.
pub(crate) fn alt() -> &'static Alt {
    static ALT: OnceLock<Alt> = OnceLock::new();
    ALT.get_or_init(|| {
        let path = std::env::var_os("POSTEL_ALT_ENV")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("/tmp/postel-altservers-20000/env"));
        let vars = crate::harness::read_env(
            &path,
            "run the tests with tests/run, or start Cyrus and Exim with tests/servers/altservers start",
        );
        let var = |k: &str| {
            vars.get(k)
                .cloned()
                .unwrap_or_else(|| panic!("{k} missing"))
        };
        let port = |k: &str| var(k).parse::<u16>().expect("a port");
        Alt {
            domain: var("POSTEL_ALT_DOMAIN"),
            ca: var("POSTEL_ALT_CA").into(),
            imaps: port("POSTEL_ALT_IMAPS_PORT"),
            pop3: port("POSTEL_ALT_POP3_PORT"),
            pop3s: port("POSTEL_ALT_POP3S_PORT"),
            submission: port("POSTEL_ALT_SUBMISSION_PORT"),
            submissions: port("POSTEL_ALT_SUBMISSIONS_PORT"),
            users: var("POSTEL_ALT_USERS")
                .split_whitespace()
                .filter_map(|u| u.split_once(':'))
                .map(|(u, p)| (u.to_owned(), p.to_owned()))
                .collect(),
        }
    })
}

impl Alt {
    fn password(&self, user: &str) -> &str {
        &self.users[user]
    }

    pub(crate) fn address(&self, user: &str) -> String {
        format!("{user}@{}", self.domain)
    }
}

/// Cyrus's folder names as it writes them (modified UTF-7).
const TRASH: &str = "Gel&APY-schte Elemente";
const SENT: &str = "Gesendete Elemente";

async fn session(user: &str) -> imap::Session {
    let a = alt();
    let server = Server {
        host: "localhost".into(),
        port: a.imaps,
        security: Security::Tls,
        trusted_certificates: tls::read_pem_file(&a.ca).expect("CA"),
        ..Server::default()
    };
    imap::connect(&server, user, a.password(user))
        .await
        .expect("a Cyrus user logs in")
}

/// Subjects in a folder, as the server has them.
fn subjects(user: &str, folder: &str) -> Vec<String> {
    rt().block_on(async {
        let mut s = session(user).await;
        let mut found = Vec::new();
        if s.examine(folder).await.is_ok() {
            let fetches: Vec<_> = s
                .uid_fetch("1:*", "(UID BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
                .await
                .expect("FETCH")
                .try_collect()
                .await
                .expect("FETCH replies");
            for f in &fetches {
                let header = String::from_utf8_lossy(f.header().unwrap_or_default()).to_string();
                found.push(
                    header
                        .trim()
                        .strip_prefix("Subject: ")
                        .unwrap_or_default()
                        .to_owned(),
                );
            }
        }
        let _ = s.logout().await;
        found
    })
}

/// A new folder of `user` with `n` messages, subjects "{tag}-0" on.
fn folder_with(user: &str, tag: &str, n: usize) -> String {
    let folder = unique(tag);
    rt().block_on(async {
        let mut s = session(user).await;
        s.create(&folder).await.expect("CREATE");
        for i in 0..n {
            s.append(&folder, None, None, raw_message(i, &format!("{tag}-{i}")))
                .await
                .expect("APPEND");
        }
        let _ = s.logout().await;
    });
    folder
}

/// Sets `flag` on message `uid` of `folder`, as another client would.
fn flag_there(user: &str, folder: &str, uid: u32, flag: &str) {
    rt().block_on(async {
        let mut s = session(user).await;
        s.select(folder).await.expect("SELECT");
        let _: Vec<_> = s
            .uid_store(uid.to_string(), format!("+FLAGS ({flag})"))
            .await
            .expect("STORE")
            .try_collect()
            .await
            .expect("STORE replies");
        let _ = s.logout().await;
    });
}

fn wait_for(user: &str, folder: &str, subject: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !subjects(user, folder).iter().any(|s| s == subject) {
        assert!(
            Instant::now() < deadline,
            "{subject} never reached {folder} of {user}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// An account on Cyrus (IMAP) and Exim (submission, implicit TLS).
pub(crate) fn add_account(postel: &Postel, tag: &str, user: &str, protocol: &str) -> String {
    let a = alt();
    let incoming = match protocol {
        "pop3" => a.pop3s,
        _ => a.imaps,
    };
    postel.add_on_servers(
        tag,
        &crate::postel::Login {
            email: &a.address(user),
            user,
            password: a.password(user),
        },
        (protocol, incoming),
        a.submissions,
        &a.ca,
    )
}

fn send_to_self(postel: &Postel, account: &str, user: &str, subject: &str) {
    postel.ok(
        &[
            "send",
            "--account",
            account,
            "--to",
            &alt().address(user),
            "--subject",
            subject,
        ],
        Some("Grüße aus dem Test.\n"),
    );
}

/// The local id of the INBOX message with `subject`.
fn local_id(postel: &Postel, account: &str, subject: &str) -> i64 {
    let rows = postel.json(&["list", account, "--folder", "INBOX", "--limit", "1000"]);
    rows.as_array()
        .expect("rows")
        .iter()
        .find(|r| r["subject"] == subject)
        .and_then(|r| r["id"].as_i64())
        .unwrap_or_else(|| panic!("{subject} not in the local INBOX: {rows}"))
}

#[test]
fn on_cyrus_sent_trash_and_drafts_are_found_by_their_german_names() {
    let postel = Postel::new();
    let account = add_account(&postel, "cyrus-names", "bob", "imap");
    let subject = unique("cyrus-names");
    send_to_self(&postel, &account, "bob", &subject);
    wait_for("bob", "INBOX", &subject);
    // Through Exim; its copy in the folder whose name says Sent.
    wait_for("bob", SENT, &subject);

    let said = postel.ok(&["sync", &account], None);
    assert!(said.contains("new"), "{said}");
    let folders = postel.json(&["folders", &account]);
    let role_of = |role: &str| -> Vec<String> {
        folders
            .as_array()
            .expect("folders")
            .iter()
            .filter(|f| f["role"] == role)
            .filter_map(|f| f["display_name"].as_str().map(str::to_owned))
            .collect()
    };
    assert_eq!(role_of("sent"), ["Gesendete Elemente"], "{folders}");
    assert_eq!(role_of("drafts"), ["Entwürfe"], "{folders}");
    assert_eq!(role_of("trash"), ["Gelöschte Elemente"], "{folders}");

    let id = local_id(&postel, &account, &subject);
    postel.ok(&["delete", &account, &id.to_string()], None);
    assert!(
        subjects("bob", TRASH).contains(&subject),
        "deleted into the German Trash"
    );
    assert!(!subjects("bob", "INBOX").contains(&subject));
}

#[test]
fn on_cyrus_a_missing_trash_and_sent_are_made_and_used() {
    rt().block_on(async {
        let mut s = session("carol").await;
        for folder in [TRASH, SENT, "Trash", "Sent"] {
            let _ = s.delete(folder).await;
        }
        let _ = s.logout().await;
    });
    let postel = Postel::new();
    let account = add_account(&postel, "cyrus-missing", "carol", "imap");
    let subject = unique("cyrus-missing");
    let sent = postel.run(
        &[
            "send",
            "--account",
            &account,
            "--to",
            &alt().address("carol"),
            "--subject",
            &subject,
        ],
        Some("Grüße aus dem Test.\n"),
    );
    let said = String::from_utf8_lossy(&sent.stderr);
    assert!(sent.status.success(), "{said}");
    // No Sent folder at all: one is made for the copy, not skipped, and
    // the user is told.
    assert!(
        said.contains(&format!(
            "{account} had no Sent folder: Postel made the folder “Sent”"
        )),
        "{said}"
    );
    wait_for("carol", "INBOX", &subject);
    wait_for("carol", "Sent", &subject);

    postel.ok(&["sync", &account], None);
    let id = local_id(&postel, &account, &subject);
    let deleted = postel.run(&["delete", &account, &id.to_string()], None);
    let said = String::from_utf8_lossy(&deleted.stderr);
    assert!(deleted.status.success(), "{said}");
    assert!(
        said.contains(&format!(
            "{account} had no Trash folder: Postel made the folder “Trash”"
        )),
        "{said}"
    );
    assert!(
        subjects("carol", "Trash").contains(&subject),
        "a Trash made for it, never deleted for good"
    );
    assert!(!subjects("carol", "INBOX").contains(&subject));
}

#[test]
fn on_cyrus_pop3_downloads_then_waits_out_the_login_delay() {
    let postel = Postel::new();
    let imap_account = add_account(&postel, "cyrus-dave-imap", "dave", "imap");
    let subject = unique("cyrus-pop3");
    send_to_self(&postel, &imap_account, "dave", &subject);
    wait_for("dave", "INBOX", &subject);

    let pop3 = add_account(&postel, "cyrus-dave-pop3", "dave", "pop3");
    postel.ok(&["sync", &pop3], None);
    let rows = postel.json(&["list", &pop3, "--limit", "1000"]);
    assert!(
        rows.as_array()
            .expect("rows")
            .iter()
            .any(|r| r["subject"] == subject.as_str()),
        "{rows}"
    );
    // Cyrus allows one POP3 login a minute here (popminpoll 1).
    let again = postel.run(&["sync", &pop3], None);
    let said = String::from_utf8_lossy(&again.stderr);
    assert!(!again.status.success(), "{said}");
    assert!(
        said.contains("allows a new login only every 60 seconds"),
        "{said}"
    );
    assert!(
        !said.contains("refused the user name or password"),
        "{said}"
    );
}

#[test]
fn without_condstore_only_real_flag_changes_are_counted() {
    let folder = folder_with("alice", "flags", 3);
    let postel = Postel::new();
    let account = add_account(&postel, "cyrus-flags", "alice", "imap");
    postel.ok(&["sync", &account, "--folder", &folder], None);
    let again = postel.ok(&["sync", &account, "--folder", &folder], None);
    assert!(again.contains("0 flag change(s)"), "{again}");
    flag_there("alice", &folder, 1, "\\Flagged");
    let changed = postel.ok(&["sync", &account, "--folder", &folder], None);
    assert!(changed.contains("1 flag change(s)"), "{changed}");
}

/// No Drafts folder: a saved draft goes into one Postel makes, not only
/// onto this machine.
#[test]
fn on_cyrus_a_missing_drafts_folder_is_made_for_a_draft() {
    const DRAFTS: &str = "Entw&APw-rfe";
    rt().block_on(async {
        let mut s = session("sink").await;
        for folder in [DRAFTS, "Drafts"] {
            let _ = s.delete(folder).await;
        }
        let _ = s.logout().await;
    });
    let a = alt();
    let dirs = crate::harness::TempDir::new("cyrus-drafts");
    let server = |port| Server {
        host: "localhost".into(),
        port,
        security: Security::Tls,
        trusted_certificates: tls::read_pem_file(&a.ca).expect("CA"),
        ..Server::default()
    };
    let account = postel::account::Account {
        name: unique("cyrus-drafts"),
        email: a.address("sink"),
        incoming: postel::account::Incoming {
            username: "sink".into(),
            server: server(a.imaps),
            ..Default::default()
        },
        outgoing: postel::account::Outgoing {
            server: server(a.submissions),
            ..Default::default()
        },
        password: postel::account::PasswordSource::Command(vec![
            "echo".into(),
            a.password("sink").into(),
        ]),
        ..Default::default()
    };
    let subject = unique("cyrus-draft");
    rt().block_on(async {
        let engine = crate::harness::engine_with(&dirs, &account).await;
        let draft = postel::message::compose::Draft {
            subject: subject.clone(),
            text: "half written".into(),
            ..Default::default()
        };
        engine
            .save_draft(&account.name, &draft, None)
            .await
            .expect("saved");
    });
    assert_eq!(subjects("sink", "Drafts"), [subject]);
}

/// Exim's submission port with STARTTLS, and Cyrus's IDLE: mail sent
/// through 587 is announced by the watching account within seconds.
#[test]
fn on_exim_587_with_starttls_and_cyrus_idle() {
    let postel = Postel::new();
    let account = add_account(&postel, "cyrus-idle", "sink", "imap");
    let port = alt().submission.to_string();
    postel.ok(
        &[
            "account",
            "edit",
            &account,
            "--out-port",
            &port,
            "--out-security",
            "starttls",
        ],
        None,
    );
    postel.ok(&["sync", &account], None);
    let subject = unique("cyrus-idle");
    let seen = crate::receiving::watch_for(&postel, &account, &subject, || {
        send_to_self(&postel, &account, "sink", &subject);
    });
    let elapsed = seen.expect("IDLE on Cyrus reported the new message");
    assert!(elapsed < Duration::from_secs(10), "took {elapsed:?}");
}

/// Flags set here reach Cyrus, flags set there come back, and a move
/// lands in the folder named.
#[test]
fn on_cyrus_flags_go_both_ways_and_a_move_lands() {
    let folder = folder_with("alice", "both", 2);
    let target = folder_with("alice", "target", 0);
    let postel = Postel::new();
    let account = add_account(&postel, "cyrus-both", "alice", "imap");
    postel.ok(&["sync", &account, "--folder", &folder], None);
    let rows = postel.json(&["list", &account, "--folder", &folder]);
    let id_of = |subject: &str| {
        rows.as_array()
            .expect("rows")
            .iter()
            .find(|r| r["subject"] == subject)
            .and_then(|r| r["id"].as_i64())
            .expect("the message")
            .to_string()
    };
    let (first, second) = (id_of("both-0"), id_of("both-1"));
    postel.ok(&["flag", &account, &first, "--flagged"], None);
    let flags_there = |uid: u32| {
        rt().block_on(async {
            let mut s = session("alice").await;
            s.examine(&folder).await.expect("EXAMINE");
            let fetches: Vec<_> = s
                .uid_fetch(uid.to_string(), "(UID FLAGS)")
                .await
                .expect("FETCH")
                .try_collect()
                .await
                .expect("FETCH replies");
            let _ = s.logout().await;
            fetches
                .iter()
                .flat_map(|f| f.flags().map(|fl| format!("{fl:?}")))
                .collect::<Vec<_>>()
        })
    };
    assert!(
        flags_there(1).iter().any(|f| f.contains("Flagged")),
        "{:?}",
        flags_there(1)
    );
    // Read on the server (another client): seen here after a sync.
    flag_there("alice", &folder, 2, "\\Seen");
    postel.ok(&["sync", &account, "--folder", &folder], None);
    let rows = postel.json(&["list", &account, "--folder", &folder]);
    let seen = rows
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["subject"] == "both-1")
        .map(|r| r["flags"].to_string())
        .expect("the second message");
    assert!(seen.contains("seen"), "{seen}");

    postel.ok(&["move", &account, &second, &target], None);
    assert_eq!(subjects("alice", &target), ["both-1"]);
    assert_eq!(subjects("alice", &folder), ["both-0"]);
}

/// POP3 with STLS on Cyrus's plain port, and an attachment sent through
/// Exim read back byte for byte. (The only POP3 login of `sink`: Cyrus
/// allows one a minute.)
#[test]
fn on_cyrus_pop3_stls_gets_an_attachment_through_exim_intact() {
    let files = crate::harness::TempDir::new("cyrus-attach");
    let payload: Vec<u8> = (0..300_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    let file = files.path().join("Größe & Maß.bin");
    std::fs::write(&file, &payload).expect("attachment");
    let postel = Postel::new();
    let imap_account = add_account(&postel, "cyrus-sink-imap", "sink", "imap");
    let subject = unique("cyrus-attach");
    postel.ok(
        &[
            "send",
            "--account",
            &imap_account,
            "--to",
            &alt().address("sink"),
            "--subject",
            &subject,
            "--attach",
            &file.display().to_string(),
        ],
        Some("Anbei.\n"),
    );
    wait_for("sink", "INBOX", &subject);

    let pop3 = add_account(&postel, "cyrus-sink-pop3", "sink", "pop3");
    let plain = alt().pop3.to_string();
    postel.ok(
        &[
            "account",
            "edit",
            &pop3,
            "--in-port",
            &plain,
            "--in-security",
            "starttls",
        ],
        None,
    );
    postel.ok(&["sync", &pop3], None);
    let id = local_id(&postel, &pop3, &subject);
    let saved = files.path().join("saved");
    postel.ok(
        &[
            "read",
            &pop3,
            &id.to_string(),
            "--save-attachments",
            &saved.display().to_string(),
        ],
        None,
    );
    let got = std::fs::read(saved.join("Größe & Maß.bin")).expect("saved under its name");
    assert!(
        got == payload,
        "{} bytes back of {}",
        got.len(),
        payload.len()
    );
}

/// Exim's refusals: a 5xx for the recipient fails the message at once
/// with Exim's words; a wrong password keeps it queued.
#[test]
fn exims_refusals_are_reported_and_nothing_is_lost() {
    let postel = Postel::new();
    let account = add_account(&postel, "exim-refusals", "dave", "imap");
    let err = postel.fails(
        &[
            "send",
            "--account",
            &account,
            "--to",
            "nobody@example.test",
            "--subject",
            "to nobody",
        ],
        Some("x\n"),
    );
    assert!(err.contains("550"), "{err}");
    let outbox = postel.json(&["outbox", "--account", &account]);
    assert_eq!(outbox[0]["state"], "failed", "{outbox}");

    postel.ok(
        &["account", "edit", &account, "--password-stdin"],
        Some("wrong\n"),
    );
    let err = postel.fails(
        &[
            "send",
            "--account",
            &account,
            "--to",
            &alt().address("dave"),
            "--subject",
            &unique("exim-later"),
        ],
        Some("later\n"),
    );
    assert!(
        err.contains("refused the user name or password") && err.contains("535"),
        "{err}"
    );
    let outbox = postel.json(&["outbox", "--account", &account]);
    assert_eq!(outbox[0]["state"], "queued", "{outbox}");
}

/// A 4xx from Exim (a mailbox it always defers): the message is kept
/// for a later try, with Exim's reply in its history, not failed.
#[test]
fn exims_4xx_keeps_the_message_for_later() {
    let postel = Postel::new();
    let account = add_account(&postel, "exim-busy", "dave", "imap");
    let out = postel.run(
        &[
            "send",
            "--account",
            &account,
            "--to",
            &alt().address("busy"),
            "--subject",
            &unique("exim-busy"),
        ],
        Some("when you can\n"),
    );
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !out.status.success(),
        "not sent yet, so not a success: {said}"
    );
    assert!(said.contains("451"), "{said}");
    let outbox = postel.json(&["outbox", "--account", &account]);
    assert_eq!(outbox[0]["state"], "queued", "{outbox}");
    assert_eq!(outbox[0]["history"][0]["code"], 451, "{outbox}");
    // Exim as set up here offers no DSN: nothing was asked, and the
    // record says so (Postfix offers it: tests/suite/delivery_reports.rs).
    let note = outbox[0]["history"][0]["note"].as_str().unwrap_or_default();
    assert!(note.contains("no delivery reports"), "{note}");
}

/// An account set to OAuth2 on servers that offer neither OAUTHBEARER nor
/// XOAUTH2 (Cyrus and Exim here): each says so in one sentence, and no
/// token is sent by a mechanism the server did not name.
#[test]
fn oauth2_on_servers_without_the_mechanisms_says_so() {
    let a = alt();
    let server = |port: u16, security: Security| Server {
        host: "localhost".into(),
        port,
        security,
        auth: postel::account::AuthMechanism::OAuth2,
        trusted_certificates: tls::read_pem_file(&a.ca).expect("CA"),
        ..Server::default()
    };
    rt().block_on(async {
        let imap = imap::connect(&server(a.imaps, Security::Tls), "alice", "a-token")
            .await
            .err();
        let pop3 = postel::net::pop3::connect(&server(a.pop3s, Security::Tls), "alice", "a-token")
            .await
            .err();
        let smtp = postel::net::smtp::connect(
            &server(a.submissions, Security::Tls),
            Some(("alice", "a-token")),
        )
        .await
        .err();
        for (what, err) in [("IMAP", imap), ("POP3", pop3), ("SMTP", smtp)] {
            match err {
                Some(err @ postel::net::Error::NoAuthMechanism { .. }) => {
                    assert!(
                        err.to_string().contains("neither OAUTHBEARER nor XOAUTH2"),
                        "{what}: {err}"
                    );
                }
                other => panic!("{what}: {other:?}"),
            }
        }
    });
}
