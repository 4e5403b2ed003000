//! The reader: an opened message's headers, attachments and text (which
//! can be selected and copied, never edited).

use iced::widget::text::Wrapping;
use iced::widget::{button, column, container, row, scrollable, text, text_editor, tooltip};
use iced::{Alignment, Element, Font, Length, font};

use crate::fl;
use crate::gui::icon::{self, Icon, Ink};
use crate::gui::screen::mailbox::{Message, Opened, Tool, human_size};
use crate::gui::theme::{self, gap, size};
use crate::message::Address;

/// What the reader needs beyond the message: whose mailbox it is (to say
/// "me") and whether the recipients are shown in full.
pub struct Context<'a> {
    pub me: Option<&'a str>,
    pub recipients_open: bool,
    /// The opened message's conversation, oldest first; empty when the
    /// reader shows one message.
    pub conversation: &'a [crate::store::MessageRow],
    /// The message's delivery record (Postel sent it), and whether its
    /// history is shown in full.
    pub delivery: Option<(&'a crate::store::delivery::Delivery, bool)>,
    /// The message asks for a read receipt, to this address.
    pub receipt: Option<&'a str>,
}

pub fn view<'a>(o: &'a Opened, cx: Context<'a>) -> Element<'a, Message> {
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
    // The header card: who wrote, to whom (in short until asked), when.
    let from = o.message.from.first();
    let (from_name, from_addr) = match from {
        Some(a) => (
            a.name
                .clone()
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| a.email.clone()),
            a.email.clone(),
        ),
        None => (o.row.from_name.clone(), o.row.from_addr.clone()),
    };
    let avatar = container(
        text(crate::gui::widget::message_list::initials(&from_name))
            .size(size::BODY)
            .font(bold)
            .color(iced::Color::WHITE),
    )
    .center(AVATAR)
    .style(theme::avatar(&from_addr));
    let who = row![
        text(from_name).size(size::BODY).font(bold),
        text(format!("<{from_addr}>"))
            .size(size::SMALL)
            .style(muted)
            .wrapping(Wrapping::None),
    ]
    .spacing(gap::S)
    .align_y(Alignment::Center);
    let date = o
        .message
        .date
        .map(crate::gui::dates::long)
        .unwrap_or_default();
    let first = row![
        container(who).width(Length::Fill).clip(true),
        text(date).size(size::SMALL).style(muted),
    ]
    .spacing(gap::S)
    .align_y(Alignment::Center);
    let recipients: Element<'a, Message> = if cx.recipients_open {
        let mut all = column![
            text(format!("{}: {}", fl!("header-to"), names(&o.message.to)))
                .size(size::SMALL)
                .style(muted)
        ]
        .spacing(gap::XXS);
        if !o.message.cc.is_empty() {
            all = all.push(
                text(format!("{}: {}", fl!("header-cc"), names(&o.message.cc)))
                    .size(size::SMALL)
                    .style(muted),
            );
        }
        button(all)
            .on_press(Message::ToggleRecipients)
            .padding(0)
            .style(theme::tool)
            .into()
    } else {
        let everyone: Vec<&Address> = o.message.to.iter().chain(&o.message.cc).collect();
        button(
            row![
                text(recipients_summary(&everyone, cx.me))
                    .size(size::SMALL)
                    .style(muted),
                icon::view(Icon::Expanded, 12.0, Ink::Muted),
            ]
            .spacing(gap::XS)
            .align_y(Alignment::Center),
        )
        .on_press(Message::ToggleRecipients)
        .padding(0)
        .style(theme::tool)
        .into()
    };
    // The answers at hand, beside who wrote.
    let act = |icon: Icon, said: String, tool: Tool| {
        tooltip(
            button(icon::view(icon, 16.0, Ink::Text))
                .on_press(Message::Tool(tool))
                .padding(6)
                .style(theme::tool),
            container(text(said).size(size::SMALL))
                .padding([gap::XS, gap::S])
                .style(theme::lifted),
            tooltip::Position::Bottom,
        )
    };
    let actions = row![
        act(Icon::Reply, fl!("tool-reply"), Tool::Reply),
        act(Icon::ReplyAll, fl!("tool-reply-all"), Tool::ReplyAll),
        act(Icon::Forward, fl!("tool-forward"), Tool::Forward),
    ]
    .spacing(gap::XXS);
    let card = container(
        row![
            avatar,
            column![first, recipients]
                .spacing(gap::XXS)
                .width(Length::Fill),
            actions
        ]
        .spacing(gap::M)
        .align_y(Alignment::Center),
    )
    .padding(gap::M)
    .width(Length::Fill)
    .style(theme::card);
    // In a conversation: the earlier messages above the card, the later
    // ones under it, each on one line (Geary's collapsed messages).
    let mut content = column![text(subject).size(size::HEADLINE).font(bold)].spacing(gap::M);
    let others = cx.conversation.len() > 1;
    let at = cx.conversation.iter().position(|r| r.id == o.row.id);
    if others && let Some(at) = at {
        let today = crate::gui::dates::today();
        let lines = |rows: &[crate::store::MessageRow]| {
            let mut col = column![].spacing(gap::XXS);
            for r in rows {
                col = col.push(conversation_line(r, today));
            }
            col
        };
        content = content.push(lines(&cx.conversation[..at]));
        content = content.push(card);
        content = content.push(lines(&cx.conversation[at + 1..]));
    } else {
        content = content.push(card);
    }
    // A read receipt asked for: the user's word, never automatic.
    if let Some(to) = cx.receipt {
        use crate::gui::screen::mailbox::DeliveryMsg;
        content = content.push(
            container(
                row![
                    text(fl!("receipt-asked", address = to.to_owned()))
                        .size(size::SMALL)
                        .width(Length::Fill),
                    button(text(fl!("receipt-send")).size(size::SMALL))
                        .on_press(Message::Delivery(DeliveryMsg::AnswerReceipt(true)))
                        .padding([3.0, gap::M])
                        .style(theme::secondary),
                    button(text(fl!("receipt-ignore")).size(size::SMALL))
                        .on_press(Message::Delivery(DeliveryMsg::AnswerReceipt(false)))
                        .padding([3.0, gap::M])
                        .style(theme::secondary),
                ]
                .spacing(gap::S)
                .align_y(Alignment::Center),
            )
            .padding([gap::XS, gap::M])
            .width(Length::Fill)
            .style(theme::banner(theme::Tone::Info)),
        );
    }
    // Where the copies went, under who they went to.
    if let Some((record, timeline)) = cx.delivery {
        use crate::gui::screen::mailbox::DeliveryMsg;
        content = content.push(crate::gui::widget::delivery::card(
            record,
            timeline,
            crate::gui::widget::delivery::On {
                toggle_timeline: Message::Delivery(DeliveryMsg::ToggleTimeline),
                resend: Message::Delivery(DeliveryMsg::Resend(record.outbox_id)),
            },
        ));
    }
    match &o.html {
        Some(view) => content = content.push(view.bars().map(Message::Html)),
        None if o.html_only => {
            content = content.push(
                text(fl!("reader-html-as-text"))
                    .size(size::CAPTION)
                    .style(muted),
            )
        }
        None => {}
    }
    if o.has_remote && o.html.is_none() {
        content = content.push(
            text(fl!("reader-remote-blocked"))
                .size(size::CAPTION)
                .style(muted),
        );
    }
    // Attachments as cards: a type icon, the name and size, Save and Open.
    let mut cards = row![].spacing(gap::S);
    let mut any = false;
    for (i, part) in o.message.attachments.iter().enumerate() {
        // Pictures the painted page shows in place are not files to offer.
        let html = o.message.html.as_deref().filter(|_| o.html.is_some());
        if let (Some(html), Some(cid)) = (html, &part.content_id)
            && html.contains(&format!("cid:{cid}"))
        {
            continue;
        }
        any = true;
        let name = part
            .name
            .clone()
            .unwrap_or_else(|| fl!("attachment-unnamed"));
        // A picture's card shows the picture; others the paper clip.
        let mark: Element<'a, Message> = match o.pictures.iter().find(|p| p.attachment == i) {
            Some(p) => iced::widget::image(p.thumb.clone())
                .width(THUMB)
                .height(THUMB)
                .into(),
            None => icon::view(
                Icon::File(icon::FileKind::of(&part.mime_type, part.name.as_deref())),
                28.0,
                Ink::Muted,
            )
            .into(),
        };
        cards = cards.push(
            container(
                row![
                    mark,
                    column![
                        text(name)
                            .size(size::SMALL)
                            .font(bold)
                            .wrapping(Wrapping::None),
                        text(human_size(part.size as u64))
                            .size(size::CAPTION)
                            .style(muted),
                    ]
                    .width(Length::Fixed(ATTACHMENT_TEXT)),
                    button(text(fl!("attachment-save")).size(size::CAPTION))
                        .on_press(Message::SaveAttachment(i))
                        .padding([3, 8])
                        .style(theme::secondary),
                    button(text(fl!("attachment-open")).size(size::CAPTION))
                        .on_press(Message::OpenAttachment(i))
                        .padding([3, 8])
                        .style(theme::secondary),
                ]
                .spacing(gap::S)
                .align_y(Alignment::Center),
            )
            .padding([gap::S, gap::M])
            .clip(true)
            .style(theme::card),
        );
    }
    if any {
        content = content.push(cards.wrap().vertical_spacing(gap::S));
    }
    match &o.html {
        Some(view) if view.painted() => {
            // Laid out for the pane's width as last measured; shown at the
            // width there really is.
            content = content.push(iced::widget::responsive(move |size| {
                scrollable(view.page(size.width - SCROLLBAR).map(Message::Html))
                    .direction(scrollable::Direction::Both {
                        vertical: scrollable::Scrollbar::default(),
                        horizontal: scrollable::Scrollbar::default(),
                    })
                    .width(Length::Fill)
                    .height(Length::Fill)
                    .into()
            }));
        }
        _ if !o.pictures.is_empty() => {
            // The text and, under it, the attached pictures, in one scroll
            // (Thunderbird's "display attachments inline").
            let mut page = column![
                text_editor(&o.body)
                    .on_action(Message::ReaderAction)
                    .size(size::BODY)
                    .padding(0)
                    .style(plain_text)
            ]
            .spacing(gap::L)
            .padding(iced::Padding {
                right: SCROLLBAR,
                ..iced::Padding::ZERO
            });
            for p in &o.pictures {
                page = page.push(picture(o, p));
            }
            content = content.push(scrollable(page).height(Length::Fill));
        }
        _ => {
            content = content.push(
                text_editor(&o.body)
                    .on_action(Message::ReaderAction)
                    .height(Length::Fill)
                    .size(size::BODY)
                    .padding(0)
                    .style(plain_text),
            );
        }
    }
    content.into()
}

/// Another message of the conversation, on one line: who, the start of
/// the text, when; a click opens it.
fn conversation_line<'a>(
    r: &crate::store::MessageRow,
    today: jiff::civil::Date,
) -> Element<'a, Message> {
    let sender = if r.from_name.is_empty() {
        r.from_addr.clone()
    } else {
        r.from_name.clone()
    };
    let unread = !r.flags.has(crate::store::Flags::SEEN);
    let weight = if unread {
        font::Weight::Bold
    } else {
        font::Weight::Normal
    };
    let avatar = container(
        text(crate::gui::widget::message_list::initials(&sender))
            .size(size::CAPTION)
            .color(iced::Color::WHITE),
    )
    .center(LINE_AVATAR)
    .style(theme::avatar(&r.from_addr));
    let said = if r.snippet.trim().is_empty() {
        r.subject.clone()
    } else {
        r.snippet.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    button(
        row![
            avatar,
            container(
                text(sender)
                    .size(size::SMALL)
                    .font(Font {
                        weight,
                        ..Font::DEFAULT
                    })
                    .wrapping(Wrapping::None)
            )
            .width(Length::Fixed(LINE_SENDER))
            .clip(true),
            container(
                text(said)
                    .size(size::SMALL)
                    .style(muted)
                    .wrapping(Wrapping::None)
            )
            .width(Length::Fill)
            .clip(true),
            text(crate::gui::dates::list(r.date, today))
                .size(size::CAPTION)
                .style(muted),
        ]
        .spacing(gap::S)
        .align_y(Alignment::Center),
    )
    .on_press(Message::OpenInConversation(r.id))
    .width(Length::Fill)
    .padding([gap::XS, gap::M])
    .style(|t: &iced::Theme, status| {
        let mut style = theme::entry(false)(t, status);
        if style.background.is_none() {
            style.background = Some(iced::Background::Color(theme::colors(t).card));
        }
        style
    })
    .into()
}

/// An attached picture under the text: at its own size, or the pane's
/// width when wider, with its name under it.
fn picture<'a>(o: &'a Opened, p: &'a crate::gui::screen::mailbox::Picture) -> Element<'a, Message> {
    let name = o
        .message
        .attachments
        .get(p.attachment)
        .and_then(|a| a.name.clone())
        .unwrap_or_default();
    column![
        container(
            iced::widget::image(p.handle.clone())
                .width(Length::Fill)
                .content_fit(iced::ContentFit::ScaleDown)
        )
        .max_width(p.width as f32),
        text(name).size(size::CAPTION).style(muted),
    ]
    .spacing(gap::XS)
    .into()
}

const AVATAR: f32 = 40.0;
/// A conversation line's avatar and sender widths.
const LINE_AVATAR: f32 = 24.0;
const LINE_SENDER: f32 = 140.0;
/// Room for the page's vertical scroll bar.
const SCROLLBAR: f32 = 14.0;
/// The side of a picture's thumbnail on its attachment card.
const THUMB: f32 = 36.0;
/// The width of an attachment card's name and size.
const ATTACHMENT_TEXT: f32 = 170.0;

fn muted(theme: &iced::Theme) -> text::Style {
    text::Style {
        color: Some(theme::colors(theme).muted),
    }
}

/// The message's text as the page shows it: no frame, no field colour.
fn plain_text(theme: &iced::Theme, _status: text_editor::Status) -> text_editor::Style {
    let c = theme::colors(theme);
    text_editor::Style {
        background: iced::Background::Color(iced::Color::TRANSPARENT),
        border: iced::Border::default(),
        placeholder: c.faint,
        value: c.text,
        selection: iced::Color { a: 0.3, ..c.accent },
    }
}

/// The recipients in one line, as mail apps write it: "to me, Carla
/// Mendes", "to Ben Okafor, +3".
pub fn recipients_summary(everyone: &[&Address], me: Option<&str>) -> String {
    let is_me = |a: &Address| me.is_some_and(|me| a.email.eq_ignore_ascii_case(me));
    let mut shown: Vec<String> = Vec::new();
    // "me" first: that is why the message is here.
    if everyone.iter().any(|a| is_me(a)) {
        shown.push(fl!("reader-me"));
    }
    for a in everyone.iter().filter(|a| !is_me(a)) {
        shown.push(match &a.name {
            Some(n) if !n.is_empty() => n.clone(),
            _ => a.email.clone(),
        });
    }
    match shown.len() {
        0 => fl!("reader-to-nobody"),
        1 | 2 => fl!("reader-to", names = shown.join(", ")),
        n => fl!(
            "reader-to-more",
            names = shown[0].clone(),
            more = ((n - 1) as u64)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(name: &str, email: &str) -> Address {
        Address {
            name: (!name.is_empty()).then(|| name.to_owned()),
            email: email.to_owned(),
        }
    }

    #[test]
    fn recipients_are_summed_up_with_me_first() {
        let me = addr("", "anna@example.test");
        let carla = addr("Carla Mendes", "carla@example.test");
        let ben = addr("", "ben@example.test");
        let dora = addr("Dora", "dora@example.test");
        assert_eq!(
            recipients_summary(&[&carla, &me], Some("ANNA@example.test")),
            fl!(
                "reader-to",
                names = format!("{}, Carla Mendes", fl!("reader-me"))
            )
        );
        assert_eq!(
            recipients_summary(&[&carla, &ben, &dora], None),
            fl!("reader-to-more", names = "Carla Mendes", more = 2u64)
        );
        assert_eq!(recipients_summary(&[], None), fl!("reader-to-nobody"));
    }
}
