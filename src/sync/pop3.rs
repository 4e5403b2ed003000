//! POP3 download: only messages whose UIDL was never downloaded, stored in
//! batches with their UIDLs in one transaction each, so a dropped
//! connection loses nothing and fetches nothing twice. Leave-on-server by default; removal
//! right away or after N days when the account says so.

use std::collections::HashSet;

use super::{Error, Event, Meter, SharedStore, Sink, Summary, envelope};
use crate::account::{Account, Role};
use crate::net::pop3::{connect, net_error};
use crate::store::{FolderRole, IndexText, NewMessage};
use crate::{message, secret};

pub async fn sync(account: &Account, store: &SharedStore, sink: &Sink) -> Result<Summary, Error> {
    let server = &account.incoming.server;
    let password = secret::password(account, Role::Incoming).await?;
    let mut client = connect(server, &account.incoming.username, &password).await?;
    let listing = client.uidl_all().await.map_err(|e| net_error(server, e))?;
    // Asked after login: a server may offer more to a logged-in client.
    let pipelining = client
        .capabilities()
        .await
        .is_ok_and(|caps| caps.iter().any(|c| c == "PIPELINING"));
    let name = account.name.clone();
    let (inbox, seen) = store
        .run(move |s| {
            let inbox = s.upsert_folder(&name, "INBOX", None, Some(FolderRole::Inbox))?;
            Ok((inbox, s.pop3_seen_all(&name)?))
        })
        .await?;
    let mut summary = Summary {
        account: account.name.clone(),
        folders: 1,
        ..Summary::default()
    };
    let fresh: Vec<&(u32, String)> = listing
        .iter()
        .rev()
        .filter(|(_, u)| !seen.contains(u))
        .collect();
    let mut meter = Meter::new(&account.name, 1);
    meter.start_folder("INBOX", fresh.len() as u64);
    let mut new_ids = Vec::new();
    let mut downloaded = HashSet::new();
    download(
        account,
        &mut client,
        store,
        inbox.id,
        &fresh,
        pipelining,
        &mut meter,
        sink,
        |ids, uidls| {
            new_ids.extend(ids);
            downloaded.extend(uidls);
        },
    )
    .await?;
    meter.finish_folder(sink);

    // Removal from the server: everything already downloaded when the
    // account does not leave mail there; otherwise what is old enough.
    let pop3 = &account.incoming.pop3;
    let name = account.name.clone();
    let remove: HashSet<String> = if !pop3.leave_on_server {
        listing.iter().map(|(_, u)| u.clone()).collect()
    } else if let Some(days) = pop3.delete_after_days {
        let before = crate::store::now() - i64::from(days) * 86_400;
        store
            .run(move |s| s.pop3_due_for_removal(&name, before))
            .await?
            .into_iter()
            .collect()
    } else {
        HashSet::new()
    };
    let mut removed = Vec::new();
    for (n, uidl) in &listing {
        // Only what is safely in the store may leave the server.
        let stored = seen.contains(uidl) || downloaded.contains(uidl);
        if remove.contains(uidl) && stored {
            client.dele(*n).await.map_err(|e| net_error(server, e))?;
            removed.push(uidl.clone());
        }
    }
    client.quit().await.map_err(|e| net_error(server, e))?;
    // Deletions take effect only at a successful QUIT.
    let name = account.name.clone();
    summary.removed = removed.len() as u64;
    store
        .run(move |s| {
            for uidl in &removed {
                s.pop3_mark_removed(&name, uidl)?;
            }
            Ok(())
        })
        .await?;
    summary.new_messages = new_ids.len() as u64;
    if !new_ids.is_empty() {
        sink(Event::NewMail {
            account: account.name.clone(),
            folder: "INBOX".into(),
            ids: new_ids,
        });
    }
    Ok(summary)
}

/// Messages stored together: one transaction, one index segment and one
/// commit for the batch instead of for each message.
const BATCH: usize = 100;
/// A batch also ends at this many bytes, to bound the memory it holds.
const BATCH_BYTES: usize = 16 << 20;
/// RETR commands sent at once to a server that offers PIPELINING: few
/// enough that a batch stops near its byte bound.
const PIPELINED: usize = 10;

type Parsed = (Vec<NewMessage>, Vec<(Vec<u8>, String, IndexText)>);
/// A stored batch: its ids, UIDLs and bytes.
type Stored = (Vec<i64>, Vec<String>, u64);

/// Downloads `fresh` as a pipeline: while a batch comes over the network
/// the one before is parsed on a thread of its own and the one before that
/// stored. `stored` gets each stored batch's ids and UIDLs. A dropped
/// connection stores what was downloaded before it, then returns its error.
#[allow(clippy::too_many_arguments)]
async fn download(
    account: &Account,
    client: &mut crate::net::pop3::Client<crate::net::stream::Stream>,
    store: &SharedStore,
    folder_id: i64,
    fresh: &[&(u32, String)],
    pipelining: bool,
    meter: &mut Meter,
    sink: &Sink,
    mut stored: impl FnMut(Vec<i64>, Vec<String>),
) -> Result<(), Error> {
    let server = &account.incoming.server;
    let mut parsing: Option<tokio::task::JoinHandle<Parsed>> = None;
    let mut storing: Option<tokio::task::JoinHandle<crate::store::Result<Stored>>> = None;
    let mut pending = fresh.iter();
    let mut failed = None;
    loop {
        let mut batch: Vec<(String, Vec<u8>)> = Vec::new();
        let mut bytes = 0;
        if failed.is_none() {
            let group = if pipelining { PIPELINED } else { 1 };
            while batch.len() < BATCH && bytes < BATCH_BYTES {
                let wanted: Vec<&(u32, String)> = pending.by_ref().take(group).copied().collect();
                if wanted.is_empty() {
                    break;
                }
                let numbers: Vec<u32> = wanted.iter().map(|(n, _)| *n).collect();
                let (raws, err) = client.retr_pipelined(&numbers).await;
                for ((_, uidl), raw) in wanted.iter().zip(raws) {
                    bytes += raw.len();
                    batch.push((uidl.clone(), raw));
                }
                if let Some(e) = err {
                    failed = Some(net_error(server, e));
                    break;
                }
            }
        }
        if let Some(handle) = parsing.take() {
            let (rows, bodies) = handle
                .await
                .map_err(|e| Error::Refused(format!("the message parser failed: {e}")))?;
            if let Some(handle) = storing.take() {
                let (ids, uidls, bytes) = super::join(handle).await?;
                meter.advance(ids.len() as u64, bytes, sink);
                stored(ids, uidls);
            }
            let name = account.name.clone();
            storing = Some(store.spawn(move |s| {
                let ids = s.pop3_store(&name, folder_id, &rows, &bodies)?;
                let uidls = rows.into_iter().filter_map(|r| r.uidl).collect();
                let bytes = bodies.iter().map(|b| b.0.len() as u64).sum();
                Ok((ids, uidls, bytes))
            }));
        }
        if batch.is_empty() {
            break;
        }
        parsing = Some(tokio::task::spawn_blocking(move || {
            batch
                .into_iter()
                .map(|(uidl, raw)| parse(uidl, raw))
                .unzip()
        }));
    }
    if let Some(handle) = storing.take() {
        let (ids, uidls, bytes) = super::join(handle).await?;
        meter.advance(ids.len() as u64, bytes, sink);
        stored(ids, uidls);
    }
    failed.map_or(Ok(()), |e| Err(e.into()))
}

/// A downloaded message's row, snippet and search text.
fn parse(uidl: String, raw: Vec<u8>) -> (NewMessage, (Vec<u8>, String, IndexText)) {
    let mut row = NewMessage {
        uidl: Some(uidl),
        size: raw.len() as u64,
        ..NewMessage::default()
    };
    let header_end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|p| p + 4)
        .or_else(|| raw.windows(2).position(|w| w == b"\n\n").map(|p| p + 2))
        .unwrap_or(raw.len());
    envelope::fill(&mut row, &raw[..header_end], Some(crate::store::now()));
    let (snippet, text) = match message::parse(&raw) {
        Ok(parsed) => {
            row.has_attachments = !parsed.attachments.is_empty();
            message::snippet_and_text(&parsed, 200)
        }
        Err(_) => (String::new(), String::new()),
    };
    let text = IndexText::new(&text);
    (row, (raw, snippet, text))
}
