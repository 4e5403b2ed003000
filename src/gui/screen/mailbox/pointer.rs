//! What the mouse does beyond clicks in the mailbox: right-click menus,
//! dragging messages onto a folder, and the picking of several messages
//! (Ctrl/Shift click, Ctrl+A).

use iced::{Point, Task};

use super::menu::{Menu, Target};
use super::{Action, Bulk, Message, Selection, State};
use crate::gui::widget::grab::Drag;
use crate::gui::widget::message_list;
use crate::store::messages::{Order, Scope};

/// Messages being dragged, and the folder under the pointer.
#[derive(Debug, Clone, PartialEq)]
pub struct Dragging {
    pub ids: Vec<i64>,
    pub at: Point,
    /// (account, folder name) of the folder the pointer is over.
    pub over: Option<(String, String)>,
}

impl State {
    pub(super) fn pointer(&mut self, message: Message) -> Action {
        match message {
            Message::List(message_list::Message::Menu(id, at)) => {
                // A right click on a row outside the picked ones acts on
                // that row alone, as in Thunderbird: it is opened first.
                let opened = if self.list.picked.contains(&id) {
                    Action::None
                } else {
                    self.list.picked.clear();
                    self.list.selected = Some(id);
                    self.open(id)
                };
                self.menu = Some(Menu {
                    at,
                    target: Target::Message,
                });
                opened
            }
            Message::FolderMenu(selection, at) => {
                self.menu = Some(Menu {
                    at,
                    target: Target::Folder(selection),
                });
                Action::None
            }
            Message::MenuClosed => {
                self.menu = None;
                Action::None
            }
            Message::MarkAllRead(selection) => {
                self.menu = None;
                let scope = match &selection {
                    Selection::Folder { id, .. } => Scope::Folder(*id),
                    Selection::Unified => self.unified_scope(),
                    _ => return Action::None,
                };
                // Shown read at once; the store follows.
                for row in &mut self.list.rows {
                    let in_scope = match &selection {
                        Selection::Folder { id, .. } => row.folder_id == *id,
                        _ => true,
                    };
                    if in_scope {
                        row.flags = row.flags.with(crate::store::Flags::SEEN, true);
                    }
                }
                Action::MarkAllRead(scope)
            }
            Message::List(message_list::Message::Drag(id, drag)) => self.drag(id, drag),
            Message::DropTarget(account, folder) => {
                if let Some(d) = &mut self.drag {
                    d.over = Some((account, folder));
                }
                Action::None
            }
            Message::DropLeft(account, folder) => {
                if let Some(d) = &mut self.drag
                    && d.over.as_ref() == Some(&(account, folder))
                {
                    d.over = None;
                }
                Action::None
            }
            Message::List(message_list::Message::Clicked(id)) => {
                // Picking several: nothing opens; the toolbar acts on all.
                if self.modifiers.shift() {
                    self.list.pick_range(id);
                } else {
                    self.list.toggle_pick(id);
                }
                Action::None
            }
            Message::PickAll => self.pick_all(),
            Message::AllPicked(generation, ids) => {
                if generation == self.list.generation {
                    // A search's results are all loaded already.
                    self.list.picked = if ids.is_empty() {
                        self.list.rows.iter().map(|r| r.id).collect()
                    } else {
                        ids
                    };
                }
                Action::None
            }
            _ => Action::None,
        }
    }

    fn drag(&mut self, id: i64, drag: Drag) -> Action {
        match drag {
            Drag::Started(at) => {
                // The picked messages when the row is one of them, else
                // the row alone.
                let ids = if self.list.picked.contains(&id) {
                    self.list.picked.clone()
                } else {
                    vec![id]
                };
                self.drag = Some(Dragging {
                    ids,
                    at,
                    over: None,
                });
                Action::None
            }
            Drag::Moved(at) => {
                if let Some(d) = &mut self.drag {
                    d.at = at;
                }
                Action::None
            }
            Drag::Ended => {
                let Some(Dragging {
                    ids,
                    over: Some((account, folder)),
                    ..
                }) = self.drag.take()
                else {
                    return Action::None;
                };
                self.drop_on(ids, &account, folder)
            }
        }
    }

    /// Dragged messages let go over a folder: moved there, as the
    /// toolbar's Move does (only those of that folder's account).
    fn drop_on(&mut self, ids: Vec<i64>, account: &str, folder: String) -> Action {
        let ids: Vec<i64> = ids
            .into_iter()
            .filter(|id| {
                self.list
                    .row(*id)
                    .is_some_and(|r| r.account == account && r.folder != folder)
            })
            .collect();
        match ids.as_slice() {
            [] => Action::None,
            [one] => self.move_shown(*one, folder),
            _ => {
                for id in &ids {
                    self.remove_shown(*id);
                }
                self.list.picked.clear();
                Action::Bulk {
                    ids,
                    what: Bulk::Move(folder),
                }
            }
        }
    }

    fn pick_all(&self) -> Action {
        let store = self.store.clone();
        let selection = self.selection.clone();
        let generation = self.list.generation;
        let total = self.list.total;
        let unified = self.unified_scope();
        Action::Run(Task::perform(
            async move {
                let scope = match selection {
                    Selection::Folder { id, .. } => Some(Scope::Folder(id)),
                    Selection::Unified => Some(unified),
                    _ => None,
                };
                match scope {
                    Some(scope) => store
                        .run(move |s| s.list_at(scope, Order::Newest, 0, total as u32))
                        .await
                        .map(|rows| rows.into_iter().map(|r| r.id).collect())
                        .unwrap_or_default(),
                    None => Vec::new(),
                }
            },
            move |ids| Message::AllPicked(generation, ids),
        ))
    }
}

impl State {
    /// The dragged messages, named beside the pointer; the folder under it
    /// is lit in the folder pane.
    pub fn drag_view(&self) -> Option<iced::Element<'_, Message>> {
        use iced::widget::{column, container, row, space, text};

        use crate::gui::theme::{self, gap, size};

        let d = self.drag.as_ref()?;
        let label = match d.ids.as_slice() {
            [one] => self
                .list
                .row(*one)
                .map(|r| r.subject.clone())
                .filter(|s| !s.trim().is_empty())
                .unwrap_or_else(|| crate::fl!("no-subject")),
            many => crate::fl!("drag-messages", count = (many.len() as u64)),
        };
        let pill = container(
            text(label)
                .size(size::SMALL)
                .wrapping(iced::widget::text::Wrapping::None),
        )
        .max_width(280)
        .clip(true)
        .padding([gap::XS, gap::S])
        .style(theme::lifted);
        // Beside the pointer, not under it: the folder stays readable.
        Some(
            column![
                space().height(d.at.y + 12.0),
                row![space().width(d.at.x + 16.0), pill]
            ]
            .into(),
        )
    }
}
