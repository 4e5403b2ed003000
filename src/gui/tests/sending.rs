//! Undo send and send later in the window: the toast's Undo within the
//! delay brings the composer back and leaves nothing in the outbox; a
//! Send still in its delay when Postel closed is held at the next start;
//! "Send later" queues for the time chosen, and refuses one it cannot read.

use super::*;
use crate::gui::screen::composer;

fn compose(app: &mut App, subject: &str) {
    use iced::widget::text_editor::{Action as Edit, Edit as Change};
    feed_and_run(
        app,
        [
            Message::Shortcut(Shortcut::Tool(mailbox::Tool::Compose)),
            Message::Composer(composer::Message::To("bob@example.test".into())),
            Message::Composer(composer::Message::Subject(subject.into())),
            Message::Composer(composer::Message::Body(Edit::Edit(Change::Paste(
                std::sync::Arc::new("see you then".into()),
            )))),
        ],
    );
}

/// Send, queued in the outbox; the timer that sends after the undo delay
/// is handed back by `update` and not run (as if the delay had not ended).
fn send_within_delay(app: &mut App) {
    let task = app.update(Message::Composer(composer::Message::Send));
    let timers = step(app, task);
    assert!(!timers.is_empty(), "the delay's timer");
}

fn outbox(app: &App) -> Vec<crate::store::outbox::Item> {
    Store::open(&app.dirs.data)
        .expect("store")
        .outbox(None)
        .expect("outbox")
}

#[test]
fn send_waits_out_its_undo_delay_and_undo_brings_the_composer_back() {
    let (dirs, _) = populated("undo-send", 1);
    let mut app = started(dirs);
    assert_eq!(
        app.prefs.composing.undo_send(),
        10,
        "ten seconds by default"
    );
    compose(&mut app, "Undo me");
    send_within_delay(&mut app);
    assert!(app.composer.is_none(), "the composer closes at once");
    let toast = app.toast.as_ref().expect("a toast");
    assert_eq!(toast.text, fl!("toast-sending", seconds = 10));
    assert_eq!(toast.lasts, std::time::Duration::from_secs(10));
    let waiting = outbox(&app);
    assert_eq!(waiting.len(), 1);
    assert!(waiting[0].undo_until.is_some(), "waiting out its delay");
    assert_eq!(waiting[0].attempts, 0, "nothing tried");
    let mut ui = simulator(app.view());
    let _ = ui
        .click(fl!("toast-undo").as_str())
        .expect("Undo in the toast");
    let messages: Vec<Message> = ui.into_messages().collect();
    feed_and_run(&mut app, messages);
    let back = app.composer.as_ref().expect("the composer is back");
    assert_eq!(back.subject, "Undo me");
    assert!(back.to.contains("bob@example.test"), "{}", back.to);
    assert!(back.body.text().contains("see you then"));
    assert!(outbox(&app).is_empty(), "nothing left to send");
}

#[test]
fn a_send_still_in_its_delay_when_postel_closed_is_held_at_the_next_start() {
    let (dirs, _) = populated("held-send", 1);
    let mut app = started(dirs.clone());
    compose(&mut app, "Closed too soon");
    send_within_delay(&mut app);
    drop(app);
    let app = started(dirs);
    assert!(
        app.notices.contains(&fl!("status-held", count = 1)),
        "{:?}",
        app.notices
    );
    let held = outbox(&app);
    assert_eq!(held[0].state, crate::store::outbox::State::Held);
}

#[test]
fn send_later_queues_for_the_time_chosen_and_refuses_one_it_cannot_read() {
    let (dirs, _) = populated("send-later", 1);
    let mut app = started(dirs);
    compose(&mut app, "Tomorrow then");
    feed_and_run(
        &mut app,
        [Message::Composer(composer::Message::LaterOpen(true))],
    );
    let now = crate::schedule::now();
    let tomorrow = crate::schedule::tomorrow_morning(&now).as_second();
    {
        let mut ui = simulator(app.view());
        let label = fl!("compose-later-tomorrow", when = crate::date::long(tomorrow));
        assert!(ui.find(label.as_str()).is_ok(), "the choice says when");
    }
    feed_and_run(
        &mut app,
        [
            Message::Composer(composer::Message::LaterText("next week".into())),
            Message::Composer(composer::Message::SendLater(composer::Later::Typed)),
        ],
    );
    let c = app.composer.as_ref().expect("still open");
    assert!(
        c.error.as_deref().is_some_and(|e| e.contains("next week")),
        "{:?}",
        c.error
    );
    assert!(outbox(&app).is_empty());
    feed_and_run(
        &mut app,
        [Message::Composer(composer::Message::SendLater(
            composer::Later::TomorrowMorning,
        ))],
    );
    assert!(app.composer.is_none());
    assert!(
        app.notices
            .contains(&fl!("status-scheduled", when = crate::date::long(tomorrow))),
        "{:?}",
        app.notices
    );
    let queued = outbox(&app);
    assert_eq!(queued[0].send_at, Some(tomorrow));
    assert_eq!(queued[0].undo_until, None, "a time chosen needs no undo");
}

/// When the delay ends, the window confirms the Send and tries it at once
/// (here the account's server cannot be reached: it stays queued, tried).
#[test]
fn when_the_delay_ends_the_send_is_confirmed_and_tried() {
    let (dirs, _) = populated("delay-ends", 1);
    let mut app = started(dirs);
    app.prefs.composing.undo_send_seconds = 1;
    compose(&mut app, "After a second");
    feed_and_run(&mut app, [Message::Composer(composer::Message::Send)]);
    let tried = outbox(&app);
    assert_eq!(tried[0].undo_until, None, "confirmed");
    assert_eq!(tried[0].attempts, 1, "and tried: {:?}", app.notices);
    assert!(
        app.notices.iter().any(|n| n.contains(&tried[0].last_error)),
        "{:?}",
        app.notices
    );
}
