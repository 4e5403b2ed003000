//! What became of a sent message, per recipient: the outbox's own record
//! (queued, each submission attempt with the server's reply and queue id)
//! and what the delivery and read reports that came back said about it
//! (RFC 3464, RFC 8098). A report is noted when sync stores its headers
//! (`multipart/report`) and read once its body is here, in the body's
//! transaction; it is matched to the sent message by its envelope id,
//! else by the Message-ID it names. A report that matches nothing stays
//! what it is: ordinary mail.

use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use super::messages::NewMessage;
use super::outbox::{Attempt, State};
use super::{Result, Store};
use crate::message::envelope_id::{envelope_id, unxtext};
use crate::message::report::{self, Action, Report};

/// Where a recipient's copy stands, from least to most final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    /// In the outbox, not yet accepted by the submission server.
    Queued,
    /// The submission server accepted it (its queue id in the detail).
    Submitted,
    /// A server is still trying ("delayed").
    Delayed,
    /// Handed to a system that reports no further.
    Relayed,
    /// Bounced: will not be delivered.
    Failed,
    /// In the recipient's mailbox (or a list's).
    Delivered,
    /// The recipient's client said it was shown (read receipt).
    Displayed,
}

impl Stage {
    fn of(action: &str) -> Option<Self> {
        Some(match action {
            "failed" => Stage::Failed,
            "delayed" => Stage::Delayed,
            "delivered" | "expanded" => Stage::Delivered,
            "relayed" => Stage::Relayed,
            "displayed" => Stage::Displayed,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Queued => "queued",
            Stage::Submitted => "submitted",
            Stage::Delayed => "delayed",
            Stage::Relayed => "relayed",
            Stage::Failed => "failed",
            Stage::Delivered => "delivered",
            Stage::Displayed => "displayed",
        }
    }
}

/// One step of a recipient's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Event {
    pub at: i64,
    pub stage: Stage,
    /// The enhanced status code a report gave ("5.1.1").
    pub status: String,
    /// The server's own words: a submission reply, a report's diagnostic.
    pub detail: String,
    /// Who said it: the submission server, or the reporting MTA.
    pub server: String,
    pub queue_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recipient {
    pub address: String,
    /// The most final stage any event reached (a late "delayed" does not
    /// undo "delivered").
    pub stage: Stage,
    pub events: Vec<Event>,
}

/// A sent message's record, recipient by recipient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Delivery {
    pub outbox_id: i64,
    pub account: String,
    pub message_id: String,
    pub subject: String,
    pub state: State,
    pub recipients: Vec<Recipient>,
}

/// One stage for a whole message (a list's mark): a bounce or a delay
/// anywhere says so; otherwise the least far any recipient got.
pub fn headline(stages: impl Iterator<Item = Stage> + Clone) -> Option<Stage> {
    if stages.clone().any(|s| s == Stage::Failed) {
        Some(Stage::Failed)
    } else if stages.clone().any(|s| s == Stage::Delayed) {
        Some(Stage::Delayed)
    } else {
        stages.min()
    }
}

/// A recipient whose copy bounced, to tell the user of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bounce {
    pub outbox_id: i64,
    pub account: String,
    pub subject: String,
    pub recipient: String,
    /// The server's words, else the status code.
    pub reason: String,
}

impl Store {
    /// The bounces not told of yet, oldest first; from now on they count
    /// as told (a bar and a notification once, not at every sync).
    pub fn bounces_to_tell(&mut self) -> Result<Vec<Bounce>> {
        let tx = self.atomic()?;
        let found = {
            let mut stmt = tx.prepare_cached(
                "SELECT d.outbox_id, o.account, o.subject, d.recipient, d.diagnostic, d.status
                 FROM delivery d JOIN outbox o ON o.id = d.outbox_id
                 WHERE d.action = 'failed' AND d.told = 0 ORDER BY d.at, d.id",
            )?;
            let rows = stmt.query_map([], |r| {
                let (diagnostic, status): (String, String) = (r.get(4)?, r.get(5)?);
                Ok(Bounce {
                    outbox_id: r.get(0)?,
                    account: r.get(1)?,
                    subject: r.get(2)?,
                    recipient: r.get(3)?,
                    reason: if diagnostic.is_empty() {
                        status
                    } else {
                        diagnostic
                    },
                })
            })?;
            rows.collect::<rusqlite::Result<Vec<_>>>()?
        };
        tx.execute(
            "UPDATE delivery SET told = 1 WHERE action = 'failed' AND told = 0",
            [],
        )?;
        tx.commit()?;
        Ok(found)
    }

    /// The headline stage of each sent message some report spoke of (the
    /// others stand at "submitted").
    pub fn delivery_headlines(&self) -> Result<std::collections::HashMap<i64, Stage>> {
        use std::collections::HashMap;
        let mut stmt = self.conn().prepare_cached(
            "SELECT o.id, o.recipients, d.recipient, d.action
             FROM delivery d JOIN outbox o ON o.id = d.outbox_id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?;
        let mut per: HashMap<i64, HashMap<String, Stage>> = HashMap::new();
        for row in rows {
            let (id, recipients, recipient, action) = row?;
            let stages = per.entry(id).or_insert_with(|| {
                recipients
                    .lines()
                    .map(|r| (r.to_ascii_lowercase(), Stage::Submitted))
                    .collect()
            });
            if let Some(stage) = Stage::of(&action) {
                let now = stages
                    .entry(recipient.to_ascii_lowercase())
                    .or_insert(Stage::Submitted);
                *now = (*now).max(stage);
            }
        }
        Ok(per
            .into_iter()
            .filter_map(|(id, stages)| Some((id, headline(stages.values().copied())?)))
            .collect())
    }

    /// The record of outbox message `id`, or None if there is no such
    /// message.
    pub fn delivery(&self, id: i64) -> Result<Option<Delivery>> {
        let Some(item) = self.outbox_item(id)? else {
            return Ok(None);
        };
        let shared = shared_events(item.created, &item.history);
        let mut recipients: Vec<Recipient> = item
            .recipients
            .iter()
            .map(|address| Recipient {
                address: address.clone(),
                stage: Stage::Queued,
                events: shared.clone(),
            })
            .collect();
        let mut stmt = self.conn().prepare_cached(
            "SELECT recipient, at, action, status, diagnostic, remote_mta FROM delivery
             WHERE outbox_id = ?1 ORDER BY at, id",
        )?;
        let reported = stmt.query_map([id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
            ))
        })?;
        for row in reported {
            let (address, at, action, status, detail, server) = row?;
            let Some(stage) = Stage::of(&action) else {
                continue;
            };
            let event = Event {
                at,
                stage,
                status,
                detail,
                server,
                queue_id: None,
            };
            match recipients
                .iter_mut()
                .find(|r| r.address.eq_ignore_ascii_case(&address))
            {
                Some(r) => r.events.push(event),
                // An alias or list the report names by its final address.
                None => recipients.push(Recipient {
                    address,
                    stage: Stage::Queued,
                    events: vec![event],
                }),
            }
        }
        for r in &mut recipients {
            // The outbox's own steps first, then the reports by date: a
            // report cannot precede the submission it tells of, whatever
            // the reporting server's clock says.
            r.events.sort_by_key(|e| (e.stage > Stage::Submitted, e.at));
            r.stage = r
                .events
                .iter()
                .map(|e| e.stage)
                .max()
                .unwrap_or(Stage::Queued);
        }
        Ok(Some(Delivery {
            outbox_id: item.id,
            account: item.account,
            message_id: item.message_id,
            subject: item.subject,
            state: item.state,
            recipients,
        }))
    }

    /// The outbox record of a stored message: the message Postel sent
    /// (its copy in Sent, found by Message-ID in the same account), or the
    /// one a report in the store is about.
    pub fn sent_record(&self, message: i64) -> Result<Option<i64>> {
        if let Some(about) = self.report_about(message)? {
            return Ok(Some(about));
        }
        Ok(self
            .conn()
            .query_row(
                "SELECT o.id FROM messages m JOIN folders f ON f.id = m.folder_id
                 JOIN outbox o ON o.message_id = m.message_id AND o.account = f.account
                 WHERE m.id = ?1 ORDER BY o.id DESC LIMIT 1",
                [message],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// The account's noted reports whose bodies are still to download,
    /// newest first, at most `limit`. A report older than everything the
    /// account ever sent cannot be about any of it: those are marked read
    /// here, unread.
    pub fn reports_to_read(&mut self, account: &str, limit: u32) -> Result<Vec<i64>> {
        let tx = self.atomic()?;
        // A day's slack: a report's Date is the reporting server's clock.
        tx.execute(
            "UPDATE reports SET read = 1 WHERE read = 0 AND account = ?1 AND message IN (
                 SELECT m.id FROM messages m JOIN reports r ON r.message = m.id
                 WHERE r.read = 0 AND r.account = ?1 AND m.date < COALESCE(
                     (SELECT MIN(created) FROM outbox WHERE account = ?1) - 86400,
                     9223372036854775807))",
            [account],
        )?;
        let ids = {
            let mut stmt = tx.prepare_cached(
                "SELECT r.message FROM reports r JOIN messages m ON m.id = r.message
                 WHERE r.read = 0 AND r.account = ?1
                   AND NOT EXISTS (SELECT 1 FROM bodies b WHERE b.message = r.message)
                 ORDER BY m.date DESC LIMIT ?2",
            )?;
            let rows = stmt.query_map(params![account, limit], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<Vec<i64>>>()?
        };
        tx.commit()?;
        Ok(ids)
    }

    /// A noted report that cannot be read (gone from the server, too
    /// large): left as mail.
    pub fn report_left(&self, message: i64) -> Result<()> {
        self.conn()
            .execute("UPDATE reports SET read = 1 WHERE message = ?1", [message])?;
        Ok(())
    }

    /// The outbox message a report in the store is about, if it matched
    /// one.
    pub fn report_about(&self, message: i64) -> Result<Option<i64>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT outbox_id FROM reports WHERE message = ?1 AND outbox_id IS NOT NULL",
                [message],
                |r| r.get(0),
            )
            .optional()?)
    }
}

/// The timeline every recipient shares: queued, then each submission
/// attempt's outcome.
fn shared_events(created: i64, attempts: &[Attempt]) -> Vec<Event> {
    let mut events = vec![Event {
        at: created,
        stage: Stage::Queued,
        status: String::new(),
        detail: String::new(),
        server: String::new(),
        queue_id: None,
    }];
    for a in attempts {
        let accepted = a.code.is_some_and(|c| (200..300).contains(&c)) && a.phase == "done";
        let stage = match a.code {
            _ if accepted => Stage::Submitted,
            Some(c) if c >= 500 => Stage::Failed,
            // Not accepted (yet): a 4xx, a dropped connection.
            _ => Stage::Queued,
        };
        events.push(Event {
            at: a.started,
            stage,
            status: String::new(),
            detail: if a.reply.is_empty() {
                a.note.clone()
            } else {
                a.reply.clone()
            },
            server: a.server.clone(),
            queue_id: a.queue_id.clone(),
        });
    }
    events
}

/// Notes the reports among messages just stored, to read once their
/// bodies are here.
pub(super) fn note_reports(
    tx: &rusqlite::Connection,
    account: &str,
    fresh: &[(i64, &NewMessage)],
) -> Result<()> {
    if !fresh.iter().any(|(_, m)| m.report) {
        return Ok(());
    }
    let mut note =
        tx.prepare_cached("INSERT OR IGNORE INTO reports (message, account) VALUES (?1, ?2)")?;
    for (id, m) in fresh {
        if m.report {
            note.execute(params![id, account])?;
        }
    }
    Ok(())
}

/// Reads the noted reports among bodies just stored and records what they
/// say. A body that is no report, or one about nothing Postel sent, is
/// marked read and left as mail.
pub(super) fn read_reports<'a>(
    tx: &rusqlite::Connection,
    bodies: impl Iterator<Item = (i64, &'a [u8])>,
) -> Result<()> {
    // Most batches hold no report: one look at a partial index.
    let waiting: bool = tx
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM reports WHERE read = 0)")?
        .query_row([], |r| r.get(0))?;
    if !waiting {
        return Ok(());
    }
    let mut noted = tx.prepare_cached(
        "SELECT r.account, m.date FROM reports r JOIN messages m ON m.id = r.message
         WHERE r.message = ?1 AND r.read = 0",
    )?;
    let mut done =
        tx.prepare_cached("UPDATE reports SET read = 1, outbox_id = ?2 WHERE message = ?1")?;
    for (id, raw) in bodies {
        let Some((account, date)) = noted
            .query_row([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
            .optional()?
        else {
            continue;
        };
        let head = &raw[..raw.len().min(report::MAX_REPORT_BYTES)];
        let mut about = None;
        if let Some(found) = report::read(head) {
            if let Some(outbox) = sent_message(tx, &account, &found)? {
                record(tx, outbox, &found, date)?;
                about = Some(outbox);
            }
        } else if let Some(bounce) = crate::message::bounce::read(head) {
            // Matched by the returned Message-ID only; who failed, where
            // the text says (`message::bounce`).
            let mut found = Report {
                kind: report::Kind::Delivery,
                envelope_id: None,
                message_id: Some(bounce.message_id.clone()),
                recipients: Vec::new(),
            };
            if let Some(outbox) = sent_message(tx, &account, &found)? {
                let recipients: String = tx.query_row(
                    "SELECT recipients FROM outbox WHERE id = ?1",
                    [outbox],
                    |r| r.get(0),
                )?;
                let recipients: Vec<String> = recipients.lines().map(str::to_owned).collect();
                found.recipients = bounce.failed(&recipients);
                record(tx, outbox, &found, date)?;
                about = Some(outbox);
            }
        }
        done.execute(params![id, about])?;
    }
    Ok(())
}

/// The sent message a report is about: by envelope id (the Message-ID,
/// or its hash when too long), else by the Message-ID of the returned
/// headers or the read receipt. The report's own account first.
fn sent_message(tx: &rusqlite::Connection, account: &str, found: &Report) -> Result<Option<i64>> {
    let mut by_id = tx.prepare_cached(
        "SELECT id FROM outbox WHERE message_id = ?1 AND state = ?2
         ORDER BY account = ?3 DESC, id DESC LIMIT 1",
    )?;
    // RFC 3464 carries the ENVID as sent (xtext); some servers decode it.
    let decoded = found.envelope_id.as_deref().map(unxtext);
    for wanted in [&found.envelope_id, &decoded, &found.message_id]
        .into_iter()
        .flatten()
    {
        let hit: Option<i64> = by_id
            .query_row(params![wanted, State::Sent.as_str(), account], |r| r.get(0))
            .optional()?;
        if hit.is_some() {
            return Ok(hit);
        }
    }
    // A Message-ID too long to be an envelope id went out as its hash.
    if let Some(envid) = found
        .envelope_id
        .as_deref()
        .filter(|e| e.starts_with("postel-"))
    {
        let mut sent = tx.prepare_cached(
            "SELECT id, message_id FROM outbox WHERE account = ?1 AND state = ?2 ORDER BY id DESC",
        )?;
        let rows = sent.query_map(params![account, State::Sent.as_str()], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })?;
        for row in rows {
            let (id, message_id) = row?;
            if envelope_id(&message_id) == envid {
                return Ok(Some(id));
            }
        }
    }
    Ok(None)
}

/// Keeps each recipient's news; a report seen twice (moved to another
/// folder, synced again) adds nothing.
fn record(tx: &rusqlite::Connection, outbox: i64, found: &Report, at: i64) -> Result<()> {
    let mut seen = tx.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM delivery WHERE outbox_id = ?1 AND recipient = ?2
             AND action = ?3 AND status = ?4 AND diagnostic = ?5)",
    )?;
    let mut add = tx.prepare_cached(
        "INSERT INTO delivery (outbox_id, recipient, at, action, status, diagnostic, remote_mta)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for r in &found.recipients {
        let action = match &r.action {
            Action::Failed => "failed",
            Action::Delayed => "delayed",
            Action::Delivered => "delivered",
            Action::Relayed => "relayed",
            Action::Expanded => "expanded",
            Action::Displayed => "displayed",
            // Deleted unread, or a word of no standard: nothing to show.
            Action::Other(_) => continue,
        };
        let status = r.status.clone().unwrap_or_default();
        let diagnostic = r.diagnostic.clone().unwrap_or_default();
        let known: bool = seen.query_row(
            params![outbox, r.address, action, status, diagnostic],
            |row| row.get(0),
        )?;
        if !known {
            add.execute(params![
                outbox,
                r.address,
                at,
                action,
                status,
                diagnostic,
                r.remote_mta.clone().unwrap_or_default()
            ])?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
