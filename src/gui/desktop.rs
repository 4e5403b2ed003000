//! Being a good desktop citizen: notifications for new mail, and requests
//! handed over by later launches.

use iced::{Task, window};

use super::{APP_ID, Message};
use crate::fl;
use crate::message::compose::Draft;
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

impl super::App {
    /// A later launch's request: a mailto: link opens a composer filled
    /// from it, and the window comes to the front.
    pub(super) fn request(&mut self, url: &str) -> Task<Message> {
        match crate::mailto::parse(url) {
            Ok(link) if self.composer.is_none() => {
                let draft = Draft {
                    to: link.to,
                    cc: link.cc,
                    bcc: link.bcc,
                    subject: link.subject.unwrap_or_default(),
                    text: link.body.unwrap_or_default(),
                    in_reply_to: link.in_reply_to,
                    ..Draft::default()
                };
                self.composer = Some(self.new_composer(None, draft));
                return Task::batch([
                    self.composer_focus(),
                    window::latest().and_then(window::gain_focus),
                ]);
            }
            // One composer at a time: an open one is not replaced.
            Ok(_) => self.notices.push(fl!("mailto-busy")),
            Err(e) => self.notices.push(e.to_string()),
        }
        window::latest().and_then(window::gain_focus)
    }
}
