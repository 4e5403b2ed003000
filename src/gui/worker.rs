//! The core's account worker ([`crate::worker`]) as an iced subscription,
//! one per account. A subscription lives as long as its account: removing
//! the account drops the stream and so stops the worker. It is keyed by the
//! account's name alone, so an edit does not restart the stream; the app
//! sends the new settings through the [`Handle`] the worker hands over
//! first. Each worker has its own store connection (SQLite WAL allows
//! several), so its writes do not queue behind the window's reads.

use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::Arc;

use futures::SinkExt;
use iced::Subscription;

use crate::account::Account;
use crate::store::SharedStore;
use crate::worker::{self as core, Handle, Phase};

/// What starts a worker: the settings it begins with and the store's
/// folder. Only the name counts as the subscription's identity.
#[derive(Debug, Clone)]
pub struct Key {
    pub account: Account,
    pub data: PathBuf,
}

impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.account.name.hash(state);
        self.data.hash(state);
    }
}

#[derive(Debug, Clone)]
pub enum Event {
    /// The worker runs; this steers it.
    Ready {
        account: String,
        handle: Handle,
    },
    Report(core::Event),
}

pub fn subscription(keys: Vec<Key>) -> Subscription<Event> {
    Subscription::batch(keys.into_iter().map(|key| Subscription::run_with(key, run)))
}

fn run(key: &Key) -> impl futures::Stream<Item = Event> + use<> {
    let key = key.clone();
    iced::stream::channel(
        100,
        async move |mut output: futures::channel::mpsc::Sender<Event>| {
            let name = key.account.name.clone();
            let store = match crate::store::Store::open(&key.data) {
                Ok(s) => SharedStore::new(s),
                Err(e) => {
                    let failed = core::Event::Failed {
                        account: name,
                        phase: Phase::Sync,
                        error: Arc::new(e.into()),
                    };
                    let _ = output.send(Event::Report(failed)).await;
                    return;
                }
            };
            let (handle, control) = Handle::channel();
            let ready = Event::Ready {
                account: name.clone(),
                handle,
            };
            if output.send(ready).await.is_err() {
                return;
            }
            // The worker reports from its own tasks; a channel carries that
            // to this stream.
            let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
            // On the background runtime, at a lower priority than the
            // window's own work.
            let work = core::in_background(core::run(key.account, store, control, move |event| {
                let _ = tx.send(Event::Report(event));
            }));
            let forward = async {
                while let Some(event) = rx.recv().await {
                    if output.send(event).await.is_err() {
                        break;
                    }
                }
            };
            tokio::select! {
                _ = work => {}
                () = forward => {}
            }
            tracing::debug!("worker stream for {name} ended");
        },
    )
}
