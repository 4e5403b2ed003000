use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    postel::cli::init_logging();
    postel::i18n::init();
    let args = postel::cli::Args::parse();
    if let Some(url) = &args.mailto {
        // A second launch hands the link to the running window.
        if postel::instance::hand_over(&postel::instance::socket_path(), url) {
            return ExitCode::SUCCESS;
        }
        let dirs = postel::engine::Dirs::resolve(args.config_dir, args.data_dir);
        return postel::gui::run(dirs, Some(url.clone()));
    }
    if args.command.is_none() {
        let dirs = postel::engine::Dirs::resolve(args.config_dir, args.data_dir);
        return postel::gui::run(dirs, None);
    }
    postel::cli::run(args)
}
