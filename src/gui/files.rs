//! Attachments leaving the app: saved under safe names, or opened from a
//! private temporary copy.

use std::path::PathBuf;

use crate::fl;

/// Saves an attachment under Downloads (never over an existing file), or
/// to a private temporary folder and opens it with the desktop's viewer.
pub fn save_attachment(name: &str, data: &[u8], open: bool) -> Result<PathBuf, String> {
    let dir = if open {
        let dir = std::env::temp_dir().join(format!("postel-open-{}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        dir
    } else {
        directories::UserDirs::new()
            .and_then(|u| u.download_dir().map(PathBuf::from))
            .or_else(|| directories::UserDirs::new().map(|u| u.home_dir().to_owned()))
            .ok_or_else(|| fl!("attachment-no-folder"))?
    };
    let path = crate::message::save::save_in(&dir, name, data).map_err(|e| {
        fl!(
            "attachment-save-failed",
            path = dir
                .join(crate::message::save::safe_file_name(name))
                .display()
                .to_string(),
            reason = e.to_string()
        )
    })?;
    if open {
        std::process::Command::new("xdg-open")
            .arg(&path)
            .spawn()
            .map_err(|e| fl!("attachment-open-failed", reason = e.to_string()))?;
    }
    Ok(path)
}

/// Opens a link from a message in the desktop's browser (or mail handler
/// for `mailto:`); only those schemes ever reach here.
pub fn open_link(url: &str) -> Result<(), String> {
    std::process::Command::new("xdg-open")
        .arg(url)
        .spawn()
        .map(drop)
        .map_err(|e| fl!("link-open-failed", reason = e.to_string()))
}
