//! Runs the real `postel` binary with its own config and data dirs, under
//! the private D-Bus session (keyring) that tests/run provides.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

use crate::harness::{TempDir, servers, unique};

pub struct Postel {
    pub config: TempDir,
}

impl Postel {
    /// The binary with this instance's own config and data dirs.
    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_postel"));
        cmd.args(args)
            .env("POSTEL_CONFIG_DIR", self.config.path())
            .env("POSTEL_DATA_DIR", self.config.path().join("data"));
        cmd
    }

    pub fn new() -> Self {
        Self {
            config: TempDir::new("config"),
        }
    }

    /// The command with more environment variables, to spawn as a test
    /// needs (its output read while it runs).
    pub fn command_env(&self, args: &[&str], env: &[(&str, &str)]) -> Command {
        let mut cmd = self.command(args);
        cmd.envs(env.iter().copied());
        cmd
    }

    pub fn run(&self, args: &[&str], stdin: Option<&str>) -> Output {
        self.run_env(args, stdin, &[])
    }

    /// [`Postel::run`] with more environment variables.
    pub fn run_env(&self, args: &[&str], stdin: Option<&str>, env: &[(&str, &str)]) -> Output {
        let mut child = self
            .command(args)
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("postel runs");
        let mut input = child.stdin.take().expect("stdin");
        if let Some(text) = stdin {
            input.write_all(text.as_bytes()).expect("stdin written");
        }
        drop(input);
        child.wait_with_output().expect("postel finishes")
    }

    pub fn ok(&self, args: &[&str], stdin: Option<&str>) -> String {
        let out = self.run(args, stdin);
        assert!(
            out.status.success(),
            "postel {args:?} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Runs a command that must fail; returns what it said on stderr.
    pub fn fails(&self, args: &[&str], stdin: Option<&str>) -> String {
        let out = self.run(args, stdin);
        assert!(
            !out.status.success(),
            "postel {args:?} should fail: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    }

    pub fn json(&self, args: &[&str]) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        serde_json::from_str(&self.ok(&all, None)).expect("valid JSON")
    }

    pub fn settings(&self) -> String {
        std::fs::read_to_string(self.config.path().join("settings.toml")).unwrap_or_default()
    }

    /// Adds an IMAPS + submissions account for a test user; returns its name.
    pub fn add_imap(&self, tag: &str, user: &str, password: &str) -> String {
        let s = servers();
        self.add_on_servers(
            tag,
            &Login {
                email: &s.address(user),
                user,
                password,
            },
            ("imap", s.imaps),
            s.submissions,
            &s.ca,
        )
    }

    /// Adds an account on any servers on localhost (TLS both ways): the
    /// incoming protocol and port, the submission port, the CA to trust.
    pub fn add_on_servers(
        &self,
        tag: &str,
        login: &Login<'_>,
        (protocol, in_port): (&str, u16),
        out_port: u16,
        ca: &std::path::Path,
    ) -> String {
        let name = unique(tag);
        let ca = ca.display().to_string();
        let (in_port, out_port) = (in_port.to_string(), out_port.to_string());
        self.ok(
            &[
                "account",
                "add",
                &name,
                "--email",
                login.email,
                "--display-name",
                "Test User",
                "--incoming",
                protocol,
                "--in-host",
                "localhost",
                "--in-port",
                &in_port,
                "--out-host",
                "localhost",
                "--out-port",
                &out_port,
                "--username",
                login.user,
                "--password-stdin",
                "--trust-cert",
                &ca,
            ],
            Some(&format!("{}\n", login.password)),
        );
        name
    }
}

impl Postel {
    /// Starts a long-running command (e.g. `sync --watch`) with piped output.
    pub fn spawn(&self, args: &[&str]) -> std::process::Child {
        self.command(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("postel starts")
    }

    /// Adds a POP3S + submissions account for a test user; returns its name.
    pub fn add_pop3(&self, tag: &str, user: &str, extra: &[&str]) -> String {
        let s = servers();
        let name = unique(tag);
        let ca = s.ca.display().to_string();
        let (pop3s, submissions) = (s.pop3s.to_string(), s.submissions.to_string());
        let password = format!("{}\n", s.password(user));
        let mut args = vec![
            "account",
            "add",
            &name,
            "--email",
            "x@example.test",
            "--incoming",
            "pop3",
            "--in-host",
            "localhost",
            "--in-port",
            &pop3s,
            "--out-host",
            "localhost",
            "--out-port",
            &submissions,
            "--username",
            user,
            "--password-stdin",
            "--trust-cert",
            &ca,
        ];
        args.extend_from_slice(extra);
        self.ok(&args, Some(&password));
        name
    }
}

impl Postel {
    /// Starts a command with `input` on its standard input.
    pub fn spawn_with_stdin(&self, args: &[&str], input: &str) -> std::process::Child {
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("postel starts");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("stdin written");
        child
    }
}

/// Who an account logs in as.
pub struct Login<'a> {
    pub email: &'a str,
    pub user: &'a str,
    pub password: &'a str,
}
