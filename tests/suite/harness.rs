//! What the tests know about the private mail servers that
//! `tests/servers/mailservers start` runs: read from its env file.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::OnceLock;

#[derive(Debug)]
pub struct Servers {
    pub host: String,
    pub domain: String,
    pub ca: PathBuf,
    pub cert: PathBuf,
    pub other_ca: PathBuf,
    pub imap: u16,
    pub imaps: u16,
    pub pop3: u16,
    pub pop3s: u16,
    pub smtp: u16,
    pub smtp_plain: u16,
    pub submission: u16,
    pub submissions: u16,
    /// The OpenID provider Dovecot checks tokens with.
    pub oidc_issuer: String,
    /// Seconds its access tokens last.
    pub oidc_access_ttl: u64,
    /// The loopback address whose https://…:443 publishes another
    /// provider's metadata, found by the mail server's host.
    pub oidc_web_host: String,
    users: HashMap<String, String>,
}

impl Servers {
    pub fn password(&self, user: &str) -> &str {
        self.users
            .get(user)
            .unwrap_or_else(|| panic!("test user {user} is not in the servers' env file"))
    }

    pub fn address(&self, user: &str) -> String {
        format!("{user}@{}", self.domain)
    }
}

/// The running servers. A missing env file fails the test: tests never
/// pass (or skip) without the real servers.
pub fn servers() -> &'static Servers {
    static SERVERS: OnceLock<Servers> = OnceLock::new();
    SERVERS.get_or_init(load)
}

fn load() -> Servers {
    let path = std::env::var_os("POSTEL_TEST_ENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/tmp/postel-servers-10000/env"));
    let vars = read_env(
        &path,
        "run the tests with tests/run, or start them with tests/servers/mailservers start",
    );
    let var = |k: &str| {
        vars.get(k)
            .cloned()
            .unwrap_or_else(|| panic!("{k} missing from {}", path.display()))
    };
    let port = |k: &str| {
        var(k)
            .parse::<u16>()
            .unwrap_or_else(|_| panic!("{k} is not a port"))
    };
    let users = var("POSTEL_TEST_USERS")
        .split_whitespace()
        .filter_map(|u| u.split_once(':'))
        .map(|(u, p)| (u.to_owned(), p.to_owned()))
        .collect();
    Servers {
        host: var("POSTEL_TEST_HOST"),
        domain: var("POSTEL_TEST_DOMAIN"),
        ca: var("POSTEL_TEST_CA").into(),
        cert: var("POSTEL_TEST_CERT").into(),
        other_ca: var("POSTEL_TEST_OTHER_CA").into(),
        imap: port("POSTEL_TEST_IMAP_PORT"),
        imaps: port("POSTEL_TEST_IMAPS_PORT"),
        pop3: port("POSTEL_TEST_POP3_PORT"),
        pop3s: port("POSTEL_TEST_POP3S_PORT"),
        smtp: port("POSTEL_TEST_SMTP_PORT"),
        smtp_plain: port("POSTEL_TEST_SMTP_PLAIN_PORT"),
        submission: port("POSTEL_TEST_SUBMISSION_PORT"),
        submissions: port("POSTEL_TEST_SUBMISSIONS_PORT"),
        oidc_issuer: var("POSTEL_TEST_OIDC_ISSUER"),
        oidc_access_ttl: var("POSTEL_TEST_OIDC_ACCESS_TTL")
            .parse()
            .expect("POSTEL_TEST_OIDC_ACCESS_TTL is a number"),
        oidc_web_host: var("POSTEL_TEST_OIDC_WEB_HOST"),
        users,
    }
}

/// The `KEY=value` lines of a servers' env file. A missing file fails
/// the test, saying `how` to start the servers.
pub fn read_env(path: &std::path::Path, how: &str) -> HashMap<String, String> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|err| {
        panic!(
            "the test mail servers are not running ({}: {err}); {how}",
            path.display()
        )
    });
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.trim_matches('"').to_owned()))
        .collect()
}

/// A scratch directory removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> Self {
        static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("postel-test-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        Self(dir)
    }

    pub fn path(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// An engine with its files in `dir` and `account` added, as the window
/// and the command line set one up.
pub async fn engine_with(
    dir: &TempDir,
    account: &postel::account::Account,
) -> postel::engine::Engine {
    let engine = postel::engine::Engine::open(postel::engine::Dirs {
        config: dir.path().join("config"),
        data: dir.path().join("data"),
    })
    .expect("engine");
    engine
        .add_account(account.clone(), None)
        .await
        .expect("account");
    engine
}

/// A name no other test (or earlier run) uses, for keyring keys.
pub fn unique(tag: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970")
        .as_nanos();
    format!("{tag}-{}-{nanos}", std::process::id())
}
