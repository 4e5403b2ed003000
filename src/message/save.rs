//! Attachments written to disk: under a name that stays in the chosen
//! folder, never over an existing file.

use std::fs::OpenOptions;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

/// A file name that stays in its folder: no separators, no leading dots
/// (so no `..` and no hidden files), no control characters, never empty.
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

/// Writes `data` to `dir` under the safe form of `name`, or `name (1).ext`,
/// `name (2).ext`… when that is taken. The file is created exclusively, so
/// a file that appears meanwhile is not overwritten either.
pub fn save_in(dir: &Path, name: &str, data: &[u8]) -> std::io::Result<PathBuf> {
    let name = safe_file_name(name);
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() => (s.to_owned(), format!(".{e}")),
        _ => (name.clone(), String::new()),
    };
    for n in 0..10_000 {
        let path = if n == 0 {
            dir.join(&name)
        } else {
            dir.join(format!("{stem} ({n}){ext}"))
        };
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(mut file) => {
                file.write_all(data)?;
                file.sync_all()?;
                return Ok(path);
            }
            Err(e) if e.kind() == ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::new(
        ErrorKind::AlreadyExists,
        "every candidate name is taken",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_cannot_leave_the_folder_or_hide() {
        assert_eq!(safe_file_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_file_name("..\\..\\boot.ini"), "boot.ini");
        assert_eq!(safe_file_name(".bashrc"), "bashrc");
        assert_eq!(safe_file_name("a\u{0}b\nc.txt"), "abc.txt");
        assert_eq!(safe_file_name(".."), "attachment");
        assert_eq!(safe_file_name(""), "attachment");
        assert_eq!(safe_file_name("Übersicht März.pdf"), "Übersicht März.pdf");
    }

    #[test]
    fn saving_twice_keeps_both_files() {
        let dir = std::env::temp_dir().join(format!("postel-save-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let first = save_in(&dir, "report.pdf", b"one").expect("saves");
        let second = save_in(&dir, "../report.pdf", b"two").expect("saves");
        let third = save_in(&dir, "noext", b"three").expect("saves");
        let fourth = save_in(&dir, "noext", b"four").expect("saves");
        assert_eq!(first, dir.join("report.pdf"));
        assert_eq!(second, dir.join("report (1).pdf"));
        assert_eq!(fourth, dir.join("noext (1)"));
        assert_eq!(std::fs::read(&first).expect("reads"), b"one");
        assert_eq!(std::fs::read(&second).expect("reads"), b"two");
        assert_eq!(std::fs::read(&third).expect("reads"), b"three");
        std::fs::remove_dir_all(&dir).expect("cleanup");
    }
}
