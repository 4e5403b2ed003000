//! Local full-text search (FTS5) over sender, recipients, subject and the
//! text of downloaded bodies, across accounts.

use rusqlite::params;

use super::messages::{ROW_COLUMNS, row};
use super::{MessageRow, Result, Store};

/// Turns what a user types into an FTS5 query that cannot be a syntax
/// error: each word becomes a quoted prefix term, "quoted phrases" stay
/// phrases, and every term must match.
pub fn fts_query(input: &str) -> Option<String> {
    let mut terms = Vec::new();
    let mut rest = input.trim();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('"') {
            let (phrase, tail) = after.split_once('"').unwrap_or((after, ""));
            let words: Vec<&str> = phrase.split_whitespace().collect();
            if !words.is_empty() {
                terms.push(format!("\"{}\"", words.join(" ").replace('"', "")));
            }
            rest = tail.trim_start();
        } else {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            let word: String = rest[..end]
                .chars()
                .filter(|c| c.is_alphanumeric() || matches!(c, '@' | '.' | '-' | '_' | '\''))
                .collect();
            let word = word.trim_matches(|c: char| !c.is_alphanumeric());
            if !word.is_empty() {
                terms.push(format!("\"{}\"*", word.replace('"', "")));
            }
            rest = rest[end..].trim_start();
        }
    }
    (!terms.is_empty()).then(|| terms.join(" AND "))
}

impl Store {
    /// Messages matching `query`, newest first; one account or all.
    pub fn search(
        &self,
        query: &str,
        account: Option<&str>,
        limit: u32,
    ) -> Result<Vec<MessageRow>> {
        let Some(fts) = fts_query(query) else {
            return Ok(Vec::new());
        };
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {ROW_COLUMNS} FROM search s
             JOIN messages m ON m.id = s.rowid
             JOIN folders f ON f.id = m.folder_id
             WHERE search MATCH ?1 AND (?2 IS NULL OR f.account = ?2)
             ORDER BY m.date DESC, m.id DESC LIMIT ?3"
        ))?;
        let rows = stmt.query_map(params![fts, account, limit], row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::NewMessage;
    use crate::store::testing::temp_store;

    #[test]
    fn queries_are_always_valid_fts() {
        assert_eq!(
            fts_query("invoice march").as_deref(),
            Some("\"invoice\"* AND \"march\"*")
        );
        assert_eq!(
            fts_query("\"quarterly report\" bob").as_deref(),
            Some("\"quarterly report\" AND \"bob\"*")
        );
        assert_eq!(
            fts_query("AND OR NOT ( * :").as_deref(),
            Some("\"AND\"* AND \"OR\"* AND \"NOT\"*")
        );
        assert_eq!(
            fts_query("  \"unclosed phrase"),
            Some("\"unclosed phrase\"".into())
        );
        assert_eq!(fts_query("   "), None);
    }

    #[test]
    fn finds_by_sender_subject_and_body_per_account() {
        let mut t = temp_store("search");
        let a = t
            .store
            .upsert_folder("work", "INBOX", None, None)
            .expect("folder");
        let b = t
            .store
            .upsert_folder("home", "INBOX", None, None)
            .expect("folder");
        let m = |uid, subject: &str, from: &str| NewMessage {
            uid: Some(uid),
            date: i64::from(uid),
            subject: subject.into(),
            from_addr: from.into(),
            ..NewMessage::default()
        };
        let ids = t
            .store
            .insert_messages(
                a.id,
                &[
                    m(1, "Quarterly report", "carol@example.test"),
                    m(2, "Lunch", "dave@example.test"),
                ],
            )
            .expect("insert");
        t.store
            .insert_messages(b.id, &[m(3, "Quarterly taxes", "erin@example.test")])
            .expect("insert");
        t.store
            .set_body(
                ids[1],
                b"raw",
                "snip",
                &crate::store::IndexText::new("the zucchini risotto is ready"),
            )
            .expect("body");
        let subjects = |q: &str, acct| -> Vec<String> {
            t.store
                .search(q, acct, 50)
                .expect("search")
                .into_iter()
                .map(|r| r.subject)
                .collect()
        };
        assert_eq!(
            subjects("quarterly", None),
            ["Quarterly taxes", "Quarterly report"]
        );
        assert_eq!(subjects("quarterly", Some("work")), ["Quarterly report"]);
        assert_eq!(subjects("carol@example.test", None), ["Quarterly report"]);
        assert_eq!(subjects("zucchini", None), ["Lunch"]);
        assert_eq!(subjects("\"risotto is ready\"", None), ["Lunch"]);
        assert!(subjects("\"ready risotto\"", None).is_empty());
        // Deleting a message removes it from the index.
        t.store.delete_message(ids[1]).expect("delete");
        assert!(subjects("zucchini", None).is_empty());
    }

    #[test]
    fn messages_waiting_for_a_body_are_indexed_once() {
        let mut t = temp_store("waiting");
        let f = t
            .store
            .upsert_folder("work", "INBOX", None, None)
            .expect("folder");
        let m = |uid, subject: &str| NewMessage {
            uid: Some(uid),
            date: i64::from(uid),
            subject: subject.into(),
            ..NewMessage::default()
        };
        let ids = t
            .store
            .insert_messages_indexed(
                f.id,
                &[m(1, "Budget one"), m(2, "Budget two"), m(3, "Budget three")],
                crate::store::Indexing::WithBody,
            )
            .expect("insert");
        let found = |t: &crate::store::testing::TempStore, q: &str| -> Vec<i64> {
            let mut ids: Vec<i64> = t
                .store
                .search(q, None, 50)
                .expect("search")
                .into_iter()
                .map(|r| r.id)
                .collect();
            ids.sort_unstable();
            ids
        };
        assert!(
            found(&t, "budget").is_empty(),
            "not indexed before its body"
        );
        t.store
            .set_body(
                ids[0],
                b"raw",
                "",
                &crate::store::IndexText::new("apricot jam"),
            )
            .expect("body");
        t.store.delete_message(ids[2]).expect("delete");
        assert_eq!(found(&t, "budget"), [ids[0]]);
        assert_eq!(t.store.index_unindexed().expect("index"), 1);
        assert_eq!(found(&t, "budget"), [ids[0], ids[1]]);
        assert_eq!(found(&t, "apricot"), [ids[0]]);
        // Nothing is left waiting, and a later body replaces the header row.
        assert_eq!(t.store.index_unindexed().expect("index"), 0);
        t.store
            .set_body(
                ids[1],
                b"raw",
                "",
                &crate::store::IndexText::new("plum cake"),
            )
            .expect("body");
        assert_eq!(found(&t, "budget"), [ids[0], ids[1]]);
        assert_eq!(found(&t, "plum"), [ids[1]]);
    }
}
