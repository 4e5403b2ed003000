//! The Markdown formatting bar: each button writes the marks around the
//! selection (or where the cursor is), as GitHub's and Discourse's editors
//! do, so the text stays readable as plain text; and the preview, painted
//! by the reader's own page renderer.

use std::sync::Arc;

use iced::widget::text_editor::{self, Edit, Motion};

use super::{Action, Message, State};
use crate::gui::widget::html_view;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Bold,
    Italic,
    Link,
    List,
    Quote,
}

/// The preview's page key: one page at a time, apart from the reader's.
const PREVIEW_KEY: u64 = u64::MAX;

impl State {
    pub(super) fn format(&mut self, format: Format) {
        let selected = self.body.selection().unwrap_or_default();
        let paste = |content: &mut text_editor::Content, s: String| {
            content.perform(text_editor::Action::Edit(Edit::Paste(Arc::new(s))));
        };
        match format {
            Format::Bold | Format::Italic => {
                let mark = if format == Format::Bold { "**" } else { "*" };
                if selected.is_empty() {
                    // Empty marks with the cursor between them.
                    paste(&mut self.body, format!("{mark}{mark}"));
                    for _ in 0..mark.len() {
                        self.body.perform(text_editor::Action::Move(Motion::Left));
                    }
                } else {
                    paste(&mut self.body, format!("{mark}{selected}{mark}"));
                }
            }
            Format::Link => {
                let label = if selected.is_empty() {
                    crate::fl!("compose-link-text")
                } else {
                    selected
                };
                paste(&mut self.body, format!("[{label}](https://)"));
                // The cursor before the closing parenthesis, to type the
                // address.
                self.body.perform(text_editor::Action::Move(Motion::Left));
            }
            Format::List | Format::Quote => {
                let prefix = if format == Format::List { "- " } else { "> " };
                if selected.contains('\n') {
                    let lines: Vec<String> =
                        selected.lines().map(|l| format!("{prefix}{l}")).collect();
                    paste(&mut self.body, lines.join("\n"));
                } else {
                    self.body.perform(text_editor::Action::Move(Motion::Home));
                    paste(&mut self.body, prefix.to_owned());
                }
            }
        }
    }

    /// Lays the preview out again from the text as it is now.
    pub(super) fn refresh_preview(&mut self) -> Action {
        let (Some(renderer), true) = (&self.renderer, self.preview_on) else {
            return Action::None;
        };
        let signature = self
            .from
            .as_ref()
            .and_then(|f| self.signatures.get(f))
            .cloned();
        let html = crate::message::markdown::to_html(&self.body.text(), signature.as_deref())
            // Too large or deep to format: what would be sent, the text.
            .unwrap_or_default();
        let message = crate::message::Message {
            html: Some(html),
            text: Some(self.body.text()),
            ..Default::default()
        };
        let (view, task) = html_view::View::open(
            renderer,
            PREVIEW_KEY,
            Arc::new(message),
            Arc::new(Vec::new()),
            self.preview_width,
            self.dark,
            // A preview fetches nothing.
            |_| false,
        );
        self.preview = Some(view);
        Action::Run(task.map(Message::PreviewPage))
    }

    pub(super) fn preview_message(&mut self, message: html_view::Message) -> Action {
        let (Some(renderer), Some(view)) = (&self.renderer, &mut self.preview) else {
            return Action::None;
        };
        match view.update(renderer, message) {
            html_view::Effect::Run(task) => Action::Run(task.map(Message::PreviewPage)),
            // Links and selections in a preview lead nowhere.
            _ => Action::None,
        }
    }

    /// Whether the preview's page is laid out and painted.
    pub fn preview_painted(&self) -> bool {
        self.preview.as_ref().is_some_and(html_view::View::painted)
    }

    /// Turns the preview on (laid out now) or off.
    pub(super) fn show_preview(&mut self, on: bool) -> Action {
        self.preview_on = on;
        if !on {
            self.preview = None;
            return Action::None;
        }
        self.refresh_preview()
    }
}
