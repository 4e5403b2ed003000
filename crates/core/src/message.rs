//! The parsed message model: headers, the body to show, attachments.
//!
//! Everything here is pure: bytes in, values out. The store keeps the raw
//! message and calls [`parse`] when it needs the model; attachment bytes are
//! fetched again with [`part_bytes`] so the model stays small.

pub mod bounce;
pub mod compose;
pub mod envelope_id;
pub mod html;
pub mod markdown;
pub mod parse;
pub mod receipt;
pub mod report;
pub mod save;

use std::borrow::Cow;

pub use parse::{Error, parse, part_bytes, parts_bytes};

/// One parsed message, decoded to UTF-8 throughout.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Message {
    pub subject: Option<String>,
    pub from: Vec<Address>,
    pub to: Vec<Address>,
    pub cc: Vec<Address>,
    pub reply_to: Vec<Address>,
    /// Seconds since the Unix epoch, from the Date header.
    pub date: Option<i64>,
    /// Without angle brackets, as are `in_reply_to` and `references`.
    pub message_id: Option<String>,
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
    /// The plain-text body, reflowed if it was sent format=flowed, with `\n`
    /// line ends. `None` when there is no text/plain body or it is blank.
    pub text: Option<String>,
    /// The HTML body as sent (decoded, not sanitised): run it through
    /// [`html::sanitize`] before showing it.
    pub html: Option<String>,
    /// Every part that is not the body: attachments, inline images,
    /// attached messages.
    pub attachments: Vec<Part>,
}

/// A mailbox. Group syntax is flattened into its members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    pub name: Option<String>,
    /// Kept as written, so an internationalised domain stays in Unicode.
    /// Empty when the header held only a display name.
    pub email: String,
}

/// An attachment or inline part; its bytes come from [`part_bytes`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// The decoded file name, without any directory part.
    pub name: Option<String>,
    /// Lower-case `type/subtype`.
    pub mime_type: String,
    /// Length in bytes of what [`part_bytes`] returns.
    pub size: usize,
    /// Without angle brackets, as `cid:` URLs name it.
    pub content_id: Option<String>,
    /// Meant to be shown in the body (an image an HTML part refers to)
    /// rather than offered as a file.
    pub inline: bool,
    /// The part's position in the MIME tree; the same raw bytes always give
    /// the same index.
    pub index: usize,
}

/// A run of lines of a plain-text body, for folding quotes in the reader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Text(String),
    /// Quoted lines with their `>` markers removed.
    Quote {
        depth: usize,
        text: String,
    },
}

/// Splits a plain-text body into runs of consecutive lines with the same
/// quote depth. Lines are kept verbatim apart from the quote markers, so
/// joining the blocks' lines gives back the text without `>`.
pub fn quote_blocks(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for line in text.lines() {
        let (depth, rest) = split_quote(line);
        match &mut current {
            Some((d, lines)) if *d == depth => {
                lines.push('\n');
                lines.push_str(rest);
            }
            _ => {
                blocks.extend(current.take().map(to_block));
                current = Some((depth, rest.to_owned()));
            }
        }
    }
    blocks.extend(current.map(to_block));
    blocks
}

fn to_block((depth, text): (usize, String)) -> Block {
    if depth == 0 {
        Block::Text(text)
    } else {
        Block::Quote { depth, text }
    }
}

/// Counts leading `>` markers. Clients write nested quotes both as `>>` and
/// `> >`, so a single space between markers is accepted; the space after
/// the last marker is part of the marker, not of the text.
pub(crate) fn split_quote(line: &str) -> (usize, &str) {
    let mut depth = 0;
    let mut rest = line;
    while let Some(after) = rest.strip_prefix('>') {
        depth += 1;
        rest = match after.strip_prefix(' ') {
            Some(spaced) if spaced.starts_with('>') => spaced,
            _ => after,
        };
    }
    if depth > 0 {
        rest = rest.strip_prefix(' ').unwrap_or(rest);
    }
    (depth, rest)
}

/// A one-line preview for the message list: the first words the sender
/// wrote, leaving out quoted text, the "… wrote:" line that introduces it,
/// and the signature. At most `max_chars` characters, ending in `…` when cut.
pub fn snippet(msg: &Message, max_chars: usize) -> String {
    snippet_of(&readable_text(msg), max_chars)
}

/// The snippet (see [`snippet`]) and the search text (see [`search_text`])
/// of a message being stored, its HTML turned into text once for both.
pub fn snippet_and_text(msg: &Message, max_chars: usize) -> (String, String) {
    let text = readable_text(msg);
    (snippet_of(&text, max_chars), text.into_owned())
}

fn snippet_of(text: &str, max_chars: usize) -> String {
    // Lines are read only as far as the snippet goes: a long message is
    // stored with its snippet on every sync that downloads it.
    let mut lines = text.lines();
    let mut words: Vec<&str> = Vec::new();
    let mut chars = 0;
    while let Some(line) = lines.next() {
        if is_signature_separator(line) {
            break;
        }
        let line = line.trim();
        if line.starts_with('>') || introduces_quote(line, lines.clone()) {
            continue;
        }
        for word in line.split_whitespace() {
            chars += word.chars().count() + 1;
            words.push(word);
        }
        if chars > max_chars {
            break;
        }
    }
    truncate_words(&words.join(" "), max_chars)
}

/// The body as plain text for the full-text index.
pub fn search_text(msg: &Message) -> String {
    readable_text(msg).into_owned()
}

fn readable_text(msg: &Message) -> Cow<'_, str> {
    match (&msg.text, &msg.html) {
        (Some(text), _) => Cow::Borrowed(text),
        (None, Some(html)) => Cow::Owned(html::to_plain_text(html)),
        (None, None) => Cow::Borrowed(""),
    }
}

fn is_signature_separator(line: &str) -> bool {
    // "-- " is the standard; many clients strip the trailing space.
    line == "-- " || line == "--"
}

/// "On Monday, Anna wrote:" in whatever language: a line ending in a colon
/// whose next non-blank line is quoted.
fn introduces_quote<'a>(line: &str, following: impl Iterator<Item = &'a str>) -> bool {
    line.ends_with(':')
        && following
            .map(|l| l.trim())
            .find(|l| !l.is_empty())
            .is_some_and(|l| l.starts_with('>'))
}

fn truncate_words(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    if max_chars == 0 {
        return String::new();
    }
    // Leave room for the ellipsis.
    let end = text
        .char_indices()
        .nth(max_chars - 1)
        .map_or(text.len(), |(i, _)| i);
    let cut = &text[..end];
    // Prefer ending on a word boundary unless that throws most of it away.
    let cut = match cut.rfind(' ') {
        Some(space) if space >= cut.len() / 2 => &cut[..space],
        _ => cut,
    };
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_message(text: &str) -> Message {
        Message {
            text: Some(text.to_owned()),
            ..Message::default()
        }
    }

    #[test]
    fn quote_blocks_groups_lines_by_depth() {
        let text = "Hi,\nsee below.\n> first\n> second\n>> deeper\n> > also deeper\n> back\nThanks";
        assert_eq!(
            quote_blocks(text),
            vec![
                Block::Text("Hi,\nsee below.".into()),
                Block::Quote {
                    depth: 1,
                    text: "first\nsecond".into()
                },
                Block::Quote {
                    depth: 2,
                    text: "deeper\nalso deeper".into()
                },
                Block::Quote {
                    depth: 1,
                    text: "back".into()
                },
                Block::Text("Thanks".into()),
            ]
        );
    }

    #[test]
    fn quote_blocks_keeps_blank_quoted_lines_and_indentation() {
        assert_eq!(
            quote_blocks(">a\n>\n>  indented\n    code"),
            vec![
                Block::Quote {
                    depth: 1,
                    text: "a\n\n indented".into()
                },
                Block::Text("    code".into()),
            ]
        );
        assert_eq!(quote_blocks(""), Vec::<Block>::new());
    }

    #[test]
    fn snippet_skips_quotes_attribution_and_signature() {
        let msg = text_message(
            "Yes,  that works\tfor me.\n\nOn Monday, Bob wrote:\n\n> Can we meet?\n> At ten?\nSee you then.\n-- \nAlice\nACME Corp",
        );
        assert_eq!(snippet(&msg, 100), "Yes, that works for me. See you then.");
    }

    #[test]
    fn snippet_keeps_a_colon_line_that_does_not_introduce_a_quote() {
        let msg = text_message("Agenda:\n1. budget\n2. plans");
        assert_eq!(snippet(&msg, 100), "Agenda: 1. budget 2. plans");
    }

    #[test]
    fn snippet_cuts_on_a_word_boundary_with_an_ellipsis() {
        let msg = text_message("Grüße aus dem schönen Kraków und viele Küsse");
        let s = snippet(&msg, 20);
        assert_eq!(s, "Grüße aus dem…");
        assert!(s.chars().count() <= 20);
        assert_eq!(snippet(&msg, 0), "");
        // A single long word is cut inside the word rather than dropped.
        let long = text_message("Donaudampfschifffahrtsgesellschaft");
        assert_eq!(snippet(&long, 10), "Donaudamp…");
    }

    #[test]
    fn snippet_and_search_text_fall_back_to_html() {
        let msg = Message {
            html: Some(
                "<p>Hello <b>there</b></p><blockquote>old stuff</blockquote><p>bye</p>".into(),
            ),
            ..Message::default()
        };
        assert_eq!(snippet(&msg, 50), "Hello there bye");
        let search = search_text(&msg);
        assert!(search.contains("Hello there"), "{search}");
        assert!(search.contains("old stuff"), "{search}");
        assert!(!search.contains('<'), "{search}");
        assert_eq!(snippet(&Message::default(), 50), "");
    }

    #[test]
    fn snippet_and_text_agree_with_their_parts() {
        let html = parse(
            b"Content-Type: text/html\r\n\r\n<p>On Monday, Anna wrote:</p><blockquote>&gt; old</blockquote><p>New words here.</p>",
        )
        .expect("parses");
        let plain = parse(
            b"Content-Type: text/plain\r\n\r\nHi,\r\nAnna wrote:\r\n\r\n> quoted\r\nmine\r\n-- \r\nsig\r\n",
        )
        .expect("parses");
        for msg in [&html, &plain] {
            assert_eq!(
                snippet_and_text(msg, 200),
                (snippet(msg, 200), search_text(msg))
            );
        }
        assert_eq!(snippet(&plain, 200), "Hi, mine");
    }

    #[test]
    fn search_text_prefers_the_plain_body() {
        let msg = Message {
            text: Some("plain words".into()),
            html: Some("<p>html words</p>".into()),
            ..Message::default()
        };
        assert_eq!(search_text(&msg), "plain words");
    }
}
