//! Lays out and paints HTML mail with a real layout engine (Blitz: Stylo
//! for CSS, Taffy for layout, Parley for text, vello_cpu for pixels). No
//! script engine exists here; the HTML is sanitised first, and every
//! sub-resource goes through [`Resources`], which keeps remote content out
//! unless the user allowed it.
//!
//! The reader pane and `postel render` both paint through [`Page`], so a
//! PNG from the command line is what the reader shows.

#[doc(hidden)]
pub mod fuzzing;
mod legacy;
mod resources;
mod worker;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyrender_vello_cpu::VelloCpuImageRenderer;
use blitz_dom::{BaseDocument, DocumentConfig, LocalName, UserAgentStylesheet};
use blitz_html::DocumentHtmlParser;
use blitz_traits::net::NetProvider;
use blitz_traits::shell::{ColorScheme, Viewport};
use html5ever::ParseOpts;
use html5ever::tendril::TendrilSink;
use html5ever::tree_builder::TreeBuilderOpts;

pub use resources::Resources;
pub use worker::{Painted, Renderer, STACK, on_layout_stack};

/// Relative URLs mean nothing in mail; a hierarchical placeholder keeps the
/// engine's URL joins working and resolves to nothing in [`Resources`].
const BASE_URL: &str = "postel-message://message/";

/// Pages taller than this are cut: the engine paints at most 65535 pixels
/// at once, and a taller mail is better read as text.
pub const MAX_HEIGHT: u32 = 30_000;

/// How long remote content, once allowed, may take to arrive.
const REMOTE_WAIT: Duration = Duration::from_secs(15);

/// Rules a mail reader adds to the browser defaults. Collapsed table borders
/// are not painted by the engine, so tables are drawn separated (the
/// legacy pass sets their spacing); `<img>` never overflows the pane.
const MAIL_CSS: &str = "
table { border-collapse: separate !important; }
img { max-width: 100%; height: auto; }
pre { white-space: pre-wrap; }
";

/// Where rendering differs between callers.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Layout width in CSS pixels.
    pub width: u32,
    /// Device pixels per CSS pixel.
    pub scale: f32,
    /// The reader's theme is dark; messages that style themselves for a
    /// dark scheme are shown that way, others keep their own light look.
    pub dark: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            width: 800,
            scale: 1.0,
            dark: false,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the HTML of this message could not be laid out ({0}); it is shown as plain text")]
    Engine(String),
}

/// A laid-out message.
pub struct Page {
    doc: BaseDocument,
    resources: Arc<Resources>,
    options: Options,
    /// Content height in CSS pixels, capped at [`MAX_HEIGHT`].
    height: u32,
}

/// Painted pixels: RGBA, 8 bits a channel, not premultiplied, opaque.
#[derive(Clone)]
pub struct Bitmap {
    pub width: u32,
    pub height: u32,
    pub rgba: Vec<u8>,
}

impl Page {
    /// Sanitises `html` and lays it out. Remote content is fetched during
    /// layout only if `resources` allow it. An engine panic becomes an
    /// error, so a hostile message cannot take the reader down.
    pub fn layout(html: &str, resources: Resources, options: Options) -> Result<Self, Error> {
        let clean = postel_core::message::html::sanitize_for_layout(html);
        let resources = Arc::new(resources);
        let result = catch_unwind(AssertUnwindSafe(|| {
            Self::build(&clean, Arc::clone(&resources), options)
        }));
        // The remote runtime is dropped here, on the caller's thread, which
        // is never inside another runtime.
        resources.close_remote();
        result.map_err(|panic| Error::Engine(panic_text(&panic)))
    }

    fn build(html: &str, resources: Arc<Resources>, options: Options) -> Self {
        let scheme = if options.dark && html.contains("prefers-color-scheme") {
            ColorScheme::Dark
        } else {
            ColorScheme::Light
        };
        let config = DocumentConfig {
            viewport: Some(viewport(options, 600, scheme)),
            base_url: Some(BASE_URL.to_owned()),
            net_provider: Some(Arc::clone(&resources) as Arc<dyn NetProvider>),
            ua_stylesheets: vec![
                UserAgentStylesheet::default_sheet(),
                UserAgentStylesheet::parse(MAIL_CSS),
            ],
            ..DocumentConfig::default()
        };
        let mut doc = BaseDocument::new(config);
        {
            let mut mutator = doc.mutate();
            let sink = DocumentHtmlParser::new(&mut mutator);
            // Always the HTML parser: the engine's own sniffing sends XHTML
            // doctypes to the XML parser, which loses the text of real
            // newsletters.
            let opts = ParseOpts {
                tree_builder: TreeBuilderOpts {
                    scripting_enabled: false,
                    drop_doctype: true,
                    ..TreeBuilderOpts::default()
                },
                ..ParseOpts::default()
            };
            let _ = html5ever::parse_document(sink, opts)
                .from_utf8()
                .read_from(&mut html.as_bytes());
        }
        legacy::apply(&mut doc);
        doc.resolve(0.0);
        resources.wait_idle(Instant::now() + REMOTE_WAIT);
        // A second pass takes in what arrived since: background images,
        // and remote content when it is allowed.
        doc.resolve(0.0);
        let (options, height) = settle(&mut doc, options, scheme);
        Self {
            doc,
            resources,
            options,
            height,
        }
    }

    /// Lays the page out again at another width (the reader pane was
    /// resized); no resource is fetched again.
    pub fn relayout(&mut self, width: u32) -> Result<(), Error> {
        let options = Options {
            width,
            ..self.options
        };
        let scheme = self.doc.viewport().color_scheme;
        let doc = &mut self.doc;
        let (options, height) = catch_unwind(AssertUnwindSafe(|| {
            // Measure at a short viewport first so the height is the
            // content's own, not the previous viewport's.
            doc.set_viewport(viewport(options, 600, scheme));
            doc.resolve(0.0);
            settle(doc, options, scheme)
        }))
        .map_err(|panic| Error::Engine(panic_text(&panic)))?;
        self.options = options;
        self.height = height;
        Ok(())
    }

    /// In CSS pixels: the width asked for, or the page's own when it is
    /// wider (a 600 px newsletter table in a 480 px pane). Never clipped:
    /// the reader scales or scrolls what is wider than its pane.
    pub fn width(&self) -> u32 {
        self.options.width
    }

    /// In CSS pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    pub fn options(&self) -> Options {
        self.options
    }

    /// Remote URLs the message asked for and did not get.
    pub fn blocked_remote(&self) -> Vec<String> {
        self.resources.blocked()
    }

    /// Remote URLs that were fetched because the user allowed it.
    pub fn fetched_remote(&self) -> Vec<String> {
        self.resources.fetched()
    }

    /// Paints the rows `top..top + rows` (CSS pixels) at the page's scale.
    pub fn paint(&mut self, top: u32, rows: u32) -> Result<Bitmap, Error> {
        let scale = f64::from(self.options.scale);
        let width = device(self.options.width, self.options.scale);
        let height = device(rows, self.options.scale).clamp(1, u32::from(u16::MAX));
        let y = device(top, self.options.scale);
        let doc = &mut self.doc;
        let rgba = catch_unwind(AssertUnwindSafe(|| {
            anyrender::render_to_buffer::<VelloCpuImageRenderer, _>(
                |scene| blitz_paint::paint_scene(scene, doc, scale, width, height, 0, y),
                width,
                height,
            )
        }))
        .map_err(|panic| Error::Engine(panic_text(&panic)))?;
        Ok(Bitmap {
            width,
            height,
            rgba: over_white(rgba),
        })
    }

    /// The whole page in one bitmap (for `postel render`).
    pub fn paint_all(&mut self) -> Result<Bitmap, Error> {
        self.paint(0, self.height)
    }

    /// The target of the link at `(x, y)` (CSS pixels on the page), if it
    /// is one the reader may open: http, https or mailto.
    pub fn link_at(&self, x: f32, y: f32) -> Option<String> {
        let hit = self.doc.hit(x, y)?;
        let mut node = self.doc.get_node(hit.node_id);
        while let Some(n) = node {
            if n.data.is_element_with_tag_name(&LocalName::from("a"))
                && let Some(href) = n.attr(LocalName::from("href"))
            {
                let href = href.trim();
                let lower = href.to_ascii_lowercase();
                return ["http://", "https://", "mailto:"]
                    .iter()
                    .any(|s| lower.starts_with(s))
                    .then(|| href.to_owned());
            }
            node = n.parent.and_then(|p| self.doc.get_node(p));
        }
        None
    }

    /// Selects the text between two points (CSS pixels on the page) and
    /// returns it; the selection is drawn by the next [`Page::paint`].
    pub fn select(&mut self, from: (f32, f32), to: (f32, f32)) -> Option<String> {
        let anchor = self.doc.find_text_position(from.0, from.1);
        let focus = self.doc.find_text_position(to.0, to.1);
        match (anchor, focus) {
            (Some((a, ao)), Some((f, fo))) => {
                self.doc.set_text_selection(a, ao, f, fo);
                self.doc.get_selected_text()
            }
            _ => {
                self.doc.clear_text_selection();
                None
            }
        }
    }
}

/// What the reader lays out for a message: its HTML body, or its plain
/// text as a page of its own (wrapped, links left as written).
pub fn html_of(message: &postel_core::message::Message) -> String {
    if let Some(html) = &message.html {
        return html.clone();
    }
    let text = message.text.as_deref().unwrap_or_default();
    let mut escaped = String::with_capacity(text.len() + 100);
    escaped.push_str("<pre style=\"font-family: sans-serif; margin: 8px\">");
    for c in text.chars() {
        match c {
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '&' => escaped.push_str("&amp;"),
            c => escaped.push(c),
        }
    }
    escaped.push_str("</pre>");
    escaped
}

fn viewport(options: Options, height: u32, scheme: ColorScheme) -> Viewport {
    Viewport::new(
        device(options.width, options.scale),
        device(height.max(1), options.scale),
        options.scale,
        scheme,
    )
}

fn device(css: u32, scale: f32) -> u32 {
    (css as f32 * scale).ceil() as u32
}

/// The widest a page is laid out when its content is wider than asked
/// (a fixed-width table): past this it is cut, as a hostile message could
/// ask for any width.
pub const MAX_WIDTH: u32 = 2_400;

/// Lays the document out over its whole height; when its content is wider
/// than the width asked for, again at the content's width, so nothing
/// lies outside what is painted. Returns the options used and the height.
fn settle(doc: &mut BaseDocument, options: Options, scheme: ColorScheme) -> (Options, u32) {
    let mut options = options;
    let wide = content_width(doc);
    if wide > options.width {
        options.width = wide.min(MAX_WIDTH);
        doc.set_viewport(viewport(options, 600, scheme));
        doc.resolve(0.0);
    }
    let height = content_height(doc);
    // The viewport spans the whole page so hit tests and painting work in
    // page coordinates.
    doc.set_viewport(viewport(options, height, scheme));
    doc.resolve(0.0);
    (options, content_height(doc))
}

/// The browser's default margin around a page's body: a page widened to
/// its content keeps it on the right as on the left.
const BODY_MARGIN: f32 = 8.0;

/// The page's width including what overflows it to the right.
fn content_width(doc: &BaseDocument) -> u32 {
    let layout = doc.root_element().final_layout();
    let overflow = layout.scroll_width();
    let width = if overflow > 0.0 {
        layout.size.width + overflow + BODY_MARGIN
    } else {
        layout.size.width
    };
    width.ceil().max(1.0) as u32
}

fn content_height(doc: &BaseDocument) -> u32 {
    let height = doc.root_element().final_layout().size.height;
    (height.ceil().max(1.0) as u32).min(MAX_HEIGHT)
}

/// The engine leaves unpainted areas transparent (premultiplied); the
/// reader shows mail on white, as a browser does.
fn over_white(mut rgba: Vec<u8>) -> Vec<u8> {
    for px in rgba.chunks_exact_mut(4) {
        let transparent = 255 - px[3];
        if transparent > 0 {
            for c in &mut px[..3] {
                *c = c.saturating_add(transparent);
            }
            px[3] = 255;
        }
    }
    rgba
}

fn panic_text(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "the layout engine failed".to_owned())
}

#[cfg(test)]
mod tests;
