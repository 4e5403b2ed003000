use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // `postel list | head` closes the pipe early; Rust then panics inside
    // println!. A reader that has seen enough is not an error: stop quietly.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if info
            .payload_as_str()
            .is_some_and(|m| m.contains("Broken pipe"))
        {
            std::process::exit(0);
        }
        default_hook(info);
    }));
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
