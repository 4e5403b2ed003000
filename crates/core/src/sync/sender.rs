//! Sends the outbox over SMTP as an MTA would: 4xx and network trouble are
//! retried with exponential back-off until the account's give-up period
//! ends, 5xx fails the message at once with the server's words. Each step
//! is recorded before it is taken, so a crash anywhere loses nothing, and
//! a resend after a crash between the data and the server's answer is
//! noted as a possible duplicate. Accepted messages get a Sent copy.

use lettre::Address;
use lettre::transport::smtp::client::AsyncSmtpConnection;
use lettre::transport::smtp::commands::{Data, Mail, Rcpt};

use super::Error;
use crate::account::{Account, Protocol, Role};
use crate::net::login;
use crate::net::{self, smtp};
use crate::store::FolderRole;
use crate::store::SharedStore;
use crate::store::outbox::{Item, State};

/// Bytes of message data handed to lettre at a time.
const DATA_CHUNK: usize = 256 * 1024;

/// What happened to one message in this run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub id: i64,
    pub state: State,
    /// The server's reply or the reason, for the user.
    pub detail: String,
}

/// A scheduled message this late was due while Postel was not running
/// (or the machine slept): the record says so.
const LATE_SECONDS: i64 = 120;

/// The note of a scheduled message's first attempt when it goes late.
fn late_note(item: &Item, now: i64) -> String {
    match item.send_at {
        Some(at) if item.attempts == 0 && now - at > LATE_SECONDS => format!(
            "scheduled for {}; Postel was not running then, so it went at the next start",
            crate::date::long(at)
        ),
        _ => String::new(),
    }
}

/// Minutes to wait before attempt n+1: 1, 2, 4, … up to an hour.
pub fn backoff_seconds(attempts: u32) -> i64 {
    60 * (1i64 << attempts.saturating_sub(1).min(6)).min(60)
}

/// Sends every message of the account that is due now.
pub async fn send_due(account: &Account, store: &SharedStore) -> Result<Vec<Outcome>, Error> {
    let name = account.name.clone();
    let now = crate::store::now();
    let (risky, due) = store
        .run(move |s| {
            let risky = s.recover_interrupted(&name)?;
            Ok((risky, s.outbox_due(&name, now)?))
        })
        .await?;
    let mut outcomes = Vec::new();
    if !due.is_empty() {
        outcomes = send_batch(account, store, &due, &risky).await?;
    }
    store_sent_copies(account, store).await?;
    Ok(outcomes)
}

async fn send_batch(
    account: &Account,
    store: &SharedStore,
    due: &[Item],
    risky: &[i64],
) -> Result<Vec<Outcome>, Error> {
    let server = &account.outgoing.server;
    let label = format!("{}:{}", server.host, server.port);
    let user = account.outgoing_username();
    let connection = login::with_renewal(account, Role::Outgoing, |secret| async move {
        smtp::connect(server, Some((user, &secret))).await
    })
    .await
    .map_err(Error::from);
    let mut conn = match connection {
        Ok(conn) => conn,
        // Nothing was tried: the messages stay due, and go as soon as the
        // user has signed in again (the worker waits for that).
        Err(err) if err.needs_sign_in() => return Err(err),
        Err(err) => {
            // Nothing went out: every message waits for the next attempt.
            let mut outcomes = Vec::new();
            for item in due {
                outcomes.push(defer(account, store, item, &label, None, &err.to_string()).await?);
            }
            return Ok(outcomes);
        }
    };
    // Delivery reports where the server offers them (RFC 3461); the
    // record says which, as a server without DSN sends none.
    let dsn = smtp::offers(&mut conn, "DSN").await;
    let mut outcomes = Vec::new();
    for item in due {
        let mut notes = Vec::new();
        if risky.contains(&item.id) {
            notes.push("resent after an interruption: the recipient may get it twice".to_owned());
        }
        notes.push(late_note(item, crate::store::now()));
        notes.push(if dsn {
            "delivery reports asked for (DSN)".to_owned()
        } else {
            "the server offers no delivery reports (no DSN)".to_owned()
        });
        notes.retain(|n| !n.is_empty());
        let note = notes.join("; ");
        let outcome = send_one(account, store, &mut conn, item, &label, &note, dsn).await?;
        let broken = conn.has_broken();
        outcomes.push(outcome);
        if broken {
            break;
        }
    }
    let _ = conn.quit().await;
    Ok(outcomes)
}

async fn send_one(
    account: &Account,
    store: &SharedStore,
    conn: &mut AsyncSmtpConnection,
    item: &Item,
    label: &str,
    note: &str,
    dsn: bool,
) -> Result<Outcome, Error> {
    let (id, server, note_owned) = (item.id, label.to_owned(), note.to_owned());
    let attempt = store
        .run(move |s| s.begin_attempt(id, &server, &note_owned))
        .await?;
    let raw = store.run(move |s| s.outbox_raw(id)).await?;
    let parse = |a: &str| {
        a.parse::<Address>()
            .map_err(|_| format!("\"{a}\" is not an address"))
    };
    let envelope = parse(&item.sender).and_then(|from| {
        item.recipients
            .iter()
            .map(|r| parse(r))
            .collect::<Result<Vec<_>, _>>()
            .map(|to| (from, to))
    });
    let (from, to) = match envelope {
        Ok(pair) => pair,
        Err(reason) => {
            return finish(store, item, attempt, State::Failed, None, &reason, None).await;
        }
    };
    let steps = async {
        let mail = if dsn {
            super::dsn::mail_parameters(&item.message_id)
        } else {
            Vec::new()
        };
        conn.command(Mail::new(Some(from), mail)).await?;
        for rcpt in to {
            let params = if dsn {
                let notify = if account.outgoing.report_delivery || item.report_success {
                    super::dsn::Notify::All
                } else {
                    super::dsn::Notify::Failures
                };
                super::dsn::rcpt_parameters(rcpt.as_ref(), notify)
            } else {
                Vec::new()
            };
            conn.command(Rcpt::new(rcpt, params)).await?;
        }
        conn.command(Data).await?;
        Ok::<(), lettre::transport::smtp::Error>(())
    };
    match tokio::time::timeout(net::STEP_TIMEOUT, steps).await {
        Ok(Ok(())) => {}
        Ok(Err(err)) => return classify(account, store, item, attempt, err).await,
        Err(_) => {
            let reason = format!(
                "{label} did not answer within {} seconds",
                net::STEP_TIMEOUT.as_secs()
            );
            return retry_later(account, store, item, attempt, None, reason).await;
        }
    }
    // From here a crash may leave a copy at the server: say so first.
    store.run(move |s| s.attempt_phase(attempt, "data")).await?;
    // In pieces: lettre dot-stuffs whatever it is given into a buffer of
    // its own, which for the whole message would be a second copy of it.
    let sent = conn.message_iter(raw.chunks(DATA_CHUNK)).await;
    drop(raw);
    match sent {
        Ok(response) => {
            let text = response.message().collect::<Vec<_>>().join(" ");
            let queue_id = queue_id(&text);
            finish(
                store,
                item,
                attempt,
                State::Sent,
                Some(u16::from(response.code())),
                &text,
                queue_id.as_deref(),
            )
            .await
        }
        Err(err) => classify(account, store, item, attempt, err).await,
    }
}

/// "250 2.0.0 Ok: queued as 4F2A1B" -> "4F2A1B" (Postfix, Exim "id=", …).
pub fn queue_id(reply: &str) -> Option<String> {
    let lower = reply.to_ascii_lowercase();
    for marker in ["queued as ", "id=", "queued with id "] {
        if let Some(pos) = lower.find(marker) {
            let id: String = reply[pos + marker.len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
                .collect();
            if !id.is_empty() {
                return Some(id);
            }
        }
    }
    None
}

async fn classify(
    account: &Account,
    store: &SharedStore,
    item: &Item,
    attempt: i64,
    err: lettre::transport::smtp::Error,
) -> Result<Outcome, Error> {
    let code = err.status().map(u16::from);
    let text = err.to_string();
    if err.is_permanent() {
        return finish(store, item, attempt, State::Failed, code, &text, None).await;
    }
    retry_later(account, store, item, attempt, code, text).await
}

/// A temporary failure: back in the queue with a later attempt, or failed
/// once the account's give-up period is over.
async fn retry_later(
    account: &Account,
    store: &SharedStore,
    item: &Item,
    attempt: i64,
    code: Option<u16>,
    text: String,
) -> Result<Outcome, Error> {
    let next = crate::store::now() + backoff_seconds(item.attempts + 1);
    let give_up = item.created + i64::from(account.outgoing.give_up_after_days) * 86_400;
    if next > give_up {
        let reason = format!(
            "given up after {} days of temporary failures; last: {text}",
            account.outgoing.give_up_after_days
        );
        return finish(store, item, attempt, State::Failed, code, &reason, None).await;
    }
    let (id, reply) = (item.id, text.clone());
    store
        .run(move |s| s.finish_attempt(id, attempt, State::Queued, code, &reply, None, Some(next)))
        .await?;
    Ok(Outcome {
        id: item.id,
        state: State::Queued,
        detail: text,
    })
}

async fn finish(
    store: &SharedStore,
    item: &Item,
    attempt: i64,
    state: State,
    code: Option<u16>,
    reply: &str,
    queue_id: Option<&str>,
) -> Result<Outcome, Error> {
    let (id, text, qid) = (item.id, reply.to_owned(), queue_id.map(str::to_owned));
    store
        .run(move |s| s.finish_attempt(id, attempt, state, code, &text, qid.as_deref(), None))
        .await?;
    Ok(Outcome {
        id: item.id,
        state,
        detail: reply.to_owned(),
    })
}

/// Records a failed connection for a message and schedules its retry.
async fn defer(
    account: &Account,
    store: &SharedStore,
    item: &Item,
    label: &str,
    code: Option<u16>,
    reason: &str,
) -> Result<Outcome, Error> {
    let (id, server) = (item.id, label.to_owned());
    let attempt = store.run(move |s| s.begin_attempt(id, &server, "")).await?;
    let next = crate::store::now() + backoff_seconds(item.attempts + 1);
    let give_up = item.created + i64::from(account.outgoing.give_up_after_days) * 86_400;
    let (state, text) = if next > give_up {
        (
            State::Failed,
            format!(
                "given up after {} days; last: {reason}",
                account.outgoing.give_up_after_days
            ),
        )
    } else {
        (State::Queued, reason.to_owned())
    };
    let reply = text.clone();
    store
        .run(move |s| s.finish_attempt(id, attempt, state, code, &reply, None, Some(next)))
        .await?;
    Ok(Outcome {
        id: item.id,
        state,
        detail: text,
    })
}

/// Stores a copy of each accepted message in Sent: APPENDed to the IMAP
/// Sent folder unless the server already filed one (same Message-ID), or
/// kept in a local Sent folder for POP3 accounts.
async fn store_sent_copies(account: &Account, store: &SharedStore) -> Result<(), Error> {
    let name = account.name.clone();
    let pending = store.run(move |s| s.outbox_needing_copy(&name)).await?;
    if pending.is_empty() {
        return Ok(());
    }
    match account.incoming.protocol {
        Protocol::Imap => {
            let mut session = super::imap::open(account).await?;
            // No Sent folder: one is made (and the user told), rather
            // than the copy skipped.
            let (sent, made) =
                super::special::ensure(account, &mut session, store, FolderRole::Sent).await?;
            if made {
                tracing::warn!(
                    "{}: the account had no Sent folder; Postel made {}",
                    account.name,
                    sent.display_name
                );
            }
            let wire = session.to_wire(&sent.name).into_owned();
            for item in pending {
                session
                    .select(&wire)
                    .await
                    .map_err(|e| super::imap::server_err(account, e))?;
                let found = super::imap::uid_search(
                    account,
                    &mut session,
                    &format!("HEADER Message-ID \"<{}>\"", item.message_id),
                )
                .await?;
                if found.is_empty() {
                    let id = item.id;
                    let raw = store.run(move |s| s.outbox_raw(id)).await?;
                    session
                        .append(&wire, Some("(\\Seen)"), None, &raw)
                        .await
                        .map_err(|e| super::imap::server_err(account, e))?;
                }
                let id = item.id;
                store.run(move |s| s.outbox_sent_copy_done(id)).await?;
            }
            let _ = session.logout().await;
        }
        Protocol::Pop3 => {
            for item in pending {
                let (name, id) = (account.name.clone(), item.id);
                store
                    .run(move |s| {
                        let raw = s.outbox_raw(id)?;
                        let folder =
                            s.upsert_folder(&name, "Sent", None, Some(FolderRole::Sent))?;
                        let mut row = crate::store::NewMessage {
                            uidl: Some(format!("local:{}", item.message_id)),
                            flags: crate::store::Flags(crate::store::Flags::SEEN),
                            size: raw.len() as u64,
                            ..Default::default()
                        };
                        super::envelope::fill(&mut row, &raw, Some(crate::store::now()));
                        let ids = s.insert_messages(folder.id, std::slice::from_ref(&row))?;
                        let (snippet, text) = match crate::message::parse(&raw) {
                            Ok(m) => crate::message::snippet_and_text(&m, 200),
                            Err(_) => (String::new(), String::new()),
                        };
                        let text = crate::store::IndexText::new(&text);
                        s.set_body(ids[0], &raw, &snippet, &text)?;
                        s.outbox_sent_copy_done(id)
                    })
                    .await?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scheduled_message_sent_late_says_so_once() {
        let mut item = Item {
            id: 1,
            account: "a".into(),
            message_id: "m".into(),
            sender: "a@x".into(),
            recipients: vec!["b@x".into()],
            subject: "s".into(),
            state: State::Queued,
            created: 0,
            next_attempt: 1000,
            attempts: 0,
            last_error: String::new(),
            sent_at: None,
            sent_copy: false,
            size: 3,
            history: Vec::new(),
            undo_until: None,
            send_at: Some(1000),
            report_success: false,
        };
        assert_eq!(late_note(&item, 1000 + 60), "", "on time");
        let late = late_note(&item, 1000 + 3600);
        assert!(late.contains("Postel was not running then"), "{late}");
        item.attempts = 1;
        assert_eq!(late_note(&item, 1000 + 3600), "", "only the first attempt");
        item.send_at = None;
        item.attempts = 0;
        assert_eq!(late_note(&item, 1000 + 3600), "", "not scheduled");
    }

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        let waits: Vec<i64> = (1..=9).map(backoff_seconds).collect();
        assert_eq!(waits, [60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]);
    }

    #[test]
    fn queue_ids_from_common_servers() {
        assert_eq!(
            queue_id("2.0.0 Ok: queued as 4F2A1B9C3").as_deref(),
            Some("4F2A1B9C3")
        );
        assert_eq!(
            queue_id("OK id=1kXyZ-0003ab-Cd").as_deref(),
            Some("1kXyZ-0003ab-Cd")
        );
        assert_eq!(queue_id("2.0.0 OK 1700000000 x.123 - gsmtp"), None);
    }
}
