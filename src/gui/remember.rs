//! The app remembers how the window was left: it follows the window's
//! size, the pane dividers and the list's grouping into `App::ui`, and
//! writes them (`ui_state::save`) once they have stayed put for
//! `UI_SETTLE`, and when the window is closed.

use iced::{Size, Task, window};

use super::*;

impl App {
    /// Notes a change of `ui` and asks to be told when changes stop.
    fn ui_changed(&mut self) -> Task<Message> {
        self.ui_changes += 1;
        let n = self.ui_changes;
        // The timer is made when the task runs, inside the runtime.
        Task::perform(async { tokio::time::sleep(UI_SETTLE).await }, move |()| {
            Message::UiSettled(n)
        })
    }

    /// After every mailbox message: did the dividers or the grouping move?
    pub(super) fn remember_mailbox(&mut self) -> Task<Message> {
        let Some(mailbox) = &self.mailbox else {
            return Task::none();
        };
        let (folders, list) = mailbox.split_ratios();
        let threads = mailbox.threads;
        if (folders, list, threads)
            == (
                self.ui.folders_ratio,
                self.ui.list_ratio,
                self.ui.group_by_thread,
            )
        {
            return Task::none();
        }
        self.ui.folders_ratio = folders;
        self.ui.list_ratio = list;
        self.ui.group_by_thread = threads;
        self.ui_changed()
    }

    pub(super) fn window_resized(&mut self, id: window::Id, size: Size) -> Task<Message> {
        let reflow = self.mailbox_message(mailbox::Message::WindowResized(size));
        // A maximized window's size is the screen's: the size to come back
        // to is the one before, so ask which it is.
        let state =
            window::is_maximized(id).map(move |maximized| Message::WindowState(size, maximized));
        Task::batch([reflow, state])
    }

    pub(super) fn window_state(&mut self, size: Size, maximized: bool) -> Task<Message> {
        let before = (self.ui.width, self.ui.height, self.ui.maximized);
        self.ui.maximized = maximized;
        if !maximized {
            self.ui.width = size.width;
            self.ui.height = size.height;
        }
        if (self.ui.width, self.ui.height, self.ui.maximized) == before {
            return Task::none();
        }
        self.ui_changed()
    }

    /// Saves when change `n` was the last one.
    pub(super) fn ui_settled(&mut self, n: u64) -> Task<Message> {
        if n != self.ui_changes {
            return Task::none();
        }
        let (dir, ui) = (self.dirs.data.clone(), self.ui.clone());
        Task::future(async move {
            let saved = tokio::task::spawn_blocking(move || ui_state::save(&dir, &ui)).await;
            match saved {
                Ok(Ok(())) => {}
                Ok(Err(error)) => tracing::warn!(%error, "the window state could not be saved"),
                Err(error) => tracing::warn!(%error, "the window state could not be saved"),
            }
        })
        .discard()
    }

    /// The window is closing: what changed in the last second is saved too.
    pub(super) fn close(&mut self, id: window::Id) -> Task<Message> {
        if let Err(error) = ui_state::save(&self.dirs.data, &self.ui) {
            tracing::warn!(%error, "the window state could not be saved");
        }
        window::close(id)
    }

    /// The window state as it would be saved now.
    #[cfg(test)]
    pub(super) fn ui_state(&self) -> &UiState {
        &self.ui
    }
}
