//! Icons drawn from SVGs embedded in the binary, so they look the same on
//! every system whatever its fonts (emoji glyphs are often missing).

use iced::widget::svg;

const ATTACHMENT: &[u8] = include_bytes!("../../assets/icons/attachment.svg");

pub fn attachment<'a>() -> svg::Svg<'a> {
    svg(svg::Handle::from_memory(ATTACHMENT))
        .width(14)
        .height(14)
}

/// What a folder entry stands for, for its icon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    AllInboxes,
    Outbox,
    Role(crate::store::FolderRole),
    Plain,
}

/// A folder's icon, drawn in the entry's text colour so it follows the
/// theme and the highlight of the `selected` entry.
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
            let palette = theme.extended_palette();
            let ink = if selected {
                palette.primary.base.text
            } else {
                palette.background.base.text
            };
            svg::Style { color: Some(ink) }
        })
}
