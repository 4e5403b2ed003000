//! The engine's mail operations: sync, folders, lists, search, reading, and
//! the user's actions on messages (applied locally at once, then replayed).

use super::{Engine, Error};
use crate::account::Protocol;
use crate::explain::Explain;
use crate::store::SharedStore;
use crate::store::pending::Action;
use crate::store::{
    Flags, FolderRole, MessageRow,
    folders::FolderSummary,
    messages::{Cursor, Scope},
};
use crate::sync::{self, Options, Sink, Summary};

/// A change of one flag, as the user asks for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlagChange {
    Seen(bool),
    Flagged(bool),
}

/// What became of a user's action on the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    /// The server has it too.
    OnServer,
    /// Saved locally; it goes up at the next successful sync. Why it could
    /// not go now, for the user in their language.
    Queued(crate::explain::Sentence),
    /// Local only by nature (POP3 accounts).
    Local,
}

impl Engine {
    /// The store, opened on first use.
    pub fn store(&self) -> Result<SharedStore, Error> {
        let mut slot = self
            .inner
            .store
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(store) = &*slot {
            return Ok(store.clone());
        }
        let store = SharedStore::new(crate::store::Store::open(&self.inner.dirs.data)?);
        *slot = Some(store.clone());
        Ok(store)
    }

    pub async fn sync(
        &self,
        account: &str,
        options: &Options,
        sink: &Sink,
    ) -> Result<Summary, Error> {
        let account = self.account(account)?;
        let store = self.store()?;
        // Mail waiting in the outbox goes out whenever the account is reachable.
        if let Err(err) = sync::sender::send_due(&account, &store).await {
            tracing::warn!("{}: the outbox could not be sent: {err}", account.name);
        }
        Ok(sync::account(&account, &store, options, sink).await?)
    }

    pub async fn folders(&self, account: &str) -> Result<Vec<FolderSummary>, Error> {
        let name = self.account(account)?.name.clone();
        Ok(self
            .store()?
            .run(move |s| s.folder_summaries(&name))
            .await?)
    }

    /// A page of a folder, newest first; `before` is the id of the last
    /// message of the previous page.
    pub async fn list(
        &self,
        account: &str,
        folder: &str,
        limit: u32,
        before: Option<i64>,
    ) -> Result<Vec<MessageRow>, Error> {
        let _user = crate::priority::Foreground::begin();
        let name = self.account(account)?.name.clone();
        let folder = folder.to_owned();
        Ok(self
            .store()?
            .run(move |s| {
                let f = match s.folder(&name, &folder)? {
                    Some(f) => f,
                    None if folder.eq_ignore_ascii_case("inbox") => s
                        .folder_by_role(&name, FolderRole::Inbox)?
                        .ok_or_else(|| crate::store::Error::NoSuchFolder(folder.clone()))?,
                    None => return Err(crate::store::Error::NoSuchFolder(folder.clone())),
                };
                let cursor = match before {
                    Some(id) => {
                        let m = s.message(id)?;
                        Some(Cursor {
                            date: m.date,
                            id: m.id,
                        })
                    }
                    None => None,
                };
                s.list(f.id, limit, cursor)
            })
            .await?)
    }

    pub async fn search(
        &self,
        query: &str,
        account: Option<&str>,
        limit: u32,
    ) -> Result<Vec<MessageRow>, Error> {
        // The user waits for this: a running sync gives way (`crate::priority`).
        let _user = crate::priority::Foreground::begin();
        let account = match account {
            Some(a) => Some(self.account(a)?.name.clone()),
            None => None,
        };
        let query = query.to_owned();
        Ok(self
            .store()?
            .run(move |s| s.search(&query, account.as_deref(), limit))
            .await?)
    }

    /// A message's raw bytes: from the store, else downloaded and cached.
    pub async fn body(&self, account: &str, id: i64) -> Result<Vec<u8>, Error> {
        let account = self.account(account)?;
        let store = self.store()?;
        // No `Foreground`: a sync that gave way to this read (rolling back
        // and waking its threads) made it slower, not faster, once reads no
        // longer shared SQLite's allocation lock (`benches/responsive`:
        // p95 1.65 ms giving way, 0.66 ms not; 0.33 ms idle).
        let name = account.name.clone();
        // One call, one snapshot of the store: during a sync each new one
        // starts from an emptied page cache.
        let stored = store
            .run_here(move |s| {
                s.snapshot(|s| {
                    owned_message(s, &name, id)?;
                    s.body(id)
                })
            })
            .await?;
        if let Some(raw) = stored {
            return Ok(raw);
        }
        let mut session = sync::imap::open(&account).await?;
        let raw = sync::imap::fetch_body(&account, &mut session, &store, id).await?;
        let _ = session.logout().await;
        Ok(raw)
    }

    /// Changes a flag here, then on the server if it can be reached.
    pub async fn set_flag(
        &self,
        account: &str,
        id: i64,
        change: FlagChange,
    ) -> Result<Applied, Error> {
        self.set_flag_here(account, id, change).await?;
        self.push(account).await
    }

    /// Changes a flag in the store and records it for the server, without
    /// touching the network: the window shows the change at once and lets
    /// [`Engine::push`] (or the account's worker) take it up.
    pub async fn set_flag_here(
        &self,
        account: &str,
        id: i64,
        change: FlagChange,
    ) -> Result<(), Error> {
        let _user = crate::priority::Foreground::begin();
        let account = self.account(account)?;
        let store = self.store()?;
        let name = account.name.clone();
        store
            .run_here(move |s| {
                s.all_or_nothing(|s| {
                    let row = owned_message(s, &name, id)?;
                    let flags = match change {
                        FlagChange::Seen(on) => row.flags.with(Flags::SEEN, on),
                        FlagChange::Flagged(on) => row.flags.with(Flags::FLAGGED, on),
                    };
                    s.set_flags(id, flags)?;
                    if let Some(uid) = row.uid {
                        s.add_pending(&name, &row.folder, uid, &Action::SetFlags(flags.to_imap()))?;
                    }
                    Ok(())
                })
            })
            .await?;
        Ok(())
    }

    /// "Mark all as read" on a folder or the unified Inbox, in the store
    /// (each message's flags queued for its server). Returns what it
    /// changed: the ids for Undo and the accounts to push.
    pub async fn mark_all_read_here(&self, scope: Scope) -> Result<Marked, Error> {
        let rows = self.store()?.run(move |s| s.mark_all_read(scope)).await?;
        let mut marked = Marked::default();
        for r in rows {
            if !marked.accounts.contains(&r.account) {
                marked.accounts.push(r.account);
            }
            marked.ids.push(r.id);
        }
        Ok(marked)
    }

    /// Undo of [`Engine::mark_all_read_here`].
    pub async fn mark_unread_again_here(&self, ids: Vec<i64>) -> Result<usize, Error> {
        Ok(self
            .store()?
            .run(move |s| s.mark_unread_again(&ids))
            .await?)
    }

    /// Moves a message here, then on the server if it can be reached.
    pub async fn move_message(&self, account: &str, id: i64, to: &str) -> Result<Applied, Error> {
        self.move_here(account, id, to).await?;
        self.push(account).await
    }

    /// [`Engine::move_message`] in the store only (see
    /// [`Engine::set_flag_here`]).
    pub async fn move_here(&self, account: &str, id: i64, to: &str) -> Result<(), Error> {
        let _user = crate::priority::Foreground::begin();
        let account = self.account(account)?;
        let store = self.store()?;
        let (name, to) = (account.name.clone(), to.to_owned());
        store
            .run_here(move |s| {
                s.all_or_nothing(|s| {
                    let row = owned_message(s, &name, id)?;
                    let target = s
                        .folder(&name, &to)?
                        .ok_or_else(|| crate::store::Error::NoSuchFolder(to.clone()))?;
                    s.move_message(id, target.id)?;
                    if let Some(uid) = row.uid {
                        s.add_pending(&name, &row.folder, uid, &Action::Move(target.name))?;
                    }
                    Ok(())
                })
            })
            .await?;
        Ok(())
    }

    /// Delete as mail clients do: to Trash, or for good when already there
    /// (or when the account has no Trash); here, then on the server.
    pub async fn delete_message(&self, account: &str, id: i64) -> Result<Applied, Error> {
        self.delete_here(account, id).await?;
        self.push(account).await
    }

    /// [`Engine::delete_message`] in the store only (see
    /// [`Engine::set_flag_here`]).
    pub async fn delete_here(&self, account: &str, id: i64) -> Result<(), Error> {
        self.remove_here(account, id, false).await
    }

    /// Deletes a message for good, wherever it is: only when the user
    /// asked for exactly that (`postel delete --permanently`).
    pub async fn delete_permanently(&self, account: &str, id: i64) -> Result<Applied, Error> {
        self.delete_permanently_here(account, id).await?;
        self.push(account).await
    }

    /// [`Engine::delete_permanently`] in the store only (see
    /// [`Engine::set_flag_here`]).
    pub async fn delete_permanently_here(&self, account: &str, id: i64) -> Result<(), Error> {
        self.remove_here(account, id, true).await
    }

    async fn remove_here(&self, account: &str, id: i64, for_good: bool) -> Result<(), Error> {
        let _user = crate::priority::Foreground::begin();
        let account = self.account(account)?;
        let store = self.store()?;
        let name = account.name.clone();
        store
            .run_here(move |s| {
                s.all_or_nothing(|s| {
                    let row = owned_message(s, &name, id)?;
                    let trash = match s.folder_by_role(&name, FolderRole::Trash)? {
                        _ if for_good => None,
                        Some(trash) => Some(trash),
                        // No Trash: one is made, as Thunderbird does, rather
                        // than the message destroyed. On IMAP the server's
                        // copy follows when the move is replayed (which
                        // creates the folder there).
                        None => {
                            let (trash, delimiter) = s.name_for_new(&name, "Trash")?;
                            let trash = s.upsert_folder(
                                &name,
                                &trash,
                                delimiter.as_deref(),
                                Some(FolderRole::Trash),
                            )?;
                            s.mark_made(trash.id)?;
                            Some(trash)
                        }
                    };
                    match trash {
                        Some(trash) if trash.id != row.folder_id => {
                            s.move_message(id, trash.id)?;
                            if let Some(uid) = row.uid {
                                s.add_pending(&name, &row.folder, uid, &Action::Move(trash.name))?;
                            }
                        }
                        // In Trash already, or asked for: deleted for good.
                        _ => {
                            s.delete_message(id)?;
                            if let Some(uid) = row.uid {
                                s.add_pending(&name, &row.folder, uid, &Action::Expunge)?;
                            }
                        }
                    }
                    Ok(())
                })
            })
            .await?;
        Ok(())
    }

    /// Sends the account's pending actions up now, if the server can be
    /// reached; what cannot go now waits for the next sync.
    pub async fn push(&self, account: &str) -> Result<Applied, Error> {
        let account = self.account(account)?;
        if account.incoming.protocol == Protocol::Pop3 {
            return Ok(Applied::Local);
        }
        let store = self.store()?;
        match sync::imap::push_pending(&account, &store).await {
            Ok(()) => Ok(Applied::OnServer),
            Err(err) => Ok(Applied::Queued(err.sentence())),
        }
    }
}

/// What "mark all as read" changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Marked {
    pub ids: Vec<i64>,
    pub accounts: Vec<String>,
}

/// The message, checked to belong to the account named on the command line.
fn owned_message(
    s: &crate::store::Store,
    account: &str,
    id: i64,
) -> crate::store::Result<MessageRow> {
    let row = s.message(id)?;
    if row.account != account {
        return Err(crate::store::Error::NoSuchMessage(id));
    }
    Ok(row)
}
