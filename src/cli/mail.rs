//! `postel sync|folders|list|search|flag|move|delete`: mail from the
//! command line, over the local store.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;

use clap::Args;
use serde::Serialize;

use super::Failure;
use super::terminal::{escape_line, escape_text};
use crate::engine::Engine;
use crate::engine::mail::{Applied, FlagChange};
use crate::net::imap::mutf7::display;
use crate::store::MessageRow;
use crate::sync::{self, Event, Options, Progress, Stage};

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// Accounts to sync (default: all).
    accounts: Vec<String>,
    /// Only this folder.
    #[arg(long, value_name = "FOLDER")]
    folder: Option<String>,
    /// Stay connected and print new mail as it arrives (IDLE on INBOX).
    #[arg(long)]
    watch: bool,
    /// Also download the bodies of messages from the last DAYS days.
    #[arg(long, value_name = "DAYS")]
    prefetch_days: Option<u32>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    account: String,
    #[arg(long, default_value = "INBOX")]
    folder: String,
    #[arg(long, default_value_t = 50)]
    limit: u32,
    /// Continue after this message id (the last one of the previous page).
    #[arg(long, value_name = "ID")]
    before: Option<i64>,
}

#[derive(Debug, Args)]
pub struct FlagArgs {
    account: String,
    id: i64,
    #[arg(long, group = "change")]
    seen: bool,
    #[arg(long, group = "change")]
    unseen: bool,
    #[arg(long, group = "change")]
    flagged: bool,
    #[arg(long, group = "change")]
    unflagged: bool,
}

/// What the list commands print per message.
#[derive(Serialize)]
struct Row<'a> {
    id: i64,
    account: &'a str,
    /// As the user reads it (decoded from modified UTF-7).
    folder: String,
    /// As the server writes it: what `--folder` also accepts.
    folder_raw: &'a str,
    uid: Option<u32>,
    date: i64,
    from: String,
    to: &'a str,
    subject: &'a str,
    flags: Vec<&'static str>,
    size: u64,
    has_attachments: bool,
}

fn row(m: &MessageRow) -> Row<'_> {
    Row {
        id: m.id,
        account: &m.account,
        folder: display(&m.folder),
        folder_raw: &m.folder,
        uid: m.uid,
        date: m.date,
        from: if m.from_name.is_empty() {
            m.from_addr.clone()
        } else {
            format!("{} <{}>", m.from_name, m.from_addr)
        },
        to: &m.to,
        subject: &m.subject,
        flags: m.flags.names(),
        size: m.size,
        has_attachments: m.has_attachments,
    }
}

fn print_rows(rows: &[MessageRow], json: bool) -> Result<(), Failure> {
    // JSON is not escaped here: serde_json escapes C0 itself, and the
    // rest is data to the program reading it (see `cli::terminal`).
    if json {
        let rows: Vec<Row> = rows.iter().map(row).collect();
        println!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(());
    }
    for m in rows {
        let mark = if m.flags.has(crate::store::Flags::SEEN) {
            ' '
        } else {
            '*'
        };
        let date = crate::date::short(m.date);
        let from = if m.from_name.is_empty() {
            &m.from_addr
        } else {
            &m.from_name
        };
        // Clipped before escaping, so an escape is never cut in half.
        let clip =
            |s: &str, n: usize| escape_line(&s.chars().take(n).collect::<String>()).into_owned();
        println!(
            "{:>8} {mark} {date}  {:<24}  {}{}",
            m.id,
            clip(from, 24),
            clip(&m.subject, 80),
            if m.has_attachments { " [+]" } else { "" }
        );
    }
    Ok(())
}

/// Shows progress as one rewritten line on a terminal, plain lines otherwise.
fn progress_sink(json: bool) -> sync::Sink {
    let tty = std::io::stderr().is_terminal();
    Arc::new(move |event| match event {
        Event::Progress(p) if tty => {
            eprint!("\r\x1b[K{}", progress_line(&p));
            let _ = std::io::stderr().flush();
        }
        Event::Progress(p) if p.eta_seconds == Some(0) => eprintln!("{}", progress_line(&p)),
        Event::Progress(_) => {}
        Event::NewMail { .. } if json => {}
        Event::NewMail {
            account,
            folder,
            ids,
        } => {
            println!(
                "new mail: {account} {}: {} message(s)",
                escape_line(&display(&folder)),
                ids.len()
            );
        }
    })
}

fn progress_line(p: &Progress) -> String {
    let eta = match p.eta_seconds {
        Some(0) => "done".to_owned(),
        Some(s) => format!("about {s} s left"),
        None => String::new(),
    };
    let what = match p.stage {
        Stage::Headers => "messages",
        Stage::Bodies => "bodies downloaded",
    };
    format!(
        "{}: folder {}/{} {}: {}/{} {what}, {} KB {eta}",
        p.account,
        if p.eta_seconds == Some(0) {
            p.folders_done
        } else {
            (p.folders_done + 1).min(p.folders_total)
        },
        p.folders_total,
        escape_line(&display(&p.folder)),
        p.messages_done,
        p.messages_total,
        p.bytes / 1024
    )
}

pub async fn sync(engine: &mut Engine, args: SyncArgs, json: bool) -> Result<ExitCode, Failure> {
    let names: Vec<String> = if args.accounts.is_empty() {
        engine.accounts().iter().map(|a| a.name.clone()).collect()
    } else {
        args.accounts.clone()
    };
    if names.is_empty() {
        return Err(Failure(
            "there are no accounts to sync; add one with `postel account add`.".into(),
        ));
    }
    let options = Options {
        folder: args.folder.clone(),
        prefetch_days: args.prefetch_days,
        ..Options::default()
    };
    let sink = progress_sink(json);
    let mut failed = false;
    let mut summaries = Vec::new();
    for name in &names {
        match engine.sync(name, &options, &sink).await {
            Ok(summary) => {
                if std::io::stderr().is_terminal() {
                    eprintln!();
                }
                if !json {
                    println!(
                        "{name}: {} folder(s), {} new, {} flag change(s), {} removed, {} bodies",
                        summary.folders,
                        summary.new_messages,
                        summary.changed_flags,
                        summary.removed,
                        summary.bodies
                    );
                }
                summaries.push(summary);
            }
            Err(err) => {
                failed = true;
                eprintln!("postel: {name}: {}", escape_text(&err.to_string()));
            }
        }
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&summaries)?);
    }
    if args.watch {
        return watch(engine, &names, json).await;
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Runs each account's worker (the window's, see `postel_core::worker`)
/// until interrupted: IDLE on INBOX, every folder synced every five
/// minutes, the outbox sent when due. New mail is printed as it arrives;
/// failures go to stderr and are retried.
async fn watch(engine: &mut Engine, names: &[String], json: bool) -> Result<ExitCode, Failure> {
    use crate::worker::Event as Report;
    let store = engine.store()?;
    let printer = store.clone();
    let report = move |event: Report| match event {
        Report::Sync(Event::NewMail {
            account,
            folder,
            ids,
        }) => {
            let store = printer.clone();
            tokio::spawn(async move {
                for id in ids {
                    if let Ok(m) = store.run(move |s| s.message(id)).await {
                        if json {
                            if let Ok(line) = serde_json::to_string(&row(&m)) {
                                println!("{line}");
                            }
                        } else {
                            println!(
                                "new: {account} {} {} {} <{}>: {}",
                                escape_line(&display(&folder)),
                                m.id,
                                escape_line(&m.from_name),
                                escape_line(&m.from_addr),
                                escape_line(&m.subject)
                            );
                        }
                    }
                }
            });
        }
        Report::Watching { account } => eprintln!("watching {account}"),
        Report::Outbox { account, outcomes } => {
            tokio::spawn(super::tell_made_folders_owned(printer.clone()));
            for o in outcomes {
                eprintln!(
                    "outbox: {account} message {} {}: {}",
                    o.id,
                    o.state.as_str(),
                    escape_text(&o.detail)
                );
            }
        }
        Report::Failed { account, error, .. } => {
            eprintln!(
                "postel: {account}: {} (retrying)",
                escape_text(&error.to_string())
            );
        }
        // What the server asked for, not a failure: said once, then waited.
        Report::Waiting { account, error, .. } => {
            eprintln!("postel: {account}: {}", escape_text(&error.to_string()));
        }
        Report::Synced { .. } => {
            tokio::spawn(super::tell_made_folders_owned(printer.clone()));
        }
        Report::Sync(Event::Progress(_)) => {}
    };
    let report = std::sync::Arc::new(report);
    // Kept until the end: dropping a handle stops its worker.
    let mut workers = Vec::new();
    for name in names {
        let account = engine.account(name)?.clone();
        if account.incoming.protocol == crate::account::Protocol::Pop3 {
            eprintln!("watching {name} (POP3, every 5 minutes)");
        }
        let report = report.clone();
        workers.push(crate::worker::spawn(account, store.clone(), move |e| {
            report(e)
        }));
    }
    let _ = tokio::signal::ctrl_c().await;
    for (handle, task) in workers {
        handle.send(crate::worker::Control::Stop);
        task.abort();
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn folders(engine: &mut Engine, account: &str, json: bool) -> Result<ExitCode, Failure> {
    let folders = engine.folders(account).await?;
    if json {
        println!("{}", serde_json::to_string_pretty(&folders)?);
    } else if folders.is_empty() {
        println!("No folders yet: run `postel sync {account}`.");
    } else {
        for f in folders {
            let role = f.folder.role.map(|r| r.as_str()).unwrap_or("");
            println!(
                "{:<30} {:<8} {:>7} messages {:>7} unread",
                escape_line(&f.folder.display_name),
                role,
                f.total,
                f.unread
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn list(engine: &mut Engine, args: ListArgs, json: bool) -> Result<ExitCode, Failure> {
    let rows = engine
        .list(&args.account, &args.folder, args.limit, args.before)
        .await?;
    print_rows(&rows, json)?;
    Ok(ExitCode::SUCCESS)
}

pub async fn search(
    engine: &mut Engine,
    query: &str,
    account: Option<&str>,
    limit: u32,
    json: bool,
) -> Result<ExitCode, Failure> {
    let rows = engine.search(query, account, limit).await?;
    print_rows(&rows, json)?;
    Ok(ExitCode::SUCCESS)
}

fn report(applied: Applied, what: &str) -> ExitCode {
    match applied {
        Applied::OnServer | Applied::Local => println!("{what}."),
        Applied::Queued(why) => println!(
            "{what} here; the server could not be reached ({}), so it will be applied at the next sync.",
            escape_text(&crate::i18n::say_sentence(&why))
        ),
    }
    ExitCode::SUCCESS
}

pub async fn flag(engine: &mut Engine, args: FlagArgs) -> Result<ExitCode, Failure> {
    let change = match (args.seen, args.unseen, args.flagged, args.unflagged) {
        (true, ..) => FlagChange::Seen(true),
        (_, true, ..) => FlagChange::Seen(false),
        (_, _, true, _) => FlagChange::Flagged(true),
        (.., true) => FlagChange::Flagged(false),
        _ => {
            return Err(Failure(
                "say which flag: --seen, --unseen, --flagged or --unflagged.".into(),
            ));
        }
    };
    let applied = engine.set_flag(&args.account, args.id, change).await?;
    Ok(report(applied, &format!("Message {} updated", args.id)))
}

pub async fn move_to(
    engine: &mut Engine,
    account: &str,
    id: i64,
    folder: &str,
) -> Result<ExitCode, Failure> {
    let applied = engine.move_message(account, id, folder).await?;
    Ok(report(applied, &format!("Message {id} moved to {folder}")))
}

pub async fn delete(
    engine: &mut Engine,
    account: &str,
    id: i64,
    permanently: bool,
) -> Result<ExitCode, Failure> {
    let applied = if permanently {
        engine.delete_permanently(account, id).await?
    } else {
        engine.delete_message(account, id).await?
    };
    let what = if permanently {
        format!("Message {id} deleted permanently")
    } else {
        format!("Message {id} deleted")
    };
    Ok(report(applied, &what))
}
