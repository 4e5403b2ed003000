//! Folders and files only their user can open, whatever the umask: mail,
//! drafts, the outbox and opened attachments are nobody else's business on a
//! shared machine.
//!
//! A folder that is already there is used only when it is a folder (or a
//! link to one, both ours) owned by us: in a shared place such as /tmp
//! another user could have made it first, to read what we put in it.

use crate::explain::{Explain, Sentence};
use std::ffi::OsStr;
use std::fs::{self, DirBuilder, OpenOptions, Permissions};
use std::io;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Only the owner may list, enter or change a private folder.
pub const DIR_MODE: u32 = 0o700;
/// Only the owner may read or write a private file.
pub const FILE_MODE: u32 = 0o600;

/// The folder under the runtime dir (or the temp dir) for the instance
/// socket and other small per-session files.
const RUNTIME_NAME: &str = "postel";

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("The folder {path} could not be made private to you: {source}.")]
    Io { path: PathBuf, source: io::Error },
    #[error(
        "Postel needs a folder at {path}, but something else is there; move it elsewhere and try again."
    )]
    NotADirectory { path: PathBuf },
    #[error(
        "The folder {path} belongs to another user, so Postel keeps nothing there; remove it or choose another folder."
    )]
    NotOurs { path: PathBuf },
}

impl Explain for Error {
    fn sentence(&self) -> Sentence {
        match self {
            Error::Io { path, source } => Sentence::new("error-folder-private")
                .arg("path", path.display())
                .arg("reason", source),
            Error::NotADirectory { path } => {
                Sentence::new("error-folder-not-a-folder").arg("path", path.display())
            }
            Error::NotOurs { path } => {
                Sentence::new("error-folder-not-ours").arg("path", path.display())
            }
        }
    }
}

/// Makes `path` a folder only we can enter: created (with any missing
/// parents) as 0700, or, when it exists, checked to be ours and set to 0700.
/// The XDG base directory spec asks for 0700 on the parents it creates too.
pub fn dir(path: &Path) -> Result<(), Error> {
    let io_err = |source| Error::Io {
        path: path.to_owned(),
        source,
    };
    match DirBuilder::new()
        .recursive(true)
        .mode(DIR_MODE)
        .create(path)
    {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            return Err(Error::NotADirectory {
                path: path.to_owned(),
            });
        }
        Err(e) => return Err(io_err(e)),
    }
    let me = uid().map_err(io_err)?;
    let link = fs::symlink_metadata(path).map_err(io_err)?;
    // A link planted by someone else could be pointed elsewhere later; a
    // link we made ourselves (a store moved to another disk) is fine.
    if link.uid() != me {
        return Err(Error::NotOurs {
            path: path.to_owned(),
        });
    }
    let target = fs::metadata(path).map_err(io_err)?;
    if !target.is_dir() {
        return Err(Error::NotADirectory {
            path: path.to_owned(),
        });
    }
    if target.uid() != me {
        return Err(Error::NotOurs {
            path: path.to_owned(),
        });
    }
    // The mode mkdir gave is the umask's; a folder from an older Postel is 0755.
    if target.permissions().mode() & 0o7777 != DIR_MODE {
        fs::set_permissions(path, Permissions::from_mode(DIR_MODE)).map_err(io_err)?;
    }
    Ok(())
}

/// Creates `path` as an empty 0600 file, or sets an existing one to 0600.
pub fn file(path: &Path) -> io::Result<()> {
    let file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .mode(FILE_MODE)
        .open(path)?;
    // `mode` is the umask's too, and applies only to a file it creates.
    file.set_permissions(Permissions::from_mode(FILE_MODE))
}

/// Sets `path` to 0600 when it exists.
pub fn restrict(path: &Path) -> io::Result<()> {
    match fs::set_permissions(path, Permissions::from_mode(FILE_MODE)) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

/// A private folder for this user's session: `$XDG_RUNTIME_DIR/postel`,
/// or, where there is no runtime dir, `postel-<uid>` in the temp dir
/// (refused when another user made it first).
pub fn runtime_dir() -> Result<PathBuf, Error> {
    runtime_dir_in(
        std::env::var_os("XDG_RUNTIME_DIR").as_deref(),
        &std::env::temp_dir(),
    )
}

fn runtime_dir_in(runtime: Option<&OsStr>, temp: &Path) -> Result<PathBuf, Error> {
    // The spec: a relative path is invalid and is ignored.
    let path = match runtime.map(Path::new) {
        Some(base) if base.is_absolute() => base.join(RUNTIME_NAME),
        _ => {
            let me = uid().map_err(|source| Error::Io {
                path: temp.to_owned(),
                source,
            })?;
            temp.join(format!("{RUNTIME_NAME}-{me}"))
        }
    };
    dir(&path)?;
    Ok(path)
}

/// The user id files we create get (std has no `geteuid`, and this crate
/// uses no libc): Linux tells it in /proc; elsewhere it is the owner of a
/// file made for the purpose.
pub fn uid() -> io::Result<u32> {
    static UID: OnceLock<u32> = OnceLock::new();
    if let Some(&uid) = UID.get() {
        return Ok(uid);
    }
    let uid = match fs::read_to_string("/proc/self/status") {
        Ok(status) => effective_uid(&status).ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                "/proc/self/status has no user id",
            )
        })?,
        Err(_) => probe_uid()?,
    };
    Ok(*UID.get_or_init(|| uid))
}

/// "Uid:" is followed by the real, effective, saved and file-system ids.
fn effective_uid(status: &str) -> Option<u32> {
    status
        .lines()
        .find_map(|line| line.strip_prefix("Uid:"))
        .and_then(|ids| ids.split_whitespace().nth(1))
        .and_then(|id| id.parse().ok())
}

fn probe_uid() -> io::Result<u32> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let probe = std::env::temp_dir().join(format!(".postel-uid-{}-{nanos}", std::process::id()));
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(FILE_MODE)
        .open(&probe)?;
    let owner = fs::symlink_metadata(&probe).map(|m| m.uid());
    let _ = fs::remove_file(&probe);
    owner
}

/// The permission bits of `path` (following links), as the tests of every
/// crate read them back.
pub fn mode(path: &Path) -> std::io::Result<u32> {
    Ok(fs::metadata(path)?.permissions().mode() & 0o7777)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Someone else's uid, for folders that must be refused.
    const NOBODY: u32 = 65534;

    pub(crate) fn mode(path: &Path) -> u32 {
        super::mode(path).expect("metadata")
    }

    fn temp(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("postel-private-{tag}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("temp dir");
        dir
    }

    /// A folder owned by someone else: made and given away when the tests
    /// run as root, else the root folder (never changed: not ours).
    fn foreign_dir(base: &Path) -> PathBuf {
        if uid().expect("uid") == 0 {
            let dir = base.join("theirs");
            fs::create_dir(&dir).expect("dir");
            std::os::unix::fs::chown(&dir, Some(NOBODY), Some(NOBODY)).expect("chown");
            dir
        } else {
            PathBuf::from("/")
        }
    }

    #[test]
    fn the_uid_is_the_owner_of_our_files() {
        let base = temp("uid");
        let made = base.join("made");
        fs::write(&made, b"").expect("write");
        let owner = fs::metadata(&made).expect("meta").uid();
        assert_eq!(uid().expect("uid"), owner);
        assert_eq!(probe_uid().expect("probe"), owner);
        assert_eq!(
            effective_uid("Name:\tx\nUid:\t1000\t1001\t1001\t1001\n"),
            Some(1001)
        );
        fs::remove_dir_all(base).expect("cleanup");
    }

    #[test]
    fn a_new_folder_and_its_new_parents_are_0700() {
        let base = temp("new");
        let path = base.join("a/b/c");
        dir(&path).expect("made");
        assert_eq!(mode(&path), DIR_MODE);
        assert_eq!(mode(&base.join("a")), DIR_MODE);
        // Umask or not, the folder ends up 0700, and a second call is fine.
        fs::set_permissions(&path, Permissions::from_mode(0o755)).expect("chmod");
        dir(&path).expect("again");
        assert_eq!(mode(&path), DIR_MODE);
        fs::remove_dir_all(base).expect("cleanup");
    }

    #[test]
    fn a_folder_owned_by_someone_else_is_refused() {
        let base = temp("foreign");
        let theirs = foreign_dir(&base);
        let before = mode(&theirs);
        assert!(matches!(dir(&theirs), Err(Error::NotOurs { .. })));
        assert_eq!(mode(&theirs), before, "left as it was");
        // Nor through a link of ours to it.
        let link = base.join("link");
        std::os::unix::fs::symlink(&theirs, &link).expect("symlink");
        assert!(matches!(dir(&link), Err(Error::NotOurs { .. })));
        fs::remove_dir_all(base).expect("cleanup");
    }

    #[test]
    fn a_link_is_followed_only_when_it_and_its_folder_are_ours() {
        let base = temp("link");
        let real = base.join("real");
        fs::create_dir(&real).expect("dir");
        let link = base.join("link");
        std::os::unix::fs::symlink(&real, &link).expect("symlink");
        dir(&link).expect("our link to our folder");
        assert_eq!(mode(&real), DIR_MODE);
        if uid().expect("uid") == 0 {
            let planted = base.join("planted");
            std::os::unix::fs::symlink(&real, &planted).expect("symlink");
            std::os::unix::fs::lchown(&planted, Some(NOBODY), Some(NOBODY)).expect("lchown");
            assert!(matches!(dir(&planted), Err(Error::NotOurs { .. })));
        }
        fs::remove_dir_all(base).expect("cleanup");
    }

    #[test]
    fn a_file_in_the_way_is_refused() {
        let base = temp("file");
        let path = base.join("taken");
        fs::write(&path, b"").expect("write");
        assert!(matches!(dir(&path), Err(Error::NotADirectory { .. })));
        fs::remove_dir_all(base).expect("cleanup");
    }

    #[test]
    fn files_are_0600_new_or_old() {
        let base = temp("files");
        let new = base.join("new");
        file(&new).expect("created");
        assert_eq!(mode(&new), FILE_MODE);
        let old = base.join("old");
        fs::write(&old, b"kept").expect("write");
        fs::set_permissions(&old, Permissions::from_mode(0o644)).expect("chmod");
        file(&old).expect("restricted");
        assert_eq!(mode(&old), FILE_MODE);
        assert_eq!(fs::read(&old).expect("read"), b"kept", "not truncated");
        restrict(&base.join("missing")).expect("nothing to do");
        fs::remove_dir_all(base).expect("cleanup");
    }

    #[test]
    fn the_runtime_dir_is_private_with_or_without_xdg() {
        let base = temp("runtime");
        let xdg = base.join("run");
        fs::create_dir(&xdg).expect("dir");
        let got = runtime_dir_in(Some(xdg.as_os_str()), &base).expect("runtime dir");
        assert_eq!(got, xdg.join(RUNTIME_NAME));
        assert_eq!(mode(&got), DIR_MODE);
        // No runtime dir (or a relative one): a per-user folder in the temp dir.
        let me = uid().expect("uid");
        let got = runtime_dir_in(Some(OsStr::new("relative")), &base).expect("temp");
        assert_eq!(got, base.join(format!("postel-{me}")));
        assert_eq!(mode(&got), DIR_MODE);
        fs::remove_dir_all(&got).expect("remove");
        // Made first by another user: refused, never shared.
        if me == 0 {
            let planted = base.join(format!("postel-{me}"));
            fs::create_dir(&planted).expect("dir");
            fs::set_permissions(&planted, Permissions::from_mode(0o777)).expect("chmod");
            std::os::unix::fs::chown(&planted, Some(NOBODY), Some(NOBODY)).expect("chown");
            assert!(matches!(
                runtime_dir_in(None, &base),
                Err(Error::NotOurs { .. })
            ));
        }
        fs::remove_dir_all(base).expect("cleanup");
    }
}
