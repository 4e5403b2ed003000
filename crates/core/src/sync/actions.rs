//! Replays the user's pending actions (flags, moves, deletes) to the IMAP
//! server, oldest first. A network failure stops the replay and keeps the
//! rest for next time; an action the server refuses for good is dropped
//! with a warning, since retrying could never succeed.

use futures::TryStreamExt;

use super::Error;
use super::imap::{Caps, server_err};
use crate::account::Account;
use crate::net::imap::Session;
use crate::store::SharedStore;
use crate::store::pending::{Action, Pending};

/// Sends the account's pending actions to the server, oldest first; returns
/// how many it tried (each one tried selects a folder, so a caller knows
/// whether the session's selected folder changed).
pub(crate) async fn replay(
    account: &Account,
    session: &mut Session,
    store: &SharedStore,
    caps: Caps,
) -> Result<usize, Error> {
    let name = account.name.clone();
    let pending = store.run(move |s| s.pending(&name)).await?;
    let tried = pending.len();
    let mut selected: Option<String> = None;
    for p in pending {
        let result = async {
            if selected.as_deref() != Some(p.folder.as_str()) {
                let name = session.to_wire(&p.folder).into_owned();
                session
                    .select(&name)
                    .await
                    .map_err(|e| server_err(account, e))?;
                selected = Some(p.folder.clone());
            }
            apply(account, session, store, &p, caps).await
        }
        .await;
        match result {
            Ok(()) => {}
            Err(Error::Refused(reason)) => {
                tracing::warn!(
                    "{}: dropped an action on {} uid {} the server refused: {reason}",
                    account.name,
                    p.folder,
                    p.uid
                );
                selected = None;
            }
            Err(other) => return Err(other),
        }
        let id = p.id;
        store.run(move |s| s.remove_pending(id)).await?;
    }
    Ok(tried)
}

async fn apply(
    account: &Account,
    session: &mut Session,
    store: &SharedStore,
    p: &Pending,
    caps: Caps,
) -> Result<(), Error> {
    let uid = p.uid.to_string();
    let err = |e| server_err(account, e);
    match &p.action {
        Action::SetFlags(flags) => {
            // Replace only the system flags we track; keywords stay.
            let all = "\\Seen \\Answered \\Flagged \\Deleted \\Draft";
            drain(
                account,
                session
                    .uid_store(&uid, format!("-FLAGS.SILENT ({all})"))
                    .await
                    .map_err(err)?,
            )
            .await?;
            if !flags.is_empty() {
                drain(
                    account,
                    session
                        .uid_store(&uid, format!("+FLAGS.SILENT ({flags})"))
                        .await
                        .map_err(err)?,
                )
                .await?;
            }
        }
        Action::Move(to) => {
            let carry = async |session: &mut Session| {
                let to = session.to_wire(to).into_owned();
                if caps.moves {
                    session.uid_mv(&uid, &to).await
                } else {
                    session.uid_copy(&uid, &to).await
                }
            };
            match carry(session).await {
                // The folder is not on the server: a Trash that Postel made
                // for an account without one. Made there too, then moved.
                Err(async_imap::error::Error::No(text)) if text.contains("TryCreate") => {
                    let role = known_role(account, store, to).await;
                    if let Err(e) = super::special::create(account, session, to, role).await {
                        tracing::info!("{}: creating {to}: {e}", account.name);
                    }
                    carry(session).await.map_err(err)?;
                }
                other => other.map_err(err)?,
            }
            if !caps.moves {
                expunge(account, session, &uid, caps).await?;
            }
        }
        Action::Expunge => expunge(account, session, &uid, caps).await?,
        Action::AddKeyword(keyword) => {
            // Only an atom goes on the wire: a stored row cannot smuggle a
            // second command in.
            let atom = !keyword.is_empty()
                && keyword
                    .bytes()
                    .all(|b| b.is_ascii_graphic() && !b"(){%*\"\\]".contains(&b));
            if !atom {
                return Err(Error::Refused(format!("{keyword:?} is not a keyword")));
            }
            drain(
                account,
                session
                    .uid_store(&uid, format!("+FLAGS.SILENT ({keyword})"))
                    .await
                    .map_err(err)?,
            )
            .await?;
        }
    }
    Ok(())
}

/// The role the store gives the folder `name` (a Trash Postel made has
/// one, so the server's copy is marked too).
async fn known_role(
    account: &Account,
    store: &SharedStore,
    name: &str,
) -> Option<crate::store::FolderRole> {
    let (account, name) = (account.name.clone(), name.to_owned());
    store
        .run(move |s| s.folder(&account, &name))
        .await
        .ok()
        .flatten()
        .and_then(|f| f.role)
}

async fn expunge(
    account: &Account,
    session: &mut Session,
    uid: &str,
    caps: Caps,
) -> Result<(), Error> {
    let err = |e| server_err(account, e);
    drain(
        account,
        session
            .uid_store(uid, "+FLAGS.SILENT (\\Deleted)")
            .await
            .map_err(err)?,
    )
    .await?;
    if caps.uidplus {
        let gone: Vec<_> = session
            .uid_expunge(uid)
            .await
            .map_err(err)?
            .try_collect()
            .await
            .map_err(err)?;
        drop(gone);
    } else {
        let gone: Vec<_> = session
            .expunge()
            .await
            .map_err(err)?
            .try_collect()
            .await
            .map_err(err)?;
        drop(gone);
    }
    Ok(())
}

/// Reads a command's responses to the end. A connection that fails meanwhile
/// is not a refusal: the action stays to be replayed.
async fn drain<S, T>(account: &Account, stream: S) -> Result<(), Error>
where
    S: futures::Stream<Item = async_imap::error::Result<T>>,
{
    futures::pin_mut!(stream);
    while let Some(item) = stream
        .try_next()
        .await
        .map_err(|e| server_err(account, e))?
    {
        drop(item);
    }
    Ok(())
}
