//! The headless face of Postel: `postel <command>` over the same engine the
//! window uses. Listings take `--json`.

mod account;

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
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Add, list, show, edit, remove and test accounts.
    #[command(subcommand)]
    Account(account::Command),
}

pub fn init_logging() {
    // RUST_LOG tunes it; nothing below `warn` by default so a terminal stays quiet.
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        // i18n-embed logs an error for locales like "C"; English is then used anyway.
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,i18n_embed=off"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
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
    let dirs = Dirs::resolve(args.config_dir, args.data_dir);
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
                "postel: warning: {} has a setting this version does not know, \"{key}\"; it is ignored.",
                engine.config_path().display()
            );
        }
        match command {
            Command::Account(cmd) => account::run(&mut engine, cmd, args.json).await,
        }
    });
    match result {
        Ok(code) => code,
        Err(Failure(message)) => {
            eprintln!("postel: {message}");
            ExitCode::FAILURE
        }
    }
}
