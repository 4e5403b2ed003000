//! Entry points for the protocol and message fuzzers (`tests/fuzz`, run with `cargo fuzz`) and
//! for the test that replays every input they ever found trouble with
//! (`tests/fuzz/regressions/<target>/`). Each takes arbitrary bytes as a
//! server or a sender would send them and must return, whatever they are:
//! no panic, no abort, no hang.

use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// Bytes from an IMAP server: the guard, the raw framer, and every framed
/// response the guard let through read as a FETCH and by imap-proto; the
/// whole read as a folder name.
pub fn imap(data: &[u8]) {
    let mut lexer = crate::net::imap::guard::Lexer::default();
    // The guard sees the stream in pieces, as reads cut it.
    let passed = data
        .chunks(61)
        .take_while(|chunk| lexer.feed(chunk).is_ok())
        .count()
        * 61;
    let passed = &data[..passed.min(data.len())];
    for response in crate::net::imap_raw::frames(passed) {
        let _ = crate::sync::fetched::row_of(response);
        let _ = crate::sync::fetched::uid_and_flags(response);
        let _ = crate::sync::fetched::unreadable(response);
        let _ = async_imap::imap_proto::Response::parse(response);
    }
    // Folder names come from the same server.
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(name) = crate::net::imap::mutf7::decode(text)
    {
        assert_eq!(
            crate::net::imap::mutf7::encode(&name),
            text,
            "one spelling per name"
        );
    }
}

/// Bytes from a POP3 server, answering a whole session: greeting, CAPA,
/// UIDL, LIST and RETR of the first message.
pub fn pop3(data: &[u8]) {
    run(async {
        let Ok(mut client) = crate::net::pop3::Client::connect(Scripted::new(data)).await else {
            return;
        };
        let caps = client.capabilities().await.unwrap_or_default();
        let delay = crate::net::pop3::login_delay(&caps);
        // A refused login is read by its response code.
        if let Err(crate::net::pop3::Error::Negative(reply)) = client.login("u", "p").await {
            let _ = crate::net::pop3::refusal(&crate::account::Server::default(), reply, delay);
        }
        let _ = client.uidl_all().await;
        let _ = client.list_all().await;
        let _ = client.retr_pipelined(&[(1, Some(100)), (2, None)]).await;
    });
}

/// Bytes from an SMTP server before STARTTLS: its replies as read then.
pub fn smtp(data: &[u8]) {
    run(async {
        let mut io = tokio::io::BufReader::new(Scripted::new(data));
        let server = crate::account::Server::default();
        while crate::net::smtp::reply(&server, &mut io).await.is_ok() {}
    });
}

/// A `mailto:` link from anywhere.
pub fn mailto(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = crate::mailto::parse(text);
    }
}

/// A message from anyone: parsed, its text read out, its HTML sanitised
/// and turned into text, its inline parts read as the reader reads them.
/// (Laying the HTML out is the `html` target's, in the render crate.)
pub fn message(data: &[u8]) {
    // A delivery report or read receipt: bounded whatever it holds.
    if let Some(report) = crate::message::report::read(data) {
        use crate::message::report::{MAX_FIELD, MAX_RECIPIENTS};
        assert!(report.recipients.len() <= MAX_RECIPIENTS);
        for r in &report.recipients {
            for field in [Some(&r.address), r.diagnostic.as_ref(), r.status.as_ref()]
                .into_iter()
                .flatten()
            {
                assert!(field.chars().count() <= MAX_FIELD && !field.contains(['\r', '\n']));
            }
        }
        if let Some(envid) = &report.envelope_id {
            let _ = crate::message::envelope_id::unxtext(envid);
        }
    }
    // A bounce without a report part: who failed, in bounded words.
    if let Some(bounce) = crate::message::bounce::read(data) {
        use crate::message::bounce::MAX_REASON;
        assert!(bounce.message_id.chars().count() <= crate::message::report::MAX_FIELD);
        let to = [
            "ghost@example.org".to_owned(),
            "ben@example.test".to_owned(),
        ];
        for r in bounce.failed(&to).iter().chain(&bounce.failed(&to[..1])) {
            assert!(to.contains(&r.address));
            let reason = r.diagnostic.as_deref().unwrap_or_default();
            assert!(reason.chars().count() <= MAX_REASON && !reason.contains(['\r', '\n']));
        }
    }
    // A request for a read receipt names a real address or nothing.
    if let Some(to) = crate::message::receipt::asked_by(data) {
        assert!(to.parse::<lettre::Address>().is_ok(), "{to:?}");
    }
    let Ok(parsed) = crate::message::parse(data) else {
        return;
    };
    let _ = crate::message::snippet_and_text(&parsed, 200);
    if let Some(html) = &parsed.html {
        let _ = crate::message::html::to_text(html, 80);
        let _ = crate::message::html::has_remote_content(html);
    }
    let inline: Vec<usize> = parsed
        .attachments
        .iter()
        .filter(|part| part.content_id.is_some())
        .map(|part| part.index)
        .collect();
    let _ = crate::message::parts_bytes(data, &inline);
}

/// Runs one input's work to its end on a runtime of its own, as each
/// fuzzing run needs.
pub fn run(work: impl std::future::Future<Output = ()>) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a runtime");
    runtime.block_on(work);
}

/// A connection whose server sends `data` and then closes; what the client
/// writes goes nowhere.
struct Scripted {
    input: std::io::Cursor<Vec<u8>>,
}

impl Scripted {
    fn new(data: &[u8]) -> Self {
        Self {
            input: std::io::Cursor::new(data.to_vec()),
        }
    }
}

impl AsyncRead for Scripted {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().input).poll_read(cx, buf)
    }
}

impl AsyncWrite for Scripted {
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// Text a user typed or pasted into the composer in Markdown: whatever it
/// is, the HTML made from it carries no script element and no script link
/// (`<` in text is escaped, so these can only be markup), and too large or
/// too deep input is sent as text only, without a panic or a hang.
pub fn markdown(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(html) = crate::message::markdown::to_html(text, Some(text)) {
        let lower = html.to_ascii_lowercase();
        for bad in ["<script", "<a href=\"javascript:", "<img src=\"javascript:"] {
            assert!(!lower.contains(bad), "{bad} in {html}");
        }
    }
}

/// Bytes from a sign-in server, a mail server's refusal, a browser's
/// return to the loopback listener or a provider's autoconfig file: every
/// OAuth2 reader. Whatever they are, what is accepted keeps its promises:
/// endpoints are HTTPS (or loopback), lifetimes are bounded, the return is
/// this sign-in's.
pub fn oauth(data: &[u8]) {
    use crate::oauth::{callback, metadata, register, token};
    let now = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_800_000_000);
    let _ = crate::net::sasl::Refusal::from_json(data);
    if let Ok(meta) = metadata::Metadata::parse(data, "https://id.example") {
        assert!(metadata::is_secure(&meta.authorization_endpoint));
        assert!(metadata::is_secure(&meta.token_endpoint));
    }
    if let Ok(tokens) = token::parse(data, now) {
        assert!(tokens.refresh_at <= now + token::MAX_LIFETIME);
        assert!(!tokens.access.is_empty());
    }
    let _ = register::parse(data);
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = crate::net::sasl::Refusal::from_challenge(text);
    for issuer_required in [false, true] {
        let expected = callback::Expected {
            state: "s1",
            issuer: "https://id.example",
            issuer_required,
        };
        if callback::parse(text, &expected).is_ok() {
            let query = text.split_once('?').map_or("", |(_, q)| q);
            let state = url::form_urlencoded::parse(query.as_bytes())
                .find(|(k, _)| k == "state")
                .map(|(_, v)| v.into_owned());
            assert_eq!(state.as_deref(), Some("s1"), "only this sign-in's");
        }
    }
    if let Some(oauth) = crate::discovery::autoconfig_oauth(text, "jo@example.org") {
        for address in [
            &oauth.issuer,
            &oauth.authorization_endpoint,
            &oauth.token_endpoint,
        ]
        .into_iter()
        .flatten()
        {
            assert!(metadata::is_secure(address), "{address}");
        }
    }
}

/// Feeds every input kept under `tests/fuzz/regressions/<name>/` to
/// `target`, and says how many there were.
pub fn replay(name: &str, target: fn(&[u8])) -> usize {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fuzz/regressions")
        .join(name);
    let mut ran = 0;
    for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        let data = std::fs::read(entry.path()).expect("a kept input");
        target(&data);
        ran += 1;
    }
    ran
}

#[cfg(test)]
mod tests {
    /// Every input kept for these targets (crashes found by the fuzzers,
    /// and the hostile cases of issue 22), and the message fixtures,
    /// through each entry point. The HTML target's are replayed in the
    /// render crate.
    #[test]
    fn kept_inputs_and_fixtures_pass_every_entry_point() {
        let ran = [
            super::replay("imap", super::imap),
            super::replay("pop3", super::pop3),
            super::replay("smtp", super::smtp),
            super::replay("mailto", super::mailto),
            super::replay("message", super::message),
            super::replay("markdown", super::markdown),
            super::replay("oauth", super::oauth),
        ];
        assert!(
            ran.iter().all(|&n| n > 0),
            "kept inputs missing for a target: {ran:?}"
        );
        let fixtures =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
        let mut messages = 0;
        for entry in std::fs::read_dir(fixtures).into_iter().flatten().flatten() {
            if let Ok(data) = std::fs::read(entry.path()) {
                super::message(&data);
                messages += 1;
            }
        }
        assert!(messages > 10, "only {messages} fixtures: they are missing");
    }
}
