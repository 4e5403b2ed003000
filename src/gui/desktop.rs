//! Being a good desktop citizen: notifications for new mail, and requests
//! handed over by later launches.

use iced::Task;

use super::{APP_ID, Message};
use crate::fl;
use crate::store::SharedStore;

/// A desktop notification for new mail (freedesktop, over D-Bus). Without
/// a notification service it is skipped: the list shows the mail anyway.
pub fn notify_new_mail(
    store: SharedStore,
    account: String,
    folder: String,
    ids: Vec<i64>,
) -> Task<Message> {
    Task::future(async move {
        let first = match ids.first() {
            Some(&id) => store.run(move |s| s.message(id)).await.ok(),
            None => None,
        };
        let (summary, body) = match (ids.len(), first) {
            (1, Some(m)) => {
                let from = if m.from_name.is_empty() {
                    m.from_addr
                } else {
                    m.from_name
                };
                (fl!("notify-one", from = from), m.subject)
            }
            (n, _) => (
                fl!("notify-many", count = n),
                format!("{account} · {}", crate::net::imap::mutf7::display(&folder)),
            ),
        };
        let shown = tokio::task::spawn_blocking(move || {
            notify_rust::Notification::new()
                .appname(&fl!("app-name"))
                .summary(&summary)
                .body(&body)
                .icon(APP_ID)
                .show()
                .map(drop)
        })
        .await;
        if let Ok(Err(e)) = shown {
            tracing::debug!("no desktop notification: {e}");
        }
    })
    .discard()
}

/// Requests handed over by later launches (`postel mailto:…`).
pub fn requests() -> impl futures::Stream<Item = Message> {
    iced::stream::channel(
        10,
        async |mut output: futures::channel::mpsc::Sender<Message>| {
            use futures::SinkExt;
            let listener = match crate::instance::socket_path()
                .map_err(|e| e.to_string())
                .and_then(|path| crate::instance::listen(&path).map_err(|e| e.to_string()))
            {
                Ok(l) => l,
                Err(e) => {
                    tracing::info!("not accepting hand-overs: {e}");
                    return;
                }
            };
            while let Some(request) = crate::instance::next_request(&listener).await {
                if output.send(Message::Request(request)).await.is_err() {
                    break;
                }
            }
        },
    )
}
