//! How the composer looks: the actions, the header fields with their
//! hints and completions, attachment chips, the formatting bar and the
//! body (beside its preview when asked).

use iced::widget::{button, column, container, pick_list, row, text, text_editor, text_input};
use iced::{Alignment, Element, Length};

use super::{Field, Format, Message, State};
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
        let field = |name: String, id: &'static str, value: &str, on: fn(String) -> Message| {
            let this = match id {
                "compose-to" => Some(Field::To),
                "compose-cc" => Some(Field::Cc),
                "compose-bcc" => Some(Field::Bcc),
                _ => None,
            };
            // Only address fields are checked; the subject is free text.
            // The address still being typed is not judged yet; the ones
            // before it, ended by a comma, are.
            let finished = value.rsplit_once([',', ';']).map_or("", |(done, _)| done);
            let hint = if this.is_some() {
                Self::invalid(finished)
            } else {
                Vec::new()
            };
            let mut col = column![
                row![
                    label(name.clone()),
                    text_input(&name, value)
                        .id(id)
                        .on_input(on)
                        .size(size::BODY)
                        .padding([6.0, gap::S])
                        .style(theme::field)
                        .width(Length::Fill)
                ]
                .spacing(gap::M)
                .align_y(Alignment::Center)
            ]
            .spacing(gap::XS);
            // What is wrong, next to the field it concerns.
            if !hint.is_empty() {
                col = col.push(row![
                    iced::widget::space().width(LABEL + gap::M),
                    text(fl!("compose-bad-address", address = hint.join(", ")))
                        .size(size::CAPTION)
                        .style(|theme: &iced::Theme| text::Style {
                            color: Some(theme::colors(theme).danger),
                        })
                ]);
            }
            if this.is_some() && this == self.suggest_field && !self.suggestions.is_empty() {
                let mut offers = row![].spacing(gap::S);
                for s in self.suggestions.iter().take(5) {
                    offers = offers.push(
                        button(text(s.clone()).size(size::SMALL))
                            .on_press(Message::Complete(s.clone()))
                            .padding([3.0, gap::S])
                            .style(theme::secondary),
                    );
                }
                col = col.push(row![iced::widget::space().width(LABEL + gap::M), offers]);
            }
            col
        };
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
            field(fl!("compose-to"), "compose-to", &self.to, Message::To),
            field(fl!("compose-cc"), "compose-cc", &self.cc, Message::Cc),
            field(fl!("compose-bcc"), "compose-bcc", &self.bcc, Message::Bcc),
            field(
                fl!("compose-subject"),
                "compose-subject",
                &self.subject,
                Message::Subject
            ),
        ]
        .spacing(gap::S);
        // Attachments as chips: icon, name, size, and × to take it off.
        if !self.attachments.is_empty() {
            let mut chips = row![].spacing(gap::S);
            for (i, a) in self.attachments.iter().enumerate() {
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
                            icon::view(Icon::Attachment, 14.0, Ink::Muted),
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
        let top = container(column![actions, head, self.format_bar()].spacing(gap::M))
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
        bar.into()
    }
}

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
