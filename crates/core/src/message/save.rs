//! Attachments written to disk: under a name that stays in the chosen
//! folder, never over an existing file.

use std::fs::OpenOptions;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

/// The longest name `safe_file_name` gives, in bytes: ext4, XFS and Btrfs
/// take 255 bytes per name (not characters: "é" is two), and `save_in`
/// may add " (9999)" to it.
pub const MAX_NAME_BYTES: usize = 200;

/// The cap `save_in` retries with when the file system still says the name
/// is too long: eCryptfs, with its names encrypted, takes only 143 bytes.
const SHORT_NAME_BYTES: usize = 120;

/// How many numbered names `save_in` tries before it gives up: a bound
/// on the search in a folder already full of copies, and " (9999)" fits in
/// the room `MAX_NAME_BYTES` leaves.
pub const NUMBERED_NAMES: u32 = 10_000;

/// An extension longer than this (dot included) is no extension a program
/// recognises; such a name is cut as a whole rather than keeping a tail that
/// would leave no room for the stem.
const MAX_EXTENSION_BYTES: usize = 20;

/// Unicode's bidirectional formatting characters (Bidi_Control). They
/// reorder what is shown around them, so `invoice\u{202e}fdp.exe` looks
/// like "invoiceexe.pdf": a name must read as what it is, and a terminal
/// must not rearrange the lines around it.
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' // Arabic letter mark
            | '\u{200E}'..='\u{200F}' // left-to-right and right-to-left marks
            | '\u{202A}'..='\u{202E}' // embeddings, overrides and their pop
            | '\u{2066}'..='\u{2069}' // isolates and their pop
    )
}

/// Characters that show as nothing, so two names that look the same can
/// differ, or a name can hide text. The zero-width joiner and non-joiner
/// (U+200C, U+200D) stay: Persian, the Indic scripts and emoji need them.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' // soft hyphen
            | '\u{200B}' // zero-width space
            | '\u{2028}'..='\u{2029}' // line and paragraph separators
            | '\u{2060}'..='\u{2064}' // word joiner and invisible operators
            | '\u{FEFF}' // byte order mark, zero-width no-break space
            | '\u{E0000}'..='\u{E007F}' // tag characters
    )
}

/// A file name that stays in its folder: no separators, no leading dots
/// (so no `..` and no hidden files), no control, bidi or invisible
/// characters, never empty, and at most `MAX_NAME_BYTES` long with its
/// extension kept.
pub fn safe_file_name(name: &str) -> String {
    safe_file_name_within(name, MAX_NAME_BYTES)
}

fn safe_file_name_within(name: &str, max_bytes: usize) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = base
        .chars()
        .filter(|&c| !c.is_control() && !is_bidi_control(c) && !is_invisible(c))
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
        return "attachment".to_owned();
    }
    if trimmed.len() <= max_bytes {
        return trimmed.to_owned();
    }
    let (stem, ext) = split_extension(trimmed);
    let stem = &stem[..stem.floor_char_boundary(max_bytes - ext.len())];
    format!("{}{ext}", stem.trim_end())
}

/// The name split before its extension's dot; a name with no extension, or
/// one too long to be real, is all stem.
fn split_extension(name: &str) -> (&str, &str) {
    match name.rfind('.') {
        Some(dot) if dot > 0 && name.len() - dot <= MAX_EXTENSION_BYTES => name.split_at(dot),
        _ => (name, ""),
    }
}

/// Writes `data` to `dir` under the safe form of `name`, or `name (1).ext`,
/// `name (2).ext`… when that is taken. The file is created exclusively, so
/// a file that appears meanwhile is not overwritten either. A file system
/// that takes shorter names than most gets a shorter one.
pub fn save_in(dir: &Path, name: &str, data: &[u8]) -> std::io::Result<PathBuf> {
    match save_under(dir, &safe_file_name(name), data) {
        Err(e) if e.kind() == ErrorKind::InvalidFilename => {
            save_under(dir, &safe_file_name_within(name, SHORT_NAME_BYTES), data)
        }
        saved => saved,
    }
}

fn save_under(dir: &Path, name: &str, data: &[u8]) -> std::io::Result<PathBuf> {
    let (stem, ext) = split_extension(name);
    for n in 0..NUMBERED_NAMES {
        let path = if n == 0 {
            dir.join(name)
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
    fn names_lose_bidi_and_invisible_characters() {
        let name = safe_file_name("invoice\u{202e}fdp.exe");
        assert_eq!(name, "invoicefdp.exe");
        assert_eq!(
            safe_file_name("\u{2067}a\u{200b}b\u{feff}\u{85}c\u{2069}.txt"),
            "abc.txt"
        );
        // Joiners belong to words in some scripts.
        assert_eq!(safe_file_name("می\u{200c}خواهم.txt"), "می\u{200c}خواهم.txt");
        assert_eq!(safe_file_name("\u{202e}\u{200f}"), "attachment");
    }

    #[test]
    fn long_names_are_cut_in_bytes_and_keep_their_extension() {
        let accents = format!("{}.txt", "é".repeat(150));
        let name = safe_file_name(&accents);
        assert!(name.len() <= MAX_NAME_BYTES, "{} bytes", name.len());
        assert!(name.ends_with("é.txt"), "{name}");

        let long = format!("{}.pdf", "a".repeat(296));
        assert_eq!(long.len(), 300);
        let name = safe_file_name(&long);
        assert_eq!(name.len(), MAX_NAME_BYTES);
        assert!(name.ends_with("a.pdf"), "{name}");

        // Three-byte characters that do not fill the cap exactly.
        let name = safe_file_name(&format!("{}.doc", "€".repeat(100)));
        assert!(
            name.len() <= MAX_NAME_BYTES && name.ends_with("€.doc"),
            "{name}"
        );

        // No real extension is that long: the name is cut as a whole.
        let name = safe_file_name(&format!("x.{}", "b".repeat(300)));
        assert_eq!(name.len(), MAX_NAME_BYTES);
        assert!(name.starts_with("x.bbb"), "{name}");
    }

    #[test]
    fn names_too_long_in_bytes_still_save_with_their_copies() {
        let dir = std::env::temp_dir().join(format!("postel-save-long-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("saved");
        let name = format!("{}.txt", "é".repeat(150));
        let first = save_in(&dir, &name, b"one").expect("saved");
        let second = save_in(&dir, &name, b"two").expect("saved");
        for path in [&first, &second] {
            let file = path.file_name().and_then(|n| n.to_str()).expect("utf-8");
            assert!(file.ends_with(".txt") && file.len() < 255, "{file}");
        }
        assert!(second.to_string_lossy().ends_with(" (1).txt"), "{second:?}");
        assert_eq!(std::fs::read(&second).expect("saved"), b"two");
        std::fs::remove_dir_all(&dir).expect("saved");
    }

    #[test]
    fn saving_twice_keeps_both_files() {
        let dir = std::env::temp_dir().join(format!("postel-save-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("saved");
        let first = save_in(&dir, "report.pdf", b"one").expect("saved");
        let second = save_in(&dir, "../report.pdf", b"two").expect("saved");
        let third = save_in(&dir, "noext", b"three").expect("saved");
        let fourth = save_in(&dir, "noext", b"four").expect("saved");
        assert_eq!(first, dir.join("report.pdf"));
        assert_eq!(second, dir.join("report (1).pdf"));
        assert_eq!(fourth, dir.join("noext (1)"));
        assert_eq!(std::fs::read(&first).expect("saved"), b"one");
        assert_eq!(std::fs::read(&second).expect("saved"), b"two");
        assert_eq!(std::fs::read(&third).expect("saved"), b"three");
        std::fs::remove_dir_all(&dir).expect("saved");
    }
}
