//! The one list query behind every message list: which messages (a folder,
//! or every account's folder of a role), in which order (newest first, or
//! grouped by thread), from where (a position, or after a message).
//!
//! The page is chosen first from index entries alone: one index walk per
//! folder, merged in order when there are several (the unified Inbox), so
//! no list sorts or loads a whole folder. Only the rows of the page are
//! then read, and in a threaded list only they count their thread.

use rusqlite::ToSql;
use rusqlite::types::Value;

use super::{MessageRow, ROW_COLUMNS, row};
use crate::store::{FolderRole, Result, Store};

/// Where a page of a list starts: strictly older than this (date, id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub date: i64,
    pub id: i64,
}

/// Which messages a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Folder(i64),
    /// Every account's folder with this role (the unified Inbox).
    Role(FolderRole),
    /// The same without the delivery and read reports matched to mail
    /// Postel sent (the preference that keeps them out of All Inboxes).
    RoleWithoutReports(FolderRole),
}

impl Scope {
    /// The role of a list over every account, if it is one.
    pub fn role(self) -> Option<FolderRole> {
        match self {
            Scope::Folder(_) => None,
            Scope::Role(role) | Scope::RoleWithoutReports(role) => Some(role),
        }
    }
}

/// The filter that leaves matched reports out (a lookup by rowid in a
/// small table: the index walk reads no row for it).
const NOT_A_REPORT: &str =
    "AND NOT EXISTS (SELECT 1 FROM reports r WHERE r.message = m.id AND r.outbox_id IS NOT NULL)";

/// The order of a list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Order {
    /// Newest first.
    #[default]
    Newest,
    /// Grouped by thread: the thread with the newest message first, each
    /// thread's messages oldest first.
    Threads,
}

/// An order and, for newest first, where a keyset page starts.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Sort {
    Newest(Option<Cursor>),
    Threads,
}

impl Store {
    /// A page of a folder, newest first, starting after `before` (keyset:
    /// the CLI's `--before`).
    pub fn list(
        &self,
        folder_id: i64,
        limit: u32,
        before: Option<Cursor>,
    ) -> Result<Vec<MessageRow>> {
        self.page(Scope::Folder(folder_id), Sort::Newest(before), 0, limit)
    }

    /// The list from its `offset`-th message (0-based) on: lets a windowed
    /// list jump to any scroll position without reading what lies before
    /// it (index entries are stepped over, rows are not read).
    pub fn list_at(
        &self,
        scope: Scope,
        order: Order,
        offset: u64,
        limit: u32,
    ) -> Result<Vec<MessageRow>> {
        let sort = match order {
            Order::Newest => Sort::Newest(None),
            Order::Threads => Sort::Threads,
        };
        self.page(scope, sort, offset, limit)
    }

    /// How many messages a list has, in any order.
    pub fn count_in(&self, scope: Scope) -> Result<u64> {
        let n: i64 = match scope {
            Scope::Folder(id) => self.conn().query_row(
                "SELECT COUNT(*) FROM messages WHERE folder_id = ?1",
                [id],
                |r| r.get(0),
            )?,
            Scope::Role(role) => self.conn().query_row(
                "SELECT COUNT(*) FROM messages
                 WHERE folder_id IN (SELECT id FROM folders WHERE role = ?1)",
                [role.as_str()],
                |r| r.get(0),
            )?,
            Scope::RoleWithoutReports(role) => self.conn().query_row(
                &format!(
                    "SELECT COUNT(*) FROM messages m
                     WHERE m.folder_id IN (SELECT id FROM folders WHERE role = ?1) {NOT_A_REPORT}"
                ),
                [role.as_str()],
                |r| r.get(0),
            )?,
        };
        Ok(n as u64)
    }

    fn page(&self, scope: Scope, sort: Sort, offset: u64, limit: u32) -> Result<Vec<MessageRow>> {
        let folders: Vec<i64> = match scope {
            Scope::Folder(id) => vec![id],
            Scope::Role(role) | Scope::RoleWithoutReports(role) => {
                let mut stmt = self
                    .conn()
                    .prepare_cached("SELECT id FROM folders WHERE role = ?1 ORDER BY id")?;
                let ids = stmt.query_map([role.as_str()], |r| r.get(0))?;
                ids.collect::<rusqlite::Result<_>>()?
            }
        };
        if folders.is_empty() {
            return Ok(Vec::new());
        }
        let mut args: Vec<(String, Value)> = vec![
            (":limit".into(), Value::Integer(i64::from(limit))),
            (":offset".into(), Value::Integer(offset as i64)),
        ];
        for (i, id) in folders.iter().enumerate() {
            args.push((format!(":f{i}"), Value::Integer(*id)));
        }
        if let Sort::Newest(Some(c)) = sort {
            args.push((":date".into(), Value::Integer(c.date)));
            args.push((":id".into(), Value::Integer(c.id)));
        }
        let hide = matches!(scope, Scope::RoleWithoutReports(_));
        let mut stmt = self
            .conn()
            .prepare_cached(&page_sql(folders.len(), sort, hide))?;
        let named: Vec<(&str, &dyn ToSql)> = args
            .iter()
            .map(|(name, value)| (name.as_str(), value as &dyn ToSql))
            .collect();
        let read = match sort {
            Sort::Newest(_) => row,
            Sort::Threads => threaded_row,
        };
        let rows = stmt.query_map(named.as_slice(), read)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// The SQL of a page over `folders` folders (parameters `:f0`, `:f1`, …,
/// `:limit`, `:offset`, and `:date`, `:id` for a keyset page).
pub(crate) fn page_sql(folders: usize, sort: Sort, hide_reports: bool) -> String {
    let mut after = match sort {
        Sort::Newest(Some(_)) => "AND (m.date, m.id) < (:date, :id)",
        _ => "",
    }
    .to_owned();
    if hide_reports {
        after.push(' ');
        after.push_str(NOT_A_REPORT);
    }
    // Only what the order needs, so each walk reads its index alone.
    let keys = match sort {
        Sort::Newest(_) => "m.id AS id, m.date AS date",
        Sort::Threads => "m.id AS id, m.date AS date, m.thread_id AS thread, m.thread_last AS last",
    };
    let arms: Vec<String> = (0..folders)
        .map(|i| format!("SELECT {keys} FROM messages m WHERE m.folder_id = :f{i} {after}"))
        .collect();
    let arms = arms.join(" UNION ALL ");
    let (order, again, place) = match sort {
        Sort::Newest(_) => ("date DESC, id DESC", "page.date DESC, page.id DESC", ""),
        Sort::Threads => (
            "last DESC, thread DESC, date, id",
            "page.last DESC, page.thread DESC, page.date, page.id",
            ", (SELECT COUNT(*) FROM messages p WHERE p.folder_id = m.folder_id
                 AND p.thread_id = m.thread_id AND (p.date, p.id) < (m.date, m.id)),
               (SELECT COUNT(*) FROM messages p WHERE p.folder_id = m.folder_id
                 AND p.thread_id = m.thread_id)",
        ),
    };
    format!(
        "WITH page AS ({arms} ORDER BY {order} LIMIT :limit OFFSET :offset)
         SELECT {ROW_COLUMNS}{place}
         FROM page JOIN messages m ON m.id = page.id JOIN folders f ON f.id = m.folder_id
         ORDER BY {again}"
    )
}

/// A row of a list grouped by thread: [`row`] and its thread place.
fn threaded_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<MessageRow> {
    let mut m = row(r)?;
    m.thread = Some(super::ThreadPlace {
        index: r.get(19)?,
        size: r.get(20)?,
    });
    Ok(m)
}
