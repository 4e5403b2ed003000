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
    /// A recipient's delivery state: in the mailbox, read, bounced,
    /// waiting (queued or delayed).
    Delivered,
    ReadByRecipient,
    Undelivered,
    Waiting,
    /// A file by its kind, for attachment cards and chips.
    File(FileKind),
}

/// What kind of file an attachment is, for its icon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Generic,
    Text,
    Pdf,
    Image,
    Sheet,
    Archive,
    Audio,
    Video,
    Calendar,
}

impl FileKind {
    /// From a MIME type (lower case) and, when that says little, the
    /// file name's extension.
    pub fn of(mime_type: &str, name: Option<&str>) -> Self {
        let ext = name
            .and_then(|n| n.rsplit_once('.'))
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        let (top, sub) = mime_type.split_once('/').unwrap_or((mime_type, ""));
        match (top, sub, ext.as_str()) {
            (_, "pdf", _) | (_, _, "pdf") => Self::Pdf,
            ("image", _, _) | (_, _, "png" | "jpg" | "jpeg" | "gif" | "webp" | "heic") => {
                Self::Image
            }
            ("audio", _, _) | (_, _, "mp3" | "ogg" | "m4a" | "wav" | "flac") => Self::Audio,
            ("video", _, _) | (_, _, "mp4" | "mkv" | "webm" | "mov") => Self::Video,
            (_, "calendar", _) | (_, _, "ics") => Self::Calendar,
            (_, sub, _) if sub.contains("spreadsheet") || sub.contains("excel") => Self::Sheet,
            (_, _, "xlsx" | "xls" | "ods" | "csv") => Self::Sheet,
            (_, "zip" | "gzip" | "x-7z-compressed" | "x-tar" | "x-rar-compressed", _)
            | (_, _, "zip" | "gz" | "tgz" | "7z" | "tar" | "rar") => Self::Archive,
            ("text", _, _) | (_, _, "txt" | "doc" | "docx" | "odt" | "rtf" | "md") => Self::Text,
            (_, sub, _) if sub.contains("word") || sub.contains("opendocument.text") => Self::Text,
            _ => Self::Generic,
        }
    }
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
            Icon::Delivered => include_bytes!("../../assets/icons/delivery-done.svg"),
            Icon::ReadByRecipient => include_bytes!("../../assets/icons/delivery-read.svg"),
            Icon::Undelivered => include_bytes!("../../assets/icons/delivery-failed.svg"),
            Icon::Waiting => include_bytes!("../../assets/icons/delivery-waiting.svg"),
            Icon::File(kind) => match kind {
                FileKind::Generic => include_bytes!("../../assets/icons/file-generic.svg"),
                FileKind::Text => include_bytes!("../../assets/icons/file-text.svg"),
                FileKind::Pdf => include_bytes!("../../assets/icons/file-pdf.svg"),
                FileKind::Image => include_bytes!("../../assets/icons/file-image.svg"),
                FileKind::Sheet => include_bytes!("../../assets/icons/file-sheet.svg"),
                FileKind::Archive => include_bytes!("../../assets/icons/file-archive.svg"),
                FileKind::Audio => include_bytes!("../../assets/icons/file-audio.svg"),
                FileKind::Video => include_bytes!("../../assets/icons/file-video.svg"),
                FileKind::Calendar => include_bytes!("../../assets/icons/file-calendar.svg"),
            },
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
    Success,
    Warning,
    Danger,
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
                Ink::Success => c.success,
                Ink::Warning => c.warning,
                Ink::Danger => c.danger,
            };
            svg::Style { color: Some(color) }
        })
}

#[cfg(test)]
mod tests {
    use super::FileKind;

    #[test]
    fn a_file_kind_comes_from_its_type_or_else_its_name() {
        assert_eq!(FileKind::of("application/pdf", None), FileKind::Pdf);
        assert_eq!(
            FileKind::of("application/octet-stream", Some("Plan.PDF")),
            FileKind::Pdf
        );
        assert_eq!(FileKind::of("image/jpeg", Some("x")), FileKind::Image);
        assert_eq!(
            FileKind::of(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                None
            ),
            FileKind::Sheet
        );
        assert_eq!(FileKind::of("text/calendar", None), FileKind::Calendar);
        assert_eq!(FileKind::of("application/zip", None), FileKind::Archive);
        assert_eq!(
            FileKind::of("application/x-thing", Some("a.bin")),
            FileKind::Generic
        );
    }
}
