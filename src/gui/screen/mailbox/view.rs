//! How the mailbox looks: the three panes, the toolbar, the folder tree.

use iced::widget::text::Wrapping;
use iced::widget::{
    button, checkbox, column, container, mouse_area, pane_grid, row, rule, scrollable, text,
    text_input, tooltip,
};
use iced::{Alignment, Element, Font, Length, font};

use super::{Message, Pane, Reader, Selection, State, Tool, role_label};
use crate::fl;
use crate::gui::icon::{self, Icon, Ink, Place};
use crate::gui::theme::{self, gap, size};
use crate::gui::widget::grab::Grab;
use crate::store::FolderRole;

impl State {
    pub fn view<'a>(&'a self) -> Element<'a, Message> {
        let grid = pane_grid(&self.panes, |_, pane, _| {
            let outbox = self.selection == Selection::Outbox;
            // A 1 px line at the right of the folder and list panes: a
            // container in the border colour behind the whole grid would
            // be redrawn with every scroll (`benches/gui`).
            let edged = |content: Element<'a, Message>| -> Element<'a, Message> {
                row![content, rule::vertical(1).style(theme::divider)].into()
            };
            pane_grid::Content::new(match pane {
                Pane::Folders => edged(self.folders_view()),
                Pane::List if outbox => edged(self.outbox.list_view().map(Message::Outbox)),
                Pane::Reader if outbox => container(self.outbox.detail_view().map(Message::Outbox))
                    .padding(10)
                    .into(),
                Pane::List => edged(self.list_view()),
                Pane::Reader => self.reader_view(),
            })
        })
        .spacing(0)
        .on_resize(8, Message::Resized);
        let mut page = column![self.toolbar()];
        if let Some(question) = self.delete_question() {
            page = page.push(question);
        }
        page.push(rule::horizontal(1).style(theme::divider))
            .push(grid)
            .into()
    }

    /// Shift+Delete's question: nothing is deleted for good unasked.
    fn delete_question(&self) -> Option<Element<'_, Message>> {
        let asked = self.confirm_delete.as_ref()?;
        let subject = if asked.subject.trim().is_empty() {
            fl!("delete-no-subject")
        } else {
            asked.subject.clone()
        };
        Some(
            container(
                row![
                    text(fl!("delete-permanently-question", subject = subject))
                        .size(14)
                        .width(Length::Fill),
                    button(text(fl!("delete-permanently")).size(14))
                        .on_press(Message::DeletePermanently(true))
                        .style(button::danger)
                        .padding([6, 10]),
                    button(text(fl!("delete-cancel")).size(14))
                        .on_press(Message::DeletePermanently(false))
                        .padding([6, 10]),
                ]
                .spacing(8)
                .align_y(iced::Alignment::Center),
            )
            .padding([6, 10])
            .width(Length::Fill)
            .into(),
        )
    }

    fn toolbar(&self) -> Element<'_, Message> {
        let current = self.current_row();
        // Answers need the text; the rest only the row.
        let has = self.opened().is_some();
        let seen = current.is_some_and(|r| r.flags.has(crate::store::Flags::SEEN));
        let flagged = current.is_some_and(|r| r.flags.has(crate::store::Flags::FLAGGED));
        // Several picked: the toolbar acts on all of them (answers need
        // one message).
        let picked = !self.list.picked.is_empty();
        let has_role = |role: FolderRole| {
            picked || current.is_some_and(|r| self.role_folder(&r.account, role).is_some())
        };
        let acts = current.is_some() || picked;
        let narrow = self.window.width > 0.0 && self.window.width < NARROW;
        // Write is the one main action: labelled, in the accent colour
        // (an icon alone in a narrow window).
        let write_label = fl!("tool-compose");
        let write: Element<'_, Message> = if narrow {
            row![icon::view(Icon::Write, 16.0, Ink::OnAccent)].into()
        } else {
            row![
                icon::view(Icon::Write, 16.0, Ink::OnAccent),
                text(write_label.clone()).size(size::BODY)
            ]
            .spacing(gap::S)
            .align_y(Alignment::Center)
            .into()
        };
        let write = tip(
            button(write)
                .on_press(Message::Tool(Tool::Compose))
                .padding([6, 12])
                .style(theme::primary),
            write_label,
            Some(Tool::Compose),
        );
        let read_icon = if seen {
            Icon::MarkUnread
        } else {
            Icon::MarkRead
        };
        let read_label = if seen {
            fl!("tool-mark-unread")
        } else {
            fl!("tool-mark-read")
        };
        let flag_icon = if flagged { Icon::Flagged } else { Icon::Flag };
        let groups = row![
            separator(),
            group(vec![
                tool(Icon::Reply, fl!("tool-reply"), Tool::Reply, has),
                tool(Icon::ReplyAll, fl!("tool-reply-all"), Tool::ReplyAll, has),
                tool(Icon::Forward, fl!("tool-forward"), Tool::Forward, has),
            ]),
            separator(),
            group(vec![
                tool(
                    Icon::Archive,
                    fl!("tool-archive"),
                    Tool::Archive,
                    has_role(FolderRole::Archive)
                ),
                tool(
                    Icon::Junk,
                    fl!("tool-junk"),
                    Tool::Junk,
                    has_role(FolderRole::Junk)
                ),
                tool(Icon::Delete, fl!("tool-delete"), Tool::Delete, acts),
            ]),
            separator(),
            group(vec![
                tool(read_icon, read_label, Tool::ToggleRead, acts),
                tool(flag_icon, fl!("tool-flag"), Tool::ToggleFlag, acts),
                self.move_picker(),
            ]),
        ]
        .spacing(gap::M)
        .align_y(Alignment::Center);
        let end = group(vec![
            tool(Icon::Refresh, fl!("tool-refresh"), Tool::Refresh, true),
            tool(Icon::Settings, fl!("tool-settings"), Tool::Settings, true),
        ]);
        container(
            row![write, groups, self.search_box(), end]
                .spacing(gap::L)
                .align_y(Alignment::Center),
        )
        .padding([gap::S, gap::M])
        .width(Length::Fill)
        .style(theme::window)
        .into()
    }

    /// The search field: its icon, the field, a clear button, and the
    /// number of results while they are shown.
    fn search_box(&self) -> Element<'_, Message> {
        let mut inner = row![
            icon::view(Icon::Search, 16.0, Ink::Muted),
            text_input(&fl!("search-placeholder"), &self.search)
                .id("search")
                .on_input(Message::SearchChanged)
                .on_submit(Message::SearchSubmitted)
                .size(size::BODY)
                .padding([4, 0])
                .style(theme::bare_field)
                .width(Length::Fill),
        ]
        .spacing(gap::S)
        .align_y(Alignment::Center);
        if matches!(self.selection, Selection::Search(_)) {
            inner = inner.push(
                text(fl!("search-results", count = self.list.total))
                    .size(size::CAPTION)
                    .style(muted),
            );
        }
        if !self.search.is_empty() {
            inner = inner.push(tip(
                button(icon::view(Icon::Clear, 14.0, Ink::Muted))
                    .on_press(Message::SearchCleared)
                    .padding(4)
                    .style(theme::tool),
                fl!("search-clear"),
                None,
            ));
        }
        container(inner)
            .padding([2.0, gap::S])
            .width(Length::Fill)
            .max_width(420)
            .style(theme::search_box(false))
            .into()
    }

    /// "Move to…": the folders of the opened message's account.
    fn move_picker(&self) -> Element<'_, Message> {
        // The folders of the opened message's account, or of the first
        // picked one's.
        let first = self
            .list
            .picked
            .first()
            .and_then(|id| self.list.row(*id))
            .or(self.current_row());
        let folders: Vec<String> = match first {
            Some(row) => self
                .folders
                .iter()
                .filter(|a| a.account == row.account)
                .flat_map(|a| a.folders.iter())
                .filter(|f| self.list.picked.len() > 1 || f.folder.name != row.folder)
                // As the user reads them; the store finds a folder by either.
                .map(|f| f.folder.display_name.clone())
                .collect(),
            None => Vec::new(),
        };
        let enabled = !folders.is_empty();
        let narrow = self.window.width > 0.0 && self.window.width < NARROW;
        let picker = iced::widget::pick_list(folders, None::<String>, Message::MoveTo)
            .placeholder(fl!("tool-move"))
            .text_size(size::BODY)
            .padding([5.0, gap::S])
            // Narrow windows keep the list, not the whole word.
            .width(if narrow {
                Length::Fixed(MOVE_NARROW)
            } else {
                Length::Shrink
            })
            .style(theme::picker);
        tip(
            row![
                icon::view(
                    Icon::Move,
                    18.0,
                    if enabled { Ink::Text } else { Ink::Faint }
                ),
                picker
            ]
            .spacing(gap::XS)
            .align_y(Alignment::Center),
            fl!("tool-move"),
            None,
        )
    }

    fn folders_view(&self) -> Element<'_, Message> {
        let entry = |place: Place, label: String, unread: u64, selection: Selection, bold: bool| {
            let weight = if bold || unread > 0 {
                font::Weight::Bold
            } else {
                font::Weight::Normal
            };
            // While messages are dragged, the folder under the pointer
            // shows it takes them.
            let target = match (&self.drag, &selection) {
                (Some(d), Selection::Folder { account, name, .. }) => {
                    d.over.as_ref() == Some(&(account.clone(), name.clone()))
                }
                _ => false,
            };
            let selected = self.selection == selection || target;
            // The name is cut at its own edge, so the count beside it
            // stays readable in a narrow pane.
            let mut line = row![
                icon::folder(place, selected),
                container(
                    text(label)
                        .size(size::BODY)
                        .font(Font {
                            weight,
                            ..Font::DEFAULT
                        })
                        .wrapping(Wrapping::None)
                )
                .width(Length::Fill)
                .clip(true),
            ]
            .spacing(gap::S)
            .align_y(Alignment::Center);
            if unread > 0 {
                // Unread counts right-aligned, in a pill.
                line = line.push(
                    container(text(unread.to_string()).size(size::CAPTION))
                        .padding([0, 7])
                        .style(theme::pill(selected)),
                );
            }
            let on_menu = selection.clone();
            let entry: Element<'_, Message> = Grab::new(
                button(container(line).clip(true))
                    .on_press(Message::Select(selection.clone()))
                    .width(Length::Fill)
                    .padding([5.0, gap::S])
                    .style(theme::entry(selected)),
            )
            .on_menu(move |at| match &on_menu {
                Selection::Folder { .. } | Selection::Unified => {
                    Message::FolderMenu(on_menu.clone(), at)
                }
                _ => Message::MenuClosed,
            })
            .into();
            match (&self.drag, selection) {
                (Some(_), Selection::Folder { account, name, .. }) => mouse_area(entry)
                    .on_enter(Message::DropTarget(account.clone(), name.clone()))
                    .on_exit(Message::DropLeft(account, name))
                    .into(),
                _ => entry,
            }
        };
        let unified_unread: u64 = self
            .folders
            .iter()
            .flat_map(|a| &a.folders)
            .filter(|f| f.folder.role == Some(FolderRole::Inbox))
            .map(|f| f.unread)
            .sum();
        let mut list = column![entry(
            Place::AllInboxes,
            fl!("unified-inbox"),
            unified_unread,
            Selection::Unified,
            true
        )]
        .spacing(gap::XXS);
        let (waiting, failed) = self.outbox.counts();
        if !self.outbox.items.is_empty() {
            list = list.push(entry(
                Place::Outbox,
                fl!("outbox"),
                (waiting + failed) as u64,
                Selection::Outbox,
                failed > 0,
            ));
        }
        for account in &self.folders {
            let folded = self.collapsed.contains(&account.account);
            list = list.push(self.account_heading(&account.account, folded));
            if folded {
                continue;
            }
            for f in &account.folders {
                let label = match f.folder.role {
                    Some(role) => role_label(role),
                    None => f.folder.display_name.clone(),
                };
                let place = f.folder.role.map_or(Place::Plain, Place::Role);
                list = list.push(entry(
                    place,
                    label,
                    f.unread,
                    Selection::Folder {
                        account: account.account.clone(),
                        id: f.folder.id,
                        name: f.folder.name.clone(),
                    },
                    false,
                ));
            }
        }
        container(scrollable(list.padding([gap::S, gap::S])).height(Length::Fill))
            .height(Length::Fill)
            .style(theme::sidebar)
            .into()
    }

    /// An account's heading in the folder pane: who it speaks for (name
    /// and address, as Thunderbird heads its accounts), and a chevron that
    /// folds its folders away.
    fn account_heading(&self, account: &str, folded: bool) -> Element<'_, Message> {
        let (name, email) = match self.identities.get(account) {
            Some(id) if !id.name.is_empty() => (id.name.clone(), id.email.clone()),
            Some(id) => (id.email.clone(), account.to_owned()),
            None => (account.to_owned(), String::new()),
        };
        let chevron = if folded {
            Icon::Collapsed
        } else {
            Icon::Expanded
        };
        let mut lines = column![
            text(name)
                .size(size::SMALL)
                .font(Font {
                    weight: font::Weight::Bold,
                    ..Font::DEFAULT
                })
                .wrapping(Wrapping::None)
        ];
        if !email.is_empty() {
            lines = lines.push(
                text(email)
                    .size(size::CAPTION)
                    .style(muted)
                    .wrapping(Wrapping::None),
            );
        }
        button(
            container(
                row![icon::view(chevron, 14.0, Ink::Muted), lines]
                    .spacing(gap::S)
                    .align_y(Alignment::Center),
            )
            .clip(true),
        )
        .on_press(Message::ToggleAccount(account.to_owned()))
        .width(Length::Fill)
        .padding([gap::S, gap::XS])
        .style(theme::entry(false))
        .into()
    }

    fn list_view(&self) -> Element<'_, Message> {
        let list = self.list.view().map(Message::List);
        // Search results come by relevance and date; they are not grouped.
        if let Selection::Search(query) = &self.selection {
            if self.list.total == 0 {
                // Nothing found: say so, and with what.
                return container(
                    column![
                        icon::view(Icon::Search, 32.0, Ink::Faint),
                        text(fl!("search-nothing", query = query.clone()))
                            .size(size::BODY)
                            .style(muted),
                    ]
                    .spacing(gap::M)
                    .align_x(Alignment::Center),
                )
                .center(Length::Fill)
                .style(theme::view)
                .into();
            }
            return container(list)
                .height(Length::Fill)
                .style(theme::view)
                .into();
        }
        // The list's heading: where the user is, how much is there, and
        // how it is grouped.
        let title = match &self.selection {
            Selection::Unified => fl!("unified-inbox"),
            Selection::Folder { account, id, .. } => self
                .folders
                .iter()
                .filter(|a| &a.account == account)
                .flat_map(|a| &a.folders)
                .find(|f| f.folder.id == *id)
                .map(|f| match f.folder.role {
                    Some(role) => role_label(role),
                    None => f.folder.display_name.clone(),
                })
                .unwrap_or_default(),
            _ => String::new(),
        };
        let header = container(
            row![
                column![
                    text(title)
                        .size(size::TITLE)
                        .font(Font {
                            weight: font::Weight::Bold,
                            ..Font::DEFAULT
                        })
                        .wrapping(Wrapping::None),
                    text(if self.list.picked.is_empty() {
                        fl!("list-count", count = self.list.total)
                    } else {
                        fl!("list-picked", count = (self.list.picked.len() as u64))
                    })
                    .size(size::CAPTION)
                    .style(muted)
                    .wrapping(Wrapping::None),
                ]
                .width(Length::Fill)
                .clip(true),
                self.group_switch(),
            ]
            .spacing(gap::S)
            .align_y(Alignment::Center),
        )
        .padding([gap::S, gap::M]);
        container(column![header, list])
            .height(Length::Fill)
            .style(theme::view)
            .into()
    }

    /// "Group by thread": labelled where the list has room, else the box
    /// alone with the words in its tooltip.
    fn group_switch(&self) -> Element<'_, Message> {
        let (folders, list) = self.split_ratios();
        let width = self.window.width * (1.0 - folders) * list;
        let said = fl!("list-group-by-thread");
        let switch = checkbox(self.threads)
            .on_toggle(Message::GroupByThread)
            .size(16)
            .text_size(size::SMALL);
        if width >= LIST_ROOMY {
            switch.label(said).into()
        } else {
            tip(switch, said, None)
        }
    }

    fn reader_view(&self) -> Element<'_, Message> {
        // Empty states say what to do, in the middle of the pane.
        let note = |said: String| -> Element<'_, Message> {
            iced::widget::center(text(said).size(size::BODY).style(muted)).into()
        };
        let body: Element<'_, Message> = match &self.reader {
            Reader::Empty => note(fl!("reader-empty")),
            Reader::Loading(_) => note(fl!("reader-loading")),
            Reader::Failed(e) => note(fl!("reader-failed", reason = e.clone())),
            Reader::Ready(o) => crate::gui::widget::reader::view(
                o,
                crate::gui::widget::reader::Context {
                    me: self
                        .identities
                        .get(&o.row.account)
                        .map(|i| i.email.as_str()),
                    recipients_open: self.recipients_open,
                    conversation: &self.conversation,
                    delivery: self
                        .delivery
                        .reader
                        .as_ref()
                        .filter(|(id, _)| *id == o.row.id)
                        .map(|(_, record)| (&**record, self.delivery.timeline)),
                    receipt: self
                        .delivery
                        .receipt
                        .as_ref()
                        .filter(|(id, _)| *id == o.row.id)
                        .map(|(_, to)| to.as_str()),
                },
            ),
        };
        container(body)
            .padding([gap::M, gap::L])
            .width(Length::Fill)
            .height(Length::Fill)
            .style(theme::view)
            .into()
    }
}

/// Below this window width the toolbar drops Write's label and narrows
/// the Move list.
const NARROW: f32 = 1000.0;
/// Below this list width (the default window gives the list 400 px),
/// "Group by thread" is a box without its words.
const LIST_ROOMY: f32 = 360.0;
/// The Move list's width in a narrow window.
const MOVE_NARROW: f32 = 110.0;

fn muted(theme: &iced::Theme) -> text::Style {
    text::Style {
        color: Some(theme::colors(theme).muted),
    }
}

/// `content` with a tooltip naming the action and its shortcut.
fn tip<'a>(
    content: impl Into<Element<'a, Message>>,
    label: String,
    tool: Option<Tool>,
) -> Element<'a, Message> {
    let said = match tool.and_then(crate::gui::shortcut::keys) {
        Some(keys) => format!("{label} ({keys})"),
        None => label,
    };
    tooltip(
        content,
        container(text(said).size(size::SMALL))
            .padding([gap::XS, gap::S])
            .style(theme::lifted),
        tooltip::Position::Bottom,
    )
    .gap(gap::XS)
    .into()
}

/// A toolbar button: the icon, its tooltip, greyed when not possible.
fn tool<'a>(icon: Icon, label: String, t: Tool, enabled: bool) -> Element<'a, Message> {
    let ink = if enabled { Ink::Text } else { Ink::Faint };
    tip(
        button(icon::view(icon, 18.0, ink))
            .on_press_maybe(enabled.then_some(Message::Tool(t)))
            .padding(6)
            .style(theme::tool),
        label,
        Some(t),
    )
}

fn group(items: Vec<Element<'_, Message>>) -> Element<'_, Message> {
    iced::widget::Row::from_vec(items)
        .spacing(gap::XXS)
        .align_y(Alignment::Center)
        .into()
}

/// A short vertical line between toolbar groups.
fn separator<'a>() -> Element<'a, Message> {
    container(rule::vertical(1).style(theme::divider))
        .height(20)
        .into()
}
