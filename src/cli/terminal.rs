//! Text from a message or a server made safe to print on a terminal.
//!
//! A subject, a folder name or a server's reply can carry escape sequences
//! (recolour, retitle the window, move the cursor, on some terminals write
//! to the clipboard) or bidi controls that reorder the line. Everything the
//! CLI prints from outside passes through here, and each such character
//! shows as a visible escape (`\u{1b}`) instead.
//!
//! `--json` output does not: serde_json escapes C0 controls itself, and C1
//! and bidi characters are plain data to the program that reads it.

use std::borrow::Cow;

use crate::message::save::is_bidi_control;

/// One line of text (a subject, a name, a folder): every control
/// character escaped, line breaks and tabs too, so the text cannot start a
/// line of its own or shift the columns around it.
pub fn escape_line(s: &str) -> Cow<'_, str> {
    escape(s, false)
}

/// Text of several lines (a body, an error that carries a server's reply):
/// as `escape_line`, but line breaks and tabs stay. A carriage return stays
/// only before a line feed; a lone one would let a line overwrite itself.
pub fn escape_text(s: &str) -> Cow<'_, str> {
    escape(s, true)
}

/// Bytes as received (a header section), escaped as `escape_text`; bytes
/// that are not UTF-8 show as `\xNN`, since a lone byte such as 0x9B is a
/// control sequence to a terminal that reads 8-bit C1 codes.
pub fn escape_bytes(bytes: &[u8]) -> Cow<'_, str> {
    if let Ok(s) = std::str::from_utf8(bytes) {
        return escape_text(s);
    }
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(&escape_text(chunk.valid()));
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
    Cow::Owned(out)
}

fn escape(s: &str, multiline: bool) -> Cow<'_, str> {
    let unsafe_at = |i: usize, c: char| {
        let kept = multiline
            && match c {
                '\n' | '\t' => true,
                '\r' => s[i + 1..].starts_with('\n'),
                _ => false,
            };
        // `is_control` is Unicode's Cc: C0, DEL and C1.
        !kept && (c.is_control() || is_bidi_control(c))
    };
    if !s.char_indices().any(|(i, c)| unsafe_at(i, c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for (i, c) in s.char_indices() {
        if unsafe_at(i, c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_become_visible() {
        assert_eq!(escape_line("\x1b[31mred"), "\\u{1b}[31mred");
        assert_eq!(escape_text("\x1b]0;title\x07"), "\\u{1b}]0;title\\u{7}");
        // C1 CSI, DEL and a right-to-left override.
        assert_eq!(
            escape_line("a\u{9b}2Jb\u{7f}c\u{202e}d"),
            "a\\u{9b}2Jb\\u{7f}c\\u{202e}d"
        );
        assert!(matches!(escape_line("Grüße, 日本"), Cow::Borrowed(_)));
    }

    #[test]
    fn lines_stay_one_line_and_text_keeps_its_lines() {
        assert_eq!(
            escape_line("Re: a\nFrom: boss\tx"),
            "Re: a\\nFrom: boss\\tx"
        );
        assert_eq!(escape_text("one\r\ntwo\n\tthree"), "one\r\ntwo\n\tthree");
        assert_eq!(escape_text("paid\runpaid\r"), "paid\\runpaid\\r");
    }

    #[test]
    fn bytes_that_are_not_utf8_are_shown_as_hex() {
        assert_eq!(
            escape_bytes(b"Subject: caf\xe9 \x9b2J\r\n\x1b"),
            "Subject: caf\\xE9 \\x9B2J\r\n\\u{1b}"
        );
        assert_eq!(
            escape_bytes("Subject: Grüße\r\n".as_bytes()),
            "Subject: Grüße\r\n"
        );
    }
}
