//! The iced application. Only this module (and its children) may use iced.
//! It is a face over the engine: screens own their state and say what they
//! need as `Action`s; this module turns those into engine calls.

mod bench;
mod bounces;
mod composer_actions;
mod connection;
mod dates;
mod desktop;
mod files;
mod icon;
mod mailbox_actions;
mod overlays;
mod remember;
pub mod screen;
mod settings_actions;
mod setup_actions;
mod shortcut;
mod sign_in;
pub mod theme;
pub mod ui_state;
pub mod widget;
mod worker;
mod worker_events;

use std::path::PathBuf;
use std::process::ExitCode;

use iced::widget::{button, center, column, container, text};
use iced::{Element, Length, Subscription, Task, keyboard, window};

use crate::account::Account;
use crate::engine::mail::Applied;
use crate::engine::{Dirs, Engine, Password};
use crate::fl;
use crate::message::compose::{self, Draft};
use crate::store::SharedStore;
use crate::sync::{Event as SyncEvent, Stage};
use connection::{Discovery, confirm_found, discover, test_account};
use desktop::{notify_new_mail, requests};
use files::save_attachment;
use screen::account_setup::{self, Tested};
use screen::{composer, mailbox, settings};
pub use shortcut::Shortcut;
use shortcut::shortcut;
use ui_state::UiState;

/// The app id: the window's class on X11/Wayland, and the .desktop file's name.
pub const APP_ID: &str = "org.postel.Postel";

/// How often an open composer saves its draft when it changed.
const AUTOSAVE: std::time::Duration = std::time::Duration::from_secs(10);

/// How long the window's size and the panes must stay put before they are
/// written: dragging sends many resize events, the file is written once.
const UI_SETTLE: std::time::Duration = std::time::Duration::from_secs(1);

pub struct App {
    /// Shared by every task without a lock (see `Engine`).
    engine: Option<Engine>,
    dirs: Dirs,
    accounts: Vec<Account>,
    /// The running account workers, by account name (see `worker`).
    workers: std::collections::HashMap<String, crate::worker::Handle>,
    store: Option<SharedStore>,
    mailbox: Option<mailbox::State>,
    composer: Option<composer::State>,
    setup: Option<account_setup::State>,
    settings: Option<settings::State>,
    progress: Option<String>,
    notices: Vec<String>,
    /// Accounts whose OAuth2 sign-in is no longer valid: a bar each with
    /// "Sign in"; their workers wait meanwhile.
    sign_ins: Vec<sign_in::Needed>,
    /// Recipients whose copy bounced, told of once: a bar each.
    bounces: Vec<crate::store::delivery::Bounce>,
    /// The last delete or move, with its Undo, for a few seconds.
    toast: Option<mailbox_actions::Toast>,
    /// The `?` overview of the keys is open.
    keys_shown: bool,
    /// The desktop prefers dark colours (it says so at start and on change).
    dark: bool,
    /// The user's preferences, as the engine keeps them.
    prefs: crate::preferences::Preferences,
    /// How the window was left, and is now (see `ui_state`).
    ui: UiState,
    /// Bumped at each change of `ui`; a save waits until it stops moving.
    ui_changes: u64,
    /// Timing lines for the benchmarks; `None` unless POSTEL_BENCH_TIMING is set.
    bench: Option<bench::Bench>,
}

#[derive(Debug, Clone)]
pub enum Message {
    Mailbox(mailbox::Message),
    Composer(composer::Message),
    Setup(account_setup::Message),
    Settings(settings::Message),
    AddAccount,
    Tested(Vec<Tested>),
    Discovered(Result<Discovery, String>),
    /// The logins to found settings the user approved.
    Confirmed((Box<Account>, Vec<Tested>)),
    /// The setup's browser sign-in ended.
    SetupSignedIn(Result<Box<Account>, String>),
    /// The composer's message is in the outbox.
    Queued(Result<composer_actions::Queued, String>),
    /// A message sent from the outbox after the undo delay (None: taken
    /// back meanwhile).
    SentLater(Result<Option<String>, String>),
    /// Undo of a Send: the message is out of the outbox, back to the
    /// composer (or it had gone already).
    SendUndone(Result<(String, Box<Draft>), String>),
    Saved(Result<Vec<Account>, String>),
    Sent(Result<String, String>),
    /// An action on a message is in the store (Ok: its account).
    ActedHere(Result<String, String>),
    /// The server has heard of it, or it waits for the next sync.
    Acted(Result<Applied, String>),
    Synced(Result<(), String>),
    Worker(worker::Event),
    /// The preferences were written (or why not).
    PreferencesSaved(Result<(), String>),
    /// The toast's Undo was pressed.
    Undo,
    /// A toolbar action on several messages is done.
    BulkDone(mailbox_actions::BulkDone),
    /// "Mark all as read" is in the store (or why not).
    MarkedAllRead(Result<crate::engine::mail::Marked, String>),
    /// A second passed: a toast may have had its time.
    ToastTick,
    /// The toast's ×.
    ToastClosed,
    /// The desktop's light or dark preference, at start and on a change.
    SystemTheme(iced::theme::Mode),
    /// Folders Postel made for a role the account lacked.
    FoldersMade(Vec<crate::store::Folder>),
    AttachmentSaved(Result<files::Outcome, String>),
    Dismiss(usize),
    /// "Sign in" on an account's bar: the browser sign-in.
    SignIn(String),
    SignedIn(String, Result<(), String>),
    /// Bounces found after a sync; a bar's buttons.
    Bounces(bounces::Msg),
    FileDropped(PathBuf),
    SendShortcut,
    Autosave,
    DraftSaved(Result<(i64, String), String>),
    /// A request from a later launch (or the command line): a mailto: link.
    Request(String),
    Suggestions(composer::Field, String, Vec<String>),
    Shortcut(Shortcut),
    WindowResized(window::Id, iced::Size),
    /// The window's size and whether it is maximized, after a resize.
    WindowState(iced::Size, bool),
    /// No change of the window state since change number `n`: save it.
    UiSettled(u64),
    CloseRequested(window::Id),
    /// Tab or Shift+Tab in the composer: the next or previous field.
    Focus {
        back: bool,
    },
    /// A frame was presented (only while the benchmark hook listens).
    BenchFrame(std::time::Instant),
    BenchStart,
    /// The `actions` drive's numbered look (`bench/actions.rs`).
    BenchAct(u64),
}

impl App {
    pub fn new(dirs: Dirs) -> (Self, Task<Message>) {
        let ui = ui_state::load(&dirs.data);
        Self::start(dirs, ui)
    }

    /// The app as it was left: `ui` is the saved window state.
    fn start(dirs: Dirs, ui: UiState) -> (Self, Task<Message>) {
        let mut app = Self {
            engine: None,
            dirs: dirs.clone(),
            accounts: Vec::new(),
            workers: std::collections::HashMap::new(),
            store: None,
            mailbox: None,
            composer: None,
            setup: None,
            settings: None,
            progress: None,
            notices: Vec::new(),
            sign_ins: Vec::new(),
            bounces: Vec::new(),
            toast: None,
            keys_shown: false,
            dark: false,
            prefs: Default::default(),
            ui,
            ui_changes: 0,
            bench: bench::Bench::from_env(),
        };
        let engine = match Engine::open(dirs) {
            Ok(e) => e,
            Err(e) => {
                app.notices.push(crate::i18n::say(&e));
                return (app, Task::none());
            }
        };
        if let Some(moved) = &engine.report().moved_aside {
            app.notices.push(moved.to_string());
        }
        // Before any worker runs: a Send that could still be undone when
        // Postel closed is held for the user, not sent behind their back.
        match crate::store::Store::open(&app.dirs.data).and_then(|mut s| s.hold_unconfirmed()) {
            Ok(held) if !held.is_empty() => {
                app.notices.push(fl!("status-held", count = held.len()));
            }
            Ok(_) => {}
            Err(e) => tracing::warn!("held messages not looked for: {e}"),
        }
        app.accounts = engine.accounts();
        app.prefs = engine.preferences();
        let task = match engine.store() {
            Ok(store) => {
                app.store = Some(store.clone());
                let (mut mailbox, task) = mailbox::State::new(store, &app.ui);
                mailbox.set_identities(&app.accounts);
                app.mailbox = Some(mailbox);
                app.apply_preferences();
                task.map(Message::Mailbox)
            }
            Err(e) => {
                app.notices.push(crate::i18n::say(&e));
                Task::none()
            }
        };
        app.engine = Some(engine);
        (app, task)
    }

    /// What the window shows, then the app's name, as GNOME apps title
    /// their windows (and what tests/e2e-gui reads back).
    pub fn title(&self) -> String {
        let screen = if self.setup.is_some() {
            Some(fl!("setup-title"))
        } else if let Some(c) = &self.composer {
            Some(if c.subject.trim().is_empty() {
                fl!("title-new-message")
            } else {
                c.subject.trim().to_owned()
            })
        } else if self.settings.is_some() {
            Some(fl!("settings-title"))
        } else {
            // The message being read, as Thunderbird titles its window.
            self.mailbox
                .as_ref()
                .and_then(|m| m.opened())
                .map(|o| o.row.subject.trim().to_owned())
                .filter(|s| !s.is_empty())
        };
        match screen {
            Some(screen) => format!("{screen} – {}", fl!("app-name")),
            None => fl!("app-name"),
        }
    }

    pub fn update(&mut self, message: Message) -> Task<Message> {
        self.bench_saw(&message);
        let task = match message {
            Message::Mailbox(m) => self.mailbox_message(m),
            Message::Composer(m) => self.composer_message(m),
            Message::Setup(m) => self.setup_message(m),
            Message::Settings(m) => self.settings_message(m),
            Message::AddAccount => {
                self.setup = Some(account_setup::State::new());
                Task::none()
            }
            Message::Tested(results) => {
                if let Some(setup) = &mut self.setup {
                    setup.busy = false;
                    setup.results = results;
                }
                Task::none()
            }
            Message::Saved(result) => self.saved(result),
            Message::Discovered(result) => {
                if let Some(setup) = &mut self.setup {
                    match result {
                        Ok(Discovery { found, results }) => setup.discovered(*found, results),
                        Err(e) => {
                            setup.busy = false;
                            setup.error = Some(e);
                        }
                    }
                }
                Task::none()
            }
            Message::Queued(result) => self.queued(result),
            Message::SentLater(result) => self.sent_later(result),
            Message::SendUndone(Ok((account, draft))) => {
                self.composer = Some(self.new_composer(Some(account), *draft));
                self.refresh()
            }
            Message::SendUndone(Err(e)) => {
                self.notices.push(e);
                Task::none()
            }
            Message::SetupSignedIn(result) => {
                if let Some(setup) = &mut self.setup {
                    setup.signed_in(result.map(|a| *a));
                }
                Task::none()
            }
            Message::Confirmed((account, results)) => {
                if let Some(setup) = &mut self.setup {
                    setup.confirmed(&account, results);
                }
                Task::none()
            }
            Message::Sent(result) => self.sent(result),
            Message::ActedHere(result) => self.acted_here(result),
            Message::Acted(result) => self.acted(result),
            Message::Synced(result) => {
                self.progress = None;
                if let Err(e) = result {
                    self.notices.push(e);
                }
                self.refresh()
            }
            Message::Worker(event) => self.worker_event(event),
            Message::Undo => self.undo(),
            Message::BulkDone(done) => self.bulk_done(done),
            Message::MarkedAllRead(done) => self.marked_all_read(done),
            Message::ToastTick => {
                if self
                    .toast
                    .as_ref()
                    .is_some_and(|t| t.since.elapsed() >= t.lasts)
                {
                    self.toast = None;
                }
                Task::none()
            }
            Message::ToastClosed => {
                self.toast = None;
                Task::none()
            }
            Message::SystemTheme(mode) => {
                self.dark = mode == iced::theme::Mode::Dark;
                self.mailbox_message(mailbox::Message::DarkTheme(self.is_dark()))
            }
            Message::PreferencesSaved(result) => {
                if let Err(e) = result {
                    self.notices.push(e);
                }
                Task::none()
            }
            Message::FoldersMade(folders) => {
                for folder in &folders {
                    self.notice_once(crate::i18n::folder_made(folder));
                }
                Task::none()
            }
            Message::AttachmentSaved(result) => {
                self.notices.push(match result {
                    Ok(outcome) => outcome.notice(),
                    Err(e) => e,
                });
                Task::none()
            }
            Message::Dismiss(i) => {
                if i < self.notices.len() {
                    self.notices.remove(i);
                }
                Task::none()
            }
            Message::SignIn(account) => self.sign_in(account),
            Message::SignedIn(account, result) => self.signed_in(account, result),
            Message::Bounces(m) => self.bounces_message(m),
            Message::FileDropped(path) => {
                self.composer_message(composer::Message::FileDropped(path))
            }
            Message::SendShortcut => self.composer_message(composer::Message::Send),
            Message::Autosave => self.save_draft(false),
            Message::Shortcut(Shortcut::Quit) => {
                // As the close button: the window state is saved, a draft
                // kept, then the app ends.
                window::latest().and_then(|id| Task::done(Message::CloseRequested(id)))
            }
            Message::Shortcut(key) => {
                // Shortcuts belong to the mailbox; other screens keep their keys.
                if self.setup.is_some() || self.composer.is_some() || self.settings.is_some() {
                    return Task::none();
                }
                match key {
                    Shortcut::Tool(tool) => self.mailbox_message(mailbox::Message::Tool(tool)),
                    Shortcut::Step(delta) => self.mailbox_message(mailbox::Message::Step(delta)),
                    Shortcut::Search => iced::widget::operation::focus("search"),
                    Shortcut::PickAll => self.mailbox_message(mailbox::Message::PickAll),
                    Shortcut::Help(false)
                        if self.mailbox.as_ref().is_some_and(|m| m.menu.is_some()) =>
                    {
                        // Escape closes the menu first.
                        self.mailbox_message(mailbox::Message::MenuClosed)
                    }
                    Shortcut::Help(open) => {
                        self.keys_shown = open && !self.keys_shown;
                        Task::none()
                    }
                    Shortcut::Quit => Task::none(),
                }
            }
            Message::Suggestions(field, prefix, found) => {
                if let Some(c) = &mut self.composer {
                    c.suggested(field, &prefix, found);
                }
                Task::none()
            }
            Message::Request(url) => self.request(&url),
            Message::WindowResized(id, size) => self.window_resized(id, size),
            Message::WindowState(size, maximized) => self.window_state(size, maximized),
            Message::UiSettled(n) => self.ui_settled(n),
            Message::CloseRequested(id) => self.close(id),
            Message::Focus { back: true } => iced::widget::operation::focus_previous(),
            Message::Focus { back: false } => iced::widget::operation::focus_next(),
            Message::BenchFrame(at) => self.bench_frame(at),
            Message::BenchStart => self.bench_start(),
            Message::BenchAct(seq) => self.bench_look(seq),
            Message::DraftSaved(result) => {
                match result {
                    Ok((id, message_id)) => {
                        if let Some(c) = &mut self.composer {
                            c.draft_id = Some(id);
                            c.message_id = Some(message_id);
                        }
                    }
                    Err(e) => self.notices.push(fl!("status-draft-failed", reason = e)),
                }
                Task::none()
            }
        };
        self.bench_after();
        task
    }

    /// The cursor in a new composer: in To when it is empty, else in the text.
    fn composer_focus(&self) -> Task<Message> {
        match &self.composer {
            Some(c) if c.to.trim().is_empty() => iced::widget::operation::focus("compose-to"),
            Some(_) => iced::widget::operation::focus("compose-body"),
            None => Task::none(),
        }
    }

    fn theme(&self) -> iced::Theme {
        theme::theme(self.is_dark())
    }

    /// Dark as the user chose, or as the desktop says.
    fn is_dark(&self) -> bool {
        use crate::preferences::Theme;
        match self.prefs.appearance.theme {
            Theme::System => self.dark,
            Theme::Light => false,
            Theme::Dark => true,
        }
    }

    /// Hands the preferences to what shows mail.
    fn apply_preferences(&mut self) {
        let dark = self.is_dark();
        if let Some(mailbox) = &mut self.mailbox {
            mailbox.reading = self.prefs.reading.clone();
            mailbox.dark = dark;
            let compact = self.prefs.appearance.density == crate::preferences::Density::Compact;
            if mailbox.list.compact != compact {
                mailbox.list.compact = compact;
            }
        }
    }

    fn refresh(&mut self) -> Task<Message> {
        let list = match &mut self.mailbox {
            Some(m) => m.refresh().map(Message::Mailbox),
            None => Task::none(),
        };
        // A delete, a sync or a send may have made a Trash, Sent or Drafts
        // folder the account lacked; the user hears of each once.
        let made = match &self.store {
            Some(store) => {
                let store = store.clone();
                Task::perform(
                    async move { store.run(|s| s.take_made()).await.unwrap_or_default() },
                    Message::FoldersMade,
                )
            }
            None => Task::none(),
        };
        Task::batch([list, made])
    }

    fn engine(&self) -> Option<Engine> {
        self.engine.clone()
    }

    fn mailbox_message(&mut self, message: mailbox::Message) -> Task<Message> {
        let Some(engine) = self.engine() else {
            return Task::none();
        };
        let Some(mailbox) = &mut self.mailbox else {
            return Task::none();
        };
        let action = mailbox.update(message);
        let task = self.mailbox_action(engine, action);
        Task::batch([task, self.remember_mailbox()])
    }

    /// A flag, move or delete is in the store: the list shows it now, and
    /// the server hears of it behind the user's back.
    fn acted_here(&mut self, result: Result<String, String>) -> Task<Message> {
        match (result, self.engine()) {
            (Ok(account), Some(engine)) => {
                Task::batch([self.refresh(), mailbox_actions::push(engine, account)])
            }
            (Ok(_), None) => self.refresh(),
            (Err(e), _) => {
                self.notices.push(e);
                self.refresh()
            }
        }
    }

    fn acted(&mut self, result: Result<Applied, String>) -> Task<Message> {
        let notice = match result {
            Ok(Applied::Queued(why)) => Some(fl!(
                "status-action-queued",
                reason = crate::i18n::say_sentence(&why)
            )),
            Ok(_) => None,
            Err(e) => Some(e),
        };
        if let Some(notice) = notice {
            self.notice_once(notice);
        }
        self.refresh()
    }

    /// A notice not already shown: marking read and flagging while offline,
    /// or a worker failing at each retry, say the same thing once.
    fn notice_once(&mut self, notice: String) {
        if !self.notices.contains(&notice) {
            self.notices.push(notice);
        }
    }

    pub fn view(&self) -> Element<'_, Message> {
        let main: Element<'_, Message> = if let Some(setup) = &self.setup {
            setup.view().map(Message::Setup)
        } else if let Some(composer) = &self.composer {
            composer.view().map(Message::Composer)
        } else if let Some(settings) = &self.settings {
            settings.view(&self.accounts).map(Message::Settings)
        } else if self.accounts.is_empty() {
            self.welcome()
        } else if let Some(mailbox) = &self.mailbox {
            mailbox.view().map(Message::Mailbox)
        } else {
            center(text(fl!("app-name"))).into()
        };
        let mut layout = column![].height(Length::Fill);
        for needed in &self.sign_ins {
            layout = layout.push(sign_in::bar(needed));
        }
        for (i, bounce) in self.bounces.iter().enumerate() {
            layout = layout.push(bounces::bar(i, bounce));
        }
        for (i, notice) in self.notices.iter().enumerate() {
            layout = layout.push(overlays::notice(i, notice));
        }
        layout = layout.push(container(main).height(Length::Fill));
        let mut status = self.progress.clone().unwrap_or_else(|| fl!("status-idle"));
        if let Some(mailbox) = &self.mailbox {
            let (waiting, failed) = mailbox.outbox.counts();
            if waiting + failed > 0 {
                status.push_str("  ·  ");
                status.push_str(&fl!("status-outbox", waiting = waiting, failed = failed));
            }
        }
        let status = container(text(status).size(theme::size::CAPTION).style(
            |theme: &iced::Theme| text::Style {
                color: Some(theme::colors(theme).muted),
            },
        ))
        .padding([theme::gap::XXS, theme::gap::M])
        .width(Length::Fill)
        .style(theme::window);
        let page = container(layout.push(status));
        // Layers only while something floats: a stack draws each child in
        // a layer of its own.
        let floating = self.mailbox.as_ref().and_then(|m| {
            if self.composer.is_some() || self.settings.is_some() || self.setup.is_some() {
                return None;
            }
            m.menu_view()
                .or_else(|| m.drag_view())
                .map(|e| e.map(Message::Mailbox))
        });
        if self.toast.is_none() && !self.keys_shown && floating.is_none() {
            return page.into();
        }
        let mut layers = iced::widget::stack![page];
        if let Some(floating) = floating {
            layers = layers.push(floating);
        }
        if let Some(toast) = &self.toast {
            layers = layers.push(overlays::toast(toast));
        }
        if self.keys_shown {
            layers = layers.push(overlays::keys());
        }
        layers.into()
    }

    fn welcome(&self) -> Element<'_, Message> {
        center(
            column![
                iced::widget::svg(iced::widget::svg::Handle::from_memory(
                    include_bytes!("../assets/icons/org.postel.Postel.svg").as_slice()
                ))
                .width(96)
                .height(96),
                text(fl!("app-name")).size(theme::size::DISPLAY),
                text(fl!("welcome-tagline")).size(theme::size::TITLE),
                button(text(fl!("welcome-add-account")).size(theme::size::BODY))
                    .on_press(Message::AddAccount)
                    .padding([theme::gap::S, theme::gap::L])
                    .style(theme::primary),
            ]
            .spacing(theme::gap::M)
            .align_x(iced::Alignment::Center),
        )
        .into()
    }

    fn subscription(&self) -> Subscription<Message> {
        let keys = self
            .accounts
            .iter()
            .map(|a| worker::Key {
                account: a.clone(),
                data: self.dirs.data.clone(),
            })
            .collect();
        let mut subs = vec![
            worker::subscription(keys).map(Message::Worker),
            Subscription::run(requests),
            keyboard::listen().filter_map(shortcut),
            // Ctrl and Shift, for picking several messages with the mouse.
            keyboard::listen().filter_map(|event| match event {
                keyboard::Event::ModifiersChanged(m) => {
                    Some(Message::Mailbox(mailbox::Message::Modifiers(m)))
                }
                _ => None,
            }),
            window::resize_events().map(|(id, size)| Message::WindowResized(id, size)),
            window::close_requests().map(Message::CloseRequested),
            iced::system::theme_changes().map(Message::SystemTheme),
        ];
        if self.toast.is_some() {
            subs.push(
                iced::time::every(std::time::Duration::from_secs(1)).map(|_| Message::ToastTick),
            );
        }
        if self.composer.is_some() {
            subs.push(iced::time::every(AUTOSAVE).map(|_| Message::Autosave));
            subs.push(window::events().filter_map(|(_, event)| match event {
                window::Event::FileDropped(path) => Some(Message::FileDropped(path)),
                _ => None,
            }));
            subs.push(keyboard::listen().filter_map(|event| match event {
                keyboard::Event::KeyPressed {
                    key: keyboard::Key::Named(keyboard::key::Named::Enter),
                    modifiers,
                    ..
                } if modifiers.command() => Some(Message::SendShortcut),
                keyboard::Event::KeyPressed {
                    key: keyboard::Key::Named(keyboard::key::Named::Tab),
                    modifiers,
                    ..
                } => Some(Message::Focus {
                    back: modifiers.shift(),
                }),
                _ => None,
            }));
        }
        if self.bench.as_ref().is_some_and(bench::Bench::wants_frames) {
            subs.push(window::frames().map(Message::BenchFrame));
        }
        Subscription::batch(subs)
    }
}

pub fn run(dirs: Dirs, mailto: Option<String>) -> ExitCode {
    if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        eprintln!(
            "postel: no display found (neither DISPLAY nor WAYLAND_DISPLAY is set); \
             start it from a desktop session, or use `postel --help` for the command line"
        );
        return ExitCode::FAILURE;
    }
    bench::started();
    // Removes this run's opened attachments when the window is gone.
    let _copies = files::OpenedCopies::new();
    let ui = ui_state::load(&dirs.data);
    let settings = window_settings(&ui);
    let result = iced::application(
        move || {
            let (mut app, task) = App::start(dirs.clone(), ui.clone());
            let open = match &mailto {
                Some(url) => app.update(Message::Request(url.clone())),
                None => Task::none(),
            };
            // The desktop's light or dark preference now; changes follow
            // by subscription.
            let theme = iced::system::theme().map(Message::SystemTheme);
            (app, Task::batch([task, open, theme]))
        },
        App::update,
        App::view,
    )
    .title(App::title)
    .theme(App::theme)
    // The user's text size, times the screen's own scale (HiDPI).
    .scale_factor(|app: &App| app.prefs.appearance.text_size.zoom())
    // The window's own background, cleared once a frame: a container
    // painting it would be redrawn with every change under it (scrolling
    // the list cost 12 ms more a frame on the software renderer,
    // `benches/gui`).
    .style(|_, theme| iced::theme::Style {
        background_color: theme::colors(theme).window,
        text_color: theme::colors(theme).text,
    })
    .subscription(App::subscription)
    .window(settings)
    // A close request saves the window state first (`App::close`).
    .exit_on_close_request(false)
    .run();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("postel: the window could not be opened: {err}");
            ExitCode::FAILURE
        }
    }
}

/// The window opens as it was left: its size, maximized or not.
fn window_settings(ui: &UiState) -> window::Settings {
    window::Settings {
        size: iced::Size::new(ui.width, ui.height),
        maximized: ui.maximized,
        platform_specific: window::settings::PlatformSpecific {
            application_id: APP_ID.to_owned(),
            ..Default::default()
        },
        ..Default::default()
    }
}

#[cfg(test)]
mod tests;
