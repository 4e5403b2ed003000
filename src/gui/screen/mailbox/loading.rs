//! What the mailbox reads from the store: folders, a window of the list,
//! the outbox, the trusted senders.

use iced::Task;

use super::{AccountFolders, Message, Selection, State};
use crate::store::FolderRole;
use crate::store::messages::{Order, Scope};

impl State {
    pub(super) fn load_remote_senders(&self) -> Task<Message> {
        let store = self.store.clone();
        Task::perform(
            async move { store.run(|s| s.remote_senders()).await.unwrap_or_default() },
            Message::RemoteSendersLoaded,
        )
    }

    /// All Inboxes, with or without the reports matched to sent mail.
    pub(super) fn unified_scope(&self) -> Scope {
        if self.reading.hide_reports {
            Scope::RoleWithoutReports(FolderRole::Inbox)
        } else {
            Scope::Role(FolderRole::Inbox)
        }
    }

    pub(super) fn load_outbox(&self) -> Task<Message> {
        let store = self.store.clone();
        Task::perform(
            async move {
                store
                    .run(|s| Ok((s.outbox(None)?, s.delivery_headlines()?)))
                    .await
                    .map_err(|e| crate::i18n::say(&e))
            },
            Message::OutboxLoaded,
        )
    }

    pub(super) fn load_folders(&self) -> Task<Message> {
        let store = self.store.clone();
        Task::perform(
            async move {
                store
                    .run(|s| {
                        let mut all = Vec::new();
                        for account in s.accounts_in_store()? {
                            let folders = s.folder_summaries(&account)?;
                            all.push(AccountFolders { account, folders });
                        }
                        Ok(all)
                    })
                    .await
                    .map_err(|e| crate::i18n::say(&e))
            },
            Message::FoldersLoaded,
        )
    }

    pub(super) fn reload_list(&self) -> Task<Message> {
        let generation = self.list.generation;
        self.load_rows(generation, 0, 120)
    }

    pub(super) fn load_rows(&self, generation: u64, start: u64, limit: u32) -> Task<Message> {
        let store = self.store.clone();
        let selection = self.selection.clone();
        let unified = self.unified_scope();
        let order = if self.threads {
            Order::Threads
        } else {
            Order::Newest
        };
        Task::perform(
            async move {
                // The user waits for the list: a sync gives way.
                let _user = crate::priority::Foreground::begin();
                store
                    .run(move |s| match selection {
                        Selection::Unified | Selection::Folder { .. } => {
                            let scope = match selection {
                                Selection::Folder { id, .. } => Scope::Folder(id),
                                _ => unified,
                            };
                            Ok((
                                s.count_in(scope)?,
                                start,
                                s.list_at(scope, order, start, limit)?,
                            ))
                        }
                        Selection::Search(query) => {
                            let rows = s.search(&query, None, 500)?;
                            Ok((rows.len() as u64, 0, rows))
                        }
                        Selection::Outbox => Ok((0, 0, Vec::new())),
                    })
                    .await
                    .map_err(|e| crate::i18n::say(&e))
            },
            move |result| Message::RowsLoaded { generation, result },
        )
    }
}
