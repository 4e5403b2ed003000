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
        if let Some(found) = report::read(head)
            && let Some(outbox) = sent_message(tx, &account, &found)?
        {
            record(tx, outbox, &found, date)?;
            about = Some(outbox);
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
mod tests {
    use super::*;
    use crate::store::testing::temp_store;
    use crate::store::tokens::IndexText;

    /// A delivery report about `message_id` for `rows` (recipient,
    /// action, status, diagnostic).
    fn dsn(envid: &str, returned_id: &str, rows: &[(&str, &str, &str, &str)]) -> Vec<u8> {
        let mut status =
            format!("Reporting-MTA: dns; mx.example.test\r\nOriginal-Envelope-Id: {envid}\r\n");
        for (to, action, code, diag) in rows {
            status.push_str(&format!(
                "\r\nFinal-Recipient: rfc822; {to}\r\nAction: {action}\r\nStatus: {code}\r\nDiagnostic-Code: smtp; {diag}\r\n"
            ));
        }
        format!(
            "From: MAILER-DAEMON@example.test\r\nTo: anna@example.test\r\nSubject: report\r\n\
             Content-Type: multipart/report; report-type=delivery-status; boundary=B\r\n\r\n\
             --B\r\nContent-Type: text/plain\r\n\r\nA report.\r\n\
             --B\r\nContent-Type: message/delivery-status\r\n\r\n{status}\r\n\
             --B\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <{returned_id}>\r\n\r\n--B--\r\n"
        )
        .into_bytes()
    }

    /// A sent message to ben and cleo, accepted with queue id Q1.
    fn sent(store: &mut Store, message_id: &str) -> i64 {
        let id = store
            .enqueue(
                "a",
                b"Subject: hi\r\n\r\nhi\r\n",
                message_id,
                "anna@example.test",
                &["ben@example.test".into(), "cleo@example.test".into()],
                "hi",
            )
            .expect("queued");
        let attempt = store
            .begin_attempt(id, "smtp.example.test", "")
            .expect("attempt");
        store.attempt_phase(attempt, "done").expect("phase");
        store
            .finish_attempt(
                id,
                attempt,
                State::Sent,
                Some(250),
                "250 2.0.0 Ok: queued as Q1",
                Some("Q1"),
                None,
            )
            .expect("finished");
        id
    }

    /// Stores `raw` as a message of account a's INBOX (headers at sync,
    /// then the body), as sync does.
    fn arrive(store: &mut Store, uid: u32, raw: &[u8], date: i64) -> i64 {
        let folder = store
            .upsert_folder("a", "INBOX", Some("/"), None)
            .expect("folder");
        let m = NewMessage {
            uid: Some(uid),
            date,
            report: true,
            ..Default::default()
        };
        let ids = store.insert_messages(folder.id, &[m]).expect("stored");
        store
            .set_body(ids[0], raw, "", &IndexText::default())
            .expect("body");
        ids[0]
    }

    #[test]
    fn reports_become_each_recipients_timeline_and_latest_stage() {
        let mut t = temp_store("delivery-timeline");
        let store = &mut t.store;
        let id = sent(store, "m1@example.test");
        let before = store.delivery(id).expect("read").expect("there");
        assert!(
            before
                .recipients
                .iter()
                .all(|r| r.stage == Stage::Submitted)
        );
        assert_eq!(
            before.recipients[0].events[1].queue_id.as_deref(),
            Some("Q1")
        );

        let delayed = dsn(
            "m1@example.test",
            "m1@example.test",
            &[(
                "cleo@example.test",
                "delayed",
                "4.4.1",
                "connect to mx: Connection refused",
            )],
        );
        let t0 = crate::store::now();
        arrive(store, 1, &delayed, t0 + 1000);
        let report = dsn(
            "m1@example.test",
            "m1@example.test",
            &[
                ("ben@example.test", "delivered", "2.0.0", "250 Saved"),
                (
                    "cleo@example.test",
                    "failed",
                    "5.1.1",
                    "550 5.1.1 User unknown",
                ),
            ],
        );
        let report_id = arrive(store, 2, &report, t0 + 2000);
        // The same report again (copied to another folder): nothing new.
        arrive(store, 3, &report, t0 + 3000);
        // A late "delayed" does not undo "delivered".
        let late = dsn(
            "m1@example.test",
            "",
            &[("ben@example.test", "delayed", "4.0.0", "late")],
        );
        arrive(store, 4, &late, t0 + 4000);

        let d = store.delivery(id).expect("read").expect("there");
        let ben = &d.recipients[0];
        let cleo = &d.recipients[1];
        assert_eq!(ben.stage, Stage::Delivered);
        assert_eq!(cleo.stage, Stage::Failed);
        let cleo_stages: Vec<Stage> = cleo.events.iter().map(|e| e.stage).collect();
        assert_eq!(
            cleo_stages,
            [
                Stage::Queued,
                Stage::Submitted,
                Stage::Delayed,
                Stage::Failed
            ]
        );
        let failed = cleo.events.last().expect("an event");
        assert_eq!((failed.at, failed.status.as_str()), (t0 + 2000, "5.1.1"));
        assert_eq!(failed.detail, "550 5.1.1 User unknown");
        assert_eq!(ben.events.len(), 4, "{:?}", ben.events);
        assert_eq!(store.report_about(report_id).expect("read"), Some(id));
        let told = store.bounces_to_tell().expect("bounces");
        assert_eq!(told.len(), 1, "{told:?}");
        assert_eq!(told[0].recipient, "cleo@example.test");
        assert_eq!(told[0].reason, "550 5.1.1 User unknown");
        assert!(
            store.bounces_to_tell().expect("again").is_empty(),
            "told once"
        );
        let marks = store.delivery_headlines().expect("headlines");
        assert_eq!(marks.get(&id), Some(&Stage::Failed));
    }

    #[test]
    fn reports_match_by_returned_message_id_or_hashed_envelope_id_and_others_stay_mail() {
        let mut t = temp_store("delivery-match");
        let store = &mut t.store;
        let long = format!("{}@example.test", "x".repeat(120));
        let by_hash = sent(store, &long);
        let by_returned = sent(store, "m2@example.test");
        let hashed = dsn(
            &envelope_id(&long),
            "",
            &[("ben@example.test", "delivered", "2.0.0", "ok")],
        );
        arrive(store, 1, &hashed, 10);
        let no_envid = dsn(
            "",
            "m2@example.test",
            &[("ben@example.test", "relayed", "2.0.0", "ok")],
        );
        arrive(store, 2, &no_envid, 20);
        let stranger = dsn(
            "other@example.test",
            "other@example.test",
            &[("ben@example.test", "failed", "5.0.0", "no")],
        );
        let stray = arrive(store, 3, &stranger, 30);
        // Not a report at all, though its header said so.
        let fake = arrive(
            store,
            4,
            b"Content-Type: multipart/report\r\n\r\nhello\r\n",
            40,
        );

        let stage = |id| store.delivery(id).expect("read").expect("there").recipients[0].stage;
        assert_eq!(stage(by_hash), Stage::Delivered);
        assert_eq!(stage(by_returned), Stage::Relayed);
        assert_eq!(store.report_about(stray).expect("read"), None);
        assert_eq!(store.report_about(fake).expect("read"), None);
        let unread: i64 = store
            .conn()
            .query_row("SELECT COUNT(*) FROM reports WHERE read = 0", [], |r| {
                r.get(0)
            })
            .expect("count");
        assert_eq!(unread, 0, "every report was read once");
    }

    #[test]
    fn the_sent_copy_leads_to_its_record_and_other_mail_to_none() {
        let mut t = temp_store("delivery-sent-copy");
        let store = &mut t.store;
        let id = sent(store, "m9@example.test");
        let folder = store
            .upsert_folder("a", "Sent", Some("/"), None)
            .expect("folder");
        let copy = NewMessage {
            uid: Some(1),
            message_id: Some("m9@example.test".into()),
            ..Default::default()
        };
        let other = NewMessage {
            uid: Some(2),
            message_id: Some("someone-elses@example.test".into()),
            ..Default::default()
        };
        let ids = store
            .insert_messages(folder.id, &[copy, other])
            .expect("stored");
        assert_eq!(store.sent_record(ids[0]).expect("read"), Some(id));
        assert_eq!(store.sent_record(ids[1]).expect("read"), None);
    }
}
