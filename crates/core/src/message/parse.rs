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
mod tests {
    use super::*;
    use crate::message::{Block, html, quote_blocks, search_text, snippet};

    fn fixture(raw: &[u8]) -> Message {
        match parse(raw) {
            Ok(msg) => msg,
            Err(e) => panic!("fixture did not parse: {e}"),
        }
    }

    fn addr(name: Option<&str>, email: &str) -> Address {
        Address {
            name: name.map(str::to_owned),
            email: email.to_owned(),
        }
    }

    #[test]
    fn plain_utf8_headers_and_body() {
        let msg = fixture(include_bytes!("../../../../tests/fixtures/plain-utf8.eml"));
        assert_eq!(msg.subject.as_deref(), Some("Grüße aus Kraków — café ☕"));
        assert_eq!(
            msg.from,
            vec![addr(Some("Anna Łukasiewicz"), "anna@example.org")]
        );
        assert_eq!(
            msg.to,
            vec![
                addr(Some("Jörg Müller"), "jörg@bücher.example"),
                addr(None, "bob@example.net"),
            ]
        );
        // The group "Freunde:" is flattened into its members.
        assert_eq!(
            msg.cc,
            vec![
                addr(None, "carol@example.com"),
                addr(Some("Dave, der Bäcker"), "dave@example.com"),
            ]
        );
        assert_eq!(
            msg.reply_to,
            vec![addr(Some("Kuchenliste"), "kuchen@lists.example.org")]
        );
        // 2024-03-11 09:15:00 +0100
        assert_eq!(msg.date, Some(1_710_144_900));
        assert_eq!(
            msg.message_id.as_deref(),
            Some("20240311091500.4711@example.org")
        );
        assert_eq!(msg.in_reply_to.as_deref(), Some("kuchen-2@bücher.example"));
        assert_eq!(
            msg.references,
            ["kuchen-1@bücher.example", "kuchen-2@bücher.example"]
        );
        assert_eq!(msg.html, None);
        assert_eq!(msg.attachments, []);
        let text = msg.text.as_deref().unwrap_or_default();
        assert!(
            text.starts_with("Hallo Jörg,\n\ndie Grüße kommen pünktlich."),
            "{text}"
        );
        assert!(text.ends_with("-- \nAnna Łukasiewicz\nKraków\n"), "{text}");
    }

    #[test]
    fn plain_utf8_quotes_fold_and_snippet_skips_them() {
        let msg = fixture(include_bytes!("../../../../tests/fixtures/plain-utf8.eml"));
        let text = msg.text.as_deref().unwrap_or_default();
        assert_eq!(
            quote_blocks(text),
            vec![
                Block::Text(
                    "Hallo Jörg,\n\ndie Grüße kommen pünktlich. Das Café öffnet um neun, der \
                     Kuchen steht bereit.\n\nAm Sonntag, 10. März 2024 schrieb Jörg Müller:"
                        .into()
                ),
                Block::Quote {
                    depth: 1,
                    text: "Kommst du morgen ins Café?".into()
                },
                Block::Quote {
                    depth: 2,
                    text: "Ich bringe Käsekuchen mit.".into()
                },
                Block::Quote {
                    depth: 1,
                    text: "Bis dann!".into()
                },
                Block::Text("\n-- \nAnna Łukasiewicz\nKraków".into()),
            ]
        );
        assert_eq!(
            snippet(&msg, 200),
            "Hallo Jörg, die Grüße kommen pünktlich. Das Café öffnet um neun, der Kuchen steht bereit."
        );
        assert_eq!(snippet(&msg, 30), "Hallo Jörg, die Grüße kommen…");
        assert!(search_text(&msg).contains("Käsekuchen"));
    }

    #[test]
    fn flowed_delsp_is_reflowed() {
        let msg = fixture(include_bytes!(
            "../../../../tests/fixtures/flowed-delsp.eml"
        ));
        assert_eq!(
            msg.text.as_deref(),
            Some(
                "Liebe Kolleginnen und Kollegen, dieser Absatz ist absichtlich so lang, dass er \
                 umbrochen werden muss. Das Donaudampfschifffahrtsgesellschaft zahlt die Rechnung.\n\
                 \n\
                 Eine feste Zeile.\n\
                 From here on the line was space-stuffed.\n\
                 \n\
                 > Zitat erster Teil, der weiter geht und hier endet.\n\
                 >> Tiefer zitiert, auch umbrochen.\n\
                 \n\
                 -- \n\
                 Kai Weber\n\
                 Projektbüro\n"
            )
        );
    }

    #[test]
    fn reflow_without_delsp_keeps_the_space() {
        assert_eq!(
            reflow("one \ntwo \nthree\nfour\n", false),
            "one two three\nfour\n"
        );
        assert_eq!(reflow("one \ntwo\n", true), "onetwo\n");
        // A flowed line followed by another depth ends its paragraph.
        assert_eq!(
            reflow("> quoted \nnot quoted\n", false),
            "> quoted \nnot quoted\n"
        );
        assert_eq!(reflow(">\n", false), ">\n");
    }

    #[test]
    fn latin1_quoted_printable_and_encoded_words() {
        let msg = fixture(include_bytes!("../../../../tests/fixtures/latin1-qp.eml"));
        // Two encoded words on folded lines join without the folding space.
        assert_eq!(msg.subject.as_deref(), Some("Résumé de la réunion"));
        assert_eq!(
            msg.from,
            vec![addr(Some("Françoise Lefèvre"), "francoise@example.fr")]
        );
        assert_eq!(msg.to, vec![addr(Some("Équipe"), "equipe@example.fr")]);
        assert_eq!(msg.date, Some(1_710_322_200));
        let text = msg.text.as_deref().unwrap_or_default();
        assert!(
            text.starts_with("Bonjour à tous,\n\nLe procès-verbal"),
            "{text}"
        );
        // The soft line break inside this sentence is gone.
        assert!(
            text.contains(
                "Il coûte 12,50 £ à imprimer, ce qui est un peu cher pour une simple feuille de présence.\n"
            ),
            "{text}"
        );
    }

    #[test]
    fn windows_1252_specials() {
        let msg = fixture(include_bytes!(
            "../../../../tests/fixtures/windows-1252.eml"
        ));
        assert_eq!(msg.subject.as_deref(), Some("„Frühling“ – 49 €"));
        assert_eq!(
            msg.from,
            vec![addr(Some("Möbelhaus Müller"), "info@moebel.example")]
        );
        let text = msg.text.as_deref().unwrap_or_default();
        assert!(
            text.contains("unser „Frühlingsangebot“ kostet nur 49 € – gültig bis Ostern…"),
            "{text}"
        );
    }

    #[test]
    fn koi8_r() {
        let msg = fixture(include_bytes!("../../../../tests/fixtures/koi8-r.eml"));
        assert_eq!(msg.subject.as_deref(), Some("Встреча в пятницу"));
        assert_eq!(
            msg.from,
            vec![addr(Some("Дмитрий Иванов"), "dmitry@example.ru")]
        );
        assert_eq!(msg.to, vec![addr(Some("Ольга"), "olga@example.ru")]);
        assert_eq!(
            msg.text.as_deref(),
            Some("Привет, Ольга!\n\nВстреча переносится на пятницу.\n\nС уважением,\nДмитрий\n")
        );
    }

    #[test]
    fn iso_2022_jp() {
        let msg = fixture(include_bytes!("../../../../tests/fixtures/iso-2022-jp.eml"));
        assert_eq!(msg.subject.as_deref(), Some("会議の予定について"));
        assert_eq!(msg.from, vec![addr(Some("佐藤花子"), "sato@example.jp")]);
        assert_eq!(
            msg.text.as_deref(),
            Some("山田様\n\n明日の会議は十時からです。\n資料を添付しておきます。\n\n佐藤\n")
        );
    }

    #[test]
    fn alternative_keeps_text_and_html_apart() {
        let msg = fixture(include_bytes!("../../../../tests/fixtures/alternative.eml"));
        // The fixture has CRLF line ends; the model has LF.
        assert_eq!(
            msg.text.as_deref(),
            Some(
                "Hallo zusammen,\n\ndie Sitzung am Donnerstag ist auf 15 Uhr verschoben.\n\
                 Raum: Großer Saal.\n\nGruß\nLena\n"
            )
        );
        let html = msg.html.as_deref().unwrap_or_default();
        assert!(html.contains("die <b>Sitzung</b> am Donnerstag"), "{html}");
        assert_eq!(msg.attachments, []);
        assert_eq!(msg.date, Some(1_710_863_100));
        assert_eq!(search_text(&msg), msg.text.clone().unwrap_or_default());
    }

    #[test]
    fn html_only_message_has_no_text() {
        let msg = fixture(
            b"From: a@example.org\nContent-Type: text/html; charset=utf-8\n\n<p>Nur <b>HTML</b></p>\n",
        );
        assert_eq!(msg.text, None);
        assert_eq!(msg.html.as_deref(), Some("<p>Nur <b>HTML</b></p>\n"));
        assert_eq!(snippet(&msg, 80), "Nur HTML");
    }

    fn pdf_bytes() -> Vec<u8> {
        let mut pdf =
            b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
                .to_vec();
        pdf.extend(0..=255u8);
        pdf.extend_from_slice(b"\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n");
        pdf
    }

    #[test]
    fn mixed_attachments_names_sizes_and_bytes() {
        let raw = include_bytes!("../../../../tests/fixtures/mixed-attachments.eml");
        let msg = fixture(raw);
        assert_eq!(
            msg.text.as_deref(),
            Some("Anbei der Lebenslauf und die Preisliste.\n")
        );
        assert_eq!(
            msg.attachments,
            vec![
                Part {
                    // RFC 2231 with continuations and a language tag.
                    name: Some("Größe résumé.pdf".into()),
                    mime_type: "application/pdf".into(),
                    size: 353,
                    content_id: None,
                    inline: false,
                    index: 2,
                },
                Part {
                    // RFC 2047 in the Content-Type name parameter.
                    name: Some("Preisliste März.csv".into()),
                    mime_type: "text/csv".into(),
                    size: 38,
                    content_id: None,
                    inline: false,
                    index: 3,
                },
            ]
        );
        assert_eq!(part_bytes(raw, 2), Some(pdf_bytes()));
        // The text attachment keeps its Latin-1 bytes.
        assert_eq!(
            part_bytes(raw, 3).as_deref(),
            Some(&b"Artikel;Preis\nK\xe4se;4,20\nBr\xf6tchen;0,45\n"[..])
        );
        assert_eq!(
            part_bytes(raw, 0),
            None,
            "a multipart container has no bytes"
        );
        assert_eq!(part_bytes(raw, 99), None);
    }

    #[test]
    fn related_html_with_a_cid_image() {
        let raw = include_bytes!("../../../../tests/fixtures/related-cid.eml");
        let msg = fixture(raw);
        assert_eq!(msg.text.as_deref(), Some("Hier ist das neue Logo.\n"));
        let html = msg.html.as_deref().unwrap_or_default();
        assert!(
            html.contains(r#"<img src="cid:logo.2024@example.com""#),
            "{html}"
        );
        assert_eq!(
            msg.attachments,
            vec![Part {
                name: Some("logo.png".into()),
                mime_type: "image/png".into(),
                size: 70,
                content_id: Some("logo.2024@example.com".into()),
                inline: true,
                index: 4,
            }]
        );
        let png = part_bytes(raw, 4).unwrap_or_default();
        assert_eq!(png.len(), 70);
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
        // The image the reader resolves through cid: is neither removed
        // nor counted as remote.
        assert!(html::sanitize(html).contains(r#"src="cid:logo.2024@example.com""#));
        assert!(!html::has_remote_content(html));
    }

    #[test]
    fn attached_message_is_one_attachment() {
        let raw = include_bytes!("../../../../tests/fixtures/forwarded-rfc822.eml");
        let msg = fixture(raw);
        assert_eq!(msg.subject.as_deref(), Some("Fwd: Quartalszahlen Q1"));
        assert_eq!(msg.text.as_deref(), Some("Zur Info, siehe unten.\n"));
        assert_eq!(
            msg.attachments,
            vec![Part {
                name: None,
                mime_type: "message/rfc822".into(),
                size: 216,
                content_id: None,
                inline: false,
                index: 2,
            }]
        );
        let inner_raw = part_bytes(raw, 2).unwrap_or_default();
        assert!(inner_raw.starts_with(b"From: Finanz <finanz@example.com>\n"));
        assert!(inner_raw.ends_with(b"Umsatz Q1: 1,2 Mio. Euro.\n"));
        let inner = fixture(&inner_raw);
        assert_eq!(inner.subject.as_deref(), Some("Quartalszahlen Q1"));
        assert_eq!(inner.text.as_deref(), Some("Umsatz Q1: 1,2 Mio. Euro.\n"));
    }

    #[test]
    fn newsletter_text_part_is_the_snippet_source() {
        let msg = fixture(include_bytes!("../../../../tests/fixtures/newsletter.eml"));
        assert_eq!(
            msg.subject.as_deref(),
            Some("Frühlingsangebote im Gartenmarkt")
        );
        assert_eq!(
            snippet(&msg, 100),
            "Frühlingsangebote Alles für den Garten: https://shop.news.example/garten"
        );
        assert!(msg.html.as_deref().is_some_and(|h| h.contains("<script>")));
    }

    #[test]
    fn broken_mime_is_salvaged() {
        let raw = include_bytes!("../../../../tests/fixtures/broken-mime.eml");
        let msg = fixture(raw);
        assert_eq!(msg.subject.as_deref(), Some("Defekte Nachricht"));
        // Unknown charset label: the bytes are UTF-8 and are read as such.
        assert_eq!(
            msg.text.as_deref(),
            Some("Grüße trotz falscher Zeichensatzangabe.\n")
        );
        assert_eq!(
            msg.attachments,
            vec![Part {
                name: Some("daten.bin".into()),
                mime_type: "application/octet-stream".into(),
                size: 39,
                content_id: None,
                inline: false,
                index: 2,
            }]
        );
        // The base64 was cut off and the closing boundary never came: what
        // did arrive is decoded.
        assert_eq!(
            part_bytes(raw, 2).as_deref(),
            Some(&b"Erste Zeile der Daten\nZweite Zeile der "[..])
        );
    }

    #[test]
    fn message_without_body() {
        let msg = fixture(include_bytes!("../../../../tests/fixtures/no-body.eml"));
        assert_eq!(msg.subject.as_deref(), Some("Nur Betreff"));
        assert_eq!(msg.from, vec![addr(Some("Leer"), "leer@example.com")]);
        assert_eq!(msg.date, Some(1_711_310_400));
        assert_eq!((msg.text.as_deref(), msg.html.as_deref()), (None, None));
        assert_eq!(msg.attachments, []);
        assert_eq!(snippet(&msg, 80), "");
        assert_eq!(search_text(&msg), "");
    }

    #[test]
    fn data_that_is_not_a_message_is_an_error() {
        for input in [
            &b""[..],
            b"\n\n\n",
            b"just some words",
            b"\x00\x01\x02\xff\xfe",
        ] {
            match parse(input) {
                Err(Error::NotAMessage) => {}
                other => panic!("{input:?} gave {other:?}"),
            }
        }
        assert!(
            Error::NotAMessage
                .to_string()
                .contains("not an email message")
        );
    }

    #[test]
    fn odd_headers_do_not_fail() {
        // An mbox "From " line, a name without an address, a date in words
        // and an encoded word in an unknown charset.
        let raw = b"From Leer Mon Jan  1 00:00:00 2024\nFrom: Only A Name\nDate: yesterday-ish\n\
                    Subject: =?x-unknown?Q?caf=E9?=\n\nBody\n";
        let msg = fixture(raw);
        assert_eq!(msg.date, None);
        assert_eq!(msg.from, vec![addr(Some("Only A Name"), "")]);
        assert_eq!(msg.subject.as_deref(), Some("caf\u{fffd}"));
        assert_eq!(msg.text.as_deref(), Some("Body\n"));
        // A date mail-parser reads but that cannot exist.
        let msg = fixture(b"From: a@example.org\nDate: Mon, 32 Feb 2024 25:61:00 +0000\n\nx\n");
        assert_eq!(msg.date, None);
    }

    #[test]
    fn attachment_names_cannot_pick_a_directory() {
        assert_eq!(file_name("../../etc/passwd").as_deref(), Some("passwd"));
        assert_eq!(
            file_name(r"C:\Users\x\report.pdf").as_deref(),
            Some("report.pdf")
        );
        assert_eq!(
            file_name("bad\u{7}name.txt").as_deref(),
            Some("badname.txt")
        );
        assert_eq!(file_name(".."), None);
        assert_eq!(file_name("dir/"), None);
    }

    #[test]
    fn base64_salvage_keeps_whole_groups() {
        assert_eq!(salvage_base64(b"QUJD\nREVG\nR0"), b"ABCDEF");
        assert_eq!(salvage_base64(b"QUI=\n"), b"AB");
        assert_eq!(salvage_base64(b"QUJD!!REVG"), b"ABC");
        assert_eq!(salvage_base64(b""), b"");
    }

    #[test]
    fn crlf_becomes_lf_and_a_lone_cr_stays() {
        assert_eq!(lf_only("a\r\nb\r\n"), "a\nb\n");
        assert_eq!(lf_only("a\rb\r"), "a\rb\r");
        assert_eq!(lf_only("\r\r\nä\r\n\n"), "\r\nä\n\n");
        assert_eq!(lf_only(""), "");
    }
}
