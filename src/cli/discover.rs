//! `postel account discover ADDR`: automatic account setup from the command
//! line. Finds the settings, says where they came from and, with a
//! password, logs in to confirm them; adding the account stays a separate,
//! explicit `postel account add`.

use std::io::BufRead;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Subcommand};
use serde::Serialize;

use super::Failure;
use crate::account::autoconfig::{self, Found, Options};
use crate::account::{Account, Role};
use crate::engine::Engine;
use crate::net::tls;

/// `postel account …`: discovery beside the commands of `cli::account`.
#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// Find the server settings for an address; with a password, log in to confirm them.
    Discover(DiscoverArgs),
    #[command(flatten)]
    Manage(super::account::Command),
}

#[derive(Debug, Args)]
pub struct DiscoverArgs {
    /// The email address.
    address: String,
    /// Read the password from the first line of standard input and log in with it.
    #[arg(long)]
    password_stdin: bool,
    /// The database of mail providers (ISPDB format); the domain is appended.
    #[arg(long, value_name = "URL", env = "POSTEL_ISPDB_URL", default_value = autoconfig::ISPDB_BASE)]
    ispdb_url: String,
    /// Ask this DNS server instead of the system's (IP:PORT); may be repeated.
    #[arg(
        long,
        value_name = "IP:PORT",
        env = "POSTEL_DNS_SERVER",
        value_delimiter = ','
    )]
    dns_server: Vec<SocketAddr>,
    /// Trust a certificate (a server's own or its CA) from a PEM file, for web and mail servers.
    #[arg(long, value_name = "PEMFILE")]
    trust_cert: Option<PathBuf>,
    /// Seconds each step (one request, one connection) may take.
    #[arg(long, value_name = "SECONDS", default_value_t = 8,
          value_parser = clap::value_parser!(u64).range(1..=120))]
    timeout: u64,
}

pub async fn account(
    engine: &mut Engine,
    command: AccountCommand,
    json: bool,
) -> Result<ExitCode, Failure> {
    match command {
        AccountCommand::Discover(args) => discover(args, json).await,
        AccountCommand::Manage(command) => super::account::run(engine, command, json).await,
    }
}

#[derive(Serialize)]
struct Report<'a> {
    address: &'a str,
    source: autoconfig::Source,
    found_by: &'static str,
    origin: &'a str,
    insecure: bool,
    notes: &'a [String],
    account: &'a Account,
    confirmation: Vec<Row>,
}

#[derive(Serialize)]
struct Row {
    server: &'static str,
    host: String,
    port: u16,
    ok: bool,
    message: String,
}

async fn discover(args: DiscoverArgs, json: bool) -> Result<ExitCode, Failure> {
    // Read first: a pipe's writer should not wait on the network.
    let password = if args.password_stdin {
        Some(read_password()?)
    } else {
        None
    };
    let trusted = match &args.trust_cert {
        Some(path) => tls::read_pem_file(path)?,
        None => Vec::new(),
    };
    let options = Options {
        ispdb_base: args.ispdb_url.clone(),
        timeout: Duration::from_secs(args.timeout),
        nameservers: args.dns_server.clone(),
        trusted_certificates: trusted,
        ..Options::default()
    };
    let mut found = match autoconfig::discover(&args.address, &options).await {
        Ok(found) => found,
        Err(err) => {
            // What was tried helps whoever enters the settings by hand.
            if let (autoconfig::Error::NotFound { tried, .. }, false) = (&err, json) {
                for line in tried {
                    eprintln!("tried: {line}");
                }
            }
            return Err(err.into());
        }
    };
    let mut rows = Vec::new();
    if let Some(password) = &password {
        let policy = found.policy();
        let outcomes = autoconfig::confirm(&mut found.account, password, policy).await;
        rows = outcomes
            .into_iter()
            .map(|o| Row {
                server: o.role.as_str(),
                host: o.host.clone(),
                port: o.port,
                ok: o.result.is_ok(),
                message: o.to_string(),
            })
            .collect();
    }
    let confirmed = rows.iter().all(|r| r.ok);
    if json {
        let report = Report {
            address: &args.address,
            source: found.source,
            found_by: found.source.describe(),
            origin: &found.origin,
            insecure: found.insecure,
            notes: &found.notes,
            account: &found.account,
            confirmation: rows,
        };
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_text(&found, &rows, password.is_some(), &args);
    }
    Ok(if confirmed {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn print_text(found: &Found, rows: &[Row], tested: bool, args: &DiscoverArgs) {
    let a = &found.account;
    println!(
        "Settings for {}: {} ({}).",
        a.email,
        found.source.describe(),
        found.origin
    );
    for role in [Role::Incoming, Role::Outgoing] {
        let s = a.server(role);
        let protocol = match role {
            Role::Incoming => a.incoming.protocol.to_string().to_uppercase(),
            Role::Outgoing => "SMTP".to_owned(),
        };
        let security = match s.security {
            crate::account::Security::Tls => "TLS",
            crate::account::Security::Starttls => "STARTTLS",
            crate::account::Security::None => "NO ENCRYPTION",
        };
        println!(
            "{}: {protocol} on {} port {} with {security}, user name {}.",
            capitalised(role.as_str()),
            s.host,
            s.port,
            a.username(role)
        );
    }
    for note in &found.notes {
        println!("Note: {note}");
    }
    if found.insecure {
        println!(
            "Warning: these settings send your password without encryption; Postel does not use them unless you choose so."
        );
    }
    if !tested {
        println!("Not confirmed yet: give the password with --password-stdin to log in.");
    }
    for row in rows {
        println!("{}", row.message);
    }
    if !found.insecure && rows.iter().all(|r| r.ok) {
        println!("Add it with: {}", add_command(found, args));
    }
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The `postel account add` line for these settings.
fn add_command(found: &Found, args: &DiscoverArgs) -> String {
    let a = &found.account;
    let mut words: Vec<String> = ["postel", "account", "add", "NAME", "--email"]
        .map(str::to_owned)
        .into();
    words.push(a.email.clone());
    let (i, o) = (&a.incoming.server, &a.outgoing.server);
    let pairs = [
        ("--incoming", a.incoming.protocol.to_string()),
        ("--in-host", i.host.clone()),
        ("--in-port", i.port.to_string()),
        ("--in-security", i.security.to_string()),
        ("--out-host", o.host.clone()),
        ("--out-port", o.port.to_string()),
        ("--out-security", o.security.to_string()),
        ("--username", a.incoming.username.clone()),
    ];
    for (flag, value) in pairs {
        words.push(flag.to_owned());
        words.push(value);
    }
    if let Some(out) = &a.outgoing.username {
        words.extend(["--out-username".to_owned(), out.clone()]);
    }
    if let Some(path) = &args.trust_cert {
        words.extend(["--trust-cert".to_owned(), path.display().to_string()]);
    }
    words.push("--password-stdin".to_owned());
    shell_words::join(words)
}

fn read_password() -> Result<String, Failure> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).map_err(|e| {
        Failure(format!(
            "the password could not be read from standard input: {e}."
        ))
    })?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    if password.is_empty() {
        return Err(Failure(
            "no password on standard input (--password-stdin reads its first line).".into(),
        ));
    }
    Ok(password)
}
