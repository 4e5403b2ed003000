//! IMAP commands whose responses are read straight off the connection
//! into a single buffer and only framed here; parsing them is left to the
//! caller, on another thread. One at a time ([`run`]) or several in flight
//! ([`Pipeline`]).
//!
//! The header sync's FETCH batches use it. Through async-imap every
//! response was decoded on the thread reading from the server, into a
//! fresh zeroed 4 KB block, with the rest of the read buffer copied after
//! each one: a fifth of Postel's CPU in a 20k header sync, on the thread
//! that keeps Dovecot's responses flowing. Here that thread only decrypts
//! and finds where each response ends; the bytes are received once, into
//! one growing buffer.
//!
//! The commands run on the session async-imap logged in, with tags of our
//! own. async-imap reads nothing while they run (its session is borrowed
//! here), and what it had buffered before stays there for its next read.

use std::collections::VecDeque;
use std::ops::Range;
use std::sync::atomic::{AtomicU32, Ordering};

use async_imap::error::Error;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::imap::Session;
use super::imap::guard::{Breach, MAX_RESPONSE};

/// The untagged responses of one command, in the order they came.
#[derive(Debug, Default)]
pub struct Responses {
    bytes: Vec<u8>,
    spans: Vec<Range<usize>>,
}

impl Responses {
    /// Each response, from `*` to its last line's CRLF, literals included.
    pub fn iter(&self) -> impl Iterator<Item = &[u8]> {
        self.spans.iter().map(|span| &self.bytes[span.clone()])
    }

    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// The memory the responses take, near enough.
    fn held(&self) -> usize {
        self.bytes.len() + self.spans.len() * std::mem::size_of::<Range<usize>>()
    }
}

/// Reads grow the buffer by at least this much at a time.
const READ: usize = 64 * 1024;

/// The most one command's responses may hold before its completion; past
/// it the command ends with an error instead of exhausting memory (a
/// hostile server's endless untagged responses grew the buffer by 1.2 GB
/// in 14 s). A batch of bodies is asked for at most
/// [`MAX_BATCH_BYTES`] at a time (or one message, up to
/// `guard::MAX_MESSAGE`), and a server that runs two pipelined batches at
/// once may send both before either completes.
pub const MAX_BUFFERED: usize = MAX_RESPONSE + 2 * MAX_BATCH_BYTES + 32 * 1024 * 1024;

/// How many bytes of messages (as the server declares their sizes) one
/// command may ask for.
pub const MAX_BATCH_BYTES: usize = 32 * 1024 * 1024;

/// Sends `command` (untagged text, e.g. `FETCH 1:10 (UID)`) and returns its
/// untagged responses once the server completes it with OK; NO and BAD
/// become async-imap's errors of the same names.
pub async fn run(session: &mut Session, command: &str) -> Result<Responses, Error> {
    let mut pipeline = Pipeline::new(session);
    pipeline.send(command).await?;
    match pipeline.next().await {
        // A refusal was read to its completion: the session is in step.
        result @ (Ok(_) | Err(Error::No(_) | Error::Bad(_))) => {
            pipeline.finish().await?;
            result
        }
        Err(err) => Err(err),
    }
}

/// Commands sent ahead of their responses (RFC 9051, 5.5): the server
/// starts on the next FETCH while the client reads the responses to the
/// one before, instead of waiting for the client's next command after
/// each completion.
///
/// A server may run such commands at once, and Dovecot does: the FLAGS
/// of a second FETCH came before the first one's completion, and
/// completions may come in any order. So untagged responses are handed
/// out with the completion they came before, whichever command it ends,
/// for callers whose responses say what they are about (a FETCH names its
/// message). After a NO or BAD with commands still outstanding the
/// session is out of step: a caller drops it.
pub struct Pipeline<'s> {
    session: &'s mut Session,
    /// The tags of the commands sent and not yet completed, oldest first.
    pending: VecDeque<String>,
    /// What was read past the last completion.
    carry: Vec<u8>,
    /// A sync's download: each read waits while the user acts
    /// (`crate::priority`).
    background: bool,
}

impl<'s> Pipeline<'s> {
    pub fn new(session: &'s mut Session) -> Self {
        Self {
            session,
            pending: VecDeque::new(),
            carry: Vec::new(),
            background: false,
        }
    }

    /// The same, for a sync's download, which gives way to the user's
    /// actions between two reads.
    pub fn in_background(session: &'s mut Session) -> Self {
        Self {
            background: true,
            ..Self::new(session)
        }
    }

    /// Commands sent whose completion has not been read.
    pub fn outstanding(&self) -> usize {
        self.pending.len()
    }

    pub async fn send(&mut self, command: &str) -> Result<(), Error> {
        // async-imap's tags are "A" and a number; ours cannot be mistaken for them.
        static NEXT: AtomicU32 = AtomicU32::new(1);
        let tag = format!("P{}", NEXT.fetch_add(1, Ordering::Relaxed));
        let stream = self.session.get_mut();
        stream
            .write_all(format!("{tag} {command}\r\n").as_bytes())
            .await?;
        stream.flush().await?;
        self.pending.push_back(tag);
        Ok(())
    }

    /// The untagged responses read until the next completion of a command
    /// outstanding, if it is OK; NO and BAD become async-imap's errors of
    /// the same names.
    pub async fn next(&mut self) -> Result<Responses, Error> {
        if self.pending.is_empty() {
            return Err(Error::Bad("no command is waiting for responses".into()));
        }
        let stream = self.session.get_mut();
        let mut out = Responses {
            bytes: std::mem::take(&mut self.carry),
            spans: Vec::new(),
        };
        let mut framer = Framer::default();
        loop {
            while let Some(span) = framer.next(&out.bytes)? {
                let line = &out.bytes[span.clone()];
                if line.starts_with(b"* ") {
                    out.spans.push(span);
                    // Many small responses cost more in their spans than
                    // in their bytes: both count.
                    if out.held() > MAX_BUFFERED {
                        return Err(too_large());
                    }
                    continue;
                }
                let completed = self.pending.iter().position(|tag| {
                    line.strip_prefix(tag.as_bytes())
                        .is_some_and(|rest| rest.starts_with(b" "))
                });
                let Some(i) = completed else {
                    // A continuation request or another tag: nothing these
                    // commands can answer.
                    return Err(Error::Bad(format!(
                        "unexpected response: {}",
                        crate::net::excerpt(line)
                    )));
                };
                let status = String::from_utf8_lossy(&line[self.pending[i].len() + 1..])
                    .trim_end()
                    .to_owned();
                self.pending.remove(i);
                // The next command's responses may have come in the same read.
                self.carry = out.bytes.split_off(framer.start);
                let (word, text) = status.split_once(' ').unwrap_or((&status, ""));
                return match word.to_ascii_uppercase().as_str() {
                    "OK" => Ok(out),
                    "NO" => Err(Error::No(text.to_owned())),
                    _ => Err(Error::Bad(text.to_owned())),
                };
            }
            if self.background {
                crate::priority::give_way().await;
            }
            read_more(stream, &mut out.bytes, framer.start).await?;
        }
    }

    /// Leaves the session between two responses for async-imap, once
    /// every command is completed: unsolicited news read after the last
    /// completion (EXISTS, EXPUNGE) is read to its end and dropped; the
    /// sync's count check catches up.
    pub async fn finish(mut self) -> Result<(), Error> {
        if !self.pending.is_empty() {
            return Err(Error::Bad(
                "commands are still waiting for responses".into(),
            ));
        }
        let stream = self.session.get_mut();
        let mut buf = std::mem::take(&mut self.carry);
        let mut framer = Framer::default();
        loop {
            while framer.next(&buf)?.is_some() {
                tracing::debug!("IMAP: a response after a raw command dropped");
            }
            if framer.start == buf.len() {
                return Ok(());
            }
            read_more(stream, &mut buf, framer.start).await?;
        }
    }
}

/// Reads what the server sent next onto `buf`, whose response being framed
/// starts at `start`.
async fn read_more<S: AsyncReadExt + Unpin>(
    stream: &mut S,
    buf: &mut Vec<u8>,
    start: usize,
) -> Result<(), Error> {
    if buf.len() - start > MAX_RESPONSE || buf.len() > MAX_BUFFERED {
        return Err(too_large());
    }
    buf.reserve(READ);
    // A server that stalls is cut off by the stream's guard (`guard::SILENCE`).
    let read = stream.read_buf(buf).await?;
    if read == 0 {
        return Err(Error::ConnectionLost);
    }
    Ok(())
}

fn too_large() -> Error {
    Error::Io(std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        Breach::Command,
    ))
}

/// Finds where responses end in a buffer that grows at its end: at a CRLF
/// that does not close a literal's announcement (`{123}` at the end of a
/// line of an untagged response, after which that many bytes belong to
/// the response whatever they are; a completion's text has no literals).
#[derive(Debug, Default)]
struct Framer {
    /// Where the response being framed starts.
    start: usize,
    /// Where its current line starts: at `start`, or after a literal.
    line: usize,
    /// Where to look for its next CRLF: past what was scanned and past
    /// any literal already announced.
    cursor: usize,
}

impl Framer {
    fn next(&mut self, buf: &[u8]) -> Result<Option<Range<usize>>, Error> {
        loop {
            let Some(rest) = buf.get(self.cursor..) else {
                // Inside a literal still to come.
                return Ok(None);
            };
            let Some(at) = rest
                .windows(2)
                .position(|w| w == b"\r\n")
                .map(|i| self.cursor + i)
            else {
                // Keep the last byte: it may be the CR of a CRLF split by a read.
                self.cursor = buf.len().saturating_sub(1).max(self.cursor);
                return Ok(None);
            };
            let untagged = buf[self.start..].starts_with(b"* ");
            match literal_length(&buf[self.line..at]).filter(|_| untagged) {
                Some(n) if n > MAX_RESPONSE => return Err(too_large()),
                Some(n) => {
                    self.line = at + 2 + n;
                    self.cursor = self.line;
                }
                None => {
                    let span = self.start..at + 2;
                    self.start = at + 2;
                    self.line = at + 2;
                    self.cursor = at + 2;
                    return Ok(Some(span));
                }
            }
        }
    }
}

/// The responses `buf` holds whole, as [`Pipeline`] frames them; what is
/// left after the last one, or is no response, is dropped.
pub(crate) fn frames(buf: &[u8]) -> Vec<&[u8]> {
    let mut framer = Framer::default();
    let mut out = Vec::new();
    while let Ok(Some(span)) = framer.next(buf) {
        out.push(&buf[span]);
    }
    out
}

/// The length a line announces for the literal after it (`{n}` or `{n+}`
/// at its very end), if it does.
fn literal_length(line: &[u8]) -> Option<usize> {
    let inner = line.strip_suffix(b"}")?;
    let open = inner.iter().rposition(|&b| b == b'{')?;
    let digits = &inner[open + 1..];
    let digits = digits.strip_suffix(b"+").unwrap_or(digits);
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    // Too many digits for a number is too large for a literal too.
    Some(
        std::str::from_utf8(digits)
            .ok()?
            .parse()
            .unwrap_or(usize::MAX),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(chunks: &[&[u8]]) -> Vec<String> {
        let mut buf = Vec::new();
        let mut framer = Framer::default();
        let mut out = Vec::new();
        for chunk in chunks {
            buf.extend_from_slice(chunk);
            while let Some(span) = framer.next(&buf).expect("framed") {
                out.push(String::from_utf8_lossy(&buf[span]).into_owned());
            }
        }
        out
    }

    #[test]
    fn responses_end_at_a_crlf_outside_literals() {
        let text: &[u8] = b"* 1 FETCH (UID 5 BODY[HEADER] {12}\r\nA: b\r\n\r\nxx\r\n FLAGS ())\r\n\
            * 2 EXISTS\r\nP1 OK done\r\n";
        let want = vec![
            "* 1 FETCH (UID 5 BODY[HEADER] {12}\r\nA: b\r\n\r\nxx\r\n FLAGS ())\r\n".to_owned(),
            "* 2 EXISTS\r\n".to_owned(),
            "P1 OK done\r\n".to_owned(),
        ];
        assert_eq!(frames(&[text]), want);
        // The same bytes however the reads cut them, a CRLF or a literal's
        // announcement included.
        for cut in 1..text.len() {
            assert_eq!(frames(&[&text[..cut], &text[cut..]]), want, "cut at {cut}");
        }
        let bytes: Vec<&[u8]> = text.chunks(1).collect();
        assert_eq!(frames(&bytes), want);
    }

    #[test]
    fn a_literal_may_hold_what_looks_like_an_announcement() {
        let text: &[u8] = b"* 1 FETCH (BODY[] {9}\r\nx {99}\r\n\r\n)\r\n* 2 FETCH (UID 1)\r\n";
        assert_eq!(
            frames(&[text]),
            vec![
                "* 1 FETCH (BODY[] {9}\r\nx {99}\r\n\r\n)\r\n".to_owned(),
                "* 2 FETCH (UID 1)\r\n".to_owned()
            ]
        );
    }

    #[test]
    fn only_an_untagged_line_of_its_own_announces_a_literal() {
        // A literal ending like an announcement, and a completion's text.
        let text: &[u8] = b"* 1 FETCH (X {3}\r\n{1}\r\nP1 OK done {2}\r\n";
        assert_eq!(
            frames(&[text]),
            vec![
                "* 1 FETCH (X {3}\r\n{1}\r\n".to_owned(),
                "P1 OK done {2}\r\n".to_owned()
            ]
        );
    }

    #[test]
    fn an_absurd_literal_is_an_error_not_a_hang() {
        for text in [
            &b"* 1 FETCH (BODY[] {18446744073709551614}\r\n"[..],
            b"* 1 FETCH (BODY[] {999999999999}\r\n",
            b"* 1 FETCH (BODY[] {99999999999999999999999999}\r\n",
        ] {
            assert!(Framer::default().next(text).is_err());
        }
    }

    #[test]
    fn only_braced_digits_at_the_end_announce_a_literal() {
        assert_eq!(literal_length(b"* 1 FETCH (BODY[] {12}"), Some(12));
        assert_eq!(literal_length(b"A1 APPEND x {3+}"), Some(3));
        assert_eq!(literal_length(b"* OK {12} later"), None);
        assert_eq!(literal_length(b"* OK {}"), None);
        assert_eq!(literal_length(b"* OK {1a}"), None);
        assert_eq!(literal_length(b"* OK }"), None);
    }
}
