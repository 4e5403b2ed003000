//! Read receipts (RFC 8098 message disposition notifications): seeing that
//! a message asks for one, and the receipt itself. A receipt tells the
//! sender when the mail was read, so it goes only when the user says so
//! (the window asks; a preference can make it never ask), once per
//! message, and never for mail that came to a list or without the asker
//! being a real address.

use std::str::FromStr;

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::{Address as LettreAddress, Message as LettreMessage};
use mail_parser::{HeaderValue, MessageParser};

use super::Message;
use super::compose::{Built, Error, Streamed, new_message_id};
use crate::account::Account;

/// The most header bytes looked through for the request: headers are a
/// few kilobytes; a message whose header runs on for megabytes asks for
/// nothing.
pub const MAX_HEADER_BYTES: usize = 64 * 1024;

/// Where a message asks its receipt to go (its first
/// Disposition-Notification-To address), if it asks.
pub fn asked_by(raw: &[u8]) -> Option<String> {
    let head = &raw[..raw.len().min(MAX_HEADER_BYTES)];
    let parsed = MessageParser::default()
        .header_address(mail_parser::HeaderName::DispositionNotificationTo)
        .parse_headers(head)?;
    let address = match parsed.header(mail_parser::HeaderName::DispositionNotificationTo)? {
        HeaderValue::Address(a) => a.first()?.address()?.trim().to_owned(),
        _ => return None,
    };
    // Only a real address: anything else would be a receipt to nowhere,
    // or to whatever the text smuggles in.
    LettreAddress::from_str(&address).ok()?;
    Some(address)
}

/// The receipt for `original`, to `to`: "displayed, by the user's own
/// action" (RFC 8098 3.2.6: manual-action/MDN-sent-manually), naming the
/// message by its Message-ID. No part of the original goes back.
pub fn build(account: &Account, original: &Message, to: &str) -> Result<Built, Error> {
    let from_address = LettreAddress::from_str(&account.email)
        .map_err(|_| Error::BadAddress(account.email.clone()))?;
    let to_address = LettreAddress::from_str(to).map_err(|_| Error::BadAddress(to.to_owned()))?;
    let from = Mailbox::new(
        (!account.display_name.is_empty()).then(|| account.display_name.clone()),
        from_address.clone(),
    );
    let subject = original.subject.clone().unwrap_or_default();
    let message_id = new_message_id(&account.email);
    let mut notification = format!(
        "Reporting-UA: Postel; Postel {}\r\nFinal-Recipient: rfc822; {from_address}\r\n",
        env!("CARGO_PKG_VERSION")
    );
    if let Some(id) = &original.message_id {
        notification.push_str(&format!("Original-Message-ID: <{id}>\r\n"));
    }
    notification.push_str("Disposition: manual-action/MDN-sent-manually; displayed\r\n");
    let human = format!(
        "This is a read receipt for the message \"{subject}\" sent to {from_address}.\r\n\
         It was displayed; this says nothing about whether it was read or understood.\r\n"
    );
    let boundary = new_message_id("x@postel.invalid").replace('@', ".");
    let report_type = ContentType::parse(&format!(
        "multipart/report; report-type=disposition-notification; boundary=\"{boundary}\""
    ))
    .map_err(|e| Error::Build(e.to_string()))?;
    let body = MultiPart::builder()
        .header(report_type)
        .build()
        .singlepart(SinglePart::plain(human))
        .singlepart(
            SinglePart::builder()
                .header(
                    ContentType::parse("message/disposition-notification")
                        .map_err(|e| Error::Build(e.to_string()))?,
                )
                .body(notification),
        );
    let message = LettreMessage::builder()
        .from(from)
        .to(Mailbox::new(None, to_address.clone()))
        .subject(format!("Read: {subject}"))
        .date_now()
        .message_id(Some(format!("<{message_id}>")))
        .user_agent(format!("Postel/{}", env!("CARGO_PKG_VERSION")))
        // RFC 3834: an answer made for the user, not by them; nothing
        // should answer it in turn.
        .raw_header(lettre::message::header::HeaderValue::new(
            lettre::message::header::HeaderName::new_from_ascii_str("Auto-Submitted"),
            "auto-replied".into(),
        ))
        .multipart(body)
        .map_err(|e| Error::Build(e.to_string()))?;
    let message = Streamed::in_memory(message.formatted());
    Ok(Built {
        message,
        message_id,
        from: from_address.to_string(),
        recipients: vec![to_address.to_string()],
        subject: format!("Read: {subject}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::report::{self, Action, Kind};

    fn account() -> Account {
        Account {
            email: "ben@example.test".into(),
            display_name: "Ben".into(),
            ..Account::default()
        }
    }

    #[test]
    fn a_request_is_seen_only_with_a_real_address() {
        let ask = |value: &str| {
            asked_by(
                format!("Subject: x\r\nDisposition-Notification-To: {value}\r\n\r\nbody")
                    .as_bytes(),
            )
        };
        assert_eq!(
            ask("Anna <anna@example.test>").as_deref(),
            Some("anna@example.test")
        );
        assert_eq!(
            ask("anna@example.test, other@example.test").as_deref(),
            Some("anna@example.test")
        );
        assert_eq!(ask("not an address"), None);
        assert_eq!(ask(""), None);
        assert_eq!(asked_by(b"Subject: none\r\n\r\nbody"), None);
        // Past the bound, no request is read.
        let long = format!(
            "X-Pad: {}\r\nDisposition-Notification-To: a@example.test\r\n\r\n",
            "p".repeat(MAX_HEADER_BYTES)
        );
        assert_eq!(asked_by(long.as_bytes()), None);
    }

    #[test]
    fn the_receipt_reads_back_as_a_displayed_report_about_the_original() {
        let original = Message {
            subject: Some("Minutes".into()),
            message_id: Some("orig-1@example.test".into()),
            ..Message::default()
        };
        let built = build(&account(), &original, "anna@example.test").expect("built");
        assert_eq!(built.recipients, ["anna@example.test"]);
        let raw = built.message.to_vec().expect("written");
        let text = String::from_utf8_lossy(&raw);
        assert!(text.contains("Auto-Submitted: auto-replied"), "{text}");
        let read = report::read(&raw).expect("a report");
        assert_eq!(read.kind, Kind::Disposition);
        assert_eq!(read.message_id.as_deref(), Some("orig-1@example.test"));
        assert_eq!(read.recipients.len(), 1);
        assert_eq!(read.recipients[0].address, "ben@example.test");
        assert_eq!(read.recipients[0].action, Action::Displayed);
    }

    #[test]
    fn asking_for_a_receipt_adds_the_request_with_the_senders_address() {
        let draft = crate::message::compose::Draft {
            to: vec!["anna@example.test".into()],
            subject: "hi".into(),
            text: "hi".into(),
            read_receipt: true,
            ..Default::default()
        };
        let raw = crate::message::compose::build(&account(), &draft)
            .expect("built")
            .raw()
            .expect("written");
        assert_eq!(asked_by(&raw).as_deref(), Some("ben@example.test"));
        let plain = crate::message::compose::Draft {
            read_receipt: false,
            ..draft
        };
        let raw = crate::message::compose::build(&account(), &plain)
            .expect("built")
            .raw()
            .expect("written");
        assert_eq!(asked_by(&raw), None, "off unless asked");
    }
}
