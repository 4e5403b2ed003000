//! How the user wants Postel to look and behave, beside the accounts in
//! the settings file (`[preferences.*]`). Every field has a default, so a
//! file from an older version, or one that names only what the user
//! changed, reads whole.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Preferences {
    pub appearance: Appearance,
    pub reading: Reading,
    pub composing: Composing,
    pub notifications: Notifications,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Appearance {
    pub theme: Theme,
    pub density: Density,
    pub text_size: TextSize,
}

/// How large the window draws its text (and all else with it), over the
/// screen's own scale: Thunderbird's and GNOME's "text size" / zoom.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TextSize {
    Small,
    #[default]
    Normal,
    Large,
    Larger,
}

impl TextSize {
    /// The factor the whole window is drawn at, times the screen's.
    pub fn zoom(self) -> f32 {
        match self {
            Self::Small => 0.9,
            Self::Normal => 1.0,
            Self::Large => 1.15,
            Self::Larger => 1.3,
        }
    }
}

/// Light or dark, or as the desktop says (and as it changes).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    #[default]
    System,
    Light,
    Dark,
}

/// How much the message list shows per message: avatar, sender, subject
/// and a line of the text; or sender and subject on two tight lines.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Density {
    #[default]
    Comfortable,
    Compact,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Reading {
    /// Show the plain-text part of a message that has both, as
    /// Thunderbird's "View › Message Body As › Plain Text".
    pub prefer_plain_text: bool,
    /// Opening a message marks it read; off, only the user does.
    pub mark_read_on_open: bool,
    /// Seconds a message stays open before it is marked read (0: at
    /// once), so skimming past it with the arrow keys leaves it unread.
    pub mark_read_after: u32,
    pub remote_content: RemoteContent,
    /// The reader shows the other messages of the opened one's
    /// conversation, each on one line, around it (Geary's view; off, one
    /// message as Thunderbird shows it).
    pub conversation: bool,
    /// What to do when a message asks for a read receipt.
    pub read_receipts: ReadReceipts,
    /// Delivery and read reports (matched to what was sent) are left out
    /// of All Inboxes; they stay in their account's inbox.
    pub hide_reports: bool,
}

/// A message's request for a read receipt: the user decides each time, or
/// is never asked (and none is sent). Never automatic: a receipt tells the
/// sender when the mail was read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReadReceipts {
    #[default]
    Ask,
    Never,
}

/// Pictures and styles a message fetches from the web: they tell the
/// sender when and where it was read, so they wait for the user's word.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RemoteContent {
    /// Held back, with a bar to load them (now, or always from the sender).
    #[default]
    Ask,
    /// Held back without asking (the trusted senders still load).
    Never,
    /// Loaded for every message.
    Always,
}

/// The longest wait before "mark read" (an hour): a larger number in the
/// file is read as this.
pub const MARK_READ_AFTER_MAX: u32 = 3600;

impl Reading {
    /// The delay, bounded.
    pub fn mark_read_delay(&self) -> std::time::Duration {
        std::time::Duration::from_secs(u64::from(self.mark_read_after.min(MARK_READ_AFTER_MAX)))
    }
}

impl Default for Reading {
    fn default() -> Self {
        Self {
            prefer_plain_text: false,
            mark_read_on_open: true,
            mark_read_after: 0,
            remote_content: RemoteContent::Ask,
            conversation: false,
            read_receipts: ReadReceipts::Ask,
            hide_reports: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Composing {
    pub format: Format,
    pub reply: ReplyAt,
    /// Seconds after Send during which it can be taken back (the message
    /// waits in the outbox); 0 sends at once.
    pub undo_send_seconds: u32,
}

/// The longest undo delay honoured: a minute (a message held longer is
/// "send later", which says when).
pub const UNDO_SEND_MAX: u32 = 60;

impl Composing {
    /// The undo delay, bounded.
    pub fn undo_send(&self) -> u32 {
        self.undo_send_seconds.min(UNDO_SEND_MAX)
    }
}

impl Default for Composing {
    fn default() -> Self {
        Self {
            format: Format::default(),
            reply: ReplyAt::default(),
            undo_send_seconds: 10,
        }
    }
}

/// What a new message is written as.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Plain text only.
    #[default]
    Plain,
    /// Markdown, sent as the text itself plus an HTML alternative made
    /// from it.
    Markdown,
}

/// Where a reply starts: under the quoted message (Thunderbird's default,
/// and the custom on mailing lists) or above it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReplyAt {
    #[default]
    Below,
    Above,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Notifications {
    /// A desktop notification when new mail arrives.
    pub new_mail: bool,
    /// Accounts whose new mail is not announced (by account name).
    pub quiet_accounts: Vec<String>,
}

impl Notifications {
    /// Whether new mail in `account` gets a notification.
    pub fn for_account(&self, account: &str) -> bool {
        self.new_mail && !self.quiet_accounts.iter().any(|a| a == account)
    }
}

impl Default for Notifications {
    fn default() -> Self {
        Self {
            new_mail: true,
            quiet_accounts: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_the_file_leaves_out_keeps_its_default() {
        let p: Preferences = toml::from_str("[appearance]\ntheme = \"dark\"\n").expect("read");
        assert_eq!(p.appearance.theme, Theme::Dark);
        assert_eq!(p.appearance.density, Density::Comfortable);
        assert!(p.reading.mark_read_on_open && p.notifications.new_mail);
        assert_eq!(p.appearance.text_size, TextSize::Normal);
        assert_eq!(p.reading.remote_content, RemoteContent::Ask);
        assert_eq!(p.composing, Composing::default());
        let written = toml::to_string(&p).expect("written");
        assert_eq!(
            toml::from_str::<Preferences>(&written).expect("read back"),
            p
        );
    }

    #[test]
    fn a_huge_mark_read_delay_is_bounded_and_quiet_accounts_stay_quiet() {
        let p: Preferences = toml::from_str(
            "[reading]\nmark_read_after = 4000000000\n[notifications]\nquiet_accounts = [\"lists\"]\n",
        )
        .expect("read");
        assert_eq!(
            p.reading.mark_read_delay(),
            std::time::Duration::from_secs(u64::from(MARK_READ_AFTER_MAX))
        );
        assert!(p.notifications.for_account("work"));
        assert!(!p.notifications.for_account("lists"));
    }
}
