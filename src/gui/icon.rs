//! Icons drawn from SVGs embedded in the binary, so they look the same on
//! every system whatever its fonts (emoji glyphs are often missing).

use iced::widget::svg;

const ATTACHMENT: &[u8] = include_bytes!("../../assets/icons/attachment.svg");

pub fn attachment<'a>() -> svg::Svg<'a> {
    svg(svg::Handle::from_memory(ATTACHMENT))
        .width(14)
        .height(14)
}
