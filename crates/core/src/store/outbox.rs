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
    /// Reports of delivery asked for (DSN NOTIFY=SUCCESS), not only of
    /// failures.
    pub report_success: bool,
}

const COLUMNS: &str = "id, account, message_id, sender, recipients, subject, state, created, next_attempt, attempts, last_error, sent_at, sent_copy,
     COALESCE((SELECT length(raw) FROM outbox_raw WHERE outbox_id = outbox.id), 0), undo_until, send_at, report_success";

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
        report_success: r.get(16)?,
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
    /// Ask for reports of delivery too, for this message.
    pub report_success: bool,
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
            report_success: false,
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
            "INSERT INTO outbox (account, message_id, sender, recipients, subject, state, created, next_attempt, undo_until, send_at, report_success)
             VALUES (?1, ?2, ?3, ?4, ?5, 'queued', ?6, ?7, ?8, ?9, ?10)",
            params![
                new.account,
                new.message_id,
                new.sender,
                new.recipients.join("\n"),
                new.subject,
                now,
                due,
                undo_until,
                send_at,
                new.report_success
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
mod tests;
