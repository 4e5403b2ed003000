//! The headless face of Postel: `postel <command>` over the same engine the
//! window uses. Listings take `--json`.

mod account;
mod delivery;
mod discover;
mod mail;
mod read;
mod send;
mod terminal;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::engine::{Dirs, Engine};

#[derive(Debug, Parser)]
#[command(name = "postel", version, about = "A desktop email client", long_about = None)]
pub struct Args {
    /// Where the settings file lives (default: the XDG config dir).
    #[arg(long, global = true, env = "POSTEL_CONFIG_DIR", value_name = "DIR")]
    pub config_dir: Option<PathBuf>,
    /// Where the mail store lives (default: the XDG data dir).
    #[arg(long, global = true, env = "POSTEL_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Print listings as JSON.
    #[arg(long, global = true)]
    pub json: bool,
    /// A mailto: link to open in the composer (what the desktop passes when
    /// Postel is the mail handler).
    #[arg(value_name = "MAILTO", value_parser = mailto_arg)]
    pub mailto: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

fn mailto_arg(value: &str) -> Result<String, String> {
    crate::mailto::parse(value)
        .map(|_| value.to_owned())
        .map_err(|e| e.to_string())
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Add, discover, list, show, edit, remove and test accounts.
    #[command(subcommand)]
    Account(Box<discover::AccountCommand>),
    /// Fetch new mail into the local store (IMAP sync or POP3 download).
    Sync(mail::SyncArgs),
    /// List an account's folders with message counts.
    Folders { account: String },
    /// List messages of a folder, newest first.
    List(mail::ListArgs),
    /// Search the local store (sender, recipients, subject, downloaded bodies).
    Search {
        query: String,
        #[arg(long)]
        account: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Show a message (its body is downloaded if not cached yet).
    Read(read::ReadArgs),
    /// Paint a message as the reader shows it into a PNG of its full height.
    Render(read::RenderArgs),
    /// Mark a message read, unread, flagged or unflagged.
    Flag(mail::FlagArgs),
    /// Move a message to another folder.
    Move {
        account: String,
        id: i64,
        folder: String,
    },
    /// Delete a message: to Trash (made when the account has none), for
    /// good when already in Trash or with --permanently.
    Delete {
        account: String,
        id: i64,
        /// Delete for good, without Trash.
        #[arg(long)]
        permanently: bool,
    },
    /// Write and send a message (queued in the outbox first, then sent).
    Send(Box<send::SendArgs>),
    /// The outbox: what is queued, sent or failed, with every attempt.
    Outbox(send::OutboxArgs),
    /// Sent mail: what became of it, recipient by recipient.
    Sent(delivery::SentArgs),
    /// Print shell completions (bash, zsh, fish, elvish, powershell).
    Completions { shell: clap_complete::Shell },
    /// Print the manual page (roff).
    Man,
}

pub fn init_logging() {
    use tracing_subscriber::Layer;
    use tracing_subscriber::filter::FilterExt;
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    // RUST_LOG tunes it; nothing below `warn` by default so a terminal stays quiet.
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        // i18n-embed logs an error for locales like "C"; English is then used anyway.
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,i18n_embed=off"));
    let secrets = tracing_subscriber::filter::filter_fn(|meta| !may_hold_secrets(meta));
    tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_filter(filter.and(secrets)),
        )
        .init();
}

/// Whatever RUST_LOG says, the log lines of dependencies that write what
/// goes over the wire are left out: async-imap logs every command at
/// trace (LOGIN with the password, AUTHENTICATE's answer) and every
/// response (the mail itself); lettre logs every command at debug (`AUTH
/// PLAIN` with the password in base64); the Secret Service client logs its
/// D-Bus traffic at trace.
fn may_hold_secrets(meta: &tracing::Metadata<'_>) -> bool {
    use tracing::Level;
    const WIRE: &[(&str, Level)] = &[
        ("async_imap", Level::DEBUG),
        ("imap_proto", Level::DEBUG),
        ("lettre", Level::INFO),
        ("zbus", Level::DEBUG),
        ("secret_service", Level::DEBUG),
        ("zbus_secret_service", Level::DEBUG),
        ("keyring", Level::DEBUG),
    ];
    let target = meta.target();
    WIRE.iter().any(|(name, most)| {
        let ours = target
            .strip_prefix(name)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with("::"));
        // Levels compare by verbosity: TRACE is the greatest.
        ours && meta.level() > most
    })
}

/// The first line of standard input, for `--password-stdin`.
fn read_password() -> Result<String, Failure> {
    let mut line = String::new();
    std::io::BufRead::read_line(&mut std::io::stdin().lock(), &mut line).map_err(|e| {
        Failure(format!(
            "the password could not be read from standard input: {e}."
        ))
    })?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    if password.is_empty() {
        return Err(Failure(
            "no password on standard input (--password-stdin reads its first line).".into(),
        ));
    }
    Ok(password)
}

/// A failure already worded for the user; printed as "postel: …".
#[derive(Debug)]
pub struct Failure(pub String);

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(err: E) -> Self {
        Failure(err.to_string())
    }
}

pub fn run(args: Args) -> ExitCode {
    let Some(command) = args.command else {
        return ExitCode::SUCCESS;
    };
    // These two need neither settings nor a runtime.
    match &command {
        Command::Completions { shell } => {
            let mut cmd = <Args as clap::CommandFactory>::command();
            let mut script = Vec::new();
            clap_complete::generate(*shell, &mut cmd, "postel", &mut script);
            // A closed pipe (`| head`) is not an error worth a panic.
            let _ = std::io::Write::write_all(&mut std::io::stdout(), &script);
            return ExitCode::SUCCESS;
        }
        Command::Man => {
            let cmd = <Args as clap::CommandFactory>::command();
            let mut page = Vec::new();
            if let Err(e) = clap_mangen::Man::new(cmd).render(&mut page) {
                eprintln!("postel: the manual page could not be written: {e}");
                return ExitCode::FAILURE;
            }
            // A closed pipe (`| head`) is not an error worth reporting.
            let _ = std::io::Write::write_all(&mut std::io::stdout(), &page);
            return ExitCode::SUCCESS;
        }
        _ => {}
    }
    let dirs = match Dirs::resolve(args.config_dir, args.data_dir) {
        Ok(dirs) => dirs,
        Err(e) => {
            eprintln!("postel: {e}");
            return ExitCode::FAILURE;
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("postel: could not start: {err}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        let mut engine = Engine::open(dirs)?;
        if let Some(moved) = &engine.report().moved_aside {
            eprintln!("postel: {moved}");
        }
        for key in &engine.report().unknown_keys {
            eprintln!(
                "postel: warning: {} has a setting this version does not know, \"{}\"; it is ignored.",
                engine.config_path().display(),
                terminal::escape_line(key)
            );
        }
        let code = match command {
            Command::Account(cmd) => discover::account(&mut engine, *cmd, args.json).await,
            Command::Sync(a) => mail::sync(&mut engine, a, args.json).await,
            Command::Folders { account } => mail::folders(&mut engine, &account, args.json).await,
            Command::List(a) => mail::list(&mut engine, a, args.json).await,
            Command::Search {
                query,
                account,
                limit,
            } => mail::search(&mut engine, &query, account.as_deref(), limit, args.json).await,
            Command::Read(a) => read::read(&mut engine, a).await,
            Command::Render(a) => read::render(&mut engine, a).await,
            Command::Flag(a) => mail::flag(&mut engine, a).await,
            Command::Move {
                account,
                id,
                folder,
            } => mail::move_to(&mut engine, &account, id, &folder).await,
            Command::Delete {
                account,
                id,
                permanently,
            } => mail::delete(&mut engine, &account, id, permanently).await,
            Command::Send(a) => send::send(&mut engine, *a).await,
            Command::Outbox(a) => send::outbox(&mut engine, a, args.json).await,
            Command::Sent(a) => delivery::sent(&mut engine, a, args.json).await,
            Command::Completions { .. } | Command::Man => Ok(ExitCode::SUCCESS),
        };
        if let Ok(store) = engine.store() {
            tell_made_folders(&store).await;
        }
        code
    });
    match result {
        Ok(code) => code,
        Err(Failure(message)) => {
            // Failures carry servers' replies and names from messages.
            eprintln!("postel: {}", terminal::escape_text(&message));
            ExitCode::FAILURE
        }
    }
}

/// Says which folders the command made because the account had none for
/// their role (a Trash for `delete`, a Sent copy's folder for `send`).
pub(crate) async fn tell_made_folders(store: &crate::store::SharedStore) {
    for folder in store.run(|s| s.take_made()).await.unwrap_or_default() {
        eprintln!(
            "postel: {}",
            terminal::escape_line(&crate::i18n::folder_made(&folder))
        );
    }
}

/// [`tell_made_folders`] for a spawned task.
pub(crate) async fn tell_made_folders_owned(store: crate::store::SharedStore) {
    tell_made_folders(&store).await;
}
