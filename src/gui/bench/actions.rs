//! The `actions` drive of the bench hook (`benches/gui-actions`): what a
//! user does in a folder whose messages are downloaded, timed in the
//! window as the user sees it. Each round opens a message (its row
//! clicked), flags it (the toolbar's star), searches (a word typed, then
//! Enter) and goes back to the folder. An action's time runs from the
//! update that handles its click to the start of the first frame that
//! shows its result, which that frame then draws: the body (the painted
//! page of an HTML one), the star on the row, the search's rows, the
//! folder's rows. The flag's store write is timed too, to its task's
//! answer: the row shows the star before the store has it.
//!
//! `actions-idle:N` starts once a worker reported a finished sync and none
//! runs, then runs N rounds; `actions-sync:N` starts when a sync stores its
//! first rows and runs while one does (N rounds at most). Then the window
//! closes. Each time is printed with whether a sync was storing both when
//! the action started and when it ended:
//!
//! ```text
//! postel-bench action open 3.412 sync=1
//! postel-bench action flag-stored timeout sync=0
//! ```

use std::collections::HashSet;
use std::time::{Duration, Instant};

use iced::Task;

use crate::gui::Message;
use crate::gui::screen::mailbox::{self, Reader, Selection, State as Mailbox, Tool};
use crate::gui::widget::message_list;
use crate::store::{Flags, FolderRole};

/// From the result of one action on screen to the next click: a quick
/// user going through messages, not a loop that keeps the sync paused.
const GAP: Duration = Duration::from_millis(50);
/// An action whose result has not shown by then is reported and skipped
/// (a body that was never downloaded would wait for a server).
const TIMEOUT: Duration = Duration::from_secs(10);
/// A sync run whose sync has not stored anything by then ends (the
/// account's server unreachable, its certificate no longer trusted).
const NO_SYNC: Duration = Duration::from_secs(30);
/// Searched in turn: a subject word, a body word and a sender's name, all
/// planted by `benches/generate_mailbox.py`.
const QUERIES: [&str; 3] = ["quarterly", "zucchini", "lindqvist"];

/// `POSTEL_BENCH_TRACE` set: while an action is pending, each message the
/// window handles, the update that left its result on screen, and each
/// frame are printed with the milliseconds since the click
/// (`postel-bench trace MS WHAT`), to see where an action's time goes.
fn tracing() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("POSTEL_BENCH_TRACE").is_some())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Open,
    Flag,
    Search,
    Folder,
}

#[derive(Debug)]
struct Pending {
    step: Step,
    started: Instant,
    /// A sync was storing when the action started.
    busy: bool,
    /// The message opened or flagged, and the star wanted.
    id: i64,
    flagged: bool,
    /// The list that the search or the folder selected.
    generation: u64,
    /// When an update first left the result on screen: the next frame
    /// to start paints it.
    done: Option<Instant>,
    shown: bool,
    /// The flag's task answered (true for the other actions).
    stored: bool,
}

#[derive(Debug)]
pub struct Actions {
    /// Whose INBOX the rounds run in.
    pub account: String,
    rounds: u32,
    during_sync: bool,
    round: u32,
    next: Step,
    pending: Option<Pending>,
    /// Each scheduled look at the drive carries a number; only the latest
    /// counts (an action that ended early leaves its timeout behind).
    seq: u64,
    /// A message was handled since the last frame: the next one is checked.
    armed: bool,
    /// Accounts whose sync is storing messages now.
    syncing: HashSet<String>,
    /// A sync ended (`Synced`) since the window opened.
    synced: bool,
    /// A sync was seen storing since the rounds began.
    saw_sync: bool,
    /// The drive's first look.
    began: Option<Instant>,
    folder: Option<Selection>,
}

impl Actions {
    pub fn new(account: String, rounds: u32, during_sync: bool) -> Self {
        Self {
            account,
            rounds,
            during_sync,
            round: 0,
            next: Step::Open,
            pending: None,
            seq: 0,
            armed: false,
            syncing: HashSet::new(),
            synced: false,
            saw_sync: false,
            began: None,
            folder: None,
        }
    }

    /// After the first rows: the rounds during a sync start as soon as it
    /// stores; the idle ones after the start has settled.
    pub fn pause(&self) -> Duration {
        if self.during_sync {
            Duration::ZERO
        } else {
            Duration::from_secs(1)
        }
    }

    pub fn wants_frame(&self) -> bool {
        self.armed && self.pending.is_some()
    }

    /// Every message the window handles passes here first: the workers'
    /// reports say whether a sync is storing, the flag's answer ends its
    /// store write.
    pub fn saw(&mut self, message: &Message) {
        use crate::worker::Event as Report;
        match message {
            Message::BenchFrame(_) | Message::BenchAct(_) | Message::BenchStart => return,
            Message::Worker(crate::gui::worker::Event::Report(report)) => match report {
                Report::Sync(crate::sync::Event::Progress(p)) if p.messages_done > 0 => {
                    self.syncing.insert(p.account.clone());
                }
                Report::Synced { account, .. } => {
                    self.syncing.remove(account);
                    self.synced = true;
                }
                Report::Failed { account, .. } => {
                    self.syncing.remove(account);
                }
                _ => {}
            },
            Message::ActedHere(Ok(_)) => {
                if let Some(p) = &mut self.pending
                    && p.step == Step::Flag
                    && !p.stored
                {
                    p.stored = true;
                    let (took, busy) = (p.started.elapsed(), p.busy);
                    self.report("flag-stored", took, busy);
                    // The frame after it ends the action.
                    self.armed = true;
                }
            }
            _ => {}
        }
        if let Some(p) = &self.pending
            && tracing()
        {
            let text = format!("{message:?}");
            let cut: String = text.chars().take(90).collect();
            eprintln!(
                "postel-bench trace {:.3} {cut}",
                p.started.elapsed().as_secs_f64() * 1000.0
            );
        }
    }

    fn report(&self, what: &str, took: Duration, busy_at_start: bool) {
        let busy = busy_at_start && !self.syncing.is_empty();
        eprintln!(
            "postel-bench action {what} {:.3} sync={}",
            took.as_secs_f64() * 1000.0,
            u8::from(busy)
        );
    }

    /// Whether the mailbox shows the pending action's result.
    fn shows(p: &Pending, m: &Mailbox, folder: Option<&Selection>) -> bool {
        match p.step {
            Step::Open => matches!(&m.reader, Reader::Ready(o)
                if o.row.id == p.id
                    && o.html.as_ref().is_none_or(|v| v.painted() || v.as_text)),
            Step::Flag => m
                .list
                .row(p.id)
                .is_some_and(|r| r.flags.has(Flags::FLAGGED) == p.flagged),
            Step::Search => {
                matches!(m.selection, Selection::Search(_))
                    && m.list.generation == p.generation
                    && !m.list.rows.is_empty()
            }
            Step::Folder => {
                Some(&m.selection) == folder
                    && m.list.generation == p.generation
                    && !m.list.rows.is_empty()
            }
        }
    }
}

/// The selection of `account`'s INBOX.
pub fn inbox(m: &Mailbox, account: Option<&str>) -> Option<Selection> {
    let a = m
        .folders
        .iter()
        .find(|a| Some(a.account.as_str()) == account)?;
    let f = a
        .folders
        .iter()
        .find(|f| f.folder.role == Some(FolderRole::Inbox))?;
    Some(Selection::Folder {
        account: a.account.clone(),
        id: f.folder.id,
        name: f.folder.name.clone(),
    })
}

fn name(step: Step) -> &'static str {
    match step {
        Step::Open => "open",
        Step::Flag => "flag-shown",
        Step::Search => "search",
        Step::Folder => "folder",
    }
}

impl crate::gui::App {
    /// Every message passes here before `update` handles it.
    pub(in crate::gui) fn bench_saw(&mut self, message: &Message) {
        if let Some(a) = self.bench.as_mut().and_then(|b| b.actions.as_mut()) {
            a.saw(message);
        }
    }

    /// ... and here after: is the pending action's result on screen now?
    pub(in crate::gui) fn bench_after(&mut self) {
        let (Some(a), Some(m)) = (
            self.bench.as_mut().and_then(|b| b.actions.as_mut()),
            self.mailbox.as_ref(),
        ) else {
            return;
        };
        let folder = a.folder.as_ref();
        if let Some(p) = a.pending.as_mut()
            && p.done.is_none()
            && Actions::shows(p, m, folder)
        {
            p.done = Some(Instant::now());
            a.armed = true;
            if tracing() {
                let since = p.started.elapsed().as_secs_f64() * 1000.0;
                eprintln!("postel-bench trace {since:.3} done");
            }
        }
    }

    fn actions(&mut self) -> Option<&mut Actions> {
        self.bench.as_mut().and_then(|b| b.actions.as_mut())
    }

    /// A look at the drive after `after`, numbered.
    fn act_after(&mut self, after: Duration) -> Task<Message> {
        let Some(a) = self.actions() else {
            return Task::none();
        };
        a.seq += 1;
        let seq = a.seq;
        Task::perform(tokio::time::sleep(after), move |()| Message::BenchAct(seq))
    }

    /// The first look, when the drive starts.
    pub(in crate::gui) fn bench_act(&mut self) -> Task<Message> {
        self.act_after(Duration::ZERO)
    }

    /// A scheduled look: time out the pending action, wait for the phase,
    /// or click the next thing.
    pub(in crate::gui) fn bench_look(&mut self, seq: u64) -> Task<Message> {
        let Some(a) = self.bench.as_mut().and_then(|b| b.actions.as_mut()) else {
            return Task::none();
        };
        if seq != a.seq {
            return Task::none();
        }
        if let Some(p) = a.pending.take() {
            let what = if p.shown { "flag-stored" } else { name(p.step) };
            let busy = p.busy && !a.syncing.is_empty();
            eprintln!("postel-bench action {what} timeout sync={}", u8::from(busy));
            a.next = Step::Open;
            return self.act_after(GAP);
        }
        let storing = !a.syncing.is_empty();
        a.saw_sync |= storing;
        let began = *a.began.get_or_insert_with(Instant::now);
        if a.during_sync && !a.saw_sync && began.elapsed() > NO_SYNC {
            eprintln!("postel-bench actions-none no sync stored in {NO_SYNC:?}");
            return iced::exit();
        }
        if a.round >= a.rounds || (a.during_sync && a.saw_sync && !storing) {
            eprintln!("postel-bench actions-done rounds={}", a.round);
            return iced::exit();
        }
        let ready = if a.during_sync {
            storing
        } else {
            a.synced && !storing
        };
        if !ready {
            return self.act_after(GAP);
        }
        if a.folder.is_none() {
            // The INBOX, once the folder pane knows it; selected unclocked.
            let Some(folder) = self
                .mailbox
                .as_ref()
                .and_then(|m| inbox(m, Some(&a.account)))
            else {
                return self.act_after(GAP);
            };
            a.folder = Some(folder.clone());
            let select = self.mailbox_message(mailbox::Message::Select(folder));
            return Task::batch([select, self.act_after(GAP)]);
        }
        self.click()
    }

    /// The next action of the round, as its click would start it.
    fn click(&mut self) -> Task<Message> {
        let (Some(a), Some(m)) = (
            self.bench.as_mut().and_then(|b| b.actions.as_mut()),
            self.mailbox.as_ref(),
        ) else {
            return Task::none();
        };
        let step = a.next;
        let opened = m.opened().map(|o| o.row.id);
        let mut pending = Pending {
            step,
            started: Instant::now(),
            busy: !a.syncing.is_empty(),
            id: opened.unwrap_or_default(),
            flagged: false,
            generation: 0,
            done: None,
            shown: false,
            stored: step != Step::Flag,
        };
        let message = match step {
            Step::Open if Some(&m.selection) != a.folder.as_ref() => {
                return self.act_after(GAP);
            }
            Step::Open => {
                // Spread over the loaded rows, never the one already open,
                // and read ones: opening an unread message marks it read,
                // whose answer would pass for the flag's.
                let rows: Vec<i64> = m
                    .list
                    .rows
                    .iter()
                    .filter(|r| r.flags.has(Flags::SEEN) && Some(r.id) != opened)
                    .map(|r| r.id)
                    .collect();
                let Some(id) = rows.get((a.round as usize * 7 + 3) % rows.len().max(1)) else {
                    return self.act_after(GAP);
                };
                pending.id = *id;
                mailbox::Message::List(message_list::Message::Clicked(*id))
            }
            Step::Flag => {
                let Some(row) = m.current_row() else {
                    a.next = Step::Search;
                    return self.act_after(GAP);
                };
                pending.id = row.id;
                pending.flagged = !row.flags.has(Flags::FLAGGED);
                mailbox::Message::Tool(Tool::ToggleFlag)
            }
            Step::Search => {
                let query = QUERIES[a.round as usize % QUERIES.len()];
                a.pending = Some(pending);
                let typed = self.mailbox_message(mailbox::Message::SearchChanged(query.into()));
                let entered = self.mailbox_message(mailbox::Message::SearchSubmitted);
                return Task::batch([typed, entered, self.started_pending()]);
            }
            Step::Folder => match &a.folder {
                Some(folder) => mailbox::Message::Select(folder.clone()),
                None => return Task::none(),
            },
        };
        a.pending = Some(pending);
        let task = self.mailbox_message(message);
        Task::batch([task, self.started_pending()])
    }

    /// The clicked action runs: note its list, arm its timeout.
    fn started_pending(&mut self) -> Task<Message> {
        let generation = self.mailbox.as_ref().map_or(0, |m| m.list.generation);
        if let Some(p) = self.actions().and_then(|a| a.pending.as_mut()) {
            p.generation = generation;
        }
        self.act_after(TIMEOUT)
    }

    /// A frame starts. The first to start after an update left the
    /// pending action's result on screen paints it: that is the action's
    /// time. The next click comes [`GAP`] after the action ended.
    pub(in crate::gui) fn actions_frame(&mut self, at: Instant) -> Task<Message> {
        let Some(a) = self.actions() else {
            return Task::none();
        };
        let Some(p) = &mut a.pending else {
            a.armed = false;
            return Task::none();
        };
        if tracing() {
            let since = at.saturating_duration_since(p.started).as_secs_f64() * 1000.0;
            eprintln!("postel-bench trace {since:.3} frame");
        }
        match p.done {
            // Nothing to paint yet: the next message arms again.
            None => {
                a.armed = false;
                return Task::none();
            }
            // Begun before the result: the frame after it comes.
            Some(done) if at < done => return Task::none(),
            Some(_) => a.armed = false,
        }
        if !p.shown {
            p.shown = true;
            let (step, took, busy) = (p.step, at - p.started, p.busy);
            a.report(name(step), took, busy);
        }
        if !a.pending.as_ref().is_some_and(|p| p.stored) {
            return Task::none();
        }
        let step = a.pending.take().map_or(Step::Open, |p| p.step);
        a.next = match step {
            Step::Open => Step::Flag,
            Step::Flag => Step::Search,
            Step::Search => Step::Folder,
            Step::Folder => {
                a.round += 1;
                Step::Open
            }
        };
        self.act_after(GAP)
    }
}
