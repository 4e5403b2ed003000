//! Raw RFC 5322 bytes to the [`Message`] model, with mail-parser doing the
//! MIME work and this module choosing what the reader shows.

use std::borrow::Cow;

use mail_parser::decoders::base64::base64_decode;
use mail_parser::decoders::quoted_printable::quoted_printable_decode;
use mail_parser::{Encoding, HeaderValue, MessageParser, MessagePart, MimeHeaders, PartType};

use super::{Address, Message, Part};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "this is not an email message: no header fields were found (the data may be empty or in another format)"
    )]
    NotAMessage,
}

impl crate::explain::Explain for Error {
    fn sentence(&self) -> crate::explain::Sentence {
        match self {
            Error::NotAMessage => crate::explain::Sentence::new("error-not-a-message"),
        }
    }
}

/// Parses a raw message. Damaged MIME (a wrong charset label, a missing
/// closing boundary, truncated base64) still gives a `Message` with as much
/// as could be recovered; only data without any header is an error.
pub fn parse(raw: &[u8]) -> Result<Message, Error> {
    let parsed = MessageParser::default()
        .parse(raw)
        .filter(has_header_field)
        .ok_or(Error::NotAMessage)?;

    let attachments = parsed
        .attachments
        .iter()
        .filter_map(|&id| {
            let part = parsed.parts.get(id as usize)?;
            Some(attachment(raw, part, id as usize))
        })
        .collect();

    Ok(Message {
        subject: parsed.subject().map(str::to_owned),
        from: addresses(parsed.from()),
        to: parsed.all_to().flat_map(|a| addresses(Some(a))).collect(),
        cc: parsed.all_cc().flat_map(|a| addresses(Some(a))).collect(),
        reply_to: addresses(parsed.reply_to()),
        date: parsed
            .date()
            .filter(|d| d.is_valid())
            .map(|d| d.to_timestamp()),
        message_id: parsed.message_id().map(str::to_owned),
        in_reply_to: message_ids(parsed.in_reply_to()).into_iter().next(),
        references: message_ids(parsed.references()),
        text: body_text(&parsed),
        html: body_html(&parsed),
        attachments,
    })
}

/// The decoded bytes of the part a [`Part::index`] names: a file exactly as
/// it was attached (a text file keeps its own charset), or an attached
/// message as raw RFC 5322 bytes. `None` if there is no such leaf part.
pub fn part_bytes(raw: &[u8], index: usize) -> Option<Vec<u8>> {
    parts_bytes(raw, &[index]).pop().flatten()
}

/// [`part_bytes`] of several parts, the message parsed once: a message of
/// 4,000 inline images, each looked up with a parse of its own, took 53 s
/// to open.
pub fn parts_bytes(raw: &[u8], indexes: &[usize]) -> Vec<Option<Vec<u8>>> {
    let Some(parsed) = MessageParser::default().parse(raw) else {
        return vec![None; indexes.len()];
    };
    indexes
        .iter()
        .map(|&index| {
            let part = parsed.parts.get(index)?;
            if matches!(part.body, PartType::Multipart(_)) {
                return None;
            }
            Some(decoded_bytes(raw, part).into_owned())
        })
        .collect()
}

/// mail-parser reads any first line as a header, so text or binary data
/// "parses" with a header named after its first line. A real message has at
/// least one field with a well-formed name.
fn has_header_field(parsed: &mail_parser::Message<'_>) -> bool {
    parsed.root_part().headers.iter().any(|header| {
        let name = header.name.as_str();
        !name.is_empty() && name.bytes().all(|b| b.is_ascii_graphic() && b != b':')
    })
}

fn addresses(value: Option<&mail_parser::Address<'_>>) -> Vec<Address> {
    let Some(value) = value else {
        return Vec::new();
    };
    let addrs: Vec<&mail_parser::Addr<'_>> = match value {
        mail_parser::Address::List(list) => list.iter().collect(),
        mail_parser::Address::Group(groups) => {
            groups.iter().flat_map(|g| g.addresses.iter()).collect()
        }
    };
    addrs
        .into_iter()
        .filter_map(|addr| {
            let name = addr
                .name
                .as_deref()
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(str::to_owned);
            let email = addr.address.as_deref().unwrap_or("").trim().to_owned();
            (name.is_some() || !email.is_empty()).then_some(Address { name, email })
        })
        .collect()
}

fn message_ids(value: &HeaderValue<'_>) -> Vec<String> {
    match value {
        HeaderValue::Text(id) => vec![id.to_string()],
        HeaderValue::TextList(ids) => ids.iter().map(|id| id.to_string()).collect(),
        _ => Vec::new(),
    }
}

/// The text/plain parts of the body. mail-parser also lists an HTML part
/// here when there is no plain alternative; that one is left to `html`, so
/// the reader knows there was no plain text.
fn body_text(parsed: &mail_parser::Message<'_>) -> Option<String> {
    let texts: Vec<String> = parsed
        .text_body
        .iter()
        .filter_map(|&id| parsed.parts.get(id as usize))
        .filter_map(|part| match &part.body {
            PartType::Text(text) => Some(plain_text(part, text)),
            _ => None,
        })
        .collect();
    let text = texts.join("\n");
    (!text.trim().is_empty()).then_some(text)
}

fn plain_text(part: &MessagePart<'_>, text: &str) -> String {
    let text = lf_only(text);
    let content_type = part.content_type();
    let param = |name: &str| content_type.and_then(|ct| ct.attribute(name));
    if param("format").is_some_and(|f| f.eq_ignore_ascii_case("flowed")) {
        let delsp = param("delsp").is_some_and(|d| d.eq_ignore_ascii_case("yes"));
        reflow(&text, delsp)
    } else {
        text
    }
}

/// `text` with each CRLF as LF. `replace("\r\n", "\n")` searched every
/// body for the pair a byte at a time (2% of a full sync's CPU); a search
/// for the one char `\r` is a memchr.
fn lf_only(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('\r') {
        out.push_str(&rest[..i]);
        if !rest[i + 1..].starts_with('\n') {
            out.push('\r');
        }
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
    out
}

fn body_html(parsed: &mail_parser::Message<'_>) -> Option<String> {
    let htmls: Vec<&str> = parsed
        .html_body
        .iter()
        .filter_map(|&id| parsed.parts.get(id as usize))
        .filter_map(|part| match &part.body {
            PartType::Html(html) => Some(html.as_ref()),
            _ => None,
        })
        .collect();
    (!htmls.is_empty()).then(|| htmls.join("\n"))
}

/// Undoes format=flowed (RFC 3676): a line ending in a space continues on
/// the next line of the same quote depth. Quote markers are written back as
/// `> ` so [`super::quote_blocks`] sees them.
pub(crate) fn reflow(text: &str, delsp: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut paragraph: Option<(usize, String)> = None;
    for line in text.lines() {
        let depth = line.bytes().take_while(|&b| b == b'>').count();
        let content = &line[depth..];
        let content = content.strip_prefix(' ').unwrap_or(content);
        // The signature separator ends in a space but never flows.
        let flowed = content.ends_with(' ') && content != "-- ";
        let content = match content.strip_suffix(' ') {
            Some(trimmed) if flowed && delsp => trimmed,
            _ => content,
        };
        // A flowed line followed by a different depth is a sender's error;
        // the RFC says to end the paragraph there.
        let mut current = match paragraph.take() {
            Some((d, acc)) if d == depth => acc,
            Some((d, acc)) => {
                push_line(&mut out, d, &acc);
                String::new()
            }
            None => String::new(),
        };
        current.push_str(content);
        if flowed {
            paragraph = Some((depth, current));
        } else {
            push_line(&mut out, depth, &current);
        }
    }
    if let Some((depth, acc)) = paragraph {
        push_line(&mut out, depth, &acc);
    }
    out
}

fn push_line(out: &mut String, depth: usize, text: &str) {
    for _ in 0..depth {
        out.push('>');
    }
    if depth > 0 && !text.is_empty() {
        out.push(' ');
    }
    out.push_str(text);
    out.push('\n');
}

fn attachment(raw: &[u8], part: &MessagePart<'_>, index: usize) -> Part {
    let content_type = part.content_type();
    let mime_type = match content_type {
        Some(ct) => match ct.subtype() {
            Some(sub) => format!("{}/{}", ct.ctype(), sub),
            None => ct.ctype().to_owned(),
        },
        None => match part.body {
            PartType::Message(_) => "message/rfc822".to_owned(),
            PartType::Text(_) => "text/plain".to_owned(),
            PartType::Html(_) => "text/html".to_owned(),
            _ => "application/octet-stream".to_owned(),
        },
    }
    .to_ascii_lowercase();

    let content_id = part.content_id().map(str::to_owned);
    let inline = match part.content_disposition() {
        Some(d) if d.is_inline() => true,
        Some(d) if d.is_attachment() => false,
        _ => content_id.is_some() || matches!(part.body, PartType::InlineBinary(_)),
    };

    Part {
        name: part.attachment_name().and_then(file_name),
        mime_type,
        size: decoded_bytes(raw, part).len(),
        content_id,
        inline,
        index,
    }
}

/// A name is only ever used as a file name, and one from a stranger must
/// not pick the directory it is saved in.
fn file_name(name: &str) -> Option<String> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let clean: String = base.chars().filter(|c| !c.is_control()).collect();
    let clean = clean.trim();
    (!clean.is_empty() && clean != "." && clean != "..").then(|| clean.to_owned())
}

fn decoded_bytes<'a>(raw: &'a [u8], part: &'a MessagePart<'_>) -> Cow<'a, [u8]> {
    let body = raw
        .get(part.offset_body as usize..part.offset_end as usize)
        .unwrap_or_default();
    match &part.body {
        // mail-parser keeps the whole outer message as a nested message's
        // raw bytes, so an unencoded one is cut out by its offsets.
        PartType::Message(_) if part.encoding == Encoding::None => Cow::Borrowed(body),
        PartType::Message(nested) => Cow::Borrowed(nested.raw_message()),
        PartType::Binary(bytes) | PartType::InlineBinary(bytes) => Cow::Borrowed(bytes),
        PartType::Multipart(_) => Cow::Borrowed(&[]),
        // A damaged part arrives as its undecoded text.
        PartType::Text(_) | PartType::Html(_) if part.is_encoding_problem => {
            if declared_base64(part) {
                Cow::Owned(salvage_base64(body))
            } else {
                Cow::Borrowed(body)
            }
        }
        // mail-parser has converted text to UTF-8; a saved file should keep
        // the charset it was sent in, so decode the transfer encoding only.
        PartType::Text(_) | PartType::Html(_) => {
            let decoded = match part.encoding {
                Encoding::None => Some(Cow::Borrowed(body)),
                Encoding::Base64 => base64_decode(body).map(Cow::Owned),
                Encoding::QuotedPrintable => quoted_printable_decode(body).map(Cow::Owned),
            };
            decoded.unwrap_or_else(|| Cow::Borrowed(part.contents()))
        }
    }
}

fn declared_base64(part: &MessagePart<'_>) -> bool {
    part.content_transfer_encoding()
        .is_some_and(|cte| cte.trim().eq_ignore_ascii_case("base64"))
}

/// Decodes the whole 4-character groups before the first damage, so a cut
/// off attachment still yields everything that arrived.
fn salvage_base64(body: &[u8]) -> Vec<u8> {
    let mut chars: Vec<u8> = body
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .take_while(|&b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=')
        .collect();
    if let Some(pad) = chars.iter().position(|&b| b == b'=') {
        // Padding ends the data; keep it only where it completes a group.
        let group_end = pad.div_ceil(4) * 4;
        chars.truncate(group_end.min(chars.len()));
    }
    chars.truncate(chars.len() / 4 * 4);
    base64_decode(&chars).unwrap_or_default()
}

#[cfg(test)]
mod tests;
