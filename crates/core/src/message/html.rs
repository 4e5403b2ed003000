//! HTML bodies: made safe to show, turned into text, checked for remote
//! content.
//!
//! Postel renders mail itself and runs no script, but the sanitiser is
//! written as if a browser engine sat behind it: whatever survives here
//! must be harmless anywhere.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::LazyLock;

mod depth;

pub use depth::MAX_DEPTH;

use ammonia::{Builder, UrlRelative};
use html2text::config::Config;
use html2text::render::TextDecorator;

/// Tags kept beyond ammonia's defaults: the table-era markup that
/// newsletters still lay out with.
const EXTRA_TAGS: &[&str] = &[
    "font", "big", "tfoot", "section", "main", "address", "center",
];

/// Presentational attributes allowed on every kept tag. `style` is kept too;
/// its properties are filtered by [`STYLE_PROPERTIES`].
/// `class` and `id` stay because a message's own style sheet selects by
/// them; neither can do anything else.
const GENERIC_ATTRIBUTES: &[&str] = &[
    "style", "dir", "lang", "title", "align", "valign", "bgcolor", "width", "height", "class", "id",
];

const TAG_ATTRIBUTES: &[(&str, &[&str])] = &[
    (
        "table",
        &["border", "cellpadding", "cellspacing", "background"],
    ),
    ("td", &["background", "nowrap"]),
    ("th", &["background", "nowrap"]),
    ("img", &["border", "hspace", "vspace", "srcset"]),
    ("font", &["color", "face", "size"]),
    ("hr", &["noshade", "color"]),
    ("ol", &["type"]),
    ("ul", &["type"]),
    ("li", &["value"]),
];

/// Removed with everything inside them, not just unwrapped: their content is
/// code, a document title, or fallback for active content that is dropped.
const DROPPED_WITH_CONTENT: &[&str] = &[
    "title", "iframe", "noembed", "noframes", "textarea", "select", "button",
];

/// CSS properties that shape layout and typography. Positioning is left out
/// so a message cannot cover the reader's own interface.
const STYLE_PROPERTIES: &[&str] = &[
    "background",
    "background-color",
    "background-image",
    "background-position",
    "background-repeat",
    "background-size",
    "border",
    "border-bottom",
    "border-bottom-color",
    "border-bottom-style",
    "border-bottom-width",
    "border-collapse",
    "border-color",
    "border-left",
    "border-left-color",
    "border-left-style",
    "border-left-width",
    "border-radius",
    "border-right",
    "border-right-color",
    "border-right-style",
    "border-right-width",
    "border-spacing",
    "border-style",
    "border-top",
    "border-top-color",
    "border-top-style",
    "border-top-width",
    "border-width",
    "clear",
    "color",
    "direction",
    "display",
    "float",
    "font",
    "font-family",
    "font-size",
    "font-style",
    "font-variant",
    "font-weight",
    "height",
    "letter-spacing",
    "line-height",
    "list-style",
    "list-style-type",
    "margin",
    "margin-bottom",
    "margin-left",
    "margin-right",
    "margin-top",
    "max-height",
    "max-width",
    "min-height",
    "min-width",
    "overflow",
    "padding",
    "padding-bottom",
    "padding-left",
    "padding-right",
    "padding-top",
    "table-layout",
    "text-align",
    "text-decoration",
    "text-indent",
    "text-transform",
    "vertical-align",
    "visibility",
    "white-space",
    "width",
    "word-break",
    "word-spacing",
    "word-wrap",
    "overflow-wrap",
];

static SANITIZER: LazyLock<Builder<'static>> = LazyLock::new(sanitizer);

fn sanitizer() -> Builder<'static> {
    let mut builder = Builder::default();
    builder
        .add_tags(EXTRA_TAGS)
        .add_clean_content_tags(DROPPED_WITH_CONTENT)
        .add_generic_attributes(GENERIC_ATTRIBUTES)
        .url_schemes(["http", "https", "mailto", "cid", "data"].into())
        .url_relative(UrlRelative::Custom(Box::new(resolve_relative)))
        .filter_style_properties(STYLE_PROPERTIES.iter().copied().collect::<HashSet<_>>())
        .attribute_filter(filter_attribute);
    for (tag, attributes) in TAG_ATTRIBUTES {
        builder.add_tag_attributes(tag, *attributes);
    }
    builder
}

/// Makes an HTML body safe to display: no script, event handlers, forms,
/// frames, plugins, `<style>`, `<meta>` refresh or `<base>`; links limited to
/// http, https, mailto and cid, and `data:` only for images. Table layout,
/// presentational attributes and inline styles stay. Remote image URLs are
/// kept as they are so the reader can block them until the user allows.
pub fn sanitize(html: &str) -> String {
    let clean = SANITIZER.clean(&depth::bound_raw(html)).to_string();
    depth::flatten(&clean).into_owned()
}

/// [`sanitize`], but keeping `<style>` sheets, for Postel's own layout
/// engine: there a style sheet can do no harm, because every URL it names
/// goes through the reader's resource filter, which blocks remote content.
/// Not for any other viewer.
pub fn sanitize_for_layout(html: &str) -> String {
    let mut out = String::new();
    for sheet in style_sheets(html) {
        // No `<` in CSS outside strings and comments; dropping it means the
        // sheet cannot close its element and start markup.
        out.push_str("<style>");
        out.extend(sheet.chars().filter(|c| *c != '<'));
        out.push_str("</style>\n");
    }
    out.push_str(&body_tag(html));
    out.push_str(&sanitize(html));
    out
}

/// The message's `<body>` start tag with its attributes sanitised like any
/// element's: page colours and margins live there, and the sanitiser
/// itself only returns the body's content.
fn body_tag(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    let Some(start) = lower.match_indices("<body").map(|(i, _)| i).find(|&i| {
        lower[i + 5..].starts_with(|c: char| c == '>' || c == '/' || c.is_ascii_whitespace())
    }) else {
        return String::new();
    };
    let Some(end) = lower[start..].find('>').map(|i| start + i) else {
        return String::new();
    };
    let attributes = &html[start + 5..end];
    // The same filter as every other element, through a stand-in element
    // that keeps the generic attributes.
    let clean = SANITIZER
        .clean(&format!("<div{attributes}></div>"))
        .to_string();
    match clean
        .strip_prefix("<div")
        .and_then(|c| c.strip_suffix("></div>"))
    {
        Some(attributes) => format!("<body{attributes}>"),
        None => String::new(),
    }
}

/// The contents of the `<style>` elements, found as an HTML tokenizer finds
/// them (the text up to the next `</style`). A false find, such as one in
/// a comment, only adds rules, which cannot load or run anything here.
fn style_sheets(html: &str) -> Vec<&str> {
    let lower = html.to_ascii_lowercase();
    let mut sheets = Vec::new();
    let mut at = 0;
    while let Some(start) = lower[at..].find("<style").map(|i| at + i) {
        let after_name = start + "<style".len();
        if !lower[after_name..].starts_with(|c: char| c == '>' || c.is_ascii_whitespace()) {
            at = after_name;
            continue;
        }
        let Some(open_end) = lower[after_name..].find('>').map(|i| after_name + i + 1) else {
            break;
        };
        let close = lower[open_end..]
            .find("</style")
            .map_or(html.len(), |i| open_end + i);
        sheets.push(&html[open_end..close]);
        at = close;
    }
    sheets
}

/// Relative URLs mean nothing in a message, except protocol-relative ones,
/// which would load over whatever scheme the viewer uses: pin them to https
/// so they are recognisably remote.
fn resolve_relative(url: &str) -> Option<Cow<'_, str>> {
    if url.starts_with("//") {
        Some(Cow::Owned(format!("https:{url}")))
    } else if url.starts_with('#') {
        Some(Cow::Borrowed(url))
    } else {
        None
    }
}

/// ammonia checks the schemes of `src` and `href` only; `background` and
/// `srcset` load images too, and `data:` must stay limited to images.
fn filter_attribute<'u>(element: &str, attribute: &str, value: &'u str) -> Option<Cow<'u, str>> {
    match attribute {
        "href" if has_scheme(value, "data:") => None,
        "src" if has_scheme(value, "data:") => {
            (element == "img" && has_scheme(value, "data:image/")).then_some(Cow::Borrowed(value))
        }
        "background" => image_url(value),
        "srcset" => {
            let candidates: Option<Vec<String>> = value
                .split(',')
                .map(|candidate| {
                    let candidate = candidate.trim();
                    let (url, descriptor) = candidate
                        .split_once(char::is_whitespace)
                        .unwrap_or((candidate, ""));
                    let url = image_url(url)?;
                    Some(format!("{url} {}", descriptor.trim()).trim_end().to_owned())
                })
                .collect();
            candidates.map(|c| Cow::Owned(c.join(", ")))
        }
        _ => Some(Cow::Borrowed(value)),
    }
}

/// An image URL that may stay: remote (http, https, or protocol-relative
/// made https), a `cid:` part of the message, or inline image data.
fn image_url(url: &str) -> Option<Cow<'_, str>> {
    let url = url.trim();
    if url.starts_with("//") {
        Some(Cow::Owned(format!("https:{url}")))
    } else if ["http://", "https://", "cid:", "data:image/"]
        .iter()
        .any(|scheme| has_scheme(url, scheme))
    {
        Some(Cow::Borrowed(url))
    } else {
        None
    }
}

/// Case-insensitive prefix test that ignores the leading whitespace and
/// control characters a URL parser would skip.
fn has_scheme(url: &str, prefix: &str) -> bool {
    let url = url.trim_start_matches(|c: char| c <= ' ');
    url.get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
}

/// Renders HTML as plain text wrapped to `width` columns, links listed as
/// numbered references, no terminal colours. The HTML is sanitised first, so
/// the text matches what the reader would show.
pub fn to_text(html: &str, width: usize) -> String {
    render_text(html2text::config::plain(), html, width)
}

/// The words of an HTML body without link references, emphasis marks or
/// headings, for previews and the search index. Quotes keep their `> ` so
/// a preview can skip them as it does in plain text.
pub(crate) fn to_plain_text(html: &str) -> String {
    render_text(
        html2text::config::with_decorator(WordsDecorator),
        html,
        // Wide, so words are rarely split; quoted lines keep their `> `
        // when wrapped anyway.
        1_000,
    )
}

fn render_text<D: TextDecorator>(config: Config<D>, html: &str, width: usize) -> String {
    let clean = sanitize(html);
    // Newsletters lay out with tables; their borders would only add noise.
    let rendered = config
        .no_table_borders()
        .allow_width_overflow()
        .string_from_read(clean.as_bytes(), width.max(1));
    match rendered {
        Ok(text) => tidy_lines(&text),
        Err(error) => {
            tracing::warn!(%error, "could not render an HTML body as text");
            String::new()
        }
    }
}

/// Drops the padding html2text puts after table cells and squeezes the
/// blank lines left where layout cells were empty.
fn tidy_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_run = 0;
    for line in text.lines().map(str::trim_end) {
        if line.is_empty() {
            blank_run += 1;
            if blank_run > 1 || out.is_empty() {
                continue;
            }
        } else {
            blank_run = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    let end = out.trim_end().len();
    out.truncate(end);
    out.push('\n');
    if out == "\n" { String::new() } else { out }
}

/// Plain words: no markup around links, emphasis, images or headings, but
/// quote markers kept.
#[derive(Clone, Copy)]
struct WordsDecorator;

impl TextDecorator for WordsDecorator {
    type Annotation = ();

    fn decorate_link_start(&mut self, _url: &str) -> (String, ()) {
        (String::new(), ())
    }
    fn decorate_link_end(&mut self) -> String {
        String::new()
    }
    fn decorate_em_start(&self) -> (String, ()) {
        (String::new(), ())
    }
    fn decorate_em_end(&self) -> String {
        String::new()
    }
    fn decorate_strong_start(&self) -> (String, ()) {
        (String::new(), ())
    }
    fn decorate_strong_end(&self) -> String {
        String::new()
    }
    fn decorate_strikeout_start(&self) -> (String, ()) {
        (String::new(), ())
    }
    fn decorate_strikeout_end(&self) -> String {
        String::new()
    }
    fn decorate_code_start(&self) -> (String, ()) {
        (String::new(), ())
    }
    fn decorate_code_end(&self) -> String {
        String::new()
    }
    fn decorate_preformat_first(&self) {}
    fn decorate_preformat_cont(&self) {}
    fn decorate_image(&mut self, _src: &str, _title: &str) -> (String, ()) {
        (String::new(), ())
    }
    fn header_prefix(&self, _level: usize) -> String {
        String::new()
    }
    fn quote_prefix(&self) -> String {
        "> ".to_owned()
    }
    fn unordered_item_prefix(&self) -> String {
        String::new()
    }
    fn ordered_item_prefix(&self, _i: i64) -> String {
        String::new()
    }
    fn make_subblock_decorator(&self) -> Self {
        *self
    }
}

/// Whether showing the HTML would fetch anything from the network: an http
/// or https URL in an image source, `background`, `srcset`, or a CSS
/// `url()`. Judged on what [`sanitize`] keeps, so raw and sanitised HTML
/// give the same answer. Links are not counted; they load only when clicked.
pub fn has_remote_content(html: &str) -> bool {
    let clean = sanitize(html);
    let Ok(dom) = html2text::config::plain().parse_html(clean.as_bytes()) else {
        // Unreadable after sanitising: assume the worst so nothing loads.
        return true;
    };
    // Walk with clones while `dom` keeps the tree alive: dropping a node
    // detaches its descendants even if they are still referenced.
    let mut stack = vec![dom.document.clone()];
    while let Some(node) = stack.pop() {
        if let html2text::Element { attrs, .. } = &node.data {
            let remote = attrs.borrow().iter().any(|attr| {
                let value: &str = &attr.value;
                match &*attr.name.local {
                    "src" | "background" => is_remote(value),
                    "srcset" => value
                        .split(',')
                        .any(|c| is_remote(c.split_whitespace().next().unwrap_or(""))),
                    "style" => css_has_remote_url(value),
                    _ => false,
                }
            });
            if remote {
                return true;
            }
        }
        stack.extend(node.children.borrow().iter().cloned());
    }
    false
}

fn is_remote(url: &str) -> bool {
    has_scheme(url, "http://") || has_scheme(url, "https://") || url.trim().starts_with("//")
}

fn css_has_remote_url(css: &str) -> bool {
    let lower = css.to_ascii_lowercase();
    // Any absolute URL counts, not only url(): image-set() takes bare strings.
    ["http://", "https://", "\"//", "'//", "(//"]
        .iter()
        .any(|p| lower.contains(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn newsletter_html() -> String {
        let raw = include_bytes!("../../../../tests/fixtures/newsletter.eml");
        match crate::message::parse(raw) {
            Ok(msg) => msg.html.unwrap_or_default(),
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn layout_keeps_style_sheets_but_not_their_escape_routes() {
        let html = "<STYLE type=text/css>p{color:red}</STYLE><styles>x</styles>\
                    <style>a{b:c}</style><script>bad()</script>\
                    <style>x{}</style><img src=x onerror=bad()><p>hi</p>";
        assert_eq!(style_sheets(html), vec!["p{color:red}", "a{b:c}", "x{}"]);
        let out = sanitize_for_layout(html);
        assert!(out.starts_with("<style>p{color:red}</style>"), "{out}");
        assert!(!out.contains("script") && !out.contains("onerror"), "{out}");
        assert!(out.contains("<p>hi</p>"), "{out}");
        // A sheet cannot end its element early.
        let out = sanitize_for_layout("<style>p{}</style><script>x()</script></style>");
        assert_eq!(style_sheets("<style>p{}</style>"), vec!["p{}"]);
        assert!(!out.contains("<script"), "{out}");
        let out = sanitize_for_layout(
            "<body bgcolor=\"#eee\" onload=\"x()\" style=\"margin:0;position:fixed\"><p>a</p></body>",
        );
        assert!(
            out.starts_with("<body bgcolor=\"#eee\" style=\"margin:0\">"),
            "{out}"
        );
        let out = sanitize_for_layout("<style>a{content:\"</sty\"}</style>");
        assert!(!out.contains("</sty\""), "{out}");
    }

    #[test]
    fn newsletter_loses_active_content() {
        let raw = newsletter_html();
        // The fixture really carries what must go.
        for bad in [
            "<script",
            "onclick",
            "<form",
            "http-equiv",
            "<base",
            "javascript:",
        ] {
            assert!(raw.contains(bad), "fixture lacks {bad}");
        }
        let clean = sanitize(&raw);
        for bad in [
            "<script",
            "document.cookie",
            "track.js",
            "onload",
            "onclick",
            "onmouseover",
            "<form",
            "<input",
            "<button",
            "Anmelden",
            "<meta",
            "refresh",
            "<base",
            "<iframe",
            "<object",
            "<embed",
            "<style",
            "example/bg.png",
            "<title",
            "Frühjahrs-Newsletter",
            "javascript:",
            "evil.example",
            "position",
        ] {
            assert!(!clean.contains(bad), "{bad} survived:\n{clean}");
        }
    }

    #[test]
    fn newsletter_keeps_layout_text_and_remote_images() {
        let clean = sanitize(&newsletter_html());
        for kept in [
            r##"<table width="600" align="center" cellpadding="0" cellspacing="0" border="0" bgcolor="#ffffff" style="border-collapse:collapse;"##,
            r#"<td valign="top" align="left" style="padding:20px;color:#333333">"#,
            "<h1>Frühlingsangebote</h1>",
            r#"<img src="https://cdn.news.example/hero.jpg" width="560" height="200" alt="Blühende Wiese">"#,
            r#"<a href="https://shop.news.example/garten?utm=nl" rel="noopener noreferrer">jetzt stöbern</a>"#,
            r#"<td background="https://cdn.news.example/footer-bg.png" style="background-image:url(&quot;https://cdn.news.example/footer.png&quot;)">"#,
            r#"<img src="https://track.news.example/open.gif?u=4711" width="1" height="1" alt="">"#,
        ] {
            assert!(clean.contains(kept), "lost {kept}:\n{clean}");
        }
        // The script link keeps its text but not its target.
        assert!(
            clean.contains(r#"<a rel="noopener noreferrer">Gewinnspiel</a>"#),
            "{clean}"
        );
    }

    #[test]
    fn sanitizing_twice_changes_nothing() {
        let once = sanitize(&newsletter_html());
        assert_eq!(sanitize(&once), once);
    }

    #[test]
    fn data_urls_only_for_images() {
        assert_eq!(
            sanitize(r#"<img src="data:image/png;base64,iVBORw0KGgo=" alt="x">"#),
            r#"<img src="data:image/png;base64,iVBORw0KGgo=" alt="x">"#
        );
        assert_eq!(
            sanitize(r#"<img src="data:text/html;base64,PHNjcmlwdD4=">"#),
            "<img>"
        );
        assert_eq!(
            sanitize(r#"<a href="data:text/html,<script>alert(1)</script>">x</a>"#),
            r#"<a rel="noopener noreferrer">x</a>"#
        );
        assert_eq!(
            sanitize(r#"<a href=" DATA:text/html,x">x</a>"#),
            r#"<a rel="noopener noreferrer">x</a>"#
        );
    }

    #[test]
    fn url_schemes_and_relative_urls() {
        assert_eq!(
            sanitize(r#"<a href="mailto:a@example.org">m</a><a href="ftp://x/">f</a>"#),
            r#"<a href="mailto:a@example.org" rel="noopener noreferrer">m</a><a rel="noopener noreferrer">f</a>"#
        );
        // Protocol-relative URLs become https so they are seen as remote;
        // other relative URLs lead nowhere in a message and are dropped.
        assert_eq!(
            sanitize(
                r##"<img src="//t.example/p.gif"><img src="images/a.png"><a href="#top">t</a>"##
            ),
            r##"<img src="https://t.example/p.gif"><img><a href="#top" rel="noopener noreferrer">t</a>"##
        );
        assert_eq!(
            sanitize(
                r#"<table background="javascript:alert(1)"><tr><td background="//cdn.example/b.png">x</td></tr></table>"#
            ),
            r#"<table><tbody><tr><td background="https://cdn.example/b.png">x</td></tr></tbody></table>"#
        );
    }

    #[test]
    fn srcset_candidates_are_checked() {
        assert_eq!(
            sanitize(r#"<img srcset="https://x.example/a.png 1x, //x.example/b.png 2x">"#),
            r#"<img srcset="https://x.example/a.png 1x, https://x.example/b.png 2x">"#
        );
        assert_eq!(
            sanitize(r#"<img srcset="https://x.example/a.png 1x, javascript:alert(1) 2x">"#),
            "<img>"
        );
    }

    #[test]
    fn remote_content_is_detected() {
        assert!(has_remote_content(&newsletter_html()));
        for remote in [
            r#"<img src="https://x.example/a.png">"#,
            r#"<img src="HTTP://x.example/a.png">"#,
            r#"<img src="//x.example/a.png">"#,
            r#"<img srcset="cid:a 1x, https://x.example/b.png 2x">"#,
            r#"<table><tr><td background="http://x.example/bg.png">x</td></tr></table>"#,
            r#"<div style="background-image: url( 'https://x.example/bg.png' )">x</div>"#,
            r#"<p style="background:url(http://x.example/bg.png) no-repeat">x</p>"#,
            r#"<p style="background-image: image-set('https://x.example/a.png' 1x)">x</p>"#,
        ] {
            assert!(has_remote_content(remote), "{remote}");
        }
        for local in [
            r#"<p>Visit <a href="https://x.example/">us</a>, https://x.example/</p>"#,
            r#"<img src="cid:logo@x.example"><img src="data:image/gif;base64,R0lGOD=">"#,
            r#"<script src="https://x.example/t.js"></script>"#,
            r#"<link rel="stylesheet" href="https://x.example/s.css">"#,
            r#"<style>p { background: url(https://x.example/bg.png) }</style><p>x</p>"#,
            r#"<p style="position: url(https://x.example/p.png)">x</p>"#,
            "",
        ] {
            assert!(!has_remote_content(local), "{local}");
        }
    }

    #[test]
    fn newsletter_as_text() {
        let text = to_text(&newsletter_html(), 60);
        assert_eq!(
            text,
            "# Frühlingsangebote\n\
             \n\
             [Blühende Wiese]\n\
             \n\
             Alles für den Garten: [jetzt stöbern][1].\n\
             \n\
             Gewinnspiel\n\
             [Abmelden][2]\n\
             \n\
             [1]: https://shop.news.example/garten?utm=nl\n\
             [2]: https://news.example/abmelden\n"
        );
    }

    #[test]
    fn text_is_wrapped_and_plain() {
        let html = "<p><b>Wichtig:</b> Dieser Absatz ist so lang, dass er auf jeden Fall \
                    umbrochen werden muss, wenn die Breite nur dreißig Zeichen beträgt.</p>\
                    <blockquote>zitiert</blockquote>";
        let text = to_text(html, 30);
        assert!(text.lines().count() > 3, "{text}");
        assert!(text.lines().all(|l| l.chars().count() <= 30), "{text}");
        assert!(text.contains("**Wichtig:**"), "{text}");
        assert!(text.contains("> zitiert"), "{text}");
        assert!(!text.contains('\x1b'), "{text}");
        assert_eq!(to_text("", 80), "");
        assert_eq!(to_text("<p>x</p>", 0), "x\n");
    }

    #[test]
    fn plain_text_has_words_only() {
        assert_eq!(
            to_plain_text(
                r#"<h1>Title</h1><p>A <a href="https://x.example/">link</a> and <img src="cid:a" alt="logo"> <em>words</em></p><blockquote>old</blockquote>"#
            ),
            "Title\n\nA link and words\n\n> old\n"
        );
    }
}
