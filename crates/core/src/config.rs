//! The settings file: one TOML file in the config dir (0700), written
//! atomically (temp file, fsync, rename) with mode 0600. A file that cannot
//! be read is moved aside and reported, never overwritten; unknown keys are
//! warned about and kept out of the way.

use crate::explain::{Explain, Sentence};
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::account::Account;

pub const FILE_NAME: &str = "settings.toml";

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub preferences: crate::preferences::Preferences,
    #[serde(rename = "account")]
    pub accounts: Vec<Account>,
}

impl Settings {
    pub fn account(&self, name: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.name == name)
    }

    pub fn account_mut(&mut self, name: &str) -> Option<&mut Account> {
        self.accounts.iter_mut().find(|a| a.name == name)
    }
}

/// What loading found besides the settings: things the user should hear about.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    /// Keys this version does not know (e.g. a typo, or a newer version's).
    pub unknown_keys: Vec<String>,
    /// The file could not be parsed and was moved here; the app runs on defaults.
    pub moved_aside: Option<MovedAside>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MovedAside {
    pub to: PathBuf,
    /// Line (1-based) and reason, as the parser saw them.
    pub line: Option<usize>,
    pub reason: String,
}

impl std::fmt::Display for MovedAside {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let at = self
            .line
            .map(|l| format!(" at line {l}"))
            .unwrap_or_default();
        write!(
            f,
            "The settings file could not be read{at} ({}). It was kept as {} and Postel started with empty settings; fix that file and move it back, or set your accounts up again.",
            self.reason,
            self.to.display()
        )
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the settings file {path} could not be read: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "the settings could not be saved to {path}: {source}; your previous settings are unchanged"
    )]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the unreadable settings file {path} could not be moved aside: {source}")]
    MoveAside {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Dir(#[from] crate::private::Error),
    #[error("the settings could not be written as TOML: {0}")]
    Serialize(#[from] toml::ser::Error),
}

impl Explain for Error {
    fn sentence(&self) -> Sentence {
        match self {
            Error::Read { path, source } => Sentence::new("error-settings-read")
                .arg("path", path.display())
                .arg("reason", source),
            Error::Write { path, source } => Sentence::new("error-settings-write")
                .arg("path", path.display())
                .arg("reason", source),
            Error::MoveAside { path, source } => Sentence::new("error-settings-move-aside")
                .arg("path", path.display())
                .arg("reason", source),
            Error::Dir(err) => err.sentence(),
            Error::Serialize(err) => Sentence::new("error-settings-toml").arg("reason", err),
        }
    }
}

/// The settings file under `dir`.
pub fn path(dir: &Path) -> PathBuf {
    dir.join(FILE_NAME)
}

/// Loads the settings; a missing file is empty settings.
pub fn load(dir: &Path) -> Result<(Settings, Report), Error> {
    // A folder an older Postel made readable to all (0755) is closed now,
    // not at the next save; a missing one is left for `save` to make.
    if dir.exists() {
        crate::private::dir(dir)?;
    }
    let file = path(dir);
    let text = match fs::read_to_string(&file) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return Ok((Settings::default(), Report::default()));
        }
        Err(source) => return Err(Error::Read { path: file, source }),
    };
    let mut unknown_keys = Vec::new();
    let parsed = toml::Deserializer::parse(&text)
        .map_err(|e| (e.span(), e.message().to_owned()))
        .and_then(|de| {
            serde_ignored::deserialize(de, |key| unknown_keys.push(key.to_string()))
                .map_err(|e: toml::de::Error| (e.span(), e.message().to_owned()))
        });
    match parsed {
        Ok(settings) => {
            for key in &unknown_keys {
                tracing::warn!("{}: unknown setting \"{key}\" ignored", file.display());
            }
            Ok((
                settings,
                Report {
                    unknown_keys,
                    moved_aside: None,
                },
            ))
        }
        Err((span, reason)) => {
            let line = span.map(|s| text[..s.start.min(text.len())].lines().count().max(1));
            let to = move_aside(&file)?;
            let moved = MovedAside { to, line, reason };
            tracing::error!("{moved}");
            Ok((
                Settings::default(),
                Report {
                    unknown_keys: Vec::new(),
                    moved_aside: Some(moved),
                },
            ))
        }
    }
}

/// Renames an unreadable file to a name no later save will reuse.
fn move_aside(file: &Path) -> Result<PathBuf, Error> {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let mut n = 0;
    let to = loop {
        let candidate = file.with_extension(if n == 0 {
            format!("toml.unreadable-{stamp}")
        } else {
            format!("toml.unreadable-{stamp}-{n}")
        });
        if !candidate.exists() {
            break candidate;
        }
        n += 1;
    };
    fs::rename(file, &to).map_err(|source| Error::MoveAside {
        path: file.to_owned(),
        source,
    })?;
    Ok(to)
}

/// Saves atomically: a crash leaves either the old or the new file, whole.
pub fn save(dir: &Path, settings: &Settings) -> Result<(), Error> {
    let file = path(dir);
    let text = toml::to_string_pretty(settings)?;
    let write_err = |source| Error::Write {
        path: file.clone(),
        source,
    };
    crate::private::dir(dir)?;
    let tmp = dir.join(format!(".{FILE_NAME}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut options = OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut f = options.open(&tmp)?;
        f.write_all(
            b"# Postel settings. Passwords are never stored here (see the system keyring).\n",
        )?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        fs::rename(&tmp, &file)?;
        // The rename is durable only once the directory entry is on disk.
        File::open(dir)?.sync_all()
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map_err(write_err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::{Account, Incoming, Server};

    fn tempdir(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "postel-config-{tag}-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("temp dir");
        dir
    }

    fn sample() -> Settings {
        Settings {
            preferences: Default::default(),
            accounts: vec![Account {
                name: "home".into(),
                email: "me@example.com".into(),
                incoming: Incoming {
                    username: "me".into(),
                    server: Server {
                        host: "imap.example.com".into(),
                        port: 993,
                        ..Server::default()
                    },
                    ..Incoming::default()
                },
                ..Account::default()
            }],
        }
    }

    #[test]
    fn missing_file_is_empty_settings() {
        let dir = tempdir("missing");
        let (settings, report) = load(&dir).expect("loads");
        assert_eq!(settings, Settings::default());
        assert_eq!(report, Report::default());
    }

    #[test]
    fn save_then_load_round_trips_with_mode_0600() {
        let dir = tempdir("roundtrip");
        save(&dir, &sample()).expect("saves");
        let (loaded, report) = load(&dir).expect("loads");
        assert_eq!(loaded, sample());
        assert!(report.unknown_keys.is_empty(), "{report:?}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(path(&dir)).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let leftovers: Vec<_> = fs::read_dir(&dir)
            .expect("dir")
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "temp files left: {leftovers:?}");
    }

    #[test]
    fn the_config_folder_is_private_new_or_old() {
        use crate::private::tests::mode;
        use std::os::unix::fs::PermissionsExt;
        let dir = tempdir("private").join("new");
        save(&dir, &sample()).expect("saves");
        assert_eq!(mode(&dir), crate::private::DIR_MODE);
        // As an older Postel left it: loading alone closes it.
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).expect("chmod");
        load(&dir).expect("loads");
        assert_eq!(mode(&dir), crate::private::DIR_MODE);
    }

    #[test]
    fn unknown_keys_are_reported_not_fatal() {
        let dir = tempdir("unknown");
        fs::write(
            path(&dir),
            "colour = \"blue\"\n[[account]]\nname = \"x\"\nemail = \"x@example.com\"\nfavourite = 1\n",
        )
        .expect("write");
        let (settings, report) = load(&dir).expect("loads");
        assert_eq!(settings.accounts.len(), 1);
        assert_eq!(settings.accounts[0].name, "x");
        assert!(
            report.unknown_keys.iter().any(|k| k == "colour"),
            "{report:?}"
        );
        assert!(
            report.unknown_keys.iter().any(|k| k.contains("favourite")),
            "{report:?}"
        );
    }

    #[test]
    fn a_corrupt_file_is_moved_aside_with_line_and_reason() {
        let dir = tempdir("corrupt");
        let corrupt = "[[account]]\nname = \"ok\"\nemail = = broken\n";
        fs::write(path(&dir), corrupt).expect("write");
        let (settings, report) = load(&dir).expect("loading still succeeds");
        assert_eq!(settings, Settings::default());
        let moved = report.moved_aside.expect("moved aside");
        assert_eq!(moved.line, Some(3), "{moved:?}");
        assert_eq!(fs::read_to_string(&moved.to).expect("kept"), corrupt);
        assert!(
            !path(&dir).exists(),
            "the corrupt file is no longer in the way"
        );
        // A later save does not touch the kept file.
        save(&dir, &sample()).expect("saves");
        assert_eq!(fs::read_to_string(&moved.to).expect("still kept"), corrupt);
        assert!(moved.to_string().contains("line 3"));
    }
}
