//! Attachments leaving the app: saved under safe names, or opened from a
//! private temporary copy.

use std::path::PathBuf;

use crate::fl;

/// Saves an attachment under Downloads (never over an existing file), or
/// to a private temporary folder and opens it with the desktop's viewer.
pub fn save_attachment(name: &str, data: &[u8], open: bool) -> Result<PathBuf, String> {
    let safe = safe_file_name(name);
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
    let path = unique_path(&dir, &safe);
    std::fs::write(&path, data).map_err(|e| {
        fl!(
            "attachment-save-failed",
            path = path.display().to_string(),
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

/// A file name that stays in its folder: no separators, no leading dots,
/// no control characters, never empty.
pub fn safe_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| {
            if matches!(c, ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let trimmed = cleaned.trim().trim_start_matches('.').trim();
    if trimmed.is_empty() {
        "attachment".to_owned()
    } else {
        trimmed.chars().take(200).collect()
    }
}

fn unique_path(dir: &std::path::Path, name: &str) -> PathBuf {
    let candidate = dir.join(name);
    if !candidate.exists() {
        return candidate;
    }
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() => (s.to_owned(), format!(".{e}")),
        _ => (name.to_owned(), String::new()),
    };
    (1..)
        .map(|n| dir.join(format!("{stem} ({n}){ext}")))
        .find(|p| !p.exists())
        .unwrap_or(candidate)
}
