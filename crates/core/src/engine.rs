//! The one API both faces (GUI and CLI) use: accounts (settings file and
//! passwords), and through `mail` sync, reading, search and actions.

pub mod mail;
pub mod receipts;
pub mod send;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use crate::account::{Account, Invalid, PasswordSource, Role};
use crate::config::{self, Report, Settings};
use crate::explain::{Explain, Sentence};
use crate::net::check;
use crate::secret;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Invalid(#[from] Invalid),
    #[error("An account named \"{0}\" already exists; choose another name.")]
    Duplicate(String),
    #[error("There is no account named \"{0}\" (see `postel account list`).")]
    NoSuchAccount(String),
    #[error("{0}")]
    Config(#[from] config::Error),
    #[error("{0}")]
    Secret(#[from] secret::Error),
    #[error("{0}")]
    Store(#[from] crate::store::Error),
    #[error("{0}")]
    Compose(#[from] crate::message::compose::Error),
    #[error("{0}")]
    Message(#[from] crate::message::Error),
    #[error("The draft could not be saved: {0}.")]
    Draft(String),
    #[error("There is no message {0} in the outbox that can be changed (see `postel outbox`).")]
    NoSuchOutboxItem(i64),
    #[error("{0}")]
    Sync(#[from] crate::sync::Error),
    #[error("{0}")]
    OAuth(#[from] crate::oauth::Error),
}

impl Explain for Error {
    fn sentence(&self) -> Sentence {
        match self {
            Error::Duplicate(name) => Sentence::new("error-duplicate-account").arg("name", name),
            Error::NoSuchAccount(name) => Sentence::new("error-no-such-account").arg("name", name),
            Error::Secret(err) => err.sentence(),
            Error::Store(err) => err.sentence(),
            Error::Sync(err) => err.sentence(),
            Error::Draft(reason) => Sentence::new("error-draft").arg("reason", reason),
            Error::NoSuchOutboxItem(id) => Sentence::new("error-no-such-outbox-item").arg("id", id),
            Error::Config(err) => err.sentence(),
            Error::Compose(err) => err.sentence(),
            Error::Invalid(err) => err.sentence(),
            Error::Message(err) => err.sentence(),
            Error::OAuth(err) => err.sentence(),
        }
    }
}

/// Where Postel keeps its files.
#[derive(Debug, Clone)]
pub struct Dirs {
    pub config: PathBuf,
    pub data: PathBuf,
}

/// Without a home folder there is no place that is the user's alone; a
/// shared one (say /tmp/postel) would show every user's mail to the others.
#[derive(Debug, thiserror::Error)]
#[error(
    "Postel cannot find your home folder (HOME is not set), so it has no private place for your settings and mail; set HOME, or give both --config-dir and --data-dir."
)]
pub struct NoHome;

impl Dirs {
    /// The XDG directories, unless overridden (by flag or environment).
    pub fn resolve(config: Option<PathBuf>, data: Option<PathBuf>) -> Result<Self, NoHome> {
        Self::resolve_in(
            || directories::ProjectDirs::from("org", "postel", "Postel"),
            config,
            data,
        )
    }

    fn resolve_in(
        project: impl Fn() -> Option<directories::ProjectDirs>,
        config: Option<PathBuf>,
        data: Option<PathBuf>,
    ) -> Result<Self, NoHome> {
        let config = match config {
            Some(dir) => dir,
            None => project().ok_or(NoHome)?.config_dir().to_owned(),
        };
        let data = match data {
            Some(dir) => dir,
            None => project().ok_or(NoHome)?.data_dir().to_owned(),
        };
        Ok(Self { config, data })
    }
}

/// A password to store for an account.
#[derive(Clone)]
pub struct Password(pub String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(<hidden>)")
    }
}

/// The engine, shared by every task of a face without a lock around it:
/// a clone is another handle on the same settings and store. The settings
/// have this one owner (the window and the workers get them from here);
/// each call holds their lock only to read or replace them, never across
/// the network.
#[derive(Debug, Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    dirs: Dirs,
    report: Report,
    settings: RwLock<Settings>,
    /// Opened on first use; a command that never touches mail never
    /// creates a store.
    store: Mutex<Option<crate::store::SharedStore>>,
    /// Account edits one at a time: each reads the settings, may wait on
    /// the keyring, then writes them.
    editing: tokio::sync::Mutex<()>,
}

impl Engine {
    pub fn open(dirs: Dirs) -> Result<Self, Error> {
        let (settings, report) = config::load(&dirs.config)?;
        Ok(Self {
            inner: Arc::new(Inner {
                dirs,
                report,
                settings: RwLock::new(settings),
                store: Mutex::new(None),
                editing: tokio::sync::Mutex::new(()),
            }),
        })
    }

    pub fn dirs(&self) -> &Dirs {
        &self.inner.dirs
    }

    /// What loading the settings found that the user should hear about.
    pub fn report(&self) -> &Report {
        &self.inner.report
    }

    fn settings(&self) -> std::sync::RwLockReadGuard<'_, Settings> {
        // A panic while the settings were replaced left either the old or
        // the new value whole: the lock's poison says nothing more.
        self.inner
            .settings
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn preferences(&self) -> crate::preferences::Preferences {
        self.settings().preferences.clone()
    }

    /// Saves the user's preferences with the rest of the settings.
    pub async fn set_preferences(
        &self,
        preferences: crate::preferences::Preferences,
    ) -> Result<(), Error> {
        let _editing = self.inner.editing.lock().await;
        let mut next = self.settings().clone();
        next.preferences = preferences;
        self.save(next)
    }

    pub fn accounts(&self) -> Vec<Account> {
        self.settings().accounts.clone()
    }

    pub fn account(&self, name: &str) -> Result<Account, Error> {
        self.settings()
            .account(name)
            .cloned()
            .ok_or_else(|| Error::NoSuchAccount(name.to_owned()))
    }

    /// Adds an account: validated, its password stored in the keyring
    /// first (so a keyring failure leaves the settings untouched).
    pub async fn add_account(
        &self,
        account: Account,
        password: Option<Password>,
    ) -> Result<(), Error> {
        account.validate()?;
        let _editing = self.inner.editing.lock().await;
        if self.account(&account.name).is_ok() {
            return Err(Error::Duplicate(account.name));
        }
        if let (PasswordSource::Keyring, Some(password)) = (&account.password, &password) {
            store_passwords(&account.name, password).await?;
        }
        let mut next = self.settings().clone();
        next.accounts.push(account);
        self.save(next)
    }

    /// Replaces an account's settings (same name), and its password if given.
    pub async fn edit_account(
        &self,
        account: Account,
        password: Option<Password>,
    ) -> Result<(), Error> {
        account.validate()?;
        let name = account.name.clone();
        let _editing = self.inner.editing.lock().await;
        self.account(&name)?;
        if let (PasswordSource::Keyring, Some(password)) = (&account.password, &password) {
            store_passwords(&name, password).await?;
        }
        let choices = account.incoming.folders.clone();
        let mut next = self.settings().clone();
        if let Some(slot) = next.account_mut(&name) {
            *slot = account;
        }
        self.save(next)?;
        // Folders chosen by hand take their roles now, not at the next sync.
        let store = self.store()?;
        store
            .run(move |s| s.choose_roles(&name, &choices))
            .await
            .map_err(crate::sync::Error::from)?;
        Ok(())
    }

    /// Removes an account and its keyring entries.
    pub async fn remove_account(&self, name: &str) -> Result<(), Error> {
        let editing = self.inner.editing.lock().await;
        let account = self.account(name)?;
        let mut next = self.settings().clone();
        next.accounts.retain(|a| a.name != name);
        self.save(next)?;
        drop(editing);
        // Its mail kept here goes too; the server's copy is untouched.
        let owned = name.to_owned();
        self.store()?.run(move |s| s.forget_account(&owned)).await?;
        for role in [Role::Incoming, Role::Outgoing] {
            // The settings are already gone; a keyring that cannot be reached
            // now leaves an orphan entry, which is reported, unless the
            // account never kept its password there (issue 24: removing a
            // password-command account on a machine without a keyring
            // said "No system keyring" and failed, though it was removed).
            match secret::delete(&secret::key(name, role)).await {
                Err(secret::Error::NoKeyring(_))
                    if matches!(account.password, PasswordSource::Command(_)) => {}
                other => other?,
            }
        }
        if account.uses_oauth() {
            crate::oauth::access::forget(name).await?;
        }
        Ok(())
    }

    /// Runs the account's OAuth2 sign-in (`open` is given the address to
    /// send the browser to) and keeps what it found: the sign-in server
    /// and the client ID in the settings, the refresh token in the keyring.
    pub async fn sign_in(
        &self,
        name: &str,
        open: impl FnOnce(&str),
        time: std::time::Duration,
    ) -> Result<(), Error> {
        let mut account = self.account(name)?;
        crate::oauth::signin::sign_in(&mut account, open, time).await?;
        let _editing = self.inner.editing.lock().await;
        let mut next = self.settings().clone();
        // Only the sign-in's part: the rest may have changed meanwhile.
        let slot = next
            .account_mut(name)
            .ok_or_else(|| Error::NoSuchAccount(name.to_owned()))?;
        slot.oauth = account.oauth;
        self.save(next)
    }

    pub async fn test_account(&self, name: &str) -> Result<Vec<check::Outcome>, Error> {
        let account = self.account(name)?;
        Ok(check::account(&account).await)
    }

    /// Writes the settings file, then takes `next` as the settings: a
    /// failed write changes nothing.
    fn save(&self, next: Settings) -> Result<(), Error> {
        config::save(&self.inner.dirs.config, &next)?;
        *self
            .inner
            .settings
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = next;
        Ok(())
    }

    pub fn config_path(&self) -> PathBuf {
        config::path(&self.inner.dirs.config)
    }

    pub fn config_dir(&self) -> &Path {
        &self.inner.dirs.config
    }
}

async fn store_passwords(name: &str, password: &Password) -> Result<(), Error> {
    for role in [Role::Incoming, Role::Outgoing] {
        secret::set(&secret::key(name, role), &password.0).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_a_home_there_is_no_shared_fallback() {
        let none = || None;
        let (config, data) = (PathBuf::from("/c"), PathBuf::from("/d"));
        assert!(Dirs::resolve_in(none, None, None).is_err());
        assert!(Dirs::resolve_in(none, Some(config.clone()), None).is_err());
        assert!(Dirs::resolve_in(none, None, Some(data.clone())).is_err());
        let given =
            Dirs::resolve_in(none, Some(config.clone()), Some(data.clone())).expect("both given");
        assert_eq!((given.config, given.data), (config, data));
    }
}
