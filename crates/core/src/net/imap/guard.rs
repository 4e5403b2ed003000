//! A reader between the server and every IMAP parser (async-imap's,
//! imap-proto's, `net::imap_raw`'s framer): it follows the response
//! grammar just far enough to know how deep parenthesised lists nest, how
//! long a line runs and how large a literal or a whole response is, and
//! ends the connection with an error past limits no real server reaches.
//! It also ends a read the server leaves unanswered for [`SILENCE`].
//!
//! imap-proto parses nested lists by recursion with no limit of its own: a
//! response with a thousand `(` overflowed the stack of the thread parsing
//! it, which aborts the process (a stack overflow cannot be caught). And
//! async-imap buffers a response until it is whole: a line without an end
//! grew it to its 512 MB ceiling. Here both stop long before.
//!
//! Where the guard and imap-proto could disagree about what is a literal
//! or a quoted string, the guard takes the reading that counts more
//! parentheses, so nothing can be hidden from it: status lines (`* OK`,
//! tagged completions, `+` continuations) carry free text, never literals
//! or strings, so every parenthesis there counts.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// Deepest nesting of parenthesised lists accepted. What Postel asks for
/// nests three deep (`FETCH (FLAGS (…) BODY[HEADER.FIELDS (…)])`); it never
/// asks for a BODYSTRUCTURE, which nests a level per MIME level.
/// imap-proto's recursion is costly: in a debug build a 20-deep
/// BODYSTRUCTURE overflowed a 512 KB stack. 16 levels fit in half the 2 MB
/// stack of tokio's threads, which parse responses (checked by a test).
pub const MAX_DEPTH: u32 = 16;

/// Longest line outside literals. The longest a real server sends is a
/// `UID SEARCH ALL` answer: about 8 bytes a message, so 32 MB is a folder
/// of four million messages.
pub const MAX_LINE: usize = 32 * 1024 * 1024;

/// Largest message Postel downloads, and so the largest literal accepted.
/// The most generous large provider (Exchange Online) accepts 150 MB;
/// Gmail 25 MB. Buffering one this size (and growing the buffer to it)
/// stays well under the 600 MB a hostile server may cost at most.
pub const MAX_MESSAGE: usize = 160 * 1024 * 1024;

/// Largest response, literals included: one message and its lines.
pub const MAX_RESPONSE: usize = MAX_MESSAGE + 1024 * 1024;

/// Why the guard ended a connection; the sentence goes into the I/O
/// error async-imap and `imap_raw` report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Breach {
    Depth,
    Line,
    Literal,
    Response,
    /// Too much in answer to one command (`net::imap_raw`'s limit).
    Command,
    /// A status line's response code not followed by a space.
    Code,
}

impl std::fmt::Display for Breach {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Breach::Depth => write!(
                f,
                "the server sent lists nested more than {MAX_DEPTH} deep, which no real server does"
            ),
            Breach::Line => write!(
                f,
                "the server sent a line longer than {} MB",
                MAX_LINE / (1024 * 1024)
            ),
            Breach::Literal => write!(
                f,
                "the server sent a message larger than {} MB, the most Postel downloads",
                MAX_MESSAGE / (1024 * 1024)
            ),
            Breach::Response => write!(
                f,
                "the server sent a response larger than {} MB",
                MAX_RESPONSE / (1024 * 1024)
            ),
            Breach::Code => write!(
                f,
                "the server sent a status line whose response code runs into its text"
            ),
            Breach::Command => write!(
                f,
                "the server sent more than {} MB in answer to one command",
                crate::net::imap_raw::MAX_BUFFERED / (1024 * 1024)
            ),
        }
    }
}

impl std::error::Error for Breach {}

/// The limit an I/O error reports, if the guard raised it.
pub fn breach(err: &std::io::Error) -> Option<Breach> {
    err.get_ref()?.downcast_ref::<Breach>().copied()
}

/// What kind of line is being read, as far as its first words tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Not yet known: the first words are still coming. Read as status
    /// text until then (every parenthesis counts).
    Unknown,
    /// Free text after a status (`* OK …`, a completion, `+ …`).
    Status,
    /// Data that may hold strings and literals (`* 3 FETCH (…)`, `* LIST …`).
    Data,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Outside strings and literals.
    Text,
    /// Inside a quoted string; `escaped` after a backslash.
    Quoted { escaped: bool },
    /// This many bytes of a literal still to come.
    Literal(u64),
}

/// The response grammar, byte by byte, as far as the limits need it.
#[derive(Debug)]
pub struct Lexer {
    state: State,
    kind: Kind,
    depth: u32,
    /// Bytes of the current line outside literals.
    line: usize,
    /// Bytes of the current response, literals included.
    response: usize,
    /// The first words of the line, to tell its kind.
    head: [u8; 24],
    head_len: usize,
    /// A `{digits` being read, and whether its `+` came.
    brace: Option<(u64, bool)>,
    /// The line's last bytes were a whole `{n}`: a literal of n bytes
    /// follows if CRLF comes next.
    announced: Option<u64>,
    /// The CR of a CRLF was the last byte.
    cr: bool,
    /// Spaces so far in the line's head, and where a status line's
    /// response code (`[…]`) stands.
    spaces: u8,
    code: Code,
}

/// A status line's response code. imap-proto takes the text after it to
/// start with a space and cuts that byte off as if it were one: after
/// `]é` it cuts a character in two and panics (found by the fuzzer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Code {
    /// None has started, and one still could.
    Possible,
    Open,
    /// The byte after its `]` comes next.
    Closed,
    /// Past it, or none in this line.
    Done,
}

impl Default for Lexer {
    fn default() -> Self {
        Self {
            state: State::Text,
            kind: Kind::Unknown,
            depth: 0,
            line: 0,
            response: 0,
            head: [0; 24],
            head_len: 0,
            brace: None,
            announced: None,
            cr: false,
            spaces: 0,
            code: Code::Possible,
        }
    }
}

impl Lexer {
    /// Follows `bytes`, the next the server sent.
    pub fn feed(&mut self, bytes: &[u8]) -> Result<(), Breach> {
        let mut i = 0;
        while i < bytes.len() {
            if let State::Literal(left) = self.state {
                // A literal's bytes are skipped in one step, whatever they are.
                let take = (left as usize).min(bytes.len() - i);
                i += take;
                self.response += take;
                let left = left - take as u64;
                self.state = if left == 0 {
                    State::Text
                } else {
                    State::Literal(left)
                };
                continue;
            }
            self.byte(bytes[i])?;
            i += 1;
        }
        if self.response > MAX_RESPONSE {
            return Err(Breach::Response);
        }
        Ok(())
    }

    fn byte(&mut self, b: u8) -> Result<(), Breach> {
        self.response += 1;
        self.line += 1;
        if self.line > MAX_LINE {
            return Err(Breach::Line);
        }
        let after_cr = std::mem::replace(&mut self.cr, b == b'\r');
        if b == b'\n' && after_cr {
            return self.line_end();
        }
        if self.kind == Kind::Unknown {
            self.classify(b);
        }
        if self.kind != Kind::Data && self.code != Code::Done {
            self.code_byte(b)?;
        }
        match self.state {
            State::Quoted { escaped: true } => {
                self.state = State::Quoted { escaped: false };
                return Ok(());
            }
            State::Quoted { escaped: false } => {
                match b {
                    b'\\' => self.state = State::Quoted { escaped: true },
                    b'"' => self.state = State::Text,
                    _ => {}
                }
                return Ok(());
            }
            State::Text | State::Literal(_) => {}
        }
        // A literal is announced only by `{n}` or `{n+}` right before CRLF.
        let brace = self.brace.take();
        if b != b'\r' {
            self.announced = None;
        }
        match b {
            b'(' => {
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return Err(Breach::Depth);
                }
            }
            b')' => self.depth = self.depth.saturating_sub(1),
            b'"' if self.kind == Kind::Data => self.state = State::Quoted { escaped: false },
            b'{' if self.kind == Kind::Data => self.brace = Some((0, false)),
            b'0'..=b'9' => {
                if let Some((n, false)) = brace {
                    let n = n.saturating_mul(10).saturating_add(u64::from(b - b'0'));
                    self.brace = Some((n, false));
                }
            }
            b'+' => {
                if let Some((n, false)) = brace {
                    self.brace = Some((n, true));
                }
            }
            b'}' => {
                if let Some((n, _)) = brace {
                    if n > MAX_MESSAGE as u64 {
                        return Err(Breach::Literal);
                    }
                    self.announced = Some(n);
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// A CRLF: either a literal starts, or the response ends.
    fn line_end(&mut self) -> Result<(), Breach> {
        self.line = 0;
        self.brace = None;
        if let (State::Text, Some(n)) = (self.state, self.announced.take()) {
            self.state = if n == 0 {
                State::Text
            } else {
                State::Literal(n)
            };
            return Ok(());
        }
        // A quoted string cannot hold a line break: the response ended.
        self.state = State::Text;
        self.kind = Kind::Unknown;
        self.depth = 0;
        self.head_len = 0;
        self.response = 0;
        self.spaces = 0;
        self.code = Code::Possible;
        Ok(())
    }

    /// Follows a status line's response code: it may open only right after
    /// the status word (`* OK [`, `A1 NO [`, `+ [`), and the byte after its
    /// `]` must be a space or the line's end.
    fn code_byte(&mut self, b: u8) -> Result<(), Breach> {
        // `+ ` has its text after one space; `* OK ` and `A1 OK ` after two.
        let code_at = if self.head.first() == Some(&b'+') {
            1
        } else {
            2
        };
        match self.code {
            Code::Possible if b == b' ' => {
                self.spaces += 1;
                if self.spaces > code_at {
                    self.code = Code::Done;
                }
            }
            Code::Possible if b == b'[' && self.spaces == code_at => self.code = Code::Open,
            Code::Possible if self.spaces == code_at => self.code = Code::Done,
            Code::Possible => {}
            Code::Open if b == b']' => self.code = Code::Closed,
            Code::Open => {}
            Code::Closed if matches!(b, b' ' | b'\r') => self.code = Code::Done,
            Code::Closed => return Err(Breach::Code),
            Code::Done => {}
        }
        Ok(())
    }

    /// Reads the line's kind off its first words: `tag status …` and
    /// `+ …` are status lines; `* OK|NO|BAD|BYE|PREAUTH …` too; any other
    /// `* word …` or `* n …` is data.
    fn classify(&mut self, b: u8) {
        if self.head_len < self.head.len() {
            self.head[self.head_len] = b;
            self.head_len += 1;
        }
        let full = self.head_len == self.head.len();
        let head = &self.head[..self.head_len];
        if head[0] != b'*' {
            self.kind = Kind::Status;
            return;
        }
        let Some(&space) = head.get(1) else {
            return;
        };
        if space != b' ' {
            self.kind = Kind::Status;
            return;
        }
        let rest = &head[2..];
        let is_word = |c: &u8| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.');
        let Some(end) = rest.iter().position(|c| !is_word(c)) else {
            // The first word has not ended yet.
            if full {
                self.kind = Kind::Status;
            }
            return;
        };
        let first = &rest[..end];
        let status = [&b"OK"[..], b"NO", b"BAD", b"BYE", b"PREAUTH"]
            .iter()
            .any(|s| first.eq_ignore_ascii_case(s));
        self.kind = if first.is_empty() || status {
            Kind::Status
        } else {
            // `* LIST …`, `* SEARCH …`, and `* 3 FETCH …` whatever follows the number.
            Kind::Data
        };
    }
}

/// How long the server may send nothing while Postel waits for an answer
/// (Thunderbird's `mailnews.tcptimeout` is the same): a server that stalled
/// mid-answer used to hang the account's worker for good. Long enough for
/// a slow server to start a large SEARCH or FETCH. IDLE, where silence is
/// the point, turns it off ([`Guarded::patience`]).
pub const SILENCE: Duration = Duration::from_secs(100);

/// A stream whose incoming bytes pass the [`Lexer`], and whose reads fail
/// after [`SILENCE`]; writes go through untouched.
#[derive(Debug)]
pub struct Guarded<S> {
    inner: S,
    lexer: Lexer,
    patience: Option<Duration>,
    /// Runs while a read finds nothing; a read that gets bytes stops it.
    silence: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl<S> Guarded<S> {
    pub fn new(inner: S) -> Self {
        Self {
            inner,
            lexer: Lexer::default(),
            patience: Some(SILENCE),
            silence: None,
        }
    }

    pub fn into_inner(self) -> S {
        self.inner
    }

    /// How long a read may wait for the server; `None` while idling.
    pub fn patience(&mut self, patience: Option<Duration>) {
        self.patience = patience;
        self.silence = None;
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Guarded<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Pending => {
                let Some(patience) = this.patience else {
                    return Poll::Pending;
                };
                let silence = this
                    .silence
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep(patience)));
                match silence.as_mut().poll(cx) {
                    Poll::Pending => Poll::Pending,
                    Poll::Ready(()) => Poll::Ready(Err(std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        format!(
                            "the server sent nothing for {} seconds while Postel waited for an answer",
                            patience.as_secs()
                        ),
                    ))),
                }
            }
            Poll::Ready(Ok(())) => {
                this.silence = None;
                let fresh = &buf.filled()[before..];
                match this.lexer.feed(fresh) {
                    Ok(()) => Poll::Ready(Ok(())),
                    Err(breach) => {
                        // Nothing past the limit reaches a parser.
                        buf.set_filled(before);
                        Poll::Ready(Err(std::io::Error::new(
                            std::io::ErrorKind::InvalidData,
                            breach,
                        )))
                    }
                }
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
        }
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Guarded<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed_all(text: &[u8]) -> Result<(), Breach> {
        Lexer::default().feed(text)
    }

    /// The same bytes fed one at a time give the same verdict.
    fn feed_bytes(text: &[u8]) -> Result<(), Breach> {
        let mut lexer = Lexer::default();
        for b in text.chunks(1) {
            lexer.feed(b)?;
        }
        Ok(())
    }

    fn nested(depth: usize) -> Vec<u8> {
        let mut r = b"* 1 FETCH (BODYSTRUCTURE ".to_vec();
        r.extend(std::iter::repeat_n(b'(', depth));
        r.extend(std::iter::repeat_n(b')', depth));
        r.extend(b")\r\n");
        r
    }

    #[test]
    fn real_responses_pass() {
        let text: &[u8] = b"* OK [CAPABILITY IMAP4rev1 (x)] ready\r\n\
            * 1 FETCH (UID 5 FLAGS (\\Seen) BODY[HEADER.FIELDS (FROM SUBJECT)] {12}\r\nA: (((((\r\n\r\n)\r\n\
            * LIST (\\HasNoChildren) \"/\" {5}\r\na(((b\r\n\
            * 2 FETCH (BODY[] \"quoted ((((( \\\" (((\")\r\n\
            A1 OK done\r\n";
        assert_eq!(feed_all(text), Ok(()));
        assert_eq!(feed_bytes(text), Ok(()));
        assert_eq!(feed_all(&nested(MAX_DEPTH as usize - 2)), Ok(()));
    }

    #[test]
    fn deep_nesting_is_refused_however_it_arrives() {
        let deep = nested(1000);
        assert_eq!(feed_all(&deep), Err(Breach::Depth));
        assert_eq!(feed_bytes(&deep), Err(Breach::Depth));
        // Untagged, before any command, as async-imap reads a greeting.
        let mut bare = b"* ".to_vec();
        bare.extend(std::iter::repeat_n(b'(', 100_000));
        assert_eq!(feed_all(&bare), Err(Breach::Depth));
    }

    #[test]
    fn depth_is_per_response() {
        let mut text = Vec::new();
        for _ in 0..10 {
            text.extend(nested(MAX_DEPTH as usize - 2));
        }
        // Unbalanced lists do not carry over into the next response.
        for _ in 0..10 {
            text.extend(b"* 1 FETCH (((((((((((\r\n");
        }
        assert_eq!(feed_all(&text), Ok(()));
    }

    #[test]
    fn nothing_hides_parentheses_from_the_count() {
        // A literal announced in status text is no literal to imap-proto:
        // what follows is read as the next response, so it is counted.
        let mut smuggled = b"* OK see {200000}\r\n".to_vec();
        smuggled.extend(nested(1000));
        assert_eq!(feed_all(&smuggled), Err(Breach::Depth));
        // A quote in status text opens no string.
        let mut quoted = b"* OK \"".to_vec();
        quoted.extend(std::iter::repeat_n(b'(', 1000));
        assert_eq!(feed_all(&quoted), Err(Breach::Depth));
        // A string ends at the end of its line.
        let mut open = b"* 1 FETCH (X \"\r\n".to_vec();
        open.extend(nested(1000));
        assert_eq!(feed_all(&open), Err(Breach::Depth));
        // Inside a real literal, anything goes.
        let mut body = b"* 1 FETCH (BODY[] {1000}\r\n".to_vec();
        body.extend(std::iter::repeat_n(b'(', 1000));
        body.extend(b")\r\n");
        assert_eq!(feed_all(&body), Ok(()));
    }

    #[test]
    fn a_response_code_must_end_before_its_text() {
        for line in [
            &b"* OK [ALERT] Gr\xc3\xb6\xc3\x9fe [x]\xc3\xa9\r\n"[..],
            b"A1 OK [READ-WRITE] done\r\n",
            b"* OK [CAPABILITY IMAP4rev1]\r\n",
            b"+ [ALERT] go on\r\n",
            b"* OK text [not]\xc3\xa9 a code\r\n",
            b"* 1 FETCH (BODY[] {2}\r\n]\xc3)\r\n",
        ] {
            assert_eq!(feed_all(line), Ok(()), "{}", String::from_utf8_lossy(line));
        }
        for line in [
            &b"* OK [ALERT]\xc3\xa9\r\n"[..],
            b"A7 NO [TRYCREATE]\xef\xbf\xbd\r\n",
            b"+ [X]y\r\n",
        ] {
            assert_eq!(
                feed_all(line),
                Err(Breach::Code),
                "{}",
                String::from_utf8_lossy(line)
            );
        }
    }

    #[test]
    fn endless_lines_and_huge_literals_are_refused() {
        let mut lexer = Lexer::default();
        lexer.feed(b"* 1 FETCH (X ").expect("a start");
        let chunk = vec![b'x'; 1024 * 1024];
        let mut verdict = Ok(());
        for _ in 0..=MAX_LINE / chunk.len() {
            verdict = lexer.feed(&chunk);
            if verdict.is_err() {
                break;
            }
        }
        assert_eq!(verdict, Err(Breach::Line));
        assert_eq!(
            feed_all(b"* 1 FETCH (BODY[] {999999999999}\r\n"),
            Err(Breach::Literal)
        );
        assert_eq!(
            feed_all(b"* 1 FETCH (BODY[] {99999999999999999999999999999}\r\n"),
            Err(Breach::Literal)
        );
        // Many literals of an allowed size in one response.
        let mut lexer = Lexer::default();
        let mut verdict = Ok(());
        for _ in 0..4 {
            let announce = format!("* 1 FETCH (BODY[] {{{MAX_MESSAGE}}}\r\n");
            verdict = lexer
                .feed(announce.as_bytes())
                .and_then(|()| (0..MAX_MESSAGE / chunk.len()).try_for_each(|_| lexer.feed(&chunk)));
            if verdict.is_err() {
                break;
            }
        }
        assert_eq!(verdict, Err(Breach::Response));
    }

    #[test]
    fn a_silent_server_is_cut_off_unless_idling() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("runtime");
        rt.block_on(async {
            let (ours, mut theirs) = tokio::io::duplex(64);
            let mut guarded = Guarded::new(ours);
            guarded.patience(Some(Duration::from_millis(100)));
            let mut buf = [0u8; 16];
            let err = guarded.read(&mut buf).await.expect_err("timed out");
            assert_eq!(err.kind(), std::io::ErrorKind::TimedOut);
            // Bytes that come in time are read; idling waits as long as it takes.
            theirs.write_all(b"* OK\r\n").await.expect("written");
            assert_eq!(guarded.read(&mut buf).await.expect("read"), 6);
            guarded.patience(None);
            let late = async {
                tokio::time::sleep(Duration::from_millis(300)).await;
                theirs.write_all(b"* 1 EXISTS\r\n").await.expect("written");
                theirs
            };
            let (read, _theirs) = tokio::join!(guarded.read(&mut buf), late);
            assert_eq!(read.expect("read"), 12);
        });
    }

    /// imap-proto parses the deepest response the guard lets through in
    /// half the stack of the threads that parse responses (tokio's 2 MB).
    #[test]
    fn imap_proto_parses_max_depth_on_a_small_stack() {
        // A multipart in a multipart…: one level of lists per MIME level.
        let mut structure = "(\"text\" \"plain\" NIL NIL NIL \"7bit\" 1 1)".to_owned();
        while structure.chars().filter(|&c| c == '(').count() < MAX_DEPTH as usize - 1 {
            structure = format!("({structure} \"mixed\")");
        }
        let response = format!("* 1 FETCH (UID 1 BODYSTRUCTURE {structure})\r\n").into_bytes();
        assert_eq!(feed_all(&response), Ok(()));
        let parsed = std::thread::Builder::new()
            .stack_size(1024 * 1024)
            .spawn(move || {
                matches!(
                    async_imap::imap_proto::Response::parse(&response),
                    Ok((_, async_imap::imap_proto::Response::Fetch(..)))
                )
            })
            .expect("a thread")
            .join()
            .expect("no overflow");
        assert!(parsed, "a nested multipart BODYSTRUCTURE parses");
    }
}
