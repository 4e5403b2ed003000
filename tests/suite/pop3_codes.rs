//! A POP3 server says why it refused a login by a response code (RFC 2449
//! §8, RFC 3206): only `[AUTH]` or no code means a wrong password. The
//! codes come from small fakes (Dovecot sends none of them); Cyrus's
//! `[LOGIN-DELAY]` is the one users meet most.

use std::io::{BufRead, Write};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use postel::account::{Account, Incoming, PasswordSource, Protocol, Security, Server};
use postel::store::{SharedStore, Store};
use postel::worker::{self, Event};

use crate::harness::{TempDir, unique};
use crate::hostile::{fake, fake_account};
use crate::postel::Postel;

/// A POP3 server that offers LOGIN-DELAY 120 and UTF8 and answers PASS
/// with `refusal`; every command it heard is kept, in order.
fn refusing(refusal: &'static str) -> (u16, Arc<Mutex<Vec<String>>>) {
    let heard = Arc::new(Mutex::new(Vec::new()));
    let record = heard.clone();
    let port = fake(move |input, out| {
        let _ = out.write_all(b"+OK fake POP3\r\n");
        let mut line = String::new();
        while matches!(input.read_line(&mut line), Ok(1..)) {
            let command = line.trim_end().to_owned();
            line.clear();
            let verb = command
                .split(' ')
                .next()
                .unwrap_or_default()
                .to_ascii_uppercase();
            record.lock().expect("heard").push(verb.clone());
            let reply = match verb.as_str() {
                "CAPA" => "+OK\r\nUSER\r\nUIDL\r\nLOGIN-DELAY 120\r\nUTF8\r\n.\r\n".to_owned(),
                "PASS" => format!("{refusal}\r\n"),
                "QUIT" => {
                    let _ = out.write_all(b"+OK bye\r\n");
                    return;
                }
                _ => "+OK\r\n".to_owned(),
            };
            if out.write_all(reply.as_bytes()).is_err() {
                return;
            }
        }
    });
    (port, heard)
}

#[test]
fn a_refused_pop3_login_says_why_by_its_response_code() {
    let postel = Postel::new();
    let wrong_password = "refused the user name or password";
    for (refusal, expected) in [
        (
            "-ERR [LOGIN-DELAY] Logins must be at least 2 minutes apart",
            "allows a new login only every 120 seconds",
        ),
        (
            "-ERR [IN-USE] Mailbox locked by another session",
            "cannot open your mailbox just now",
        ),
        (
            "-ERR [SYS/TEMP] Try again in a moment",
            "cannot open your mailbox just now",
        ),
        (
            "-ERR [SYS/PERM] Mailbox on hold",
            "cannot open your mailbox ([SYS/PERM]",
        ),
        ("-ERR [AUTH] Invalid login", wrong_password),
        ("-ERR Invalid login", wrong_password),
    ] {
        let (port, heard) = refusing(refusal);
        let name = fake_account(&postel, "pop3", port, &[]);
        let out = postel.run(&["sync", &name], None);
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{refusal}: {said}");
        assert!(said.contains(expected), "{refusal}: {said}");
        if expected != wrong_password {
            assert!(!said.contains(wrong_password), "{refusal}: {said}");
        }
        // UTF-8 mode is asked for when offered, before the login (RFC 6856).
        let heard = heard.lock().expect("heard").clone();
        let at = |verb: &str| heard.iter().position(|h| h == verb);
        assert!(at("UTF8").is_some() && at("UTF8") < at("USER"), "{heard:?}");
    }
}

/// The account worker waits out a LOGIN-DELAY as the server asks,
/// without reporting a failure.
#[test]
fn the_worker_waits_out_a_login_delay_without_a_failure() {
    let (port, heard) = refusing("-ERR [LOGIN-DELAY] Logins must be at least 2 minutes apart");
    let dir = TempDir::new("login-delay");
    let store = SharedStore::new(Store::open(dir.path()).expect("store"));
    let account = Account {
        name: unique("login-delay"),
        email: "victim@example.test".into(),
        incoming: Incoming {
            protocol: Protocol::Pop3,
            username: "victim".into(),
            server: Server {
                host: "127.0.0.1".into(),
                port,
                security: Security::None,
                ..Server::default()
            },
            ..Default::default()
        },
        password: PasswordSource::Command(vec!["echo".into(), "not-a-secret".into()]),
        ..Default::default()
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let (tx, events) = mpsc::channel();
    let handle = runtime.block_on(async {
        worker::spawn(account, store, move |e| {
            let _ = tx.send(e);
        })
    });
    let mut waited = None;
    while let Ok(event) = events.recv_timeout(Duration::from_secs(3)) {
        match event {
            Event::Waiting { seconds, .. } => waited = Some(seconds),
            Event::Failed { error, .. } => panic!("reported as a failure: {error}"),
            _ => {}
        }
    }
    assert_eq!(waited, Some(120), "the server's own delay");
    let logins = heard
        .lock()
        .expect("heard")
        .iter()
        .filter(|h| *h == "PASS")
        .count();
    assert_eq!(logins, 1, "no second try within the delay");
    drop(handle);
}
