//! The engine for real: fonts from the system, pixels checked where the
//! message put them, and a local HTTP server that counts what reaches it.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use super::*;

fn png(width: u32, height: u32, rgb: [u8; 3]) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(width, height, image::Rgb(rgb));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .expect("test step");
    out.into_inner()
}

fn pixel(bitmap: &Bitmap, x: u32, y: u32) -> [u8; 3] {
    let i = ((y * bitmap.width + x) * 4) as usize;
    [bitmap.rgba[i], bitmap.rgba[i + 1], bitmap.rgba[i + 2]]
}

fn layout(html: &str, resources: Resources) -> Page {
    match Page::layout(html, resources, Options::default()) {
        Ok(page) => page,
        Err(e) => panic!("{e}"),
    }
}

fn eml_with_cid_image(html: &str, cid: &str, image: &[u8]) -> Vec<u8> {
    use base64::Engine as _;
    let data = base64::engine::general_purpose::STANDARD.encode(image);
    format!(
        "From: a@example.org\r\nTo: b@example.org\r\nSubject: cid\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/related; boundary=\"b\"\r\n\r\n--b\r\n\
         Content-Type: text/html; charset=utf-8\r\n\r\n{html}\r\n--b\r\n\
         Content-Type: image/png\r\nContent-ID: <{cid}>\r\nContent-Transfer-Encoding: base64\r\n\r\n\
         {data}\r\n--b--\r\n"
    )
    .into_bytes()
}

#[test]
fn inline_images_come_from_the_message_and_data_uris() {
    let raw = eml_with_cid_image(
        "<body style=\"margin:0\"><img src=\"cid:Red@Example\" width=40 height=40 style=\"display:block\">\
         <img src=\"data:image/png;base64,DATA\" width=40 height=40 style=\"display:block\"></body>",
        "red@example",
        &png(4, 4, [255, 0, 0]),
    );
    let blue = {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(png(4, 4, [0, 0, 255]))
    };
    let raw = String::from_utf8(raw)
        .expect("test step")
        .replace("DATA", &blue);
    let msg = postel_core::message::parse(raw.as_bytes()).expect("test step");
    let resources = Resources::from_message(&msg, raw.as_bytes());
    let mut page = layout(&html_of(&msg), resources);
    let bitmap = page.paint_all().expect("test step");
    assert_eq!(pixel(&bitmap, 20, 20), [255, 0, 0], "cid: image");
    assert_eq!(pixel(&bitmap, 20, 60), [0, 0, 255], "data: image");
    assert_eq!(pixel(&bitmap, 100, 20), [255, 255, 255], "page background");
    assert!(page.blocked_remote().is_empty());
}

#[test]
fn legacy_table_attributes_and_colours_are_laid_out() {
    let mut page = layout(
        "<body style=\"margin:0\"><table width=\"400\" align=\"center\" cellpadding=\"10\" \
         cellspacing=\"0\" bgcolor=\"#00ff00\"><tr><td height=\"50\">&nbsp;</td></tr></table></body>",
        Resources::none(),
    );
    let bitmap = page.paint_all().expect("test step");
    // Centred in 800 px: green from 200 to 600.
    assert_eq!(pixel(&bitmap, 210, 20), [0, 255, 0]);
    assert_eq!(pixel(&bitmap, 590, 20), [0, 255, 0]);
    assert_eq!(pixel(&bitmap, 150, 20), [255, 255, 255]);
    assert_eq!(pixel(&bitmap, 650, 20), [255, 255, 255]);
    assert!(page.height() >= 50, "{}", page.height());
}

#[test]
fn links_are_found_under_the_pointer_and_only_safe_ones_offered() {
    let page = layout(
        "<body style=\"margin:0;font-size:20px\">\
         <p style=\"margin:0;height:40px\"><a href=\"https://example.org/real\">\
         <span>a link with words</span></a></p>\
         <p style=\"margin:0;height:40px\"><a href=\"javascript:alert(1)\">script</a></p>\
         <p style=\"margin:0;height:40px\">no link</p></body>",
        Resources::none(),
    );
    assert_eq!(
        page.link_at(10.0, 10.0).as_deref(),
        Some("https://example.org/real")
    );
    assert_eq!(page.link_at(10.0, 50.0), None, "javascript: is dropped");
    assert_eq!(page.link_at(10.0, 90.0), None);
}

#[test]
fn dark_mode_applies_only_to_mail_that_styles_itself_for_it() {
    let themed = "<style>body{background:#fff;color:#000}\
                  @media (prefers-color-scheme: dark){body{background:#000000;color:#fff}}</style>\
                  <body style=\"height:100px\">text</body>";
    let plain = "<body style=\"height:100px\">text</body>";
    let dark = Options {
        dark: true,
        ..Options::default()
    };
    let mut themed_page = Page::layout(themed, Resources::none(), dark).expect("test step");
    let mut plain_page = Page::layout(plain, Resources::none(), dark).expect("test step");
    assert_eq!(
        pixel(&themed_page.paint_all().expect("test step"), 400, 50),
        [0, 0, 0]
    );
    assert_eq!(
        pixel(&plain_page.paint_all().expect("test step"), 400, 50),
        [255, 255, 255]
    );
}

#[test]
fn text_can_be_selected_and_copied() {
    let mut page = layout(
        "<body style=\"margin:0;font-size:20px\"><p style=\"margin:0\">Hello selectable world</p></body>",
        Resources::none(),
    );
    let text = page.select((0.0, 10.0), (400.0, 10.0)).unwrap_or_default();
    assert!(text.contains("Hello selectable"), "{text:?}");
}

#[test]
fn a_page_wider_than_asked_is_laid_out_at_its_own_width() {
    // A newsletter's fixed 600 px table in a 480 px pane: the table's
    // right edge is painted, not cut off.
    let html = r#"<table width="600" cellpadding="0" cellspacing="0"><tr>
        <td style="background:#ff0000;width:540px;height:40px"></td>
        <td style="background:#0000ff;width:60px;height:40px"></td></tr></table>"#;
    let options = Options {
        width: 480,
        ..Options::default()
    };
    let mut page = Page::layout(html, Resources::none(), options).expect("laid out");
    assert!(page.width() >= 600, "widened to {}", page.width());
    let bitmap = page.paint_all().expect("painted");
    let right = pixel(&bitmap, 590, 20);
    assert!(
        right[2] > 200 && right[0] < 60,
        "the blue cell is there: {right:?}"
    );
    // A page that fits keeps the width asked for.
    let narrow = Page::layout("<p>short</p>", Resources::none(), options).expect("laid out");
    assert_eq!(narrow.width(), 480);
    // A hostile width is cut.
    let huge = Page::layout(
        r#"<div style="width:100000px">x</div>"#,
        Resources::none(),
        options,
    )
    .expect("laid out");
    assert_eq!(huge.width(), MAX_WIDTH);
}

#[test]
fn relayout_at_a_narrower_width_makes_the_page_taller() {
    let words = "word ".repeat(400);
    let mut page = layout(&format!("<p>{words}</p>"), Resources::none());
    let wide = page.height();
    page.relayout(300).expect("test step");
    assert_eq!(page.width(), 300);
    assert!(page.height() > wide * 2, "{} vs {wide}", page.height());
}

/// A plain HTTP/1.1 server that answers every GET with `body` and counts
/// requests by path.
fn counting_server(body: Vec<u8>) -> (String, Arc<Mutex<HashMap<String, usize>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("test step");
    let base = format!("http://{}", listener.local_addr().expect("test step"));
    let hits = Arc::new(Mutex::new(HashMap::new()));
    let counted = Arc::clone(&hits);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut request_line = String::new();
            let mut reader = BufReader::new(stream.try_clone().expect("test step"));
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
            }
            let path = request_line
                .split_whitespace()
                .nth(1)
                .unwrap_or("")
                .to_owned();
            *counted.lock().expect("test step").entry(path).or_insert(0) += 1;
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(&body);
        }
    });
    (base, hits)
}

#[test]
fn remote_content_is_never_requested_until_allowed_and_then_once() {
    let (base, hits) = counting_server(png(4, 4, [0, 128, 0]));
    let html = format!(
        "<html><head><style>@import url({base}/import.css);\
         @font-face {{ font-family: Tracker; src: url({base}/font.woff2); }}\
         body {{ font-family: Tracker; margin: 0 }}</style>\
         <link rel=stylesheet href=\"{base}/link.css\">\
         <script src=\"{base}/script.js\"></script>\
         <script>new Image().src = '{base}/by-script.gif'</script></head>\
         <body><img src=\"{base}/pixel.png\" width=30 height=30 style=\"display:block\">\
         <div style=\"background-image:url({base}/bg.png);height:10px\"></div>\
         <img src=\"//{host}/protocol-relative.png\"></body></html>",
        host = base.trim_start_matches("http://")
    );
    let mut blocked = layout(&html, Resources::none());
    let bitmap = blocked.paint_all().expect("test step");
    assert!(
        hits.lock().expect("test step").is_empty(),
        "{:?}",
        hits.lock().expect("test step")
    );
    assert_eq!(pixel(&bitmap, 15, 15), [255, 255, 255]);
    let asked = blocked.blocked_remote();
    assert!(
        asked.iter().any(|u| u.ends_with("/pixel.png")),
        "the reader knows what was held back: {asked:?}"
    );
    assert!(asked.iter().all(|u| !u.contains("script")), "{asked:?}");

    let allowed = Resources::none().allow_remote().expect("test step");
    let mut loaded = layout(&html, allowed);
    let bitmap = loaded.paint_all().expect("test step");
    let hits = hits.lock().expect("test step").clone();
    assert_eq!(hits.get("/pixel.png"), Some(&1), "{hits:?}");
    assert_eq!(pixel(&bitmap, 15, 15), [0, 128, 0], "the image is shown");
    assert!(
        !hits.keys().any(|p| p.contains("script")),
        "no script ran: {hits:?}"
    );
    assert!(
        loaded
            .fetched_remote()
            .iter()
            .any(|u| u.ends_with("/pixel.png"))
    );
}

/// What a reader must at least see of each message in the corpus.
const CORPUS: &[(&str, &str)] = &[
    ("alternative.eml", ""),
    ("broken-mime.eml", "Grüße trotz falscher Zeichensatzangabe"),
    ("deep-nesting.eml", "Ganz unten"),
    ("eight-bit-headers.eml", "Körper ohne Zeichensatzangabe"),
    ("flowed-delsp.eml", ""),
    ("forwarded-rfc822.eml", ""),
    ("huge-headers.eml", "Kurzer Text nach langen Kopfzeilen"),
    ("iso-2022-jp.eml", ""),
    ("koi8-r.eml", ""),
    ("latin1-qp.eml", ""),
    ("mixed-attachments.eml", ""),
    ("newsletter.eml", "Frühlingsangebote"),
    ("newsletter-rich.eml", "Touren des Monats"),
    ("newsletter-100k.eml", "Touren des Monats"),
    ("no-body.eml", ""),
    ("personal-reply.eml", "Klingt gut"),
    ("plain-utf8.eml", ""),
    ("receipt.eml", "61,40"),
    ("related-cid.eml", "neue Logo"),
    ("tnef.eml", "meeting notes"),
    ("windows-1252.eml", ""),
];

fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Parse, lay out and paint, as the reader does; the text the reader
/// would fall back to is returned for checking.
fn read_and_paint(raw: &[u8]) -> Option<String> {
    let msg = postel_core::message::parse(raw).ok()?;
    let resources = Resources::from_message(&msg, raw);
    let mut page = Page::layout(&html_of(&msg), resources, Options::default()).ok()?;
    let bitmap = page.paint_all().ok()?;
    assert_eq!(
        bitmap.rgba.len(),
        (bitmap.width * bitmap.height * 4) as usize
    );
    Some(postel_core::message::search_text(&msg))
}

#[test]
fn every_message_of_the_corpus_is_parsed_and_painted() {
    for (name, expected) in CORPUS {
        let text = read_and_paint(&fixture(name)).unwrap_or_else(|| panic!("{name} failed"));
        assert!(text.contains(expected), "{name}: {text:?}");
    }
    let tnef = postel_core::message::parse(&fixture("tnef.eml")).expect("tnef parses");
    assert_eq!(tnef.attachments[0].name.as_deref(), Some("winmail.dat"));
    let headers = postel_core::message::parse(&fixture("huge-headers.eml")).expect("parses");
    assert!(
        headers
            .subject
            .expect("subject")
            .starts_with("Sehr langer Betreff")
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig {
        cases: 48,
        failure_persistence: None,
        ..proptest::prelude::ProptestConfig::default()
    })]

    /// Damaged mail (cut short, bytes overwritten, lines dropped) never
    /// takes the reader down: it is parsed and painted or refused cleanly.
    #[test]
    fn damaged_mail_never_panics(
        which in 0..CORPUS.len(),
        cut in 0.0f64..1.0,
        edits in proptest::collection::vec((0.0f64..1.0, proptest::prelude::any::<u8>()), 0..24),
        drop_line in proptest::option::of(0.0f64..1.0),
    ) {
        let (name, _) = CORPUS[which];
        let mut raw = fixture(name);
        if name == "huge-headers.eml" {
            raw.truncate(20_000);
        }
        for (at, byte) in edits {
            let i = (at * raw.len() as f64) as usize;
            if i < raw.len() {
                raw[i] = byte;
            }
        }
        if let Some(at) = drop_line {
            let text = String::from_utf8_lossy(&raw).into_owned();
            let lines: Vec<&str> = text.split('\n').collect();
            let skip = (at * lines.len() as f64) as usize;
            raw = lines
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != skip)
                .map(|(_, l)| *l)
                .collect::<Vec<_>>()
                .join("\n")
                .into_bytes();
        }
        raw.truncate(((cut * 0.5 + 0.5) * raw.len() as f64) as usize);
        let _ = read_and_paint(&raw);
    }
}

/// The deepest nesting the sanitiser keeps lays out on the render thread,
/// in tables and in plain blocks, and deeper mail is flattened to it
/// instead of overflowing the stack (`<div>` 300 deep aborted the process).
#[test]
fn deeply_nested_mail_is_laid_out_not_a_crash() {
    let depth = postel_core::message::html::MAX_DEPTH;
    let tables = format!(
        "{}deep table text{}",
        "<table><tbody><tr><td>".repeat(depth / 4 + 1),
        "</td></tr></tbody></table>".repeat(depth / 4 + 1)
    );
    let blocks = |n: usize| {
        format!(
            "{}deep block text{}",
            "<div style=\"padding-left:1px\"><span>".repeat(n / 2),
            "</span></div>".repeat(n / 2)
        )
    };
    let renderer = Renderer::start();
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    for (key, html) in [
        (1, tables),
        (2, blocks(depth)),
        (3, blocks(300)),
        (4, blocks(100_000)),
    ] {
        let painted = rt
            .block_on(renderer.open(key, html, Resources::none(), Options::default()))
            .unwrap_or_else(|e| panic!("page {key}: {e}"));
        // The text is painted: dark pixels on the white page.
        let inked = painted
            .tiles
            .iter()
            .any(|tile| tile.rgba.chunks(4).any(|p| p[0] < 100 && p[1] < 100));
        assert!(painted.height > 0 && inked, "page {key}");
    }
}

/// A message of 4,000 inline images is parsed once for all of them, not
/// once for each (that took 53 s), and lays out whole.
#[test]
fn thousands_of_inline_parts_are_read_in_one_pass() {
    use base64::Engine as _;
    let n = 4000;
    let image = base64::engine::general_purpose::STANDARD.encode(png(2, 2, [0, 0, 255]));
    let mut raw = String::from(
        "From: a@example.org\r\nTo: b@example.org\r\nSubject: cid\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/related; boundary=\"b\"\r\n\r\n--b\r\n\
         Content-Type: text/html; charset=utf-8\r\n\r\n<body>",
    );
    for i in 0..n {
        raw.push_str(&format!("<img src=\"cid:p{i}@x\" width=2 height=2>"));
    }
    raw.push_str("</body>\r\n");
    for i in 0..n {
        raw.push_str(&format!(
            "--b\r\nContent-Type: image/png\r\nContent-ID: <p{i}@x>\r\n\
             Content-Transfer-Encoding: base64\r\n\r\n{image}\r\n"
        ));
    }
    raw.push_str("--b--\r\n");
    let msg = postel_core::message::parse(raw.as_bytes()).expect("test step");
    let started = Instant::now();
    let resources = Resources::from_message(&msg, raw.as_bytes());
    let read = started.elapsed();
    let page = layout(&crate::html_of(&msg), resources);
    eprintln!(
        "{n} inline parts: read in {read:?}, laid out in {:?}",
        started.elapsed() - read
    );
    assert!(page.height() > 0);
    // One parse is milliseconds; one per part was most of a minute.
    assert!(read < Duration::from_secs(10), "{read:?}");
}
