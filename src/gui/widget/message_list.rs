//! The windowed message list: rows have one fixed height, so the list
//! knows its full height from the message count and builds only the rows
//! in view (plus a margin). A 100,000-message folder costs what a 100-row
//! one does; rows come from the store a window at a time.

use iced::widget::scrollable::Viewport;
use iced::widget::text::Wrapping;
use iced::widget::{button, column, container, row, rule, scrollable, space, text};
use iced::{Alignment, Element, Font, Length, font};

use crate::fl;
use crate::gui::icon::{self, Icon, Ink};
use crate::gui::theme::{self, gap, size};
use std::collections::HashMap;

use crate::store::delivery::Stage;
use crate::store::{Flags, MessageRow};

/// Three lines (sender, subject, a line of the text) beside an avatar.
pub const ROW_HEIGHT: f32 = 72.0;
/// The compact density: sender and subject on two tight lines.
pub const COMPACT_ROW_HEIGHT: f32 = 46.0;
/// How far a reply is indented in a list grouped by thread.
const REPLY_INDENT: f32 = 18.0;
/// Rows kept beyond each edge of the view, so small scrolls need no query.
const MARGIN: u64 = 40;
/// Rows built as widgets beyond each edge of the view: a wheel step or two
/// (3 rows each) finds its rows built, and a new list lays out, and shapes
/// the text of, a screenful rather than every loaded row (a search loads
/// up to 500: 40 ms of text shaping on the window's thread before the
/// results showed, `benches/gui-actions`).
const BUILT_MARGIN: u64 = 10;

#[derive(Debug, Clone, Default)]
pub struct State {
    /// Messages in the list (all of them, not just the loaded window).
    pub total: u64,
    /// Index of `rows[0]` in the whole list.
    pub start: u64,
    pub rows: Vec<MessageRow>,
    pub selected: Option<i64>,
    /// Messages picked with Ctrl or Shift (or Ctrl+A) for an action on
    /// all of them; empty when only `selected` is.
    pub picked: Vec<i64>,
    offset: f32,
    height: f32,
    /// Bumped when the list is replaced, so late answers for an old list
    /// are ignored.
    pub generation: u64,
    /// The compact density (no avatar, no preview).
    pub compact: bool,
    /// How far each message Postel sent got, by Message-ID, with the
    /// account that sent it: its row (in Sent, or in a thread) shows it.
    pub delivery: HashMap<String, (String, Stage)>,
    /// A folder of the user's own mail (Sent, Drafts): each row names its
    /// recipients, not the user, as Thunderbird's and Geary's do.
    pub recipients_first: bool,
}

#[derive(Debug, Clone)]
pub enum Message {
    Scrolled(Viewport),
    Clicked(i64),
    /// A right click on a row, where in the window.
    Menu(i64, iced::Point),
    /// A row dragged (towards a folder).
    Drag(i64, super::grab::Drag),
}

impl State {
    /// Starts a new list of `total` messages; the caller loads `wanted()`.
    pub fn reset(&mut self, total: u64) {
        self.picked.clear();
        self.total = total;
        self.start = 0;
        self.rows.clear();
        self.offset = 0.0;
        self.generation += 1;
    }

    /// Takes a loaded window if it belongs to the current list.
    pub fn loaded(&mut self, generation: u64, total: u64, start: u64, rows: Vec<MessageRow>) {
        if generation != self.generation {
            return;
        }
        self.total = total;
        self.start = start;
        self.rows = rows;
    }

    /// The first row in view and how many fit.
    /// Every row's height at the current density.
    pub fn row_height(&self) -> f32 {
        if self.compact {
            COMPACT_ROW_HEIGHT
        } else {
            ROW_HEIGHT
        }
    }

    fn in_view(&self) -> (u64, u64) {
        let row = self.row_height();
        let first = (self.offset / row).floor().max(0.0) as u64;
        let count = (self.height.max(row * 10.0) / row).ceil() as u64 + 1;
        (first.min(self.total), count)
    }

    /// The window to load when the view is not covered by what is loaded.
    pub fn wanted(&self) -> Option<(u64, u32)> {
        let (first, count) = self.in_view();
        let end = (first + count).min(self.total);
        let loaded_end = self.start + self.rows.len() as u64;
        let covered =
            first >= self.start && end <= loaded_end && !(self.rows.is_empty() && self.total > 0);
        if covered {
            return None;
        }
        let start = first.saturating_sub(MARGIN);
        Some((start, (count + 2 * MARGIN) as u32))
    }

    /// Follows scrolling; returns the window to load, if any.
    pub fn update(&mut self, message: Message) -> Option<(u64, u32)> {
        match message {
            Message::Scrolled(viewport) => {
                self.offset = viewport.absolute_offset().y;
                self.height = viewport.bounds().height;
                self.wanted()
            }
            Message::Clicked(id) => {
                self.selected = Some(id);
                None
            }
            Message::Menu(..) | Message::Drag(..) => None,
        }
    }

    /// Ctrl+click: `id` joins the picked messages, or leaves them.
    pub fn toggle_pick(&mut self, id: i64) {
        if self.picked.is_empty()
            && let Some(open) = self.selected
        {
            self.picked.push(open);
        }
        match self.picked.iter().position(|&p| p == id) {
            Some(i) => {
                self.picked.remove(i);
            }
            None => self.picked.push(id),
        }
        self.selected = Some(id);
    }

    /// Shift+click: every loaded row from the last one chosen to `id`.
    pub fn pick_range(&mut self, id: i64) {
        let anchor = self.selected.unwrap_or(id);
        let at = |id| self.rows.iter().position(|r| r.id == id);
        if let (Some(a), Some(b)) = (at(anchor), at(id)) {
            let (from, to) = (a.min(b), a.max(b));
            self.picked = self.rows[from..=to].iter().map(|r| r.id).collect();
        }
    }

    /// How far a row's message got, when Postel sent it.
    pub fn delivery_of(&self, m: &MessageRow) -> Option<Stage> {
        let (account, stage) = self.delivery.get(m.message_id.as_deref()?)?;
        (*account == m.account).then_some(*stage)
    }

    /// Takes the outbox's record: each sent message's headline stage
    /// (those no report spoke of stand at "submitted").
    pub fn set_delivery(
        &mut self,
        items: &[crate::store::outbox::Item],
        headlines: &HashMap<i64, Stage>,
    ) {
        use crate::store::outbox::State as Sending;
        self.delivery = items
            .iter()
            .filter(|i| i.state == Sending::Sent)
            .map(|i| {
                let stage = headlines.get(&i.id).copied().unwrap_or(Stage::Submitted);
                (i.message_id.clone(), (i.account.clone(), stage))
            })
            .collect();
    }

    pub fn row(&self, id: i64) -> Option<&MessageRow> {
        self.rows.iter().find(|r| r.id == id)
    }

    pub fn row_mut(&mut self, id: i64) -> Option<&mut MessageRow> {
        self.rows.iter_mut().find(|r| r.id == id)
    }

    pub fn view(&self) -> Element<'_, Message> {
        if self.total == 0 {
            return container(text(fl!("list-empty")).size(size::BODY).style(muted))
                .padding(gap::XL)
                .width(Length::Fill)
                .center_x(Length::Fill)
                .into();
        }
        // Only the rows in view and a margin become widgets; spaces stand
        // for the rest, loaded or not.
        let (first, count) = self.in_view();
        let loaded_end = self.start + self.rows.len() as u64;
        let from = first
            .saturating_sub(BUILT_MARGIN)
            .clamp(self.start, loaded_end);
        let to = (first + count + BUILT_MARGIN).clamp(from, loaded_end);
        let before = from as f32 * self.row_height();
        let after = self.total.saturating_sub(to) as f32 * self.row_height();
        if to > from {
            crate::gui::bench::rows_built();
        }
        let mut items = column![space().height(before)];
        let today = crate::gui::dates::today();
        let built = (from - self.start) as usize..(to - self.start) as usize;
        for m in &self.rows[built] {
            items = items.push(self.row_view(m, today));
        }
        items = items.push(space().height(after));
        scrollable(items)
            .id("message-list")
            // The scrollbar gets its own lane instead of covering the dates.
            .spacing(2)
            .on_scroll(Message::Scrolled)
            .height(Length::Fill)
            .into()
    }

    fn row_view<'a>(&self, m: &'a MessageRow, today: jiff::civil::Date) -> Element<'a, Message> {
        let unread = !m.flags.has(Flags::SEEN);
        let weight = if unread {
            font::Weight::Bold
        } else {
            font::Weight::Normal
        };
        let bold = Font {
            weight,
            ..Font::DEFAULT
        };
        let sender = if m.from_name.is_empty() {
            m.from_addr.as_str()
        } else {
            m.from_name.as_str()
        };
        let to = self
            .recipients_first
            .then(|| recipients(&m.to, &m.cc))
            .flatten();
        let (shown, address) = match &to {
            Some((names, first)) => (fl!("list-to", names = names.clone()), first.clone()),
            None => (sender.to_owned(), String::new()),
        };
        let mut marks = row![].spacing(gap::XS).align_y(Alignment::Center);
        if m.flags.has(Flags::FLAGGED) {
            marks = marks.push(icon::view(Icon::Flagged, 14.0, Ink::Flag));
        }
        if m.has_attachments {
            marks = marks.push(icon::view(Icon::Attachment, 14.0, Ink::Muted));
        }
        if let Some(stage) = self.delivery_of(m) {
            marks = marks.push(super::delivery::mark(stage, 14.0));
        }
        let subject = if m.subject.is_empty() {
            fl!("no-subject")
        } else {
            m.subject.clone()
        };
        // Each line is cut at its own edge (clipped), so nothing beside it
        // (the date, the thread's count) is ever drawn over; rows keep
        // their fixed height.
        let line1 = row![
            clipped(text(shown).font(bold).size(size::BODY)),
            marks,
            text(crate::gui::dates::list(m.date, today))
                .size(size::CAPTION)
                .style(muted),
        ]
        .spacing(gap::S)
        .align_y(Alignment::Center);
        let mut line2 = row![clipped(text(subject).font(bold).size(size::SMALL))]
            .spacing(gap::S)
            .align_y(Alignment::Center);
        // Grouped by thread: the first row of a thread says how many it holds.
        if let Some(place) = m.thread.filter(|p| p.index == 0 && p.size > 1) {
            line2 = line2.push(
                container(text(place.size.to_string()).size(size::CAPTION))
                    .padding([0, 7])
                    .style(theme::pill(false)),
            );
        }
        // One line of the text, when the body is known.
        let preview = clipped(
            text(m.snippet.split_whitespace().collect::<Vec<_>>().join(" "))
                .size(size::SMALL)
                .style(muted),
        );
        let lines = if self.compact {
            column![line1, line2].spacing(1)
        } else {
            column![line1, line2, preview].spacing(1)
        };
        // The unread dot, then the sender's avatar.
        let dot: Element<'a, Message> = if unread {
            container(space().width(8).height(8))
                .style(theme::pill(true))
                .into()
        } else {
            space().width(8).height(8).into()
        };
        let (who, address) = match &to {
            Some(_) => (address.as_str(), address.as_str()),
            None if m.from_addr.is_empty() => (sender, sender),
            None => (sender, m.from_addr.as_str()),
        };
        let avatar = container(
            text(initials(who))
                .size(size::SMALL)
                .font(Font {
                    weight: font::Weight::Bold,
                    ..Font::DEFAULT
                })
                .color(iced::Color::WHITE),
        )
        .width(AVATAR)
        .height(AVATAR)
        .center(AVATAR)
        .style(theme::avatar(address));
        let mut body = row![dot].spacing(gap::S).align_y(Alignment::Center);
        if !self.compact {
            body = body.push(avatar);
        }
        let body = body.push(lines);
        // ... and its replies are indented under it, behind a thread line.
        let content: Element<'a, Message> = match m.thread {
            Some(place) if place.index > 0 => row![
                space().width(REPLY_INDENT - 8.0),
                rule::vertical(2).style(theme::divider),
                space().width(6),
                body
            ]
            .into(),
            _ => body.into(),
        };
        let selected = if self.picked.is_empty() {
            self.selected == Some(m.id)
        } else {
            self.picked.contains(&m.id)
        };
        let id = m.id;
        super::grab::Grab::new(
            button(container(content).clip(true))
                .on_press(Message::Clicked(id))
                .width(Length::Fill)
                .height(self.row_height())
                .padding(if self.compact {
                    [gap::XS, gap::S]
                } else {
                    [gap::S, gap::S]
                })
                .style(theme::entry(selected)),
        )
        .on_menu(move |at| Message::Menu(id, at))
        .on_drag(move |drag| Message::Drag(id, drag))
        .into()
    }
}

/// The size of a sender's avatar in the list.
const AVATAR: f32 = 36.0;

/// A text on one line, cut at the space it is given.
fn clipped<'a>(t: iced::widget::Text<'a>) -> Element<'a, Message> {
    container(t.wrapping(Wrapping::None))
        .width(Length::Fill)
        .clip(true)
        .into()
}

fn muted(theme: &iced::Theme) -> text::Style {
    text::Style {
        color: Some(theme::colors(theme).muted),
    }
}

/// The recipients of a message as a row names them: each one's name (or
/// address), and the first one's address for the avatar; `None` when
/// the message names nobody.
fn recipients(to: &str, cc: &str) -> Option<(String, String)> {
    // Stored as "Name <address>, address, ..." (`sync::envelope`).
    let all: Vec<&str> = [to, cc]
        .into_iter()
        .flat_map(|list| list.split(", "))
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .collect();
    let first = all.first()?;
    let address_of = |r: &str| {
        r.rsplit_once('<')
            .map_or(r, |(_, a)| a.trim_end_matches('>'))
            .to_owned()
    };
    let names = all
        .iter()
        .map(|r| r.rsplit_once(" <").map_or(*r, |(name, _)| name))
        .collect::<Vec<_>>()
        .join(", ");
    Some((names, address_of(first)))
}

/// Up to two letters for an avatar: the first of the first and last words
/// of a name ("Anna Berg": "AB"), or the first of an address.
pub fn initials(sender: &str) -> String {
    let words: Vec<&str> = sender
        .split(|c: char| c.is_whitespace() || c == ',' || c == '"')
        .filter(|w| w.chars().next().is_some_and(char::is_alphanumeric))
        .collect();
    let first = |w: &str| w.chars().next().map(|c| c.to_uppercase().to_string());
    match words.as_slice() {
        [] => "?".into(),
        [one] if one.contains('@') => first(one).unwrap_or_default(),
        [one] => first(one).unwrap_or_default(),
        [a, .., b] => format!(
            "{}{}",
            first(a).unwrap_or_default(),
            first(b).unwrap_or_default()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sent_rows_recipients_are_named_with_the_first_ones_address() {
        assert_eq!(
            recipients(
                "Ben Okafor <ben@example.test>, carla@example.test",
                "Dan <dan@x.test>"
            ),
            Some((
                "Ben Okafor, carla@example.test, Dan".to_owned(),
                "ben@example.test".to_owned()
            ))
        );
        assert_eq!(
            recipients("", "carla@example.test"),
            Some((
                "carla@example.test".to_owned(),
                "carla@example.test".to_owned()
            ))
        );
        assert_eq!(recipients("", ""), None, "a draft without recipients");
    }

    fn rows(start: u64, n: u64) -> Vec<MessageRow> {
        (start..start + n)
            .map(|i| MessageRow {
                id: i as i64 + 1,
                folder_id: 1,
                folder: "INBOX".into(),
                account: "a".into(),
                uid: Some(i as u32 + 1),
                date: 1_000_000 - i as i64,
                from_name: format!("Sender {i}"),
                from_addr: format!("s{i}@example.test"),
                to: String::new(),
                cc: String::new(),
                subject: format!("Subject {i}"),
                flags: Flags(if i % 2 == 0 { Flags::SEEN } else { 0 }),
                size: 100,
                has_attachments: false,
                snippet: String::new(),
                message_id: None,
                in_reply_to: None,
                references: String::new(),
                thread_id: i as i64 + 1,
                thread: None,
            })
            .collect()
    }

    #[test]
    fn initials_come_from_the_first_and_last_words() {
        assert_eq!(initials("Anna Berg"), "AB");
        assert_eq!(initials("Anna Maria Łukasiewicz"), "AŁ");
        assert_eq!(initials("ben@example.test"), "B");
        assert_eq!(initials("\"Weiß, Jürgen\""), "WJ");
        assert_eq!(initials("  "), "?");
    }

    #[test]
    fn only_the_window_around_the_view_is_wanted() {
        let mut list = State::default();
        list.reset(100_000);
        let (start, limit) = list.wanted().expect("nothing loaded yet");
        assert_eq!(start, 0);
        assert!(limit < 200, "a window, not the folder: {limit}");
        list.loaded(list.generation, 100_000, 0, rows(0, u64::from(limit)));
        assert_eq!(list.wanted(), None, "the view is covered");
        // Jump to the middle: a new window there.
        list.offset = 50_000.0 * ROW_HEIGHT;
        list.height = 600.0;
        let (start, limit) = list.wanted().expect("new window");
        assert_eq!(start, 50_000 - MARGIN);
        assert!(u64::from(limit) < 200);
        // An answer for an older list is ignored.
        let stale = list.generation;
        list.reset(10);
        list.loaded(stale, 100_000, 49_960, rows(49_960, 100));
        assert!(list.rows.is_empty());
    }

    #[test]
    fn the_view_builds_only_loaded_rows_near_the_view() {
        let mut list = State::default();
        list.reset(100_000);
        list.loaded(list.generation, 100_000, 0, rows(0, 60));
        let mut ui = iced_test::simulator(list.view());
        assert!(ui.find("Subject 0").is_ok());
        let (_, fit) = list.in_view();
        let last = fit + BUILT_MARGIN - 1;
        assert!(
            ui.find(format!("Sender {last}")).is_ok(),
            "the margin is built"
        );
        assert!(
            ui.find(format!("Subject {}", last + 1)).is_err(),
            "loaded rows beyond the margin are not built"
        );
        drop(ui);
        // Scrolled down to row 45: the rows around it, up to the last
        // loaded one; none above the margin, none beyond what is loaded.
        list.offset = 45.0 * ROW_HEIGHT;
        list.height = 600.0;
        let mut ui = iced_test::simulator(list.view());
        assert!(ui.find("Subject 45").is_ok());
        assert!(ui.find("Sender 59").is_ok());
        assert!(ui.find(format!("Subject {}", 45 - BUILT_MARGIN)).is_ok());
        assert!(ui.find(format!("Subject {}", 44 - BUILT_MARGIN)).is_err());
        assert!(
            ui.find("Subject 60").is_err(),
            "rows beyond the loaded window are not built"
        );
    }
}
