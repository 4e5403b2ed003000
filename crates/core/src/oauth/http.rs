//! The sign-in server's HTTP: documents fetched and forms posted. Every
//! answer is read as hostile: bounded in size and time, never followed
//! through redirects (an endpoint that moves is not the one the metadata
//! named), certificates checked by Postel's one verifier.

use std::time::Duration;

use crate::account::{Account, Server};
use crate::net::tls;

/// How long one request may take, from connecting to the last byte: a
/// sign-in server answers in well under a second.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

pub struct Http {
    client: reqwest::Client,
}

/// An answer: its status and its body, read up to the caller's bound.
pub struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
}

impl Http {
    /// A client trusting the system's roots only.
    pub fn new() -> Result<Self, String> {
        Self::trusting(Vec::new())
    }

    /// A client for an account's sign-in: the system's roots, and the
    /// certificates the user trusted for the account's mail servers. A
    /// self-hosted server's sign-in is served from the same host, under
    /// the same certificate or private CA, as its IMAP and SMTP. Pins are
    /// not taken: a pin skips the host name check, and the user pinned the
    /// certificate for the mail server only.
    pub fn for_account(account: &Account) -> Result<Self, String> {
        let mut trusted = account.incoming.server.trusted_certificates.clone();
        for pem in &account.outgoing.server.trusted_certificates {
            if !trusted.contains(pem) {
                trusted.push(pem.clone());
            }
        }
        Self::trusting(trusted)
    }

    fn trusting(trusted_certificates: Vec<String>) -> Result<Self, String> {
        let server = Server {
            trusted_certificates,
            ..Server::default()
        };
        let (config, _) = tls::client_config(&server).map_err(|e| e.to_string())?;
        let client = reqwest::Client::builder()
            .tls_backend_preconfigured(std::sync::Arc::unwrap_or_clone(config))
            .timeout(REQUEST_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("Postel/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(describe)?;
        Ok(Self { client })
    }

    pub async fn get(&self, url: &str, max: usize) -> Result<Answer, String> {
        let request = self.client.get(url).header("Accept", "application/json");
        read(request, max).await
    }

    pub async fn post_form(
        &self,
        url: &str,
        form: &[(&'static str, String)],
        max: usize,
    ) -> Result<Answer, String> {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form.iter().map(|(k, v)| (*k, v.as_str())))
            .finish();
        let request = self
            .client
            .post(url)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            .body(body);
        read(request, max).await
    }

    pub async fn post_json(
        &self,
        url: &str,
        json: &serde_json::Value,
        max: usize,
    ) -> Result<Answer, String> {
        let request = self
            .client
            .post(url)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .body(json.to_string());
        read(request, max).await
    }
}

async fn read(request: reqwest::RequestBuilder, max: usize) -> Result<Answer, String> {
    let mut response = request.send().await.map_err(describe)?;
    let status = response.status().as_u16();
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(describe)? {
        if body.len() + chunk.len() > max {
            return Err(format!("its answer is larger than {max} bytes"));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Answer { status, body })
}

/// What went wrong with a request, in a few words: the innermost cause
/// says it (refused, no such host, certificate not trusted).
fn describe(err: reqwest::Error) -> String {
    if err.is_timeout() {
        return format!("no answer within {} seconds", REQUEST_TIMEOUT.as_secs());
    }
    let mut cause: &dyn std::error::Error = &err;
    while let Some(inner) = cause.source() {
        cause = inner;
    }
    cause.to_string()
}
