//! Dynamic client registration (RFC 7591): where an authorization server
//! offers it, Postel registers itself as a public native client, so no
//! provider list or compiled-in client ID is needed (the IETF mailmaint
//! profile for open clients).

use serde::Deserialize;

/// The largest registration answer read.
pub const MAX_REGISTRATION_RESPONSE: usize = 64 * 1024;

/// The registration request: a native app with a loopback redirect, the
/// code and refresh grants, and no secret (it could not be kept one).
pub fn request(redirect_uri: &str, scopes: &[String]) -> serde_json::Value {
    let mut body = serde_json::json!({
        "client_name": "Postel",
        "application_type": "native",
        "redirect_uris": [redirect_uri],
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "token_endpoint_auth_method": "none",
    });
    if !scopes.is_empty() {
        body["scope"] = serde_json::Value::String(scopes.join(" "));
    }
    body
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistrationError {
    #[error("the sign-in server's answer is too large ({0} bytes) to be one")]
    TooLarge(usize),
    #[error("the sign-in server's answer could not be read: {0}")]
    Unreadable(String),
    #[error("the sign-in server would not register Postel: {0}")]
    Refused(String),
}

#[derive(Deserialize)]
struct Answer {
    client_id: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

/// The client ID the server gave Postel.
pub fn parse(body: &[u8]) -> Result<String, RegistrationError> {
    if body.len() > MAX_REGISTRATION_RESPONSE {
        return Err(RegistrationError::TooLarge(body.len()));
    }
    let a: Answer =
        serde_json::from_slice(body).map_err(|e| RegistrationError::Unreadable(e.to_string()))?;
    if let Some(error) = a.error {
        let said = super::said_by_server(&a.error_description.unwrap_or(error));
        return Err(RegistrationError::Refused(said));
    }
    a.client_id
        .filter(|id| !id.is_empty() && id.len() <= 1024)
        .ok_or_else(|| RegistrationError::Unreadable("no client_id".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_is_a_public_native_client_with_a_loopback_redirect() {
        let body = request("http://127.0.0.1:4711/", &["openid".into(), "imap".into()]);
        assert_eq!(body["application_type"], "native");
        assert_eq!(body["token_endpoint_auth_method"], "none");
        assert_eq!(body["redirect_uris"][0], "http://127.0.0.1:4711/");
        assert_eq!(body["scope"], "openid imap");
    }

    #[test]
    fn the_answer_gives_a_client_id_or_says_why_not() {
        assert_eq!(
            parse(br#"{"client_id":"abc","client_id_issued_at":1}"#),
            Ok("abc".into())
        );
        assert_eq!(
            parse(
                br#"{"error":"invalid_redirect_uri","error_description":"loopback not allowed"}"#
            ),
            Err(RegistrationError::Refused("loopback not allowed".into()))
        );
        assert!(matches!(
            parse(br#"{"client_id":""}"#),
            Err(RegistrationError::Unreadable(_))
        ));
        assert!(matches!(
            parse(&vec![b' '; MAX_REGISTRATION_RESPONSE + 1]),
            Err(RegistrationError::TooLarge(_))
        ));
    }
}
