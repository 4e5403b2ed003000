//! Icons drawn from SVGs embedded in the binary, so they look the same on
//! every system whatever its fonts (emoji glyphs are often missing).

use iced::widget::svg;

const ATTACHMENT: &[u8] = include_bytes!("../../assets/icons/attachment.svg");

/// What a folder entry stands for, for its icon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    AllInboxes,
    Outbox,
    Role(crate::store::FolderRole),
    Plain,
}

/// A folder's icon, in the theme's colours; the `selected` entry's in the
/// accent.
pub fn folder<'a>(place: Place, selected: bool) -> svg::Svg<'a> {
    use crate::store::FolderRole;
    let bytes: &'static [u8] = match place {
        Place::AllInboxes => include_bytes!("../../assets/icons/folder-all.svg"),
        Place::Outbox => include_bytes!("../../assets/icons/folder-outbox.svg"),
        Place::Role(FolderRole::Inbox) => include_bytes!("../../assets/icons/folder-inbox.svg"),
        Place::Role(FolderRole::Sent) => include_bytes!("../../assets/icons/folder-sent.svg"),
        Place::Role(FolderRole::Drafts) => include_bytes!("../../assets/icons/folder-drafts.svg"),
        Place::Role(FolderRole::Trash) => include_bytes!("../../assets/icons/folder-trash.svg"),
        Place::Role(FolderRole::Junk) => include_bytes!("../../assets/icons/folder-junk.svg"),
        Place::Role(FolderRole::Archive) => {
            include_bytes!("../../assets/icons/folder-archive.svg")
        }
        Place::Plain => include_bytes!("../../assets/icons/folder-plain.svg"),
    };
    svg(svg::Handle::from_memory(bytes))
        .width(16)
        .height(16)
        .style(move |theme: &iced::Theme, _| {
            let c = crate::gui::theme::colors(theme);
            // The chosen entry is tinted, not filled: its icon takes the
            // accent.
            svg::Style {
                color: Some(if selected { c.accent } else { c.muted }),
            }
        })
}

/// The icons of actions and fields (`assets/icons/`, see `design.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Icon {
    Write,
    Send,
    Reply,
    ReplyAll,
    Forward,
    Archive,
    Junk,
    Delete,
    MarkRead,
    MarkUnread,
    Flag,
    Flagged,
    Move,
    Refresh,
    Settings,
    Search,
    Clear,
    Attachment,
    Expanded,
    Collapsed,
    Bold,
    Italic,
    Link,
    List,
    Quote,
    Preview,
}

impl Icon {
    fn bytes(self) -> &'static [u8] {
        match self {
            Icon::Write => include_bytes!("../../assets/icons/write.svg"),
            Icon::Send => include_bytes!("../../assets/icons/send.svg"),
            Icon::Reply => include_bytes!("../../assets/icons/reply.svg"),
            Icon::ReplyAll => include_bytes!("../../assets/icons/reply-all.svg"),
            Icon::Forward => include_bytes!("../../assets/icons/forward.svg"),
            Icon::Archive => include_bytes!("../../assets/icons/archive.svg"),
            Icon::Junk => include_bytes!("../../assets/icons/junk.svg"),
            Icon::Delete => include_bytes!("../../assets/icons/delete.svg"),
            Icon::MarkRead => include_bytes!("../../assets/icons/mark-read.svg"),
            Icon::MarkUnread => include_bytes!("../../assets/icons/mark-unread.svg"),
            Icon::Flag => include_bytes!("../../assets/icons/flag.svg"),
            Icon::Flagged => include_bytes!("../../assets/icons/flag-filled.svg"),
            Icon::Move => include_bytes!("../../assets/icons/move.svg"),
            Icon::Refresh => include_bytes!("../../assets/icons/refresh.svg"),
            Icon::Settings => include_bytes!("../../assets/icons/settings.svg"),
            Icon::Search => include_bytes!("../../assets/icons/search.svg"),
            Icon::Clear => include_bytes!("../../assets/icons/clear.svg"),
            Icon::Attachment => ATTACHMENT,
            Icon::Expanded => include_bytes!("../../assets/icons/chevron-down.svg"),
            Icon::Collapsed => include_bytes!("../../assets/icons/chevron-right.svg"),
            Icon::Bold => include_bytes!("../../assets/icons/format-bold.svg"),
            Icon::Italic => include_bytes!("../../assets/icons/format-italic.svg"),
            Icon::Link => include_bytes!("../../assets/icons/format-link.svg"),
            Icon::List => include_bytes!("../../assets/icons/format-list.svg"),
            Icon::Quote => include_bytes!("../../assets/icons/format-quote.svg"),
            Icon::Preview => include_bytes!("../../assets/icons/preview.svg"),
        }
    }
}

/// Which of the theme's colours an icon is drawn in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ink {
    Text,
    Muted,
    Faint,
    OnAccent,
    Flag,
}

/// `icon` at `size` px, tinted with the theme's `ink`.
pub fn view<'a>(icon: Icon, size: f32, ink: Ink) -> svg::Svg<'a> {
    svg(svg::Handle::from_memory(icon.bytes()))
        .width(size)
        .height(size)
        .style(move |theme: &iced::Theme, _| {
            let c = crate::gui::theme::colors(theme);
            let color = match ink {
                Ink::Text => c.text,
                Ink::Muted => c.muted,
                Ink::Faint => c.faint,
                Ink::OnAccent => c.on_accent,
                Ink::Flag => c.flag,
            };
            svg::Style { color: Some(color) }
        })
}
