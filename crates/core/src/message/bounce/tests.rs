//! Bounces without a report part, as qmail and older systems send them.
use super::*;

/// netqmail 1.06's bounce, the message's copy inline below its line.
pub const QMAIL: &str = "Return-Path: <>\r\nFrom: MAILER-DAEMON@mx.example.org\r\nTo: anna@example.test\r\nSubject: failure notice\r\nDate: 5 Dec 2026 08:00:00 -0000\r\n\r\nHi. This is the qmail-send program at mx.example.org.\r\nI'm afraid I wasn't able to deliver your message to the following addresses.\r\nThis is a permanent error; I've given up. Sorry it didn't work out.\r\n\r\n<ghost@example.org>:\r\nSorry, no mailbox here by that name. (#5.1.1)\r\n\r\n--- Below this line is a copy of the message.\r\n\r\nReturn-Path: <anna@example.test>\r\nReceived: (qmail 1234 invoked from network); 5 Dec 2026 08:00:00 -0000\r\nFrom: Anna <anna@example.test>\r\nTo: ben@example.test, ghost@example.org\r\nMessage-ID: <minutes.42@example.test>\r\nSubject: Minutes\r\n\r\nThe minutes.\r\n";

#[test]
fn qmails_bounce_names_the_message_and_the_recipient_that_failed() {
    let b = read(QMAIL.as_bytes()).expect("a bounce");
    assert_eq!(b.message_id, "minutes.42@example.test");
    let to = [
        "ben@example.test".to_owned(),
        "ghost@example.org".to_owned(),
    ];
    let failed = b.failed(&to);
    assert_eq!(failed.len(), 1, "ben is only in the copy's To: {failed:?}");
    assert_eq!(failed[0].address, "ghost@example.org");
    assert_eq!(failed[0].action, Action::Failed);
    assert_eq!(failed[0].status.as_deref(), Some("5.1.1"));
    assert_eq!(
        failed[0].diagnostic.as_deref(),
        Some("<ghost@example.org>: Sorry, no mailbox here by that name. (#5.1.1)")
    );
}

#[test]
fn an_attached_copy_names_the_message_and_a_single_recipient_is_the_one() {
    let raw = "From: Mail Delivery Subsystem <postmaster@relay.example.org>\r\nTo: anna@example.test\r\nSubject: Returned mail\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"R\"\r\n\r\n--R\r\nContent-Type: text/plain\r\n\r\nThe message could not be delivered: mailbox full\r\n(552 5.2.2 over quota).\r\n\r\n--R\r\nContent-Type: message/rfc822\r\n\r\nFrom: anna@example.test\r\nTo: carla@example.org\r\nMessage-ID: <lunch@example.test>\r\nSubject: Lunch\r\n\r\nNoon?\r\n--R--\r\n";
    let b = read(raw.as_bytes()).expect("a bounce");
    assert_eq!(b.message_id, "lunch@example.test");
    let failed = b.failed(&["carla@example.org".to_owned()]);
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].address, "carla@example.org");
    assert_eq!(failed[0].status.as_deref(), Some("5.2.2"));
    assert!(
        failed[0]
            .diagnostic
            .as_deref()
            .is_some_and(|d| d.starts_with("The message could not be delivered")),
        "{failed:?}"
    );
    // Two recipients and no name in the text: nobody is guessed.
    let two = ["carla@example.org".to_owned(), "dan@example.org".to_owned()];
    assert!(b.failed(&two).is_empty());
}

#[test]
fn mail_that_is_no_such_bounce_stays_mail() {
    // An out-of-office reply quoting the message: not from the mail system.
    let vacation = QMAIL.replace(
        "From: MAILER-DAEMON@mx.example.org",
        "From: ghost@example.org",
    );
    assert_eq!(read(vacation.as_bytes()), None);
    // From the mail system, but returning nothing that names a message.
    let notice = "From: postmaster@example.org\r\nTo: anna@example.test\r\nSubject: Your mailbox is almost full\r\n\r\nPlease delete some mail.\r\n";
    assert_eq!(read(notice.as_bytes()), None);
    // A standard report is the report reader's, not this one's.
    let standard = "From: MAILER-DAEMON@example.test\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nNo.\r\n--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; x\r\n\r\nFinal-Recipient: rfc822; a@b\r\nAction: failed\r\nStatus: 5.0.0\r\n--B\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <x@y>\r\n--B--\r\n";
    assert_eq!(read(standard.as_bytes()), None);
}

#[test]
fn the_mail_systems_addresses_are_recognised_in_any_case() {
    assert!(from_mail_system("MAILER-DAEMON@example.org"));
    assert!(from_mail_system("Postmaster@example.org"));
    assert!(!from_mail_system("mailer-daemon-fan@example.org"));
    assert!(!from_mail_system("anna@example.test"));
}

#[test]
fn a_huge_text_and_reason_are_cut_at_their_bounds() {
    let long = "x".repeat(MAX_TEXT * 2);
    let raw = format!(
        "From: MAILER-DAEMON@example.org\r\n\r\n<ghost@example.org>: {long}\r\n\r\nMessage-ID: <m@x>\r\n"
    );
    // The copy lies past the text read: nothing names a message.
    assert_eq!(read(raw.as_bytes()), None);
    let raw = format!(
        "From: MAILER-DAEMON@example.org\r\n\r\n<ghost@example.org>: {}\r\n\r\nMessage-ID: <m@x>\r\n",
        "y".repeat(MAX_TEXT / 2)
    );
    let b = read(raw.as_bytes()).expect("a bounce");
    let failed = b.failed(&["ghost@example.org".to_owned()]);
    let reason = failed[0].diagnostic.as_deref().expect("a reason");
    assert_eq!(reason.chars().count(), MAX_REASON);
}
