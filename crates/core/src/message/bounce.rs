//! Bounces with no machine-readable part: qmail's ("Hi. This is the
//! qmail-send program…" with the message's copy below a line), old
//! Sendmails' and some appliances' (the message attached as
//! `message/rfc822`). Nothing in them is standard but two things: they
//! come from the mail system (`MAILER-DAEMON`, `postmaster`), and they
//! return the message's headers, whose Message-ID names the message they
//! are about. Who failed is read only where the text names a recipient of
//! that message (or the message had one recipient); anything else leaves
//! the bounce tied to the message without a state, and a message that is
//! none of this stays ordinary mail.

use mail_parser::{MessageParser, MimeHeaders, PartType};

use super::report::{self, Action, Recipient};

/// The most bytes of the explaining text read: the reason is in its
/// first lines, and a copy of a large message may follow it.
pub const MAX_TEXT: usize = 64 * 1024;
/// The most characters of a reason kept: a line or two of the server's
/// words.
pub const MAX_REASON: usize = 400;

/// A bounce without a report part: what it is about and what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bounce {
    /// The returned message's Message-ID, without brackets.
    pub message_id: String,
    /// The text before the returned copy, at most [`MAX_TEXT`] bytes.
    text: String,
}

/// Whether a sender is the mail system's own, whose mail may be a bounce
/// (RFC 5321 §4.5.1 postmaster; MAILER-DAEMON by long convention).
pub fn from_mail_system(address: &str) -> bool {
    let local = address.rsplit_once('@').map_or(address, |(l, _)| l);
    local.eq_ignore_ascii_case("mailer-daemon") || local.eq_ignore_ascii_case("postmaster")
}

/// The bounce in `raw`, when it is one without a report part (not
/// `multipart/report`): from the mail system, and returning a Message-ID.
pub fn read(raw: &[u8]) -> Option<Bounce> {
    let message = MessageParser::default().parse(raw)?;
    let from = message.from()?.first()?.address()?;
    // A standard report is `report::read`'s, whether it reads or not.
    let standard = message.content_type().is_some_and(|ct| {
        ct.ctype().eq_ignore_ascii_case("multipart")
            && ct
                .subtype()
                .is_some_and(|s| s.eq_ignore_ascii_case("report"))
    });
    if !from_mail_system(from) || standard {
        return None;
    }
    let mut text = String::new();
    let mut returned = None;
    for part in &message.parts {
        match &part.body {
            PartType::Text(t) if text.is_empty() => {
                let t = &t[..floor(t, MAX_TEXT)];
                let (before, copy) = split_at_copy(t);
                text = before.to_owned();
                returned = returned.or_else(|| copy.and_then(message_id_in));
            }
            PartType::Message(m) if returned.is_none() => {
                returned = m.message_id().map(str::to_owned);
            }
            // text/rfc822-headers comes as text; only its own part counts.
            PartType::Text(t)
                if returned.is_none()
                    && part
                        .content_type()
                        .and_then(|c| c.subtype())
                        .is_some_and(|s| s.eq_ignore_ascii_case("rfc822-headers")) =>
            {
                returned = message_id_in(&t[..floor(t, MAX_TEXT)]);
            }
            _ => {}
        }
    }
    let message_id = returned?
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .chars()
        .take(report::MAX_FIELD)
        .collect::<String>();
    (!message_id.is_empty()).then_some(Bounce { message_id, text })
}

impl Bounce {
    /// Who of `recipients` (the message's) failed: each one the text
    /// names, with the line that names them (and the next, where the
    /// reason goes on) as the reason; the only one when the message had
    /// one and the text names nobody.
    pub fn failed(&self, recipients: &[String]) -> Vec<Recipient> {
        let lines: Vec<&str> = self.text.lines().map(str::trim).collect();
        let mut found: Vec<Recipient> = recipients
            .iter()
            .filter_map(|address| {
                let wanted = address.to_ascii_lowercase();
                let at = lines
                    .iter()
                    .position(|l| l.to_ascii_lowercase().contains(&wanted))?;
                Some(failed(address, reason(&lines[at..])))
            })
            .collect();
        if found.is_empty()
            && let [only] = recipients
        {
            let start = lines.iter().position(|l| !l.is_empty()).unwrap_or(0);
            found.push(failed(only, reason(&lines[start..])));
        }
        found
    }
}

fn failed(address: &str, reason: String) -> Recipient {
    Recipient {
        address: address.to_owned(),
        action: Action::Failed,
        status: status_in(&reason),
        diagnostic: (!reason.is_empty()).then_some(reason),
        remote_mta: None,
    }
}

/// The line at the start of `lines` and the next ones that are not
/// empty, as one line of at most [`MAX_REASON`] characters.
fn reason(lines: &[&str]) -> String {
    let joined = lines
        .iter()
        .take_while(|l| !l.is_empty())
        .take(3)
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    crate::mailto::one_line(&joined)
        .chars()
        .take(MAX_REASON)
        .collect()
}

/// An enhanced status code (RFC 3463) in `text`: "5.1.1".
fn status_in(text: &str) -> Option<String> {
    text.split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .find(|word| {
            let parts: Vec<&str> = word.split('.').collect();
            parts.len() == 3
                && matches!(parts[0], "2" | "4" | "5")
                && parts[1..]
                    .iter()
                    .all(|p| (1..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
        })
        .map(str::to_owned)
}

/// The text before the copy of the message, and the copy: the copy
/// starts at its first line that is a header field a message's copy
/// starts with.
fn split_at_copy(text: &str) -> (&str, Option<&str>) {
    const STARTS: [&str; 4] = ["return-path:", "received:", "message-id:", "delivered-to:"];
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let lower = line.trim_start().to_ascii_lowercase();
        if STARTS.iter().any(|s| lower.starts_with(s)) {
            return (&text[..at], Some(&text[at..]));
        }
        at += line.len();
    }
    (text, None)
}

/// The Message-ID of headers given as text.
fn message_id_in(headers: &str) -> Option<String> {
    let parsed = MessageParser::default().parse_headers(headers.as_bytes())?;
    parsed.message_id().map(str::to_owned)
}

/// The largest char boundary of `s` at most `max`.
fn floor(s: &str, max: usize) -> usize {
    let mut at = s.len().min(max);
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[cfg(test)]
pub(crate) mod tests;
