//! POP3 download: only messages whose UIDL was never downloaded, stored in
//! batches with their UIDLs in one transaction each, so a dropped
//! connection loses nothing and fetches nothing twice. Leave-on-server by default; removal
//! right away or after N days when the account says so.

use std::collections::HashSet;

use super::{Error, Event, Meter, Sink, Summary, envelope};
use crate::account::{Account, Role};
use crate::message;
use crate::net::login;
use crate::net::pop3::{connect, net_error};
use crate::store::SharedStore;
use crate::store::{FolderRole, IndexText, NewMessage};

pub async fn sync(account: &Account, store: &SharedStore, sink: &Sink) -> Result<Summary, Error> {
    let server = &account.incoming.server;
    let user = &account.incoming.username;
    let mut client = login::with_renewal(account, Role::Incoming, |secret| async move {
        connect(server, user, &secret).await
    })
    .await?;
    let listing = client.uidl_all().await.map_err(|e| net_error(server, e))?;
    let name = account.name.clone();
    let (inbox, seen, gone) = store
        .run(move |s| {
            let inbox = s.upsert_folder(&name, "INBOX", None, Some(FolderRole::Inbox))?;
            Ok((inbox, s.pop3_seen_all(&name)?, s.pop3_removed_all(&name)?))
        })
        .await?;
    let mut summary = Summary {
        account: account.name.clone(),
        folders: 1,
        login_delay: client.login_delay(),
        ..Summary::default()
    };
    // A UIDL listed twice (a broken server) is downloaded once.
    let mut listed = HashSet::new();
    let fresh: Vec<(u32, String)> = listing
        .iter()
        .rev()
        .filter(|(_, u)| !seen.contains(u) && listed.insert(u.as_str()))
        .cloned()
        .collect();
    let mut meter = Meter::new(&account.name, 1);
    meter.start_folder("INBOX", fresh.len() as u64);
    let mut new_ids = Vec::new();
    let mut downloaded = HashSet::new();
    let plan = if fresh.is_empty() {
        Ok(Vec::new())
    } else {
        plan(&mut client, &fresh)
            .await
            .map_err(|e| net_error(server, e))
    };
    let result = match plan {
        Ok(batches) => {
            download(
                account,
                &mut client,
                store,
                inbox.id,
                batches,
                &mut meter,
                sink,
                |ids, uidls| {
                    new_ids.extend(ids);
                    downloaded.extend(uidls);
                },
            )
            .await
        }
        Err(err) => Err(err.into()),
    };
    if let Err(err) = result {
        // What was stored before the failure is new mail all the same.
        new_mail(account, sink, new_ids);
        return Err(err);
    }
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
    // Only what is safely in the store may leave the server. A UIDL a
    // broken server lists twice names two messages of which at most one
    // was stored: the one downloaded now is known by its number; of an
    // earlier download, which one it was is not, so neither goes. Nor
    // does a message under the UIDL of one removed before: it is another.
    let number_of: std::collections::HashMap<&str, u32> =
        fresh.iter().map(|(n, u)| (u.as_str(), *n)).collect();
    let mut times_listed: std::collections::HashMap<&str, usize> = Default::default();
    for (_, uidl) in &listing {
        *times_listed.entry(uidl.as_str()).or_default() += 1;
    }
    let mut removed = Vec::new();
    for (n, uidl) in &listing {
        let now = downloaded.contains(uidl) && number_of.get(uidl.as_str()) == Some(n);
        let before =
            seen.contains(uidl) && !gone.contains(uidl) && times_listed[uidl.as_str()] == 1;
        if remove.contains(uidl) && (now || before) {
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
    new_mail(account, sink, new_ids);
    Ok(summary)
}

fn new_mail(account: &Account, sink: &Sink, ids: Vec<i64>) {
    if !ids.is_empty() {
        sink(Event::NewMail {
            account: account.name.clone(),
            folder: "INBOX".into(),
            ids,
        });
    }
}

/// Messages stored together: one transaction, one index segment and one
/// commit for the batch instead of for each message.
const BATCH: usize = 100;
/// A batch also ends at this many bytes (as the server declares them), to
/// bound the memory it holds; a larger message goes alone.
const BATCH_BYTES: u64 = 16 << 20;
/// RETR commands sent at once to a server that offers PIPELINING.
const PIPELINED: usize = 10;

type Parsed = (Vec<NewMessage>, Vec<(Vec<u8>, String, IndexText)>);
/// A stored batch: its ids, UIDLs and bytes.
type Stored = (Vec<i64>, Vec<String>, u64);
/// A batch, as the groups of RETRs that download it: message numbers,
/// UIDLs and the sizes LIST declared.
type Batch = Vec<Vec<(u32, String, Option<u64>)>>;

/// Cuts `fresh` into batches by count and declared size (LIST), and each
/// batch into groups of RETRs sent at once: up to [`PIPELINED`] when the
/// server offers PIPELINING, else one.
async fn plan(
    client: &mut crate::net::pop3::Client<crate::net::stream::Stream>,
    fresh: &[(u32, String)],
) -> Result<Vec<Batch>, crate::net::pop3::Error> {
    let sizes: std::collections::HashMap<u32, u64> = client.list_all().await?.into_iter().collect();
    // Asked after login: a server may offer more to a logged-in client. A
    // refusal means no; any other failure is the connection's.
    let group = match client.capabilities().await {
        Ok(caps) if caps.iter().any(|c| c == "PIPELINING") => PIPELINED,
        Ok(_) | Err(crate::net::pop3::Error::Negative(_)) => 1,
        Err(err) => return Err(err),
    };
    let mut batches: Vec<Batch> = Vec::new();
    let (mut count, mut bytes) = (0, 0);
    for (n, uidl) in fresh {
        let declared = sizes.get(n).copied();
        let size = declared.unwrap_or(0);
        let message = (*n, uidl.clone(), declared);
        let full = count == BATCH || (count > 0 && bytes + size > BATCH_BYTES);
        if full || batches.is_empty() {
            batches.push(Vec::new());
            (count, bytes) = (0, 0);
        }
        let batch = batches.last_mut().expect("a batch was just pushed");
        match batch.last_mut() {
            Some(retrs) if retrs.len() < group => retrs.push(message),
            _ => batch.push(vec![message]),
        }
        count += 1;
        bytes += size;
    }
    Ok(batches)
}

/// Downloads the `batches` as a pipeline: while a batch comes over the
/// network the one before is parsed on a thread of its own and the one
/// before that stored. `stored` gets each stored batch's ids and UIDLs. On
/// a failure what was downloaded before it is still stored, then the
/// failure is returned.
#[allow(clippy::too_many_arguments)]
async fn download(
    account: &Account,
    client: &mut crate::net::pop3::Client<crate::net::stream::Stream>,
    store: &SharedStore,
    folder_id: i64,
    batches: Vec<Batch>,
    meter: &mut Meter,
    sink: &Sink,
    mut stored: impl FnMut(Vec<i64>, Vec<String>),
) -> Result<(), Error> {
    let server = &account.incoming.server;
    let mut parsing: Option<tokio::task::JoinHandle<Parsed>> = None;
    let mut storing: Option<tokio::task::JoinHandle<crate::store::Result<Stored>>> = None;
    let mut pending = batches.into_iter();
    let mut failed: Option<Error> = None;
    loop {
        let mut batch: Vec<(String, Vec<u8>)> = Vec::new();
        if failed.is_none()
            && let Some(groups) = pending.next()
        {
            for group in groups {
                let numbers: Vec<(u32, Option<u64>)> =
                    group.iter().map(|(n, _, size)| (*n, *size)).collect();
                let (raws, err) = client.retr_pipelined(&numbers).await;
                batch.extend(group.into_iter().map(|(_, uidl, _)| uidl).zip(raws));
                if let Some(e) = err {
                    failed = Some(net_error(server, e).into());
                    break;
                }
            }
        }
        if let Some(handle) = parsing.take() {
            // A parse cannot panic (see `parse_safely`); a task that still
            // failed leaves its batch for the next sync.
            match handle.await {
                Ok((rows, bodies)) => {
                    settle(&mut storing, meter, sink, &mut stored, &mut failed).await;
                    let name = account.name.clone();
                    storing = Some(store.spawn(move |s| {
                        let ids = s.pop3_store(&name, folder_id, &rows, &bodies)?;
                        let uidls = rows.into_iter().filter_map(|r| r.uidl).collect();
                        let bytes = bodies.iter().map(|b| b.0.len() as u64).sum();
                        Ok((ids, uidls, bytes))
                    }));
                }
                Err(e) => {
                    failed
                        .get_or_insert(Error::Internal(format!("the message parser stopped: {e}")));
                }
            }
        }
        if batch.is_empty() {
            break;
        }
        parsing = Some(tokio::task::spawn_blocking(move || {
            batch
                .into_iter()
                .map(|(uidl, raw)| parse_safely(uidl, raw))
                .unzip()
        }));
    }
    settle(&mut storing, meter, sink, &mut stored, &mut failed).await;
    failed.map_or(Ok(()), Err)
}

/// Waits for the batch being stored, if any, and reports it; a store error
/// becomes the failure unless there already is one.
async fn settle(
    storing: &mut Option<tokio::task::JoinHandle<crate::store::Result<Stored>>>,
    meter: &mut Meter,
    sink: &Sink,
    stored: &mut impl FnMut(Vec<i64>, Vec<String>),
    failed: &mut Option<Error>,
) {
    if let Some(handle) = storing.take() {
        match crate::store::join(handle).await {
            Ok((ids, uidls, bytes)) => {
                meter.advance(ids.len() as u64, bytes, sink);
                stored(ids, uidls);
            }
            Err(err) => {
                failed.get_or_insert(err.into());
            }
        }
    }
}

/// [`parse`], and if the parser panics on a malformed message, the
/// message is still stored, with no snippet and no search text.
fn parse_safely(uidl: String, raw: Vec<u8>) -> (NewMessage, (Vec<u8>, String, IndexText)) {
    let attempt =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| parse(uidl.clone(), &raw)));
    let (row, snippet, text) = attempt.unwrap_or_else(|_| {
        let row = NewMessage {
            uidl: Some(uidl),
            size: raw.len() as u64,
            date: crate::store::now(),
            ..NewMessage::default()
        };
        (row, String::new(), IndexText::default())
    });
    (row, (raw, snippet, text))
}

/// A downloaded message's row, snippet and search text.
fn parse(uidl: String, raw: &[u8]) -> (NewMessage, String, IndexText) {
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
    let (snippet, text) = match message::parse(raw) {
        Ok(parsed) => {
            row.has_attachments = !parsed.attachments.is_empty();
            message::snippet_and_text(&parsed, 200)
        }
        Err(_) => (String::new(), String::new()),
    };
    (row, snippet, IndexText::new(&text))
}
