use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    postel::cli::init_logging();
    postel::i18n::init();
    let args = postel::cli::Args::parse();
    if args.command.is_none() {
        let dirs = postel::engine::Dirs::resolve(args.config_dir, args.data_dir);
        return postel::gui::run(dirs);
    }
    postel::cli::run(args)
}
