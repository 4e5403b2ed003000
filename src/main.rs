use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    postel::cli::init_logging();
    postel::i18n::init();
    let args = postel::cli::Args::parse();
    match args.command {
        None => postel::gui::run(),
        Some(command) => postel::cli::run(command),
    }
}
