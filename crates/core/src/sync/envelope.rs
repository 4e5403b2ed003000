//! Turns the header fields fetched at sync time into a store row, decoding
//! RFC 2047 words and charsets with mail-parser.

use mail_parser::{Address, HeaderValue, MessageParser};

use crate::store::NewMessage;

/// The header fields a list needs; fetched instead of ENVELOPE because
/// ENVELOPE lacks References and leaves encoded words to the client.
pub const FIELDS: &str = "FROM TO CC SUBJECT DATE MESSAGE-ID IN-REPLY-TO REFERENCES CONTENT-TYPE";

/// Fills the header-derived fields of `m` from raw header bytes.
pub fn fill(m: &mut NewMessage, headers: &[u8], arrival: Option<i64>) {
    let parsed = MessageParser::new().parse_headers(headers);
    let Some(msg) = parsed else {
        m.date = arrival.unwrap_or(0);
        return;
    };
    if let Some(from) = msg.from().and_then(Address::first) {
        m.from_name = from.name().unwrap_or_default().to_owned();
        m.from_addr = from.address().unwrap_or_default().to_owned();
    }
    m.to = addresses(msg.to());
    m.cc = addresses(msg.cc());
    m.subject = msg.subject().unwrap_or_default().to_owned();
    // A missing or absurd Date header falls back to the server's arrival time.
    m.date = msg
        .date()
        .map(|d| d.to_timestamp())
        .filter(|t| *t > 0)
        .or(arrival)
        .unwrap_or(0);
    m.message_id = msg.message_id().map(str::to_owned);
    m.in_reply_to = first_id(msg.in_reply_to());
    m.references = ids(msg.references()).join(" ");
    let content_type = msg
        .header("Content-Type")
        .and_then(HeaderValue::as_content_type);
    m.has_attachments = content_type.is_some_and(|ct| {
        let (t, s) = (ct.ctype(), ct.subtype().unwrap_or_default());
        (t.eq_ignore_ascii_case("multipart") && s.eq_ignore_ascii_case("mixed"))
            || t.eq_ignore_ascii_case("application")
    });
    // Standard reports by their type; other bounces by their sender
    // (`message::bounce`), read once their bodies are here.
    m.report = content_type.is_some_and(|ct| {
        ct.ctype().eq_ignore_ascii_case("multipart")
            && ct
                .subtype()
                .is_some_and(|s| s.eq_ignore_ascii_case("report"))
    }) || crate::message::bounce::from_mail_system(&m.from_addr);
}

fn addresses(addr: Option<&Address<'_>>) -> String {
    let Some(addr) = addr else {
        return String::new();
    };
    addr.iter()
        .map(|a| match (a.name(), a.address()) {
            (Some(n), Some(e)) if !n.is_empty() => format!("{n} <{e}>"),
            (_, Some(e)) => e.to_owned(),
            (Some(n), None) => n.to_owned(),
            (None, None) => String::new(),
        })
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

fn ids(value: &HeaderValue<'_>) -> Vec<String> {
    match value {
        HeaderValue::Text(t) => vec![t.to_string()],
        HeaderValue::TextList(list) => list.iter().map(|t| t.to_string()).collect(),
        _ => Vec::new(),
    }
}

fn first_id(value: &HeaderValue<'_>) -> Option<String> {
    ids(value).into_iter().next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_encoded_words_and_threads() {
        let raw = b"From: =?ISO-8859-1?Q?J=F6rg_M=FCller?= <jorg@example.test>\r\n\
To: Ann <ann@example.test>, bob@example.test\r\n\
Subject: =?UTF-8?B?R3LDvMOfZSBhdXMgS8O2bG4=?=\r\n\
Date: Tue, 3 Mar 2026 10:00:00 +0100\r\n\
Message-ID: <m2@example.test>\r\n\
In-Reply-To: <m1@example.test>\r\n\
References: <m0@example.test> <m1@example.test>\r\n\
Content-Type: multipart/mixed; boundary=x\r\n\r\n";
        let mut m = NewMessage::default();
        fill(&mut m, raw, Some(5));
        assert_eq!(m.from_name, "Jörg Müller");
        assert_eq!(m.from_addr, "jorg@example.test");
        assert_eq!(m.to, "Ann <ann@example.test>, bob@example.test");
        assert_eq!(m.subject, "Grüße aus Köln");
        assert_eq!(m.date, 1_772_528_400);
        assert_eq!(m.message_id.as_deref(), Some("m2@example.test"));
        assert_eq!(m.in_reply_to.as_deref(), Some("m1@example.test"));
        assert_eq!(m.references, "m0@example.test m1@example.test");
        assert!(m.has_attachments);
    }

    #[test]
    fn missing_date_uses_arrival_time() {
        let mut m = NewMessage::default();
        fill(
            &mut m,
            b"Subject: hi\r\nContent-Type: text/plain\r\n\r\n",
            Some(1234),
        );
        assert_eq!(m.date, 1234);
        assert!(!m.has_attachments);
    }
}
