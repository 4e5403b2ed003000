//! How the mailbox looks: the three panes, the toolbar, the folder tree.

use iced::widget::{
    button, checkbox, column, container, pane_grid, row, rule, scrollable, text, text_input,
};
use iced::{Element, Font, Length, font};

use super::{Message, Pane, Reader, Selection, State, Tool, role_label};
use crate::fl;
use crate::gui::icon::{self, Place};
use crate::store::FolderRole;

impl State {
    pub fn view(&self) -> Element<'_, Message> {
        let grid = pane_grid(&self.panes, |_, pane, _| {
            let outbox = self.selection == Selection::Outbox;
            pane_grid::Content::new(match pane {
                Pane::Folders => self.folders_view(),
                Pane::List if outbox => self.outbox.list_view().map(Message::Outbox),
                Pane::Reader if outbox => container(self.outbox.detail_view().map(Message::Outbox))
                    .padding(10)
                    .into(),
                Pane::List => self.list_view(),
                Pane::Reader => self.reader_view(),
            })
        })
        .spacing(2)
        .on_resize(8, Message::Resized);
        let mut page = column![self.toolbar()];
        if let Some(question) = self.delete_question() {
            page = page.push(question);
        }
        page.push(rule::horizontal(1)).push(grid).into()
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
        let has = self.opened().is_some();
        let tool = |label: String, t: Tool, enabled: bool| {
            button(text(label).size(14))
                .on_press_maybe(enabled.then_some(Message::Tool(t)))
                .padding([6, 10])
        };
        row![
            tool(fl!("tool-compose"), Tool::Compose, true),
            tool(fl!("tool-reply"), Tool::Reply, has),
            tool(fl!("tool-reply-all"), Tool::ReplyAll, has),
            tool(fl!("tool-forward"), Tool::Forward, has),
            tool(fl!("tool-delete"), Tool::Delete, has),
            tool(fl!("tool-read"), Tool::ToggleRead, has),
            tool(fl!("tool-flag"), Tool::ToggleFlag, has),
            self.move_picker(),
            tool(fl!("tool-refresh"), Tool::Refresh, true),
            tool(fl!("tool-settings"), Tool::Settings, true),
            text_input(&fl!("search-placeholder"), &self.search)
                .id("search")
                .on_input(Message::SearchChanged)
                .on_submit(Message::SearchSubmitted)
                .width(Length::Fill),
        ]
        .spacing(6)
        .padding(6)
        .into()
    }

    /// "Move to…": the folders of the opened message's account.
    fn move_picker(&self) -> Element<'_, Message> {
        let folders: Vec<String> = match self.opened() {
            Some(o) => self
                .folders
                .iter()
                .filter(|a| a.account == o.row.account)
                .flat_map(|a| a.folders.iter())
                .filter(|f| f.folder.name != o.row.folder)
                // As the user reads them; the store finds a folder by either.
                .map(|f| f.folder.display_name.clone())
                .collect(),
            None => Vec::new(),
        };
        iced::widget::pick_list(folders, None::<String>, Message::MoveTo)
            .placeholder(fl!("tool-move"))
            .text_size(14)
            .into()
    }

    fn folders_view(&self) -> Element<'_, Message> {
        let entry = |place: Place, label: String, unread: u64, selection: Selection, bold: bool| {
            let label = if unread > 0 {
                format!("{label} ({unread})")
            } else {
                label
            };
            let weight = if bold || unread > 0 {
                font::Weight::Bold
            } else {
                font::Weight::Normal
            };
            let selected = self.selection == selection;
            button(
                row![
                    icon::folder(place, selected),
                    text(label).size(14).font(Font {
                        weight,
                        ..Font::DEFAULT
                    })
                ]
                .spacing(6)
                .align_y(iced::Alignment::Center),
            )
            .on_press(Message::Select(selection))
            .width(Length::Fill)
            .style(crate::gui::widget::pickable(selected))
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
        .spacing(2);
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
            list = list.push(container(text(account.account.clone()).size(12)).padding([8, 4]));
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
        scrollable(list.padding(4)).height(Length::Fill).into()
    }

    fn list_view(&self) -> Element<'_, Message> {
        let list = self.list.view().map(Message::List);
        // Search results come by relevance and date; they are not grouped.
        if matches!(self.selection, Selection::Search(_)) {
            return list;
        }
        let header = container(
            checkbox(self.threads)
                .label(fl!("list-group-by-thread"))
                .on_toggle(Message::GroupByThread)
                .size(14)
                .text_size(13),
        )
        .padding([4, 8]);
        column![header, list].into()
    }

    fn reader_view(&self) -> Element<'_, Message> {
        let body: Element<'_, Message> = match &self.reader {
            Reader::Empty => text(fl!("reader-empty")).size(14).into(),
            Reader::Loading(_) => text(fl!("reader-loading")).size(14).into(),
            Reader::Failed(e) => text(fl!("reader-failed", reason = e.clone()))
                .size(14)
                .into(),
            Reader::Ready(o) => crate::gui::widget::reader::view(o),
        };
        container(body)
            .padding(10)
            .width(Length::Fill)
            .height(Length::Fill)
            .into()
    }
}
