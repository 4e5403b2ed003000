//! Senders whose remote content (images, style sheets, fonts) the user
//! chose to always load, as "Load remote content" does for one message.

use rusqlite::params;

use super::{Result, Store};

impl Store {
    pub fn allow_remote_from(&self, address: &str) -> Result<()> {
        self.conn().execute(
            "INSERT OR IGNORE INTO remote_senders (address, added) VALUES (?1, ?2)",
            params![address.trim(), super::now()],
        )?;
        Ok(())
    }

    pub fn forbid_remote_from(&self, address: &str) -> Result<()> {
        self.conn().execute(
            "DELETE FROM remote_senders WHERE address = ?1",
            params![address.trim()],
        )?;
        Ok(())
    }

    /// Every sender allowed, lower-cased; the list is short (one row per
    /// sender the user chose).
    pub fn remote_senders(&self) -> Result<Vec<String>> {
        let mut stmt = self
            .conn()
            .prepare("SELECT lower(address) FROM remote_senders ORDER BY address")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn senders_are_allowed_once_without_case_and_can_be_forbidden_again() {
        let dir = std::env::temp_dir().join(format!("postel-remote-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let store = Store::open(&dir).expect("store");
        store.allow_remote_from("News@Rad.example").expect("allow");
        store.allow_remote_from("news@rad.example").expect("again");
        assert_eq!(store.remote_senders().expect("list"), ["news@rad.example"]);
        store
            .forbid_remote_from("NEWS@rad.example")
            .expect("forbid");
        assert!(store.remote_senders().expect("list").is_empty());
        drop(store);
        std::fs::remove_dir_all(&dir).expect("cleanup");
    }
}
