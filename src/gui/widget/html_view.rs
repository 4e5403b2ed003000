//! An HTML body in the reader: painted off the UI thread by the render
//! thread, shown as a stack of bitmaps, with "Load remote content", link
//! targets shown before anything opens, and text selection by dragging.
//!
//! Until the page is painted (and whenever it cannot be) the reader shows
//! the message's text, so opening a message never waits on layout.

use std::sync::Arc;

use iced::widget::{button, column, container, image, mouse_area, row, text};
use iced::{Element, Length, Point, Task};

use crate::fl;
use crate::message::Message as Parsed;
use crate::render::{Options, Painted, Renderer, Resources};

/// The reader lays pages out no narrower than this; a narrower pane
/// scrolls sideways, as newsletters are made for about 600 px.
pub const MIN_WIDTH: u32 = 480;

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
        let current = match &self.shown {
            Shown::Ready { width, .. } => *width,
            _ => return Task::none(),
        };
        if width.abs_diff(current) < 24 {
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

    /// Whether the painted page is on screen (else the text is).
    pub fn painted(&self) -> bool {
        !self.as_text && matches!(self.shown, Shown::Ready { .. })
    }

    /// The bars above the body: remote content held back, a link about to
    /// open, a page that could not be laid out.
    pub fn bars(&self) -> Element<'_, Message> {
        let mut bars = column![].spacing(4);
        if let Shown::Ready { blocked, .. } = &self.shown
            && *blocked > 0
            && !self.remote_loaded
        {
            bars = bars.push(
                row![
                    text(fl!(
                        "reader-remote-blocked-count",
                        count = (*blocked as u64)
                    ))
                    .size(12)
                    .width(Length::Fill),
                    button(text(fl!("reader-load-remote")).size(12)).on_press(Message::LoadRemote),
                ]
                .push(self.sender.as_ref().map(|sender| {
                    button(text(fl!("reader-always-load", sender = sender.clone())).size(12))
                        .on_press(Message::AllowSender)
                }))
                .spacing(6)
                .align_y(iced::Alignment::Center),
            );
        }
        if let Shown::Ready { height, .. } = &self.shown
            && *height >= crate::render::MAX_HEIGHT
        {
            bars = bars.push(text(fl!("reader-page-cut")).size(12));
        }
        if let Some(link) = &self.link {
            bars = bars.push(
                row![
                    text(fl!("reader-open-link", url = link.clone()))
                        .size(12)
                        .width(Length::Fill),
                    button(text(fl!("reader-open")).size(12)).on_press(Message::OpenLink),
                    button(text(fl!("reader-cancel")).size(12)).on_press(Message::CancelLink),
                ]
                .spacing(6)
                .align_y(iced::Alignment::Center),
            );
        }
        let toggle: Option<Element<'_, Message>> = match (&self.shown, self.as_text) {
            (Shown::Laying, _) => Some(text(fl!("reader-laying-out")).size(12).into()),
            (Shown::Failed(reason), _) => Some(
                text(fl!("reader-html-failed", reason = reason.clone()))
                    .size(12)
                    .into(),
            ),
            (Shown::Ready { .. }, false) => Some(
                button(text(fl!("reader-show-text")).size(12))
                    .on_press(Message::ShowText(true))
                    .into(),
            ),
            (Shown::Ready { .. }, true) => Some(
                button(text(fl!("reader-show-html")).size(12))
                    .on_press(Message::ShowText(false))
                    .into(),
            ),
        };
        if let Some(toggle) = toggle {
            bars = bars.push(toggle);
        }
        bars.into()
    }

    /// The painted page (call only when [`View::painted`]).
    pub fn page(&self) -> Element<'_, Message> {
        let Shown::Ready {
            width,
            height,
            tiles,
            ..
        } = &self.shown
        else {
            return column![].into();
        };
        let mut stack = column![].width(*width as f32);
        for (handle, rows) in tiles {
            stack = stack.push(
                image(handle.clone())
                    .width(*width as f32)
                    .height(*rows)
                    .filter_method(image::FilterMethod::Nearest),
            );
        }
        let page = container(stack).width(*width as f32).height(*height as f32);
        mouse_area(page)
            .on_move(Message::Moved)
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
