//! The bodies of delivery and read reports, downloaded so that each is
//! read and matched to what was sent (see store/delivery.rs).

use std::collections::HashMap;

use futures::TryStreamExt;

use super::{Error, Fetch, SharedStore, save_body, server_err};
use crate::account::Account;
use crate::net::imap::Session;

/// The most report bodies downloaded by one sync: a flood of bounces
/// (backscatter from spam sent in the user's name) must not hold up the
/// sync; the rest come with the next ones, newest first.
const MAX_REPORTS_PER_SYNC: u32 = 200;

/// Downloads the bodies of the delivery and read reports the prefetch
/// left out (no offline days set, or older than them), so each is read
/// and matched to what was sent (see store/delivery.rs).
pub(super) async fn read(
    account: &Account,
    session: &mut Session,
    store: &SharedStore,
) -> Result<(), Error> {
    let name = account.name.clone();
    let waiting = store
        .run(move |s| {
            let ids = s.reports_to_read(&name, MAX_REPORTS_PER_SYNC)?;
            ids.into_iter()
                .map(|id| s.message(id))
                .collect::<crate::store::Result<Vec<_>>>()
        })
        .await?;
    // One EXAMINE per folder (on Dovecot it re-reads a Maildir).
    let mut by_folder: HashMap<String, Vec<(u32, i64)>> = HashMap::new();
    for row in waiting {
        match row.uid {
            Some(uid) if row.size <= crate::net::imap::guard::MAX_MESSAGE as u64 => {
                by_folder.entry(row.folder).or_default().push((uid, row.id));
            }
            // Too large to be a report worth reading, or not on the
            // server: left as mail, not asked for again.
            _ => store.run(move |s| s.report_left(row.id)).await?,
        }
    }
    for (folder, wanted) in by_folder {
        let name = session.to_wire(&folder).into_owned();
        session
            .examine(&name)
            .await
            .map_err(|e| server_err(account, e))?;
        let set = wanted
            .iter()
            .map(|(uid, _)| uid.to_string())
            .collect::<Vec<_>>()
            .join(",");
        let fetches: Vec<Fetch> = session
            .uid_fetch(set, "(UID BODY.PEEK[])")
            .await
            .map_err(|e| server_err(account, e))?
            .try_collect()
            .await
            .map_err(|e| server_err(account, e))?;
        for (uid, id) in wanted {
            match fetches
                .iter()
                .find(|f| f.uid == Some(uid))
                .and_then(Fetch::body)
            {
                Some(raw) => save_body(store, id, raw.to_vec()).await?,
                None => store.run(move |s| s.report_left(id)).await?,
            }
        }
    }
    Ok(())
}
