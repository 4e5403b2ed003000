//! The browser's return to the loopback listener: `GET /?code=…&state=…
//! &iss=…`. The request line comes from whatever connects to the port, so
//! it is read as hostile: bounded, and accepted only with the `state` of
//! this sign-in and, when the server says it sends one, its issuer
//! (RFC 9207: a code meant for another server is refused).

/// The longest request target read: a code and a state are well under a
/// kilobyte; a provider's error description can be a sentence.
pub const MAX_TARGET: usize = 8 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallbackError {
    #[error("the sign-in answer is too long to be one")]
    TooLong,
    #[error("the sign-in answer is not for this sign-in (its state differs)")]
    WrongState,
    #[error(
        "the sign-in answer came from another server ({found}) than the one asked ({expected})"
    )]
    WrongIssuer { expected: String, found: String },
    #[error("the server names no issuer in its answer, though it said it would")]
    MissingIssuer,
    #[error("the sign-in was refused: {0}")]
    Refused(String),
    #[error("the sign-in answer carries no code")]
    NoCode,
}

/// What a valid return carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Returned {
    pub code: String,
}

/// What the answer must match.
pub struct Expected<'a> {
    pub state: &'a str,
    pub issuer: &'a str,
    /// The metadata's `authorization_response_iss_parameter_supported`:
    /// then `iss` must be there.
    pub issuer_required: bool,
}

/// Reads the request target (`/?code=…`) of the redirect.
pub fn parse(target: &str, expected: &Expected<'_>) -> Result<Returned, CallbackError> {
    if target.len() > MAX_TARGET {
        return Err(CallbackError::TooLong);
    }
    let query = target.split_once('?').map_or("", |(_, q)| q);
    let mut code = None;
    let mut state = None;
    let mut iss = None;
    let mut error = None;
    let mut description = None;
    for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
        let slot = match name.as_ref() {
            "code" => &mut code,
            "state" => &mut state,
            "iss" => &mut iss,
            "error" => &mut error,
            "error_description" => &mut description,
            _ => continue,
        };
        // A parameter given twice is not one answer.
        if slot.replace(value.into_owned()).is_some() {
            return Err(CallbackError::WrongState);
        }
    }
    // The state first: an answer not meant for this sign-in says nothing.
    if state.as_deref() != Some(expected.state) {
        return Err(CallbackError::WrongState);
    }
    match iss {
        Some(found) if found != expected.issuer => {
            return Err(CallbackError::WrongIssuer {
                expected: expected.issuer.to_owned(),
                found,
            });
        }
        None if expected.issuer_required => return Err(CallbackError::MissingIssuer),
        _ => {}
    }
    if let Some(error) = error {
        let said = super::said_by_server(&description.unwrap_or(error));
        return Err(CallbackError::Refused(said));
    }
    match code {
        Some(code) if !code.is_empty() => Ok(Returned { code }),
        _ => Err(CallbackError::NoCode),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXPECTED: Expected<'static> = Expected {
        state: "s-123",
        issuer: "https://id.example.test",
        issuer_required: true,
    };

    #[test]
    fn a_good_answer_gives_its_code() {
        let got = parse(
            "/?code=abc%2Fdef&state=s-123&iss=https%3A%2F%2Fid.example.test",
            &EXPECTED,
        );
        assert_eq!(
            got,
            Ok(Returned {
                code: "abc/def".into()
            })
        );
    }

    #[test]
    fn wrong_or_missing_state_and_issuer_are_refused() {
        let iss = "iss=https%3A%2F%2Fid.example.test";
        assert_eq!(
            parse(&format!("/?code=c&state=other&{iss}"), &EXPECTED),
            Err(CallbackError::WrongState)
        );
        assert_eq!(
            parse(&format!("/?code=c&{iss}"), &EXPECTED),
            Err(CallbackError::WrongState)
        );
        assert_eq!(
            parse(
                &format!("/?code=c&state=s-123&state=s-123&{iss}"),
                &EXPECTED
            ),
            Err(CallbackError::WrongState),
            "a parameter twice"
        );
        assert!(matches!(
            parse(
                "/?code=c&state=s-123&iss=https%3A%2F%2Fevil.test",
                &EXPECTED
            ),
            Err(CallbackError::WrongIssuer { .. })
        ));
        assert_eq!(
            parse("/?code=c&state=s-123", &EXPECTED),
            Err(CallbackError::MissingIssuer)
        );
        let lenient = Expected {
            issuer_required: false,
            ..EXPECTED
        };
        assert!(parse("/?code=c&state=s-123", &lenient).is_ok());
    }

    #[test]
    fn a_refusal_is_said_in_one_clean_line_and_huge_targets_are_not_read() {
        let got = parse(
            "/?error=access_denied&error_description=The%20user%0Asaid%20no&state=s-123&iss=https%3A%2F%2Fid.example.test",
            &EXPECTED,
        );
        assert_eq!(got, Err(CallbackError::Refused("The user said no".into())));
        let huge = format!("/?state=s-123&code={}", "a".repeat(MAX_TARGET));
        assert_eq!(parse(&huge, &EXPECTED), Err(CallbackError::TooLong));
        assert_eq!(
            parse("/?state=s-123&iss=https%3A%2F%2Fid.example.test", &EXPECTED),
            Err(CallbackError::NoCode)
        );
    }
}
