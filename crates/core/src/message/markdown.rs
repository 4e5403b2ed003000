//! Markdown the user writes, made into the HTML alternative sent beside
//! it. The text part is the Markdown itself, readable as it is; the HTML
//! part is made from it for clients that show formatting.
//!
//! What the recipient's client renders is only what the formatting
//! toolbar can make: HTML typed into the text is sent as text, not as
//! markup, and the result goes through the same sanitiser as mail we show
//! (no scripts, no styles, only safe link schemes).

use pulldown_cmark::{Event, Options, Parser, html};

/// Longer texts are sent as plain text only: the HTML would be as large
/// again, and no one formats a megabyte by hand.
pub const MAX_MARKDOWN_BYTES: usize = 1024 * 1024;

/// Nesting deeper than this (quotes in quotes in lists...) is sent as
/// plain text only: pulldown-cmark and the sanitiser both walk the tree,
/// and a hostile paste of 100,000 `>` would nest as deep.
pub const MAX_NESTING: usize = 32;

/// The HTML alternative of `text` followed by `signature`, or `None` when
/// the text is too large or too deeply nested to format.
pub fn to_html(text: &str, signature: Option<&str>) -> Option<String> {
    if text.len() > MAX_MARKDOWN_BYTES {
        return None;
    }
    let parser = Parser::new_ext(text, Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES);
    let mut depth = 0usize;
    let mut events = Vec::new();
    for event in parser {
        match &event {
            Event::Start(_) => {
                depth += 1;
                if depth > MAX_NESTING {
                    return None;
                }
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
        events.push(match event {
            // Markup typed by hand is shown as typed.
            Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
            other => other,
        });
    }
    let mut body = String::with_capacity(text.len() * 3 / 2);
    html::push_html(&mut body, events.into_iter());
    if let Some(sig) = signature.filter(|s| !s.trim().is_empty()) {
        // The signature as it stands, line by line, after the usual
        // separator (Markdown would run its lines together).
        body.push_str("<p>-- <br>");
        let lines: Vec<String> = sig.trim_end().lines().map(escape).collect();
        body.push_str(&lines.join("<br>"));
        body.push_str("</p>");
    }
    let clean = ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer"))
        .clean(&body)
        .to_string();
    Some(format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><style>{STYLE}</style></head><body>\n{clean}</body></html>\n"
    ))
}

/// The look of what the toolbar makes, written by us (the user's text
/// cannot add style): the reader's sans-serif, and quotes marked with a
/// bar as mail clients show them.
const STYLE: &str = "body{font-family:sans-serif;line-height:1.4}\
    blockquote{margin:0 0 0 2px;padding-left:12px;border-left:3px solid #c8c8d0;color:#555}\
    pre,code{font-family:monospace}";

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatting_becomes_html_and_typed_markup_stays_text() {
        let html = to_html(
            "**bold** and *italic*, a [link](https://example.test)\n\n- one\n- two\n\n> quoted\n\n<script>alert(1)</script> <b>raw</b>",
            Some("Anna\nexample.test"),
        )
        .expect("formatted");
        assert!(html.contains("<strong>bold</strong>"), "{html}");
        assert!(html.contains("<em>italic</em>"));
        assert!(html.contains("href=\"https://example.test\""));
        assert!(html.contains("<li>one</li>"));
        assert!(html.contains("<blockquote>"));
        assert!(!html.contains("<script"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "shown as typed: {html}");
        assert!(!html.contains("<b>raw"), "{html}");
        assert!(html.contains("-- <br>Anna<br>example.test"), "{html}");
    }

    #[test]
    fn unsafe_links_lose_their_target() {
        let html = to_html("[click](javascript:alert(1))", None).expect("formatted");
        assert!(!html.contains("javascript:"), "{html}");
    }

    #[test]
    fn too_large_or_too_deep_stays_plain() {
        assert!(to_html(&"a".repeat(MAX_MARKDOWN_BYTES + 1), None).is_none());
        assert!(to_html(&">".repeat(10_000), None).is_none());
        assert!(to_html(&">".repeat(MAX_NESTING / 2), None).is_some());
    }
}
