//! The presentational HTML attributes that mail still lays out with but the
//! engine ignores (`<table border cellpadding cellspacing>`, `<font>`,
//! `valign`, `background`), turned into the CSS a browser derives from them.
//!
//! The derived declarations go in front of the element's own `style`, so
//! the message's CSS still wins, as it does over presentational hints in a
//! browser.

use blitz_dom::{BaseDocument, LocalName, NodeId, QualName, local_name, ns};

/// How a table's attributes shape its own cells.
#[derive(Clone, Default)]
struct CellStyle {
    border: bool,
    padding: Option<u32>,
}

pub fn apply(doc: &mut BaseDocument) {
    let mut changes = Vec::new();
    collect(doc, doc.root_node().id, &CellStyle::default(), &mut changes);
    let mut mutator = doc.mutate();
    for (id, style) in changes {
        mutator.set_attribute(id, QualName::new(None, ns!(), local_name!("style")), &style);
    }
}

fn collect(doc: &BaseDocument, id: NodeId, cells: &CellStyle, out: &mut Vec<(NodeId, String)>) {
    let Some(node) = doc.get_node(id) else {
        return;
    };
    let mut inner = cells.clone();
    if let Some(element) = node.element_data() {
        let attr = |name: &str| element.attr(LocalName::from(name));
        let tag = element.name.local.as_ref();
        let mut css = String::new();
        match tag {
            "table" => {
                inner = CellStyle::default();
                if let Some(n) = attr("border").and_then(pixels).filter(|n| *n > 0) {
                    css.push_str(&format!("border:{n}px outset #808080;"));
                    inner.border = true;
                }
                inner.padding = attr("cellpadding").and_then(pixels);
                match attr("cellspacing").and_then(pixels) {
                    Some(n) => css.push_str(&format!("border-spacing:{n}px;")),
                    // Borders are drawn separated (the engine draws no
                    // collapsed ones); without spacing they look collapsed.
                    None if attr("style").is_some_and(|s| s.contains("collapse")) => {
                        css.push_str("border-spacing:0;")
                    }
                    None => {}
                }
                if let Some(url) = attr("background") {
                    css.push_str(&background(url));
                }
                if attr("align").is_some_and(|a| a.trim().eq_ignore_ascii_case("center")) {
                    css.push_str("margin-left:auto;margin-right:auto;");
                }
            }
            "td" | "th" => {
                if cells.border {
                    css.push_str("border:1px inset #808080;");
                }
                if let Some(n) = cells.padding {
                    css.push_str(&format!("padding:{n}px;"));
                }
                if let Some(url) = attr("background") {
                    css.push_str(&background(url));
                }
            }
            "font" => {
                if let Some(color) = attr("color") {
                    css.push_str(&format!("color:{};", css_token(color)));
                }
                if let Some(face) = attr("face") {
                    let families: Vec<String> = face
                        .split(',')
                        .map(|f| css_string(f.trim()))
                        .filter(|f| f != "\"\"")
                        .collect();
                    if !families.is_empty() {
                        css.push_str(&format!("font-family:{};", families.join(",")));
                    }
                }
                if let Some(size) = attr("size").and_then(font_size) {
                    css.push_str(&format!("font-size:{size};"));
                }
            }
            _ => {}
        }
        if matches!(tag, "td" | "th" | "tr" | "tbody" | "thead" | "tfoot")
            && let Some(v) = attr("valign")
        {
            let v = v.trim().to_ascii_lowercase();
            if matches!(v.as_str(), "top" | "middle" | "bottom" | "baseline") {
                css.push_str(&format!("vertical-align:{v};"));
            }
        }
        if !css.is_empty() {
            if let Some(own) = attr("style") {
                css.push_str(own);
            }
            out.push((id, css));
        }
    }
    for &child in &node.children {
        collect(doc, child, &inner, out);
    }
}

/// An HTML length attribute in pixels ("4", "4px", " 4 ").
fn pixels(value: &str) -> Option<u32> {
    let digits: String = value
        .trim()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok().map(|n: u32| n.min(1000))
}

/// `<font size>`: 1–7, or relative to 3 with a sign.
fn font_size(value: &str) -> Option<&'static str> {
    let value = value.trim();
    let n: i32 = match value.as_bytes().first()? {
        b'+' => 3 + value[1..].parse::<i32>().ok()?,
        b'-' => 3 - value[1..].parse::<i32>().ok()?,
        _ => value.parse().ok()?,
    };
    Some(match n.clamp(1, 7) {
        1 => "x-small",
        2 => "small",
        3 => "medium",
        4 => "large",
        5 => "x-large",
        6 => "xx-large",
        _ => "xxx-large",
    })
}

fn background(url: &str) -> String {
    format!("background-image:url({});", css_string(url.trim()))
}

/// A colour name or `#hex`: anything else could close the declaration.
fn css_token(value: &str) -> String {
    value
        .trim()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '#')
        .collect()
}

fn css_string(value: &str) -> String {
    let escaped: String = value
        .trim_matches(|c| c == '"' || c == '\'')
        .chars()
        .filter(|c| !c.is_control())
        .flat_map(|c| match c {
            '"' | '\\' => vec!['\\', c],
            _ => vec![c],
        })
        .collect();
    format!("\"{escaped}\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_and_font_sizes_read_like_a_browser() {
        assert_eq!(pixels(" 4 "), Some(4));
        assert_eq!(pixels("10px"), Some(10));
        assert_eq!(pixels("x"), None);
        assert_eq!(font_size("1"), Some("x-small"));
        assert_eq!(font_size("+2"), Some("x-large"));
        assert_eq!(font_size("-1"), Some("small"));
        assert_eq!(font_size("9"), Some("xxx-large"));
        assert_eq!(font_size("big"), None);
    }

    #[test]
    fn attribute_values_cannot_break_out_of_a_declaration() {
        assert_eq!(css_token("red;position:fixed"), "redpositionfixed");
        assert_eq!(css_string("a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(
            background("x); color:red"),
            "background-image:url(\"x); color:red\");"
        );
    }
}
