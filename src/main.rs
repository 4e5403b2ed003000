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
        if postel::instance::socket_path().is_ok_and(|path| postel::instance::hand_over(&path, url))
        {
            return ExitCode::SUCCESS;
        }
        return match postel::engine::Dirs::resolve(args.config_dir, args.data_dir) {
            Ok(dirs) => postel::gui::run(dirs, Some(url.clone())),
            Err(e) => no_dirs(e),
        };
    }
    if args.command.is_none() {
        return match postel::engine::Dirs::resolve(args.config_dir, args.data_dir) {
            Ok(dirs) => postel::gui::run(dirs, None),
            Err(e) => no_dirs(e),
        };
    }
    postel::cli::run(args)
}

fn no_dirs(e: postel::engine::NoHome) -> ExitCode {
    eprintln!("postel: {e}");
    ExitCode::FAILURE
}
