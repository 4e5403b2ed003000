//! The prefetch: every body a folder lacks, downloaded for offline use.

use std::collections::HashMap;

use super::{
    Error, Folder, IndexText, Meter, SharedStore, Sink, ask, body_text, fetched, server_err,
};
use crate::account::Account;
use crate::net::imap::Session;
use crate::net::imap::guard::MAX_MESSAGE;
use crate::net::imap_raw::{self, MAX_BATCH_BYTES};

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
    let mut missing = store
        .run(move |s| s.missing_bodies(id, since, u32::MAX))
        .await?;
    // A message larger than Postel downloads at all is left on the server;
    // the reader says so when it is opened.
    missing.retain(|&(_, _, size)| size <= MAX_MESSAGE as u64);
    if missing.is_empty() {
        return Ok(0);
    }
    if *selected != Some(folder.id) {
        *selected = None;
        let name = session.to_wire(&folder.name).into_owned();
        session
            .examine(&name)
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
    let local_of: std::sync::Arc<HashMap<u32, i64>> = std::sync::Arc::new(
        missing
            .iter()
            .map(|&(local, uid, _)| (uid, local))
            .collect(),
    );
    let mut commands = batches(&missing, batch).into_iter().map(|chunk| {
        let set = chunk
            .iter()
            .map(|(_, u, _)| u.to_string())
            .collect::<Vec<_>>()
            .join(",");
        format!("UID FETCH {set} (UID BODY.PEEK[])")
    });
    let mut pipeline = imap_raw::Pipeline::in_background(session);
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
                .map_err(|e| Error::Internal(format!("the message parser failed: {e}")))?;
            if let Some(handle) = storing.take() {
                done += stored(crate::store::join(handle).await?, meter);
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
        done += stored(crate::store::join(handle).await?, meter);
    }
    meter.finish_stage(sink);
    Ok(done)
}

/// Cuts `missing` into batches of at most `count` messages and at most
/// [`MAX_BATCH_BYTES`] as the server declared their sizes, so that what a
/// batch's responses hold stays within what `imap_raw` buffers; a larger
/// message goes alone.
fn batches(missing: &[(i64, u32, u64)], count: usize) -> Vec<&[(i64, u32, u64)]> {
    let mut out = Vec::new();
    let (mut start, mut bytes) = (0, 0u64);
    for (i, &(_, _, size)) in missing.iter().enumerate() {
        let n = i - start;
        if n > 0 && (n >= count.max(1) || bytes + size > MAX_BATCH_BYTES as u64) {
            out.push(&missing[start..i]);
            (start, bytes) = (i, 0);
        }
        bytes += size;
    }
    if start < missing.len() {
        out.push(&missing[start..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_end_at_a_count_or_a_size() {
        let mb = 1024 * 1024;
        let missing: Vec<(i64, u32, u64)> = [1, 1, 30, 1, 100, 2, 2, 2]
            .iter()
            .enumerate()
            .map(|(i, &size)| (i as i64, i as u32, size * mb))
            .collect();
        let sizes = |batches: Vec<&[(i64, u32, u64)]>| -> Vec<Vec<u64>> {
            batches
                .iter()
                .map(|b| b.iter().map(|m| m.2 / mb).collect())
                .collect()
        };
        assert_eq!(
            sizes(batches(&missing, 250)),
            vec![vec![1, 1, 30], vec![1], vec![100], vec![2, 2, 2]]
        );
        assert_eq!(
            sizes(batches(&missing, 2)),
            vec![vec![1, 1], vec![30, 1], vec![100], vec![2, 2], vec![2]]
        );
        assert!(batches(&[], 250).is_empty());
    }
}
