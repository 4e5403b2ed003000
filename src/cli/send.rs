//! `postel send` and `postel outbox`: writing mail from the command line,
//! through the same durable outbox the window uses.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};

use super::Failure;
use super::terminal::{escape_line, escape_text};
use crate::engine::Engine;
use crate::message::compose::{AttachmentSource, Draft};
use crate::store::outbox::{Item, State};

#[derive(Debug, Args)]
pub struct SendArgs {
    #[arg(long)]
    account: String,
    #[arg(long, value_name = "ADDR")]
    to: Vec<String>,
    #[arg(long, value_name = "ADDR")]
    cc: Vec<String>,
    #[arg(long, value_name = "ADDR")]
    bcc: Vec<String>,
    #[arg(long, default_value = "")]
    subject: String,
    /// The text body; read from standard input when not given.
    #[arg(long, value_name = "FILE")]
    body_file: Option<PathBuf>,
    /// An HTML alternative to the text body.
    #[arg(long, value_name = "FILE")]
    html_file: Option<PathBuf>,
    /// The text body is Markdown: an HTML alternative is made from it.
    #[arg(long, conflicts_with = "html_file")]
    markdown: bool,
    #[arg(long, value_name = "FILE")]
    attach: Vec<PathBuf>,
    /// Answer this stored message (its id in `postel list`): sets the
    /// threading headers.
    #[arg(long, value_name = "ID")]
    in_reply_to: Option<i64>,
    /// Ask the recipients' programs for a read receipt (they may ask their
    /// user, or send none).
    #[arg(long)]
    read_receipt: bool,
    /// Ask the servers to report delivery too, not only failures (DSN
    /// NOTIFY=SUCCESS, where the server offers DSN).
    #[arg(long)]
    delivery_report: bool,
    /// Leave it in the outbox for the next sync instead of sending now.
    #[arg(long)]
    queue_only: bool,
    /// Send later: at this local time (2026-12-24 08:00, or 08:00 for the
    /// next time the clock shows it); the account's worker sends it then
    /// (`postel sync --watch` or the window), also after a restart.
    #[arg(long, value_name = "TIME", conflicts_with = "queue_only")]
    at: Option<String>,
}

#[derive(Debug, Args)]
pub struct OutboxArgs {
    #[command(subcommand)]
    command: Option<OutboxCommand>,
    /// Only this account's messages.
    #[arg(long)]
    account: Option<String>,
}

#[derive(Debug, Subcommand)]
enum OutboxCommand {
    /// Try a queued or failed message again now.
    Retry { id: i64 },
    /// Remove a message that has not gone out.
    Cancel { id: i64 },
    /// Send everything that is due now.
    Flush,
    /// A message's record: each recipient's delivery state and timeline
    /// (queued, submitted with the queue id, and what reports said).
    Show { id: i64 },
}

fn read_file(path: &PathBuf) -> Result<String, Failure> {
    std::fs::read_to_string(path)
        .map_err(|e| Failure(format!("{} could not be read: {e}.", path.display())))
}

pub async fn send(engine: &mut Engine, args: SendArgs) -> Result<ExitCode, Failure> {
    let text = match &args.body_file {
        Some(path) => read_file(path)?,
        None => {
            let mut text = String::new();
            std::io::stdin().read_to_string(&mut text).map_err(|e| {
                Failure(format!(
                    "the body could not be read from standard input: {e}."
                ))
            })?;
            text
        }
    };
    let html = args.html_file.as_ref().map(read_file).transpose()?;
    let (in_reply_to, references) = match args.in_reply_to {
        Some(id) => engine.reply_headers(&args.account, id).await?,
        None => (None, Vec::new()),
    };
    let draft = Draft {
        to: args.to,
        cc: args.cc,
        bcc: args.bcc,
        subject: args.subject,
        text,
        html,
        markdown: args.markdown,
        attachments: args
            .attach
            .into_iter()
            .map(AttachmentSource::File)
            .collect(),
        in_reply_to,
        references,
        message_id: None,
        read_receipt: args.read_receipt,
        delivery_report: args.delivery_report,
    };
    if let Some(at) = &args.at {
        let when = crate::schedule::parse(at, &crate::schedule::now())
            .map_err(|e| Failure(crate::i18n::say(&e)))?;
        let id = engine
            .queue_at(
                &args.account,
                &draft,
                crate::store::outbox::When::At(when.as_second()),
            )
            .await?;
        println!(
            "Scheduled as outbox message {id} for {}; the account's worker sends it then (the window, or `postel sync --watch`).",
            crate::date::long(when.as_second())
        );
        return Ok(ExitCode::SUCCESS);
    }
    let id = engine.queue(&args.account, &draft).await?;
    if args.queue_only {
        println!("Queued as outbox message {id}; it goes out at the next sync.");
        return Ok(ExitCode::SUCCESS);
    }
    engine.send_queued(&args.account).await?;
    let item = engine.outbox_item(id).await?;
    Ok(verdict(&item))
}

/// Prints what became of a message; success only once the server took it.
fn verdict(item: &Item) -> ExitCode {
    let last = item.history.last();
    match item.state {
        State::Sent => {
            let queue = last
                .and_then(|a| a.queue_id.as_deref())
                .map(|q| format!(" (server queue id {})", escape_line(q)))
                .unwrap_or_default();
            println!(
                "Sent: the server accepted outbox message {}{queue}.",
                item.id
            );
            ExitCode::SUCCESS
        }
        State::Failed => {
            eprintln!(
                "postel: not sent: {}. The message stays in the outbox as failed; fix it and `postel outbox retry {}`, or `postel outbox cancel {}`.",
                escape_text(item.last_error.trim_end_matches('.')),
                item.id,
                item.id
            );
            ExitCode::FAILURE
        }
        State::Held => {
            eprintln!(
                "postel: not sent: Postel closed while Send could still be undone. Send it with `postel outbox retry {}`, or remove it with `postel outbox cancel {}`.",
                item.id, item.id
            );
            ExitCode::FAILURE
        }
        State::Queued | State::Sending => {
            eprintln!(
                "postel: not sent yet: {}. It stays in the outbox (message {}) and is retried automatically.",
                escape_text(item.last_error.trim_end_matches('.')),
                item.id
            );
            ExitCode::FAILURE
        }
    }
}

pub async fn outbox(
    engine: &mut Engine,
    args: OutboxArgs,
    json: bool,
) -> Result<ExitCode, Failure> {
    match args.command {
        Some(OutboxCommand::Retry { id }) => {
            engine.outbox_retry(id).await?;
            let item = engine.outbox_item(id).await?;
            engine.send_queued(&item.account).await?;
            Ok(verdict(&engine.outbox_item(id).await?))
        }
        Some(OutboxCommand::Cancel { id }) => {
            engine.outbox_cancel(id).await?;
            println!("Removed outbox message {id}.");
            Ok(ExitCode::SUCCESS)
        }
        Some(OutboxCommand::Flush) => {
            let names: Vec<String> = match &args.account {
                Some(a) => vec![a.clone()],
                None => engine.accounts().iter().map(|a| a.name.clone()).collect(),
            };
            let mut failed = false;
            for name in names {
                for outcome in engine.send_queued(&name).await? {
                    let word = match outcome.state {
                        State::Sent => "sent",
                        State::Failed => {
                            failed = true;
                            "failed"
                        }
                        _ => {
                            failed = true;
                            "still queued"
                        }
                    };
                    println!(
                        "{name}: message {}: {word}: {}",
                        outcome.id,
                        escape_text(&outcome.detail)
                    );
                }
            }
            Ok(if failed {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            })
        }
        Some(OutboxCommand::Show { id }) => super::delivery::show(engine, id, json).await,
        None => list(engine, args.account.as_deref(), json).await,
    }
}

async fn list(engine: &mut Engine, account: Option<&str>, json: bool) -> Result<ExitCode, Failure> {
    let items = engine.outbox(account).await?;
    if json {
        println!("{}", serde_json::to_string_pretty(&items)?);
        return Ok(ExitCode::SUCCESS);
    }
    if items.is_empty() {
        println!("The outbox is empty.");
    }
    for item in items {
        let state = match item.state {
            State::Queued if item.undo_until.is_some() => "undo-wait",
            State::Queued if item.send_at.is_some() => "scheduled",
            State::Queued => "queued",
            State::Sending => "sending",
            State::Sent => "sent",
            State::Failed => "FAILED",
            State::Held => "held",
        };
        println!(
            "{:>6} {state:<8} {}  to {}  \"{}\"",
            item.id,
            item.account,
            escape_line(&item.recipients.join(", ")),
            escape_line(&item.subject)
        );
        if let (Some(at), State::Queued) = (item.send_at, item.state) {
            println!("       scheduled for {}", crate::date::long(at));
        }
        if !item.last_error.is_empty() {
            println!("       last error: {}", escape_text(&item.last_error));
        }
        for a in &item.history {
            let code = a.code.map(|c| c.to_string()).unwrap_or_else(|| "-".into());
            let queue = a
                .queue_id
                .as_deref()
                .map(|q| format!(" queue id {}", escape_line(q)))
                .unwrap_or_default();
            let note = if a.note.is_empty() {
                String::new()
            } else {
                format!(" ({})", escape_text(&a.note))
            };
            println!(
                "       attempt at {} via {}: {code} {}{queue}{note}",
                crate::date::short(a.started),
                escape_line(&a.server),
                escape_text(&a.reply)
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
