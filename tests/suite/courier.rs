//! Courier-IMAP 5 (`tests/servers/courier`): the server that offers
//! `UTF8=ACCEPT` (RFC 6855) and POP3 `UTF8` (RFC 6856), and by its build
//! has no SPECIAL-USE, CONDSTORE or MOVE. Its folders sit under "INBOX."
//! with "." between levels; erik's are named in French, as Outlook names
//! them, and unmarked. Mail is delivered by writing into the Maildirs, as
//! a local delivery agent does.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use postel::account::{Security, Server};
use postel::net::imap;

use crate::harness::unique;
use crate::postel::Postel;
use crate::receiving::rt;

struct Courier {
    imap: u16,
    pop3: u16,
    home: PathBuf,
    users: HashMap<String, String>,
}

/// A missing env file fails the test: these never pass without the server.
fn courier() -> &'static Courier {
    static COURIER: OnceLock<Courier> = OnceLock::new();
    COURIER.get_or_init(|| {
        let path = std::env::var_os("POSTEL_COURIER_ENV")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("/tmp/postel-courier-30000/env"));
        let vars = crate::harness::read_env(
            &path,
            "run the tests with tests/run, or start Courier with tests/servers/courier start",
        );
        let var = |k: &str| {
            vars.get(k)
                .cloned()
                .unwrap_or_else(|| panic!("{k} missing"))
        };
        let port = |k: &str| var(k).parse::<u16>().expect("a port");
        Courier {
            imap: port("POSTEL_COURIER_IMAP_PORT"),
            pop3: port("POSTEL_COURIER_POP3_PORT"),
            home: var("POSTEL_COURIER_HOME").into(),
            users: var("POSTEL_COURIER_USERS")
                .split_whitespace()
                .filter_map(|u| u.split_once(':'))
                .map(|(u, p)| (u.to_owned(), p.to_owned()))
                .collect(),
        }
    })
}

/// Erik's folders as Courier keeps them on disk (UTF-8) and as a client
/// that has not enabled UTF-8 reads them (modified UTF-7).
const TRASH: &str = "Éléments supprimés";
const TRASH_MUTF7: &str = "INBOX.&AMk-l&AOk-ments supprim&AOk-s";

fn maildir(user: &str, folder: Option<&str>) -> PathBuf {
    let root = courier().home.join(user).join("Maildir");
    match folder {
        Some(f) => root.join(format!(".{f}")),
        None => root,
    }
}

/// Delivers a message into `user`'s INBOX, owned by the user as a
/// delivery agent would leave it.
fn deliver(user: &str, raw: &[u8]) {
    use std::os::unix::fs::MetadataExt;
    let dir = maildir(user, None);
    let owner = std::fs::metadata(&dir).expect("the Maildir");
    let name = format!("{}.P{}.postel-test", unique("m"), std::process::id());
    let tmp = dir.join("tmp").join(&name);
    std::fs::write(&tmp, raw).expect("written to tmp");
    std::os::unix::fs::chown(&tmp, Some(owner.uid()), Some(owner.gid())).expect("chown");
    std::fs::rename(&tmp, dir.join("new").join(&name)).expect("moved to new");
}

/// The messages of a Maildir folder whose text holds `needle`, with the
/// Maildir flags of each (the letters after ":2,").
fn on_disk(dir: &Path, needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    for sub in ["new", "cur"] {
        let Ok(entries) = std::fs::read_dir(dir.join(sub)) else {
            continue;
        };
        for entry in entries.flatten() {
            let text = std::fs::read(entry.path()).unwrap_or_default();
            if String::from_utf8_lossy(&text).contains(needle) {
                let name = entry.file_name().to_string_lossy().into_owned();
                found.push(
                    name.split_once(":2,")
                        .map(|(_, f)| f.to_owned())
                        .unwrap_or_default(),
                );
            }
        }
    }
    found
}

fn unicode_message(subject: &str) -> Vec<u8> {
    format!(
        "From: Jürgen Weiß <juergen@example.test>\r\n\
         To: test@example.test\r\n\
         Subject: {subject}\r\n\
         Message-ID: <{}@example.test>\r\n\
         Date: Fri, 04 Dec 2026 10:00:00 +0000\r\n\
         MIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\
         Content-Transfer-Encoding: 8bit\r\n\
         \r\n\
         Schöne Grüße aus Köln.\r\n",
        unique("courier")
    )
    .into_bytes()
}

/// An account on Courier, plain IMAP or POP3 on loopback (chosen, as the
/// CLI requires); its outgoing server is never used.
fn add_account(postel: &Postel, tag: &str, user: &str, protocol: &str) -> String {
    let c = courier();
    let name = unique(tag);
    let port = match protocol {
        "pop3" => c.pop3,
        _ => c.imap,
    }
    .to_string();
    postel.ok(
        &[
            "account",
            "add",
            &name,
            "--email",
            &format!("{user}@example.test"),
            "--incoming",
            protocol,
            "--in-host",
            "127.0.0.1",
            "--in-port",
            &port,
            "--in-security",
            "none",
            "--out-host",
            "127.0.0.1",
            "--out-port",
            "9",
            "--out-security",
            "none",
            "--username",
            user,
            "--password-stdin",
        ],
        Some(&format!("{}\n", c.users[user])),
    );
    name
}

fn local_id(postel: &Postel, account: &str, folder: &str, subject: &str) -> Option<i64> {
    let rows = postel.json(&["list", account, "--folder", folder, "--limit", "1000"]);
    rows.as_array()
        .expect("rows")
        .iter()
        .find(|r| r["subject"] == subject)
        .and_then(|r| r["id"].as_i64())
}

/// The session turns UTF-8 on where it is offered, and only there.
#[test]
fn utf8_names_are_enabled_on_courier_and_not_asked_of_dovecot() {
    let c = courier();
    let server = Server {
        host: "127.0.0.1".into(),
        port: c.imap,
        security: Security::None,
        ..Server::default()
    };
    let on_courier = rt().block_on(async {
        let mut s = imap::connect(&server, "erik", &c.users["erik"])
            .await
            .expect("erik logs in");
        let utf8 = s.utf8();
        let _ = s.logout().await;
        utf8
    });
    assert!(on_courier, "Courier offers UTF8=ACCEPT: enabled");

    let servers = crate::harness::servers();
    let dovecot = Server {
        host: "localhost".into(),
        port: servers.imaps,
        security: Security::Tls,
        trusted_certificates: postel::net::tls::read_pem_file(&servers.ca).expect("CA"),
        ..Server::default()
    };
    let on_dovecot = rt().block_on(async {
        let mut s = imap::connect(&dovecot, "alice", servers.password("alice"))
            .await
            .expect("alice logs in");
        let utf8 = s.utf8();
        let _ = s.logout().await;
        utf8
    });
    assert!(!on_dovecot, "Dovecot 2.3 does not offer it");
}

/// With UTF-8 names on: roles found by their French names, the store keeps
/// the same key a modified UTF-7 session would, a flag reaches the
/// Maildir, and delete moves (COPY and expunge: no MOVE here) into the
/// French Trash instead of destroying the message.
#[test]
fn on_courier_french_folders_flags_and_a_delete_into_trash() {
    let postel = Postel::new();
    let account = add_account(&postel, "courier-names", "erik", "imap");
    let subject = unique("Grüße aus Köln");
    deliver("erik", &unicode_message(&subject));

    postel.ok(&["sync", &account], None);
    let folders = postel.json(&["folders", &account]);
    let role = |role: &str| -> (String, String) {
        folders
            .as_array()
            .expect("folders")
            .iter()
            .find(|f| f["role"] == role)
            .map(|f| {
                (
                    f["name"].as_str().unwrap_or_default().to_owned(),
                    f["display_name"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .unwrap_or_else(|| panic!("no {role} folder: {folders}"))
    };
    let (trash, trash_shown) = role("trash");
    assert_eq!(trash, TRASH_MUTF7, "kept as modified UTF-7: {folders}");
    assert!(trash_shown.ends_with(TRASH), "{folders}");
    assert!(role("sent").1.ends_with("Éléments envoyés"), "{folders}");
    assert!(role("drafts").1.ends_with("Brouillons"), "{folders}");

    let id = local_id(&postel, &account, "INBOX", &subject).expect("synced into INBOX");
    let shown = postel.ok(&["read", &account, &id.to_string()], None);
    assert!(shown.contains("Jürgen Weiß"), "{shown}");
    assert!(shown.contains("Schöne Grüße aus Köln."), "{shown}");

    postel.ok(&["flag", &account, &id.to_string(), "--flagged"], None);
    let flags = on_disk(&maildir("erik", None), &subject);
    assert!(
        flags.len() == 1 && flags[0].contains('F'),
        "flagged in the Maildir: {flags:?}"
    );

    postel.ok(&["delete", &account, &id.to_string()], None);
    assert_eq!(
        on_disk(&maildir("erik", Some(TRASH)), &subject).len(),
        1,
        "in the French Trash"
    );
    assert!(
        on_disk(&maildir("erik", None), &subject).is_empty(),
        "gone from INBOX"
    );
    // Typed as the user reads it.
    postel.ok(&["sync", &account], None);
    let trash_by_name = format!("INBOX.{TRASH}");
    assert!(
        local_id(&postel, &account, &trash_by_name, &subject).is_some(),
        "listed in {trash_by_name}"
    );
}

/// Courier hands a POP3 client that has not said UTF8 a "Cannot display
/// Unicode content" notice instead of a message whose headers are UTF-8;
/// Postel says UTF8 and gets the message as it is.
#[test]
fn on_courier_pop3_gets_a_unicode_message_as_it_is() {
    let postel = Postel::new();
    let account = add_account(&postel, "courier-pop3", "fanny", "pop3");
    let subject = unique("Grüße per POP3");
    deliver("fanny", &unicode_message(&subject));

    postel.ok(&["sync", &account], None);
    let id = local_id(&postel, &account, "INBOX", &subject)
        .unwrap_or_else(|| panic!("{subject} downloaded"));
    let shown = postel.ok(&["read", &account, &id.to_string()], None);
    assert!(shown.contains("Schöne Grüße aus Köln."), "{shown}");
    assert!(!shown.contains("Cannot display Unicode"), "{shown}");
}
