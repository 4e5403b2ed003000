//! Asking the submission server for delivery status notifications (RFC
//! 3461), where its EHLO offers DSN: an envelope id on MAIL FROM that the
//! reports carry back (`Original-Envelope-Id`), only the headers returned
//! (`RET=HDRS`: the message itself is in Sent already), and on each RCPT
//! TO when to report and the recipient as written (`ORCPT`).

use lettre::transport::smtp::extension::{MailParameter, RcptParameter};
use sha2::{Digest, Sha256};

/// RFC 3461 4.4: an ENVID is at most 100 characters, xtext-encoded.
pub const MAX_ENVID: usize = 100;

/// RFC 3461 4: printable ASCII but `+` and `=`, the rest as `+HH`.
pub fn xtext(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if (b'!'..=b'~').contains(&b) && b != b'+' && b != b'=' {
            out.push(b as char);
        } else {
            out.push_str(&format!("+{b:02X}"));
        }
    }
    out
}

/// The envelope id of a message: its Message-ID, which is unique and
/// which a report may also carry in the returned headers; a hash of it
/// when too long to be one.
pub fn envelope_id(message_id: &str) -> String {
    if !message_id.is_empty() && xtext(message_id).len() <= MAX_ENVID {
        return message_id.to_owned();
    }
    let digest = Sha256::digest(message_id.as_bytes());
    let hex: String = digest.iter().take(20).map(|b| format!("{b:02x}")).collect();
    format!("postel-{hex}")
}

/// What the reports are asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Notify {
    /// Bounces and delays only: the usual, and what Thunderbird asks.
    #[default]
    Failures,
    /// Delivery too.
    All,
}

/// MAIL FROM's parameters (lettre xtext-encodes the values).
pub fn mail_parameters(message_id: &str) -> Vec<MailParameter> {
    vec![
        MailParameter::Other {
            keyword: "RET".into(),
            value: Some("HDRS".into()),
        },
        MailParameter::Other {
            keyword: "ENVID".into(),
            value: Some(envelope_id(message_id)),
        },
    ]
}

/// RCPT TO's parameters for one recipient.
pub fn rcpt_parameters(recipient: &str, notify: Notify) -> Vec<RcptParameter> {
    let when = match notify {
        Notify::Failures => "FAILURE,DELAY",
        Notify::All => "SUCCESS,FAILURE,DELAY",
    };
    vec![
        RcptParameter::Other {
            keyword: "NOTIFY".into(),
            value: Some(when.into()),
        },
        RcptParameter::Other {
            keyword: "ORCPT".into(),
            value: Some(format!("rfc822;{recipient}")),
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xtext_encodes_plus_equals_and_what_is_not_printable() {
        assert_eq!(xtext("a+b=c d"), "a+2Bb+3Dc+20d");
        assert_eq!(xtext("<id@example.test>"), "<id@example.test>");
        assert_eq!(xtext("é"), "+C3+A9");
    }

    #[test]
    fn an_envelope_id_is_the_message_id_or_a_hash_within_100_characters() {
        assert_eq!(envelope_id("abc@example.test"), "abc@example.test");
        let long = format!("{}@example.test", "x".repeat(200));
        let hashed = envelope_id(&long);
        assert!(hashed.starts_with("postel-") && hashed.len() <= MAX_ENVID);
        assert_eq!(hashed, envelope_id(&long), "the same every time");
        assert_ne!(hashed, envelope_id(&format!("y{long}")));
        // Many characters that xtext expands threefold.
        assert!(xtext(&envelope_id(&"+".repeat(40))).len() <= MAX_ENVID);
    }

    #[test]
    fn the_parameters_read_as_rfc_3461_writes_them() {
        let mail: Vec<String> = mail_parameters("m+1@x")
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(mail, ["RET=HDRS", "ENVID=m+2B1@x"]);
        let rcpt: Vec<String> = rcpt_parameters("b@x", Notify::All)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(rcpt, ["NOTIFY=SUCCESS,FAILURE,DELAY", "ORCPT=rfc822;b@x"]);
    }
}
