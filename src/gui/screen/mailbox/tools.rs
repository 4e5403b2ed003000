//! What the toolbar's buttons (and their keys and menu entries) do: on
//! the current message, or on every picked one.

use super::{Action, Bulk, Compose, Message, Reader, State, ToDelete, Tool};
use crate::engine::mail::FlagChange;
use crate::store::{Flags, FolderRole, MessageRow};

impl State {
    /// The toolbar's action on every picked message, if several are.
    pub(super) fn bulk(&mut self, tool: Tool) -> Option<Action> {
        if self.list.picked.is_empty() {
            return None;
        }
        let any = |bit| {
            self.list
                .picked
                .iter()
                .filter_map(|id| self.list.row(*id))
                .any(|r| !r.flags.has(bit))
        };
        let what = match tool {
            Tool::Delete => Bulk::Delete,
            Tool::Archive => Bulk::Role(FolderRole::Archive),
            Tool::Junk => Bulk::Role(FolderRole::Junk),
            Tool::ToggleRead => Bulk::Flag(FlagChange::Seen(any(Flags::SEEN))),
            Tool::ToggleFlag => Bulk::Flag(FlagChange::Flagged(any(Flags::FLAGGED))),
            _ => return None,
        };
        Some(self.act_on_picked(what))
    }

    /// Takes the picked messages off the list (or changes their rows) and
    /// asks the application to do `what` to them.
    pub(super) fn act_on_picked(&mut self, what: Bulk) -> Action {
        let ids = std::mem::take(&mut self.list.picked);
        match &what {
            Bulk::Flag(change) => {
                for id in &ids {
                    if let Some(r) = self.list.row_mut(*id) {
                        r.flags = match change {
                            FlagChange::Seen(on) => r.flags.with(Flags::SEEN, *on),
                            FlagChange::Flagged(on) => r.flags.with(Flags::FLAGGED, *on),
                        };
                    }
                }
            }
            _ => {
                self.reader = Reader::Empty;
                let before = self.list.rows.len();
                self.list.rows.retain(|r| !ids.contains(&r.id));
                let gone = (before - self.list.rows.len()) as u64;
                self.list.total = self.list.total.saturating_sub(gone);
            }
        }
        Action::Bulk { ids, what }
    }

    /// A toolbar button, key or menu entry: on the picked messages when
    /// there are several, else on the current one (opened, or only chosen
    /// when its body could not be read: it can still be flagged or moved).
    pub(super) fn tool(&mut self, tool: Tool) -> Action {
        if let Some(action) = self.bulk(tool) {
            return action;
        }
        match (tool, self.opened()) {
            (Tool::Compose, _) => return Action::Compose(Compose::New),
            (Tool::Refresh, _) => return Action::Refresh,
            (Tool::Settings, _) => return Action::Settings,
            (Tool::Reply | Tool::ReplyAll, Some(o)) => {
                return Action::Compose(Compose::Reply {
                    account: o.row.account.clone(),
                    original: Box::new(o.message.clone()),
                    all: tool == Tool::ReplyAll,
                });
            }
            (Tool::Forward, Some(o)) => {
                return Action::Compose(Compose::Forward {
                    account: o.row.account.clone(),
                    original: Box::new(o.message.clone()),
                    raw: o.raw.clone(),
                });
            }
            _ => {}
        }
        let Some(row) = self.current_row().cloned() else {
            return Action::None;
        };
        match tool {
            Tool::Archive | Tool::Junk => {
                let role = if tool == Tool::Archive {
                    FolderRole::Archive
                } else {
                    FolderRole::Junk
                };
                match self.role_folder(&row.account, role) {
                    Some(folder) => self.update(Message::MoveTo(folder)),
                    None => Action::None,
                }
            }
            Tool::Delete => {
                // Deleting in Trash is for good: nothing to put back.
                let in_trash =
                    self.role_folder(&row.account, FolderRole::Trash).as_ref() == Some(&row.folder);
                let from = if in_trash { String::new() } else { row.folder };
                self.remove_shown(row.id);
                Action::Delete {
                    account: row.account,
                    id: row.id,
                    permanently: false,
                    from,
                }
            }
            Tool::DeletePermanently => {
                self.confirm_delete = Some(ToDelete {
                    account: row.account,
                    id: row.id,
                    subject: row.subject,
                });
                Action::None
            }
            Tool::ToggleRead | Tool::ToggleFlag => {
                let change = if tool == Tool::ToggleRead {
                    FlagChange::Seen(!row.flags.has(Flags::SEEN))
                } else {
                    FlagChange::Flagged(!row.flags.has(Flags::FLAGGED))
                };
                if let Some(r) = self.list.row_mut(row.id) {
                    r.flags = match change {
                        FlagChange::Seen(on) => r.flags.with(Flags::SEEN, on),
                        FlagChange::Flagged(on) => r.flags.with(Flags::FLAGGED, on),
                    };
                }
                Action::Flag {
                    account: row.account,
                    id: row.id,
                    change,
                }
            }
            _ => Action::None,
        }
    }

    /// The message the toolbar acts on: the list's row of the opened
    /// message (it has the latest flags), else the chosen row.
    pub fn current_row(&self) -> Option<&MessageRow> {
        let id = self.opened().map(|o| o.row.id).or(self.list.selected)?;
        self.list
            .row(id)
            .or_else(|| self.opened().map(|o| &o.row).filter(|r| r.id == id))
    }
}
