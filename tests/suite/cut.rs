//! A connection the network cuts in the middle of a sync: nothing is lost,
//! what was kept is true, and the next sync completes it.

use std::io::{Read, Write};
use std::net::Shutdown;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::harness::servers;
use crate::postel::Postel;
use crate::receiving::{folder_with, local_view, proxy, rt, server_view};

/// A loopback proxy to Dovecot that cuts every connection after `limit`
/// bytes from the server, as a dropped network would.
pub(crate) fn cutting_proxy(upstream: u16, limit: usize) -> (u16, Arc<AtomicUsize>) {
    let cuts = Arc::new(AtomicUsize::new(0));
    let counter = cuts.clone();
    let port = proxy(
        upstream,
        |mut from, mut to| {
            let _ = std::io::copy(&mut from, &mut to);
        },
        move |mut from, mut to| {
            let mut buf = [0u8; 8192];
            let mut total = 0;
            loop {
                let n = match from.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => n.min(limit - total),
                };
                if to.write_all(&buf[..n]).is_err() {
                    break;
                }
                total += n;
                if total >= limit {
                    counter.fetch_add(1, Ordering::Relaxed);
                    break;
                }
            }
            let _ = to.shutdown(Shutdown::Both);
            let _ = from.shutdown(Shutdown::Both);
        },
    );
    (port, cuts)
}

#[test]
fn a_connection_dropped_mid_sync_loses_nothing() {
    let rt = rt();
    let folder = rt.block_on(folder_with("alice", "dropped", 400));
    let s = servers();
    let (port, cuts) = cutting_proxy(s.imaps, 60_000);
    let postel = Postel::new();
    let account = postel.add_imap("dropped", "alice", "alicepass");
    postel.ok(
        &["account", "edit", &account, "--in-port", &port.to_string()],
        None,
    );
    let err = postel.fails(&["sync", &account, "--folder", &folder], None);
    assert!(
        cuts.load(Ordering::Relaxed) >= 1,
        "the proxy cut the connection"
    );
    assert!(
        err.contains("closed unexpectedly"),
        "a clear sentence: {err}"
    );
    // What was stored before the cut is whole and true: every message kept
    // is on the server with the same subject and flags, and the cut came
    // before the end.
    let kept = local_view(&postel, &account, &folder);
    let partial = kept.len();
    assert!(partial < 400, "the cut came mid-sync");
    let before = rt.block_on(server_view("alice", &folder));
    for (uid, entry) in &kept {
        assert_eq!(
            before.get(uid),
            Some(entry),
            "uid {uid} kept as the server has it"
        );
    }
    postel.ok(
        &[
            "account",
            "edit",
            &account,
            "--in-port",
            &s.imaps.to_string(),
        ],
        None,
    );
    postel.ok(&["sync", &account, "--folder", &folder], None);
    let server = rt.block_on(server_view("alice", &folder));
    assert_eq!(server.len(), 400);
    assert_eq!(
        local_view(&postel, &account, &folder),
        server,
        "after {partial} before the cut"
    );
}
