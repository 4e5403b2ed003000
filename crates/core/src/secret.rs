//! Passwords: the system keyring (Secret Service through keyring-core), or
//! a password command the user names. Never a file, never a log line.
//!
//! keyring-core with the zbus Secret Service store is used directly rather
//! than keyring 4's v1 `Entry`: that one remembers a failed store setup for
//! the life of the process, so a keyring unlocked or started later would
//! never be seen.

use crate::explain::{Explain, Sentence};
use std::process::Stdio;

use tokio::io::AsyncReadExt;

use crate::account::{Account, PasswordSource, Role};

/// The Secret Service "service" attribute of every Postel entry.
pub const SERVICE: &str = "org.postel.Postel";

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "No system keyring is available ({0}). Start a keyring service such as GNOME Keyring or KWallet, or give this account a password command."
    )]
    NoKeyring(String),
    #[error(
        "The system keyring is locked ({0}). Unlock it (log in to your desktop session or open your keyring manager) and try again, or give this account a password command."
    )]
    Locked(String),
    #[error(
        "No password is stored for {0} in the system keyring. Enter it again in the account settings."
    )]
    Missing(String),
    #[error("The system keyring failed: {0}.")]
    Keyring(String),
    #[error("The password command \"{program}\" could not be run: {reason}.")]
    CommandFailed { program: String, reason: String },
    #[error("The password command \"{program}\" printed no password.")]
    CommandEmpty { program: String },
}

impl Explain for Error {
    fn sentence(&self) -> Sentence {
        match self {
            Error::NoKeyring(reason) => Sentence::new("error-no-keyring").arg("reason", reason),
            Error::Locked(reason) => Sentence::new("error-keyring-locked").arg("reason", reason),
            Error::Missing(key) => Sentence::new("error-password-missing").arg("key", key),
            Error::Keyring(reason) => Sentence::new("error-keyring").arg("reason", reason),
            Error::CommandFailed { program, reason } => Sentence::new("error-password-command")
                .arg("program", program)
                .arg("reason", reason),
            Error::CommandEmpty { program } => {
                Sentence::new("error-password-command-empty").arg("program", program)
            }
        }
    }
}

/// The keyring entry's "user" for one server of one account.
pub fn key(account: &str, role: Role) -> String {
    format!("{account}/{}", role.as_str())
}

/// The password for one server of an account, from wherever it lives.
pub async fn password(account: &Account, role: Role) -> Result<String, Error> {
    match &account.password {
        PasswordSource::Keyring => get(&key(&account.name, role)).await,
        PasswordSource::Command(argv) => run_command(argv).await,
    }
}

pub async fn get(key: &str) -> Result<String, Error> {
    let k = key.to_owned();
    blocking(move || {
        let entry = keyring_core::Entry::new(SERVICE, &k)?;
        entry.get_password()
    })
    .await
    .map_err(|err| match err {
        Error::Missing(_) => Error::Missing(key.to_owned()),
        other => other,
    })
}

pub async fn set(key: &str, password: &str) -> Result<(), Error> {
    let (k, p) = (key.to_owned(), password.to_owned());
    blocking(move || keyring_core::Entry::new(SERVICE, &k)?.set_password(&p)).await
}

/// Removes an entry; one that is not there is already removed.
pub async fn delete(key: &str) -> Result<(), Error> {
    let k = key.to_owned();
    match blocking(move || keyring_core::Entry::new(SERVICE, &k)?.delete_credential()).await {
        Err(Error::Missing(_)) => Ok(()),
        other => other,
    }
}

/// Runs a keyring call on a blocking thread (it does D-Bus round trips and
/// may wait for an unlock prompt), setting the store up on first use.
async fn blocking<T: Send + 'static>(
    call: impl FnOnce() -> keyring_core::Result<T> + Send + 'static,
) -> Result<T, Error> {
    tokio::task::spawn_blocking(move || {
        if keyring_core::get_default_store().is_none() {
            let store = zbus_secret_service_keyring_store::Store::new()?;
            keyring_core::set_default_store(store);
        }
        call()
    })
    .await
    .map_err(|err| Error::Keyring(err.to_string()))?
    .map_err(map_error)
}

fn map_error(err: keyring_core::Error) -> Error {
    use keyring_core::Error as K;
    match err {
        K::NoEntry => Error::Missing(String::new()),
        K::NoStorageAccess(e) => Error::Locked(e.to_string()),
        K::PlatformFailure(e) => Error::NoKeyring(e.to_string()),
        K::NoDefaultStore => Error::NoKeyring("no store".into()),
        other => Error::Keyring(other.to_string()),
    }
}

/// Runs the user's password command directly (no shell, so nothing in an
/// account setting is ever interpreted) and takes its first line.
pub async fn run_command(argv: &[String]) -> Result<String, Error> {
    let Some((program, args)) = argv.split_first() else {
        return Err(Error::CommandFailed {
            program: String::new(),
            reason: "no command given".into(),
        });
    };
    let fail = |reason: String| Error::CommandFailed {
        program: program.clone(),
        reason,
    };
    let mut child = tokio::process::Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| fail(e.to_string()))?;
    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    let (mut out, mut err) = (
        child
            .stdout
            .take()
            .ok_or_else(|| fail("no output".into()))?,
        child
            .stderr
            .take()
            .ok_or_else(|| fail("no output".into()))?,
    );
    // A password manager may prompt for a passphrase: allow it a minute.
    let run = async {
        let (a, b) = tokio::join!(out.read_to_end(&mut stdout), err.read_to_end(&mut stderr));
        a.and(b)?;
        child.wait().await
    };
    let status = tokio::time::timeout(std::time::Duration::from_secs(60), run)
        .await
        .map_err(|_| fail("it did not finish within 60 seconds".into()))?
        .map_err(|e| fail(e.to_string()))?;
    if !status.success() {
        let first = String::from_utf8_lossy(&stderr)
            .lines()
            .next()
            .unwrap_or_default()
            .to_owned();
        return Err(fail(format!("it exited with {status}: {first}")));
    }
    let text = String::from_utf8_lossy(&stdout);
    let line = text.lines().next().unwrap_or_default();
    if line.is_empty() {
        return Err(Error::CommandEmpty {
            program: program.clone(),
        });
    }
    Ok(line.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| (*w).to_owned()).collect()
    }

    #[tokio::test]
    async fn command_first_line_is_the_password() {
        let pw = run_command(&argv(&["printf", "s3cret\\nsecond line\\n"]))
            .await
            .expect("runs");
        assert_eq!(pw, "s3cret");
    }

    #[tokio::test]
    async fn command_arguments_are_not_interpreted_by_a_shell() {
        // With a shell, `$(...)` and `;` would run; here they are plain text.
        let pw = run_command(&argv(&["echo", "a;b$(touch /tmp/postel-pwned)"]))
            .await
            .expect("runs");
        assert_eq!(pw, "a;b$(touch /tmp/postel-pwned)");
        assert!(!std::path::Path::new("/tmp/postel-pwned").exists());
    }

    #[tokio::test]
    async fn failing_or_silent_commands_are_clear_errors() {
        let err = run_command(&argv(&["false"])).await.expect_err("fails");
        assert!(err.to_string().contains("\"false\""), "{err}");
        let err = run_command(&argv(&["true"])).await.expect_err("no output");
        assert!(matches!(err, Error::CommandEmpty { .. }), "{err}");
        let err = run_command(&argv(&["/nonexistent/postel-pass"]))
            .await
            .expect_err("missing program");
        assert!(err.to_string().contains("could not be run"), "{err}");
    }
}
