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
    pub notifications: Notifications,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Appearance {
    pub theme: Theme,
    pub density: Density,
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
}

impl Default for Reading {
    fn default() -> Self {
        Self {
            prefer_plain_text: false,
            mark_read_on_open: true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Notifications {
    /// A desktop notification when new mail arrives.
    pub new_mail: bool,
}

impl Default for Notifications {
    fn default() -> Self {
        Self { new_mail: true }
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
        let written = toml::to_string(&p).expect("written");
        assert_eq!(
            toml::from_str::<Preferences>(&written).expect("read back"),
            p
        );
    }
}
