//! Attachments leaving the app: saved under safe names, or opened from a
//! private temporary copy; and files coming in through the system's file
//! chooser.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::fl;
use crate::message::save::{safe_file_name, save_in};

/// The folder for opened copies, in the cache dir (or the runtime dir).
const OPENED_NAME: &str = "open";

/// Copies left by a Postel that did not quit normally (a crash, a kill, a
/// power cut) are removed at the next start once this old. Younger ones
/// may belong to another Postel window that is still running.
const STALE_AFTER: Duration = Duration::from_secs(24 * 60 * 60);

/// How much of an attachment is searched for a desktop entry's header.
const DESKTOP_SNIFF: usize = 4096;

/// Names a desktop may run, install or hand to an interpreter when asked to
/// "open" them (Wine runs .exe files, a JRE runs .jar files, a desktop
/// entry names any command line): such an attachment is saved, never opened.
#[rustfmt::skip]
const RUNNABLE_EXTENSIONS: &[&str] = &[
    // Linux and other Unix: desktop entries, self-running programs,
    // packages, shell and other scripts.
    "desktop", "appimage", "run", "bin", "elf", "sh", "bash", "zsh", "csh", "ksh", "fish",
    "command", "deb", "rpm", "snap", "flatpak", "flatpakref", "flatpakrepo", "py", "pyw", "pyc",
    "pl", "rb", "php", "lua", "tcl", "js", "mjs", "jar", "class", "apk", "xapk",
    // Windows, through Wine or a handler someone installed.
    "exe", "com", "bat", "cmd", "scr", "msi", "msp", "pif", "cpl", "hta", "lnk", "reg", "ps1",
    "psm1", "vbs", "vbe", "jse", "wsf", "wsh", "gadget", "msc", "application",
    // macOS.
    "app", "pkg",
];

/// Contents that are a program whatever the attachment is called (as
/// `infer` names them): a file without an extension is sniffed by the
/// desktop, so its name alone proves nothing.
const RUNNABLE_TYPES: &[&str] = &[
    "application/x-executable",                      // ELF, AppImages too
    "application/vnd.microsoft.portable-executable", // .exe, .dll
    "application/x-mach-binary",
    "application/java",
    "application/vnd.android.dex",
    "application/vnd.android.dey",
    "application/vnd.debian.binary-package",
    "application/x-rpm",
];

/// What became of an attachment the user saved or opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Saved(PathBuf),
    /// A private temporary copy, handed to the desktop's viewer.
    Opened(PathBuf),
    /// Asked to open, but opening it could run a program: saved instead.
    NotOpened(PathBuf),
}

impl Outcome {
    /// The sentence the window shows.
    pub fn notice(&self) -> String {
        match self {
            Self::Saved(path) => fl!("attachment-saved", path = path.display().to_string()),
            Self::Opened(path) => fl!("attachment-opened", path = path.display().to_string()),
            Self::NotOpened(path) => {
                fl!("attachment-not-opened", path = path.display().to_string())
            }
        }
    }
}

/// Saves an attachment under Downloads (never over an existing file), or
/// copies it to a private temporary folder and opens it with the desktop's
/// viewer; one that could run a program is saved, not opened.
pub fn save_attachment(name: &str, data: &[u8], open: bool) -> Result<Outcome, String> {
    if open && !is_runnable(&safe_file_name(name), data) {
        let dir = opened_root()
            .and_then(|root| this_runs_copies(&root))
            .map_err(|e| fl!("attachment-open-failed", reason = e.to_string()))?;
        let path = copy_for_opening(&dir, name, data)?;
        std::process::Command::new("xdg-open")
            .arg(&path)
            .spawn()
            .map_err(|e| fl!("attachment-open-failed", reason = e.to_string()))?;
        return Ok(Outcome::Opened(path));
    }
    let dir = directories::UserDirs::new()
        .and_then(|u| u.download_dir().map(PathBuf::from))
        .or_else(|| directories::UserDirs::new().map(|u| u.home_dir().to_owned()))
        .ok_or_else(|| fl!("attachment-no-folder"))?;
    let path = save_in(&dir, name, data).map_err(|e| save_failed(&dir, name, &e))?;
    Ok(if open {
        Outcome::NotOpened(path)
    } else {
        Outcome::Saved(path)
    })
}

fn save_failed(dir: &Path, name: &str, e: &dyn std::fmt::Display) -> String {
    fl!(
        "attachment-save-failed",
        path = dir.join(safe_file_name(name)).display().to_string(),
        reason = e.to_string()
    )
}

/// Whether opening a file saved as `name` (already made safe) with these
/// contents could run a program rather than show a document.
fn is_runnable(name: &str, data: &[u8]) -> bool {
    let extension = Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    if extension.is_some_and(|e| RUNNABLE_EXTENSIONS.contains(&e.as_str())) {
        return true;
    }
    if data.starts_with(b"#!") {
        return true;
    }
    let head = &data[..data.len().min(DESKTOP_SNIFF)];
    // "[Desktop Entry]", or KDE's older "[KDE Desktop Entry]".
    if head
        .windows(b"Desktop Entry]".len())
        .any(|w| w == b"Desktop Entry]")
    {
        return true;
    }
    infer::get(data).is_some_and(|kind| RUNNABLE_TYPES.contains(&kind.mime_type()))
}

/// Where opened copies go: the cache dir, which is on disk. The runtime
/// dir is the fallback only: the XDG spec keeps large files out of it, as
/// it may live in memory that cannot be swapped out.
fn opened_root() -> Result<PathBuf, crate::private::Error> {
    match directories::ProjectDirs::from("org", "postel", "Postel") {
        Some(project) => Ok(project.cache_dir().join(OPENED_NAME)),
        None => Ok(crate::private::runtime_dir()?.join(OPENED_NAME)),
    }
}

/// This run's folder of opened copies, private (0700) like its parent.
fn this_runs_copies(root: &Path) -> Result<PathBuf, crate::private::Error> {
    crate::private::dir(root)?;
    let dir = root.join(std::process::id().to_string());
    crate::private::dir(&dir)?;
    Ok(dir)
}

/// Writes the copy a viewer opens: readable by this user alone (0600).
/// `save_in` creates it with the umask's mode, but inside a 0700 folder
/// nobody else can reach it before it is restricted.
fn copy_for_opening(dir: &Path, name: &str, data: &[u8]) -> Result<PathBuf, String> {
    let path = save_in(dir, name, data).map_err(|e| save_failed(dir, name, &e))?;
    crate::private::restrict(&path).map_err(|e| save_failed(dir, name, &e))?;
    Ok(path)
}

/// Opened copies live as long as the app, as Thunderbird's do: a viewer
/// has the file by the time Postel quits (and one that still holds it open
/// keeps reading it after it is removed), and changes made to a copy were
/// never going back into the mail. So this run's copies are removed when
/// this is dropped at exit, and copies a crash left behind at the next
/// start.
pub struct OpenedCopies;

impl OpenedCopies {
    pub fn new() -> Self {
        if let Ok(root) = opened_root() {
            sweep(&root, SystemTime::now());
        }
        Self
    }
}

impl Drop for OpenedCopies {
    fn drop(&mut self) {
        if let Ok(root) = opened_root() {
            remove(&root.join(std::process::id().to_string()));
        }
    }
}

/// Removes the copies of earlier runs that are older than `STALE_AFTER`.
fn sweep(root: &Path, now: SystemTime) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for entry in entries.flatten() {
        let stale = entry
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|modified| {
                now.duration_since(modified)
                    .is_ok_and(|age| age > STALE_AFTER)
            });
        if stale {
            remove(&entry.path());
        }
    }
}

fn remove(path: &Path) {
    let removed = if path.is_dir() {
        std::fs::remove_dir_all(path)
    } else {
        std::fs::remove_file(path)
    };
    match removed {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            tracing::warn!(path = %path.display(), error = %e, "an opened attachment's copy could not be removed");
        }
        _ => {}
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("postel-files-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn opened_copies_are_private_whatever_the_umask() {
        let root = temp("private").join(OPENED_NAME);
        let dir = this_runs_copies(&root).expect("private folder");
        let path = copy_for_opening(&dir, "report.pdf", b"%PDF-1.7").expect("copied");
        assert_eq!(path, dir.join("report.pdf"));
        assert_eq!(
            crate::private::mode(&root).ok(),
            Some(crate::private::DIR_MODE)
        );
        assert_eq!(
            crate::private::mode(&dir).ok(),
            Some(crate::private::DIR_MODE)
        );
        assert_eq!(
            crate::private::mode(&path).ok(),
            Some(crate::private::FILE_MODE)
        );
        std::fs::remove_dir_all(root.parent().expect("temp")).expect("cleanup");
    }

    #[test]
    fn the_opened_copies_are_never_in_the_shared_temp_folder() {
        let root = opened_root().expect("a folder");
        assert!(
            !root.starts_with(std::env::temp_dir())
                || root.starts_with(crate::private::runtime_dir().expect("runtime")),
            "{}",
            root.display()
        );
    }

    #[test]
    fn this_runs_copies_go_at_exit_and_a_crashs_after_a_day() {
        let root = temp("sweep");
        let ours = this_runs_copies(&root).expect("ours");
        let crashed = root.join("1");
        std::fs::create_dir(&crashed).expect("dir");
        std::fs::write(crashed.join("old.pdf"), b"x").expect("write");
        let other = root.join("2");
        std::fs::create_dir(&other).expect("dir");
        let day_ago = SystemTime::now() - STALE_AFTER - Duration::from_secs(60);
        std::fs::File::open(&crashed)
            .and_then(|dir| dir.set_modified(day_ago))
            .expect("aged");
        sweep(&root, SystemTime::now());
        assert!(
            !crashed.exists(),
            "a day-old copy from a crashed run is gone"
        );
        assert!(other.exists(), "a fresh one may belong to a running window");
        assert!(ours.exists());
        remove(&ours);
        assert!(!ours.exists());
        std::fs::remove_dir_all(root).expect("cleanup");
    }

    #[test]
    fn programs_are_recognised_by_name_or_contents() {
        for name in [
            "invoice.exe",
            "Invoice.PDF.Desktop",
            "setup.msi",
            "tool.AppImage",
            "run.sh",
            "script.py",
            "app.jar",
            "x.bat",
            "x.scr",
            "x.ps1",
            "x.vbs",
            "x.js",
            "x.lnk",
            "x.apk",
            "x.deb",
            "x.rpm",
        ] {
            assert!(is_runnable(name, b"harmless"), "{name}");
        }
        // An ELF header is 64 bytes: magic, class, byte order… then zeros will do.
        let mut elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0\x3e\0".to_vec();
        elf.resize(64, 0);
        let pe = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0";
        for (what, data) in [
            ("ELF", &elf[..]),
            ("PE", &pe[..]),
            ("shebang", b"#!/bin/sh\nrm -rf ~\n"),
            (
                "desktop entry",
                b"# hello\n\n[Desktop Entry]\nType=Application\nExec=sh -c evil\n",
            ),
        ] {
            assert!(is_runnable("notes", data), "{what}");
            assert!(is_runnable("notes.txt", data), "{what} named .txt");
        }
        for (name, data) in [
            ("report.pdf", &b"%PDF-1.7"[..]),
            ("photo.JPG", b"\xff\xd8\xff\xe0\0\x10JFIF"),
            ("notes.txt", b"Desktop, Entry"),
            ("archive.zip", b"PK\x03\x04"),
        ] {
            assert!(!is_runnable(name, data), "{name}");
        }
    }

    #[test]
    fn a_program_not_opened_says_so_and_where_it_is() {
        let path = PathBuf::from("/home/me/Downloads/invoice.exe");
        let notice = Outcome::NotOpened(path).notice();
        assert!(
            notice.contains("/home/me/Downloads/invoice.exe"),
            "{notice}"
        );
        assert!(notice.contains("not opened"), "{notice}");
        assert!(notice.contains("program"), "{notice}");
    }
}
