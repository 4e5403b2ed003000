//! The mailbox's keyboard shortcuts (only keys no text field took).

use iced::keyboard;

use super::Message;
use super::screen::mailbox;

/// Keys of the mailbox (only when no text field has them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shortcut {
    Tool(mailbox::Tool),
    Step(i64),
    Search,
    /// Ctrl+A: every message of the list.
    PickAll,
    /// `?`: the overview of the keys; Escape closes it.
    Help(bool),
    /// Ctrl+Q: the window closes as by its close button.
    Quit,
}

pub fn shortcut(event: keyboard::Event) -> Option<Message> {
    use keyboard::key::Named;
    let keyboard::Event::KeyPressed { key, modifiers, .. } = event else {
        return None;
    };
    let tool = |t| Some(Message::Shortcut(Shortcut::Tool(t)));
    match key.as_ref() {
        keyboard::Key::Character("?") => Some(Message::Shortcut(Shortcut::Help(true))),
        keyboard::Key::Named(Named::Escape) => Some(Message::Shortcut(Shortcut::Help(false))),
        keyboard::Key::Character("n") if modifiers.command() => tool(mailbox::Tool::Compose),
        keyboard::Key::Character("q") if modifiers.command() => {
            Some(Message::Shortcut(Shortcut::Quit))
        }
        keyboard::Key::Character("a") if modifiers.command() => {
            Some(Message::Shortcut(Shortcut::PickAll))
        }
        keyboard::Key::Character("l") if modifiers.command() => tool(mailbox::Tool::Forward),
        keyboard::Key::Character("f") if modifiers.command() => {
            Some(Message::Shortcut(Shortcut::Search))
        }
        keyboard::Key::Character("r" | "R") if modifiers.shift() => tool(mailbox::Tool::ReplyAll),
        keyboard::Key::Character("j" | "J") if modifiers.shift() => tool(mailbox::Tool::Junk),
        keyboard::Key::Character("a") if !modifiers.command() => tool(mailbox::Tool::Archive),
        keyboard::Key::Character("m") if !modifiers.command() => tool(mailbox::Tool::ToggleRead),
        keyboard::Key::Character("s") if !modifiers.command() => tool(mailbox::Tool::ToggleFlag),
        keyboard::Key::Character("r") if !modifiers.command() => tool(mailbox::Tool::Reply),
        keyboard::Key::Character("j") | keyboard::Key::Named(Named::ArrowDown) => {
            Some(Message::Shortcut(Shortcut::Step(1)))
        }
        keyboard::Key::Character("k") | keyboard::Key::Named(Named::ArrowUp) => {
            Some(Message::Shortcut(Shortcut::Step(-1)))
        }
        keyboard::Key::Named(Named::Delete) if modifiers.shift() => {
            tool(mailbox::Tool::DeletePermanently)
        }
        keyboard::Key::Named(Named::Delete) => tool(mailbox::Tool::Delete),
        keyboard::Key::Named(Named::F5) => tool(mailbox::Tool::Refresh),
        _ => None,
    }
}

/// The keys of a tool, as its tooltip shows them (Thunderbird's where
/// they exist: A archives, M marks read, S flags).
pub fn keys(tool: mailbox::Tool) -> Option<&'static str> {
    use mailbox::Tool;
    Some(match tool {
        Tool::Compose => "Ctrl+N",
        Tool::Reply => "R",
        Tool::ReplyAll => "Shift+R",
        Tool::Forward => "Ctrl+L",
        Tool::Archive => "A",
        Tool::Junk => "Shift+J",
        Tool::Delete => "Del",
        Tool::DeletePermanently => "Shift+Del",
        Tool::ToggleRead => "M",
        Tool::ToggleFlag => "S",
        Tool::Refresh => "F5",
        Tool::Settings => return None,
    })
}

/// Every key of the mailbox with what it does, for the `?` overview.
pub fn overview() -> Vec<(&'static str, String)> {
    use crate::fl;
    use mailbox::Tool;
    let mut keys: Vec<(&'static str, String)> = [
        (Tool::Compose, fl!("tool-compose")),
        (Tool::Reply, fl!("tool-reply")),
        (Tool::ReplyAll, fl!("tool-reply-all")),
        (Tool::Forward, fl!("tool-forward")),
        (Tool::Archive, fl!("tool-archive")),
        (Tool::Junk, fl!("tool-junk")),
        (Tool::Delete, fl!("tool-delete")),
        (Tool::DeletePermanently, fl!("delete-permanently")),
        (Tool::ToggleRead, fl!("keys-toggle-read")),
        (Tool::ToggleFlag, fl!("tool-flag")),
        (Tool::Refresh, fl!("tool-refresh")),
    ]
    .into_iter()
    .filter_map(|(tool, said)| keys(tool).map(|k| (k, said)))
    .collect();
    keys.extend([
        ("J / ↓", fl!("keys-next")),
        ("K / ↑", fl!("keys-previous")),
        ("Ctrl+F", fl!("keys-search")),
        ("Ctrl+A", fl!("keys-pick-all")),
        ("Ctrl / Shift + click", fl!("keys-pick")),
        ("Ctrl+Enter", fl!("keys-send")),
        ("?", fl!("keys-overview")),
        ("Ctrl+Q", fl!("keys-quit")),
    ]);
    keys
}
