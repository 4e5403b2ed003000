//! The reader: an opened message's headers, attachments and text (which
//! can be selected and copied, never edited).

use iced::widget::{button, column, row, rule, scrollable, text, text_editor};
use iced::{Element, Font, Length, font};

use crate::fl;
use crate::gui::screen::mailbox::{Message, Opened, human_size};
use crate::message::Address;

pub fn view(o: &Opened) -> Element<'_, Message> {
    let names = |list: &[Address]| {
        list.iter()
            .map(|a| match &a.name {
                Some(n) if !n.is_empty() => format!("{n} <{}>", a.email),
                _ => a.email.clone(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let bold = Font {
        weight: font::Weight::Bold,
        ..Font::DEFAULT
    };
    let subject = o
        .message
        .subject
        .clone()
        .unwrap_or_else(|| fl!("no-subject"));
    let mut head = column![text(subject).size(18).font(bold)].spacing(2);
    head = head.push(
        text(format!(
            "{}: {}",
            fl!("header-from"),
            names(&o.message.from)
        ))
        .size(13),
    );
    head = head.push(text(format!("{}: {}", fl!("header-to"), names(&o.message.to))).size(13));
    if !o.message.cc.is_empty() {
        head = head.push(text(format!("{}: {}", fl!("header-cc"), names(&o.message.cc))).size(13));
    }
    if let Some(date) = o.message.date {
        head = head.push(
            text(format!(
                "{}: {}",
                fl!("header-date"),
                crate::gui::dates::long(date)
            ))
            .size(13),
        );
    }
    let mut content = column![head].spacing(8);
    match &o.html {
        Some(view) => content = content.push(view.bars().map(Message::Html)),
        None if o.html_only => content = content.push(text(fl!("reader-html-as-text")).size(12)),
        None => {}
    }
    if o.has_remote && o.html.is_none() {
        content = content.push(text(fl!("reader-remote-blocked")).size(12));
    }
    if !o.message.attachments.is_empty() {
        let mut parts = column![].spacing(4);
        for (i, part) in o.message.attachments.iter().enumerate() {
            // Pictures the painted page shows in place are not files to offer.
            let html = o.message.html.as_deref().filter(|_| o.html.is_some());
            if let (Some(html), Some(cid)) = (html, &part.content_id)
                && html.contains(&format!("cid:{cid}"))
            {
                continue;
            }
            let name = part
                .name
                .clone()
                .unwrap_or_else(|| fl!("attachment-unnamed"));
            parts = parts.push(
                row![
                    crate::gui::icon::attachment(),
                    text(format!(
                        "{name} ({}, {})",
                        part.mime_type,
                        human_size(part.size as u64)
                    ))
                    .size(13)
                    .width(Length::Fill),
                    button(text(fl!("attachment-save")).size(12))
                        .on_press(Message::SaveAttachment(i)),
                    button(text(fl!("attachment-open")).size(12))
                        .on_press(Message::OpenAttachment(i)),
                ]
                .spacing(6)
                .align_y(iced::Alignment::Center),
            );
        }
        content = content.push(parts);
    }
    content = content.push(rule::horizontal(1));
    match &o.html {
        Some(view) if view.painted() => {
            content = content.push(
                scrollable(view.page().map(Message::Html))
                    .direction(scrollable::Direction::Both {
                        vertical: scrollable::Scrollbar::default(),
                        horizontal: scrollable::Scrollbar::default(),
                    })
                    .width(Length::Fill)
                    .height(Length::Fill),
            );
        }
        _ => {
            content = content.push(
                text_editor(&o.body)
                    .on_action(Message::ReaderAction)
                    .height(Length::Fill)
                    .size(14),
            );
        }
    }
    content.into()
}
