//! The right-click menus: a message's (what the toolbar does, where the
//! pointer is) and a folder's (mark all read, get messages), as
//! Thunderbird and Geary offer them.

use iced::widget::{button, column, container, mouse_area, row, rule, space, text};
use iced::{Alignment, Element, Length, Point};

use super::{Message, Selection, State, Tool};
use crate::fl;
use crate::gui::icon::{self, Icon, Ink};
use crate::gui::theme::{self, gap, size};
use crate::store::{Flags, FolderRole};

/// An open menu: where it was asked for, and for what.
#[derive(Debug, Clone, PartialEq)]
pub struct Menu {
    pub at: Point,
    pub target: Target,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// The opened message, or the picked ones when it is among them.
    Message,
    Folder(Selection),
}

/// The menu's width; its height follows the entries.
const WIDTH: f32 = 230.0;
/// One entry's height (icon and text at the body size, padded).
const ENTRY: f32 = 30.0;
/// A separator's height with its spacing.
const SEPARATOR: f32 = 9.0;
/// Kept between the menu and the window's edge.
const EDGE: f32 = 4.0;

enum Entry {
    Item {
        icon: Icon,
        label: String,
        /// `None`: shown greyed.
        on: Option<Message>,
    },
    Separator,
}

impl State {
    /// The open menu over the window, with a catcher behind it that closes
    /// it on a click anywhere else.
    pub fn menu_view(&self) -> Option<Element<'_, Message>> {
        let menu = self.menu.as_ref()?;
        let entries = match &menu.target {
            Target::Message => self.message_entries(),
            Target::Folder(selection) => self.folder_entries(selection),
        };
        let height: f32 = entries
            .iter()
            .map(|e| match e {
                Entry::Item { .. } => ENTRY,
                Entry::Separator => SEPARATOR,
            })
            .sum::<f32>()
            + 2.0 * gap::XS;
        // Opened towards the inside of the window, as desktop menus are
        // near the right or bottom edge.
        let x = if menu.at.x + WIDTH + EDGE > self.window.width {
            (menu.at.x - WIDTH).max(EDGE)
        } else {
            menu.at.x
        };
        let y = if menu.at.y + height + EDGE > self.window.height {
            (menu.at.y - height).max(EDGE)
        } else {
            menu.at.y
        };
        let mut list = column![].width(WIDTH);
        for entry in entries {
            let shown: Element<'_, Message> = match entry {
                Entry::Item { icon: i, label, on } => {
                    let ink = if on.is_some() { Ink::Text } else { Ink::Faint };
                    button(
                        row![icon::view(i, 16.0, ink), text(label).size(size::BODY)]
                            .spacing(gap::S)
                            .align_y(Alignment::Center),
                    )
                    .on_press_maybe(on)
                    .width(Length::Fill)
                    .height(ENTRY)
                    .padding([gap::XS, gap::S])
                    .style(theme::tool)
                    .into()
                }
                Entry::Separator => container(rule::horizontal(1).style(theme::divider))
                    .padding([gap::XS, 0.0])
                    .into(),
            };
            list = list.push(shown);
        }
        let card = container(list).padding(gap::XS).style(theme::lifted);
        let placed = column![
            space().height(y),
            row![
                space().width(x),
                mouse_area(card).on_right_press(Message::MenuClosed)
            ]
        ];
        Some(
            iced::widget::stack![
                mouse_area(space().width(Length::Fill).height(Length::Fill))
                    .on_press(Message::MenuClosed)
                    .on_right_press(Message::MenuClosed),
                placed
            ]
            .into(),
        )
    }

    /// What the toolbar offers for the message (or the picked ones).
    fn message_entries(&self) -> Vec<Entry> {
        let picked = self.list.picked.len() > 1;
        let current = self.current_row();
        // Answers need the text; the rest only the row.
        let one = self.opened().is_some() && !picked;
        let seen = current.is_some_and(|r| r.flags.has(Flags::SEEN));
        let flagged = current.is_some_and(|r| r.flags.has(Flags::FLAGGED));
        let acts = current.is_some() || picked;
        let has_role = |role: FolderRole| {
            picked || current.is_some_and(|r| self.role_folder(&r.account, role).is_some())
        };
        let item = |icon, label, tool: Tool, enabled: bool| Entry::Item {
            icon,
            label,
            on: enabled.then_some(Message::Tool(tool)),
        };
        vec![
            item(Icon::Reply, fl!("tool-reply"), Tool::Reply, one),
            item(Icon::ReplyAll, fl!("tool-reply-all"), Tool::ReplyAll, one),
            item(Icon::Forward, fl!("tool-forward"), Tool::Forward, one),
            Entry::Separator,
            if seen {
                item(
                    Icon::MarkUnread,
                    fl!("tool-mark-unread"),
                    Tool::ToggleRead,
                    acts,
                )
            } else {
                item(
                    Icon::MarkRead,
                    fl!("tool-mark-read"),
                    Tool::ToggleRead,
                    acts,
                )
            },
            if flagged {
                item(Icon::Flagged, fl!("menu-unflag"), Tool::ToggleFlag, acts)
            } else {
                item(Icon::Flag, fl!("tool-flag"), Tool::ToggleFlag, acts)
            },
            Entry::Separator,
            item(
                Icon::Archive,
                fl!("tool-archive"),
                Tool::Archive,
                has_role(FolderRole::Archive),
            ),
            item(
                Icon::Junk,
                fl!("tool-junk"),
                Tool::Junk,
                has_role(FolderRole::Junk),
            ),
            item(Icon::Delete, fl!("tool-delete"), Tool::Delete, acts),
        ]
    }

    fn folder_entries(&self, selection: &Selection) -> Vec<Entry> {
        let unread = self.unread_in(selection);
        vec![
            Entry::Item {
                icon: Icon::MarkRead,
                label: fl!("menu-mark-all-read"),
                on: (unread > 0).then(|| Message::MarkAllRead(selection.clone())),
            },
            Entry::Item {
                icon: Icon::Refresh,
                label: fl!("menu-get-messages"),
                on: Some(Message::Tool(Tool::Refresh)),
            },
        ]
    }

    /// The unread count the folder pane shows for `selection`.
    pub(super) fn unread_in(&self, selection: &Selection) -> u64 {
        let folders = self
            .folders
            .iter()
            .flat_map(|a| a.folders.iter().map(move |f| (a.account.as_str(), f)));
        match selection {
            Selection::Unified => folders
                .filter(|(_, f)| f.folder.role == Some(FolderRole::Inbox))
                .map(|(_, f)| f.unread)
                .sum(),
            Selection::Folder { account, id, .. } => folders
                .filter(|(a, f)| a == account && f.folder.id == *id)
                .map(|(_, f)| f.unread)
                .sum(),
            _ => 0,
        }
    }
}
