//! A bound on how deep a message's elements nest, applied to the
//! sanitiser's output. The layout engine (Taffy, Stylo) and html2text walk
//! the tree by recursion: `<div>` nested 300 deep overflowed the render
//! thread's stack, which aborts the whole process (a stack overflow cannot
//! be caught). Elements below [`MAX_DEPTH`] lose their tags and keep their
//! content, so the text is still there, only flatter.

/// Deepest nesting of elements kept. Real newsletters nest tables in
/// tables a dozen deep, four elements a level (`table`, `tbody`, `tr`,
/// `td`): about 50. The render thread's stack is sized for this depth (see
/// `render::worker`), with a test that lays out the deepest page allowed.
pub const MAX_DEPTH: usize = 100;

/// Open elements past which [`bound_raw`] drops start tags from a message
/// before it is parsed at all. The HTML parser checks the stack of open
/// elements at each tag, so its time grows with the square of the
/// nesting: 30,000 nested elements took 31 s to sanitise in a debug
/// build. A quick scan cannot know every implied end tag, so this is
/// looser than [`MAX_DEPTH`], which the exact pass applies after parsing.
const RAW_DEPTH: usize = 4 * MAX_DEPTH;

/// Elements whose end tag may be left out (`<p>`, `<li>`, `<td>`…): mail
/// often does, so the quick scan does not count them as nesting.
const OPTIONAL_END: &[&str] = &[
    "p", "li", "dt", "dd", "tr", "td", "th", "tbody", "thead", "tfoot", "colgroup", "option",
    "optgroup", "rb", "rt", "rp", "html", "head", "body",
];

/// Elements whose content is text up to their own end tag.
const RAW_TEXT: &[&str] = &[
    "script",
    "style",
    "textarea",
    "title",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "noscript",
    "plaintext",
];

/// Elements with no end tag: they hold nothing, so they add no depth.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// `html` as the sanitiser serialises it (every element closed in order,
/// `<` and `>` escaped in text, attribute values in double quotes, no
/// comments, no raw-text elements), with the tags of elements nested
/// deeper than [`MAX_DEPTH`] removed. Anything else passes unchanged.
pub fn flatten(html: &str) -> std::borrow::Cow<'_, str> {
    // Most mail is nowhere near the limit: a count of `<` tells cheaply.
    if html.matches('<').count() <= MAX_DEPTH {
        return html.into();
    }
    let bytes = html.as_bytes();
    let mut out = String::with_capacity(html.len());
    // For each open element: whether its tags were kept.
    let mut open: Vec<bool> = Vec::new();
    let mut at = 0;
    while let Some(lt) = html[at..].find('<').map(|i| at + i) {
        out.push_str(&html[at..lt]);
        let end = tag_end(bytes, lt);
        let tag = &html[lt..end];
        at = end;
        if let Some(rest) = tag.strip_prefix("</") {
            let _ = rest;
            if open.pop().unwrap_or(true) {
                out.push_str(tag);
            }
            continue;
        }
        let name: String = tag[1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        let void = VOID.contains(&name.as_str()) || tag.ends_with("/>");
        if void {
            out.push_str(tag);
            continue;
        }
        let keep = open.len() < MAX_DEPTH;
        open.push(keep);
        if keep {
            out.push_str(tag);
        }
    }
    out.push_str(&html[at..]);
    out.into()
}

/// A message's HTML, before parsing, with the start tags (and matching end
/// tags) of elements nested deeper than [`RAW_DEPTH`] removed, as a quick
/// scan of the tags sees it: linear in the input, whatever it holds. The
/// result still goes through the sanitiser; this only keeps the parser's
/// time in bounds.
pub fn bound_raw(html: &str) -> std::borrow::Cow<'_, str> {
    if html.matches('<').count() <= RAW_DEPTH {
        return html.into();
    }
    let bytes = html.as_bytes();
    let mut out = String::with_capacity(html.len());
    // Names of the elements open and counted, innermost last; never more
    // than RAW_DEPTH, so looking through it is bounded.
    let mut open: Vec<String> = Vec::new();
    // How many start tags of each name were dropped and not yet closed.
    let mut dropped: std::collections::HashMap<String, usize> = Default::default();
    let mut at = 0;
    while let Some(lt) = html[at..].find('<').map(|i| at + i) {
        out.push_str(&html[at..lt]);
        let rest = &html[lt..];
        if rest.starts_with("<!--") {
            let end = rest.find("-->").map_or(html.len(), |i| lt + i + 3);
            out.push_str(&html[lt..end]);
            at = end;
            continue;
        }
        let closing = rest.starts_with("</");
        let name_at = lt + if closing { 2 } else { 1 };
        let name: String = html[name_at..]
            .chars()
            .take_while(|c| !c.is_ascii_whitespace() && !matches!(c, '/' | '>'))
            .map(|c| c.to_ascii_lowercase())
            .collect();
        if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            // `< 3`, `<!DOCTYPE`, `<?xml`: not an element's tag.
            out.push('<');
            at = lt + 1;
            continue;
        }
        let end = tag_end(bytes, lt);
        let tag = &html[lt..end];
        at = end;
        if closing {
            if let Some(n) = dropped.get_mut(&name).filter(|n| **n > 0) {
                *n -= 1;
                continue;
            }
            if let Some(i) = open.iter().rposition(|o| *o == name) {
                open.truncate(i);
            }
            out.push_str(tag);
            continue;
        }
        let counted = !VOID.contains(&name.as_str())
            && !OPTIONAL_END.contains(&name.as_str())
            && !tag.ends_with("/>");
        if counted && open.len() >= RAW_DEPTH {
            *dropped.entry(name).or_default() += 1;
            continue;
        }
        out.push_str(tag);
        if RAW_TEXT.contains(&name.as_str()) {
            // Its text runs to its own end tag, whatever it looks like.
            let close = format!("</{name}");
            // Found without copying the rest of the message for each one.
            let text_end = bytes[at..]
                .windows(close.len())
                .position(|w| w.eq_ignore_ascii_case(close.as_bytes()))
                .map_or(html.len(), |i| at + i);
            out.push_str(&html[at..text_end]);
            at = text_end;
        } else if counted {
            open.push(name);
        }
    }
    out.push_str(&html[at..]);
    out.into()
}

/// Where the tag starting at `lt` ends: after its `>`, skipping `>` inside
/// quoted attribute values (the serialiser does not escape it there).
fn tag_end(bytes: &[u8], lt: usize) -> usize {
    let mut quoted = false;
    for (i, &b) in bytes.iter().enumerate().skip(lt + 1) {
        match b {
            b'"' => quoted = !quoted,
            b'>' if !quoted => return i + 1,
            _ => {}
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(tag: &str, depth: usize) -> String {
        format!(
            "{}x{}",
            format!("<{tag}>").repeat(depth),
            format!("</{tag}>").repeat(depth)
        )
    }

    fn deepest(html: &str) -> usize {
        let (mut depth, mut most) = (0usize, 0);
        let mut at = 0;
        while let Some(lt) = html[at..].find('<').map(|i| at + i) {
            let end = tag_end(html.as_bytes(), lt);
            let tag = &html[lt..end];
            if tag.starts_with("</") {
                depth -= 1;
            } else if !tag.starts_with("<br") && !tag.starts_with("<img") {
                depth += 1;
                most = most.max(depth);
            }
            at = end;
        }
        most
    }

    #[test]
    fn the_quick_scan_bounds_nesting_before_parsing_and_keeps_the_text() {
        let html = nested("div", 1_000_000);
        let started = std::time::Instant::now();
        let bounded = bound_raw(&html);
        assert!(bounded.matches("<div>").count() == RAW_DEPTH);
        assert_eq!(bounded.matches("</div>").count(), RAW_DEPTH);
        assert!(bounded.contains(">x<"));
        // The whole sanitiser on it, parser included, in linear time.
        let clean = super::super::sanitize(&html);
        assert_eq!(deepest(&clean), MAX_DEPTH);
        assert!(started.elapsed() < std::time::Duration::from_secs(30));
        // Unclosed paragraphs and cells, comments and style text are no
        // nesting; mail below the bound is untouched.
        let html = format!(
            "<style>div > p {{ color: red }} <div></style><!-- <div> -->{}{}",
            "<p>para<td>cell<br>".repeat(500),
            nested("b", 10)
        );
        assert_eq!(bound_raw(&html), html);
    }

    #[test]
    fn shallow_mail_is_untouched() {
        let html = nested("div", MAX_DEPTH);
        assert_eq!(flatten(&html), html);
        let html = "<p title=\"a > b\">x<br>y</p>".to_owned() + &"<b>z</b>".repeat(200);
        assert_eq!(flatten(&html), html);
    }

    #[test]
    fn deep_elements_lose_their_tags_not_their_text() {
        let html = format!("<p>{}</p><p>after</p>", nested("div", 100_000));
        let flat = flatten(&html);
        assert_eq!(deepest(&flat), MAX_DEPTH);
        assert!(
            flat.contains(">x<") && flat.ends_with("<p>after</p>"),
            "{flat:.200}"
        );
        // Void elements and quoted `>` inside the deep part are kept as they are.
        let html = format!(
            "{}<img alt=\"1 > 0\" src=\"cid:a\"><br>text{}",
            "<span>".repeat(300),
            "</span>".repeat(300)
        );
        let flat = flatten(&html);
        assert_eq!(deepest(&flat), MAX_DEPTH);
        assert!(flat.contains("<img alt=\"1 > 0\" src=\"cid:a\"><br>text"));
    }
}
