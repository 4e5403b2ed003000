use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    postel::cli::init_logging();
    postel::i18n::init();
    let args = postel::cli::Args::parse();
    if args.command.is_none() {
        return postel::gui::run();
    }
    postel::cli::run(args)
}
