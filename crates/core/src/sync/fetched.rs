//! A store row from one untagged FETCH response to the header sync's
//! items, read from the bytes `net::imap_raw` framed.
//!
//! The responses Dovecot and most servers send for those items have one
//! shape, read here by hand: 1000 of them took 2.3 ms through imap-proto's
//! general parser and its allocations (a tenth of Postel's CPU in a 20k
//! header sync), 0.3 ms here. Anything else (another order of items, lower
//! case, NIL, an item this shape does not know) goes to imap-proto, so
//! nothing the server may say is lost, only slower.

use std::borrow::Cow;

use async_imap::types::Flag;

use super::envelope;
use crate::store::{Flags, NewMessage};

fn flags_from<'a>(flags: impl Iterator<Item = Flag<'a>>) -> (Flags, String) {
    let mut bits = 0;
    let mut keywords = Vec::new();
    for flag in flags {
        match flag {
            Flag::Seen => bits |= Flags::SEEN,
            Flag::Answered => bits |= Flags::ANSWERED,
            Flag::Flagged => bits |= Flags::FLAGGED,
            Flag::Deleted => bits |= Flags::DELETED,
            Flag::Draft => bits |= Flags::DRAFT,
            Flag::Recent | Flag::MayCreate => {}
            Flag::Custom(k) => keywords.push(k.to_string()),
        }
    }
    (Flags(bits), keywords.join(" "))
}

/// Unix seconds of an INTERNALDATE (`" 7-Mar-2026 09:05:00 +0100"`).
fn internal_date(text: &str) -> Option<i64> {
    // The day is padded with a space, which strptime's %d does not take.
    jiff::fmt::strtime::parse("%d-%b-%Y %H:%M:%S %z", text.trim_start())
        .and_then(|t| t.to_timestamp())
        .ok()
        .map(|t| t.as_second())
}

/// What Postel asks of a FETCH response, borrowed where it can be.
#[derive(Debug, Default)]
struct Items<'a> {
    uid: Option<u32>,
    /// None when the response has no FLAGS item (not the same as none set).
    flags: Option<Vec<Cow<'a, str>>>,
    arrival: Option<i64>,
    size: u32,
    modseq: Option<u64>,
    /// The data of its `BODY[…]` item (the header fields, or the whole
    /// message for a prefetch).
    section: Option<Cow<'a, [u8]>>,
}

/// A store row from one untagged response to the header sync's items;
/// None for any other response (EXISTS, EXPUNGE, a FETCH without UID) and
/// for one that cannot be parsed.
pub(crate) fn row_of(response: &[u8]) -> Option<NewMessage> {
    row(&items_of(response)?)
}

/// The UID and the message of one response to a prefetch's
/// `(UID BODY.PEEK[])`.
pub(crate) fn uid_and_message(response: &[u8]) -> Option<(u32, Cow<'_, [u8]>)> {
    let items = items_of(response)?;
    Some((items.uid?, items.section?))
}

/// A flag sync's answer for one message (`(UID FLAGS)`, MODSEQ with
/// CONDSTORE): its UID, flags, keywords and MODSEQ; None for a response
/// that does not name both UID and FLAGS.
pub(crate) fn uid_and_flags(response: &[u8]) -> Option<(u32, Flags, String, Option<u64>)> {
    let items = items_of(response)?;
    let names = items.flags.as_ref()?;
    let (flags, keywords) = flags_from(names.iter().map(|n| Flag::from(n.as_ref())));
    Some((items.uid?, flags, keywords, items.modseq))
}

/// A FETCH response neither reading understands: a flag sync must not
/// record the folder's new MODSEQ past a change it could not read.
pub(crate) fn unreadable(response: &[u8]) -> bool {
    let fetch = response
        .strip_prefix(b"* ")
        .map(|rest| rest.trim_ascii_start())
        .and_then(|rest| {
            rest.iter()
                .position(|b| !b.is_ascii_digit())
                .map(|n| &rest[n..])
        })
        .is_some_and(|rest| rest.len() >= 7 && rest[..7].eq_ignore_ascii_case(b" FETCH "));
    fetch && items_of(response).is_none()
}

/// The items of a FETCH response: read by hand in the usual shape, by
/// imap-proto otherwise; None for any other response.
fn items_of(response: &[u8]) -> Option<Items<'_>> {
    scan(response).or_else(|| parsed(response))
}

/// [`items_of`] through imap-proto's parser, for any response.
fn parsed(response: &[u8]) -> Option<Items<'_>> {
    use async_imap::imap_proto::{AttributeValue, Response};
    // imap-proto has panicked on hostile bytes before (a response code
    // running into non-ASCII text, found by the fuzzer; the guard now
    // refuses that): a panic here is one response that cannot be read.
    let Ok(parsed) = std::panic::catch_unwind(|| Response::parse(response)) else {
        tracing::warn!(
            "IMAP: a FETCH response made the parser fail: {}",
            crate::net::excerpt(response)
        );
        return None;
    };
    let attributes = match parsed {
        Ok((_, Response::Fetch(_, attributes))) => attributes,
        Ok(_) => return None,
        Err(_) => {
            // The parser's error holds the rest of the response: the
            // message's text, and megabytes of it.
            tracing::warn!(
                "IMAP: a FETCH response could not be parsed: {}",
                crate::net::excerpt(response)
            );
            return None;
        }
    };
    let mut items = Items::default();
    for attribute in attributes {
        match attribute {
            AttributeValue::Uid(uid) => items.uid = Some(uid),
            AttributeValue::Flags(names) => items.flags = Some(names),
            AttributeValue::Rfc822Size(size) => items.size = size,
            AttributeValue::ModSeq(modseq) => items.modseq = Some(modseq),
            AttributeValue::InternalDate(date) => items.arrival = internal_date(&date),
            // NIL is there all the same: an empty section.
            AttributeValue::BodySection { data, .. }
            | AttributeValue::Rfc822(data)
            | AttributeValue::Rfc822Header(data) => {
                items.section = Some(data.unwrap_or(Cow::Borrowed(b"")));
            }
            _ => {}
        }
    }
    Some(items)
}

/// A row of the items; None without the BODY item (an unsolicited FETCH
/// of flags is no message to store).
fn row(items: &Items<'_>) -> Option<NewMessage> {
    let header = items.section.as_deref()?;
    let (flags, keywords) =
        flags_from(items.flags.iter().flatten().map(|n| Flag::from(n.as_ref())));
    let mut m = NewMessage {
        uid: Some(items.uid?),
        flags,
        keywords,
        size: u64::from(items.size),
        modseq: items.modseq,
        ..NewMessage::default()
    };
    envelope::fill(&mut m, header, items.arrival);
    Some(m)
}

/// Reads the usual shape of a response to the header sync's items
/// (`* 12 FETCH (UID 345 FLAGS (\Seen) INTERNALDATE "…" RFC822.SIZE 2048
/// MODSEQ (77) BODY[HEADER.FIELDS (…)] {n}` CRLF bytes `)` CRLF), its items
/// in any order; None for anything else.
fn scan(response: &[u8]) -> Option<Items<'_>> {
    let mut c = Cursor { b: response, i: 0 };
    c.eat(b"* ")?;
    c.number::<u32>()?;
    c.eat(b" FETCH (")?;
    let mut items = Items::default();
    loop {
        if c.eat(b"UID ").is_some() {
            items.uid = Some(c.number()?);
        } else if c.eat(b"FLAGS (").is_some() {
            let flags = items.flags.insert(Vec::new());
            if c.eat(b")").is_none() {
                loop {
                    let name = c.take_until(|b| b == b' ' || b == b')');
                    if name.is_empty() {
                        return None;
                    }
                    flags.push(Cow::Borrowed(std::str::from_utf8(name).ok()?));
                    if c.eat(b")").is_some() {
                        break;
                    }
                    c.eat(b" ")?;
                }
            }
        } else if c.eat(b"INTERNALDATE ").is_some() {
            let date = c.quoted()?;
            items.arrival = internal_date(std::str::from_utf8(&date).ok()?);
        } else if c.eat(b"RFC822.SIZE ").is_some() {
            items.size = c.number()?;
        } else if c.eat(b"MODSEQ (").is_some() {
            items.modseq = Some(c.number()?);
            c.eat(b")")?;
        } else if c.eat(b"BODY[").is_some() {
            c.take_until(|b| b == b']');
            c.eat(b"] ")?;
            items.section = Some(match c.peek()? {
                b'{' => Cow::Borrowed(c.literal()?),
                b'"' => c.quoted()?,
                _ => return None,
            });
        } else {
            return None;
        }
        if c.eat(b")\r\n").is_some() {
            return (c.i == response.len()).then_some(items);
        }
        c.eat(b" ")?;
    }
}

struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Cursor<'a> {
    fn eat(&mut self, text: &[u8]) -> Option<()> {
        self.b[self.i..]
            .starts_with(text)
            .then(|| self.i += text.len())
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn take_until(&mut self, stop: impl Fn(u8) -> bool) -> &'a [u8] {
        let rest = &self.b[self.i..];
        let n = rest.iter().position(|&b| stop(b)).unwrap_or(rest.len());
        self.i += n;
        &rest[..n]
    }

    fn number<T: std::str::FromStr>(&mut self) -> Option<T> {
        let digits = self.take_until(|b| !b.is_ascii_digit());
        std::str::from_utf8(digits).ok()?.parse().ok()
    }

    /// A quoted string, its backslash escapes undone.
    fn quoted(&mut self) -> Option<Cow<'a, [u8]>> {
        self.eat(b"\"")?;
        let start = self.i;
        let mut owned: Option<Vec<u8>> = None;
        loop {
            let run = self.take_until(|b| b == b'"' || b == b'\\' || b == b'\r' || b == b'\n');
            match self.peek()? {
                b'"' => {
                    self.i += 1;
                    return Some(match owned {
                        Some(mut text) => {
                            text.extend_from_slice(run);
                            Cow::Owned(text)
                        }
                        None => Cow::Borrowed(&self.b[start..self.i - 1]),
                    });
                }
                b'\\' => {
                    let escaped = *self.b.get(self.i + 1)?;
                    let text = owned.get_or_insert_with(Vec::new);
                    text.extend_from_slice(run);
                    text.push(escaped);
                    self.i += 2;
                }
                _ => return None,
            }
        }
    }

    /// `{n}` CRLF and the n bytes after it.
    fn literal(&mut self) -> Option<&'a [u8]> {
        self.eat(b"{")?;
        let n: usize = self.number()?;
        self.eat(b"}\r\n")?;
        let bytes = self.b.get(self.i..self.i.checked_add(n)?)?;
        self.i += n;
        Some(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_dates_read_with_a_padded_day_and_a_zone() {
        assert_eq!(
            internal_date(" 7-Mar-2026 09:05:00 +0100"),
            Some(1_772_870_700)
        );
        assert_eq!(
            internal_date("17-Mar-2026 09:05:00 +0100"),
            Some(1_772_870_700 + 864_000)
        );
        assert_eq!(
            internal_date("07-Mar-2026 08:05:00 +0000"),
            Some(1_772_870_700)
        );
        assert_eq!(internal_date("yesterday"), None);
    }

    #[test]
    fn a_fetch_response_becomes_a_row() {
        let header = "From: =?UTF-8?Q?Z=C3=B6e?= <zoe@example.test>\r\n\
            Subject: Hello\r\nDate: Sat, 07 Mar 2026 09:00:00 +0000\r\n\
            Message-ID: <a@x>\r\n\r\n";
        let response = format!(
            "* 12 FETCH (UID 345 FLAGS (\\Seen $Work \\Recent) INTERNALDATE \" 7-Mar-2026 09:05:00 +0100\" \
             RFC822.SIZE 2048 MODSEQ (77) BODY[HEADER.FIELDS (FROM SUBJECT DATE MESSAGE-ID)] {{{}}}\r\n{header})\r\n",
            header.len()
        );
        let m = row_of(response.as_bytes()).expect("a row");
        assert_eq!(m.uid, Some(345));
        assert_eq!(
            (m.flags, m.keywords.as_str()),
            (Flags(Flags::SEEN), "$Work")
        );
        assert_eq!((m.size, m.modseq), (2048, Some(77)));
        assert_eq!(
            (m.from_name.as_str(), m.from_addr.as_str()),
            ("Zöe", "zoe@example.test")
        );
        assert_eq!(m.subject, "Hello");
        assert_eq!(m.message_id.as_deref(), Some("a@x"));
        assert_eq!(m.date, 1_772_874_000);
        // No Date header: the server's arrival time.
        let bare =
            "* 1 FETCH (UID 9 INTERNALDATE \"07-Mar-2026 08:05:00 +0000\" BODY[HEADER] NIL)\r\n";
        assert_eq!(row_of(bare.as_bytes()).map(|m| m.date), Some(1_772_870_700));
    }

    /// Responses as servers word them: the hand-read shape and imap-proto
    /// must make the same row of each.
    #[test]
    fn the_usual_shape_reads_as_imap_proto_reads_it() {
        let header = "From: \"A \\\"B\\\"\" <a@x>\r\nSubject: =?ISO-8859-1?Q?caf=E9?=\r\n\r\n";
        let literal = format!("{{{}}}\r\n{header}", header.len());
        let quoted = "\"Subject: say \\\"hi\\\" \\\\ bye\r\n\r\n\"".replace("\r\n", " ");
        let cases = [
            format!(
                "* 1 FETCH (UID 7 FLAGS () INTERNALDATE \"01-Jan-2026 00:00:00 +0000\" RFC822.SIZE 10 BODY[HEADER.FIELDS (FROM SUBJECT)] {literal})\r\n"
            ),
            format!(
                "* 2 FETCH (FLAGS (\\Flagged \\Seen $Label1 NonJunk) UID 8 MODSEQ (12345678901) RFC822.SIZE 99 BODY[HEADER] {literal} INTERNALDATE \" 2-Feb-2026 10:11:12 -0500\")\r\n"
            ),
            "* 4 FETCH (UID 10 FLAGS (\\Answered) RFC822.SIZE 0 BODY[HEADER] {0}\r\n)\r\n"
                .to_owned(),
        ];
        for case in &cases {
            let fast = scan(case.as_bytes()).and_then(|items| row(&items));
            assert!(fast.is_some(), "not read by hand: {case}");
            assert_eq!(
                fast,
                parsed(case.as_bytes()).and_then(|items| row(&items)),
                "{case}"
            );
        }
        // imap-proto leaves a quoted string's escapes as they are; undone
        // here, as RFC 3501 means them.
        let quoted = format!("* 3 FETCH (UID 9 BODY[HEADER.FIELDS (SUBJECT)] {quoted})\r\n");
        let escaped = scan(quoted.as_bytes()).and_then(|items| items.section);
        assert_eq!(
            escaped.as_deref(),
            Some(&b"Subject: say \"hi\" \\ bye  "[..])
        );
    }

    /// Shapes the hand reading leaves to imap-proto, which still reads them.
    #[test]
    fn other_shapes_fall_back_to_imap_proto() {
        for case in [
            "* 1 FETCH (uid 7 BODY[HEADER] {0}\r\n)\r\n",
            "* 1 FETCH (UID 7 BODY[HEADER] NIL)\r\n",
            "* 1 FETCH (UID 7 BODY[HEADER]<0> {0}\r\n)\r\n",
            "* 1 FETCH (UID 7 X-GM-MSGID 123 BODY[HEADER] {0}\r\n)\r\n",
            "* 1 FETCH (UID 7 BODY[HEADER] {5}\r\nab\r\n)\r\n",
        ] {
            assert!(scan(case.as_bytes()).is_none(), "{case}");
            let _ = row_of(case.as_bytes());
        }
        assert_eq!(
            row_of(b"* 1 FETCH (uid 7 BODY[HEADER] {0}\r\n)\r\n").and_then(|m| m.uid),
            Some(7)
        );
    }

    #[test]
    fn a_prefetched_message_comes_back_whole() {
        let message = "Subject: x\r\n\r\nA line ending in {5}\r\n)\r\n* 2 FETCH (UID 3)\r\n";
        for response in [
            format!(
                "* 1 FETCH (UID 42 BODY[] {{{}}}\r\n{message})\r\n",
                message.len()
            ),
            format!(
                "* 1 FETCH (BODY[] {{{}}}\r\n{message} uid 42)\r\n",
                message.len()
            ),
        ] {
            let (uid, raw) = uid_and_message(response.as_bytes()).expect("read");
            assert_eq!((uid, raw.as_ref()), (42, message.as_bytes()), "{response}");
        }
        assert!(uid_and_message(b"* 1 FETCH (UID 42 FLAGS (\\Seen))\r\n").is_none());
    }

    #[test]
    fn a_flag_sync_reads_flags_and_modseq() {
        assert_eq!(
            uid_and_flags(b"* 3 FETCH (UID 9 FLAGS (\\Seen $Todo) MODSEQ (41))\r\n"),
            Some((9, Flags(Flags::SEEN), "$Todo".to_owned(), Some(41)))
        );
        assert_eq!(
            uid_and_flags(b"* 3 FETCH (FLAGS () UID 9)\r\n"),
            Some((9, Flags(0), String::new(), None))
        );
        // Without FLAGS nothing is known of them: no change, not "none set".
        assert_eq!(uid_and_flags(b"* 3 FETCH (UID 9 MODSEQ (41))\r\n"), None);
        assert_eq!(uid_and_flags(b"* 3 FETCH (FLAGS (\\Seen))\r\n"), None);
    }

    #[test]
    fn a_fetch_without_the_body_item_is_no_row_and_nil_is_an_empty_one() {
        // Flags another client changed, told in the middle of a batch.
        assert!(row_of(b"* 4 FETCH (UID 10 FLAGS (\\Seen) MODSEQ (5))\r\n").is_none());
        let nil = row_of(b"* 4 FETCH (UID 10 FLAGS () BODY[HEADER] NIL)\r\n");
        assert_eq!(
            nil.map(|m| (m.uid, m.subject)),
            Some((Some(10), String::new()))
        );
    }

    #[test]
    fn only_a_fetch_neither_reading_understands_is_unreadable() {
        assert!(unreadable(b"* 4 FETCH (UID 10 FLAGS (\\Seen)\r\n"));
        assert!(unreadable(b"* 4 fetch (UID 10 FLAGS \\Seen))\r\n"));
        assert!(!unreadable(b"* 4 FETCH (UID 10 FLAGS (\\Seen))\r\n"));
        assert!(!unreadable(b"* 4 EXPUNGE\r\n"));
        assert!(!unreadable(b"* OK [HIGHESTMODSEQ 7] still here\r\n"));
    }

    #[test]
    fn other_responses_are_no_rows() {
        for other in [
            "* 3 EXISTS\r\n",
            "* 2 EXPUNGE\r\n",
            "* 4 FETCH (FLAGS (\\Seen))\r\n",
            "* 5 FETCH (UID\r\n",
        ] {
            assert!(row_of(other.as_bytes()).is_none(), "{other}");
        }
    }
}
