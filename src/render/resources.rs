//! Every sub-resource a message's HTML asks for goes through here: `cid:`
//! parts and `data:` URIs are answered from the message itself; remote URLs
//! are answered with nothing (and noted, so the reader can offer "Load
//! remote content") unless the user allowed them for this message.
//!
//! Every request is answered, even refused ones: Blitz holds back painting
//! while a stylesheet is outstanding, so an unanswered `<link>` would leave
//! the page blank.

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use blitz_traits::net::{Bytes, NetHandler, NetProvider, Request, Url};

use crate::message::Message;

/// Larger remote answers are cut off: no image or stylesheet in a mail
/// needs more, and a hostile server must not fill the memory.
const MAX_REMOTE_SIZE: usize = 8 * 1024 * 1024;
/// A message asking for more than this is abusing the reader.
const MAX_REMOTE_REQUESTS: usize = 200;
const REMOTE_TIMEOUT: Duration = Duration::from_secs(10);

/// The message's own parts, by Content-ID, and whether remote content may
/// be fetched.
pub struct Resources {
    parts: HashMap<String, Bytes>,
    remote: Mutex<Option<Remote>>,
    log: Mutex<Log>,
    in_flight: Arc<(Mutex<usize>, Condvar)>,
}

#[derive(Default)]
struct Log {
    /// Remote URLs the message asked for and did not get.
    blocked: Vec<String>,
    /// Remote URLs fetched because the user allowed it.
    fetched: Vec<String>,
}

/// A small runtime of its own so fetching works the same from the GUI's
/// worker threads and from the command line.
struct Remote {
    runtime: tokio::runtime::Runtime,
    client: reqwest::Client,
}

impl Resources {
    /// Resources from nothing but `data:` URIs; remote content blocked.
    pub fn none() -> Self {
        Self::new(HashMap::new())
    }

    /// The inline parts of `message`, whose raw form is `raw`.
    pub fn from_message(message: &Message, raw: &[u8]) -> Self {
        let parts = message
            .attachments
            .iter()
            .enumerate()
            .filter_map(|(index, part)| {
                let cid = part.content_id.as_deref()?;
                let bytes = crate::message::part_bytes(raw, index)?;
                Some((cid.to_ascii_lowercase(), Bytes::from(bytes)))
            })
            .collect();
        Self::new(parts)
    }

    fn new(parts: HashMap<String, Bytes>) -> Self {
        Self {
            parts,
            remote: Mutex::new(None),
            log: Mutex::new(Log::default()),
            in_flight: Arc::new((Mutex::new(0), Condvar::new())),
        }
    }

    /// Lets http and https requests through from now on, for this message
    /// only.
    pub fn allow_remote(self) -> Result<Self, String> {
        let (config, _) =
            crate::net::tls::client_config(&Default::default()).map_err(|e| e.to_string())?;
        let client = reqwest::Client::builder()
            .tls_backend_preconfigured(Arc::unwrap_or_clone(config))
            .timeout(REMOTE_TIMEOUT)
            .user_agent(concat!("Postel/", env!("CARGO_PKG_VERSION")))
            // Nothing identifying goes out with the request.
            .referer(false)
            .build()
            .map_err(|e| e.to_string())?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("postel-remote")
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        *lock(&self.remote) = Some(Remote { runtime, client });
        Ok(self)
    }

    /// Remote URLs the message asked for that were not fetched.
    pub fn blocked(&self) -> Vec<String> {
        lock(&self.log).blocked.clone()
    }

    /// Remote URLs that were fetched.
    pub fn fetched(&self) -> Vec<String> {
        lock(&self.log).fetched.clone()
    }

    /// Waits until no remote request is outstanding, or `deadline`.
    pub(super) fn wait_idle(&self, deadline: Instant) {
        let (count, idle) = &*self.in_flight;
        let mut n = lock(count);
        while *n > 0 {
            let now = Instant::now();
            if now >= deadline {
                return;
            }
            n = idle
                .wait_timeout(n, deadline - now)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    /// Stops fetching: later requests (a re-layout at another width) are
    /// answered from what is local. Runs on the layout thread so the
    /// runtime is never dropped inside another runtime.
    pub(super) fn close_remote(&self) {
        if let Some(remote) = lock(&self.remote).take() {
            remote.runtime.shutdown_background();
        }
    }

    fn fetch_remote(&self, url: String, handler: Box<dyn NetHandler>) {
        let remote = lock(&self.remote);
        let mut log = lock(&self.log);
        let allowed = remote.is_some() && log.fetched.len() < MAX_REMOTE_REQUESTS;
        let Some(remote) = remote.as_ref().filter(|_| allowed) else {
            log.blocked.push(url.clone());
            handler.bytes(url, Bytes::new());
            return;
        };
        log.fetched.push(url.clone());
        drop(log);
        let client = remote.client.clone();
        let in_flight = Arc::clone(&self.in_flight);
        *lock(&in_flight.0) += 1;
        remote.runtime.spawn(async move {
            let body = download(&client, &url).await.unwrap_or_else(|error| {
                tracing::info!(%url, %error, "remote content could not be loaded");
                Bytes::new()
            });
            handler.bytes(url, body);
            let (count, idle) = &*in_flight;
            *lock(count) -= 1;
            idle.notify_all();
        });
    }
}

impl NetProvider for Resources {
    fn fetch(&self, _doc_id: usize, request: Request, handler: Box<dyn NetHandler>) {
        let url = request.url;
        let body = match url.scheme() {
            "cid" => self.parts.get(&cid_of(&url)).cloned().unwrap_or_default(),
            "data" => data_url(url.as_str()).unwrap_or_default(),
            "http" | "https" => return self.fetch_remote(url.into(), handler),
            // The placeholder base URL, `about:` and anything else: there
            // is nothing behind them.
            _ => Bytes::new(),
        };
        handler.bytes(url.into(), body);
    }
}

/// `cid:` URLs are percent-encoded Content-IDs, compared without case.
fn cid_of(url: &Url) -> String {
    let raw = &url.as_str()["cid:".len()..];
    percent_decode(raw).to_ascii_lowercase()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn data_url(url: &str) -> Option<Bytes> {
    let data = data_url::DataUrl::process(url).ok()?;
    let (body, _) = data.decode_to_vec().ok()?;
    Some(Bytes::from(body))
}

async fn download(client: &reqwest::Client, url: &str) -> Result<Bytes, String> {
    let mut response = client.get(url).send().await.map_err(|e| e.to_string())?;
    if !response.status().is_success() {
        return Err(format!("the server answered {}", response.status()));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| e.to_string())? {
        if body.len() + chunk.len() > MAX_REMOTE_SIZE {
            return Err("the answer is too large".into());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Bytes::from(body))
}

/// A poisoned lock only means another thread panicked mid-render; the log
/// and counters are still meaningful.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cid_urls_are_decoded_and_compared_without_case() {
        let url = Url::parse("cid:Logo%40Example.COM").expect("a cid URL");
        assert_eq!(cid_of(&url), "logo@example.com");
    }

    #[test]
    fn data_urls_decode_base64_and_percent_forms() {
        assert_eq!(
            data_url("data:image/png;base64,aGVsbG8=").as_deref(),
            Some(&b"hello"[..])
        );
        assert_eq!(
            data_url("data:text/css,a%20b").as_deref(),
            Some(&b"a b"[..])
        );
        assert_eq!(data_url("data:"), None);
    }
}
