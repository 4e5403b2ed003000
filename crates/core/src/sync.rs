//! Sync workers: bring each account's mail from its server into the store,
//! and the user's actions back to the server. They report progress and new
//! mail as events that the GUI and the CLI show alike.

pub mod actions;
pub mod drafts;
pub mod dsn;
pub mod envelope;
pub(crate) mod fetched;
pub mod imap;
pub mod pop3;
pub mod sender;
pub mod special;
pub mod watch;

use crate::explain::{Explain, Sentence};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::account::{Account, Protocol};
use crate::net;
use crate::store::{self, SharedStore};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Net(#[from] net::Error),
    #[error("{0}")]
    Store(store::Error),
    /// The server answered NO or BAD: retrying the same request cannot
    /// help, so an action it refused is dropped (and the user told).
    #[error("The server refused a request: {0}")]
    Refused(String),
    /// A task of Postel's own stopped (the store's or a parser's thread):
    /// nothing the server said, so whatever was being done is kept and
    /// tried again.
    #[error("Postel could not finish ({0}). Try again; if it happens again, please report it.")]
    Internal(String),
    #[error(
        "This message is {} MB, more than the {} MB Postel downloads. Read it in your provider's web mail.",
        .0 / (1024 * 1024),
        net::imap::guard::MAX_MESSAGE / (1024 * 1024)
    )]
    TooLarge(u64),
}

impl Explain for Error {
    fn sentence(&self) -> Sentence {
        match self {
            Error::Net(err) => err.sentence(),
            Error::Store(err) => err.sentence(),
            Error::Refused(reply) => Sentence::new("error-server-refused").arg("reply", reply),
            Error::Internal(why) => Sentence::new("error-internal").arg("reason", why),
            Error::TooLarge(bytes) => Sentence::new("error-too-large")
                .arg("size", bytes / (1024 * 1024))
                .arg("limit", net::imap::guard::MAX_MESSAGE / (1024 * 1024)),
        }
    }
}

impl From<store::Error> for Error {
    fn from(err: store::Error) -> Self {
        match err {
            // Not the store's answer but its task's end: whatever was being
            // done is kept and tried again, like any failure of Postel's own.
            store::Error::Stopped(why) => Error::Internal(why),
            err => Error::Store(err),
        }
    }
}

impl Error {
    /// Whether only the user can mend this, by signing in again: the
    /// worker then stops trying until they have.
    pub fn needs_sign_in(&self) -> bool {
        matches!(self, Error::Net(e) if e.needs_sign_in())
    }
}

impl From<crate::secret::Error> for Error {
    fn from(err: crate::secret::Error) -> Self {
        Error::Net(net::Error::Secret(err))
    }
}

/// What a sync is doing in a folder.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    /// Listing messages (headers and flags).
    #[default]
    Headers,
    /// Downloading whole messages for offline reading (a prefetch).
    Bodies,
}

/// Where a sync stands, for progress bars and status lines.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Progress {
    pub account: String,
    pub folder: String,
    pub stage: Stage,
    pub folders_done: usize,
    pub folders_total: usize,
    pub messages_done: u64,
    pub messages_total: u64,
    pub bytes: u64,
    /// Estimated seconds left for this folder, once there is a rate to go by.
    pub eta_seconds: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Progress(Progress),
    /// Messages that arrived in a folder since the last sync.
    NewMail {
        account: String,
        folder: String,
        ids: Vec<i64>,
    },
}

pub type Sink = Arc<dyn Fn(Event) + Send + Sync>;

/// A sink that drops every event.
pub fn quiet() -> Sink {
    Arc::new(|_| {})
}

#[derive(Debug, Clone)]
pub struct Options {
    /// Only this folder (by name); all when unset.
    pub folder: Option<String>,
    /// Download bodies of messages newer than this many days (None: none).
    pub prefetch_days: Option<u32>,
    /// Messages per FETCH round trip.
    pub batch: u32,
    /// Messages per FETCH of whole messages (a prefetch): 250 are about
    /// 3.5 MB at the benchmark's median size.
    pub body_batch: u32,
    /// The one folder asked for is already selected on the session (the
    /// IDLE connection after new mail): its state is asked by STATUS, as a
    /// new SELECT of a Maildir folder on Dovecot re-reads its directory
    /// (0.8 s at 100k messages).
    pub selected: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            folder: None,
            prefetch_days: None,
            batch: 1000,
            body_batch: 250,
            selected: false,
        }
    }
}

/// What one sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub account: String,
    pub folders: usize,
    pub new_messages: u64,
    pub changed_flags: u64,
    pub removed: u64,
    pub bodies: u64,
    /// Seconds the server wants between two logins (POP3 LOGIN-DELAY):
    /// the worker does not come back sooner.
    pub login_delay: Option<u64>,
}

/// Syncs one account once, whatever its protocol.
pub async fn account(
    account: &Account,
    store: &SharedStore,
    options: &Options,
    sink: &Sink,
) -> Result<Summary, Error> {
    match account.incoming.protocol {
        Protocol::Imap => {
            let summary = imap::sync(account, store, options, sink).await?;
            // Drafts written while offline go up once the server is back.
            if let Err(e) = drafts::upload_pending(account, store).await {
                tracing::warn!("{}: drafts not uploaded: {e}", account.name);
            }
            Ok(summary)
        }
        Protocol::Pop3 => pop3::sync(account, store, sink).await,
    }
}

/// Tracks a folder's rate to estimate the time left.
#[derive(Debug)]
pub(crate) struct Meter {
    started: Instant,
    pub progress: Progress,
}

impl Meter {
    pub fn new(account: &str, folders_total: usize) -> Self {
        Self {
            started: Instant::now(),
            progress: Progress {
                account: account.to_owned(),
                folders_total,
                ..Progress::default()
            },
        }
    }

    /// Folders found to sync after the count was first given (by LIST).
    pub fn add_folders(&mut self, more: usize) {
        self.progress.folders_total += more;
    }

    pub fn start_folder(&mut self, folder: &str, total: u64) {
        self.start(folder, Stage::Headers, total);
    }

    /// A prefetch of `total` bodies begins in a folder already listed.
    pub fn start_bodies(&mut self, folder: &str, total: u64) {
        self.start(folder, Stage::Bodies, total);
    }

    fn start(&mut self, folder: &str, stage: Stage, total: u64) {
        self.started = Instant::now();
        self.progress.folder = folder.to_owned();
        self.progress.stage = stage;
        self.progress.messages_done = 0;
        self.progress.messages_total = total;
        self.progress.eta_seconds = None;
    }

    pub fn advance(&mut self, messages: u64, bytes: u64, sink: &Sink) {
        self.progress.messages_done += messages;
        self.progress.bytes += bytes;
        let elapsed = self.started.elapsed();
        let done = self.progress.messages_done;
        let left = self.progress.messages_total.saturating_sub(done);
        // No estimate once all are in: an estimate of 0 means "done",
        // which only the end of the stage may say (a slow last batch read
        // as done before the folder was, and the folder showed twice).
        self.progress.eta_seconds = None;
        if done > 0 && left > 0 && elapsed > Duration::from_millis(200) {
            let per = elapsed.as_secs_f64() / done as f64;
            self.progress.eta_seconds = Some(((per * left as f64).ceil() as u64).max(1));
        }
        sink(Event::Progress(self.progress.clone()));
    }

    pub fn finish_folder(&mut self, sink: &Sink) {
        self.progress.folders_done += 1;
        self.finish_stage(sink);
    }

    /// A folder that could not be synced (gone from the server since the
    /// last sync) counts as done without a line: the progress still names
    /// the folder before it, which would be reported a second time.
    pub fn skip_folder(&mut self) {
        self.progress.folders_done += 1;
    }

    /// The stage ends in this folder without finishing it (a prefetch: the
    /// folder was counted done when it was listed).
    pub fn finish_stage(&mut self, sink: &Sink) {
        self.progress.eta_seconds = Some(0);
        sink(Event::Progress(self.progress.clone()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// Only the end of a folder says "done" (an estimate of 0 seconds):
    /// a last batch stored slowly said it before, and the command line
    /// showed that folder done twice.
    #[test]
    fn only_the_end_of_a_folder_reports_it_done() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = seen.clone();
        let sink: Sink = Arc::new(move |event| {
            if let Event::Progress(p) = event {
                record.lock().expect("record").push(p.eta_seconds);
            }
        });
        let mut meter = Meter::new("a", 1);
        meter.start_folder("INBOX", 2);
        std::thread::sleep(Duration::from_millis(250));
        meter.advance(1, 10, &sink);
        meter.advance(1, 10, &sink);
        meter.finish_folder(&sink);
        let seen = seen.lock().expect("seen").clone();
        assert!(matches!(seen[0], Some(n) if n >= 1), "{seen:?}");
        assert_eq!(seen[1..], [None, Some(0)], "{seen:?}");
    }
}
