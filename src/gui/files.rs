//! Attachments leaving the app: saved under safe names, or opened from a
//! private temporary copy; and files coming in through the system's file
//! chooser.

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

/// Asks the system's file chooser for files, over the window: the XDG
/// desktop portal, else zenity (rfd tries both). The answer is the files
/// picked (empty when the user cancelled), or `None` when neither chooser
/// is there to ask (rfd 0.17 on Linux answers `None` only then).
pub fn pick_files(title: String) -> iced::Task<Option<Vec<PathBuf>>> {
    iced::window::latest()
        .and_then(move |id| {
            let title = title.clone();
            iced::window::run(id, move |window| {
                rfd::AsyncFileDialog::new()
                    .set_title(title)
                    .set_parent(&window)
                    .pick_files()
            })
        })
        .then(|dialog| {
            iced::Task::future(async move {
                let picked = dialog.await;
                if picked.is_none() {
                    tracing::warn!(
                        "no file chooser: neither the desktop portal nor zenity answered"
                    );
                }
                picked.map(|files| files.into_iter().map(|f| f.path().to_owned()).collect())
            })
        })
}
