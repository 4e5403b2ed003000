//! The layout engine's documents cannot move between threads, so one
//! thread of their own holds the open page; the reader talks to it through
//! a handle and never waits on layout or painting itself.

use std::sync::mpsc;

use super::{Bitmap, Error, Options, Page, Resources};

/// Rows painted into one bitmap: tall pages are shown as a stack of these,
/// and the engine paints at most 65535 rows at once.
const TILE_ROWS: u32 = 2048;

/// The stack of every thread that lays out a page. Style resolution and
/// layout recurse once per level of nesting, and a stack overflow aborts
/// the process. In a debug build, 400 levels overflowed the default 2 MB
/// and fit in 16 MB; the sanitiser keeps at most
/// `message::html::MAX_DEPTH` (100), so this leaves a fourfold margin,
/// more in a release build. Only the pages touched become memory.
pub const STACK: usize = 16 * 1024 * 1024;

/// Runs `job` on a thread of its own with a [`STACK`]-sized stack, for a
/// one-off layout outside the render thread (`postel render`).
pub async fn on_layout_stack<R: Send + 'static>(
    job: impl FnOnce() -> R + Send + 'static,
) -> Option<R> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::Builder::new()
        .name("postel-layout".into())
        .stack_size(STACK)
        .spawn(move || {
            let _ = tx.send(job());
        })
        .ok()?;
    rx.await.ok()
}

type Job = Box<dyn FnOnce(&mut Option<(u64, Page)>) + Send>;

/// A handle to the render thread; cheap to clone.
#[derive(Clone, Debug)]
pub struct Renderer {
    jobs: mpsc::Sender<Job>,
}

/// A painted page: its size in CSS pixels and its pixels in tiles from the
/// top, each [`TILE_ROWS`] device rows high (the last one shorter).
#[derive(Debug, Clone)]
pub struct Painted {
    pub key: u64,
    pub width: u32,
    pub height: u32,
    pub tiles: Vec<Bitmap>,
    /// Remote URLs the message asked for and did not get.
    pub blocked: Vec<String>,
    /// Remote URLs fetched because the user allowed it.
    pub fetched: Vec<String>,
}

impl std::fmt::Debug for Bitmap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Bitmap({}×{})", self.width, self.height)
    }
}

impl Default for Renderer {
    fn default() -> Self {
        Self::start()
    }
}

impl Renderer {
    pub fn start() -> Self {
        let (jobs, queue) = mpsc::channel::<Job>();
        let spawned = std::thread::Builder::new()
            .name("postel-render".into())
            .stack_size(STACK)
            .spawn(move || {
                let mut open = None;
                for job in queue {
                    job(&mut open);
                }
            });
        if let Err(error) = spawned {
            // Without the thread every request answers "not rendered",
            // and the reader shows the text instead.
            tracing::error!(%error, "the render thread could not start");
        }
        Self { jobs }
    }

    async fn run<R: Send + 'static>(
        &self,
        job: impl FnOnce(&mut Option<(u64, Page)>) -> R + Send + 'static,
    ) -> Option<R> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move |open| {
            let _ = tx.send(job(open));
        });
        self.jobs.send(job).ok()?;
        rx.await.ok()
    }

    /// Lays out `html` as the page `key` (replacing the one open) and
    /// paints it.
    pub async fn open(
        &self,
        key: u64,
        html: String,
        resources: Resources,
        options: Options,
    ) -> Result<Painted, Error> {
        self.run(move |open| {
            *open = None;
            let mut page = Page::layout(&html, resources, options)?;
            let painted = paint(key, &mut page);
            *open = Some((key, page));
            painted
        })
        .await
        .unwrap_or_else(|| Err(stopped()))
    }

    /// Lays the open page out again at `width` and paints it.
    pub async fn relayout(&self, key: u64, width: u32) -> Result<Painted, Error> {
        self.run(move |open| match open {
            Some((k, page)) if *k == key => {
                page.relayout(width)?;
                paint(key, page)
            }
            _ => Err(Error::Engine("the message is no longer open".into())),
        })
        .await
        .unwrap_or_else(|| Err(stopped()))
    }

    /// The link target at `(x, y)` on the open page `key`.
    pub async fn link_at(&self, key: u64, x: f32, y: f32) -> Option<String> {
        self.run(move |open| match open {
            Some((k, page)) if *k == key => page.link_at(x, y),
            _ => None,
        })
        .await
        .flatten()
    }

    /// Selects the text between two points of the open page and repaints
    /// it with the selection shown.
    pub async fn select(
        &self,
        key: u64,
        from: (f32, f32),
        to: (f32, f32),
    ) -> Option<(Option<String>, Painted)> {
        self.run(move |open| match open {
            Some((k, page)) if *k == key => {
                let text = page.select(from, to);
                paint(key, page).ok().map(|p| (text, p))
            }
            _ => None,
        })
        .await
        .flatten()
    }

    /// Closes the open page, freeing its memory.
    pub fn close(&self) {
        let _ = self.jobs.send(Box::new(|open| *open = None));
    }
}

fn paint(key: u64, page: &mut Page) -> Result<Painted, Error> {
    let scale = page.options().scale;
    let css_rows = ((TILE_ROWS as f32 / scale).floor() as u32).max(1);
    let mut tiles = Vec::new();
    let mut top = 0;
    while top < page.height() {
        let rows = css_rows.min(page.height() - top);
        tiles.push(page.paint(top, rows)?);
        top += rows;
    }
    Ok(Painted {
        key,
        width: page.width(),
        height: page.height(),
        tiles,
        blocked: page.blocked_remote(),
        fetched: page.fetched_remote(),
    })
}

fn stopped() -> Error {
    Error::Engine("the render thread has stopped".into())
}
