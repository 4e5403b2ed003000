//! The envelope id (RFC 3461 ENVID) a message is sent with and its
//! reports carry back: what ties a delivery report to the sent message.

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

/// The text of an xtext value (`+HH` decoded); a malformed escape is
/// kept as written.
pub fn unxtext(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'+', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
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
    fn unxtext_reverses_xtext_and_keeps_what_is_malformed() {
        for text in ["a+b=c d", "é", "<id@example.test>", ""] {
            assert_eq!(unxtext(&xtext(text)), text);
        }
        assert_eq!(unxtext("a+zz+4"), "a+zz+4");
    }
}
