//! A small POP3 client (RFC 1939, with CAPA from RFC 2449 and STLS from
//! RFC 2595) over any async stream, so plain, STLS-upgraded and implicit-TLS
//! connections share one code path.

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};

use super::STEP_TIMEOUT;

/// A reply line longer than this is a broken or hostile server.
const MAX_LINE: usize = 8 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the POP3 server answered: {0}")]
    Negative(String),
    #[error("the POP3 server sent something that is not POP3: {0}")]
    Protocol(String),
    #[error("the POP3 server did not answer in time")]
    Timeout,
    #[error("the connection to the POP3 server failed: {0}")]
    Io(#[from] std::io::Error),
}

#[derive(Debug)]
pub struct Client<S> {
    stream: BufReader<S>,
}

impl<S: AsyncRead + AsyncWrite + Unpin> Client<S> {
    /// Reads the server's greeting on a fresh connection.
    pub async fn connect(stream: S) -> Result<Self, Error> {
        let mut client = Self {
            stream: BufReader::new(stream),
        };
        client.status_line().await?;
        Ok(client)
    }

    /// Gives the stream back, e.g. to wrap it in TLS after STLS.
    pub fn into_inner(self) -> S {
        self.stream.into_inner()
    }

    /// The server's capabilities (CAPA), upper-cased, one per entry.
    pub async fn capabilities(&mut self) -> Result<Vec<String>, Error> {
        self.command("CAPA").await?;
        let lines = self.multiline().await?;
        Ok(lines.into_iter().map(|l| l.to_ascii_uppercase()).collect())
    }

    /// Asks for STLS; on success the caller must wrap `into_inner()` in TLS.
    pub async fn stls(&mut self) -> Result<(), Error> {
        self.command("STLS").await.map(drop)
    }

    pub async fn login(&mut self, user: &str, password: &str) -> Result<(), Error> {
        if user.contains(['\r', '\n']) || password.contains(['\r', '\n']) {
            return Err(Error::Protocol(
                "a user name or password may not contain a line break".into(),
            ));
        }
        self.command(&format!("USER {user}")).await?;
        self.command(&format!("PASS {password}")).await.map(drop)
    }

    /// Number of messages and their total size in octets.
    pub async fn stat(&mut self) -> Result<(u64, u64), Error> {
        let reply = self.command("STAT").await?;
        let mut words = reply.split_ascii_whitespace();
        let count = words.next().and_then(|w| w.parse().ok());
        let size = words.next().and_then(|w| w.parse().ok());
        match (count, size) {
            (Some(count), Some(size)) => Ok((count, size)),
            _ => Err(Error::Protocol(format!("STAT reply \"{reply}\""))),
        }
    }

    pub async fn quit(mut self) -> Result<(), Error> {
        self.command("QUIT").await.map(drop)
    }

    /// Sends one command and returns the text after "+OK".
    async fn command(&mut self, line: &str) -> Result<String, Error> {
        let stream = self.stream.get_mut();
        let write = async {
            stream.write_all(line.as_bytes()).await?;
            stream.write_all(b"\r\n").await?;
            stream.flush().await
        };
        tokio::time::timeout(STEP_TIMEOUT, write)
            .await
            .map_err(|_| Error::Timeout)??;
        self.status_line().await
    }

    async fn status_line(&mut self) -> Result<String, Error> {
        let line = self.line().await?;
        if let Some(rest) = line.strip_prefix("+OK") {
            Ok(rest.trim().to_owned())
        } else if let Some(rest) = line.strip_prefix("-ERR") {
            Err(Error::Negative(rest.trim().to_owned()))
        } else {
            Err(Error::Protocol(line))
        }
    }

    /// Reads a dot-terminated multi-line body, undoing dot-stuffing.
    async fn multiline(&mut self) -> Result<Vec<String>, Error> {
        let mut lines = Vec::new();
        loop {
            let line = self.line().await?;
            if line == "." {
                return Ok(lines);
            }
            let line = line.strip_prefix('.').map(str::to_owned).unwrap_or(line);
            lines.push(line);
        }
    }

    async fn line(&mut self) -> Result<String, Error> {
        let mut buf = Vec::new();
        let read = async {
            let mut limited = (&mut self.stream).take(MAX_LINE as u64);
            limited.read_until(b'\n', &mut buf).await
        };
        let n = tokio::time::timeout(STEP_TIMEOUT, read)
            .await
            .map_err(|_| Error::Timeout)??;
        if n == 0 {
            return Err(Error::Io(std::io::ErrorKind::UnexpectedEof.into()));
        }
        if !buf.ends_with(b"\n") {
            return Err(Error::Protocol("a reply line is too long".into()));
        }
        while buf.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
            buf.pop();
        }
        Ok(String::from_utf8_lossy(&buf).into_owned())
    }
}
