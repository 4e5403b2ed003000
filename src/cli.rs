//! The headless face of Postel: `postel <command>` over the same engine the
//! window uses.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "postel", version, about = "A desktop email client")]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the version and exit.
    Version,
}

pub fn init_logging() {
    // RUST_LOG tunes it; nothing below `warn` by default so a terminal stays quiet.
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

pub fn run(command: Command) -> ExitCode {
    match command {
        Command::Version => {
            println!("postel {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
    }
}
