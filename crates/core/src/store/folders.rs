//! Folders of each account, with the IMAP state that makes resync cheap.

use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use super::{Result, Store};

/// What a folder is for, from SPECIAL-USE or, failing that, its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FolderRole {
    Inbox,
    Sent,
    Drafts,
    Trash,
    Junk,
    Archive,
}

impl FolderRole {
    pub fn as_str(self) -> &'static str {
        match self {
            FolderRole::Inbox => "inbox",
            FolderRole::Sent => "sent",
            FolderRole::Drafts => "drafts",
            FolderRole::Trash => "trash",
            FolderRole::Junk => "junk",
            FolderRole::Archive => "archive",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "inbox" => FolderRole::Inbox,
            "sent" => FolderRole::Sent,
            "drafts" => FolderRole::Drafts,
            "trash" => FolderRole::Trash,
            "junk" => FolderRole::Junk,
            "archive" => FolderRole::Archive,
            _ => return None,
        })
    }

    /// The role of a SPECIAL-USE attribute (RFC 6154), e.g. `\Sent`.
    pub fn from_special_use(attribute: &str) -> Option<Self> {
        Some(
            match attribute
                .trim_start_matches('\\')
                .to_ascii_lowercase()
                .as_str()
            {
                "sent" => FolderRole::Sent,
                "drafts" => FolderRole::Drafts,
                "trash" => FolderRole::Trash,
                "junk" => FolderRole::Junk,
                "archive" | "all" => FolderRole::Archive,
                _ => return None,
            },
        )
    }

    /// A guess from the folder's last name segment, for servers without
    /// SPECIAL-USE; the names big providers and clients use.
    pub fn from_name(name: &str, delimiter: Option<&str>) -> Option<Self> {
        if name.eq_ignore_ascii_case("INBOX") {
            return Some(FolderRole::Inbox);
        }
        let leaf = match delimiter {
            Some(d) if !d.is_empty() => name.rsplit(d).next().unwrap_or(name),
            _ => name,
        };
        Some(match leaf.to_lowercase().as_str() {
            "sent"
            | "sent items"
            | "sent messages"
            | "sent mail"
            | "gesendet"
            | "gesendete objekte"
            | "envoyés"
            | "éléments envoyés" => FolderRole::Sent,
            "drafts" | "draft" | "entwürfe" | "brouillons" => FolderRole::Drafts,
            "trash"
            | "deleted items"
            | "deleted messages"
            | "bin"
            | "papierkorb"
            | "gelöschte elemente"
            | "corbeille" => FolderRole::Trash,
            "junk" | "spam" | "junk e-mail" | "junk email" | "bulk mail" => FolderRole::Junk,
            "archive" | "archives" | "archiv" | "all mail" => FolderRole::Archive,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Folder {
    pub id: i64,
    pub account: String,
    pub name: String,
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
    Ok(Folder {
        id: r.get(0)?,
        account: r.get(1)?,
        name: r.get(2)?,
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

    pub fn folder(&self, account: &str, name: &str) -> Result<Option<Folder>> {
        Ok(self
            .conn()
            .query_row(
                &format!("SELECT {COLUMNS} FROM folders WHERE account = ?1 AND name = ?2"),
                params![account, name],
                row,
            )
            .optional()?)
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
    fn roles_from_special_use_and_names() {
        assert_eq!(
            FolderRole::from_special_use("\\Sent"),
            Some(FolderRole::Sent)
        );
        assert_eq!(
            FolderRole::from_special_use("\\Junk"),
            Some(FolderRole::Junk)
        );
        assert_eq!(FolderRole::from_special_use("\\Flagged"), None);
        assert_eq!(
            FolderRole::from_name("INBOX", Some("/")),
            Some(FolderRole::Inbox)
        );
        assert_eq!(
            FolderRole::from_name("INBOX.Sent Items", Some(".")),
            Some(FolderRole::Sent)
        );
        assert_eq!(
            FolderRole::from_name("[Gmail]/Spam", Some("/")),
            Some(FolderRole::Junk)
        );
        assert_eq!(
            FolderRole::from_name("Papierkorb", None),
            Some(FolderRole::Trash)
        );
        assert_eq!(FolderRole::from_name("Projects", Some("/")), None);
    }

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
}
