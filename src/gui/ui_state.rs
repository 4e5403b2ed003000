//! How the window was left: its size, whether it was maximized, where the
//! pane dividers stood and whether the list was grouped by thread. Kept in
//! a small file of its own in the data dir (it is not a setting the user
//! edits), written whole to a temporary file and renamed over the old one,
//! so a crash leaves the old state or the new, never half of one. A file
//! that cannot be read or makes no sense is logged and the defaults used:
//! it never stops the app from starting.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub const FILE_NAME: &str = "ui-state.json";

/// The smallest and largest window side taken from the file, in logical
/// pixels: a window never opens too small to use or absurdly large.
const MIN_SIDE: f32 = 320.0;
const MAX_SIDE: f32 = 16_384.0;
/// A divider is kept this far from either edge.
const MIN_RATIO: f32 = 0.05;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct UiState {
    /// The window's size when it was last not maximized.
    pub width: f32,
    pub height: f32,
    pub maximized: bool,
    /// The folders pane's share of the window's width.
    pub folders_ratio: f32,
    /// The list's share of what the folders pane leaves.
    pub list_ratio: f32,
    pub group_by_thread: bool,
}

impl Default for UiState {
    fn default() -> Self {
        Self {
            width: 1200.0,
            height: 760.0,
            maximized: false,
            folders_ratio: 0.2,
            list_ratio: 0.42,
            group_by_thread: false,
        }
    }
}

impl UiState {
    /// Values out of range (a hand-edited or damaged file) become the
    /// defaults, one by one.
    fn sane(self) -> Self {
        let d = Self::default();
        let side = |v: f32, default: f32| {
            if v.is_finite() {
                v.clamp(MIN_SIDE, MAX_SIDE)
            } else {
                default
            }
        };
        let ratio = |v: f32, default: f32| {
            if v.is_finite() && (MIN_RATIO..=1.0 - MIN_RATIO).contains(&v) {
                v
            } else {
                default
            }
        };
        Self {
            width: side(self.width, d.width),
            height: side(self.height, d.height),
            maximized: self.maximized,
            folders_ratio: ratio(self.folders_ratio, d.folders_ratio),
            list_ratio: ratio(self.list_ratio, d.list_ratio),
            group_by_thread: self.group_by_thread,
        }
    }
}

pub fn path(data_dir: &Path) -> PathBuf {
    data_dir.join(FILE_NAME)
}

/// The state saved in `data_dir`, or the defaults when there is none or it
/// cannot be used (logged).
pub fn load(data_dir: &Path) -> UiState {
    let path = path(data_dir);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return UiState::default(),
        Err(e) => {
            tracing::warn!(path = %path.display(), error = %e, "window state unreadable; using defaults");
            return UiState::default();
        }
    };
    // An object, never serde's other forms of a struct (a bare list).
    let parsed = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&text)
        .and_then(|map| serde_json::from_value::<UiState>(serde_json::Value::Object(map)));
    match parsed {
        Ok(state) => state.sane(),
        Err(e) => {
            tracing::warn!(path = %path.display(), error = %e, "window state damaged; using defaults");
            UiState::default()
        }
    }
}

/// Writes the state atomically: a temporary file beside it, then a rename.
/// Like everything in the data dir, the file is the user's alone (0600).
pub fn save(data_dir: &Path, state: &UiState) -> std::io::Result<()> {
    crate::private::dir(data_dir).map_err(std::io::Error::other)?;
    let path = path(data_dir);
    let temp = data_dir.join(format!("{FILE_NAME}.tmp"));
    let json = serde_json::to_vec_pretty(state).map_err(std::io::Error::other)?;
    {
        use std::io::Write;
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(crate::private::FILE_MODE)
            .open(&temp)?;
        // A temporary file left by a crash keeps its old mode otherwise.
        file.set_permissions(std::fs::Permissions::from_mode(crate::private::FILE_MODE))?;
        file.write_all(&json)?;
        file.sync_all()?;
    }
    std::fs::rename(&temp, &path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("postel-ui-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn saved_state_loads_back_and_no_file_means_defaults() {
        let dir = temp_dir("roundtrip");
        assert_eq!(load(&dir), UiState::default());
        let state = UiState {
            width: 1000.0,
            height: 640.0,
            maximized: true,
            folders_ratio: 0.3,
            list_ratio: 0.5,
            group_by_thread: true,
        };
        save(&dir, &state).expect("saved");
        assert_eq!(load(&dir), state);
        assert_eq!(
            crate::private::mode(&dir).ok(),
            Some(crate::private::DIR_MODE)
        );
        assert_eq!(
            crate::private::mode(&path(&dir)).ok(),
            Some(crate::private::FILE_MODE)
        );
        assert!(
            !dir.join(format!("{FILE_NAME}.tmp")).exists(),
            "the temporary file was renamed"
        );
        // Saving again replaces the file whole.
        let smaller = UiState {
            width: 800.0,
            ..state
        };
        save(&dir, &smaller).expect("saved again");
        assert_eq!(load(&dir), smaller);
        std::fs::remove_dir_all(dir).expect("cleanup");
    }

    #[test]
    fn a_damaged_or_odd_file_falls_back_to_defaults() {
        let dir = temp_dir("damaged");
        std::fs::create_dir_all(&dir).expect("dir");
        for text in ["{\"width\": 10", "", "not json", "[1, 2]", "\u{0}\u{1}"] {
            std::fs::write(path(&dir), text).expect("write");
            assert_eq!(load(&dir), UiState::default(), "{text:?}");
        }
        // Missing keys take their defaults; values out of range too.
        std::fs::write(
            path(&dir),
            r#"{"width": 5, "height": 1e9, "folders_ratio": 1.5, "list_ratio": 0.6, "future": 1}"#,
        )
        .expect("write");
        let state = load(&dir);
        assert_eq!((state.width, state.height), (MIN_SIDE, MAX_SIDE));
        assert_eq!(state.folders_ratio, UiState::default().folders_ratio);
        assert_eq!(state.list_ratio, 0.6);
        // A directory where the file should be: read fails, start goes on.
        std::fs::remove_file(path(&dir)).expect("rm");
        std::fs::create_dir(path(&dir)).expect("a dir in the way");
        assert_eq!(load(&dir), UiState::default());
        std::fs::remove_dir_all(dir).expect("cleanup");
    }
}
