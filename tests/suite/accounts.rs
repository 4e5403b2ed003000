//! `postel account …` end to end: the real binary, a real Secret Service
//! (the private gnome-keyring of tests/run) and the real servers.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::harness::{servers, unique};
use crate::postel::Postel;

fn secret_tool_lookup(name: &str, role: &str) -> Option<String> {
    let out = Command::new("secret-tool")
        .args([
            "lookup",
            "service",
            "org.postel.Postel",
            "username",
            &format!("{name}/{role}"),
        ])
        .output()
        .expect("secret-tool runs (tests/run installs libsecret-tools)");
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn files_contain(dir: &Path, needle: &str) -> Vec<String> {
    let mut hits = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return hits;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            hits.extend(files_contain(&path, needle));
        } else if let Ok(bytes) = std::fs::read(&path)
            && bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
        {
            hits.push(path.display().to_string());
        }
    }
    hits
}

#[test]
fn two_accounts_are_stored_read_back_and_their_passwords_only_in_the_keyring() {
    let s = servers();
    let postel = Postel::new();
    let imap = postel.add_imap("imap", "alice", s.password("alice"));
    let pop = unique("pop");
    let (pop3s, submission) = (s.pop3s.to_string(), s.submission.to_string());
    let ca = s.ca.display().to_string();
    postel.ok(
        &[
            "account",
            "add",
            &pop,
            "--email",
            &s.address("carol"),
            "--incoming",
            "pop3",
            "--in-host",
            "localhost",
            "--in-port",
            &pop3s,
            "--out-host",
            "localhost",
            "--out-port",
            &submission,
            "--out-security",
            "starttls",
            "--username",
            "carol",
            "--password-stdin",
            "--trust-cert",
            &ca,
            "--leave-on-server",
            "false",
        ],
        Some("carolpass\n"),
    );
    // A new process (a restart) finds both, in order, with their settings.
    let list = postel.json(&["account", "list"]);
    let names: Vec<&str> = list
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|a| a["name"].as_str())
        .collect();
    assert_eq!(names, [imap.as_str(), pop.as_str()]);
    let shown = postel.json(&["account", "show", &pop]);
    assert_eq!(shown["incoming"]["protocol"], "pop3");
    assert_eq!(shown["incoming"]["port"], s.pop3s);
    assert_eq!(shown["incoming"]["pop3"]["leave_on_server"], false);
    assert_eq!(shown["outgoing"]["security"], "starttls");
    assert_eq!(shown["email"], s.address("carol"));
    // The passwords are in the Secret Service, for both servers ...
    for role in ["incoming", "outgoing"] {
        assert_eq!(
            secret_tool_lookup(&imap, role).as_deref(),
            Some(s.password("alice"))
        );
        assert_eq!(secret_tool_lookup(&pop, role).as_deref(), Some("carolpass"));
    }
    // ... and nowhere under the config or data dirs.
    for pw in [s.password("alice"), "carolpass"] {
        let hits = files_contain(postel.config.path(), pw);
        assert!(hits.is_empty(), "password found in {hits:?}");
    }
    // Both log in with the stored passwords.
    postel.ok(&["account", "test", &imap], None);
    postel.ok(&["account", "test", &pop], None);
    // Removing an account removes its keyring entries too.
    postel.ok(&["account", "remove", &imap], None);
    assert_eq!(secret_tool_lookup(&imap, "incoming"), None);
    assert_eq!(secret_tool_lookup(&imap, "outgoing"), None);
    assert!(!postel.settings().contains(&imap));
    postel.ok(&["account", "remove", &pop], None);
}

#[test]
fn account_test_says_what_went_wrong() {
    let s = servers();
    let postel = Postel::new();
    let name = postel.add_imap("diag", "bob", "not-bobs-password");
    let out = postel.fails(&["account", "test", &name], None);
    assert!(
        out.contains("refused the user name or password") && out.contains("AUTHENTICATIONFAILED"),
        "IMAP wrong password: {out}"
    );
    assert!(
        out.contains("535"),
        "SMTP wrong password, with the server's reply: {out}"
    );

    // The right password.
    postel.ok(
        &["account", "edit", &name, "--password-stdin"],
        Some("bobpass\n"),
    );
    let out = postel.ok(&["account", "test", &name], None);
    assert_eq!(out.matches(": ok:").count(), 2, "{out}");

    // A port nobody listens on.
    postel.ok(&["account", "edit", &name, "--in-port", "1"], None);
    let out = postel.fails(&["account", "test", &name], None);
    assert!(out.contains("refused the connection on port 1"), "{out}");

    // STARTTLS demanded from a port that does not offer it: no password sent.
    let plain = s.smtp_plain.to_string();
    let imaps = s.imaps.to_string();
    postel.ok(
        &[
            "account",
            "edit",
            &name,
            "--in-port",
            &imaps,
            "--out-security",
            "starttls",
            "--out-port",
            &plain,
        ],
        None,
    );
    let out = postel.fails(&["account", "test", &name], None);
    assert!(out.contains("does not offer STARTTLS"), "{out}");
    assert!(out.contains("before sending any password"), "{out}");
    postel.ok(&["account", "remove", &name], None);
}

#[test]
fn an_untrusted_certificate_shows_its_fingerprint_and_can_be_pinned() {
    let s = servers();
    let postel = Postel::new();
    let name = unique("pin");
    let (imaps, submissions) = (s.imaps.to_string(), s.submissions.to_string());
    postel.ok(
        &[
            "account",
            "add",
            &name,
            "--email",
            &s.address("alice"),
            "--incoming",
            "imap",
            "--in-host",
            "localhost",
            "--in-port",
            &imaps,
            "--out-host",
            "localhost",
            "--out-port",
            &submissions,
            "--username",
            "alice",
            "--password-stdin",
        ],
        Some("alicepass\n"),
    );
    let out = postel.fails(&["account", "test", &name], None);
    let expected = fingerprint_of(&s.cert);
    assert!(out.contains("is not trusted"), "{out}");
    assert!(
        out.contains(&expected),
        "the fingerprint {expected} is shown: {out}"
    );

    // A certificate signed by another CA stays untrusted.
    let other = s.other_ca.display().to_string();
    postel.ok(&["account", "edit", &name, "--trust-cert", &other], None);
    postel.fails(&["account", "test", &name], None);

    // Pinning exactly that fingerprint is the user's explicit trust.
    postel.ok(&["account", "edit", &name, "--pin-cert", &expected], None);
    let out = postel.ok(&["account", "test", &name], None);
    assert_eq!(out.matches(": ok:").count(), 2, "{out}");
    let shown = postel.json(&["account", "show", &name]);
    assert_eq!(shown["incoming"]["pinned_sha256"][0], expected);
    postel.ok(&["account", "remove", &name], None);
}

/// The SHA-256 fingerprint as openssl computes it, independent of Postel.
fn fingerprint_of(cert: &Path) -> String {
    let out = Command::new("openssl")
        .args(["x509", "-noout", "-fingerprint", "-sha256", "-in"])
        .arg(cert)
        .output()
        .expect("openssl runs");
    let text = String::from_utf8_lossy(&out.stdout);
    text.trim()
        .split_once('=')
        .map(|(_, fp)| fp.to_owned())
        .expect("openssl prints a fingerprint")
}

#[test]
fn invalid_input_is_refused_and_changes_nothing() {
    let postel = Postel::new();
    let name = postel.add_imap("valid", "alice", "alicepass");
    let before = postel.settings();
    let base = |n: &str| -> Vec<String> {
        [
            "account",
            "add",
            n,
            "--email",
            "x@example.test",
            "--incoming",
            "imap",
            "--in-host",
            "localhost",
            "--out-host",
            "localhost",
            "--username",
            "x",
            "--password-command",
            "echo x",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let with = |n: &str, flag: &str, value: &str| {
        let mut args = base(n);
        if let Some(i) = args.iter().position(|a| a == flag) {
            args[i + 1] = value.to_owned();
        } else {
            args.extend([flag.to_owned(), value.to_owned()]);
        }
        args
    };
    let cases = [
        (with("bad-port", "--in-port", "0"), "--in-port"),
        (with("big-port", "--out-port", "70000"), "--out-port"),
        (with("no-host", "--in-host", ""), "host name is empty"),
        (
            with("spaced-host", "--out-host", "smtp example"),
            "is not a host name",
        ),
        (
            with("bad-mail", "--email", "not-an-address"),
            "is not an email address",
        ),
        (
            with("bad-sec", "--in-security", "ssl"),
            "tls, starttls, none",
        ),
        (base(&name), "already exists"),
    ];
    for (args, expected) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let err = postel.fails(&args, None);
        assert!(
            err.contains(expected),
            "{args:?}: expected \"{expected}\" in: {err}"
        );
        assert_eq!(postel.settings(), before, "{args:?} changed the settings");
    }
    let err = postel.fails(&["account", "show", "nobody"], None);
    assert!(err.contains("no account named \"nobody\""), "{err}");
    postel.ok(&["account", "remove", &name], None);
}

#[test]
fn a_corrupt_settings_file_is_kept_aside_and_reported() {
    let postel = Postel::new();
    let corrupt = "[[account]]\nname = \"x\"\nemail = = oops\n";
    std::fs::write(postel.config.path().join("settings.toml"), corrupt).expect("write");
    let out = postel.run(&["account", "list"], None);
    assert!(out.status.success(), "the app still starts");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("could not be read at line 3"), "{stderr}");
    let kept: Vec<_> = std::fs::read_dir(postel.config.path())
        .expect("dir")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains("unreadable"))
        .collect();
    assert_eq!(kept.len(), 1, "one copy kept aside");
    assert_eq!(
        std::fs::read_to_string(kept[0].path()).expect("read"),
        corrupt
    );
    assert!(
        stderr.contains(&kept[0].path().display().to_string()),
        "{stderr}"
    );
}

#[test]
fn without_a_keyring_the_error_names_the_fix_and_nothing_is_saved() {
    let postel = Postel::new();
    let out = Command::new(env!("CARGO_BIN_EXE_postel"))
        .args([
            "account",
            "add",
            "nokeyring",
            "--email",
            "x@example.test",
            "--incoming",
            "imap",
            "--in-host",
            "localhost",
            "--out-host",
            "localhost",
            "--username",
            "x",
            "--password-stdin",
        ])
        .env("POSTEL_CONFIG_DIR", postel.config.path())
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/postel-bus",
        )
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            child.stdin.take().expect("stdin").write_all(b"secret\n")?;
            child.wait_with_output()
        })
        .expect("postel runs");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("No system keyring is available"),
        "{stderr}"
    );
    assert!(
        stderr.contains("password command"),
        "the fix is named: {stderr}"
    );
    assert!(
        postel.settings().is_empty(),
        "nothing saved without the password"
    );
    // The password command needs no keyring at all.
    postel.ok(
        &[
            "account",
            "add",
            "nokeyring",
            "--email",
            "x@example.test",
            "--incoming",
            "imap",
            "--in-host",
            "localhost",
            "--out-host",
            "localhost",
            "--username",
            "x",
            "--password-command",
            "echo secret",
        ],
        None,
    );
    assert!(postel.settings().contains("nokeyring"));
    let shown = postel.json(&["account", "show", "nokeyring"]);
    assert_eq!(shown["password"]["source"], "command");
    assert_eq!(
        shown["password"]["command"],
        serde_json::json!(["echo", "secret"])
    );
    // Removing it needs no keyring either (issue 24: it failed with "No
    // system keyring" and exit 1, though the account was gone).
    let removed = postel.run_env(
        &["account", "remove", "nokeyring"],
        None,
        &[(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/postel-bus",
        )],
    );
    assert!(
        removed.status.success(),
        "{}",
        String::from_utf8_lossy(&removed.stderr)
    );
    assert!(!postel.settings().contains("nokeyring"));
}
