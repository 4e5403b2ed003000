//! Folders of each account, with the IMAP state that makes resync cheap.

use rusqlite::{OptionalExtension, params};
use serde::Serialize;

pub use super::roles::FolderRole;
use super::{Result, Store};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Folder {
    pub id: i64,
    pub account: String,
    /// As the server writes it (modified UTF-7 on IMAP): the folder's key.
    pub name: String,
    /// As the user reads it: `name` decoded.
    pub display_name: String,
    pub delimiter: Option<String>,
    pub role: Option<FolderRole>,
    pub uidvalidity: Option<u32>,
    pub uidnext: Option<u32>,
    pub highestmodseq: Option<u64>,
}

/// A folder with its message counts, for folder lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FolderSummary {
    #[serde(flatten)]
    pub folder: Folder,
    pub total: u64,
    pub unread: u64,
}

const COLUMNS: &str = "id, account, name, delimiter, role, uidvalidity, uidnext, highestmodseq";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Folder> {
    let name: String = r.get(2)?;
    Ok(Folder {
        id: r.get(0)?,
        account: r.get(1)?,
        display_name: crate::net::imap::mutf7::display(&name),
        name,
        delimiter: r.get(3)?,
        role: r
            .get::<_, Option<String>>(4)?
            .as_deref()
            .and_then(FolderRole::parse),
        uidvalidity: r.get(5)?,
        uidnext: r.get(6)?,
        highestmodseq: r.get::<_, Option<i64>>(7)?.map(|m| m as u64),
    })
}

impl Store {
    /// Creates the folder or updates its delimiter and role; returns it.
    pub fn upsert_folder(
        &self,
        account: &str,
        name: &str,
        delimiter: Option<&str>,
        role: Option<FolderRole>,
    ) -> Result<Folder> {
        self.conn().execute(
            "INSERT INTO folders (account, name, delimiter, role) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (account, name) DO UPDATE SET delimiter = ?3, role = ?4",
            params![account, name, delimiter, role.map(FolderRole::as_str)],
        )?;
        self.folder(account, name)?
            .ok_or_else(|| super::Error::NoSuchFolder(name.to_owned()))
    }

    /// The folder by the server's name, or by the name as the user reads
    /// it ("INBOX.Grüße" finds the server's "INBOX.Gr&APwA3w-e").
    pub fn folder(&self, account: &str, name: &str) -> Result<Option<Folder>> {
        let by_name = |name: &str| {
            self.conn()
                .query_row(
                    &format!("SELECT {COLUMNS} FROM folders WHERE account = ?1 AND name = ?2"),
                    params![account, name],
                    row,
                )
                .optional()
        };
        if let Some(found) = by_name(name)? {
            return Ok(Some(found));
        }
        let wire = crate::net::imap::mutf7::encode(name);
        Ok(if wire != name { by_name(&wire)? } else { None })
    }

    /// Notes that Postel made the folder because the account had none for
    /// its role; the faces say so once ([`Store::take_made`]).
    pub fn mark_made(&self, folder: i64) -> Result<()> {
        self.conn().execute(
            "INSERT OR IGNORE INTO folders_made (folder) VALUES (?1)",
            [folder],
        )?;
        Ok(())
    }

    /// The folders made since the last call, each returned once.
    pub fn take_made(&self) -> Result<Vec<Folder>> {
        let tx = self.conn().unchecked_transaction()?;
        let made = {
            let mut stmt = tx.prepare(&format!(
                "SELECT {COLUMNS} FROM folders WHERE id IN (SELECT folder FROM folders_made)
                 ORDER BY account, name"
            ))?;
            stmt.query_map([], row)?
                .collect::<rusqlite::Result<Vec<_>>>()?
        };
        tx.execute("DELETE FROM folders_made", [])?;
        tx.commit()?;
        Ok(made)
    }

    pub fn folder_by_id(&self, id: i64) -> Result<Option<Folder>> {
        Ok(self
            .conn()
            .query_row(
                &format!("SELECT {COLUMNS} FROM folders WHERE id = ?1"),
                [id],
                row,
            )
            .optional()?)
    }

    pub fn folder_by_role(&self, account: &str, role: FolderRole) -> Result<Option<Folder>> {
        Ok(self
            .conn()
            .query_row(
                &format!(
                    "SELECT {COLUMNS} FROM folders WHERE account = ?1 AND role = ?2 ORDER BY id LIMIT 1"
                ),
                params![account, role.as_str()],
                row,
            )
            .optional()?)
    }

    /// The account's folders, Inbox first, then by name.
    pub fn folders(&self, account: &str) -> Result<Vec<Folder>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {COLUMNS} FROM folders WHERE account = ?1
             ORDER BY role = 'inbox' DESC, name COLLATE NOCASE"
        ))?;
        let rows = stmt.query_map([account], row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The account's folders with total and unread counts.
    pub fn folder_summaries(&self, account: &str) -> Result<Vec<FolderSummary>> {
        let folders = self.folders(account)?;
        let mut stmt = self.conn().prepare_cached(
            "SELECT COUNT(*), COALESCE(SUM((flags & 1) = 0), 0) FROM messages WHERE folder_id = ?1",
        )?;
        folders
            .into_iter()
            .map(|folder| {
                let (total, unread): (i64, i64) =
                    stmt.query_row([folder.id], |r| Ok((r.get(0)?, r.get(1)?)))?;
                Ok(FolderSummary {
                    folder,
                    total: total as u64,
                    unread: unread as u64,
                })
            })
            .collect()
    }

    /// Records how far a folder is synced.
    pub fn set_folder_state(
        &self,
        id: i64,
        uidvalidity: Option<u32>,
        uidnext: Option<u32>,
        highestmodseq: Option<u64>,
    ) -> Result<()> {
        self.conn().execute(
            "UPDATE folders SET uidvalidity = ?2, uidnext = ?3, highestmodseq = ?4, synced_at = ?5
             WHERE id = ?1",
            params![
                id,
                uidvalidity,
                uidnext,
                highestmodseq.map(|m| m as i64),
                super::now()
            ],
        )?;
        Ok(())
    }

    /// Forgets every cached message of a folder (UIDVALIDITY changed).
    pub fn reset_folder(&mut self, id: i64) -> Result<()> {
        let tx = self.atomic()?;
        tx.execute("DELETE FROM messages WHERE folder_id = ?1", [id])?;
        tx.execute(
            "UPDATE folders SET uidvalidity = NULL, uidnext = NULL, highestmodseq = NULL WHERE id = ?1",
            [id],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Removes a folder that vanished from the server, with its messages.
    pub fn delete_folder(&self, id: i64) -> Result<()> {
        self.conn()
            .execute("DELETE FROM folders WHERE id = ?1", [id])?;
        Ok(())
    }

    /// Removes everything the store holds for an account.
    pub fn forget_account(&mut self, account: &str) -> Result<()> {
        let tx = self.atomic()?;
        // The thread map holds no account name, only keys: the account's
        // are those of its messages' threads (while the folders are there).
        // Keys of threads whose every message was deleted stay behind:
        // hashes that name nothing, and that only this account name with
        // this store's key could ever find again.
        tx.execute(
            "DELETE FROM thread_keys WHERE thread IN (SELECT m.thread_id FROM messages m
                 JOIN folders f ON f.id = m.folder_id WHERE f.account = ?1)",
            [account],
        )?;
        for table in ["folders", "outbox", "drafts", "pending", "pop3_seen"] {
            tx.execute(
                &format!("DELETE FROM {table} WHERE account = ?1"),
                [account],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The name for a folder Postel makes (a Trash, Sent or Drafts the
    /// account lacks): `base` beside the account's other folders, so under
    /// "INBOX." on a server whose folders all live there (Courier, Cyrus),
    /// and the delimiter the server uses. English, as Thunderbird names
    /// the folders it makes; the role, not the name, is what Postel reads.
    pub fn name_for_new(&self, account: &str, base: &str) -> Result<(String, Option<String>)> {
        let folders = self.folders(account)?;
        let delimiter = folders.iter().find_map(|f| f.delimiter.clone());
        let under_inbox = delimiter.as_deref().is_some_and(|d| {
            let prefix = format!("INBOX{d}");
            let others: Vec<_> = folders
                .iter()
                .filter(|f| f.role != Some(FolderRole::Inbox))
                .collect();
            !others.is_empty() && others.iter().all(|f| f.name.starts_with(&prefix))
        });
        let name = match (&delimiter, under_inbox) {
            (Some(d), true) => format!("INBOX{d}{base}"),
            _ => base.to_owned(),
        };
        Ok((name, delimiter))
    }

    /// The user's folder choices applied to the folders already known, at
    /// once (the next LIST applies them again, see `FolderRole::choose`).
    pub fn choose_roles(
        &self,
        account: &str,
        choices: &crate::account::FolderChoices,
    ) -> Result<()> {
        let folders = self.folders(account)?;
        let mut found: Vec<_> = folders
            .iter()
            .map(|f| (f.name.clone(), f.delimiter.clone(), f.role))
            .collect();
        FolderRole::choose(&mut found, choices);
        for ((name, delimiter, role), old) in found.iter().zip(&folders) {
            if *role != old.role {
                self.upsert_folder(account, name, delimiter.as_deref(), *role)?;
            }
        }
        Ok(())
    }

    /// Names of every account that has folders in the store.
    pub fn accounts_in_store(&self) -> Result<Vec<String>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT DISTINCT account FROM folders ORDER BY account")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing::temp_store;

    #[test]
    fn upsert_keeps_one_row_and_updates_the_role() {
        let t = temp_store("folders");
        let a = t
            .store
            .upsert_folder("acct", "Sent", Some("/"), None)
            .expect("insert");
        let b = t
            .store
            .upsert_folder("acct", "Sent", Some("/"), Some(FolderRole::Sent))
            .expect("update");
        assert_eq!(a.id, b.id);
        assert_eq!(b.role, Some(FolderRole::Sent));
        t.store
            .upsert_folder("acct", "INBOX", Some("/"), Some(FolderRole::Inbox))
            .expect("inbox");
        let names: Vec<String> = t
            .store
            .folders("acct")
            .expect("list")
            .into_iter()
            .map(|f| f.name)
            .collect();
        assert_eq!(names, ["INBOX", "Sent"]);
        t.store
            .set_folder_state(b.id, Some(7), Some(100), Some(42))
            .expect("state");
        let f = t
            .store
            .folder("acct", "Sent")
            .expect("get")
            .expect("exists");
        assert_eq!(
            (f.uidvalidity, f.uidnext, f.highestmodseq),
            (Some(7), Some(100), Some(42))
        );
    }

    #[test]
    fn a_folder_postel_makes_sits_beside_the_other_folders() {
        let t = temp_store("trash-name");
        let s = &t.store;
        s.upsert_folder("flat", "INBOX", Some("/"), Some(FolderRole::Inbox))
            .expect("folder");
        s.upsert_folder("flat", "Projects", Some("/"), None)
            .expect("folder");
        assert_eq!(
            s.name_for_new("flat", "Trash").expect("name"),
            ("Trash".to_owned(), Some("/".to_owned()))
        );
        // Courier and Cyrus keep every folder under INBOX.
        s.upsert_folder("courier", "INBOX", Some("."), Some(FolderRole::Inbox))
            .expect("folder");
        s.upsert_folder("courier", "INBOX.Projekte", Some("."), None)
            .expect("folder");
        s.upsert_folder(
            "courier",
            "INBOX.Gesendet",
            Some("."),
            Some(FolderRole::Sent),
        )
        .expect("folder");
        assert_eq!(
            s.name_for_new("courier", "Trash").expect("name"),
            ("INBOX.Trash".to_owned(), Some(".".to_owned()))
        );
        // POP3: only INBOX, no delimiter.
        s.upsert_folder("pop", "INBOX", None, Some(FolderRole::Inbox))
            .expect("folder");
        assert_eq!(
            s.name_for_new("pop", "Trash").expect("name"),
            ("Trash".to_owned(), None)
        );
    }
}
