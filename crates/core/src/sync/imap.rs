//! IMAP sync: folders by LIST (roles from SPECIAL-USE, else names), then per
//! folder UIDVALIDITY check, flag changes (CHANGEDSINCE with CONDSTORE, a
//! FLAGS sweep otherwise), new mail newest first in batches, expunges, and
//! bodies on demand.

use std::collections::HashSet;

use async_imap::imap_proto::NameAttribute;
use async_imap::types::Fetch;
use futures::TryStreamExt;

use super::{Error, Meter, Options, Sink, Summary, actions, envelope, fetched};
use crate::account::{Account, AuthMechanism, Role};
use crate::net::imap::{Session, connect, connect_looking_up, imap_error};
use crate::net::imap_raw;
use crate::net::login;
use crate::store::SharedStore;
use crate::store::{Folder, FolderRole, IndexText, Indexing, NewMessage};
use crate::{message, secret};

mod prefetch;
mod reports;

/// Opens a logged-in session for the account's incoming server.
pub async fn open(account: &Account) -> Result<Session, Error> {
    crate::net::tls::preload();
    let (server, user) = (&account.incoming.server, &account.incoming.username);
    if server.auth == AuthMechanism::OAuth2 {
        return Ok(
            login::with_renewal(account, Role::Incoming, |token| async move {
                connect(server, user, &token).await
            })
            .await?,
        );
    }
    Ok(connect_looking_up(server, user, secret::password(account, Role::Incoming)).await?)
}

/// One command read straight off the connection (see `net::imap_raw`).
async fn run_raw(
    account: &Account,
    session: &mut Session,
    command: &str,
) -> Result<imap_raw::Responses, Error> {
    imap_raw::run(session, command)
        .await
        .map_err(|e| server_err(account, e))
}

/// `UID SEARCH query`'s answer, sorted, each UID once. Read through
/// `imap_raw`, whose buffer is bounded: async-imap gathers the answer of a
/// server that never ends it into a set without limit.
pub(crate) async fn uid_search(
    account: &Account,
    session: &mut Session,
    query: &str,
) -> Result<Vec<u32>, Error> {
    let responses = run_raw(account, session, &format!("UID SEARCH {query}")).await?;
    let mut uids: Vec<u32> = responses
        .iter()
        .filter_map(|r| {
            let rest = r
                .get(..9)?
                .eq_ignore_ascii_case(b"* SEARCH ")
                .then(|| &r[9..])?;
            Some(rest.split(|b| b.is_ascii_whitespace()))
        })
        .flatten()
        .filter_map(|word| std::str::from_utf8(word).ok()?.parse().ok())
        .collect();
    uids.sort_unstable();
    uids.dedup();
    Ok(uids)
}

/// The one folder name every IMAP server has, in any letter case.
const INBOX: &str = "INBOX";

pub(crate) fn server_err(account: &Account, err: async_imap::error::Error) -> Error {
    match err {
        async_imap::error::Error::No(text) | async_imap::error::Error::Bad(text) => {
            Error::Refused(crate::net::imap::server_text(&text))
        }
        other => Error::Net(imap_error(&account.incoming.server, other)),
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Caps {
    pub condstore: bool,
    pub uidplus: bool,
    pub moves: bool,
}

pub(crate) fn caps(session: &Session) -> Caps {
    let caps = session.capabilities();
    Caps {
        condstore: caps.has_str("CONDSTORE") || caps.has_str("QRESYNC"),
        uidplus: caps.has_str("UIDPLUS"),
        moves: caps.has_str("MOVE"),
    }
}

pub async fn sync(
    account: &Account,
    store: &SharedStore,
    options: &Options,
    sink: &Sink,
) -> Result<Summary, Error> {
    let mut session = open(account).await?;
    let caps = caps(&session);
    let summary = sync_on(account, &mut session, caps, store, options, sink).await?;
    let _ = session.logout().await;
    Ok(summary)
}

/// A sync on a session that is already logged in (the IDLE connection
/// reuses its own: no new TLS handshake and login per new message). The
/// last folder synced is left selected.
pub(crate) async fn sync_on(
    account: &Account,
    session: &mut Session,
    caps: Caps,
    store: &SharedStore,
    options: &Options,
    sink: &Sink,
) -> Result<Summary, Error> {
    // The user's changes go up first, so the flag sync that follows
    // cannot undo them. Replaying selects folders of its own.
    let replayed = actions::replay(account, session, store, caps).await? > 0;
    // Folders synced before go first and the folder list is asked for after
    // them: on Dovecot with Maildir, a LIST makes every later SELECT in the
    // session re-read the folder's directory (250 ms at 100k messages,
    // against 1 ms before it). One folder asked for by name needs no LIST.
    // INBOX exists on every server (RFC 3501), so a first sync starts
    // there too, before the LIST: the mail a user waits for comes first.
    let account_name = account.name.clone();
    let (stored, inbox) = store
        .run(move |s| {
            // The same row `list_folders` keeps as INBOX.
            let inbox = match s.folder_by_role(&account_name, FolderRole::Inbox)? {
                Some(known) => known,
                None => s.upsert_folder(&account_name, INBOX, None, Some(FolderRole::Inbox))?,
            };
            Ok((s.folders(&account_name)?, inbox))
        })
        .await?;
    let stored: Vec<Folder> = stored
        .into_iter()
        .filter(|f| f.uidvalidity.is_some())
        .collect();
    // By the server's name or as the user reads it.
    let is = |f: &Folder, name: &str| {
        f.name == name
            || f.display_name == name
            || (name.eq_ignore_ascii_case(INBOX) && f.role == Some(FolderRole::Inbox))
    };
    let inbox_first = inbox.uidvalidity.is_none();
    let (first, list_after): (Vec<Folder>, bool) = match &options.folder {
        Some(name) => match stored.into_iter().find(|f| is(f, name)) {
            Some(known) => (vec![known], false),
            None if is(&inbox, name) => (vec![inbox], true),
            None => (Vec::new(), true),
        },
        None if inbox_first => (std::iter::once(inbox).chain(stored).collect(), true),
        None => (stored, true),
    };
    let mut summary = Summary {
        account: account.name.clone(),
        ..Summary::default()
    };
    // Only a folder synced before can be the one still selected, and only
    // if no replayed action selected another.
    let mut options = options.clone();
    options.selected &= !list_after && !replayed;
    // The account's offline setting, unless this sync was given its own.
    options.prefetch_days = options.prefetch_days.or(account.incoming.offline_days);
    let options = &options;
    let mut meter = Meter::new(&account.name, first.len());
    let mut synced: Vec<Folder> = Vec::new();
    // The folder the session has selected: a prefetch there needs no new
    // EXAMINE (which on Dovecot re-reads a Maildir: 0.8 s at 100k).
    let mut selected: Option<i64> = None;
    let mut queue = first;
    let mut listed = !list_after;
    loop {
        for folder in std::mem::take(&mut queue) {
            match sync_folder(
                account,
                session,
                store,
                &folder,
                caps,
                options,
                sink,
                &mut meter,
                &mut summary,
            )
            .await
            {
                // Deleted on the server since: the LIST below drops it.
                Err(Error::Refused(reason)) if !listed => {
                    // A failed SELECT leaves nothing selected.
                    selected = None;
                    tracing::info!("{}: not synced: {reason}", folder.name);
                    meter.skip_folder();
                }
                Err(err) => return Err(err),
                Ok(()) => {
                    selected = Some(folder.id);
                    synced.push(folder);
                    meter.finish_folder(sink);
                }
            }
        }
        if listed {
            break;
        }
        listed = true;
        let found = list_folders(account, session, store).await?;
        if let Some(name) = &options.folder
            && !found.iter().chain(&synced).any(|f| is(f, name))
        {
            return Err(crate::store::Error::NoSuchFolder(name.clone()).into());
        }
        queue = found
            .into_iter()
            .filter(|f| options.folder.as_ref().is_none_or(|name| is(f, name)))
            .filter(|f| !synced.iter().any(|done| done.id == f.id))
            .collect();
        meter.add_folders(queue.len());
    }
    summary.folders = synced.len();
    if let Some(days) = options.prefetch_days {
        let since = crate::store::now() - i64::from(days) * 86_400;
        for folder in &synced {
            summary.bodies += prefetch::prefetch(
                account,
                session,
                store,
                folder,
                &mut selected,
                since,
                options.body_batch.max(1) as usize,
                &mut meter,
                sink,
            )
            .await?;
        }
    }
    reports::read(account, session, store).await?;
    // Messages stored to be indexed with their body and not prefetched
    // (too old, gone from the server, or a sync interrupted before).
    store.run(|s| s.index_unindexed()).await?;
    Ok(summary)
}

/// LISTs the account's folders into the store; drops those gone from the server.
pub async fn list_folders(
    account: &Account,
    session: &mut Session,
    store: &SharedStore,
) -> Result<Vec<Folder>, Error> {
    let names: Vec<_> = session
        .list(Some(""), Some("*"))
        .await
        .map_err(|e| server_err(account, e))?
        .try_collect()
        .await
        .map_err(|e| server_err(account, e))?;
    let mut found = Vec::new();
    for name in &names {
        let attributes = name.attributes();
        if attributes
            .iter()
            .any(|a| matches!(a, NameAttribute::NoSelect))
        {
            continue;
        }
        let special = attributes.iter().find_map(|a| match a {
            NameAttribute::Sent => Some(FolderRole::Sent),
            NameAttribute::Drafts => Some(FolderRole::Drafts),
            NameAttribute::Trash => Some(FolderRole::Trash),
            NameAttribute::Junk => Some(FolderRole::Junk),
            NameAttribute::Archive | NameAttribute::All => Some(FolderRole::Archive),
            NameAttribute::Extension(other) => FolderRole::from_special_use(other),
            _ => None,
        });
        let role = if name.name().eq_ignore_ascii_case(INBOX) {
            Some(FolderRole::Inbox)
        } else {
            special
        };
        found.push((
            session.from_wire(name.name()).into_owned(),
            name.delimiter().map(str::to_owned),
            role,
        ));
    }
    FolderRole::guess(&mut found);
    FolderRole::choose(&mut found, &account.incoming.folders);
    let account_name = account.name.clone();
    Ok(store
        .run(move |s| {
            // INBOX is one folder however the server spells it (RFC 3501):
            // the row a first sync made before listing keeps its messages.
            let inbox = s.folder_by_role(&account_name, FolderRole::Inbox)?;
            let mut folders = Vec::new();
            for (name, delimiter, role) in &found {
                let name = match &inbox {
                    Some(known) if name.eq_ignore_ascii_case(INBOX) => &known.name,
                    _ => name,
                };
                folders.push(s.upsert_folder(&account_name, name, delimiter.as_deref(), *role)?);
            }
            let keep: HashSet<i64> = folders.iter().map(|f| f.id).collect();
            for old in s.folders(&account_name)? {
                // A server that leaves INBOX out of its list still has it.
                let inbox = inbox.as_ref().is_some_and(|i| i.id == old.id);
                if !keep.contains(&old.id) && !inbox {
                    s.delete_folder(old.id)?;
                }
            }
            // Inbox first: the mail a user waits for arrives before the archive.
            folders.sort_by_key(|f| f.role != Some(FolderRole::Inbox));
            Ok(folders)
        })
        .await?)
}

fn fetch_query(caps: Caps) -> String {
    format!(
        "(UID FLAGS INTERNALDATE RFC822.SIZE{} BODY.PEEK[HEADER.FIELDS ({})])",
        if caps.condstore { " MODSEQ" } else { "" },
        envelope::FIELDS
    )
}

#[allow(clippy::too_many_arguments)]
async fn sync_folder(
    account: &Account,
    session: &mut Session,
    store: &SharedStore,
    folder: &Folder,
    caps: Caps,
    options: &Options,
    sink: &Sink,
    meter: &mut Meter,
    summary: &mut Summary,
) -> Result<(), Error> {
    let mailbox = if options.selected {
        let items = if caps.condstore {
            "(MESSAGES UIDNEXT UIDVALIDITY HIGHESTMODSEQ)"
        } else {
            "(MESSAGES UIDNEXT UIDVALIDITY)"
        };
        let name = session.to_wire(&folder.name).into_owned();
        session.status(&name, items).await
    } else if caps.condstore {
        let name = session.to_wire(&folder.name).into_owned();
        session.select_condstore(&name).await
    } else {
        let name = session.to_wire(&folder.name).into_owned();
        session.select(&name).await
    }
    .map_err(|e| server_err(account, e))?;
    let (validity, uidnext, modseq, exists) = (
        mailbox.uid_validity,
        mailbox.uid_next,
        mailbox.highest_modseq,
        mailbox.exists,
    );
    let id = folder.id;
    let mut known = folder.clone();
    if folder.uidvalidity.is_some() && folder.uidvalidity != validity {
        tracing::info!("{}: UIDVALIDITY changed, cache reset", folder.name);
        store.run(move |s| s.reset_folder(id)).await?;
        known.highestmodseq = None;
        known.uidnext = None;
    }
    // Messages moved here locally have no UID yet; the pending actions were
    // replayed before this sync, so the server now has them under a new UID
    // and they are fetched again below.
    let (count, max_uid) = store
        .run(move |s| {
            s.forget_unknown_uids(id)?;
            Ok((s.count(id)?, s.max_uid(id)?))
        })
        .await?;
    meter.start_folder(&folder.name, u64::from(exists).saturating_sub(count));
    // Nothing changed since last time: one SELECT is the whole resync.
    if known.uidvalidity == validity
        && modseq.is_some()
        && known.highestmodseq == modseq
        && known.uidnext == uidnext
        && count == u64::from(exists)
    {
        return Ok(());
    }

    if let (Some(max), true) = (max_uid, count > 0) {
        let query = match (caps.condstore, known.highestmodseq) {
            (true, Some(since)) => format!("(UID FLAGS) (CHANGEDSINCE {since})"),
            _ => "(UID FLAGS)".to_owned(),
        };
        let fetched = run_raw(account, session, &format!("UID FETCH 1:{max} {query}")).await?;
        if let Some(bad) = fetched.iter().find(|r| fetched::unreadable(r)) {
            // Recording the folder's MODSEQ would skip this change for good.
            return Err(Error::Refused(format!(
                "a flag change could not be read: {}",
                crate::net::excerpt(bad)
            )));
        }
        let changes: Vec<_> = fetched.iter().filter_map(fetched::uid_and_flags).collect();
        summary.changed_flags += store.run(move |s| s.update_flags(id, &changes)).await?;
    }

    let query = fetch_query(caps);
    let indexing = if options.prefetch_days.is_some() {
        Indexing::WithBody
    } else {
        Indexing::Now
    };
    let mut new_ids = Vec::new();
    let mut writer = Writer::new(store, id, indexing);
    if exists > 0 {
        if count == 0 {
            // First sync: newest first by sequence number, so the latest mail
            // is listable after the first round trip.
            // The next batch is asked for before the one in flight is read:
            // the server never waits for our next command.
            let size = options.batch.max(1);
            let mut end = exists;
            let mut commands = std::iter::from_fn(|| {
                (end > 0).then(|| {
                    let start = end.saturating_sub(size - 1).max(1);
                    let command = format!("FETCH {start}:{end} {query}");
                    end = start - 1;
                    command
                })
            });
            let mut pipeline = imap_raw::Pipeline::in_background(session);
            ask(&mut pipeline, &mut commands, account).await?;
            while pipeline.outstanding() > 0 {
                let fetched = pipeline.next().await.map_err(|e| server_err(account, e))?;
                ask(&mut pipeline, &mut commands, account).await?;
                writer.push(fetched, None, meter, sink).await?;
            }
            pipeline
                .finish()
                .await
                .map_err(|e| server_err(account, e))?;
        } else if let Some(next) = max_uid.and_then(|max| max.checked_add(1)) {
            // After UID 4294967295, the highest there is, nothing can come:
            // `4294967296:*` would wrap to `0:*`.
            let fetched = run_raw(account, session, &format!("UID FETCH {next}:* {query}")).await?;
            // `N:*` always returns the last message, even when it is old.
            writer.push(fetched, Some(next - 1), meter, sink).await?;
        }
    }

    new_ids.extend(writer.finish(meter, sink).await?);
    // Counts that disagree mean expunges, or an interrupted earlier sync:
    // compare UID sets, drop what is gone, fetch what is missing.
    let count = store.run(move |s| s.count(id)).await?;
    if count != u64::from(exists) {
        let on_server: HashSet<u32> = uid_search(account, session, "ALL")
            .await?
            .into_iter()
            .collect();
        let local = store.run(move |s| s.uids(id)).await?;
        let local_set: HashSet<u32> = local.iter().copied().collect();
        let gone: Vec<u32> = local
            .into_iter()
            .filter(|u| !on_server.contains(u))
            .collect();
        summary.removed += gone.len() as u64;
        store.run(move |s| s.delete_uids(id, &gone)).await?;
        let mut missing: Vec<u32> = on_server.difference(&local_set).copied().collect();
        missing.sort_unstable_by(|a, b| b.cmp(a));
        let mut writer = Writer::new(store, id, indexing);
        for chunk in missing.chunks(options.batch.max(1) as usize) {
            let set = chunk
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(",");
            let fetched = run_raw(account, session, &format!("UID FETCH {set} {query}")).await?;
            writer.push(fetched, None, meter, sink).await?;
        }
        new_ids.extend(writer.finish(meter, sink).await?);
    }
    store
        .run(move |s| s.set_folder_state(id, validity, uidnext, modseq))
        .await?;
    summary.new_messages += new_ids.len() as u64;
    // The first sync of a folder is not "new mail" for notifications.
    if !new_ids.is_empty() && folder.uidvalidity.is_some() {
        sink(super::Event::NewMail {
            account: account.name.clone(),
            folder: folder.name.clone(),
            ids: new_ids,
        });
    }
    Ok(())
}

/// FETCH batches asked for at a time by a first sync and a prefetch.
const PIPELINED: usize = 2;

/// Sends `commands` until [`PIPELINED`] are outstanding or none is left.
async fn ask(
    pipeline: &mut imap_raw::Pipeline<'_>,
    commands: &mut impl Iterator<Item = String>,
    account: &Account,
) -> Result<(), Error> {
    while pipeline.outstanding() < PIPELINED {
        let Some(command) = commands.next() else {
            break;
        };
        pipeline
            .send(&command)
            .await
            .map_err(|e| server_err(account, e))?;
    }
    Ok(())
}

/// Parsed batches waiting for the store beyond this many make the fetch
/// wait (5000 messages at the usual batch size).
const QUEUED_BATCHES: usize = 5;

/// After the first, a transaction of new messages waits for this many
/// (or the end of the folder's fetch): each commit rewrites the index
/// pages its rows touched and flushes a search segment, which 1000 rows
/// paid again and again. Header sync, alternating runs: 100k 2.35 -> 2.09
/// s, 20k 473 -> 466 ms; 8000 made the 20k's last wait longer (492 ms).
const MIN_ROWS: usize = 4000;

/// Stores fetched batches while the next ones are fetched: each batch is
/// parsed on a blocking thread of its own (without the store), and a
/// driver task stores parsed batches, in order, as soon as they are
/// parsed (the first batch alone, so the newest mail is listable at once;
/// then [`MIN_ROWS`] at a time), so the last one is stored right after it
/// arrives. Batches parsed while the store was busy go in together. A sync
/// dropped midway leaves the driver to store what was fetched.
struct Writer {
    parses: tokio::sync::mpsc::Sender<tokio::task::JoinHandle<Vec<NewMessage>>>,
    /// Messages and bytes of each stored transaction, for the meter.
    stored: tokio::sync::mpsc::UnboundedReceiver<(u64, u64)>,
    driver: tokio::task::JoinHandle<Result<Vec<i64>, Error>>,
}

impl Writer {
    fn new(store: &SharedStore, folder_id: i64, indexing: Indexing) -> Self {
        let (parses, mut parsed) = tokio::sync::mpsc::channel(QUEUED_BATCHES);
        let (done, stored) = tokio::sync::mpsc::unbounded_channel();
        let store = store.clone();
        let driver = tokio::spawn(async move {
            let rows_of = |handle: tokio::task::JoinHandle<Vec<NewMessage>>| async move {
                handle
                    .await
                    .map_err(|e| Error::Internal(format!("the header parser failed: {e}")))
            };
            let mut ids = Vec::new();
            let mut next = None;
            loop {
                let handle = match next.take() {
                    Some(handle) => handle,
                    None => match parsed.recv().await {
                        Some(handle) => handle,
                        None => break,
                    },
                };
                let mut rows: Vec<NewMessage> = rows_of(handle).await?;
                let min = if ids.is_empty() { 0 } else { MIN_ROWS };
                while rows.len() < min {
                    match parsed.recv().await {
                        Some(handle) => rows.extend(rows_of(handle).await?),
                        None => break,
                    }
                }
                while let Ok(handle) = parsed.try_recv() {
                    if !handle.is_finished() {
                        next = Some(handle);
                        break;
                    }
                    rows.extend(rows_of(handle).await?);
                }
                let bytes: u64 = rows.iter().map(|r| r.size).sum();
                let n = rows.len() as u64;
                // In one transaction, unless the user acts meanwhile: then
                // what is stored is committed and the rest waits for the
                // action (outside the store, which it may need).
                while !rows.is_empty() {
                    let (stored, rest) = store
                        .run(move |s| {
                            let (ids, done) =
                                s.insert_messages_until_user(folder_id, &rows, indexing)?;
                            Ok((ids, rows.split_off(done)))
                        })
                        .await?;
                    ids.extend(stored);
                    rows = rest;
                    if !rows.is_empty() {
                        crate::priority::give_way().await;
                    }
                }
                let _ = done.send((n, bytes));
            }
            Ok(ids)
        });
        Self {
            parses,
            stored,
            driver,
        }
    }

    /// Hands a batch to the store; with `above`, only messages whose UID is
    /// greater.
    async fn push(
        &mut self,
        fetched: imap_raw::Responses,
        above: Option<u32>,
        meter: &mut Meter,
        sink: &Sink,
    ) -> Result<(), Error> {
        let parsing = tokio::task::spawn_blocking(move || {
            fetched
                .iter()
                .inspect(|_| crate::priority::give_way_blocking())
                .filter_map(fetched::row_of)
                .filter(|m| above.is_none_or(|max| m.uid.is_some_and(|uid| uid > max)))
                .collect()
        });
        if self.parses.send(parsing).await.is_err() {
            // The driver stopped: the store failed.
            return match (&mut self.driver).await {
                Ok(Err(err)) => Err(err),
                Ok(Ok(_)) => Err(Error::Internal("the store stopped taking messages".into())),
                Err(e) => Err(Error::Internal(format!("the store task failed: {e}"))),
            };
        }
        report(&mut self.stored, meter, sink);
        Ok(())
    }

    async fn finish(self, meter: &mut Meter, sink: &Sink) -> Result<Vec<i64>, Error> {
        let Self {
            parses,
            mut stored,
            driver,
        } = self;
        // The driver ends once it has stored every batch sent before this.
        drop(parses);
        let ids = driver
            .await
            .map_err(|e| Error::Internal(format!("the store task failed: {e}")))?;
        report(&mut stored, meter, sink);
        ids
    }
}

/// Moves the meter on by what the store has taken since it was last asked.
fn report(
    stored: &mut tokio::sync::mpsc::UnboundedReceiver<(u64, u64)>,
    meter: &mut Meter,
    sink: &Sink,
) {
    while let Ok((n, bytes)) = stored.try_recv() {
        meter.advance(n, bytes, sink);
    }
}

/// Downloads and caches one message's body (BODY.PEEK: stays unread).
pub async fn fetch_body(
    account: &Account,
    session: &mut Session,
    store: &SharedStore,
    message_id: i64,
) -> Result<Vec<u8>, Error> {
    let row = store.run(move |s| s.message(message_id)).await?;
    let uid = row
        .uid
        .ok_or_else(|| Error::Refused("the message is not on the server yet".into()))?;
    if row.size > crate::net::imap::guard::MAX_MESSAGE as u64 {
        return Err(Error::TooLarge(row.size));
    }
    let name = session.to_wire(&row.folder).into_owned();
    session
        .examine(&name)
        .await
        .map_err(|e| server_err(account, e))?;
    let fetches: Vec<Fetch> = session
        .uid_fetch(uid.to_string(), "(UID BODY.PEEK[])")
        .await
        .map_err(|e| server_err(account, e))?
        .try_collect()
        .await
        .map_err(|e| server_err(account, e))?;
    let raw = fetches
        .iter()
        .find(|f| f.uid == Some(uid))
        .and_then(Fetch::body)
        .ok_or_else(|| Error::Refused("the message is no longer on the server".into()))?
        .to_vec();
    save_body(store, message_id, raw.clone()).await?;
    Ok(raw)
}

/// The snippet and the searchable text of a raw message.
fn body_text(raw: &[u8]) -> (String, IndexText) {
    match message::parse(raw) {
        Ok(parsed) => {
            let (snippet, text) = message::snippet_and_text(&parsed, 200);
            (snippet, IndexText::new(&text))
        }
        Err(_) => (String::new(), IndexText::default()),
    }
}

pub(crate) async fn save_body(store: &SharedStore, id: i64, raw: Vec<u8>) -> Result<(), Error> {
    // Parsed before taking the store, which other calls (the list the
    // user scrolls) wait for meanwhile.
    let (raw, snippet, text) = tokio::task::spawn_blocking(move || {
        let (snippet, text) = body_text(&raw);
        (raw, snippet, text)
    })
    .await
    .map_err(|e| Error::Internal(format!("the message parser failed: {e}")))?;
    Ok(store
        .run(move |s| s.set_body(id, &raw, &snippet, &text))
        .await?)
}

/// Connects just to replay the account's pending actions.
pub async fn push_pending(account: &Account, store: &SharedStore) -> Result<(), Error> {
    let mut session = open(account).await?;
    let caps = caps(&session);
    actions::replay(account, &mut session, store, caps).await?;
    let _ = session.logout().await;
    Ok(())
}
