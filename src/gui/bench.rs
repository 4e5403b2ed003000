//! Timing for `benches/gui` and `tests/e2e-gui`; inert unless the
//! environment variable `POSTEL_BENCH_TIMING` is set when the window opens.
//!
//! With it set, the window prints lines to stderr:
//!
//! ```text
//! postel-bench first-frame unix=S run_ms=MS   the first frame was presented
//! postel-bench first-rows unix=S run_ms=MS    the first frame that drew message rows was presented
//! postel-bench frames MS MS ...               scroll:N / drag:N only: each frame's time, then it closes
//! postel-bench missing K                      frames drawn while rows in view were still loading
//! ```
//!
//! `unix` is the wall clock in seconds, so a caller counts from its own
//! launch of the process; `run_ms` counts from `gui::run`. The value
//! `scroll:N` scrolls the message list N steps of 3 rows, one step per
//! frame (down, and back up at the end); `drag:N` crosses the whole list
//! from top to bottom in N steps, as dragging the scrollbar does. Both
//! start a second after the first rows, in the list the window opens with
//! (all inboxes); with `@folder` appended (`scroll:200@folder`) they run in
//! the largest folder, selected first. A frame's time is the interval from
//! its start to the next frame's start while the scroll runs: handling the
//! step, loading rows, view, layout, draw, present.
//!
//! `actions-idle:N@ACCOUNT` and `actions-sync:N@ACCOUNT` open ACCOUNT's
//! INBOX and time N rounds of user actions in it (`actions.rs`).

use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime};

use iced::Task;

use super::Message;

mod actions;
use crate::gui::widget::message_list::ROW_HEIGHT;
pub use actions::Actions;

static ENABLED: OnceLock<Option<String>> = OnceLock::new();
static RUN: OnceLock<Instant> = OnceLock::new();
static ROWS_BUILT: OnceLock<Instant> = OnceLock::new();

fn setting() -> Option<&'static str> {
    ENABLED
        .get_or_init(|| std::env::var("POSTEL_BENCH_TIMING").ok())
        .as_deref()
}

/// Called first thing in `gui::run`: the origin of `run_ms`.
pub fn started() {
    if setting().is_some() {
        RUN.get_or_init(Instant::now);
    }
}

/// Called by the message list's view when it builds rows.
pub fn rows_built() {
    if setting().is_some() {
        ROWS_BUILT.get_or_init(Instant::now);
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Drive {
    None,
    Scroll(u32),
    Drag(u32),
    /// Rounds of user actions (`actions.rs`); nothing scrolls.
    Actions,
}

#[derive(Debug)]
pub struct Bench {
    drive: Drive,
    /// Scroll in the largest folder rather than in all inboxes.
    pub in_folder: bool,
    /// The `actions` drive, whose account's INBOX opens first.
    pub actions: Option<Actions>,
    first_frame: bool,
    first_rows: bool,
    scrolling: bool,
    step: u32,
    frames: Vec<Instant>,
    missing: u32,
}

/// What the app does after a frame.
pub enum Next {
    Nothing,
    /// Start the scroll driver after this pause (startup work settles).
    StartAfter(Duration),
    ScrollTo(f32),
    Exit,
}

impl Bench {
    /// `Some` only when `POSTEL_BENCH_TIMING` is set.
    pub fn from_env() -> Option<Self> {
        let value = setting()?;
        let count = |s: &str| s.parse().unwrap_or(200);
        let (value, at) = match value.split_once('@') {
            Some((v, at)) => (v, Some(at)),
            None => (value, None),
        };
        let mut actions = None;
        let drive = match value.split_once(':') {
            Some(("scroll", n)) => Drive::Scroll(count(n)),
            Some(("drag", n)) => Drive::Drag(count(n)),
            Some((phase @ ("actions-idle" | "actions-sync"), n)) => {
                let account = at.unwrap_or_default().to_owned();
                actions = Some(Actions::new(account, count(n), phase == "actions-sync"));
                Drive::Actions
            }
            _ => Drive::None,
        };
        Some(Self {
            drive,
            in_folder: at == Some("folder"),
            actions,
            first_frame: false,
            first_rows: false,
            scrolling: false,
            step: 0,
            frames: Vec::new(),
            missing: 0,
        })
    }

    /// Whether the app should listen to frames now.
    pub fn wants_frames(&self) -> bool {
        !self.first_frame
            || !self.first_rows
            || self.scrolling
            || self.actions.as_ref().is_some_and(Actions::wants_frame)
    }

    pub fn start(&mut self) {
        self.scrolling = matches!(self.drive, Drive::Scroll(_) | Drive::Drag(_));
    }

    /// A frame was presented at `at`; `total` messages in the list, and
    /// whether the rows in view were loaded when it was built.
    pub fn frame(&mut self, at: Instant, total: u64, covered: bool) -> Next {
        if !self.first_frame {
            self.first_frame = true;
            report("first-frame");
        }
        if !self.first_rows {
            if ROWS_BUILT.get().is_some_and(|built| *built <= at) {
                self.first_rows = true;
                report("first-rows");
                if let Some(a) = &self.actions {
                    return Next::StartAfter(a.pause());
                }
                if self.drive != Drive::None {
                    return Next::StartAfter(Duration::from_secs(1));
                }
            }
            return Next::Nothing;
        }
        if !self.scrolling {
            return Next::Nothing;
        }
        if self.step > 0 && !covered {
            self.missing += 1;
        }
        self.frames.push(at);
        let (steps, end) = match self.drive {
            Drive::Scroll(n) | Drive::Drag(n) => (n, (total as f32 * ROW_HEIGHT - 600.0).max(0.0)),
            Drive::None | Drive::Actions => (0, 0.0),
        };
        if self.step >= steps {
            self.scrolling = false;
            let times: Vec<String> = self
                .frames
                .windows(2)
                .map(|w| format!("{:.3}", (w[1] - w[0]).as_secs_f64() * 1000.0))
                .collect();
            eprintln!("postel-bench frames {}", times.join(" "));
            eprintln!("postel-bench missing {}", self.missing);
            return Next::Exit;
        }
        self.step += 1;
        let y = match self.drive {
            Drive::Drag(n) => end * self.step as f32 / n.max(1) as f32,
            _ => {
                // Down 3 rows a step; back up from the end (a small folder).
                let d = self.step as f32 * 3.0 * ROW_HEIGHT;
                let period = 2.0 * end;
                if period <= 0.0 {
                    0.0
                } else {
                    let d = d % period;
                    if d > end { period - d } else { d }
                }
            }
        };
        Next::ScrollTo(y)
    }
}

fn report(what: &str) {
    let unix = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs_f64();
    let run_ms = RUN
        .get()
        .map_or(f64::NAN, |t| t.elapsed().as_secs_f64() * 1000.0);
    eprintln!("postel-bench {what} unix={unix:.6} run_ms={run_ms:.1}");
}

impl super::App {
    /// The hook's side in the window: after each frame, what the run does
    /// next (pick the largest folder, scroll a step, close).
    pub(super) fn bench_frame(&mut self, at: std::time::Instant) -> Task<Message> {
        let Some(b) = &mut self.bench else {
            return Task::none();
        };
        if b.first_rows && b.actions.is_some() {
            return self.actions_frame(at);
        }
        let (total, covered) = match &self.mailbox {
            Some(m) => (m.list.total, m.list.wanted().is_none()),
            None => (0, true),
        };
        let (next, in_folder) = (b.frame(at, total, covered), b.in_folder);
        match next {
            Next::Nothing => Task::none(),
            Next::StartAfter(pause) => {
                let largest = match (&self.mailbox, in_folder) {
                    (Some(m), true) => m
                        .folders
                        .iter()
                        .flat_map(|a| a.folders.iter().map(move |f| (a, f)))
                        .max_by_key(|(_, f)| f.total)
                        .map(|(a, f)| super::mailbox::Selection::Folder {
                            account: a.account.clone(),
                            id: f.folder.id,
                            name: f.folder.name.clone(),
                        }),
                    _ => None,
                };
                let select = match largest {
                    Some(s) => self.mailbox_message(super::mailbox::Message::Select(s)),
                    None => Task::none(),
                };
                let start = Task::perform(tokio::time::sleep(pause), |()| Message::BenchStart);
                Task::batch([select, start])
            }
            Next::ScrollTo(y) => iced::widget::operation::scroll_to(
                "message-list",
                iced::widget::scrollable::AbsoluteOffset {
                    x: None,
                    y: Some(y),
                },
            ),
            Next::Exit => iced::exit(),
        }
    }

    pub(super) fn bench_start(&mut self) -> Task<Message> {
        if let Some(b) = &mut self.bench {
            b.start();
            if b.actions.is_some() {
                return self.bench_act();
            }
        }
        Task::none()
    }
}
