//! Drafts to the IMAP Drafts folder: each save replaces the previous
//! version (found by the draft's Message-ID), so the folder holds one copy.

use futures::TryStreamExt;

use super::Error;
use super::imap::{open, server_err};
use crate::account::{Account, Protocol};
use crate::net::imap::Session;
use crate::store::SharedStore;
use crate::store::{Folder, FolderRole};

/// The Drafts folder; made when the account has none, as the draft would
/// otherwise stay on this machine only.
async fn drafts_folder(
    account: &Account,
    session: &mut Session,
    store: &SharedStore,
) -> Result<Folder, Error> {
    let (folder, made) =
        super::special::ensure(account, session, store, FolderRole::Drafts).await?;
    if made {
        tracing::warn!(
            "{}: the account had no Drafts folder; Postel made {}",
            account.name,
            folder.display_name
        );
    }
    Ok(folder)
}

/// UIDs in the selected folder of messages with this Message-ID.
async fn find(
    account: &Account,
    session: &mut Session,
    message_id: &str,
) -> Result<Vec<u32>, Error> {
    super::imap::uid_search(
        account,
        session,
        &format!("HEADER Message-ID \"<{message_id}>\""),
    )
    .await
}

async fn remove_uids(account: &Account, session: &mut Session, uids: &[u32]) -> Result<(), Error> {
    if uids.is_empty() {
        return Ok(());
    }
    let set = uids
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let _: Vec<_> = session
        .uid_store(&set, "+FLAGS.SILENT (\\Deleted)")
        .await
        .map_err(|e| server_err(account, e))?
        .try_collect()
        .await
        .map_err(|e| server_err(account, e))?;
    let _: Vec<_> = session
        .uid_expunge(&set)
        .await
        .map_err(|e| server_err(account, e))?
        .try_collect()
        .await
        .map_err(|e| server_err(account, e))?;
    Ok(())
}

/// Uploads every draft of the account not yet on the server.
pub async fn upload_pending(account: &Account, store: &SharedStore) -> Result<usize, Error> {
    if account.incoming.protocol != Protocol::Imap {
        return Ok(0);
    }
    let name = account.name.clone();
    let ids = store.run(move |s| s.drafts_to_upload(&name)).await?;
    if ids.is_empty() {
        return Ok(0);
    }
    let mut session = open(account).await?;
    let folder = drafts_folder(account, &mut session, store).await?;
    let wire = session.to_wire(&folder.name).into_owned();
    session
        .select(&wire)
        .await
        .map_err(|e| server_err(account, e))?;
    let mut done = 0;
    for id in ids {
        let Some((draft, raw)) = store.run(move |s| s.draft(id)).await? else {
            continue;
        };
        let old = find(account, &mut session, &draft.message_id).await?;
        session
            .append(&wire, Some("(\\Draft \\Seen)"), None, &raw)
            .await
            .map_err(|e| server_err(account, e))?;
        // The new copy is in; only now do the older ones go.
        remove_uids(account, &mut session, &old).await?;
        let updated = draft.updated;
        store.run(move |s| s.draft_uploaded(id, updated)).await?;
        done += 1;
    }
    let _ = session.logout().await;
    Ok(done)
}

/// Removes a draft's copies from the server (sent or discarded).
pub async fn remove(account: &Account, store: &SharedStore, message_id: &str) -> Result<(), Error> {
    if account.incoming.protocol != Protocol::Imap {
        return Ok(());
    }
    let mut session = open(account).await?;
    let folder = drafts_folder(account, &mut session, store).await?;
    let wire = session.to_wire(&folder.name).into_owned();
    session
        .select(&wire)
        .await
        .map_err(|e| server_err(account, e))?;
    let uids = find(account, &mut session, message_id).await?;
    remove_uids(account, &mut session, &uids).await?;
    let _ = session.logout().await;
    Ok(())
}
