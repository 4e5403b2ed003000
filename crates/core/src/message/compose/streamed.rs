//! An outgoing message whose file attachments are encoded only as it is
//! written. lettre formats everything else (headers, addresses, RFC 2047
//! and RFC 2231 names, boundaries, the text and HTML parts); each file
//! attachment's body there is a placeholder, replaced on the way out by the
//! file's base64, read in chunks. A 25 MB attachment then never sits in
//! memory whole, let alone as the three or four copies a fully built
//! message takes (the file, its base64, the formatted message, the store's
//! copy).

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// lettre's base64 bodies: lines of 76 characters (57 bytes of input)
/// joined by CRLF, the last line without one.
const LINE_INPUT: usize = 57;
const LINE_OUTPUT: usize = 76;
/// Input read per step: whole lines only, so a chunk never splits a line.
const CHUNK_INPUT: usize = LINE_INPUT * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    /// Bytes as lettre formatted them.
    Formatted(Vec<u8>),
    /// A file's bytes, base64-encoded as they are read. The size is taken
    /// when the message is built: the outbox reserves exactly the length
    /// that implies, and a file that changed since is an error, not a
    /// silently different message.
    File { path: PathBuf, size: u64 },
}

/// The whole message as a sequence of formatted bytes and files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Streamed {
    segments: Vec<Segment>,
}

/// A file attachment's place in lettre's output.
#[derive(Debug, Clone)]
pub(super) struct Placeholder {
    pub marker: String,
    pub path: PathBuf,
    pub size: u64,
}

impl Streamed {
    /// A message held whole in memory (a small one: a read receipt).
    pub fn in_memory(formatted: Vec<u8>) -> Self {
        Self {
            segments: vec![Segment::Formatted(formatted)],
        }
    }

    /// Splits lettre's output at each placeholder. Every marker must occur
    /// exactly once (they are random and long, so text cannot hold one).
    pub(super) fn splice(formatted: Vec<u8>, placeholders: Vec<Placeholder>) -> Option<Self> {
        let mut segments = Vec::new();
        let mut rest = formatted.as_slice();
        for p in placeholders {
            let at = find(rest, p.marker.as_bytes())?;
            segments.push(Segment::Formatted(rest[..at].to_vec()));
            segments.push(Segment::File {
                path: p.path,
                size: p.size,
            });
            rest = &rest[at + p.marker.len()..];
        }
        segments.push(Segment::Formatted(rest.to_vec()));
        Some(Self { segments })
    }

    /// The message's exact length in bytes, known before a byte is read.
    pub fn len(&self) -> u64 {
        self.segments
            .iter()
            .map(|s| match s {
                Segment::Formatted(bytes) => bytes.len() as u64,
                Segment::File { size, .. } => encoded_len(*size),
            })
            .sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Writes the message, encoding each file from disk in chunks.
    pub fn write_to(&self, out: &mut dyn Write) -> io::Result<()> {
        for segment in &self.segments {
            match segment {
                Segment::Formatted(bytes) => out.write_all(bytes)?,
                Segment::File { path, size } => write_file(path, *size, out)?,
            }
        }
        Ok(())
    }

    /// The whole message in memory, for the places that keep it small
    /// (drafts, tests).
    pub fn to_vec(&self) -> io::Result<Vec<u8>> {
        let mut out = Vec::with_capacity(usize::try_from(self.len()).unwrap_or(0));
        self.write_to(&mut out)?;
        Ok(out)
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Length of `size` bytes as lettre's base64 body.
pub fn encoded_len(size: u64) -> u64 {
    let chars = size.div_ceil(3) * 4;
    let lines = size.div_ceil(LINE_INPUT as u64);
    chars + 2 * lines.saturating_sub(1)
}

fn changed(path: &Path) -> io::Error {
    io::Error::other(format!(
        "{} changed while the message was being written; attach it again",
        path.display()
    ))
}

fn write_file(path: &Path, size: u64, out: &mut dyn Write) -> io::Result<()> {
    let mut file = File::open(path)
        .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
    let mut input = vec![0u8; CHUNK_INPUT];
    let mut encoded = Vec::with_capacity(CHUNK_INPUT / LINE_INPUT * (LINE_OUTPUT + 2));
    let mut line = [0u8; LINE_OUTPUT];
    let mut total = 0u64;
    loop {
        let filled = fill(&mut file, &mut input)?;
        if filled == 0 {
            break;
        }
        encoded.clear();
        for chunk in input[..filled].chunks(LINE_INPUT) {
            // The separator goes before each line but the first, as lettre does.
            if total > 0 || !encoded.is_empty() {
                encoded.extend_from_slice(b"\r\n");
            }
            let n = STANDARD
                .encode_slice(chunk, &mut line)
                .map_err(io::Error::other)?;
            encoded.extend_from_slice(&line[..n]);
        }
        total += filled as u64;
        if total > size {
            return Err(changed(path));
        }
        out.write_all(&encoded)?;
        if filled < input.len() {
            break;
        }
    }
    if total != size {
        return Err(changed(path));
    }
    Ok(())
}

/// Reads until `buf` is full or the file ends; short reads would otherwise
/// split a base64 line.
fn fill(file: &mut File, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

#[cfg(test)]
mod tests {
    use super::*;
    use lettre::message::Body;
    use lettre::message::header::ContentTransferEncoding;

    /// A scratch dir per test (they run in parallel), removed on drop.
    struct Scratch(PathBuf);

    impl Scratch {
        fn new(test: &str) -> Self {
            let dir =
                std::env::temp_dir().join(format!("postel-streamed-{}-{test}", std::process::id()));
            std::fs::create_dir_all(&dir).expect("dir");
            Self(dir)
        }

        fn file(&self, name: &str, data: &[u8]) -> PathBuf {
            let path = self.0.join(name);
            std::fs::write(&path, data).expect("write");
            path
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn encoded(path: &Path, size: u64) -> Vec<u8> {
        let mut out = Vec::new();
        write_file(path, size, &mut out).expect("encodes");
        out
    }

    #[test]
    fn files_encode_as_lettre_encodes_them() {
        let scratch = Scratch::new("lettre");
        // Line and chunk edges: empty, partial lines, whole lines, a chunk
        // and a bit.
        for size in [
            0,
            1,
            2,
            3,
            56,
            57,
            58,
            114,
            CHUNK_INPUT - 1,
            CHUNK_INPUT,
            CHUNK_INPUT + 1,
            2 * CHUNK_INPUT + 100,
        ] {
            let data: Vec<u8> = (0..size).map(|i| (i * 31 % 251) as u8).collect();
            let path = scratch.file(&format!("f{size}"), &data);
            let ours = encoded(&path, size as u64);
            let theirs = Body::new_with_encoding(data, ContentTransferEncoding::Base64)
                .expect("base64 takes anything");
            assert_eq!(ours, theirs.as_ref(), "size {size}");
            assert_eq!(ours.len() as u64, encoded_len(size as u64), "size {size}");
        }
    }

    #[test]
    fn a_file_that_changed_size_is_an_error() {
        let scratch = Scratch::new("changing");
        let path = scratch.file("changing", &[7u8; 1000]);
        let mut out = Vec::new();
        assert!(write_file(&path, 999, &mut out).is_err(), "grew");
        assert!(write_file(&path, 1001, &mut out).is_err(), "shrank");
    }

    #[test]
    fn splicing_puts_each_file_where_its_marker_was() {
        let scratch = Scratch::new("splice");
        let a = scratch.file("a", b"first");
        let b = scratch.file("b", b"second file");
        let formatted = b"head\r\nMARK-A\r\n--x\r\nMARK-B\r\n--x--\r\n".to_vec();
        let streamed = Streamed::splice(
            formatted,
            vec![
                Placeholder {
                    marker: "MARK-A".into(),
                    path: a,
                    size: 5,
                },
                Placeholder {
                    marker: "MARK-B".into(),
                    path: b,
                    size: 11,
                },
            ],
        )
        .expect("markers found");
        let out = streamed.to_vec().expect("writes");
        assert_eq!(
            out,
            b"head\r\nZmlyc3Q=\r\n--x\r\nc2Vjb25kIGZpbGU=\r\n--x--\r\n".to_vec()
        );
        assert_eq!(streamed.len(), out.len() as u64);
        assert!(
            Streamed::splice(
                b"no marker".to_vec(),
                vec![Placeholder {
                    marker: "MARK".into(),
                    path: PathBuf::from("x"),
                    size: 0,
                }]
            )
            .is_none()
        );
    }
}
