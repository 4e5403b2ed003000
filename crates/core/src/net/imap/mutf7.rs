//! IMAP's modified UTF-7 for folder names (RFC 3501 §5.1.3): printable
//! ASCII stands for itself, `&` is `&-`, anything else is UTF-16 in base64
//! with `,` for `/`, between `&` and `-`. "Gel&APY-schte Elemente" is
//! "Gelöschte Elemente".
//!
//! A server's name is kept as the server wrote it (it is the folder's key);
//! the decoded name is what the user reads and types. Decoding is strict: a
//! name that is not canonical modified UTF-7 is shown as it came, never
//! guessed at. No crate fits: utf7-imap panics on bad base64 and accepts
//! non-canonical names, imap-codec has none (checked 2026-12).

/// Why a name is not modified UTF-7.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error("a character outside printable ASCII is not encoded")]
    Unencoded,
    #[error("an encoded run has no closing '-'")]
    Unterminated,
    #[error("an encoded run is not base64 of whole UTF-16 characters")]
    BadRun,
    #[error("printable ASCII or two runs in a row were encoded")]
    NotCanonical,
}

/// The decoded name, or why it is not modified UTF-7.
pub fn decode(name: &str) -> Result<String, Error> {
    let bytes = name.as_bytes();
    let mut out = String::with_capacity(name.len());
    let mut i = 0;
    let mut after_run = false;
    while i < bytes.len() {
        let b = bytes[i];
        if b != b'&' {
            if !(0x20..=0x7e).contains(&b) {
                return Err(Error::Unencoded);
            }
            out.push(char::from(b));
            i += 1;
            after_run = false;
            continue;
        }
        let end = bytes[i + 1..]
            .iter()
            .position(|&c| c == b'-')
            .map(|at| i + 1 + at)
            .ok_or(Error::Unterminated)?;
        let run = &bytes[i + 1..end];
        if run.is_empty() {
            out.push('&');
            after_run = false;
        } else {
            // "&AOQ-&APY-" must have been one run.
            if after_run {
                return Err(Error::NotCanonical);
            }
            decode_run(run, &mut out)?;
            after_run = true;
        }
        i = end + 1;
    }
    Ok(out)
}

/// The name as a server wants it.
pub fn encode(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 8);
    let mut run: Vec<u16> = Vec::new();
    for c in name.chars() {
        if (' '..='~').contains(&c) {
            flush(&mut run, &mut out);
            if c == '&' {
                out.push_str("&-");
            } else {
                out.push(c);
            }
        } else {
            let mut units = [0u16; 2];
            run.extend_from_slice(c.encode_utf16(&mut units));
        }
    }
    flush(&mut run, &mut out);
    out
}

/// The name to show: decoded, or as the server wrote it when it is not
/// modified UTF-7 (a server that sends raw UTF-8, or a broken name).
pub fn display(name: &str) -> String {
    decode(name).unwrap_or_else(|_| name.to_owned())
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

fn value(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == c).map(|v| v as u32)
}

fn decode_run(run: &[u8], out: &mut String) -> Result<(), Error> {
    let mut units = Vec::with_capacity(run.len() * 6 / 16);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &c in run {
        acc = (acc << 6) | value(c).ok_or(Error::BadRun)?;
        bits += 6;
        if bits >= 16 {
            bits -= 16;
            units.push((acc >> bits) as u16);
            acc &= (1 << bits) - 1;
        }
    }
    // What is left over is padding: fewer than six bits, all zero.
    if bits >= 6 || acc != 0 || units.is_empty() {
        return Err(Error::BadRun);
    }
    for c in char::decode_utf16(units) {
        let c = c.map_err(|_| Error::BadRun)?;
        if (' '..='~').contains(&c) {
            return Err(Error::NotCanonical);
        }
        out.push(c);
    }
    Ok(())
}

fn flush(run: &mut Vec<u16>, out: &mut String) {
    if run.is_empty() {
        return;
    }
    out.push('&');
    let (mut acc, mut bits) = (0u32, 0u32);
    for &unit in run.iter() {
        acc = (acc << 16) | u32::from(unit);
        bits += 16;
        while bits >= 6 {
            bits -= 6;
            out.push(char::from(ALPHABET[((acc >> bits) & 63) as usize]));
        }
        acc &= (1 << bits) - 1;
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((acc << (6 - bits)) & 63) as usize]));
    }
    out.push('-');
    run.clear();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_other_languages_read_as_written() {
        let pairs = [
            ("Gel&APY-schte Elemente", "Gelöschte Elemente"),
            ("Entw&APw-rfe", "Entwürfe"),
            ("Envoy&AOk-s", "Envoyés"),
            ("INBOX.Gr&APwA3w-e", "INBOX.Grüße"),
            // RFC 3501's own example.
            ("~peter/mail/&U,BTFw-/&ZeVnLIqe-", "~peter/mail/台北/日本語"),
            ("&BB4EQgQ,BEAEMAQyBDsENQQ9BD0ESwQ1-", "Отправленные"),
            ("Tom &- Jerry", "Tom & Jerry"),
            ("&2D3eAA-", "😀"),
            ("Sent", "Sent"),
        ];
        for (wire, name) in pairs {
            assert_eq!(decode(wire).as_deref(), Ok(name), "{wire}");
            assert_eq!(encode(name), wire, "{name}");
        }
    }

    #[test]
    fn names_that_are_not_modified_utf7_are_refused_not_guessed() {
        let bad = [
            ("Gelöschte", Error::Unencoded),
            ("tab\there", Error::Unencoded),
            ("&APY", Error::Unterminated),
            ("&", Error::Unterminated),
            ("&A*Y-", Error::BadRun),
            ("&A-", Error::BadRun),
            // Leftover bits that are not zero.
            ("&APZ-", Error::BadRun),
            // A lone surrogate.
            ("&2D0-", Error::BadRun),
            // "a", which must be written as itself.
            ("&AGE-", Error::NotCanonical),
            ("&AOQ-&APY-", Error::NotCanonical),
        ];
        for (wire, why) in bad {
            assert_eq!(decode(wire), Err(why), "{wire}");
        }
        assert_eq!(
            display("Gelöschte"),
            "Gelöschte",
            "raw UTF-8 is shown as it came"
        );
        assert_eq!(display("&APY"), "&APY");
    }

    proptest::proptest! {
        #[test]
        fn any_name_comes_back_from_the_wire(name in "\\PC*") {
            let wire = encode(&name);
            proptest::prop_assert!(wire.bytes().all(|b| (0x20..=0x7e).contains(&b)));
            proptest::prop_assert_eq!(decode(&wire), Ok(name));
        }

        #[test]
        fn any_input_is_decoded_or_refused_without_a_panic(wire in "[&A-Za-z0-9+,\\-]{0,40}") {
            if let Ok(name) = decode(&wire) {
                proptest::prop_assert_eq!(encode(&name), wire);
            }
        }
    }
}
