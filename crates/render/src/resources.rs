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

use postel_core::message::Message;

/// Larger remote answers are cut off: no image or stylesheet in a mail
/// needs more, and a hostile server must not fill the memory.
const MAX_REMOTE_SIZE: usize = 8 * 1024 * 1024;
/// A message asking for more than this is abusing the reader.
const MAX_REMOTE_REQUESTS: usize = 200;
const REMOTE_TIMEOUT: Duration = Duration::from_secs(10);

/// Largest image decoded, in pixels: a 24-megapixel photo (6000×4000, the
/// most a common camera takes), 96 MB once decoded. A 332 KB PNG declaring
/// 16000×16000 pixels made the reader take 2 GB.
const MAX_IMAGE_PIXELS: u64 = 24_000_000;
/// All the images of one message together: two such photos. Past it, the
/// rest are left out as if missing.
const MAX_MESSAGE_PIXELS: u64 = 2 * MAX_IMAGE_PIXELS;

/// The message's own parts, by Content-ID, and whether remote content may
/// be fetched.
pub struct Resources {
    parts: HashMap<String, Bytes>,
    remote: Mutex<Option<Remote>>,
    log: Mutex<Log>,
    in_flight: Arc<(Mutex<usize>, Condvar)>,
    /// Pixels of the images handed to the engine so far.
    pixels: Arc<Mutex<u64>>,
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
        let inline: Vec<_> = message
            .attachments
            .iter()
            .filter(|part| part.content_id.is_some())
            .collect();
        let indexes: Vec<usize> = inline.iter().map(|part| part.index).collect();
        let parts = inline
            .iter()
            .zip(postel_core::message::parts_bytes(raw, &indexes))
            .filter_map(|(part, bytes)| {
                let cid = part.content_id.as_deref()?;
                Some((cid.to_ascii_lowercase(), Bytes::from(bytes?)))
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
            pixels: Arc::new(Mutex::new(0)),
        }
    }

    /// Lets http and https requests through from now on, for this message
    /// only.
    pub fn allow_remote(self) -> Result<Self, String> {
        let (config, _) =
            postel_core::net::tls::client_config(&Default::default()).map_err(|e| e.to_string())?;
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
        let pixels = Arc::clone(&self.pixels);
        *lock(&in_flight.0) += 1;
        remote.runtime.spawn(async move {
            let body = download(&client, &url).await.unwrap_or_else(|error| {
                tracing::info!(%url, %error, "remote content could not be loaded");
                Bytes::new()
            });
            handler.bytes(url, within_budget(&pixels, body));
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
        handler.bytes(url.into(), within_budget(&self.pixels, body));
    }
}

/// `body` if it is no image, or an image within the pixel budgets (its size
/// read off its header, before anything is decoded); nothing otherwise.
fn within_budget(spent: &Mutex<u64>, body: Bytes) -> Bytes {
    let Some((width, height)) = image_size(&body) else {
        // Style sheets, fonts, SVG: not a raster image.
        return body;
    };
    let pixels = u64::from(width) * u64::from(height);
    let mut spent = lock(spent);
    if pixels > MAX_IMAGE_PIXELS || *spent + pixels > MAX_MESSAGE_PIXELS {
        tracing::info!(width, height, "an image too large to show was left out");
        return Bytes::new();
    }
    *spent += pixels;
    body
}

/// The width and height a raster image's header declares.
fn image_size(bytes: &[u8]) -> Option<(u32, u32)> {
    image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .ok()?
        .into_dimensions()
        .ok()
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

    /// A PNG of `width`×`height` pixels as far as its header goes: what
    /// a decoder reads before it allocates.
    fn png_header(width: u32, height: u32) -> Vec<u8> {
        let mut small = std::io::Cursor::new(Vec::new());
        image::RgbImage::new(1, 1)
            .write_to(&mut small, image::ImageFormat::Png)
            .expect("a PNG");
        let mut png = small.into_inner();
        // IHDR's data starts after the signature (8), length (4) and type (4).
        png[16..20].copy_from_slice(&width.to_be_bytes());
        png[20..24].copy_from_slice(&height.to_be_bytes());
        let crc = crc32(&png[12..29]);
        png[29..33].copy_from_slice(&crc.to_be_bytes());
        png
    }

    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    #[test]
    fn images_past_the_pixel_budgets_are_left_out_before_decoding() {
        assert_eq!(image_size(&png_header(16000, 16000)), Some((16000, 16000)));
        let spent = Mutex::new(0);
        let huge = Bytes::from(png_header(16000, 16000));
        assert!(within_budget(&spent, huge).is_empty());
        // A big photo fits, and a second; a third is past the message's budget.
        let photo = Bytes::from(png_header(6000, 4000));
        assert!(!within_budget(&spent, photo.clone()).is_empty());
        assert!(!within_budget(&spent, photo.clone()).is_empty());
        assert!(within_budget(&spent, photo).is_empty());
        // What is no raster image passes as it is.
        let css = Bytes::from_static(b"body { color: red }");
        assert_eq!(within_budget(&spent, css.clone()), css);
    }

    #[test]
    fn cid_urls_are_decoded_and_compared_without_case() {
        let url = Url::parse("cid:Logo%40Example.COM").expect("test step");
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
