//! The preferences beyond looks: text size, reading (mark read after a
//! delay, remote content, trusted senders), composing (Markdown by
//! default, reply below the quote) and notifications per account; each
//! saved, read back after a restart, and changing what the window does.

use super::*;
use crate::gui::screen::{composer, settings};
use crate::preferences::{Format, RemoteContent, ReplyAt, TextSize};

fn pick<T: PartialEq>(all: Vec<settings::Choice<T>>, value: T) -> settings::Choice<T> {
    all.into_iter().find(|c| c.value == value).expect("offered")
}

fn open_settings(app: &mut App) {
    feed_and_run(
        app,
        [Message::Mailbox(mailbox::Message::Tool(
            mailbox::Tool::Settings,
        ))],
    );
}

#[test]
fn every_new_preference_is_saved_and_back_after_a_restart() {
    let (dirs, _) = populated("prefs-more", 2);
    let mut app = started(dirs.clone());
    open_settings(&mut app);
    let mut ui = simulator(app.view());
    for section in [
        fl!("prefs-composing"),
        fl!("prefs-text-size"),
        fl!("prefs-remote"),
    ] {
        assert!(ui.find(section.as_str()).is_ok(), "{section} shown");
    }
    drop(ui);
    feed_and_run(
        &mut app,
        [
            Message::Settings(settings::Message::TextSize(pick(
                settings::text_sizes(),
                TextSize::Large,
            ))),
            Message::Settings(settings::Message::MarkReadAfter(pick(
                settings::read_delays(),
                5,
            ))),
            Message::Settings(settings::Message::Remote(pick(
                settings::remote_policies(),
                RemoteContent::Never,
            ))),
            Message::Settings(settings::Message::Format(pick(
                settings::formats(),
                Format::Markdown,
            ))),
            Message::Settings(settings::Message::Reply(pick(
                settings::reply_places(),
                ReplyAt::Above,
            ))),
            Message::Settings(settings::Message::NotifyAccount("work".into(), false)),
        ],
    );
    assert_eq!(app.prefs.appearance.text_size.zoom(), 1.15, "at once");
    let again = started(dirs);
    let p = &again.prefs;
    assert_eq!(p.appearance.text_size, TextSize::Large);
    assert_eq!(p.reading.mark_read_after, 5);
    assert_eq!(p.reading.remote_content, RemoteContent::Never);
    assert_eq!(p.composing.format, Format::Markdown);
    assert_eq!(p.composing.reply, ReplyAt::Above);
    assert!(p.notifications.new_mail && !p.notifications.for_account("work"));
}

/// With a delay, opening leaves the message unread; it is read when the
/// delay ends only if it is still open.
#[test]
fn mark_read_waits_for_its_delay_and_only_while_the_message_is_open() {
    let (dirs, ids) = populated("prefs-delay", 2);
    with_body(
        &dirs,
        ids[1],
        b"From: Sender 2 <s2@example.test>\r\nSubject: Subject number 2\r\n\r\nSecond body.\r\n",
    );
    let mut app = started(dirs);
    app.prefs.reading.mark_read_after = 2;
    app.apply_preferences();
    let open = |id| {
        Message::Mailbox(mailbox::Message::List(
            crate::gui::widget::message_list::Message::Clicked(id),
        ))
    };
    let seen = |app: &App, id: i64| {
        Store::open(&app.dirs.data)
            .expect("store")
            .message(id)
            .expect("row")
            .flags
            .has(crate::store::Flags::SEEN)
    };
    // The open's body load runs; the delay's timer task is longer than a
    // step waits for, so it is fed by hand below.
    let task = app.update(open(ids[0]));
    let _timer = step(&mut app, task);
    assert!(!seen(&app, ids[0]), "not at once");
    // Still open when the delay ends: read.
    feed_and_run(
        &mut app,
        [Message::Mailbox(mailbox::Message::MarkReadDue(ids[0]))],
    );
    assert!(seen(&app, ids[0]));
    // Another message opened, then the first one's delay ends: the
    // second stays unread.
    let task = app.update(open(ids[1]));
    let timers = step(&mut app, task);
    feed_and_run(
        &mut app,
        [Message::Mailbox(mailbox::Message::MarkReadDue(ids[0]))],
    );
    assert!(!seen(&app, ids[1]), "a late timer reads nothing else");
    // The second one's own timer, run for real: read after its delay.
    for task in timers {
        settle(&mut app, task);
    }
    assert!(seen(&app, ids[1]), "read when its delay ended");
}

/// Markdown by default: the composer starts in it, the bar's Bold wraps
/// the selection, the preview is painted by the page renderer, and what
/// is sent carries an HTML alternative.
#[test]
fn markdown_composes_previews_and_sends_html_beside_the_text() {
    let (dirs, _) = populated("prefs-markdown", 1);
    let mut app = started(dirs);
    app.prefs.composing.format = Format::Markdown;
    feed_and_run(
        &mut app,
        [Message::Shortcut(Shortcut::Tool(mailbox::Tool::Compose))],
    );
    let c = app.composer.as_ref().expect("composer");
    assert!(c.markdown, "Markdown as preferred");
    let mut ui = simulator(app.view());
    assert!(ui.find(fl!("compose-preview").as_str()).is_ok());
    drop(ui);
    use iced::widget::text_editor::{Action as Edit, Motion};
    feed_and_run(
        &mut app,
        [
            Message::Composer(composer::Message::To("bob@example.test".into())),
            Message::Composer(composer::Message::Subject("Formatted".into())),
            Message::Composer(composer::Message::Body(Edit::Edit(
                iced::widget::text_editor::Edit::Paste(std::sync::Arc::new(
                    "an important word".into(),
                )),
            ))),
            // Select "word": from the end, three... four steps left with Shift.
            Message::Composer(composer::Message::Body(Edit::Select(Motion::WordLeft))),
            Message::Composer(composer::Message::Format(composer::Format::Bold)),
        ],
    );
    let text = app.composer.as_ref().expect("composer").body.text();
    assert_eq!(text.trim_end(), "an important **word**");
    feed_and_run(
        &mut app,
        [Message::Composer(composer::Message::Preview(true))],
    );
    let c = app.composer.as_ref().expect("composer");
    assert!(c.preview_on);
    assert!(
        c.preview_painted(),
        "the preview is laid out by the page renderer"
    );
    feed_and_run(&mut app, [Message::Composer(composer::Message::Send)]);
    let store = Store::open(&app.dirs.data).expect("store");
    let queued = store.outbox(None).expect("outbox");
    assert_eq!(queued.len(), 1, "{:?}", app.notices);
    let raw = store.outbox_raw(queued[0].id).expect("raw");
    let parsed = crate::message::parse(&raw).expect("parses");
    assert!(
        parsed
            .html
            .as_deref()
            .is_some_and(|h| h.contains("<strong>word</strong>")),
        "{:?}",
        parsed.html
    );
    assert!(parsed.text.is_some_and(|t| t.contains("**word**")));
}

/// "Reply below the quote": the quote first, the cursor under it; "above"
/// keeps the room on top.
#[test]
fn a_reply_starts_where_the_user_chose() {
    let (dirs, ids) = populated("prefs-reply", 1);
    let mut app = started(dirs);
    let reply = |app: &mut App| {
        feed_and_run(
            app,
            [
                Message::Mailbox(mailbox::Message::List(
                    crate::gui::widget::message_list::Message::Clicked(ids[0]),
                )),
                Message::Shortcut(Shortcut::Tool(mailbox::Tool::Reply)),
            ],
        );
        let c = app.composer.take().expect("a reply");
        (c.body.text(), c.body.cursor().position.line)
    };
    app.prefs.composing.reply = ReplyAt::Below;
    let (text, line) = reply(&mut app);
    assert!(text.starts_with("On ") || text.starts_with('>'), "{text:?}");
    assert!(text.contains("> The body of the first message."));
    assert!(line > 1, "the cursor under the quote: line {line}");
    app.prefs.composing.reply = ReplyAt::Above;
    let (text, line) = reply(&mut app);
    assert!(text.starts_with("\n\n"), "{text:?}");
    assert_eq!(line, 0, "the cursor above the quote");
}

/// A trusted sender taken off the list in the preferences is gone from
/// the store too.
#[test]
fn a_trusted_sender_can_be_forgotten() {
    let (dirs, _) = populated("prefs-trusted", 1);
    {
        let store = Store::open(&dirs.data).expect("store");
        store
            .allow_remote_from("news@example.test")
            .expect("trusted");
    }
    let mut app = started(dirs);
    open_settings(&mut app);
    // The list ends the page: a window tall enough to show it without the
    // scroll a user would make.
    let mut ui = super::shots::window_of(&app, 1024.0, 1600.0);
    assert!(ui.find("news@example.test").is_ok(), "listed");
    let _ = ui
        .click(fl!("prefs-trusted-remove").as_str())
        .expect("Remove");
    let said: Vec<Message> = ui.into_messages().collect();
    feed_and_run(&mut app, said);
    let left = Store::open(&app.dirs.data)
        .expect("store")
        .remote_senders()
        .expect("read");
    assert!(left.is_empty(), "{left:?}");
    let mut ui = simulator(app.view());
    assert!(ui.find(fl!("prefs-trusted-none").as_str()).is_ok());
}
