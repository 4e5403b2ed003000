//! Postel's design system: colours with a meaning (not iced's defaults),
//! a type scale, a spacing scale and radii, and the styles every widget
//! takes from them. `src/gui/design.md` says how to use them; a new screen
//! is built from these, never from literal colours or sizes.
//!
//! Light and dark follow the system (the window hears of a change as it
//! happens). The palette is close to GNOME's (libadwaita) so Postel sits
//! well beside other desktop apps: neutral surfaces, one blue accent, red
//! only for destruction.

use iced::widget::{button, container, pick_list, text_input};
use iced::{Background, Border, Color, Shadow, Theme, Vector, color};

/// Sizes of text, in logical pixels.
pub mod size {
    /// Dates, counts, hints.
    pub const CAPTION: f32 = 12.0;
    /// Second lines: a message's subject and preview in the list.
    pub const SMALL: f32 = 13.0;
    /// Everything else.
    pub const BODY: f32 = 14.0;
    /// A pane's heading, the reader's subject in compact layouts.
    pub const TITLE: f32 = 16.0;
    /// The reader's subject.
    pub const HEADLINE: f32 = 20.0;
    /// First-run and empty-state headings.
    pub const DISPLAY: f32 = 26.0;
}

/// Space between and around things (a 4 px grid, as GNOME's HIG).
pub mod gap {
    pub const XXS: f32 = 2.0;
    pub const XS: f32 = 4.0;
    pub const S: f32 = 8.0;
    pub const M: f32 = 12.0;
    pub const L: f32 = 16.0;
    pub const XL: f32 = 24.0;
    pub const XXL: f32 = 32.0;
}

/// Corner radii.
pub mod radius {
    /// Buttons, fields, list rows.
    pub const SMALL: f32 = 6.0;
    /// Cards and banners.
    pub const MEDIUM: f32 = 10.0;
    /// Pills and avatars: round whatever their size.
    pub const PILL: f32 = 999.0;
}

/// The colours, by what they are for.
#[derive(Debug, Clone, Copy)]
pub struct Colors {
    /// The window behind everything; the toolbar.
    pub window: Color,
    /// The folder pane.
    pub sidebar: Color,
    /// Where content is read: the list and the reader.
    pub view: Color,
    /// Cards on a view (a message's header, attachments).
    pub card: Color,
    /// Lines between panes and around fields.
    pub border: Color,
    /// A row or button under the pointer.
    pub hover: Color,
    /// The chosen row or entry.
    pub selected: Color,
    pub text: Color,
    /// Second lines, dates.
    pub muted: Color,
    /// Hints, disabled controls.
    pub faint: Color,
    pub accent: Color,
    /// Text and icons on the accent colour.
    pub on_accent: Color,
    /// The unread mark.
    pub unread: Color,
    /// Flags.
    pub flag: Color,
    pub danger: Color,
    pub success: Color,
    pub warning: Color,
}

pub const LIGHT: Colors = Colors {
    window: color!(0xf6f6f8),
    sidebar: color!(0xefeff2),
    view: color!(0xffffff),
    card: color!(0xf7f7f9),
    border: color!(0xdcdce1),
    hover: color!(0xe8e8ed),
    selected: color!(0xdbe6fb),
    text: color!(0x1f1f24),
    muted: color!(0x5c5c66),
    faint: color!(0x8f8f99),
    accent: color!(0x2f6fd6),
    on_accent: color!(0xffffff),
    unread: color!(0x2f6fd6),
    flag: color!(0xd9730d),
    danger: color!(0xc01c28),
    success: color!(0x26a269),
    warning: color!(0xb5660b),
};

pub const DARK: Colors = Colors {
    window: color!(0x242428),
    sidebar: color!(0x2b2b30),
    view: color!(0x1e1e22),
    card: color!(0x2a2a2f),
    border: color!(0x3a3a41),
    hover: color!(0x323238),
    selected: color!(0x2c3d5c),
    text: color!(0xececf0),
    muted: color!(0xa8a8b3),
    faint: color!(0x74747e),
    // The light theme's blue: white on it still reads (4.8:1).
    accent: color!(0x2f6fd6),
    on_accent: color!(0xffffff),
    unread: color!(0x78a6f5),
    flag: color!(0xf29b4a),
    danger: color!(0xff7b72),
    success: color!(0x57d18b),
    warning: color!(0xe8a33d),
};

/// The iced theme built from [`Colors`], so the widgets Postel does not
/// style one by one (scrollbars, checkboxes) still use its colours.
pub fn theme(dark: bool) -> Theme {
    let c = if dark { DARK } else { LIGHT };
    Theme::custom(
        if dark { "Postel dark" } else { "Postel light" },
        iced::theme::Palette {
            background: c.view,
            text: c.text,
            primary: c.accent,
            success: c.success,
            warning: c.warning,
            danger: c.danger,
        },
    )
}

/// The colours of the theme being drawn.
pub fn colors(theme: &Theme) -> &'static Colors {
    if theme.extended_palette().is_dark {
        &DARK
    } else {
        &LIGHT
    }
}

/// A colour for an avatar, the same for an address every time: a hue
/// from the address, at a lightness that keeps white initials readable.
pub fn avatar_color(address: &str) -> Color {
    // FNV-1a: stable across runs and versions, unlike std's hasher.
    let mut hash: u32 = 0x811c_9dc5;
    for b in address.trim().to_lowercase().bytes() {
        hash ^= u32::from(b);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    const HUES: [Color; 12] = [
        color!(0x1c71d8),
        color!(0x2a9d8f),
        color!(0x26a269),
        color!(0x6a8d1f),
        color!(0xb5660b),
        color!(0xc64600),
        color!(0xc01c28),
        color!(0xa51d6b),
        color!(0x813d9c),
        color!(0x5e4fb5),
        color!(0x3d6a99),
        color!(0x63452c),
    ];
    HUES[(hash % HUES.len() as u32) as usize]
}

fn with_alpha(c: Color, a: f32) -> Color {
    Color { a, ..c }
}

// --- Containers ---

/// A plain surface of the colour `pick` chooses, with the body text on it.
fn surface(theme: &Theme, pick: fn(&Colors) -> Color) -> container::Style {
    let c = colors(theme);
    container::Style {
        background: Some(Background::Color(pick(c))),
        text_color: Some(c.text),
        ..container::Style::default()
    }
}

/// The toolbar and the status line.
pub fn window(theme: &Theme) -> container::Style {
    surface(theme, |c| c.window)
}

pub fn sidebar(theme: &Theme) -> container::Style {
    surface(theme, |c| c.sidebar)
}

pub fn view(theme: &Theme) -> container::Style {
    surface(theme, |c| c.view)
}

/// A card on a view: a message's header, an attachment.
pub fn card(theme: &Theme) -> container::Style {
    let c = colors(theme);
    container::Style {
        background: Some(Background::Color(c.card)),
        border: Border {
            color: c.border,
            width: 1.0,
            radius: radius::MEDIUM.into(),
        },
        text_color: Some(c.text),
        ..container::Style::default()
    }
}

/// A count or a label in a pill; `strong` for unread counts.
pub fn pill(strong: bool) -> impl Fn(&Theme) -> container::Style {
    move |theme| {
        let c = colors(theme);
        let (bg, fg) = if strong {
            (c.accent, c.on_accent)
        } else {
            (c.hover, c.muted)
        };
        container::Style {
            background: Some(Background::Color(bg)),
            border: Border {
                radius: radius::PILL.into(),
                ..Border::default()
            },
            text_color: Some(fg),
            ..container::Style::default()
        }
    }
}

/// The round background of an avatar.
pub fn avatar(address: &str) -> impl Fn(&Theme) -> container::Style + use<> {
    let bg = avatar_color(address);
    move |_| container::Style {
        background: Some(Background::Color(bg)),
        border: Border {
            radius: radius::PILL.into(),
            ..Border::default()
        },
        text_color: Some(Color::WHITE),
        ..container::Style::default()
    }
}

/// What a banner says: news, a question before something is destroyed,
/// or a problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Info,
    Danger,
}

/// A one-line bar across a pane (a notice, a question, remote content).
pub fn banner(tone: Tone) -> impl Fn(&Theme) -> container::Style {
    move |theme| {
        let c = colors(theme);
        let tint = match tone {
            Tone::Info => c.accent,
            Tone::Danger => c.danger,
        };
        container::Style {
            background: Some(Background::Color(with_alpha(tint, 0.12))),
            border: Border {
                color: with_alpha(tint, 0.35),
                width: 1.0,
                radius: radius::SMALL.into(),
            },
            text_color: Some(c.text),
            ..container::Style::default()
        }
    }
}

// --- Buttons ---

/// The main action of a screen: filled with the accent colour.
pub fn primary(theme: &Theme, status: button::Status) -> button::Style {
    let c = colors(theme);
    let bg = match status {
        button::Status::Hovered => mix(c.accent, Color::WHITE, 0.12),
        button::Status::Pressed => mix(c.accent, Color::BLACK, 0.12),
        button::Status::Disabled => with_alpha(c.accent, 0.4),
        button::Status::Active => c.accent,
    };
    button::Style {
        background: Some(Background::Color(bg)),
        text_color: c.on_accent,
        border: Border {
            radius: radius::SMALL.into(),
            ..Border::default()
        },
        shadow: Shadow::default(),
        snap: true,
    }
}

/// Any other button with a label: a quiet outline.
pub fn secondary(theme: &Theme, status: button::Status) -> button::Style {
    let c = colors(theme);
    let bg = match status {
        button::Status::Hovered => c.hover,
        button::Status::Pressed => mix(c.hover, c.text, 0.08),
        _ => c.view,
    };
    button::Style {
        background: Some(Background::Color(bg)),
        text_color: if status == button::Status::Disabled {
            c.faint
        } else {
            c.text
        },
        border: Border {
            color: c.border,
            width: 1.0,
            radius: radius::SMALL.into(),
        },
        shadow: Shadow::default(),
        snap: true,
    }
}

/// A button that destroys something, after the question.
pub fn danger(theme: &Theme, status: button::Status) -> button::Style {
    let c = colors(theme);
    let bg = match status {
        button::Status::Hovered => mix(c.danger, Color::WHITE, 0.12),
        button::Status::Pressed => mix(c.danger, Color::BLACK, 0.12),
        button::Status::Disabled => with_alpha(c.danger, 0.4),
        button::Status::Active => c.danger,
    };
    button::Style {
        background: Some(Background::Color(bg)),
        text_color: Color::WHITE,
        border: Border {
            radius: radius::SMALL.into(),
            ..Border::default()
        },
        shadow: Shadow::default(),
        snap: true,
    }
}

/// A toolbar button: an icon with no frame until the pointer is on it.
pub fn tool(theme: &Theme, status: button::Status) -> button::Style {
    let c = colors(theme);
    let bg = match status {
        button::Status::Hovered => Some(Background::Color(c.hover)),
        button::Status::Pressed => Some(Background::Color(mix(c.hover, c.text, 0.1))),
        _ => None,
    };
    button::Style {
        background: bg,
        text_color: if status == button::Status::Disabled {
            c.faint
        } else {
            c.text
        },
        border: Border {
            radius: radius::SMALL.into(),
            ..Border::default()
        },
        shadow: Shadow::default(),
        snap: true,
    }
}

/// An entry of a list the user picks from (a folder, a message row):
/// tinted when chosen, shaded under the pointer.
pub fn entry(selected: bool) -> impl Fn(&Theme, button::Status) -> button::Style {
    move |theme, status| {
        let c = colors(theme);
        let bg = match (selected, status) {
            (true, _) => Some(Background::Color(c.selected)),
            (false, button::Status::Hovered | button::Status::Pressed) => {
                Some(Background::Color(c.hover))
            }
            _ => None,
        };
        button::Style {
            background: bg,
            text_color: c.text,
            border: Border {
                radius: radius::SMALL.into(),
                ..Border::default()
            },
            shadow: Shadow::default(),
            snap: true,
        }
    }
}

/// The colour of an icon in a button of `status` (tools, entries).
pub fn icon_color(theme: &Theme, enabled: bool) -> Color {
    let c = colors(theme);
    if enabled { c.text } else { c.faint }
}

// --- Fields ---

pub fn field(theme: &Theme, status: text_input::Status) -> text_input::Style {
    let c = colors(theme);
    let border = match status {
        text_input::Status::Focused { .. } => Border {
            color: c.accent,
            width: 2.0,
            radius: radius::SMALL.into(),
        },
        text_input::Status::Hovered => Border {
            color: mix(c.border, c.text, 0.25),
            width: 1.0,
            radius: radius::SMALL.into(),
        },
        _ => Border {
            color: c.border,
            width: 1.0,
            radius: radius::SMALL.into(),
        },
    };
    text_input::Style {
        background: Background::Color(c.view),
        border,
        icon: c.muted,
        placeholder: c.faint,
        value: c.text,
        selection: with_alpha(c.accent, 0.3),
    }
}

/// A search field: the field's look without a frame of its own (it sits
/// in [`search_box`] beside its icon and clear button).
pub fn bare_field(theme: &Theme, _status: text_input::Status) -> text_input::Style {
    let c = colors(theme);
    text_input::Style {
        background: Background::Color(Color::TRANSPARENT),
        border: Border::default(),
        icon: c.muted,
        placeholder: c.faint,
        value: c.text,
        selection: with_alpha(c.accent, 0.3),
    }
}

/// The frame around the search field, its icon and its clear button.
pub fn search_box(focused: bool) -> impl Fn(&Theme) -> container::Style {
    move |theme| {
        let c = colors(theme);
        container::Style {
            background: Some(Background::Color(c.view)),
            border: Border {
                color: if focused { c.accent } else { c.border },
                width: if focused { 2.0 } else { 1.0 },
                radius: radius::SMALL.into(),
            },
            text_color: Some(c.text),
            ..container::Style::default()
        }
    }
}

pub fn picker(theme: &Theme, status: pick_list::Status) -> pick_list::Style {
    let c = colors(theme);
    pick_list::Style {
        text_color: c.text,
        placeholder_color: c.muted,
        handle_color: c.muted,
        background: Background::Color(match status {
            pick_list::Status::Hovered => c.hover,
            _ => c.view,
        }),
        border: Border {
            color: match status {
                pick_list::Status::Opened { .. } => c.accent,
                _ => c.border,
            },
            width: 1.0,
            radius: radius::SMALL.into(),
        },
    }
}

/// A thin line between panes.
pub fn divider(theme: &Theme) -> iced::widget::rule::Style {
    iced::widget::rule::Style {
        color: colors(theme).border,
        radius: 0.0.into(),
        fill_mode: iced::widget::rule::FillMode::Full,
        snap: true,
    }
}

/// A soft shadow under floating things (toasts, menus).
pub fn lifted(theme: &Theme) -> container::Style {
    let c = colors(theme);
    container::Style {
        background: Some(Background::Color(c.card)),
        border: Border {
            color: c.border,
            width: 1.0,
            radius: radius::MEDIUM.into(),
        },
        shadow: Shadow {
            color: Color::from_rgba(0.0, 0.0, 0.0, 0.25),
            offset: Vector::new(0.0, 2.0),
            blur_radius: 12.0,
        },
        text_color: Some(c.text),
        snap: true,
    }
}

/// `a` moved towards `b` by `t` (0: a, 1: b).
pub fn mix(a: Color, b: Color, t: f32) -> Color {
    Color {
        r: a.r + (b.r - a.r) * t,
        g: a.g + (b.g - a.g) * t,
        b: a.b + (b.b - a.b) * t,
        a: a.a + (b.a - a.a) * t,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// WCAG 2 relative luminance and contrast ratio.
    fn contrast(a: Color, b: Color) -> f32 {
        fn lum(c: Color) -> f32 {
            let ch = |v: f32| {
                if v <= 0.03928 {
                    v / 12.92
                } else {
                    ((v + 0.055) / 1.055).powf(2.4)
                }
            };
            0.2126 * ch(c.r) + 0.7152 * ch(c.g) + 0.0722 * ch(c.b)
        }
        let (x, y) = (lum(a), lum(b));
        (x.max(y) + 0.05) / (x.min(y) + 0.05)
    }

    #[test]
    fn text_is_readable_on_every_surface_in_both_themes() {
        for c in [LIGHT, DARK] {
            for surface in [c.window, c.sidebar, c.view, c.card, c.hover, c.selected] {
                assert!(contrast(c.text, surface) >= 7.0, "body text (AAA)");
                assert!(contrast(c.muted, surface) >= 4.5, "second lines (AA)");
            }
            assert!(contrast(c.on_accent, c.accent) >= 4.5, "accent buttons");
            assert!(contrast(c.accent, c.view) >= 3.0, "focus rings and marks");
            assert!(contrast(c.unread, c.view) >= 3.0, "the unread dot");
        }
    }

    #[test]
    fn avatars_keep_their_colour_and_white_initials_read_on_all() {
        assert_eq!(
            avatar_color("Anna@Example.test"),
            avatar_color(" anna@example.test")
        );
        let spread: std::collections::HashSet<String> = (0..200)
            .map(|i| format!("{:?}", avatar_color(&format!("user{i}@example.test"))))
            .collect();
        assert!(spread.len() >= 10, "addresses spread over the hues");
        for i in 0..200 {
            let bg = avatar_color(&format!("user{i}@example.test"));
            assert!(contrast(Color::WHITE, bg) >= 3.0, "{bg:?}");
        }
    }
}
