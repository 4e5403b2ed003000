//! Raw IMAP commands (`net::imap_raw`) on a session async-imap logged in:
//! one at a time and several in flight, against the real Dovecot.

use crate::receiving::{folder_with, rt, session};

/// A command read straight off the connection (the header sync's FETCH
/// batches) shares the session with async-imap: its responses all come
/// back, a refusal is an error, and async-imap's next commands find the
/// session in step.
#[test]
fn raw_commands_and_async_imap_share_a_session() {
    let rt = rt();
    let folder = rt.block_on(folder_with("alice", "raw", 3));
    rt.block_on(async {
        let mut s = session("alice").await;
        s.select(&folder).await.expect("SELECT");
        let fetched = postel::net::imap_raw::run(&mut s, "FETCH 1:3 (UID BODY.PEEK[HEADER])")
            .await
            .expect("FETCH");
        assert_eq!(fetched.len(), 3);
        assert!(
            fetched
                .iter()
                .all(|r| r.starts_with(b"* ") && r.ends_with(b")\r\n")),
            "{fetched:?}"
        );
        let refused = postel::net::imap_raw::run(&mut s, "FETCH 1:3 (NO-SUCH-ITEM)").await;
        assert!(
            matches!(refused, Err(async_imap::error::Error::Bad(_))),
            "{refused:?}"
        );
        s.noop().await.expect("NOOP after the raw commands");
        let uids = s.uid_search("ALL").await.expect("SEARCH");
        assert_eq!(uids.len(), 3);
        let _ = s.logout().await;
    });
}

/// Commands sent ahead of their responses each get their own responses,
/// in order, and leave the session in step for async-imap.
#[test]
fn pipelined_raw_commands_each_get_their_responses() {
    let rt = rt();
    let folder = rt.block_on(folder_with("alice", "pipelined", 5));
    rt.block_on(async {
        let mut s = session("alice").await;
        s.select(&folder).await.expect("SELECT");
        let mut pipeline = postel::net::imap_raw::Pipeline::new(&mut s);
        for command in [
            "FETCH 4:5 (UID BODY.PEEK[HEADER])",
            "FETCH 1:3 (UID FLAGS)",
            "NOOP",
        ] {
            pipeline.send(command).await.expect("send");
        }
        assert_eq!(pipeline.outstanding(), 3);
        // Dovecot runs the commands at once: a response comes with
        // whichever completion it came before, so only all of them together
        // are what the three commands asked for.
        let mut seen: Vec<(String, &str)> = Vec::new();
        let mut batches = Vec::new();
        for _ in 0..3 {
            batches.push(pipeline.next().await.expect("completion"));
        }
        assert_eq!(pipeline.outstanding(), 0);
        for batch in &batches {
            for line in batch.iter() {
                let line = String::from_utf8_lossy(line);
                assert!(line.starts_with("* ") && line.ends_with(")\r\n"), "{line}");
                let seq = line.split(' ').nth(1).unwrap_or_default().to_owned();
                let kind = if line.contains("BODY[HEADER]") {
                    "header"
                } else {
                    "flags"
                };
                seen.push((seq, kind));
            }
        }
        seen.sort();
        let want: Vec<(String, &str)> = [
            ("1", "flags"),
            ("2", "flags"),
            ("3", "flags"),
            ("4", "header"),
            ("5", "header"),
        ]
        .into_iter()
        .map(|(seq, kind)| (seq.to_owned(), kind))
        .collect();
        assert_eq!(seen, want);
        // Nothing is left to ask for: the pipeline hands the session back.
        assert!(pipeline.next().await.is_err());
        pipeline.finish().await.expect("finish");
        let uids = s
            .uid_search("ALL")
            .await
            .expect("SEARCH after the pipeline");
        assert_eq!(uids.len(), 5);
        let _ = s.logout().await;
    });
}
