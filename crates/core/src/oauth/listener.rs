//! The one-shot listener the browser returns to after the sign-in
//! (RFC 8252 7.3: a loopback address, a port the system chooses). Anyone
//! on the machine can connect to it, so each connection is read as
//! hostile: a bounded request, a short time to send it, and only an
//! answer with this sign-in's `state` ends the wait; anything else gets an
//! error page and the listener goes on waiting until its deadline.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::callback::{self, CallbackError, Expected, Returned};

/// The most of a request read: the request line and the browser's headers.
pub const MAX_REQUEST: usize = 16 * 1024;
/// How long one connection may take to send its request: a browser sends
/// it at once; a connection that dawdles would hold the real one up.
pub const REQUEST_TIME: Duration = Duration::from_secs(2);

#[derive(Debug, thiserror::Error)]
pub enum WaitError {
    #[error("the sign-in in the browser was not finished in time")]
    Timeout,
    #[error(transparent)]
    Refused(CallbackError),
    #[error("the sign-in could not listen for the browser's answer: {0}")]
    Io(#[from] std::io::Error),
}

pub struct Listener {
    socket: TcpListener,
    /// `http://127.0.0.1:PORT/`, the redirect URI to register and send.
    pub redirect_uri: String,
}

impl Listener {
    pub async fn bind() -> std::io::Result<Self> {
        let socket = TcpListener::bind(("127.0.0.1", 0)).await?;
        let port = socket.local_addr()?.port();
        Ok(Self {
            socket,
            redirect_uri: format!("http://127.0.0.1:{port}/"),
        })
    }

    /// Waits up to `timeout` for the browser's answer to this sign-in.
    pub async fn wait(
        self,
        expected: &Expected<'_>,
        timeout: Duration,
    ) -> Result<Returned, WaitError> {
        let deadline = tokio::time::Instant::now() + timeout;
        // One connection at a time: a browser sends its request at once,
        // and a silent one is dropped after REQUEST_TIME.
        loop {
            let accepted = tokio::time::timeout_at(deadline, self.socket.accept()).await;
            let Ok(accepted) = accepted else {
                return Err(WaitError::Timeout);
            };
            let (mut stream, _) = accepted?;
            let Ok(Some(target)) =
                tokio::time::timeout(REQUEST_TIME, request_target(&mut stream)).await
            else {
                let _ = answer(&mut stream, 400, PAGE_NOT_SIGN_IN).await;
                continue;
            };
            // Browsers also ask for /favicon.ico and the like.
            if !target.starts_with("/?") {
                let _ = answer(&mut stream, 404, PAGE_NOT_SIGN_IN).await;
                continue;
            }
            match callback::parse(&target, expected) {
                Ok(returned) => {
                    let _ = answer(&mut stream, 200, PAGE_DONE).await;
                    return Ok(returned);
                }
                // Not this sign-in's answer (another tab, someone else on
                // the machine): it does not end the real one.
                Err(CallbackError::WrongState | CallbackError::TooLong) => {
                    let _ = answer(&mut stream, 400, PAGE_NOT_SIGN_IN).await;
                }
                Err(refused) => {
                    let _ = answer(&mut stream, 400, PAGE_REFUSED).await;
                    return Err(WaitError::Refused(refused));
                }
            }
        }
    }
}

/// Reads the request line's target, or `None` when it is no GET request
/// or too long.
async fn request_target(stream: &mut TcpStream) -> Option<String> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
        if buf.len() > MAX_REQUEST {
            return None;
        }
    }
    let line = buf.split(|&b| b == b'\n').next()?;
    let line = std::str::from_utf8(line).ok()?.trim_end();
    let mut parts = line.split(' ');
    match (parts.next(), parts.next(), parts.next()) {
        (Some("GET"), Some(target), Some(version)) if version.starts_with("HTTP/1.") => {
            Some(target.to_owned())
        }
        _ => None,
    }
}

const PAGE_DONE: &str = "You are signed in. Postel has what it needs: you can close this page.";
const PAGE_REFUSED: &str =
    "The sign-in did not succeed. Postel says why in its window; you can close this page.";
const PAGE_NOT_SIGN_IN: &str = "This is not the answer Postel is waiting for.";

async fn answer(stream: &mut TcpStream, status: u16, said: &str) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        _ => "Bad Request",
    };
    let body = format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Postel</title></head>\
         <body style=\"font-family:sans-serif;margin:3em\"><h1>Postel</h1><p>{said}</p></body></html>"
    );
    let response = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\nCache-Control: no-store\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(response.as_bytes()).await?;
    stream.shutdown().await
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXPECTED: Expected<'static> = Expected {
        state: "s-1",
        issuer: "https://id.example.test",
        issuer_required: false,
    };

    /// A client that sends `request` to `uri`'s port and reads the answer.
    async fn browser(uri: &str, request: String) -> String {
        let port: u16 = uri
            .trim_start_matches("http://127.0.0.1:")
            .trim_end_matches('/')
            .parse()
            .expect("a port");
        let mut s = TcpStream::connect(("127.0.0.1", port))
            .await
            .expect("connects");
        s.write_all(request.as_bytes()).await.expect("sent");
        let mut out = String::new();
        let _ = s.read_to_string(&mut out).await;
        out
    }

    fn get(target: &str) -> String {
        format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: test\r\n\r\n")
    }

    #[tokio::test]
    async fn strays_are_turned_away_and_the_right_answer_ends_the_wait() {
        let listener = Listener::bind().await.expect("bound");
        let uri = listener.redirect_uri.clone();
        assert!(uri.starts_with("http://127.0.0.1:"));
        let waiting =
            tokio::spawn(async move { listener.wait(&EXPECTED, Duration::from_secs(10)).await });
        let stray = browser(&uri, get("/?code=x&state=someone-else")).await;
        assert!(stray.starts_with("HTTP/1.1 400"), "{stray}");
        let icon = browser(&uri, get("/favicon.ico")).await;
        assert!(icon.starts_with("HTTP/1.1 404"), "{icon}");
        let junk = browser(&uri, "\u{0}\u{1}garbage\r\n\r\n".into()).await;
        assert!(junk.starts_with("HTTP/1.1 400"), "{junk}");
        let done = browser(&uri, get("/?code=the-code&state=s-1")).await;
        assert!(
            done.starts_with("HTTP/1.1 200") && done.contains("signed in"),
            "{done}"
        );
        let got = waiting.await.expect("joined").expect("the code");
        assert_eq!(got.code, "the-code");
    }

    #[tokio::test]
    async fn a_refusal_ends_the_wait_and_silence_times_out() {
        let listener = Listener::bind().await.expect("bound");
        let uri = listener.redirect_uri.clone();
        let waiting =
            tokio::spawn(async move { listener.wait(&EXPECTED, Duration::from_secs(10)).await });
        let page = browser(&uri, get("/?error=access_denied&state=s-1")).await;
        assert!(page.starts_with("HTTP/1.1 400"));
        assert!(matches!(
            waiting.await.expect("joined"),
            Err(WaitError::Refused(CallbackError::Refused(_)))
        ));

        let listener = Listener::bind().await.expect("bound");
        let got = listener.wait(&EXPECTED, Duration::from_millis(200)).await;
        assert!(matches!(got, Err(WaitError::Timeout)));
    }

    /// A connection that sends nothing is dropped after its time and the
    /// browser behind it still gets through.
    #[tokio::test]
    async fn a_silent_connection_does_not_hold_up_the_sign_in() {
        let listener = Listener::bind().await.expect("bound");
        let uri = listener.redirect_uri.clone();
        let port: u16 = uri
            .trim_start_matches("http://127.0.0.1:")
            .trim_end_matches('/')
            .parse()
            .expect("a port");
        let waiting =
            tokio::spawn(async move { listener.wait(&EXPECTED, Duration::from_secs(10)).await });
        let _silent = TcpStream::connect(("127.0.0.1", port))
            .await
            .expect("connects");
        let done = browser(&uri, get("/?code=c2&state=s-1")).await;
        assert!(done.starts_with("HTTP/1.1 200"), "{done}");
        assert_eq!(waiting.await.expect("joined").expect("code").code, "c2");
    }
}
