//! Hostile servers: what a stranger's server can send must end in an
//! error, never in a crash, a hang or gigabytes of memory. The servers
//! that must misbehave are small fakes on loopback, started by each test;
//! behaviour real servers have (a connection cut mid-command) uses the
//! real Dovecot through a proxy.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::process::Child;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use postel::account::{Security, Server};

use crate::harness::servers;
use crate::postel::Postel;
use crate::receiving::{folder_with, id_of, proxy, rt, server_view};

/// Peak memory and time any hostile case may cost (issue 22).
const MAX_RSS_KB: u64 = 600 * 1024;
const MAX_TIME: Duration = Duration::from_secs(60);

/// A fake server on loopback: each connection gets `script` on a thread
/// of its own, with a line reader and a writer on the same socket.
pub(crate) fn fake<F>(script: F) -> u16
where
    F: Fn(&mut BufReader<TcpStream>, &mut TcpStream) + Send + Sync + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let script = Arc::new(script);
    std::thread::spawn(move || {
        for stream in listener.incoming().map_while(Result::ok) {
            let script = script.clone();
            std::thread::spawn(move || {
                let mut writer = stream.try_clone().expect("clone");
                let mut reader = BufReader::new(stream);
                script(&mut reader, &mut writer);
                let _ = writer.shutdown(Shutdown::Both);
            });
        }
    });
    port
}

/// Writes `chunk` until the client goes away (or a minute has passed, so
/// a test that fails does not leave a thread writing for ever).
fn endless(out: &mut TcpStream, chunk: &[u8]) {
    let start = Instant::now();
    while start.elapsed() < MAX_TIME && out.write_all(chunk).is_ok() {}
}

/// An IMAP server that logs anyone in, has an INBOX of three messages,
/// and answers FETCH (and UID FETCH) through `fetch`.
fn fake_imap<F>(fetch: F) -> u16
where
    F: Fn(&str, &mut TcpStream) + Send + Sync + 'static,
{
    fake(move |input, out| {
        let _ = out.write_all(b"* OK fake IMAP ready\r\n");
        let mut line = String::new();
        while matches!(input.read_line(&mut line), Ok(1..)) {
            let (tag, rest) = line.trim_end().split_once(' ').unwrap_or(("*", ""));
            let (tag, command) = (tag.to_owned(), rest.to_ascii_uppercase());
            line.clear();
            let verb = command.split(' ').next().unwrap_or_default().to_owned();
            let reply = match verb.as_str() {
                "CAPABILITY" => format!("* CAPABILITY IMAP4rev1\r\n{tag} OK done\r\n"),
                "SELECT" | "EXAMINE" => format!(
                    "* 3 EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\n* OK [UIDNEXT 4] ok\r\n\
                     {tag} OK [READ-WRITE] done\r\n"
                ),
                "LIST" => format!("* LIST () \"/\" INBOX\r\n{tag} OK done\r\n"),
                "LOGOUT" => format!("* BYE bye\r\n{tag} OK done\r\n"),
                "FETCH" | "UID" => {
                    fetch(&tag, out);
                    continue;
                }
                _ => format!("{tag} OK done\r\n"),
            };
            if out.write_all(reply.as_bytes()).is_err() {
                return;
            }
        }
    })
}

fn plain(port: u16, security: Security) -> Server {
    Server {
        host: "127.0.0.1".into(),
        port,
        security,
        ..Server::default()
    }
}

/// An account whose incoming server is the fake on `port`.
pub(crate) fn fake_account(postel: &Postel, protocol: &str, port: u16, extra: &[&str]) -> String {
    let name = crate::harness::unique(&format!("hostile-{protocol}"));
    let port = port.to_string();
    let mut args = vec![
        "account",
        "add",
        &name,
        "--email",
        "victim@example.test",
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
        "victim",
        "--password-command",
        "echo not-a-secret",
    ];
    args.extend_from_slice(extra);
    postel.ok(&args, None);
    name
}

/// Runs `child` to its end, polling its peak resident memory (VmHWM,
/// which only grows); returns its output and the peak in KB.
fn measured(mut child: Child) -> (std::process::Output, u64, Duration) {
    let start = Instant::now();
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    loop {
        if let Ok(text) = std::fs::read_to_string(&status_file)
            && let Some(kb) = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        {
            peak = peak.max(kb);
        }
        if child.try_wait().expect("wait").is_some() || start.elapsed() > 2 * MAX_TIME {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let _ = child.kill();
    let elapsed = start.elapsed();
    (child.wait_with_output().expect("output"), peak, elapsed)
}

/// `postel sync` against a hostile server fails with a sentence, within
/// the time and memory any hostile case may cost.
fn sync_fails_within_bounds(postel: &Postel, account: &str, expected: &str) {
    let (out, peak_kb, elapsed) = measured(postel.spawn(&["sync", account]));
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!(
        "hostile sync: peak RSS {} MB in {:.1} s: {}",
        peak_kb / 1024,
        elapsed.as_secs_f64(),
        said.trim()
    );
    assert!(!out.status.success(), "the sync should fail: {said}");
    assert!(said.contains(expected), "{said}");
    assert!(
        peak_kb < MAX_RSS_KB,
        "peak RSS {} MB: {said}",
        peak_kb / 1024
    );
    assert!(elapsed < MAX_TIME, "took {elapsed:?}: {said}");
}

#[test]
fn deep_lists_from_an_imap_server_are_an_error_not_an_abort() {
    // Before CAPABILITY's reply, read by async-imap on the caller's thread.
    let port = fake(|input, out| {
        let _ = out.write_all(b"* OK ready\r\n");
        let mut line = String::new();
        let _ = input.read_line(&mut line);
        let mut deep = b"* ".to_vec();
        deep.extend(std::iter::repeat_n(b'(', 100_000));
        let _ = out.write_all(&deep);
    });
    let err = rt()
        .block_on(postel::net::imap::connect(
            &plain(port, Security::None),
            "victim",
            "secret",
        ))
        .expect_err("refused");
    assert!(
        err.to_string().contains("nested more than 16 deep"),
        "{err}"
    );

    // In a FETCH answer, read by the sync's own parser.
    let port = fake_imap(|tag, out| {
        let mut deep = b"* 1 FETCH (UID 1 BODYSTRUCTURE ".to_vec();
        deep.extend(std::iter::repeat_n(b'(', 1000));
        deep.extend(std::iter::repeat_n(b')', 1000));
        deep.extend(format!(")\r\n{tag} OK done\r\n").as_bytes());
        let _ = out.write_all(&deep);
    });
    let postel = Postel::new();
    let account = fake_account(&postel, "imap", port, &[]);
    sync_fails_within_bounds(&postel, &account, "nested more than 16 deep");
}

#[test]
fn endless_answers_from_an_imap_server_are_cut_off() {
    let port = fake_imap(|_, out| endless(out, &b"* 1 EXISTS\r\n".repeat(10_000)));
    let postel = Postel::new();
    let account = fake_account(&postel, "imap", port, &[]);
    sync_fails_within_bounds(&postel, &account, "in answer to one command");

    // The largest message Postel downloads, then a line without an end:
    // the most a response may hold, buffered at once.
    let port = fake_imap(|tag, out| {
        let size = 150 * 1024 * 1024;
        let _ = write!(out, "* 1 FETCH (UID 1 BODY[] {{{size}}}\r\n");
        let chunk = vec![b'y'; 1024 * 1024];
        for _ in 0..size / chunk.len() {
            if out.write_all(&chunk).is_err() {
                return;
            }
        }
        let _ = write!(out, " X ");
        endless(out, &[b'z'; 65536]);
        let _ = write!(out, ")\r\n{tag} OK done\r\n");
    });
    let account = fake_account(&postel, "imap", port, &[]);
    sync_fails_within_bounds(&postel, &account, "a response larger than 161 MB");

    // One line without an end.
    let port = fake_imap(|_, out| {
        let _ = out.write_all(b"* 1 FETCH (UID 1 X ");
        endless(out, &[b'x'; 65536]);
    });
    let account = fake_account(&postel, "imap", port, &[]);
    sync_fails_within_bounds(&postel, &account, "a line longer than 32 MB");
}

/// A POP3 server with the messages `listing` (number, UIDL), each
/// answered by RETR as `retr` writes it; it records every DELE and
/// removes those messages at QUIT.
fn fake_pop3<F>(listing: Vec<(u32, &'static str)>, retr: F) -> (u16, Arc<Mutex<Vec<u32>>>)
where
    F: Fn(u32, &mut TcpStream) + Send + Sync + 'static,
{
    let deleted = Arc::new(Mutex::new(Vec::new()));
    let record = deleted.clone();
    let listing = Arc::new(Mutex::new(listing));
    let port = fake(move |input, out| {
        let _ = out.write_all(b"+OK fake POP3\r\n");
        let mut marked = Vec::new();
        let mut line = String::new();
        while matches!(input.read_line(&mut line), Ok(1..)) {
            let command = line.trim_end().to_ascii_uppercase();
            line.clear();
            let number = command
                .split(' ')
                .nth(1)
                .and_then(|n| n.parse::<u32>().ok());
            let current = listing.lock().expect("listing").clone();
            let reply = match command.split(' ').next().unwrap_or_default() {
                "CAPA" => "+OK\r\nUIDL\r\nUSER\r\n.\r\n".to_owned(),
                "UIDL" => {
                    let mut r = "+OK\r\n".to_owned();
                    for (n, uidl) in &current {
                        r.push_str(&format!("{n} {uidl}\r\n"));
                    }
                    r + ".\r\n"
                }
                "LIST" => {
                    let mut r = "+OK\r\n".to_owned();
                    for (n, _) in &current {
                        r.push_str(&format!("{n} 120\r\n"));
                    }
                    r + ".\r\n"
                }
                "RETR" => {
                    let _ = out.write_all(b"+OK\r\n");
                    retr(number.unwrap_or(0), out);
                    continue;
                }
                "DELE" => {
                    let n = number.unwrap_or(0);
                    record.lock().expect("record").push(n);
                    marked.push(n);
                    "+OK\r\n".to_owned()
                }
                "QUIT" => {
                    listing
                        .lock()
                        .expect("listing")
                        .retain(|(n, _)| !marked.contains(n));
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
    (port, deleted)
}

fn small_message(n: u32, out: &mut TcpStream) {
    let _ = write!(
        out,
        "From: a@example.test\r\nSubject: message {n}\r\nMessage-ID: <m{n}@example.test>\r\n\r\nText {n}.\r\n.\r\n"
    );
}

#[test]
fn pop3_deletes_only_what_it_stored_when_a_uidl_is_listed_twice() {
    let (port, deleted) = fake_pop3(vec![(1, "dup"), (2, "dup"), (3, "single")], small_message);
    let postel = Postel::new();
    let account = fake_account(&postel, "pop3", port, &["--leave-on-server", "false"]);
    postel.ok(&["sync", &account], None);
    // The newest of the two under "dup" was downloaded and may go; the
    // other was never stored.
    let mut first = deleted.lock().expect("deleted").clone();
    first.sort_unstable();
    assert_eq!(first, vec![2, 3]);
    let stored = postel.json(&["list", &account, "--limit", "10"]);
    assert_eq!(stored.as_array().expect("rows").len(), 2);
    // Next time the other "dup" is listed alone: still never stored, so
    // it stays.
    postel.ok(&["sync", &account], None);
    assert_eq!(deleted.lock().expect("deleted").len(), 2, "{deleted:?}");
}

#[test]
fn endless_pop3_downloads_and_listings_are_cut_off() {
    let postel = Postel::new();
    // A message without end.
    let (port, _) = fake_pop3(vec![(1, "a")], |_, out| {
        endless(out, &b"x".repeat(999).repeat(64))
    });
    let account = fake_account(&postel, "pop3", port, &[]);
    sync_fails_within_bounds(&postel, &account, "far larger than it said");

    // A listing without end.
    let port = fake(|input, out| {
        let _ = out.write_all(b"+OK fake POP3\r\n");
        let mut line = String::new();
        while matches!(input.read_line(&mut line), Ok(1..)) {
            let command = line.trim_end().to_ascii_uppercase();
            line.clear();
            if command == "CAPA" {
                let _ = out.write_all(b"+OK\r\nUSER\r\n.\r\n");
                continue;
            }
            if command == "UIDL" {
                let _ = out.write_all(b"+OK\r\n");
                endless(out, &b"1 same-uidl-again-and-again\r\n".repeat(2000));
                return;
            }
            let _ = out.write_all(b"+OK\r\n");
        }
    });
    let account = fake_account(&postel, "pop3", port, &[]);
    sync_fails_within_bounds(&postel, &account, "more than two million lines");
}

#[test]
fn an_endless_smtp_reply_before_starttls_is_cut_off() {
    let port = fake(|input, out| {
        let _ = out.write_all(b"220 fake ESMTP\r\n");
        let mut line = String::new();
        let _ = input.read_line(&mut line);
        let _ = out.write_all(b"250-");
        endless(out, &[b'x'; 65536]);
    });
    let started = Instant::now();
    let err = rt()
        .block_on(postel::net::smtp::connect(
            &plain(port, Security::Starttls),
            None,
        ))
        .err()
        .expect("refused");
    assert!(err.to_string().contains("reply line longer than"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(10));
}

/// A flag change whose STORE is cut off with the connection stays queued
/// and reaches the server on the next sync: a dropped connection is not a
/// refusal (it used to be, and the change was thrown away).
#[test]
fn a_change_cut_off_by_a_dropped_connection_reaches_the_server_later() {
    let s = servers();
    let rt = rt();
    let user = "dave";
    let folder = rt.block_on(folder_with(user, "cut", 2));
    let postel = Postel::new();
    let account = postel.add_imap("cut", user, s.password(user));
    // Plain IMAP, so the proxy sees the commands.
    let direct = s.imap.to_string();
    postel.ok(
        &[
            "account",
            "edit",
            &account,
            "--in-port",
            &direct,
            "--in-security",
            "none",
        ],
        None,
    );
    postel.ok(&["sync", &account, "--folder", &folder], None);
    let id = id_of(&postel, &account, &folder, 1);
    let before = rt.block_on(server_view(user, &folder))[&1].1.clone();
    assert!(!before.contains(&"flagged".to_owned()));

    let cut = proxy(
        s.imap,
        |mut from, mut to| {
            let mut buf = [0u8; 8192];
            while let Ok(n @ 1..) = from.read(&mut buf) {
                if buf[..n]
                    .windows(9)
                    .any(|w| w.eq_ignore_ascii_case(b"UID STORE"))
                {
                    // The command never reaches the server; the client
                    // waits for an answer that will not come.
                    let _ = from.shutdown(Shutdown::Both);
                    let _ = to.shutdown(Shutdown::Both);
                    return;
                }
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
    let cut = cut.to_string();
    postel.ok(&["account", "edit", &account, "--in-port", &cut], None);
    let out = postel.ok(&["flag", &account, &id.to_string(), "--flagged"], None);
    let server = rt.block_on(server_view(user, &folder));
    assert_eq!(server[&1].1, before, "{out}");

    postel.ok(&["account", "edit", &account, "--in-port", &direct], None);
    postel.ok(&["sync", &account, "--folder", &folder], None);
    let server = rt.block_on(server_view(user, &folder));
    assert!(server[&1].1.contains(&"flagged".to_owned()), "{out}");
}

/// At RUST_LOG=trace every library logs what it can; none may write the
/// password, plain or in base64, to the log.
#[test]
fn no_log_level_shows_a_password() {
    use base64::Engine;
    let s = servers();
    let user = "erin";
    let password = s.password(user);
    let postel = Postel::new();
    let account = postel.add_imap("logs", user, password);
    let trace = [("RUST_LOG", "trace")];
    let sync = postel.run_env(&["sync", &account, "--folder", "INBOX"], None, &trace);
    let send = postel.run_env(
        &[
            "send",
            "--account",
            &account,
            "--to",
            &s.address(user),
            "--subject",
            &crate::harness::unique("logs"),
        ],
        Some("Nothing to see.\n"),
        &trace,
    );
    let b64 = base64::engine::general_purpose::STANDARD;
    let secrets = [
        password.to_owned(),
        b64.encode(format!("\0{user}\0{password}")),
        b64.encode(password),
    ];
    for (what, out) in [("sync", sync), ("send", send)] {
        assert!(out.status.success(), "{what} failed");
        let log = String::from_utf8_lossy(&out.stderr);
        // The log is there and verbose: the test would see a leak.
        assert!(log.contains("TRACE"), "{what}: no trace lines: {log}");
        for secret in &secrets {
            assert!(!log.contains(secret.as_str()), "{what} logged {secret}");
        }
    }
}

/// A message with the highest UID there is (4294967295): the next sync
/// asks for nothing above it (`UID FETCH 4294967296:*` wrapped to `0:*`,
/// or panicked in a debug build).
#[test]
fn the_highest_uid_is_synced_and_nothing_is_asked_above_it() {
    let commands = Arc::new(Mutex::new(Vec::<String>::new()));
    let record = commands.clone();
    let port = fake(move |input, out| {
        let _ = out.write_all(b"* OK fake IMAP ready\r\n");
        let mut line = String::new();
        while matches!(input.read_line(&mut line), Ok(1..)) {
            let (tag, rest) = line.trim_end().split_once(' ').unwrap_or(("*", ""));
            let (tag, command) = (tag.to_owned(), rest.to_ascii_uppercase());
            record.lock().expect("record").push(command.clone());
            line.clear();
            let verb = command.split(' ').next().unwrap_or_default();
            let header = "Subject: top\r\nMessage-ID: <top@example.test>\r\n\r\n";
            let reply = match verb {
                "CAPABILITY" => format!("* CAPABILITY IMAP4rev1\r\n{tag} OK done\r\n"),
                "SELECT" | "EXAMINE" => format!(
                    "* 1 EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\n* OK [UIDNEXT 4294967295] ok\r\n\
                     {tag} OK [READ-WRITE] done\r\n"
                ),
                "LIST" => format!("* LIST () \"/\" INBOX\r\n{tag} OK done\r\n"),
                "FETCH" | "UID" if command.contains("BODY.PEEK[HEADER") => format!(
                    "* 1 FETCH (UID 4294967295 FLAGS () RFC822.SIZE 60 \
                     BODY[HEADER.FIELDS (SUBJECT MESSAGE-ID)] {{{}}}\r\n{header})\r\n\
                     {tag} OK done\r\n",
                    header.len()
                ),
                "FETCH" | "UID" => {
                    format!("* 1 FETCH (UID 4294967295 FLAGS ())\r\n{tag} OK done\r\n")
                }
                "LOGOUT" => format!("* BYE bye\r\n{tag} OK done\r\n"),
                _ => format!("{tag} OK done\r\n"),
            };
            if out.write_all(reply.as_bytes()).is_err() {
                return;
            }
        }
    });
    let postel = Postel::new();
    let account = fake_account(&postel, "imap", port, &[]);
    postel.ok(&["sync", &account], None);
    let rows = postel.json(&["list", &account, "--limit", "10"]);
    assert_eq!(rows[0]["uid"].as_u64(), Some(u64::from(u32::MAX)), "{rows}");
    commands.lock().expect("commands").clear();
    postel.ok(&["sync", &account], None);
    let said = commands.lock().expect("commands").clone();
    assert!(
        said.iter()
            .all(|c| !c.contains("4294967296") && !c.contains(" 0:")),
        "{said:?}"
    );
}
