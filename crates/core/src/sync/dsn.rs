//! Asking the submission server for delivery status notifications (RFC
//! 3461), where its EHLO offers DSN: an envelope id on MAIL FROM that the
//! reports carry back (`Original-Envelope-Id`), only the headers returned
//! (`RET=HDRS`: the message itself is in Sent already), and on each RCPT
//! TO when to report and the recipient as written (`ORCPT`).

use lettre::transport::smtp::extension::{MailParameter, RcptParameter};

pub use crate::message::envelope_id::{MAX_ENVID, envelope_id, xtext};

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
