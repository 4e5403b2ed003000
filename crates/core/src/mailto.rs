//! `mailto:` links (RFC 6068), as handed to `postel` by the desktop when the
//! user clicks one in a browser or another program.
//!
//! [`parse`] turns a link into the parts of a draft. It is lenient where the
//! RFC lets a reader be (scheme case, header-name case, invalid UTF-8,
//! addresses given twice) and strict where a link could harm the user:
//! only the header fields in [`SAFE_HEADERS`] are taken over, so a link cannot
//! set `From`, `Sender`, `Reply-To` or any header the user would not see in
//! the composer (RFC 6068 §7). Nothing here sends mail: the result only fills
//! a composer, which must show `cc` and `bcc` as visibly as `to`.
//!
//! Decisions worth knowing:
//! - `+` stays `+` (RFC 6068 §5: the `application/x-www-form-urlencoded`
//!   rule does not apply); only `%20` is a space.
//! - Percent-encoded bytes are decoded as UTF-8; invalid sequences become
//!   U+FFFD rather than an error, so a sloppy link still opens a composer.
//! - `to`, `cc`, `bcc` are comma-separated lists; addresses in the path and
//!   in `to=` are merged (path first), repeated fields add up, an address
//!   given twice in one list is kept once. Commas inside a quoted local part
//!   (`"a,b"@example.org`) or inside `<…>` do not split.
//! - `subject`, `body` and `in-reply-to` take their first occurrence. Empty
//!   values count as absent.
//! - Line breaks in `body` (`%0D%0A`, or a lone CR or LF) become `\n`. Line
//!   breaks in any other field become spaces, so no value can add a header.
//! - A `#fragment` has no meaning for `mailto` and is dropped.

/// Header fields a link may set, compared without regard to case. Every other
/// field (`from`, `sender`, `reply-to`, `x-…`, …) is ignored.
pub const SAFE_HEADERS: &[&str] = &["to", "cc", "bcc", "subject", "body", "in-reply-to"];

/// The parts of a draft a `mailto:` link asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mailto {
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub bcc: Vec<String>,
    pub subject: Option<String>,
    /// With `\n` line ends.
    pub body: Option<String>,
    /// A message id, usually with its angle brackets (`<id@host>`).
    pub in_reply_to: Option<String>,
}

impl Mailto {
    /// True when the link asks for nothing (`mailto:`): open an empty composer.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The text does not start with `mailto:`.
    #[error("“{shown}” is not an email link: it should start with “mailto:”.")]
    NotMailto { shown: String },
}

/// Parses a `mailto:` URI (RFC 6068). See the module documentation for the
/// rules on addresses, line breaks and ignored header fields.
pub fn parse(uri: &str) -> Result<Mailto, Error> {
    let uri = uri.trim();
    let rest = match uri.split_once(':') {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("mailto") => rest,
        _ => {
            return Err(Error::NotMailto {
                shown: shorten(uri),
            });
        }
    };
    let rest = rest.split_once('#').map_or(rest, |(before, _)| before);
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));

    let mut mailto = Mailto::default();
    add_addresses(&mut mailto.to, &decode(path));

    for field in query.split('&').filter(|f| !f.is_empty()) {
        let (name, value) = field.split_once('=').unwrap_or((field, ""));
        let name = decode(name);
        let name = name.trim();
        if !SAFE_HEADERS
            .iter()
            .any(|safe| safe.eq_ignore_ascii_case(name))
        {
            continue;
        }
        let value = decode(value);
        match name.to_ascii_lowercase().as_str() {
            "to" => add_addresses(&mut mailto.to, &value),
            "cc" => add_addresses(&mut mailto.cc, &value),
            "bcc" => add_addresses(&mut mailto.bcc, &value),
            "subject" => set_once(&mut mailto.subject, one_line(&value)),
            "in-reply-to" => set_once(&mut mailto.in_reply_to, one_line(&value)),
            "body" => set_once(&mut mailto.body, normalise_newlines(&value)),
            _ => {}
        }
    }
    Ok(mailto)
}

/// Percent-decodes `text` (every `%XX`, `+` untouched) and reads the bytes as
/// UTF-8, replacing invalid sequences. A `%` not followed by two hex digits
/// is kept as it is.
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let (Some(hi), Some(lo)) = (
                bytes.get(i + 1).and_then(|b| hex(*b)),
                bytes.get(i + 2).and_then(|b| hex(*b)),
            )
        {
            out.push((hi << 4) | lo);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out)
        .unwrap_or_else(|invalid| String::from_utf8_lossy(invalid.as_bytes()).into_owned())
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Splits a decoded address list at commas that are outside a quoted string
/// and outside `<…>`, and appends the new, non-empty entries to `list`.
fn add_addresses(list: &mut Vec<String>, text: &str) {
    let mut push = |raw: &str| {
        let address = one_line(raw);
        if !address.is_empty() && !list.iter().any(|a| a.eq_ignore_ascii_case(&address)) {
            list.push(address);
        }
    };
    let mut start = 0;
    let (mut quoted, mut escaped, mut angle) = (false, false, 0u32);
    for (i, c) in text.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            '<' if !quoted => angle += 1,
            '>' if !quoted => angle = angle.saturating_sub(1),
            ',' if !quoted && angle == 0 => {
                push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    push(&text[start..]);
}

/// Control characters (CR and LF above all) become spaces; the result is
/// trimmed.
pub(crate) fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_owned()
}

fn normalise_newlines(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\r', "\n")
}

fn set_once(slot: &mut Option<String>, value: String) {
    if slot.is_none() && !value.is_empty() {
        *slot = Some(value);
    }
}

/// The start of a rejected link, for the error message.
fn shorten(uri: &str) -> String {
    const MAX: usize = 60;
    match uri.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &uri[..cut]),
        None => uri.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(uri: &str) -> Mailto {
        match parse(uri) {
            Ok(m) => m,
            Err(e) => panic!("{uri}: {e}"),
        }
    }

    fn to(addresses: &[&str]) -> Mailto {
        Mailto {
            to: addresses.iter().map(|a| (*a).to_owned()).collect(),
            ..Mailto::default()
        }
    }

    fn some(s: &str) -> Option<String> {
        Some(s.to_owned())
    }

    // RFC 6068 §6.1, in the order given there.

    #[test]
    fn rfc_6_1_plain_address() {
        assert_eq!(ok("mailto:chris@example.com"), to(&["chris@example.com"]));
    }

    #[test]
    fn rfc_6_1_subject() {
        let m = ok("mailto:infobot@example.com?subject=current-issue");
        assert_eq!(m.to, ["infobot@example.com"]);
        assert_eq!(m.subject, some("current-issue"));
    }

    #[test]
    fn rfc_6_1_body() {
        let m = ok("mailto:infobot@example.com?body=send%20current-issue");
        assert_eq!(m.body, some("send current-issue"));
    }

    #[test]
    fn rfc_6_1_body_crlf_becomes_newline() {
        let m = ok("mailto:infobot@example.com?body=send%20current-issue%0D%0Asend%20index");
        assert_eq!(m.body, some("send current-issue\nsend index"));
    }

    #[test]
    fn rfc_6_1_in_reply_to() {
        let m = ok("mailto:list@example.org?In-Reply-To=%3C3469A91.D10AF4C@example.com%3E");
        assert_eq!(m.to, ["list@example.org"]);
        assert_eq!(m.in_reply_to, some("<3469A91.D10AF4C@example.com>"));
    }

    #[test]
    fn rfc_6_1_majordomo() {
        let m = ok("mailto:majordomo@example.com?body=subscribe%20bamboo-l");
        assert_eq!(m.body, some("subscribe bamboo-l"));
    }

    #[test]
    fn rfc_6_1_cc_and_body() {
        let m = ok("mailto:joe@example.com?cc=bob@example.com&body=hello");
        assert_eq!(m.to, ["joe@example.com"]);
        assert_eq!(m.cc, ["bob@example.com"]);
        assert_eq!(m.body, some("hello"));
    }

    #[test]
    fn rfc_6_1_to_in_query_only() {
        let m = ok("mailto:?to=joe@example.com&cc=bob@example.com&body=hello");
        assert_eq!(m.to, ["joe@example.com"]);
        assert_eq!(m.cc, ["bob@example.com"]);
        assert_eq!(m.body, some("hello"));
    }

    #[test]
    fn rfc_6_1_percent_in_address() {
        assert_eq!(
            ok("mailto:gorby%25kremvax@example.com"),
            to(&["gorby%kremvax@example.com"])
        );
    }

    #[test]
    fn rfc_6_1_unknown_header_ignored() {
        assert_eq!(
            ok("mailto:unlikely%3Faddress@example.com?blat=foop"),
            to(&["unlikely?address@example.com"])
        );
    }

    #[test]
    fn rfc_6_1_ampersand_in_address() {
        assert_eq!(
            ok("mailto:Mike%26family@example.org"),
            to(&["Mike&family@example.org"])
        );
    }

    #[test]
    fn rfc_6_1_several_addresses() {
        let both = to(&["addr1@an.example", "addr2@an.example"]);
        assert_eq!(ok("mailto:addr1@an.example,addr2@an.example"), both);
        assert_eq!(ok("mailto:?to=addr1@an.example,addr2@an.example"), both);
        assert_eq!(ok("mailto:addr1@an.example?to=addr2@an.example"), both);
        assert_eq!(ok("mailto:addr1@an.example%2Caddr2@an.example"), both);
    }

    // RFC 6068 §6.2.

    #[test]
    fn rfc_6_2_quoted_at_sign() {
        assert_eq!(
            ok("mailto:%22not%40me%22@example.org"),
            to(&[r#""not@me"@example.org"#])
        );
    }

    #[test]
    fn rfc_6_2_quoted_backslashes() {
        assert_eq!(
            ok("mailto:%22oh%5C%5Cno%22@example.org"),
            to(&[r#""oh\\no"@example.org"#])
        );
    }

    #[test]
    fn rfc_6_2_ugly() {
        assert_eq!(
            ok("mailto:%22%5C%5C%5C%22it's%5C%20ugly%5C%5C%5C%22%22@example.org"),
            to(&[r#""\\\"it's\ ugly\\\""@example.org"#])
        );
    }

    #[test]
    fn rfc_6_2_utf8_subject() {
        let m = ok("mailto:user@example.org?subject=caf%C3%A9");
        assert_eq!(m.to, ["user@example.org"]);
        assert_eq!(m.subject, some("café"));
    }

    #[test]
    fn rfc_6_2_encoded_word_subjects_are_kept_as_given() {
        let m = ok("mailto:user@example.org?subject=%3D%3Futf-8%3FQ%3Fcaf%3DC3%3DA9%3F%3D");
        assert_eq!(m.subject, some("=?utf-8?Q?caf=C3=A9?="));
        let m = ok("mailto:user@example.org?subject=%3D%3Fiso-8859-1%3FQ%3Fcaf%3DE9%3F%3D");
        assert_eq!(m.subject, some("=?iso-8859-1?Q?caf=E9?="));
    }

    #[test]
    fn rfc_6_2_utf8_subject_and_body() {
        let m = ok("mailto:user@example.org?subject=caf%C3%A9&body=caf%C3%A9");
        assert_eq!(m.subject, some("café"));
        assert_eq!(m.body, some("café"));
    }

    #[test]
    fn rfc_6_2_international_domain() {
        let m = ok("mailto:user@%E7%B4%8D%E8%B1%86.example.org?subject=Test&body=NATTO");
        assert_eq!(m.to, ["user@納豆.example.org"]);
        assert_eq!(m.subject, some("Test"));
        assert_eq!(m.body, some("NATTO"));
        let m = ok("mailto:user@xn--99zt52a.example.org?subject=Test&body=NATTO");
        assert_eq!(m.to, ["user@xn--99zt52a.example.org"]);
    }

    // Beyond the RFC's examples.

    #[test]
    fn scheme_and_header_names_ignore_case() {
        let m = ok("MailTo:a@example.org?SUBJECT=Hi&Cc=b@example.org");
        assert_eq!(m.to, ["a@example.org"]);
        assert_eq!(m.cc, ["b@example.org"]);
        assert_eq!(m.subject, some("Hi"));
    }

    #[test]
    fn plus_is_not_a_space() {
        let m = ok("mailto:a+tag@example.org?subject=1+1%202");
        assert_eq!(m.to, ["a+tag@example.org"]);
        assert_eq!(m.subject, some("1+1 2"));
    }

    #[test]
    fn invalid_utf8_is_replaced_not_rejected() {
        let m = ok("mailto:user@example.org?subject=caf%E9");
        assert_eq!(m.subject, some("caf\u{FFFD}"));
    }

    #[test]
    fn stray_percent_is_kept() {
        let m = ok("mailto:a@example.org?subject=100%25%20and%zz%");
        assert_eq!(m.subject, some("100% and%zz%"));
    }

    #[test]
    fn dangerous_and_unknown_headers_are_ignored() {
        let m = ok(
            "mailto:a@example.org?from=boss@example.org&sender=x@example.org\
             &reply-to=evil@example.org&X-Mailer=x&references=%3Cr@x%3E&body=hi",
        );
        let expected = Mailto {
            body: some("hi"),
            ..to(&["a@example.org"])
        };
        assert_eq!(m, expected);
    }

    #[test]
    fn newlines_cannot_inject_headers() {
        let m = ok(
            "mailto:a@example.org?subject=Hi%0D%0ABcc:%20spy@example.org\
             &cc=b@example.org%0ABcc:%20spy@example.org",
        );
        assert_eq!(m.subject, some("Hi  Bcc: spy@example.org"));
        assert_eq!(m.cc, ["b@example.org Bcc: spy@example.org"]);
        assert!(m.bcc.is_empty());
    }

    #[test]
    fn lone_cr_and_lf_in_body() {
        let m = ok("mailto:?body=a%0Db%0Ac%0D%0A%0D%0Ad");
        assert_eq!(m.body, some("a\nb\nc\n\nd"));
    }

    #[test]
    fn lists_merge_dedupe_and_skip_empties() {
        let m = ok(
            "mailto:a@x.example,%20b@x.example,,?to=A@x.example&to=c@x.example\
             &bcc=d@x.example&bcc=e@x.example,d@x.example",
        );
        assert_eq!(m.to, ["a@x.example", "b@x.example", "c@x.example"]);
        assert_eq!(m.bcc, ["d@x.example", "e@x.example"]);
    }

    #[test]
    fn commas_inside_quotes_or_angles_do_not_split() {
        let m = ok("mailto:%22a,b%22@x.example?cc=Bob%20%3Cb,c@x.example%3E,d@x.example");
        assert_eq!(m.to, [r#""a,b"@x.example"#]);
        assert_eq!(m.cc, ["Bob <b,c@x.example>", "d@x.example"]);
    }

    #[test]
    fn first_subject_wins_and_empty_values_are_absent() {
        let m = ok("mailto:?subject=&subject=one&subject=two&body=&in-reply-to=");
        assert_eq!(m.subject, some("one"));
        assert_eq!(m.body, None);
        assert_eq!(m.in_reply_to, None);
    }

    #[test]
    fn fragment_is_dropped_and_whitespace_trimmed() {
        let m = ok("  mailto:a@example.org?subject=x#frag \n");
        assert_eq!(m.subject, some("x"));
        assert_eq!(m.to, ["a@example.org"]);
    }

    #[test]
    fn empty_link_is_an_empty_draft() {
        assert!(ok("mailto:").is_empty());
        assert!(ok("mailto:?").is_empty());
        assert!(!ok("mailto:a@example.org").is_empty());
    }

    #[test]
    fn raw_unicode_is_accepted() {
        let m = ok("mailto:jörg@example.org?subject=grüße");
        assert_eq!(m.to, ["jörg@example.org"]);
        assert_eq!(m.subject, some("grüße"));
    }

    #[test]
    fn other_schemes_are_errors_with_a_sentence() {
        for uri in [
            "https://example.org",
            "a@example.org",
            "",
            "mail:a@example.org",
            "mailtoo:a@example.org",
        ] {
            let err = parse(uri).expect_err(uri);
            assert!(matches!(err, Error::NotMailto { .. }), "{uri}");
        }
        let err = parse("https://example.org").expect_err("not mailto");
        assert_eq!(
            err.to_string(),
            "“https://example.org” is not an email link: it should start with “mailto:”."
        );
        let long = format!("https://{}", "x".repeat(100));
        let Error::NotMailto { shown } = parse(&long).expect_err("not mailto");
        assert_eq!(shown.chars().count(), 61);
        assert!(shown.ends_with('…'));
    }
}
