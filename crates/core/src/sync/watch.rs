//! Staying connected: IDLE on INBOX so new mail lands in the store as it
//! arrives, with reconnection and back-off when the connection drops.

use std::time::Duration;

use super::{Error, Options, Sink, imap};
use crate::account::Account;
use crate::net::imap::guard::SILENCE;
use crate::store::SharedStore;

/// Starting and ending IDLE, which the stream's guard does not time while
/// idling: the server must answer within [`SILENCE`] all the same.
async fn answer_within<T>(
    account: &Account,
    step: impl std::future::Future<Output = async_imap::error::Result<T>>,
) -> Result<T, Error> {
    match tokio::time::timeout(SILENCE, step).await {
        Ok(result) => result.map_err(|e| imap::server_err(account, e)),
        Err(_) => Err(Error::Net(crate::net::Error::Dropped {
            host: account.incoming.server.host.clone(),
            reason: format!(
                "it did not answer IDLE within {} seconds",
                SILENCE.as_secs()
            ),
        })),
    }
}

/// IDLE is re-issued well before the 30 minutes after which servers may
/// drop an idle client (RFC 2177).
const IDLE_RENEW: Duration = Duration::from_secs(25 * 60);
const MAX_BACKOFF: Duration = Duration::from_secs(300);

/// Watches the account's INBOX until the task is dropped. Each change the
/// server reports triggers a sync of INBOX; errors are reported through
/// `on_error` and retried with exponential back-off.
pub async fn inbox(
    account: Account,
    store: SharedStore,
    sink: Sink,
    on_error: impl Fn(Error) + Send + Sync,
    ready: impl Fn() + Send + Sync,
) {
    let mut backoff = Duration::from_secs(1);
    loop {
        let started = std::time::Instant::now();
        let Err(err) = idle_once(&account, &store, &sink, &ready).await;
        on_error(err);
        // A connection that lived a while was healthy: start over gently.
        if started.elapsed() > Duration::from_secs(60) {
            backoff = Duration::from_secs(1);
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}

/// One connection's life: catch up, then IDLE until the server reports a
/// change or the renewal time comes.
async fn idle_once(
    account: &Account,
    store: &SharedStore,
    sink: &Sink,
    ready: &(impl Fn() + Send + Sync),
) -> Result<std::convert::Infallible, Error> {
    let inbox_only = Options {
        folder: Some("INBOX".into()),
        ..Options::default()
    };
    let mut session = imap::open(account).await?;
    let caps = imap::caps(&session);
    // Catch up first: mail that came while we were away is found here. The
    // sync leaves INBOX selected, ready for IDLE.
    imap::sync_on(account, &mut session, caps, store, &inbox_only, sink).await?;
    loop {
        // Silence is what IDLE waits through; the renewal bounds it.
        session.get_mut().patience(None);
        let (inner, agreement) = session.into_parts();
        let mut idle = inner.idle();
        answer_within(account, idle.init()).await?;
        ready();
        let (wait, _interrupt) = idle.wait_with_timeout(IDLE_RENEW);
        let response = wait.await.map_err(|e| imap::server_err(account, e))?;
        session = crate::net::imap::Session::resume(
            answer_within(account, idle.done()).await?,
            agreement,
        );
        session.get_mut().patience(Some(SILENCE));
        if let async_imap::extensions::idle::IdleResponse::NewData(_) = response {
            let still_selected = Options {
                selected: true,
                ..inbox_only.clone()
            };
            imap::sync_on(account, &mut session, caps, store, &still_selected, sink).await?;
        }
    }
}
