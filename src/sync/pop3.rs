//! POP3 download: only messages whose UIDL was never downloaded, each
//! stored with its UIDL in one transaction, so a dropped connection loses
//! nothing and fetches nothing twice. Leave-on-server by default; removal
//! right away or after N days when the account says so.

use std::collections::HashSet;

use super::{Error, Event, Meter, SharedStore, Sink, Summary, envelope};
use crate::account::{Account, Role};
use crate::net::pop3::{connect, net_error};
use crate::store::{FolderRole, NewMessage};
use crate::{message, secret};

pub async fn sync(account: &Account, store: &SharedStore, sink: &Sink) -> Result<Summary, Error> {
    let server = &account.incoming.server;
    let password = secret::password(account, Role::Incoming).await?;
    let mut client = connect(server, &account.incoming.username, &password).await?;
    let listing = client.uidl_all().await.map_err(|e| net_error(server, e))?;
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
    for (n, uidl) in fresh {
        let raw = client.retr(*n).await.map_err(|e| net_error(server, e))?;
        let bytes = raw.len() as u64;
        let id = store_message(account, store, inbox.id, uidl, raw).await?;
        new_ids.push(id);
        downloaded.insert(uidl.clone());
        meter.advance(1, bytes, sink);
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

async fn store_message(
    account: &Account,
    store: &SharedStore,
    folder_id: i64,
    uidl: &str,
    raw: Vec<u8>,
) -> Result<i64, Error> {
    let mut row = NewMessage {
        uidl: Some(uidl.to_owned()),
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
    let text = crate::store::IndexText::new(&text);
    let name = account.name.clone();
    store
        .run(move |s| s.pop3_store(&name, folder_id, &row, &raw, &snippet, &text))
        .await
}
