//! The prefetch: every body a folder lacks, downloaded for offline use.

use std::collections::HashMap;

use super::{
    Error, Folder, IndexText, Meter, SharedStore, Sink, ask, body_text, fetched, server_err,
};
use crate::account::Account;
use crate::net::imap::Session;
use crate::net::imap_raw;

/// Downloads the bodies the store lacks (newer than `since`), `batch`
/// messages at a time, as a pipeline: while one batch comes over the
/// network the one before is parsed (snippet, searchable text) on a thread
/// of its own and the one before that is written to the store, so the work
/// spreads over the cores instead of each step waiting for the others; the
/// next batch is asked for before one is read, so the server never waits
/// for it. `selected` is the folder the session has selected, kept up to
/// date.
#[allow(clippy::too_many_arguments)]
pub(super) async fn prefetch(
    account: &Account,
    session: &mut Session,
    store: &SharedStore,
    folder: &Folder,
    selected: &mut Option<i64>,
    since: i64,
    batch: usize,
    meter: &mut Meter,
    sink: &Sink,
) -> Result<u64, Error> {
    type Parsed = Vec<(i64, Vec<u8>, String, IndexText)>;
    let id = folder.id;
    let missing = store
        .run(move |s| s.missing_bodies(id, since, u32::MAX))
        .await?;
    if missing.is_empty() {
        return Ok(0);
    }
    if *selected != Some(folder.id) {
        *selected = None;
        session
            .examine(&folder.name)
            .await
            .map_err(|e| server_err(account, e))?;
        *selected = Some(folder.id);
    }
    let mut done = 0;
    let mut parsing: Option<tokio::task::JoinHandle<Parsed>> = None;
    let mut storing: Option<tokio::task::JoinHandle<crate::store::Result<(u64, u64)>>> = None;
    meter.start_bodies(&folder.name, missing.len() as u64);
    let stored = |(n, bytes): (u64, u64), meter: &mut Meter| {
        meter.advance(n, bytes, sink);
        n
    };
    // Each response says which message it holds: with the next batch
    // asked for before one is read, a server that runs both at once may
    // send a message of one with the other.
    let local_of: std::sync::Arc<HashMap<u32, i64>> =
        std::sync::Arc::new(missing.iter().map(|&(local, uid)| (uid, local)).collect());
    let mut commands = missing.chunks(batch).map(|chunk| {
        let set = chunk
            .iter()
            .map(|(_, u)| u.to_string())
            .collect::<Vec<_>>()
            .join(",");
        format!("UID FETCH {set} (UID BODY.PEEK[])")
    });
    let mut pipeline = imap_raw::Pipeline::new(session);
    ask(&mut pipeline, &mut commands, account).await?;
    loop {
        let fetched = if pipeline.outstanding() > 0 {
            let fetched = pipeline.next().await.map_err(|e| server_err(account, e))?;
            ask(&mut pipeline, &mut commands, account).await?;
            Some(fetched)
        } else {
            None
        };
        if let Some(handle) = parsing.take() {
            let bodies = handle
                .await
                .map_err(|e| Error::Refused(format!("the message parser failed: {e}")))?;
            if let Some(handle) = storing.take() {
                done += stored(crate::sync::join(handle).await?, meter);
            }
            storing = Some(store.spawn(move |s| {
                let n = bodies.len() as u64;
                let bytes = bodies.iter().map(|b| b.1.len() as u64).sum();
                s.set_bodies(&bodies).map(|()| (n, bytes))
            }));
        }
        let Some(fetched) = fetched else {
            break;
        };
        let local_of = local_of.clone();
        parsing = Some(tokio::task::spawn_blocking(move || {
            // A message named twice in a batch is stored once.
            let messages: HashMap<u32, std::borrow::Cow<'_, [u8]>> = fetched
                .iter()
                .filter_map(fetched::uid_and_message)
                .collect();
            messages
                .into_iter()
                .filter_map(|(uid, raw)| {
                    let local = *local_of.get(&uid)?;
                    let raw = raw.into_owned();
                    let (snippet, text) = body_text(&raw);
                    Some((local, raw, snippet, text))
                })
                .collect()
        }));
    }
    pipeline
        .finish()
        .await
        .map_err(|e| server_err(account, e))?;
    if let Some(handle) = storing.take() {
        done += stored(crate::sync::join(handle).await?, meter);
    }
    meter.finish_stage(sink);
    Ok(done)
}
