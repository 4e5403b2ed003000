//! The iced application. Only this module (and its children) may use iced.

use std::process::ExitCode;

use iced::widget::{center, column, text};
use iced::{Element, Task};

use crate::fl;

/// The app id: the window's class on X11/Wayland, and the .desktop file's name.
pub const APP_ID: &str = "org.postel.Postel";

#[derive(Debug, Default)]
pub struct State;

#[derive(Debug, Clone)]
pub enum Message {}

impl State {
    pub fn update(&mut self, message: Message) -> Task<Message> {
        match message {}
    }

    pub fn view(&self) -> Element<'_, Message> {
        center(
            column![
                text(fl!("app-name")).size(32),
                text(fl!("welcome-tagline")).size(16),
            ]
            .spacing(12)
            .align_x(iced::Alignment::Center),
        )
        .into()
    }
}

pub fn run() -> ExitCode {
    if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        eprintln!(
            "postel: no display found (neither DISPLAY nor WAYLAND_DISPLAY is set); \
             start it from a desktop session, or use `postel --help` for the command line"
        );
        return ExitCode::FAILURE;
    }
    let result = iced::application(State::default, State::update, State::view)
        .title(|_: &State| fl!("app-name"))
        .window(iced::window::Settings {
            platform_specific: iced::window::settings::PlatformSpecific {
                application_id: APP_ID.to_owned(),
                ..Default::default()
            },
            ..Default::default()
        })
        .run();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("postel: the window could not be opened: {err}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn welcome_shows_the_app_name_and_tagline() {
        let state = State;
        let mut ui = iced_test::simulator(state.view());
        assert!(ui.find(fl!("app-name").as_str()).is_ok());
        assert!(ui.find(fl!("welcome-tagline").as_str()).is_ok());
    }
}
