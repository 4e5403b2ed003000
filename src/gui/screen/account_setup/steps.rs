//! Adding an account as mail apps do it: name, address and password
//! first; Continue looks the settings up and shows what it found (and
//! logs in); "Configure manually" opens the whole form.

use iced::widget::{button, column, container, row, scrollable, text, text_input};
use iced::{Alignment, Element, Font, Length, font};

use super::{Message, State};
use crate::account::{Protocol, Security};
use crate::fl;
use crate::gui::theme::{self, gap, size};

/// Where a new account's setup is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Stage {
    /// Name, address, password.
    #[default]
    Start,
    /// What discovery found, and how the logins went.
    Found,
    /// Every field (editing an account always starts here).
    Manual,
}

/// The security setting as mail apps spell it.
pub fn security_label(security: Security) -> String {
    match security {
        Security::Tls => "SSL/TLS".into(),
        Security::Starttls => "STARTTLS".into(),
        Security::None => fl!("setup-security-none"),
    }
}

/// A security setting in a pick list, with its label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecurityChoice(pub Security);

impl std::fmt::Display for SecurityChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&security_label(self.0))
    }
}

/// How the account logs in, in a pick list: a password, or the browser
/// sign-in (OAuth2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginChoice(pub bool);

impl std::fmt::Display for LoginChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&if self.0 {
            fl!("setup-login-oauth")
        } else {
            fl!("setup-login-password")
        })
    }
}

/// A protocol in a pick list, spelled as its RFC does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProtocolChoice(pub Protocol);

impl std::fmt::Display for ProtocolChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self.0 {
            Protocol::Imap => "IMAP",
            Protocol::Pop3 => "POP3",
        })
    }
}

/// A setup screen's body, centred at a readable width and scrollable.
pub(super) fn page(body: Element<'_, Message>) -> Element<'_, Message> {
    container(scrollable(
        container(container(body).max_width(640))
            .padding(gap::XL)
            .center_x(Length::Fill),
    ))
    .width(Length::Fill)
    .height(Length::Fill)
    .style(theme::view)
    .into()
}

fn bold() -> Font {
    Font {
        weight: font::Weight::Bold,
        ..Font::DEFAULT
    }
}

fn muted(theme: &iced::Theme) -> text::Style {
    text::Style {
        color: Some(theme::colors(theme).muted),
    }
}

fn danger(theme: &iced::Theme) -> text::Style {
    text::Style {
        color: Some(theme::colors(theme).danger),
    }
}

impl State {
    /// Step one: who you are, your address, your password.
    pub(super) fn start_view(&self) -> Element<'_, Message> {
        let field = |label: String, id: &'static str, value: &str, on: fn(String) -> Message| {
            column![
                text(label.clone()).size(size::SMALL).style(muted),
                text_input(&label, value)
                    .id(id)
                    .on_input(on)
                    .on_submit(Message::Discover)
                    .size(size::BODY)
                    .padding([8.0, gap::M])
                    .style(theme::field),
            ]
            .spacing(gap::XS)
        };
        let mut form = column![
            text(fl!("setup-title")).size(size::DISPLAY).font(bold()),
            text(fl!("setup-quick-intro")).size(size::BODY).style(muted),
            field(
                fl!("setup-display-name"),
                "setup-display-name",
                &self.display_name,
                Message::DisplayName
            ),
            field(
                fl!("setup-email"),
                "setup-email",
                &self.email,
                Message::Email
            ),
            column![
                text(fl!("setup-password")).size(size::SMALL).style(muted),
                text_input(&fl!("setup-password"), &self.password)
                    .id("setup-password")
                    .secure(true)
                    .on_input(Message::Password)
                    .on_submit(Message::Discover)
                    .size(size::BODY)
                    .padding([8.0, gap::M])
                    .style(theme::field),
            ]
            .spacing(gap::XS),
        ]
        .spacing(gap::L);
        if self.busy {
            form = form.push(
                text(fl!("setup-looking", email = self.email.trim().to_owned()))
                    .size(size::BODY)
                    .style(muted),
            );
        }
        if let Some(e) = &self.error {
            form = form.push(
                container(text(e.clone()).size(size::SMALL))
                    .padding([gap::S, gap::M])
                    .width(Length::Fill)
                    .style(theme::banner(theme::Tone::Danger)),
            );
        }
        form = form.push(self.results_view());
        form = form.push(
            row![
                button(text(fl!("setup-manual")).size(size::BODY))
                    .on_press(Message::Manual)
                    .padding([8.0, gap::M])
                    .style(theme::secondary),
                iced::widget::space().width(Length::Fill),
                button(text(fl!("setup-cancel")).size(size::BODY))
                    .on_press(Message::Cancel)
                    .padding([8.0, gap::M])
                    .style(theme::secondary),
                button(text(fl!("setup-continue")).size(size::BODY))
                    .on_press_maybe((!self.busy).then_some(Message::Discover))
                    .padding([8.0, gap::L])
                    .style(theme::primary),
            ]
            .spacing(gap::S)
            .align_y(Alignment::Center),
        );
        page(form.into())
    }

    /// Step two: the servers found, where from, and how logging in went.
    pub(super) fn found_summary_view(&self) -> Element<'_, Message> {
        let server = |title: String, protocol: &str, host: &str, port: &str, security| {
            container(
                column![
                    text(title).size(size::SMALL).style(muted),
                    text(format!("{protocol} · {host}:{port}"))
                        .size(size::BODY)
                        .font(bold()),
                    text(security_label(security))
                        .size(size::SMALL)
                        .style(muted),
                ]
                .spacing(gap::XXS),
            )
            .padding(gap::M)
            .width(Length::Fill)
            .style(theme::card)
        };
        let protocol = match self.protocol.unwrap_or_default() {
            Protocol::Imap => "IMAP",
            Protocol::Pop3 => "POP3",
        };
        let mut form = column![
            text(fl!("setup-found-title"))
                .size(size::DISPLAY)
                .font(bold()),
            text(self.email.trim().to_owned())
                .size(size::BODY)
                .style(muted),
            row![
                server(
                    fl!("setup-incoming"),
                    protocol,
                    &self.in_host,
                    &self.in_port,
                    self.in_security.unwrap_or_default()
                ),
                server(
                    fl!("setup-outgoing"),
                    "SMTP",
                    &self.out_host,
                    &self.out_port,
                    self.out_security.unwrap_or_default()
                ),
            ]
            .spacing(gap::M),
        ]
        .spacing(gap::L);
        // Both offered: the user picks, IMAP first (Thunderbird's order).
        if let Some(found) = &self.found
            && found.other_incoming.is_some()
        {
            let now = self.protocol.unwrap_or_default();
            // Each way as a row to click, marked when chosen (a radio
            // button's label could not be read back by the tests).
            let choice = |p: Protocol, label: String| {
                let chosen = p == now;
                let mark = container(iced::widget::space().width(8).height(8))
                    .padding(3)
                    .style(move |t: &iced::Theme| {
                        let c = theme::colors(t);
                        container::Style {
                            background: chosen.then_some(iced::Background::Color(c.accent)),
                            border: iced::Border {
                                color: if chosen { c.accent } else { c.border },
                                width: 2.0,
                                radius: theme::radius::PILL.into(),
                            },
                            ..container::Style::default()
                        }
                    });
                button(
                    row![mark, text(label).size(size::BODY)]
                        .spacing(gap::S)
                        .align_y(Alignment::Center),
                )
                .on_press(Message::UseIncoming(p))
                .width(Length::Fill)
                .padding([gap::S, gap::M])
                .style(theme::entry(chosen))
            };
            form = form.push(
                column![
                    text(fl!("setup-choose-title"))
                        .size(size::TITLE)
                        .font(bold()),
                    choice(Protocol::Imap, fl!("setup-choose-imap")),
                    choice(Protocol::Pop3, fl!("setup-choose-pop3")),
                ]
                .spacing(gap::XS),
            );
        }
        form = form.push(self.found_view());
        form = form.push(self.results_view());
        let approved = self.awaiting().is_empty();
        form = form.push(
            row![
                button(text(fl!("setup-back")).size(size::BODY))
                    .on_press(Message::Back)
                    .padding([8.0, gap::M])
                    .style(theme::secondary),
                button(text(fl!("setup-manual")).size(size::BODY))
                    .on_press(Message::Manual)
                    .padding([8.0, gap::M])
                    .style(theme::secondary),
                iced::widget::space().width(Length::Fill),
                // A provider that signs in in the browser: that first.
                self.any_oauth().then(|| {
                    button(text(fl!("setup-sign-in")).size(size::BODY))
                        .on_press_maybe((!self.busy && approved).then_some(Message::SignIn))
                        .padding([8.0, gap::M])
                        .style(if self.signed {
                            theme::secondary
                        } else {
                            theme::primary
                        })
                }),
                button(text(fl!("setup-done")).size(size::BODY))
                    .on_press_maybe(
                        (!self.busy && approved && (!self.any_oauth() || self.signed))
                            .then_some(Message::Save)
                    )
                    .padding([8.0, gap::L])
                    .style(theme::primary),
            ]
            .spacing(gap::S)
            .align_y(Alignment::Center),
        );
        page(form.into())
    }

    /// One line per server tested: logged in, or why not (with the
    /// certificate to trust when that is the only problem), and the
    /// form's error.
    pub(super) fn results_view(&self) -> Element<'_, Message> {
        let mut lines = column![].spacing(gap::S);
        if let Some(note) = &self.signed_note {
            lines = lines.push(text(format!("✓ {note}")).size(size::SMALL));
        }
        for r in &self.results {
            let which = if r.incoming {
                fl!("setup-incoming")
            } else {
                fl!("setup-outgoing")
            };
            let verdict = if r.ok { "✓" } else { "✗" };
            let line = text(format!("{verdict} {which}: {}", r.message)).size(size::SMALL);
            lines = lines.push(if r.ok { line } else { line.style(danger) });
            if let Some(fp) = &r.fingerprint {
                lines = lines.push(
                    button(text(fl!("setup-trust", fingerprint = fp.clone())).size(size::SMALL))
                        .on_press(Message::Trust(fp.clone()))
                        .padding([4.0, gap::M])
                        .style(theme::secondary),
                );
            }
        }
        if self.stage != Stage::Start
            && let Some(e) = &self.error
        {
            lines = lines.push(text(e.clone()).size(size::SMALL).style(danger));
        }
        lines.into()
    }
}
