//! The durable outbox: a message is committed here before the first SMTP
//! byte and leaves the queue only once the server accepted its data. Every
//! attempt is recorded, so "did it go out?" always has an answer.

use std::io::Write;

use rusqlite::blob::ZeroBlob;
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use super::{Result, Store};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Waiting for its next attempt.
    Queued,
    /// An attempt is under way (or was cut short by a crash).
    Sending,
    /// The server accepted it.
    Sent,
    /// Refused for good, or given up on; can be edited and re-sent.
    Failed,
    /// Postel closed while Send could still be taken back: nothing went
    /// out, and it waits for the user to send, edit or delete it.
    Held,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Queued => "queued",
            State::Sending => "sending",
            State::Sent => "sent",
            State::Failed => "failed",
            State::Held => "held",
        }
    }

    fn parse(s: &str) -> Self {
        match s {
            "sending" => State::Sending,
            "sent" => State::Sent,
            "failed" => State::Failed,
            "held" => State::Held,
            _ => State::Queued,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attempt {
    pub started: i64,
    pub server: String,
    /// How far it got: "connecting", then "data" once the message body
    /// went out, "done" when the server's answer is known.
    pub phase: String,
    pub code: Option<u16>,
    pub reply: String,
    pub queue_id: Option<String>,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Item {
    pub id: i64,
    pub account: String,
    pub message_id: String,
    pub sender: String,
    pub recipients: Vec<String>,
    pub subject: String,
    pub state: State,
    pub created: i64,
    pub next_attempt: i64,
    pub attempts: u32,
    pub last_error: String,
    pub sent_at: Option<i64>,
    pub sent_copy: bool,
    pub size: u64,
    pub history: Vec<Attempt>,
    /// Until then Send can be taken back (undo send); unset once an
    /// attempt began.
    pub undo_until: Option<i64>,
    /// The time the user chose to send it (send later).
    pub send_at: Option<i64>,
}

const COLUMNS: &str = "id, account, message_id, sender, recipients, subject, state, created, next_attempt, attempts, last_error, sent_at, sent_copy,
     COALESCE((SELECT length(raw) FROM outbox_raw WHERE outbox_id = outbox.id), 0), undo_until, send_at";

fn item(r: &rusqlite::Row<'_>) -> rusqlite::Result<Item> {
    let recipients: String = r.get(4)?;
    let state: String = r.get(6)?;
    Ok(Item {
        id: r.get(0)?,
        account: r.get(1)?,
        message_id: r.get(2)?,
        sender: r.get(3)?,
        recipients: recipients.lines().map(str::to_owned).collect(),
        subject: r.get(5)?,
        state: State::parse(&state),
        created: r.get(7)?,
        next_attempt: r.get(8)?,
        attempts: r.get(9)?,
        last_error: r.get(10)?,
        sent_at: r.get(11)?,
        sent_copy: r.get(12)?,
        size: r.get::<_, i64>(13)? as u64,
        history: Vec::new(),
        undo_until: r.get(14)?,
        send_at: r.get(15)?,
    })
}

/// A message about to enter the outbox, apart from its content.
#[derive(Debug, Clone, Copy)]
pub struct NewItem<'a> {
    pub account: &'a str,
    pub message_id: &'a str,
    pub sender: &'a str,
    /// The SMTP envelope, Bcc included.
    pub recipients: &'a [String],
    pub subject: &'a str,
    /// When it may go: now, after the undo delay, or at the user's time.
    pub when: When,
}

/// When a new message may go out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum When {
    #[default]
    Now,
    /// After this many seconds in which Send can be taken back.
    UndoWithin(i64),
    /// At this time (Unix seconds), chosen by the user.
    At(i64),
}

/// Counts what passes, so a writer that stops short of the length it
/// promised is caught instead of leaving zeros at the end of a message.
struct Counted<W> {
    inner: W,
    written: u64,
}

impl<W: Write> Write for Counted<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

impl Store {
    /// Commits a message to the outbox; returns its outbox id.
    pub fn enqueue(
        &mut self,
        account: &str,
        raw: &[u8],
        message_id: &str,
        sender: &str,
        recipients: &[String],
        subject: &str,
    ) -> Result<i64> {
        let new = NewItem {
            account,
            message_id,
            sender,
            recipients,
            subject,
            when: When::Now,
        };
        self.enqueue_streamed(&new, raw.len() as u64, |out| out.write_all(raw))
    }

    /// Commits a message of exactly `len` bytes that `write` produces; the
    /// row and its content land in one transaction, so a failure or a crash
    /// half-way leaves no half message. Returns its outbox id.
    ///
    /// The content goes into a blob reserved at its full length and filled
    /// in place (SQLite's incremental blob I/O): binding the message as a
    /// parameter would need it whole in memory, and SQLite would copy it
    /// once more.
    pub fn enqueue_streamed(
        &mut self,
        new: &NewItem<'_>,
        len: u64,
        write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<i64> {
        let now = super::now();
        let (undo_until, send_at) = match new.when {
            When::Now => (None, None),
            When::UndoWithin(seconds) => (Some(now + seconds.max(0)), None),
            When::At(at) => (None, Some(at)),
        };
        let due = undo_until.or(send_at).unwrap_or(now);
        let tx = self.atomic()?;
        tx.execute(
            "INSERT INTO outbox (account, message_id, sender, recipients, subject, state, created, next_attempt, undo_until, send_at)
             VALUES (?1, ?2, ?3, ?4, ?5, 'queued', ?6, ?7, ?8, ?9)",
            params![
                new.account,
                new.message_id,
                new.sender,
                new.recipients.join("\n"),
                new.subject,
                now,
                due,
                undo_until,
                send_at
            ],
        )?;
        let id = tx.last_insert_rowid();
        {
            let _small = super::cache::Small::for_message(&tx, len);
            tx.execute(
                "INSERT INTO outbox_raw (outbox_id, raw) VALUES (?1, ?2)",
                params![id, ZeroBlob(len)],
            )?;
            let blob = tx.blob_open("main", "outbox_raw", "raw", id, false)?;
            let mut out = Counted {
                inner: blob,
                written: 0,
            };
            write(&mut out).map_err(super::Error::Queue)?;
            if out.written != len {
                return Err(super::Error::Queue(std::io::Error::other(format!(
                    "{} bytes written where {len} were expected",
                    out.written
                ))));
            }
        }
        tx.commit()?;
        Ok(id)
    }

    pub fn outbox_item(&self, id: i64) -> Result<Option<Item>> {
        let found = self
            .conn()
            .query_row(
                &format!("SELECT {COLUMNS} FROM outbox WHERE id = ?1"),
                [id],
                item,
            )
            .optional()?;
        match found {
            Some(mut it) => {
                it.history = self.attempts(id)?;
                Ok(Some(it))
            }
            None => Ok(None),
        }
    }

    /// The message's bytes (see [`super::cache::read_message`]).
    pub fn outbox_raw(&self, id: i64) -> Result<Vec<u8>> {
        match super::cache::read_message(self.conn(), "outbox_raw", "raw", id) {
            Ok(raw) => Ok(raw),
            Err(rusqlite::Error::SqliteFailure(_, _)) if !self.outbox_exists(id)? => {
                Err(super::Error::NoSuchMessage(id))
            }
            Err(e) => Err(e.into()),
        }
    }

    fn outbox_exists(&self, id: i64) -> Result<bool> {
        Ok(self
            .conn()
            .query_row("SELECT 1 FROM outbox WHERE id = ?1", [id], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// The account's messages due for an attempt at `now`.
    pub fn outbox_due(&self, account: &str, now: i64) -> Result<Vec<Item>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {COLUMNS} FROM outbox WHERE account = ?1 AND state = 'queued' AND next_attempt <= ?2 AND undo_until IS NULL ORDER BY id"
        ))?;
        let rows = stmt.query_map(params![account, now], item)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// When the account's next queued message is due (it may be past), or
    /// None when nothing waits.
    pub fn outbox_next_due(&self, account: &str) -> Result<Option<i64>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT MIN(next_attempt) FROM outbox WHERE account = ?1 AND state = 'queued' AND undo_until IS NULL",
        )?;
        Ok(stmt.query_row([account], |row| row.get(0))?)
    }

    /// Every outbox entry (one account or all), newest first, with history.
    pub fn outbox(&self, account: Option<&str>) -> Result<Vec<Item>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {COLUMNS} FROM outbox WHERE ?1 IS NULL OR account = ?1 ORDER BY id DESC"
        ))?;
        let rows: Vec<Item> = stmt
            .query_map([account], item)?
            .collect::<rusqlite::Result<_>>()?;
        rows.into_iter()
            .map(|mut it| {
                it.history = self.attempts(it.id)?;
                Ok(it)
            })
            .collect()
    }

    fn attempts(&self, id: i64) -> Result<Vec<Attempt>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT started, server, phase, code, reply, queue_id, note FROM outbox_attempts
             WHERE outbox_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([id], |r| {
            Ok(Attempt {
                started: r.get(0)?,
                server: r.get(1)?,
                phase: r.get(2)?,
                code: r.get(3)?,
                reply: r.get(4)?,
                queue_id: r.get(5)?,
                note: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Starts an attempt: the message is "sending" until its outcome is
    /// recorded. Returns the attempt's id.
    pub fn begin_attempt(&mut self, id: i64, server: &str, note: &str) -> Result<i64> {
        let tx = self.atomic()?;
        // Sending began: Send can no longer be taken back.
        tx.execute(
            "UPDATE outbox SET state = 'sending', attempts = attempts + 1, undo_until = NULL WHERE id = ?1",
            [id],
        )?;
        tx.execute(
            "INSERT INTO outbox_attempts (outbox_id, started, server, phase, note) VALUES (?1, ?2, ?3, 'connecting', ?4)",
            params![id, super::now(), server, note],
        )?;
        let attempt = tx.last_insert_rowid();
        tx.commit()?;
        Ok(attempt)
    }

    /// Records that the message data is about to go out: from here on, a
    /// crash may leave the server with a copy we do not know about.
    pub fn attempt_phase(&self, attempt: i64, phase: &str) -> Result<()> {
        self.conn().execute(
            "UPDATE outbox_attempts SET phase = ?2 WHERE id = ?1",
            params![attempt, phase],
        )?;
        Ok(())
    }

    /// Records an attempt's outcome and the message's new state.
    #[allow(clippy::too_many_arguments)]
    pub fn finish_attempt(
        &mut self,
        id: i64,
        attempt: i64,
        state: State,
        code: Option<u16>,
        reply: &str,
        queue_id: Option<&str>,
        next_attempt: Option<i64>,
    ) -> Result<()> {
        let now = super::now();
        let tx = self.atomic()?;
        tx.execute(
            "UPDATE outbox_attempts SET phase = 'done', code = ?2, reply = ?3, queue_id = ?4 WHERE id = ?1",
            params![attempt, code, reply, queue_id],
        )?;
        let error = if state == State::Sent { "" } else { reply };
        tx.execute(
            "UPDATE outbox SET state = ?2, last_error = ?3, next_attempt = COALESCE(?4, next_attempt),
                 sent_at = CASE WHEN ?2 = 'sent' THEN ?5 ELSE sent_at END
             WHERE id = ?1",
            params![id, state.as_str(), error, next_attempt, now],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// After a crash: messages left "sending" go back to the queue. Returns
    /// those whose data had gone out, where the server may already hold a
    /// copy, so the next attempt can say a duplicate is possible.
    pub fn recover_interrupted(&mut self, account: &str) -> Result<Vec<i64>> {
        let tx = self.atomic()?;
        let mut risky = Vec::new();
        {
            let mut stmt = tx.prepare_cached(
                "SELECT o.id, (SELECT phase FROM outbox_attempts a WHERE a.outbox_id = o.id ORDER BY a.id DESC LIMIT 1)
                 FROM outbox o WHERE o.account = ?1 AND o.state = 'sending'",
            )?;
            let rows: Vec<(i64, Option<String>)> = stmt
                .query_map([account], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            for (id, phase) in rows {
                let note = if phase.as_deref() == Some("data") {
                    risky.push(id);
                    "interrupted after the message data was sent: the server may have accepted it"
                } else {
                    "interrupted before the message data was sent"
                };
                tx.execute(
                    "UPDATE outbox_attempts SET phase = 'done', note = ?2
                     WHERE outbox_id = ?1 AND phase != 'done'",
                    params![id, note],
                )?;
                tx.execute("UPDATE outbox SET state = 'queued' WHERE id = ?1", [id])?;
            }
        }
        tx.commit()?;
        Ok(risky)
    }

    /// Puts a queued, failed or held message back in line for an attempt
    /// now (a scheduled one too: "send now").
    pub fn outbox_retry(&self, id: i64) -> Result<bool> {
        Ok(self.conn().execute(
            "UPDATE outbox SET state = 'queued', next_attempt = ?2, undo_until = NULL
             WHERE id = ?1 AND state IN ('queued', 'failed', 'held')",
            params![id, super::now()],
        )? == 1)
    }

    /// Removes a message that has not gone out (queued, failed or held):
    /// also Undo of a Send within its delay.
    pub fn outbox_cancel(&self, id: i64) -> Result<bool> {
        Ok(self.conn().execute(
            "DELETE FROM outbox WHERE id = ?1 AND state IN ('queued', 'failed', 'held')",
            [id],
        )? == 1)
    }

    /// The undo delay of a Send is over: the message may go. False when
    /// it is no longer waiting for that (Undo took it out).
    pub fn confirm_send(&self, id: i64) -> Result<bool> {
        Ok(self.conn().execute(
            "UPDATE outbox SET undo_until = NULL, next_attempt = MIN(next_attempt, ?2)
             WHERE id = ?1 AND state = 'queued' AND undo_until IS NOT NULL",
            params![id, super::now()],
        )? == 1)
    }

    /// At the window's start: messages whose Send could still be taken
    /// back when Postel last closed are held, not sent behind the user's
    /// back. Returns their ids.
    pub fn hold_unconfirmed(&mut self) -> Result<Vec<i64>> {
        let tx = self.atomic()?;
        let ids: Vec<i64> = {
            let mut stmt = tx.prepare_cached(
                "SELECT id FROM outbox WHERE state = 'queued' AND undo_until IS NOT NULL ORDER BY id",
            )?;
            stmt.query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?
        };
        tx.execute(
            "UPDATE outbox SET state = 'held', undo_until = NULL
             WHERE state = 'queued' AND undo_until IS NOT NULL",
            [],
        )?;
        tx.commit()?;
        Ok(ids)
    }

    /// The Sent copy is stored: the body is no longer needed here.
    pub fn outbox_sent_copy_done(&mut self, id: i64) -> Result<()> {
        let tx = self.atomic()?;
        if tx.execute(
            "UPDATE outbox SET sent_copy = 1 WHERE id = ?1 AND state = 'sent'",
            [id],
        )? == 1
        {
            tx.execute("UPDATE outbox_raw SET raw = x'' WHERE outbox_id = ?1", [id])?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Sent messages whose Sent copy is still to be stored.
    pub fn outbox_needing_copy(&self, account: &str) -> Result<Vec<Item>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {COLUMNS} FROM outbox WHERE account = ?1 AND state = 'sent' AND sent_copy = 0 ORDER BY id"
        ))?;
        let rows = stmt.query_map([account], item)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing::temp_store;

    #[test]
    fn a_message_walks_queued_sending_sent_with_a_record() {
        let mut t = temp_store("outbox");
        let id = t
            .store
            .enqueue(
                "a",
                b"raw",
                "m@x",
                "a@x",
                &["b@x".into(), "c@x".into()],
                "hi",
            )
            .expect("enqueue");
        assert_eq!(
            t.store
                .outbox_due("a", crate::store::now())
                .expect("due")
                .len(),
            1
        );
        let attempt = t.store.begin_attempt(id, "smtp.x:465", "").expect("begin");
        assert!(
            t.store.outbox_due("a", i64::MAX).expect("due").is_empty(),
            "not twice at once"
        );
        t.store.attempt_phase(attempt, "data").expect("phase");
        t.store
            .finish_attempt(
                id,
                attempt,
                State::Sent,
                Some(250),
                "2.0.0 Ok: queued as ABC",
                Some("ABC"),
                None,
            )
            .expect("finish");
        let it = t.store.outbox_item(id).expect("get").expect("exists");
        assert_eq!(it.state, State::Sent);
        assert_eq!(it.recipients, ["b@x", "c@x"]);
        assert_eq!(it.history.len(), 1);
        assert_eq!(it.history[0].queue_id.as_deref(), Some("ABC"));
        assert_eq!(it.history[0].phase, "done");
        assert!(
            !t.store.outbox_cancel(id).expect("cancel"),
            "a sent message stays on record"
        );
        assert_eq!(t.store.outbox_needing_copy("a").expect("copies").len(), 1);
        t.store.outbox_sent_copy_done(id).expect("copied");
        assert_eq!(t.store.outbox_raw(id).expect("raw"), b"");
    }

    fn queue(t: &mut crate::store::testing::TempStore, when: When) -> i64 {
        let new = NewItem {
            account: "a",
            message_id: "m@x",
            sender: "a@x",
            recipients: &["b@x".into()],
            subject: "hi",
            when,
        };
        t.store
            .enqueue_streamed(&new, 3, |out| out.write_all(b"raw"))
            .expect("queued")
    }

    /// Undo send: no worker takes the message during the delay, nor after
    /// it until the window confirms; one left unconfirmed when Postel
    /// closed is held at the next start, and goes only when released.
    #[test]
    fn a_send_within_its_undo_delay_waits_for_confirmation_or_is_held() {
        let mut t = temp_store("undo-send");
        let id = queue(&mut t, When::UndoWithin(10));
        let it = t.store.outbox_item(id).expect("get").expect("there");
        assert_eq!(it.undo_until, Some(it.created + 10));
        assert!(t.store.outbox_due("a", i64::MAX).expect("due").is_empty());
        assert_eq!(t.store.outbox_next_due("a").expect("next"), None);
        // Confirmed: due now, and no longer held at a restart.
        assert!(t.store.confirm_send(id).expect("confirm"));
        assert_eq!(t.store.outbox_due("a", i64::MAX).expect("due").len(), 1);
        assert!(t.store.hold_unconfirmed().expect("hold").is_empty());
        // Taken back instead: gone, and a late confirmation finds nothing.
        let undone = queue(&mut t, When::UndoWithin(10));
        assert!(t.store.outbox_cancel(undone).expect("undo"));
        assert!(!t.store.confirm_send(undone).expect("confirm"));
        // Left unconfirmed: held at the next start, then released by hand.
        let left = queue(&mut t, When::UndoWithin(10));
        assert_eq!(t.store.hold_unconfirmed().expect("hold"), [left]);
        let held = t.store.outbox_item(left).expect("get").expect("there");
        assert_eq!((held.state, held.undo_until), (State::Held, None));
        assert!(
            t.store
                .outbox_due("a", i64::MAX)
                .expect("due")
                .iter()
                .all(|i| i.id != left)
        );
        assert!(t.store.outbox_retry(left).expect("release"));
        assert!(
            t.store
                .outbox_due("a", i64::MAX)
                .expect("due")
                .iter()
                .any(|i| i.id == left)
        );
        // A held message can also be deleted.
        let again = queue(&mut t, When::UndoWithin(10));
        t.store.hold_unconfirmed().expect("hold");
        assert!(t.store.outbox_cancel(again).expect("deleted"));
    }

    #[test]
    fn a_scheduled_message_is_due_at_its_time_and_an_attempt_ends_its_undo() {
        let mut t = temp_store("send-later");
        let at = crate::store::now() + 3600;
        let id = queue(&mut t, When::At(at));
        let it = t.store.outbox_item(id).expect("get").expect("there");
        assert_eq!((it.send_at, it.next_attempt), (Some(at), at));
        assert!(t.store.outbox_due("a", at - 1).expect("due").is_empty());
        assert_eq!(t.store.outbox_due("a", at).expect("due").len(), 1);
        assert_eq!(t.store.outbox_next_due("a").expect("next"), Some(at));
        // "Send now" brings it forward.
        assert!(t.store.outbox_retry(id).expect("now"));
        assert!(
            t.store
                .outbox_item(id)
                .expect("get")
                .expect("there")
                .next_attempt
                < at
        );
        // Once sending began, Send can no longer be taken back.
        let undo = queue(&mut t, When::UndoWithin(0));
        t.store.confirm_send(undo).expect("confirmed");
        t.store.begin_attempt(undo, "smtp", "").expect("begin");
        assert_eq!(
            t.store
                .outbox_item(undo)
                .expect("get")
                .expect("there")
                .undo_until,
            None
        );
        assert!(!t.store.outbox_cancel(undo).expect("cancel"), "sending");
    }

    #[test]
    fn a_streamed_message_is_stored_whole_or_not_at_all() {
        let mut t = temp_store("streamed");
        let new = NewItem {
            account: "a",
            message_id: "m@x",
            sender: "a@x",
            recipients: &["b@x".into()],
            when: When::Now,
            subject: "big",
        };
        let piece: Vec<u8> = (0..=255u8).cycle().take(100_000).collect();
        let id = t
            .store
            .enqueue_streamed(&new, 3 * piece.len() as u64, |out| {
                (0..3).try_for_each(|_| out.write_all(&piece))
            })
            .expect("enqueue");
        assert_eq!(t.store.outbox_raw(id).expect("raw"), piece.repeat(3));
        assert_eq!(
            t.store.outbox_item(id).expect("get").expect("exists").size,
            300_000
        );
        let short = t
            .store
            .enqueue_streamed(&new, 10, |out| out.write_all(b"12345"));
        assert!(short.is_err(), "fewer bytes than promised");
        let long = t
            .store
            .enqueue_streamed(&new, 3, |out| out.write_all(b"12345"));
        assert!(long.is_err(), "more bytes than promised");
        let failing = t.store.enqueue_streamed(&new, 5, |out| {
            out.write_all(b"12")?;
            Err(std::io::Error::other("the attachment vanished"))
        });
        assert!(failing.is_err());
        assert_eq!(
            t.store.outbox(None).expect("list").len(),
            1,
            "nothing half-queued"
        );
        assert!(matches!(
            t.store.outbox_raw(id + 100),
            Err(crate::store::Error::NoSuchMessage(_))
        ));
    }

    /// A message with a large attachment passes through the store without
    /// filling the 16 MB page cache with its pages (`store/cache.rs`).
    #[test]
    fn a_large_message_leaves_the_page_cache_small() {
        let mut t = temp_store("large");
        let new = NewItem {
            account: "a",
            message_id: "m@x",
            sender: "a@x",
            recipients: &["b@x".into()],
            when: When::Now,
            subject: "video",
        };
        let piece: Vec<u8> = (0..=255u8).cycle().take(1 << 20).collect();
        let id = t
            .store
            .enqueue_streamed(&new, 20 * piece.len() as u64, |out| {
                (0..20).try_for_each(|_| out.write_all(&piece))
            })
            .expect("enqueue");
        const LIMIT: i64 = 4 << 20;
        let used = crate::store::cache::used(t.store.conn());
        assert!(used < LIMIT, "{used} bytes cached after storing it");
        let raw = t.store.outbox_raw(id).expect("raw");
        assert_eq!(raw.len(), 20 << 20);
        let used = crate::store::cache::used(t.store.conn());
        assert!(used < LIMIT, "{used} bytes cached after reading it");
        let size: i64 = t
            .store
            .conn()
            .query_row("PRAGMA cache_size", [], |r| r.get(0))
            .expect("cache size");
        assert_eq!(size, -16384, "the cache is large again for the rest");
        // A small message leaves what the cache holds alone.
        t.store
            .conn()
            .execute_batch(
                "CREATE TABLE filler (x BLOB);
                 WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
                 INSERT INTO filler SELECT randomblob(8000) FROM n;",
            )
            .expect("filler");
        let warm = crate::store::cache::used(t.store.conn());
        assert!(warm > LIMIT, "{warm} bytes cached after the filler");
        let small = t
            .store
            .enqueue(new.account, b"hi", "s@x", "a@x", &[], "")
            .expect("enqueue");
        assert_eq!(t.store.outbox_raw(small).expect("raw"), b"hi");
        let used = crate::store::cache::used(t.store.conn());
        assert!(used >= warm, "{used} bytes cached after a small message");
    }

    #[test]
    fn interrupted_attempts_return_to_the_queue_noting_the_risk() {
        let mut t = temp_store("recover");
        let early = t
            .store
            .enqueue("a", b"1", "1@x", "a@x", &["b@x".into()], "")
            .expect("enqueue");
        let late = t
            .store
            .enqueue("a", b"2", "2@x", "a@x", &["b@x".into()], "")
            .expect("enqueue");
        t.store.begin_attempt(early, "s", "").expect("begin");
        let a = t.store.begin_attempt(late, "s", "").expect("begin");
        t.store.attempt_phase(a, "data").expect("phase");
        let risky = t.store.recover_interrupted("a").expect("recover");
        assert_eq!(risky, [late]);
        let due: Vec<i64> = t
            .store
            .outbox_due("a", i64::MAX)
            .expect("due")
            .iter()
            .map(|i| i.id)
            .collect();
        assert_eq!(due, [early, late]);
        let late_item = t.store.outbox_item(late).expect("get").expect("exists");
        assert!(late_item.history[0].note.contains("may have accepted"));
    }

    #[test]
    fn failed_messages_can_be_retried_or_cancelled() {
        let mut t = temp_store("failed");
        let id = t
            .store
            .enqueue("a", b"1", "1@x", "a@x", &["b@x".into()], "")
            .expect("enqueue");
        let a = t.store.begin_attempt(id, "s", "").expect("begin");
        t.store
            .finish_attempt(
                id,
                a,
                State::Failed,
                Some(550),
                "5.1.1 unknown user",
                None,
                None,
            )
            .expect("finish");
        let it = t.store.outbox_item(id).expect("get").expect("exists");
        assert_eq!(
            (it.state, it.last_error.as_str()),
            (State::Failed, "5.1.1 unknown user")
        );
        assert!(t.store.outbox_retry(id).expect("retry"));
        assert_eq!(t.store.outbox_due("a", i64::MAX).expect("due").len(), 1);
        assert!(t.store.outbox_cancel(id).expect("cancel"));
        assert!(t.store.outbox_item(id).expect("get").is_none());
    }
}
