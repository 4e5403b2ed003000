//! One worker per account: everything Postel does on the network for an
//! account without being asked each time. The window and `postel sync
//! --watch` both run it. It
//!
//! - syncs every folder at start and then every [`POLL`] (and at once when
//!   told to), replaying the actions made offline first;
//! - keeps INBOX open with IDLE (IMAP) once a sync went well, so new mail
//!   lands as it arrives;
//! - sends what waits in the outbox when each message is due;
//! - retries after a failure with a growing pause;
//! - takes new settings without a restart of the program, and stops when
//!   told to or when its handle and control channel are dropped.
//!
//! It reports through one callback, as halloy's per-server streams do:
//! progress, new mail, a finished sync, what the outbox did, failures.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::account::{Account, Protocol};
use crate::store::SharedStore;
use crate::sync::{self, sender::Outcome};

/// Full syncs of every folder this often. IDLE brings INBOX's news at
/// once; other folders and POP3 accounts wait for this.
pub const POLL: Duration = Duration::from_secs(300);
/// The first pause after a failed sync; it doubles up to [`POLL`], so a
/// server that is down is not asked every few seconds.
pub const RETRY_FIRST: Duration = Duration::from_secs(30);
/// The outbox is looked at at least this often even when nothing is due,
/// for mail queued by another Postel process (the command line).
const OUTBOX_LOOK: Duration = Duration::from_secs(60);

mod background;
pub use background::run as in_background;

type Report = Arc<dyn Fn(Event) + Send + Sync>;

/// What a face can ask of a running worker.
#[derive(Debug, Clone)]
pub enum Control {
    /// Sync every folder and send what is due, now.
    SyncNow,
    /// The account's settings changed: reconnect with these.
    Settings(Box<Account>),
    /// End the worker.
    Stop,
}

/// What the network part of an account was doing when it failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Sync,
    Watch,
    Outbox,
}

/// What a worker reports.
#[derive(Debug, Clone)]
pub enum Event {
    /// Progress and new mail, as the sync reports them.
    Sync(sync::Event),
    /// A full sync ended well.
    Synced {
        account: String,
        summary: sync::Summary,
    },
    /// INBOX is open and watched (IMAP IDLE); new mail comes at once.
    Watching { account: String },
    /// Messages of the outbox were tried: sent, kept for later, or failed.
    Outbox {
        account: String,
        outcomes: Vec<Outcome>,
    },
    /// The server asked not to be asked again for `seconds` (POP3
    /// LOGIN-DELAY); the worker waits that long. Not a failure.
    Waiting {
        account: String,
        seconds: u64,
        error: Arc<sync::Error>,
    },
    /// Something failed; the worker goes on and tries again.
    Failed {
        account: String,
        phase: Phase,
        error: Arc<sync::Error>,
    },
}

/// Steers a worker started with [`spawn`]. Dropping it stops the worker.
#[derive(Debug, Clone)]
pub struct Handle {
    control: mpsc::UnboundedSender<Control>,
}

impl Handle {
    /// A handle and the receiving end to give to [`run`].
    pub fn channel() -> (Self, mpsc::UnboundedReceiver<Control>) {
        let (control, receiver) = mpsc::unbounded_channel();
        (Self { control }, receiver)
    }

    /// Asks the worker; false when it has already stopped.
    pub fn send(&self, control: Control) -> bool {
        self.control.send(control).is_ok()
    }
}

/// Starts a worker on the background runtime ([`background`]).
pub fn spawn(
    account: Account,
    store: SharedStore,
    report: impl Fn(Event) + Send + Sync + 'static,
) -> (Handle, tokio::task::JoinHandle<()>) {
    let (handle, control) = Handle::channel();
    let task = background::spawn(run(account, store, control, report));
    (handle, task)
}

/// Runs the account's worker until [`Control::Stop`] or until every
/// [`Handle`] is gone.
pub async fn run(
    mut account: Account,
    store: SharedStore,
    mut control: mpsc::UnboundedReceiver<Control>,
    report: impl Fn(Event) + Send + Sync + 'static,
) {
    let report: Report = Arc::new(report);
    // IDLE starts after the first sync that went well: its own catch-up
    // of INBOX would otherwise download a first sync's headers a second
    // time, on a second connection, at the same moment.
    let mut watch: Option<Watch> = None;
    let mut next_sync = Instant::now();
    let mut retry = RETRY_FIRST;
    let mut next_outbox = Instant::now() + OUTBOX_LOOK;
    loop {
        let asked = tokio::select! {
            () = tokio::time::sleep_until(next_sync) => {
                // Sending is never cut short (a message cut mid-DATA could
                // go out twice); the sync is, when the user asks for
                // something else meanwhile.
                if send(&account, &store, &report).await {
                    next_sync = signed_out(&mut next_outbox);
                    continue;
                }
                let sync = sync_all(&account, &store, &report);
                tokio::pin!(sync);
                let (healthy, asked) = loop {
                    tokio::select! {
                        healthy = &mut sync => break (Some(healthy), None),
                        asked = control.recv() => match asked {
                            // Syncing already.
                            Some(Control::SyncNow) => {}
                            other => break (None, Some(other)),
                        },
                    }
                };
                match healthy {
                    Some(Synced::Well { login_delay }) => {
                        retry = RETRY_FIRST;
                        next_sync = Instant::now() + POLL.max(login_delay.unwrap_or_default());
                        if watch.is_none() {
                            watch = Some(Watch::start(&account, &store, &report));
                        }
                    }
                    // As the server asked; not a failure, so no back-off.
                    Some(Synced::Later(wait)) => next_sync = Instant::now() + wait,
                    Some(Synced::Failed) => {
                        next_sync = Instant::now() + retry;
                        retry = (retry * 2).min(POLL);
                    }
                    Some(Synced::SignIn) => {
                        next_sync = signed_out(&mut next_outbox);
                        watch = None;
                    }
                    None => {}
                }
                if !matches!(healthy, Some(Synced::SignIn)) {
                    next_outbox = outbox_due(&account, &store).await;
                }
                match asked {
                    Some(asked) => asked,
                    None => continue,
                }
            }
            () = tokio::time::sleep_until(next_outbox) => {
                if send(&account, &store, &report).await {
                    next_sync = signed_out(&mut next_outbox);
                    watch = None;
                } else {
                    next_outbox = outbox_due(&account, &store).await;
                }
                continue;
            }
            asked = control.recv() => asked,
        };
        match asked {
            Some(Control::SyncNow) => next_sync = Instant::now(),
            Some(Control::Settings(new)) => {
                account = *new;
                // Dropping the old watch closes its connection; the next
                // good sync starts one with the new settings.
                watch = None;
                retry = RETRY_FIRST;
                next_sync = Instant::now();
            }
            Some(Control::Stop) | None => break,
        }
    }
    drop(watch);
    tracing::debug!("worker for {} stopped", account.name);
}

/// How a full sync ended.
enum Synced {
    Well {
        login_delay: Option<Duration>,
    },
    /// The server asked to be left alone this long (POP3 LOGIN-DELAY).
    Later(Duration),
    Failed,
    /// The account's sign-in is no longer valid: only the user can mend
    /// that, so nothing is tried until they have (new settings or "sync
    /// now" after signing in).
    SignIn,
}

/// How long a signed-out worker waits before trying by itself: in
/// practice, until the user signs in again and the worker is told.
const SIGNED_OUT_WAIT: Duration = Duration::from_secs(365 * 24 * 3600);

/// Stops syncing and sending until the user signs in again; queued mail
/// stays in the outbox meanwhile.
fn signed_out(next_outbox: &mut Instant) -> Instant {
    let later = Instant::now() + SIGNED_OUT_WAIT;
    *next_outbox = later;
    later
}

/// Every folder (the sync replays pending actions first).
async fn sync_all(account: &Account, store: &SharedStore, report: &Report) -> Synced {
    let sink: sync::Sink = {
        let report = report.clone();
        Arc::new(move |event| report(Event::Sync(event)))
    };
    match sync::account(account, store, &sync::Options::default(), &sink).await {
        Ok(summary) => {
            let login_delay = summary.login_delay.map(Duration::from_secs);
            report(Event::Synced {
                account: account.name.clone(),
                summary,
            });
            Synced::Well { login_delay }
        }
        Err(sync::Error::Net(error)) if error.wait().is_some() => {
            let wait = error.wait().unwrap_or(POLL);
            report(Event::Waiting {
                account: account.name.clone(),
                seconds: wait.as_secs(),
                error: Arc::new(sync::Error::Net(error)),
            });
            Synced::Later(wait)
        }
        Err(error) => {
            let sign_in = error.needs_sign_in();
            report(Event::Failed {
                account: account.name.clone(),
                phase: Phase::Sync,
                error: Arc::new(error),
            });
            if sign_in {
                Synced::SignIn
            } else {
                Synced::Failed
            }
        }
    }
}

/// Sends what is due; true when the account must sign in again first.
async fn send(account: &Account, store: &SharedStore, report: &Report) -> bool {
    match sync::sender::send_due(account, store).await {
        Ok(outcomes) => {
            if !outcomes.is_empty() {
                report(Event::Outbox {
                    account: account.name.clone(),
                    outcomes,
                });
            }
            false
        }
        Err(error) => {
            let sign_in = error.needs_sign_in();
            report(Event::Failed {
                account: account.name.clone(),
                phase: Phase::Outbox,
                error: Arc::new(error),
            });
            sign_in
        }
    }
}

/// When to look at the outbox next: when its next message is due, but at
/// least every [`OUTBOX_LOOK`].
async fn outbox_due(account: &Account, store: &SharedStore) -> Instant {
    let name = account.name.clone();
    let look = Instant::now() + OUTBOX_LOOK;
    match store.run(move |s| s.outbox_next_due(&name)).await {
        Ok(Some(due)) => {
            let wait = u64::try_from(due - crate::store::now()).unwrap_or(0);
            look.min(Instant::now() + Duration::from_secs(wait))
        }
        Ok(None) | Err(_) => look,
    }
}

/// INBOX watched with IDLE on a task of its own, for IMAP accounts; the
/// task ends when this is dropped.
struct Watch(Option<tokio::task::JoinHandle<()>>);

impl Watch {
    fn start(account: &Account, store: &SharedStore, report: &Report) -> Self {
        if account.incoming.protocol != Protocol::Imap {
            return Self(None);
        }
        let sink: sync::Sink = {
            let report = report.clone();
            Arc::new(move |event| report(Event::Sync(event)))
        };
        let (errors, ready) = (report.clone(), report.clone());
        let (name, ready_name) = (account.name.clone(), account.name.clone());
        let task = tokio::spawn(sync::watch::inbox(
            account.clone(),
            store.clone(),
            sink,
            move |error| {
                errors(Event::Failed {
                    account: name.clone(),
                    phase: Phase::Watch,
                    error: Arc::new(error),
                })
            },
            move || {
                ready(Event::Watching {
                    account: ready_name.clone(),
                })
            },
        ));
        Self(Some(task))
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        if let Some(task) = self.0.take() {
            task.abort();
        }
    }
}
