//! An HTML body in the reader: painted off the UI thread by the render
//! thread, shown as a stack of bitmaps, with "Load remote content", link
//! targets shown before anything opens, and text selection by dragging.
//!
//! Until the page is painted (and whenever it cannot be) the reader shows
//! the message's text, so opening a message never waits on layout.

use std::sync::Arc;

use iced::widget::text::Wrapping;
use iced::widget::{button, column, container, image, mouse_area, row, text};
use iced::{Alignment, Element, Length, Point, Task};

use crate::fl;
use crate::gui::theme::{self, gap, size};
use crate::message::Message as Parsed;
use crate::render::{Options, Painted, Renderer, Resources};

/// The reader lays pages out no narrower than this; a narrower pane
/// scrolls sideways, as newsletters are made for about 600 px.
pub const MIN_WIDTH: u32 = 480;
/// Below this reader width the remote-content bar puts its buttons under
/// its words: the words, "Load remote content" and "Always load from
/// <a long address>" need about 700 px on one line.
const BAR_ONE_LINE: u32 = 760;
/// A page wider than the pane (a fixed 600 px table) is scaled down to
/// fit, as mail apps do, but not below this: 14 px text stays at 10.5 px.
/// What is still wider scrolls sideways.
pub const MIN_FIT: f32 = 0.75;

#[derive(Debug, Clone)]
pub enum Message {
    Painted(u64, Result<Arc<Painted>, String>),
    Moved(Point),
    Pressed,
    Released,
    LinkFound(u64, Option<String>),
    Selected(u64, Option<(Option<String>, Arc<Painted>)>),
    LoadRemote,
    /// Load remote content now and for every later message from the sender.
    AllowSender,
    OpenLink,
    CancelLink,
    ShowText(bool),
}

/// What the reader must do beyond its own state.
pub enum Effect {
    None,
    Run(Task<Message>),
    /// Put text on the clipboard (a selection was made).
    Copy(String),
    /// Open a link the user confirmed.
    Open(String),
    /// Remember to load remote content from this sender, and lay out again.
    AllowSender(String, Task<Message>),
}

#[derive(Debug)]
enum Shown {
    Laying,
    Ready {
        width: u32,
        height: u32,
        tiles: Vec<(image::Handle, f32)>,
        blocked: usize,
    },
    Failed(String),
}

/// The HTML side of an opened message.
#[derive(Debug)]
pub struct View {
    key: u64,
    html: String,
    raw: Arc<Vec<u8>>,
    message: Arc<Parsed>,
    options: Options,
    shown: Shown,
    remote_loaded: bool,
    /// The bar offering to load held-back remote content is shown (the
    /// "ask" policy); off, it stays held back without a word.
    pub offer_remote: bool,
    /// The sender's address, for "always load from this sender".
    sender: Option<String>,
    /// The user chose to read the text instead.
    pub as_text: bool,
    pointer: Point,
    drag_from: Option<Point>,
    link: Option<String>,
}

impl View {
    /// Starts laying out the message's HTML at `width` CSS pixels.
    pub fn open(
        renderer: &Renderer,
        key: u64,
        message: Arc<Parsed>,
        raw: Arc<Vec<u8>>,
        width: u32,
        dark: bool,
        trusted: impl Fn(&str) -> bool,
    ) -> (Self, Task<Message>) {
        let sender = message
            .from
            .first()
            .map(|a| a.email.to_lowercase())
            .filter(|a| !a.is_empty());
        let remote = sender.as_deref().is_some_and(trusted);
        let html = crate::render::html_of(&message);
        let view = Self {
            key,
            html,
            raw,
            message,
            options: Options {
                width: width.max(MIN_WIDTH),
                scale: 1.0,
                dark,
            },
            shown: Shown::Laying,
            remote_loaded: remote,
            offer_remote: true,
            sender,
            as_text: false,
            pointer: Point::ORIGIN,
            drag_from: None,
            link: None,
        };
        let task = view.lay_out(renderer, remote);
        (view, task)
    }

    fn lay_out(&self, renderer: &Renderer, remote: bool) -> Task<Message> {
        let renderer = renderer.clone();
        let (key, html, raw, message, options) = (
            self.key,
            self.html.clone(),
            Arc::clone(&self.raw),
            Arc::clone(&self.message),
            self.options,
        );
        Task::perform(
            async move {
                let mut resources = Resources::from_message(&message, &raw);
                if remote {
                    resources = resources.allow_remote()?;
                }
                renderer
                    .open(key, html, resources, options)
                    .await
                    .map(Arc::new)
                    .map_err(|e| e.to_string())
            },
            move |result| Message::Painted(key, result),
        )
    }

    /// The reader pane is now `width` CSS pixels wide.
    pub fn resize(&mut self, renderer: &Renderer, width: u32) -> Task<Message> {
        let width = width.max(MIN_WIDTH);
        if !matches!(self.shown, Shown::Ready { .. }) {
            return Task::none();
        }
        // The width asked for last, not the page's own (a wide page is
        // wider than any pane it was asked for).
        if width.abs_diff(self.options.width) < 24 {
            return Task::none();
        }
        self.options.width = width;
        let (renderer, key) = (renderer.clone(), self.key);
        Task::perform(
            async move {
                renderer
                    .relayout(key, width)
                    .await
                    .map(Arc::new)
                    .map_err(|e| e.to_string())
            },
            move |result| Message::Painted(key, result),
        )
    }

    pub fn update(&mut self, renderer: &Renderer, message: Message) -> Effect {
        match message {
            Message::Painted(key, result) if key == self.key => {
                self.shown = match result {
                    Ok(painted) => shown(painted),
                    Err(reason) => Shown::Failed(reason),
                };
                Effect::None
            }
            Message::Selected(key, Some((selected, painted))) if key == self.key => {
                self.shown = shown(painted);
                match selected {
                    Some(text) if !text.trim().is_empty() => Effect::Copy(text),
                    _ => Effect::None,
                }
            }
            Message::Moved(point) => {
                self.pointer = point;
                Effect::None
            }
            Message::Pressed => {
                self.drag_from = Some(self.pointer);
                Effect::None
            }
            Message::Released => {
                let Some(from) = self.drag_from.take() else {
                    return Effect::None;
                };
                let (to, key, renderer) = (self.pointer, self.key, renderer.clone());
                if from.distance(to) < 4.0 {
                    // A click: is it on a link?
                    Effect::Run(Task::perform(
                        async move { renderer.link_at(key, to.x, to.y).await },
                        move |link| Message::LinkFound(key, link),
                    ))
                } else {
                    Effect::Run(Task::perform(
                        async move {
                            renderer
                                .select(key, (from.x, from.y), (to.x, to.y))
                                .await
                                .map(|(text, painted)| (text, Arc::new(painted)))
                        },
                        move |result| Message::Selected(key, result),
                    ))
                }
            }
            Message::LinkFound(key, link) if key == self.key => {
                self.link = link;
                Effect::None
            }
            Message::OpenLink => match self.link.take() {
                Some(link) => Effect::Open(link),
                None => Effect::None,
            },
            Message::CancelLink => {
                self.link = None;
                Effect::None
            }
            Message::LoadRemote => {
                self.remote_loaded = true;
                self.shown = Shown::Laying;
                Effect::Run(self.lay_out(renderer, true))
            }
            Message::AllowSender => {
                let Some(sender) = self.sender.clone() else {
                    return Effect::None;
                };
                self.remote_loaded = true;
                self.shown = Shown::Laying;
                Effect::AllowSender(sender, self.lay_out(renderer, true))
            }
            Message::ShowText(as_text) => {
                self.as_text = as_text;
                Effect::None
            }
            _ => Effect::None,
        }
    }

    /// The size the page is shown at in a pane as wide as the one it was
    /// laid out for (below 1: scaled down).
    pub fn fit(&self) -> f32 {
        match &self.shown {
            Shown::Ready { width, .. } => fit(*width, self.options.width),
            _ => 1.0,
        }
    }

    /// Whether the painted page is on screen (else the text is).
    pub fn painted(&self) -> bool {
        !self.as_text && matches!(self.shown, Shown::Ready { .. })
    }

    /// The bars above the body: remote content held back, a link about to
    /// open, a page that could not be laid out.
    pub fn bars(&self) -> Element<'_, Message> {
        let small = |said: String, press: Message| {
            button(text(said).size(size::CAPTION))
                .on_press(press)
                .padding([3, 8])
                .style(theme::secondary)
        };
        let note = |said: String| {
            text(said)
                .size(size::CAPTION)
                .wrapping(Wrapping::None)
                .width(Length::Fill)
        };
        // One line: what was held back, and the two ways to let it in.
        let mut first = row![].spacing(gap::S).align_y(Alignment::Center);
        if let Shown::Ready { blocked, .. } = &self.shown
            && *blocked > 0
            && !self.remote_loaded
            && self.offer_remote
        {
            let said = note(fl!(
                "reader-remote-blocked-count",
                count = (*blocked as u64)
            ));
            let buttons = row![small(fl!("reader-load-remote"), Message::LoadRemote)]
                .push(self.sender.as_ref().map(|sender| {
                    small(
                        fl!("reader-always-load", sender = sender.clone()),
                        Message::AllowSender,
                    )
                }))
                .spacing(gap::S)
                .align_y(Alignment::Center);
            // One line where it fits; in a narrow reader the buttons go
            // under the words rather than cut them off.
            let bar: Element<'_, Message> = if self.options.width < BAR_ONE_LINE {
                column![said, buttons].spacing(gap::XS).into()
            } else {
                row![container(said).width(Length::Fill).clip(true), buttons]
                    .spacing(gap::S)
                    .align_y(Alignment::Center)
                    .into()
            };
            first = first.push(
                container(bar)
                    .padding([gap::XS, gap::S])
                    .width(Length::Fill)
                    .style(theme::banner(theme::Tone::Info)),
            );
        } else {
            first = first.push(iced::widget::space().width(Length::Fill));
        }
        match (&self.shown, self.as_text) {
            (Shown::Laying, _) => {
                first = first.push(text(fl!("reader-laying-out")).size(size::CAPTION))
            }
            (Shown::Failed(reason), _) => {
                first = first.push(
                    text(fl!("reader-html-failed", reason = reason.clone())).size(size::CAPTION),
                )
            }
            (Shown::Ready { .. }, false) => {
                first = first.push(small(fl!("reader-show-text"), Message::ShowText(true)))
            }
            (Shown::Ready { .. }, true) => {
                first = first.push(small(fl!("reader-show-html"), Message::ShowText(false)))
            }
        }
        let mut bars = column![first].spacing(gap::XS);
        if let Shown::Ready { height, .. } = &self.shown
            && *height >= crate::render::MAX_HEIGHT
        {
            bars = bars.push(text(fl!("reader-page-cut")).size(size::CAPTION));
        }
        if let Some(link) = &self.link {
            bars = bars.push(
                container(
                    row![
                        container(note(fl!("reader-open-link", url = link.clone())))
                            .width(Length::Fill)
                            .clip(true),
                        button(text(fl!("reader-open")).size(size::CAPTION))
                            .on_press(Message::OpenLink)
                            .padding([3, 8])
                            .style(theme::primary),
                        small(fl!("reader-cancel"), Message::CancelLink),
                    ]
                    .spacing(gap::S)
                    .align_y(Alignment::Center),
                )
                .padding([gap::XS, gap::S])
                .style(theme::banner(theme::Tone::Info)),
            );
        }
        bars.into()
    }

    /// The painted page in `available` logical pixels of width (call only
    /// when [`View::painted`]): scaled down to fit when it is wider, as far
    /// as [`MIN_FIT`].
    pub fn page(&self, available: f32) -> Element<'_, Message> {
        let Shown::Ready {
            width,
            height,
            tiles,
            ..
        } = &self.shown
        else {
            return column![].into();
        };
        let fit = fit(*width, available.max(1.0) as u32);
        let shown_width = *width as f32 * fit;
        // Scaled down, the tiles are smoothed; at their own size, exact.
        let filter = if fit < 1.0 {
            image::FilterMethod::Linear
        } else {
            image::FilterMethod::Nearest
        };
        let mut stack = column![].width(shown_width);
        for (handle, rows) in tiles {
            stack = stack.push(
                image(handle.clone())
                    .width(shown_width)
                    .height(*rows * fit)
                    .filter_method(filter),
            );
        }
        let page = container(stack)
            .width(shown_width)
            .height(*height as f32 * fit);
        // The pointer in page pixels, whatever the page is shown at.
        mouse_area(page)
            .on_move(move |p| Message::Moved(Point::new(p.x / fit, p.y / fit)))
            .on_press(Message::Pressed)
            .on_release(Message::Released)
            .interaction(if self.link.is_some() {
                iced::mouse::Interaction::Pointer
            } else {
                iced::mouse::Interaction::Text
            })
            .into()
    }
}

/// How much a page `width` wide is scaled to show in a pane `asked` wide.
pub fn fit(width: u32, asked: u32) -> f32 {
    if width <= asked {
        1.0
    } else {
        (asked as f32 / width as f32).max(MIN_FIT)
    }
}

fn shown(painted: Arc<Painted>) -> Shown {
    // The message is the only owner, so the pixels move, not copy.
    let painted = Arc::unwrap_or_clone(painted);
    let tiles = painted
        .tiles
        .into_iter()
        .map(|tile| {
            let rows = tile.height as f32 * painted.width as f32 / tile.width.max(1) as f32;
            (
                image::Handle::from_rgba(tile.width, tile.height, tile.rgba),
                rows,
            )
        })
        .collect();
    Shown::Ready {
        width: painted.width,
        height: painted.height,
        tiles,
        blocked: painted.blocked.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_pages_are_fitted_down_to_a_readable_size_only() {
        assert_eq!(fit(480, 530), 1.0, "fits: its own size");
        assert!(
            (fit(600, 530) - 530.0 / 600.0).abs() < 1e-6,
            "scaled to the pane"
        );
        assert_eq!(
            fit(1200, 500),
            MIN_FIT,
            "no smaller than readable; the rest scrolls"
        );
    }
}
