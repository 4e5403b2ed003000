//! One background worker per account, as an iced subscription keyed by the
//! account's name (editing its settings does not restart it): a full sync,
//! then IDLE on INBOX for new mail, other folders and the outbox polled.
//! It has its own store connection (SQLite WAL allows several).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use futures::SinkExt;
use iced::Subscription;

use crate::account::Protocol;
use crate::store::SharedStore;
use crate::sync;

/// Full syncs of every folder (and outbox retries) this often.
const POLL: Duration = Duration::from_secs(300);

#[derive(Debug, Clone, Hash, PartialEq, Eq)]
pub struct Key {
    pub account: String,
    pub config: PathBuf,
    pub data: PathBuf,
}

#[derive(Debug, Clone)]
pub enum Event {
    Sync(sync::Event),
    Synced { account: String },
    Failed { account: String, message: String },
}

pub fn subscription(keys: Vec<Key>) -> Subscription<Event> {
    Subscription::batch(keys.into_iter().map(|key| Subscription::run_with(key, run)))
}

fn run(key: &Key) -> impl futures::Stream<Item = Event> + use<> {
    let key = key.clone();
    iced::stream::channel(
        100,
        async move |mut output: futures::channel::mpsc::Sender<Event>| {
            let fail = |message: String| Event::Failed {
                account: key.account.clone(),
                message,
            };
            let account = match crate::config::load(&key.config) {
                Ok((settings, _)) => settings.account(&key.account).cloned(),
                Err(e) => {
                    let _ = output.send(fail(e.to_string())).await;
                    None
                }
            };
            let Some(account) = account else {
                return;
            };
            let store = match crate::store::Store::open(&key.data) {
                Ok(s) => SharedStore::new(s),
                Err(e) => {
                    let _ = output.send(fail(e.to_string())).await;
                    return;
                }
            };
            let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Event>();
            let sink_tx = tx.clone();
            let sink: sync::Sink = Arc::new(move |e| {
                let _ = sink_tx.send(Event::Sync(e));
            });
            let name = account.name.clone();
            let work = async move {
                let poller = {
                    let (account, store, sink, tx) =
                        (account.clone(), store.clone(), sink.clone(), tx.clone());
                    async move {
                        loop {
                            if let Err(e) = sync::sender::send_due(&account, &store).await {
                                let _ = tx.send(Event::Failed {
                                    account: account.name.clone(),
                                    message: e.to_string(),
                                });
                            }
                            let result =
                                sync::account(&account, &store, &sync::Options::default(), &sink)
                                    .await;
                            let _ = tx.send(match result {
                                Ok(_) => Event::Synced {
                                    account: account.name.clone(),
                                },
                                Err(e) => Event::Failed {
                                    account: account.name.clone(),
                                    message: e.to_string(),
                                },
                            });
                            tokio::time::sleep(POLL).await;
                        }
                    }
                };
                match account.incoming.protocol {
                    Protocol::Imap => {
                        let errors = tx.clone();
                        let who = account.name.clone();
                        let idle = sync::watch::inbox(
                            account,
                            store,
                            sink,
                            move |e| {
                                let _ = errors.send(Event::Failed {
                                    account: who.clone(),
                                    message: e.to_string(),
                                });
                            },
                            || {},
                        );
                        tokio::join!(poller, idle);
                    }
                    Protocol::Pop3 => poller.await,
                }
            };
            let forward = async {
                while let Some(event) = rx.recv().await {
                    if output.send(event).await.is_err() {
                        break;
                    }
                }
            };
            tokio::select! {
                () = work => {}
                () = forward => {}
            }
            tracing::debug!("worker for {name} stopped");
        },
    )
}
