//! Building outgoing mail with lettre: the account's identity, recipients
//! (Bcc only in the envelope), a format=flowed text body with an optional
//! HTML alternative, attachments of any type, and the reply and forward
//! forms with their threading headers and quoted text.

use crate::explain::{Explain, Sentence};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Attachment, Body, Mailbox, MultiPart, SinglePart};
use lettre::{Address as LettreAddress, Message as LettreMessage};
use sha2::{Digest, Sha256};

use super::{Address, Message};
use crate::account::Account;

mod streamed;

use streamed::Placeholder;
pub use streamed::Streamed;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("\"{0}\" is not an email address; check the recipients.")]
    BadAddress(String),
    #[error("The message has no recipient; add one in To, Cc or Bcc.")]
    NoRecipient,
    #[error("The attachment {path} could not be read: {reason}.")]
    Attachment { path: String, reason: String },
    #[error("The message could not be built: {0}.")]
    Build(String),
}

impl Explain for Error {
    fn sentence(&self) -> Sentence {
        match self {
            Error::BadAddress(text) => Sentence::new("error-bad-address").arg("address", text),
            Error::NoRecipient => Sentence::new("error-no-recipient"),
            Error::Attachment { path, reason } => Sentence::new("error-attachment")
                .arg("path", path)
                .arg("reason", reason),
            Error::Build(reason) => Sentence::new("error-build").arg("reason", reason),
        }
    }
}

/// An attachment to send: a file, or bytes already in hand (a forwarded
/// message).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum AttachmentSource {
    File(PathBuf),
    Bytes {
        name: String,
        mime_type: String,
        data: Vec<u8>,
    },
}

/// What the user writes: the composer's state and the CLI's input.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Draft {
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub bcc: Vec<String>,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    /// `text` is Markdown: an HTML alternative is made from it when the
    /// message is built (unless `html` is given).
    pub markdown: bool,
    pub attachments: Vec<AttachmentSource>,
    /// Message-IDs (without brackets) this one answers, for threading.
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
    /// Kept across saves of a draft, so its versions can be told apart
    /// from other mail; a new one is made when unset.
    pub message_id: Option<String>,
    /// Ask the recipients' programs to say when it was read (RFC 8098
    /// Disposition-Notification-To; off unless the user asks, per message).
    pub read_receipt: bool,
    /// Ask the servers to report delivery too, not only failures (DSN
    /// NOTIFY=SUCCESS; the account can ask it for every message).
    pub delivery_report: bool,
}

/// A message ready for the outbox: its content and its envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Built {
    /// Written out on demand, file attachments straight from their files.
    pub message: Streamed,
    /// Without angle brackets.
    pub message_id: String,
    pub from: String,
    /// Every recipient, Bcc included: the SMTP envelope.
    pub recipients: Vec<String>,
    pub subject: String,
}

fn mailbox(text: &str) -> Result<Mailbox, Error> {
    Mailbox::from_str(text.trim()).map_err(|_| Error::BadAddress(text.trim().to_owned()))
}

fn split_addresses(list: &[String]) -> Vec<String> {
    // "a@x, b@y" in one field is as common as one per field.
    list.iter()
        .flat_map(|entry| split_list(entry))
        .filter(|a| !a.trim().is_empty())
        .collect()
}

/// Splits an address list on commas outside quotes and angle brackets.
fn split_list(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let (mut quoted, mut angle, mut current) = (false, false, String::new());
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '<' if !quoted => angle = true,
            '>' if !quoted => angle = false,
            ',' | ';' if !quoted && !angle => {
                out.push(std::mem::take(&mut current).trim().to_owned());
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    out.push(current.trim().to_owned());
    out
}

impl Built {
    /// The whole message in memory: for drafts and other small uses, not
    /// for the outbox, which takes it streamed.
    pub fn raw(&self) -> Result<Vec<u8>, Error> {
        self.message
            .to_vec()
            .map_err(|e| Error::Build(e.to_string()))
    }
}

/// A new Message-ID on the sender's domain; random, so it reveals neither
/// the host name nor the time.
pub fn new_message_id(from: &str) -> String {
    let domain = from.rsplit_once('@').map_or("postel.invalid", |(_, d)| d);
    format!("{}@{domain}", random_hex())
}

/// 32 hex digits no one can guess or repeat.
fn random_hex() -> String {
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let mut hasher = Sha256::new();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    hasher.update(nanos.to_le_bytes());
    hasher.update(std::process::id().to_le_bytes());
    hasher.update(
        COUNTER
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            .to_le_bytes(),
    );
    let mut seed = [0u8; 16];
    // Address-space randomisation makes a stack address a cheap extra seed.
    let here = &seed as *const _ as usize;
    hasher.update(here.to_le_bytes());
    seed.copy_from_slice(&hasher.finalize()[..16]);
    seed.iter().map(|b| format!("{b:02x}")).collect()
}

/// Encodes text as format=flowed (RFC 3676): long lines wrapped at 72
/// with a trailing space marking each soft break, lines space-stuffed where
/// a reader would otherwise mistake them for quotes or "From ".
pub fn flowed(text: &str) -> String {
    const WIDTH: usize = 72;
    let mut out = String::new();
    for line in text.replace("\r\n", "\n").split('\n') {
        if line == "-- " {
            // The signature separator keeps its space and is never a soft break.
            out.push_str("-- \n");
            continue;
        }
        // Trailing spaces would read as soft breaks: they are not the user's intent.
        let line = line.trim_end_matches(' ');
        let (prefix, body) = quote_prefix(line);
        if body.is_empty() || body.chars().count() + prefix.len() <= WIDTH {
            out.push_str(&stuff(prefix, body));
            out.push('\n');
            continue;
        }
        let mut current = String::new();
        for word in body.split_inclusive(' ') {
            if !current.is_empty()
                && prefix.len() + current.chars().count() + word.trim_end().chars().count() > WIDTH
            {
                out.push_str(&stuff(prefix, &current));
                out.push('\n');
                current.clear();
            }
            current.push_str(word);
        }
        out.push_str(&stuff(prefix, current.trim_end_matches(' ')));
        out.push('\n');
    }
    // The split leaves one line too many at the end.
    if out.ends_with("\n\n") {
        out.pop();
    }
    out
}

fn quote_prefix(line: &str) -> (&str, &str) {
    let depth = line.chars().take_while(|c| *c == '>').count();
    let (prefix, rest) = line.split_at(depth);
    (prefix, rest)
}

fn stuff(prefix: &str, body: &str) -> String {
    if prefix.is_empty() {
        if body.starts_with(' ') || body.starts_with('>') || body.starts_with("From ") {
            format!(" {body}")
        } else {
            body.to_owned()
        }
    } else {
        format!("{prefix}{body}")
    }
}

/// Builds the message to send from `account`'s identity.
pub fn build(account: &Account, draft: &Draft) -> Result<Built, Error> {
    let from_address = LettreAddress::from_str(&account.email)
        .map_err(|_| Error::BadAddress(account.email.clone()))?;
    let from = Mailbox::new(
        (!account.display_name.is_empty()).then(|| account.display_name.clone()),
        from_address.clone(),
    );
    let message_id = draft
        .message_id
        .clone()
        .unwrap_or_else(|| new_message_id(&account.email));
    let mut builder = LettreMessage::builder()
        .from(from)
        .subject(draft.subject.clone())
        .date_now()
        .message_id(Some(format!("<{message_id}>")))
        .user_agent(format!("Postel/{}", env!("CARGO_PKG_VERSION")));
    let mut recipients = Vec::new();
    for to in split_addresses(&draft.to) {
        let m = mailbox(&to)?;
        recipients.push(m.email.to_string());
        builder = builder.to(m);
    }
    for cc in split_addresses(&draft.cc) {
        let m = mailbox(&cc)?;
        recipients.push(m.email.to_string());
        builder = builder.cc(m);
    }
    for bcc in split_addresses(&draft.bcc) {
        let m = mailbox(&bcc)?;
        recipients.push(m.email.to_string());
        builder = builder.bcc(m);
    }
    if recipients.is_empty() {
        return Err(Error::NoRecipient);
    }
    if let Some(parent) = &draft.in_reply_to {
        builder = builder.in_reply_to(format!("<{parent}>"));
    }
    if !draft.references.is_empty() {
        let refs: Vec<String> = draft.references.iter().map(|r| format!("<{r}>")).collect();
        builder = builder.references(refs.join(" "));
    }
    if draft.read_receipt {
        builder = builder.raw_header(lettre::message::header::HeaderValue::new(
            lettre::message::header::HeaderName::new_from_ascii_str("Disposition-Notification-To"),
            format!("<{from_address}>"),
        ));
    }

    let signature = account
        .signature
        .as_deref()
        .filter(|s| !s.trim().is_empty());
    let html = match &draft.html {
        Some(html) => Some(html.clone()),
        None if draft.markdown => super::markdown::to_html(&draft.text, signature),
        None => None,
    };
    let mut text = draft.text.clone();
    if let Some(sig) = signature {
        if !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str("\n-- \n");
        text.push_str(sig.trim_end());
        text.push('\n');
    }
    let text_part = SinglePart::builder()
        .header(
            ContentType::parse("text/plain; charset=utf-8; format=flowed")
                .map_err(|e| Error::Build(e.to_string()))?,
        )
        .body(flowed(&text));
    let body = match &html {
        Some(html) => MultiPart::alternative()
            .singlepart(text_part)
            .singlepart(SinglePart::html(html.clone())),
        None => MultiPart::mixed().singlepart(text_part),
    };
    let mut placeholders = Vec::new();
    let message = if draft.attachments.is_empty() {
        match &html {
            Some(_) => builder.multipart(body),
            None => builder.singlepart(
                SinglePart::builder()
                    .header(
                        ContentType::parse("text/plain; charset=utf-8; format=flowed")
                            .map_err(|e| Error::Build(e.to_string()))?,
                    )
                    .body(flowed(&text)),
            ),
        }
    } else {
        let mut mixed = match &html {
            Some(_) => MultiPart::mixed().multipart(body),
            None => body,
        };
        for source in &draft.attachments {
            mixed = mixed.singlepart(attachment(source, &mut placeholders)?);
        }
        builder.multipart(mixed)
    }
    .map_err(|e| Error::Build(e.to_string()))?;
    let message = Streamed::splice(message.formatted(), placeholders)
        .ok_or_else(|| Error::Build("an attachment lost its place in the message".into()))?;
    Ok(Built {
        message,
        message_id,
        from: from_address.to_string(),
        recipients,
        subject: draft.subject.clone(),
    })
}

fn attachment(
    source: &AttachmentSource,
    placeholders: &mut Vec<Placeholder>,
) -> Result<SinglePart, Error> {
    let (name, mime, body) = match source {
        AttachmentSource::File(path) => {
            let failed = |e: std::io::Error| Error::Attachment {
                path: path.display().to_string(),
                reason: e.to_string(),
            };
            let mut file = std::fs::File::open(path).map_err(failed)?;
            let size = file.metadata().map_err(failed)?.len();
            // Enough for every signature `infer` knows (ISO images sit at 32 KiB).
            let mut head = Vec::new();
            file.by_ref()
                .take(64 * 1024)
                .read_to_end(&mut head)
                .map_err(failed)?;
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "attachment".to_owned());
            let mime = guess_mime(path, &head);
            // The file is read only when the message is written: lettre
            // formats the part around a marker that stands in for its base64.
            let marker = format!("postel-attachment-{}-{}", random_hex(), placeholders.len());
            let body = Body::dangerous_pre_encoded(
                marker.clone().into_bytes(),
                ContentTransferEncoding::Base64,
            );
            placeholders.push(Placeholder {
                marker,
                path: path.clone(),
                size,
            });
            (name, mime, body)
        }
        AttachmentSource::Bytes {
            name,
            mime_type,
            data,
        } => (name.clone(), mime_type.clone(), Body::new(data.clone())),
    };
    let content_type = ContentType::parse(&mime)
        .or_else(|_| ContentType::parse("application/octet-stream"))
        .map_err(|e| Error::Build(e.to_string()))?;
    Ok(Attachment::new(name).body(body, content_type))
}

/// The MIME type from the content's magic bytes, else the file name, else
/// octet-stream.
pub fn guess_mime(path: &Path, data: &[u8]) -> String {
    if let Some(kind) = infer::get(data) {
        return kind.mime_type().to_owned();
    }
    mime_guess::from_path(path)
        .first()
        .map(|m| m.essence_str().to_owned())
        .unwrap_or_else(|| "application/octet-stream".to_owned())
}

fn display(addr: &Address) -> String {
    match &addr.name {
        Some(name) if !name.is_empty() => format!("\"{}\" <{}>", name.replace('"', ""), addr.email),
        _ => addr.email.clone(),
    }
}

fn prefixed(prefix: &str, subject: &str) -> String {
    let lower = subject.trim_start().to_lowercase();
    if lower.starts_with(&prefix.to_lowercase()) {
        subject.to_owned()
    } else {
        format!("{prefix} {subject}")
    }
}

/// "On DATE, NAME wrote:" and the original text, each line quoted.
pub fn quoted(original: &Message) -> String {
    let who = original
        .from
        .first()
        .map(|a| {
            a.name
                .clone()
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| a.email.clone())
        })
        .unwrap_or_else(|| "someone".to_owned());
    let when = original
        .date
        .map(crate::date::long)
        .unwrap_or_else(|| "an unknown date".to_owned());
    let body = super::search_text(original);
    let mut out = format!("On {when}, {who} wrote:\n");
    for line in body.trim_end().lines() {
        if line.starts_with('>') {
            out.push('>');
        } else {
            out.push_str("> ");
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// A reply (or reply to all) from `account` to `original`.
pub fn reply(account: &Account, original: &Message, all: bool) -> Draft {
    let own = account.email.to_lowercase();
    let target = if original.reply_to.is_empty() {
        &original.from
    } else {
        &original.reply_to
    };
    let to: Vec<String> = target.iter().map(display).collect();
    let mut cc = Vec::new();
    if all {
        for a in original.to.iter().chain(&original.cc) {
            let email = a.email.to_lowercase();
            if email != own
                && !email.is_empty()
                && !target.iter().any(|t| t.email.to_lowercase() == email)
            {
                cc.push(display(a));
            }
        }
    }
    let mut references = original.references.clone();
    if let Some(id) = &original.message_id {
        references.push(id.clone());
    }
    Draft {
        to,
        cc,
        subject: prefixed("Re:", original.subject.as_deref().unwrap_or("")),
        text: format!("\n\n{}", quoted(original)),
        in_reply_to: original.message_id.clone(),
        references,
        ..Draft::default()
    }
}

/// A reply to be written under the quote instead of above it (the
/// "reply below" preference): the quote first, then room to write.
pub fn below_quote(mut draft: Draft) -> Draft {
    let quote = draft.text.trim_start_matches('\n');
    draft.text = format!("{quote}\n\n");
    draft
}

/// A forward: the original inline below a separator, or attached whole.
pub fn forward(original: &Message, raw: &[u8], as_attachment: bool) -> Draft {
    let subject = prefixed("Fwd:", original.subject.as_deref().unwrap_or(""));
    if as_attachment {
        let name = format!(
            "{}.eml",
            original
                .subject
                .as_deref()
                .unwrap_or("message")
                .chars()
                .map(|c| if c.is_alphanumeric() || c == ' ' {
                    c
                } else {
                    '_'
                })
                .collect::<String>()
                .trim()
        );
        return Draft {
            subject,
            attachments: vec![AttachmentSource::Bytes {
                name,
                mime_type: "message/rfc822".into(),
                data: raw.to_vec(),
            }],
            ..Draft::default()
        };
    }
    let list = |v: &[Address]| v.iter().map(display).collect::<Vec<_>>().join(", ");
    let mut text = String::from("\n\n-------- Forwarded Message --------\n");
    text.push_str(&format!(
        "Subject: {}\n",
        original.subject.as_deref().unwrap_or("")
    ));
    if let Some(date) = original.date {
        text.push_str(&format!("Date: {}\n", crate::date::long(date)));
    }
    text.push_str(&format!("From: {}\n", list(&original.from)));
    text.push_str(&format!("To: {}\n", list(&original.to)));
    if !original.cc.is_empty() {
        text.push_str(&format!("Cc: {}\n", list(&original.cc)));
    }
    text.push('\n');
    text.push_str(&super::search_text(original));
    Draft {
        subject,
        text,
        ..Draft::default()
    }
}

#[cfg(test)]
mod tests;
