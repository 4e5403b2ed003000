//! Reports about mail Postel sent, as they come back: delivery status
//! notifications (RFC 3464, `multipart/report; report-type=
//! delivery-status`) and read receipts (RFC 8098, `report-type=
//! disposition-notification`). Read as hostile input like any message:
//! only the machine-readable part is believed, every field is bounded,
//! and a report without one is no report (left as ordinary mail).
//!
//! Matching a report to the message it is about (its envelope id, or the
//! Message-ID of the returned headers) and keeping each recipient's state
//! is the sync's part.

use mail_parser::{MessageParser, MimeHeaders};

/// The most recipients read from one report: a message to a list of
/// thousands comes back as reports of a few each.
pub const MAX_RECIPIENTS: usize = 1000;
/// The most characters kept of one field (a diagnostic is a sentence or
/// two; a server may send pages).
pub const MAX_FIELD: usize = 1000;
/// The most bytes of a report parsed: its status part comes before the
/// message returned with it, so a report returning a whole large message
/// (RET=FULL, or a server that ignores RET=HDRS) is read from its first
/// bytes; reading is done inside the store's write, which must stay short.
pub const MAX_REPORT_BYTES: usize = 512 * 1024;
/// The most bytes of the status part read: its fields are a few hundred
/// bytes per recipient.
pub const MAX_STATUS_BYTES: usize = 256 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A delivery status notification.
    Delivery,
    /// A read receipt (message disposition notification).
    Disposition,
}

/// What a report says happened to the message for one recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Failed,
    /// Still being tried.
    Delayed,
    Delivered,
    /// Handed to a system that reports no further (as good as delivered).
    Relayed,
    /// Delivered to a list or alias that sends it on.
    Expanded,
    /// Shown to the reader (a read receipt).
    Displayed,
    /// A read receipt saying it was deleted unread, or another word.
    Other(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    /// As the sender wrote it (Original-Recipient), else as delivered.
    pub address: String,
    pub action: Action,
    /// The enhanced status code, like "5.1.1".
    pub status: Option<String>,
    /// The remote server's own words.
    pub diagnostic: Option<String>,
    pub remote_mta: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub kind: Kind,
    /// The envelope id the message was sent with (DSN).
    pub envelope_id: Option<String>,
    /// The Message-ID of the message reported on, without brackets: from
    /// the returned headers (DSN) or Original-Message-ID (read receipt).
    pub message_id: Option<String>,
    pub recipients: Vec<Recipient>,
}

/// The report in `raw`, if it is one with a machine-readable part.
pub fn read(raw: &[u8]) -> Option<Report> {
    let message = MessageParser::default().parse(raw)?;
    let content_type = message.content_type()?;
    if !content_type.ctype().eq_ignore_ascii_case("multipart")
        || !content_type
            .subtype()
            .is_some_and(|s| s.eq_ignore_ascii_case("report"))
    {
        return None;
    }
    let report_type = content_type.attribute("report-type")?.to_ascii_lowercase();
    let (kind, status_types): (Kind, &[&str]) = match report_type.as_str() {
        "delivery-status" => (
            Kind::Delivery,
            &["delivery-status", "global-delivery-status"],
        ),
        "disposition-notification" => (
            Kind::Disposition,
            &[
                "disposition-notification",
                "global-disposition-notification",
            ],
        ),
        _ => return None,
    };
    let mut status = None;
    let mut returned_id = None;
    for part in message.parts.iter().skip(1) {
        let Some(ct) = part.content_type() else {
            continue;
        };
        let subtype = ct.subtype().unwrap_or_default().to_ascii_lowercase();
        if !ct.ctype().eq_ignore_ascii_case("message") && !ct.ctype().eq_ignore_ascii_case("text") {
            continue;
        }
        if status.is_none() && status_types.contains(&subtype.as_str()) {
            status = Some(part.contents());
        } else if returned_id.is_none()
            && matches!(
                subtype.as_str(),
                "rfc822-headers" | "rfc822" | "global-headers"
            )
        {
            returned_id = message_id_in(part.contents());
        }
    }
    let status = status?;
    let status = &status[..status.len().min(MAX_STATUS_BYTES)];
    let blocks = blocks(&String::from_utf8_lossy(status));
    let (first, rest) = blocks.split_first()?;
    let field = |block: &[(String, String)], name: &str| {
        block
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| bounded(v))
    };
    let recipients = match kind {
        Kind::Delivery => rest
            .iter()
            .take(MAX_RECIPIENTS)
            .filter_map(|block| {
                let address = field(block, "original-recipient")
                    .or_else(|| field(block, "final-recipient"))
                    .map(|a| address_of(&a))?;
                Some(Recipient {
                    address,
                    action: action(&field(block, "action")?),
                    status: field(block, "status"),
                    diagnostic: field(block, "diagnostic-code").map(|d| address_of(&d)),
                    remote_mta: field(block, "remote-mta").map(|m| address_of(&m)),
                })
            })
            .collect(),
        // A read receipt is one block about one reader.
        Kind::Disposition => {
            let address = field(first, "original-recipient")
                .or_else(|| field(first, "final-recipient"))
                .map(|a| address_of(&a));
            let disposition = field(first, "disposition").unwrap_or_default();
            // "manual-action/MDN-sent-manually; displayed"
            let what = disposition
                .rsplit(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase();
            let action = match what.split('/').next().unwrap_or_default() {
                "displayed" => Action::Displayed,
                other => Action::Other(other.to_owned()),
            };
            address
                .map(|address| Recipient {
                    address,
                    action,
                    status: None,
                    diagnostic: None,
                    remote_mta: None,
                })
                .into_iter()
                .collect()
        }
    };
    let message_id = match kind {
        Kind::Delivery => returned_id,
        Kind::Disposition => field(first, "original-message-id")
            .map(|id| {
                id.trim()
                    .trim_start_matches('<')
                    .trim_end_matches('>')
                    .to_owned()
            })
            .or(returned_id),
    };
    Some(Report {
        kind,
        envelope_id: field(first, "original-envelope-id"),
        message_id,
        recipients,
    })
}

/// The status part's blocks of fields (separated by empty lines), each
/// field's name lower-cased and folded lines joined.
fn blocks(text: &str) -> Vec<Vec<(String, String)>> {
    let mut blocks: Vec<Vec<(String, String)>> = vec![Vec::new()];
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            if blocks.last().is_some_and(|b| !b.is_empty()) {
                if blocks.len() > MAX_RECIPIENTS {
                    break;
                }
                blocks.push(Vec::new());
            }
            continue;
        }
        let block = blocks.last_mut().expect("one block at least");
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = block.last_mut()
                && value.len() < MAX_FIELD
            {
                value.push(' ');
                value.push_str(line.trim());
            }
        } else if let Some((name, value)) = line.split_once(':') {
            block.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
        }
    }
    blocks.retain(|b| !b.is_empty());
    blocks
}

/// "rfc822; ben@example.test" -> "ben@example.test"; "smtp; 550 5.1.1 …"
/// -> "550 5.1.1 …": the value after its type.
fn address_of(value: &str) -> String {
    value
        .split_once(';')
        .map_or(value, |(_, v)| v)
        .trim()
        .to_owned()
}

fn action(value: &str) -> Action {
    match value.trim().to_ascii_lowercase().as_str() {
        "failed" => Action::Failed,
        "delayed" => Action::Delayed,
        "delivered" => Action::Delivered,
        "relayed" => Action::Relayed,
        "expanded" => Action::Expanded,
        other => Action::Other(other.chars().take(40).collect()),
    }
}

/// One line, no control characters, at most [`MAX_FIELD`] characters.
fn bounded(value: &str) -> String {
    crate::mailto::one_line(value)
        .chars()
        .take(MAX_FIELD)
        .collect()
}

/// The Message-ID in returned headers, without brackets.
fn message_id_in(headers: &[u8]) -> Option<String> {
    let headers = &headers[..headers.len().min(MAX_STATUS_BYTES)];
    let parsed = MessageParser::default().parse_headers(headers)?;
    parsed.message_id().map(bounded)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What Postfix sent the test sender for a delivery with NOTIFY=SUCCESS.
    const POSTFIX_RELAYED: &str = "Return-Path: <>\r\nFrom: Mail Delivery System <MAILER-DAEMON@example.test>\r\nSubject: Successful Mail Delivery Report\r\nTo: anna@example.test\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status;\r\n\tboundary=\"B1\"\r\n\r\n--B1\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nYour message was successfully delivered.\r\n\r\n--B1\r\nContent-Description: Delivery report\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mail.example.test\r\nOriginal-Envelope-Id: 9104019aada9@example.test\r\nArrival-Date: Sat,  5 Dec 2026 02:13:10 +0000 (UTC)\r\n\r\nFinal-Recipient: rfc822; ben@example.test\r\nOriginal-Recipient: rfc822;ben@example.test\r\nAction: relayed\r\nStatus: 2.0.0\r\nRemote-MTA: dns; vm\r\nDiagnostic-Code: smtp; 250 2.0.0 <ben@example.test> Saved\r\n\r\n--B1\r\nContent-Type: text/rfc822-headers\r\n\r\nFrom: Anna <anna@example.test>\r\nMessage-ID: <9104019aada9@example.test>\r\nSubject: report back\r\n\r\n--B1--\r\n";

    #[test]
    fn postfixs_report_gives_the_envelope_id_the_recipient_and_the_returned_id() {
        let r = read(POSTFIX_RELAYED.as_bytes()).expect("a report");
        assert_eq!(r.kind, Kind::Delivery);
        assert_eq!(r.envelope_id.as_deref(), Some("9104019aada9@example.test"));
        assert_eq!(r.message_id.as_deref(), Some("9104019aada9@example.test"));
        assert_eq!(r.recipients.len(), 1);
        let b = &r.recipients[0];
        assert_eq!(b.address, "ben@example.test");
        assert_eq!(b.action, Action::Relayed);
        assert_eq!(b.status.as_deref(), Some("2.0.0"));
        assert_eq!(
            b.diagnostic.as_deref(),
            Some("250 2.0.0 <ben@example.test> Saved")
        );
        assert_eq!(b.remote_mta.as_deref(), Some("vm"));
    }

    #[test]
    fn a_bounce_for_two_recipients_says_who_failed_and_why_with_folded_lines() {
        let raw = POSTFIX_RELAYED
            .replace(
                "Final-Recipient: rfc822; ben@example.test\r\nOriginal-Recipient: rfc822;ben@example.test\r\nAction: relayed\r\nStatus: 2.0.0\r\nRemote-MTA: dns; vm\r\nDiagnostic-Code: smtp; 250 2.0.0 <ben@example.test> Saved\r\n",
                "Final-Recipient: rfc822; nobody@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 <nobody@example.org>:\r\n    Recipient address rejected: User unknown\r\n\r\nFinal-Recipient: rfc822; slow@example.org\r\nAction: delayed\r\nStatus: 4.4.1\r\n",
            );
        let r = read(raw.as_bytes()).expect("a report");
        assert_eq!(r.recipients.len(), 2);
        assert_eq!(r.recipients[0].action, Action::Failed);
        assert_eq!(
            r.recipients[0].diagnostic.as_deref(),
            Some("550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown")
        );
        assert_eq!(r.recipients[1].address, "slow@example.org");
        assert_eq!(r.recipients[1].action, Action::Delayed);
    }

    #[test]
    fn a_read_receipt_names_the_reader_and_the_original_message() {
        let raw = "From: ben@example.test\r\nTo: anna@example.test\r\nSubject: Read: report back\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=disposition-notification; boundary=\"R\"\r\n\r\n--R\r\nContent-Type: text/plain\r\n\r\nYour message was displayed.\r\n--R\r\nContent-Type: message/disposition-notification\r\n\r\nReporting-UA: ben.example.test; Thunderbird\r\nFinal-Recipient: rfc822;ben@example.test\r\nOriginal-Message-ID: <m1@example.test>\r\nDisposition: manual-action/MDN-sent-manually; displayed\r\n--R--\r\n";
        let r = read(raw.as_bytes()).expect("a receipt");
        assert_eq!(r.kind, Kind::Disposition);
        assert_eq!(r.message_id.as_deref(), Some("m1@example.test"));
        assert_eq!(r.recipients[0].address, "ben@example.test");
        assert_eq!(r.recipients[0].action, Action::Displayed);
    }

    #[test]
    fn ordinary_mail_and_reports_without_a_status_part_are_no_reports() {
        assert!(read(b"From: a@x\r\nSubject: hi\r\n\r\nhello\r\n").is_none());
        let bare = "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nIt bounced.\r\n--B--\r\n";
        assert!(read(bare.as_bytes()).is_none());
        let other = POSTFIX_RELAYED.replace("report-type=delivery-status", "report-type=x-spam");
        assert!(read(other.as_bytes()).is_none());
    }

    #[test]
    fn hostile_reports_are_bounded() {
        let many: String = (0..5000)
            .map(|i| format!("Final-Recipient: rfc822; r{i}@x\r\nAction: failed\r\n\r\n"))
            .collect();
        let long = "y".repeat(100_000);
        let raw = POSTFIX_RELAYED
            .replace(
                "Final-Recipient: rfc822; ben@example.test\r\n",
                &format!("{many}Final-Recipient: rfc822; ben@example.test\r\n"),
            )
            .replace(
                "Original-Envelope-Id: 9104019aada9@example.test",
                &format!("Original-Envelope-Id: {long}"),
            );
        let r = read(raw.as_bytes()).expect("a report");
        assert!(r.recipients.len() <= MAX_RECIPIENTS);
        assert!(r.envelope_id.expect("kept").chars().count() <= MAX_FIELD);
    }
}
