//! How the composer looks: the actions, the header fields with their
//! hints and completions, attachment chips, the formatting bar and the
//! body (beside its preview when asked).

use iced::widget::{button, column, container, pick_list, row, text, text_editor, text_input};
use iced::{Alignment, Element, Length};

use super::{Field, Format, Later, Message, State};
use crate::fl;
use crate::gui::icon::{self, Icon, Ink};
use crate::gui::theme::{self, gap, size};
use crate::message::compose::AttachmentSource;

impl State {
    pub fn view(&self) -> Element<'_, Message> {
        let label = |s: String| {
            container(text(s).size(size::SMALL).style(muted))
                .width(LABEL)
                .align_right(LABEL)
        };
        let subject = row![
            label(fl!("compose-subject")),
            text_input(&fl!("compose-subject"), &self.subject)
                .id("compose-subject")
                .on_input(Message::Subject)
                .size(size::BODY)
                .padding([6.0, gap::S])
                .style(theme::field)
                .width(Length::Fill)
        ]
        .spacing(gap::M)
        .align_y(Alignment::Center);
        // From: every identity as "Name <address>".
        let choices: Vec<FromChoice> = self
            .accounts
            .iter()
            .map(|name| FromChoice {
                name: name.clone(),
                label: self
                    .identities
                    .get(name)
                    .cloned()
                    .unwrap_or_else(|| name.clone()),
            })
            .collect();
        let chosen = self
            .from
            .as_ref()
            .and_then(|f| choices.iter().find(|c| &c.name == f).cloned());
        let mut head = column![
            row![
                label(fl!("compose-from")),
                pick_list(choices, chosen, |c: FromChoice| Message::From(c.name))
                    .text_size(size::BODY)
                    .padding([6.0, gap::S])
                    .style(theme::picker)
                    .width(Length::Fill)
            ]
            .spacing(gap::M)
            .align_y(Alignment::Center),
            self.address_field(fl!("compose-to"), "compose-to", Field::To, &self.to),
            self.address_field(fl!("compose-cc"), "compose-cc", Field::Cc, &self.cc),
            self.address_field(fl!("compose-bcc"), "compose-bcc", Field::Bcc, &self.bcc),
            subject,
        ]
        .spacing(gap::S);
        // Attachments as chips: icon, name, size, and × to take it off.
        if !self.attachments.is_empty() {
            let mut chips = row![].spacing(gap::S);
            for (i, a) in self.attachments.iter().enumerate() {
                let kind = match a {
                    AttachmentSource::File(p) => {
                        let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
                        icon::FileKind::of("", name.as_deref())
                    }
                    AttachmentSource::Bytes {
                        name, mime_type, ..
                    } => icon::FileKind::of(mime_type, Some(name)),
                };
                let (name, size_of) = match a {
                    AttachmentSource::File(p) => (
                        p.file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default(),
                        std::fs::metadata(p).map(|m| m.len()).unwrap_or(0),
                    ),
                    AttachmentSource::Bytes { name, data, .. } => (name.clone(), data.len() as u64),
                };
                chips = chips.push(
                    container(
                        row![
                            icon::view(Icon::File(kind), 16.0, Ink::Muted),
                            text(name).size(size::SMALL),
                            text(super::super::mailbox::human_size(size_of))
                                .size(size::CAPTION)
                                .style(muted),
                            button(icon::view(Icon::Clear, 12.0, Ink::Muted))
                                .on_press(Message::Remove(i))
                                .padding(3)
                                .style(theme::tool),
                        ]
                        .spacing(gap::S)
                        .align_y(Alignment::Center),
                    )
                    .padding([gap::XXS, gap::S])
                    .style(theme::card),
                );
            }
            head = head.push(row![
                iced::widget::space().width(LABEL + gap::M),
                chips.wrap().vertical_spacing(gap::S)
            ]);
        }
        // Without a file chooser on this desktop, a path can be typed.
        if self.attach_by_path {
            head = head.push(
                row![
                    label(fl!("compose-attach")),
                    text_input(&fl!("compose-attach-placeholder"), &self.attach_path)
                        .id("compose-attach")
                        .on_input(Message::AttachPath)
                        .on_submit(Message::Attach)
                        .size(size::BODY)
                        .padding([6.0, gap::S])
                        .style(theme::field),
                    button(text(fl!("compose-attach")).size(size::BODY))
                        .on_press(Message::Attach)
                        .padding([6.0, gap::M])
                        .style(theme::secondary),
                ]
                .spacing(gap::M)
                .align_y(Alignment::Center),
            );
        }
        if let Some(error) = &self.error {
            head = head.push(
                container(text(error.clone()).size(size::SMALL))
                    .padding([gap::XS, gap::M])
                    .width(Length::Fill)
                    .style(theme::banner(theme::Tone::Danger)),
            );
        }
        let editor = container(
            text_editor(&self.body)
                .id("compose-body")
                .placeholder(fl!("compose-body-placeholder"))
                .on_action(Message::Body)
                // Ctrl+Enter sends even while the body has the focus.
                .key_binding(|press| {
                    if press.key == iced::keyboard::Key::Named(iced::keyboard::key::Named::Enter)
                        && press.modifiers.command()
                    {
                        Some(text_editor::Binding::Custom(Message::Send))
                    } else {
                        text_editor::Binding::from_key_press(press)
                    }
                })
                .size(size::BODY)
                .padding(gap::M)
                .style(body_style)
                .height(Length::Fill),
        )
        .width(Length::Fill)
        .height(Length::Fill)
        .style(theme::view);
        // With the preview: the text on the left, the page on the right.
        let body: Element<'_, Message> = match (&self.preview, self.preview_on) {
            (Some(page), true) => row![
                editor,
                iced::widget::rule::vertical(1).style(theme::divider),
                container(iced::widget::responsive(move |size| page
                    .page(size.width)
                    .map(Message::PreviewPage)))
                .padding(gap::M)
                .width(Length::Fill)
                .height(Length::Fill)
                .style(theme::view)
            ]
            .into(),
            _ => editor.into(),
        };
        let actions = if self.confirm_close {
            row![
                text(fl!("compose-unsaved"))
                    .size(size::BODY)
                    .width(Length::Fill),
                button(text(fl!("compose-discard")).size(size::BODY))
                    .on_press(Message::Discard)
                    .padding([6.0, gap::M])
                    .style(theme::danger),
                button(text(fl!("compose-keep-editing")).size(size::BODY))
                    .on_press(Message::KeepEditing)
                    .padding([6.0, gap::M])
                    .style(theme::secondary),
            ]
        } else {
            row![
                button(
                    row![
                        icon::view(Icon::Send, 16.0, Ink::OnAccent),
                        text(fl!("compose-send")).size(size::BODY)
                    ]
                    .spacing(gap::S)
                    .align_y(Alignment::Center)
                )
                .on_press_maybe((!self.sending).then_some(Message::Send))
                .padding([6.0, gap::M])
                .style(theme::primary),
                button(text(fl!("compose-send-later")).size(size::BODY))
                    .on_press_maybe((!self.sending).then_some(Message::LaterOpen(!self.later_open)))
                    .padding([6.0, gap::M])
                    .style(theme::secondary),
                button(
                    row![
                        icon::view(Icon::Attachment, 16.0, Ink::Text),
                        text(fl!("compose-attach-browse")).size(size::BODY)
                    ]
                    .spacing(gap::S)
                    .align_y(Alignment::Center)
                )
                .on_press(Message::Browse)
                .padding([6.0, gap::M])
                .style(theme::secondary),
                iced::widget::space().width(Length::Fill),
                button(text(fl!("compose-close")).size(size::BODY))
                    .on_press(Message::Close)
                    .padding([6.0, gap::M])
                    .style(theme::secondary),
            ]
        }
        .spacing(gap::S)
        .align_y(Alignment::Center);
        let top =
            container(column![actions, self.later_bar(), head, self.format_bar()].spacing(gap::M))
                .padding([gap::M, gap::L])
                .width(Length::Fill)
                .style(theme::window);
        column![
            top,
            iced::widget::rule::horizontal(1).style(theme::divider),
            body
        ]
        .width(Length::Fill)
        .height(Length::Fill)
        .into()
    }
}

impl State {
    /// To, Cc or Bcc: each finished recipient a chip (name and address,
    /// red when it is no address, × to remove), then the box for the next
    /// one; completions below it, each with name and address, the first
    /// taken by Enter.
    fn address_field<'a>(
        &'a self,
        name: String,
        id: &'static str,
        field: Field,
        value: &'a str,
    ) -> Element<'a, Message> {
        let (chips, typing) = super::recipients(value);
        // Alone, the box takes the line; after chips, it follows them.
        let input_width = if chips.is_empty() {
            Length::Fill
        } else {
            Length::Fixed(INPUT)
        };
        let mut line = row![].spacing(gap::XS).align_y(Alignment::Center);
        for (i, address) in chips.into_iter().enumerate() {
            let valid = address.parse::<lettre::message::Mailbox>().is_ok();
            let (shown, detail) = match address.rsplit_once('<') {
                Some((n, a)) if !n.trim().is_empty() => (
                    n.trim().trim_matches('"').to_owned(),
                    Some(a.trim_end_matches('>').to_owned()),
                ),
                _ => (address.clone(), None),
            };
            let mut chip = row![text(shown).size(size::SMALL)]
                .spacing(gap::XS)
                .align_y(Alignment::Center);
            if let Some(detail) = detail {
                chip = chip.push(text(detail).size(size::CAPTION).style(muted));
            }
            chip = chip.push(
                button(icon::view(Icon::Clear, 10.0, Ink::Muted))
                    .on_press(Message::Unchip(field, i))
                    .padding(2)
                    .style(theme::tool),
            );
            line = line.push(container(chip).padding([2.0, gap::S]).style(
                move |t: &iced::Theme| {
                    let c = theme::colors(t);
                    container::Style {
                        background: Some(iced::Background::Color(if valid {
                            c.selected
                        } else {
                            theme::mix(c.view, c.danger, 0.15)
                        })),
                        border: iced::Border {
                            color: if valid { c.selected } else { c.danger },
                            width: 1.0,
                            radius: theme::radius::PILL.into(),
                        },
                        text_color: Some(c.text),
                        ..container::Style::default()
                    }
                },
            ));
        }
        let input = text_input(&name, typing)
            .id(id)
            .on_input(move |v| Message::Typed(field, v))
            .on_submit(Message::Finish(field))
            .size(size::BODY)
            .padding([4.0, gap::XS])
            .style(theme::bare_field)
            .width(input_width);
        let boxed = container(line.push(input).wrap().vertical_spacing(gap::XS))
            .padding([2.0, gap::S])
            .width(Length::Fill)
            .style(theme::search_box(false));
        let mut col = column![
            row![
                container(text(name).size(size::SMALL).style(muted))
                    .width(LABEL)
                    .align_right(LABEL),
                boxed
            ]
            .spacing(gap::M)
            .align_y(Alignment::Center)
        ]
        .spacing(gap::XS);
        let invalid = Self::invalid(super::recipients(value).0.join(",").as_str());
        if !invalid.is_empty() {
            col = col.push(row![
                iced::widget::space().width(LABEL + gap::M),
                text(fl!("compose-bad-address", address = invalid.join(", ")))
                    .size(size::CAPTION)
                    .style(|theme: &iced::Theme| text::Style {
                        color: Some(theme::colors(theme).danger),
                    })
            ]);
        }
        if self.suggest_field == Some(field) && !self.suggestions.is_empty() {
            let mut offers = column![].spacing(gap::XXS);
            for (i, s) in self.suggestions.iter().take(5).enumerate() {
                let (who, address) = match s.rsplit_once('<') {
                    Some((n, a)) if !n.trim().is_empty() => {
                        (n.trim().to_owned(), a.trim_end_matches('>').to_owned())
                    }
                    _ => (s.clone(), String::new()),
                };
                offers = offers.push(
                    button(
                        row![
                            text(who).size(size::BODY),
                            text(address).size(size::SMALL).style(muted),
                        ]
                        .spacing(gap::S)
                        .align_y(Alignment::Center),
                    )
                    .on_press(Message::Complete(s.clone()))
                    .width(Length::Fill)
                    .padding([4.0, gap::S])
                    // The first is what Enter takes.
                    .style(theme::entry(i == 0)),
                );
            }
            col = col.push(row![
                iced::widget::space().width(LABEL + gap::M),
                container(offers)
                    .padding(gap::XS)
                    .max_width(420)
                    .style(theme::lifted)
            ]);
        }
        col.into()
    }

    /// Plain text or Markdown; in Markdown, the formatting buttons and
    /// the preview switch.
    fn format_bar(&self) -> Element<'_, Message> {
        let tool = |icon: Icon, label: String, format: Format| {
            iced::widget::tooltip(
                button(icon::view(icon, 16.0, Ink::Text))
                    .on_press(Message::Format(format))
                    .padding(6)
                    .style(theme::tool),
                container(text(label).size(size::SMALL))
                    .padding([gap::XS, gap::S])
                    .style(theme::lifted),
                iced::widget::tooltip::Position::Bottom,
            )
        };
        let mut bar = row![
            iced::widget::space().width(LABEL),
            iced::widget::checkbox(self.markdown)
                .label(fl!("compose-markdown"))
                .on_toggle(Message::Markdown)
                .size(16)
                .text_size(size::SMALL),
        ]
        .spacing(gap::M)
        .align_y(Alignment::Center);
        if self.markdown {
            bar = bar.push(
                row![
                    tool(Icon::Bold, fl!("compose-bold"), Format::Bold),
                    tool(Icon::Italic, fl!("compose-italic"), Format::Italic),
                    tool(Icon::Link, fl!("compose-link"), Format::Link),
                    tool(Icon::List, fl!("compose-list"), Format::List),
                    tool(Icon::Quote, fl!("compose-quote"), Format::Quote),
                ]
                .spacing(gap::XXS),
            );
            bar = bar.push(
                button(
                    row![
                        icon::view(Icon::Preview, 16.0, Ink::Text),
                        text(if self.preview_on {
                            fl!("compose-preview-hide")
                        } else {
                            fl!("compose-preview")
                        })
                        .size(size::SMALL)
                    ]
                    .spacing(gap::S)
                    .align_y(Alignment::Center),
                )
                .on_press(Message::Preview(!self.preview_on))
                .padding([4.0, gap::S])
                .style(theme::tool),
            );
        }
        bar.push(iced::widget::space().width(Length::Fill))
            .push(
                iced::widget::checkbox(self.delivery_report)
                    .label(fl!("compose-delivery-report"))
                    .on_toggle(Message::DeliveryReport)
                    .size(16)
                    .text_size(size::SMALL),
            )
            .push(
                iced::widget::checkbox(self.read_receipt)
                    .label(fl!("compose-read-receipt"))
                    .on_toggle(Message::ReadReceipt)
                    .size(16)
                    .text_size(size::SMALL),
            )
            .into()
    }
}

/// The width of the box an address is typed in, after the chips.
const INPUT: f32 = 220.0;

/// The width of the labels before the fields.
const LABEL: f32 = 64.0;

fn muted(theme: &iced::Theme) -> text::Style {
    text::Style {
        color: Some(theme::colors(theme).muted),
    }
}

/// The body: the page itself, no frame.
fn body_style(theme: &iced::Theme, _status: text_editor::Status) -> text_editor::Style {
    let c = theme::colors(theme);
    text_editor::Style {
        background: iced::Background::Color(c.view),
        border: iced::Border::default(),
        placeholder: c.faint,
        value: c.text,
        selection: iced::Color { a: 0.3, ..c.accent },
    }
}

/// An identity in From: the account's name underneath, "Name <address>"
/// shown.
#[derive(Debug, Clone, PartialEq, Eq)]
struct FromChoice {
    name: String,
    label: String,
}

impl std::fmt::Display for FromChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label)
    }
}

impl State {
    /// "Send later": tomorrow morning, Monday morning, or a time typed,
    /// each with the date it means.
    fn later_bar(&self) -> Option<Element<'_, Message>> {
        if !self.later_open || self.confirm_close {
            return None;
        }
        let now = crate::schedule::now();
        let when = |ts: jiff::Timestamp| crate::date::long(ts.as_second());
        let choice = |label: String, later: Later| {
            button(text(label).size(size::BODY))
                .on_press_maybe((!self.sending).then_some(Message::SendLater(later)))
                .padding([6.0, gap::M])
                .style(theme::secondary)
        };
        Some(
            row![
                text(fl!("compose-send-later-when")).size(size::BODY),
                choice(
                    fl!(
                        "compose-later-tomorrow",
                        when = when(crate::schedule::tomorrow_morning(&now))
                    ),
                    Later::TomorrowMorning
                ),
                choice(
                    fl!(
                        "compose-later-monday",
                        when = when(crate::schedule::monday_morning(&now))
                    ),
                    Later::MondayMorning
                ),
                text_input(&fl!("compose-later-placeholder"), &self.later_text)
                    .id("compose-later")
                    .on_input(Message::LaterText)
                    .on_submit(Message::SendLater(Later::Typed))
                    .padding([6.0, gap::S])
                    .style(theme::field)
                    .width(Length::Fixed(180.0)),
                choice(fl!("compose-later-schedule"), Later::Typed),
            ]
            .spacing(gap::S)
            .align_y(Alignment::Center)
            .wrap()
            .into(),
        )
    }
}
