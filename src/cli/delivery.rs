//! `postel outbox show ID` and `postel sent status ID`: what became of a
//! sent message, recipient by recipient, from the outbox's record and the
//! delivery and read reports that came back.

use std::process::ExitCode;

use clap::{Args, Subcommand};

use super::Failure;
use super::terminal::{escape_line, escape_text};
use crate::engine::Engine;
use crate::store::delivery::{Delivery, Stage};

#[derive(Debug, Args)]
pub struct SentArgs {
    #[command(subcommand)]
    command: SentCommand,
}

#[derive(Debug, Subcommand)]
enum SentCommand {
    /// Each recipient's delivery state and timeline of a sent message,
    /// by its id in the Sent folder (as `postel list` shows it).
    Status { id: i64 },
}

pub async fn sent(engine: &mut Engine, args: SentArgs, json: bool) -> Result<ExitCode, Failure> {
    match args.command {
        SentCommand::Status { id } => {
            let outbox = engine.sent_record(id).await?.ok_or_else(|| {
                Failure(format!(
                    "message {id} was not sent by Postel, so it has no delivery record."
                ))
            })?;
            show(engine, outbox, json).await
        }
    }
}

/// Prints the record of outbox message `id`.
pub async fn show(engine: &mut Engine, id: i64, json: bool) -> Result<ExitCode, Failure> {
    let delivery = engine.delivery(id).await?;
    if json {
        println!("{}", serde_json::to_string_pretty(&delivery)?);
    } else {
        print(&delivery);
    }
    Ok(ExitCode::SUCCESS)
}

fn print(d: &Delivery) {
    println!(
        "Outbox message {} ({}), \"{}\": {}",
        d.outbox_id,
        escape_line(&d.account),
        escape_line(&d.subject),
        d.state.as_str()
    );
    for r in &d.recipients {
        println!("  {:<10} {}", r.stage.as_str(), escape_line(&r.address));
        for e in &r.events {
            let mut line = format!(
                "      {} {:<10}",
                crate::date::short(e.at),
                e.stage.as_str()
            );
            if let Some(q) = &e.queue_id {
                line.push_str(&format!(" queue id {}", escape_line(q)));
            }
            if !e.status.is_empty() {
                line.push_str(&format!(" {}", escape_line(&e.status)));
            }
            if !e.detail.is_empty() {
                line.push_str(&format!(" {}", escape_text(&e.detail)));
            }
            if !e.server.is_empty() && e.stage != Stage::Queued {
                line.push_str(&format!(" ({})", escape_line(&e.server)));
            }
            println!("{line}");
        }
    }
}
