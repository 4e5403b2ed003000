//! `postel account discover ADDR` and `postel account add NAME --auto`:
//! automatic account setup from the command line. Both find the settings
//! and say where they came from; with a password, both log in to confirm
//! them, and `add --auto` saves the account only when both servers accept
//! the login. Neither sends the password to a host the user has not
//! approved (`--accept-host`, or a yes at the terminal) when a source
//! nobody vouches for named it outside the address's domain.

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Subcommand};
use serde::Serialize;

use super::Failure;
use super::account::Settings;
use super::terminal::{escape_line, escape_text};
use crate::account::{Account, PasswordSource, Role, Security};
use crate::discovery::{self, Found, Options, Policy};
use crate::engine::{Engine, Error as EngineError};
use crate::net::tls;
use crate::secret;

/// `postel account …`: discovery beside the commands of `cli::account`.
#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// Find the server settings for an address; with a password, log in to confirm them.
    Discover(DiscoverArgs),
    #[command(flatten)]
    Manage(Box<super::account::Command>),
}

#[derive(Debug, Args)]
pub struct DiscoverArgs {
    /// The email address.
    address: String,
    /// Read the password from the first line of standard input and log in with it.
    #[arg(long)]
    password_stdin: bool,
    #[command(flatten)]
    discovery: Discovery,
    /// Trust a certificate (a server's own or its CA) from a PEM file, for web and mail servers.
    #[arg(long, value_name = "PEMFILE")]
    trust_cert: Option<PathBuf>,
}

/// Where discovery looks and how long it waits; tests point it at
/// servers of their own.
#[derive(Debug, Args)]
#[command(next_help_heading = "Discovery")]
pub struct Discovery {
    /// The database of mail providers (ISPDB format); the domain is appended.
    #[arg(long, value_name = "URL", env = "POSTEL_ISPDB_URL", default_value = discovery::ISPDB_BASE)]
    ispdb_url: String,
    /// Ask this DNS server instead of the system's (IP:PORT); may be repeated.
    #[arg(
        long,
        value_name = "IP:PORT",
        env = "POSTEL_DNS_SERVER",
        value_delimiter = ','
    )]
    dns_server: Vec<SocketAddr>,
    /// Seconds each step (one request, one connection) may take.
    #[arg(long, value_name = "SECONDS", default_value_t = 8,
          value_parser = clap::value_parser!(u64).range(1..=120))]
    timeout: u64,
    /// Let the password go to HOST although settings that are not authenticated (plain HTTP,
    /// DNS, a guess) named it outside the address's domain; repeat for each host.
    #[arg(long, value_name = "HOST")]
    accept_host: Vec<String>,
}

impl Discovery {
    fn options(&self, trust_cert: Option<&Path>) -> Result<Options, Failure> {
        Ok(Options {
            ispdb_base: self.ispdb_url.clone(),
            timeout: Duration::from_secs(self.timeout),
            nameservers: self.dns_server.clone(),
            trusted_certificates: match trust_cert {
                Some(path) => tls::read_pem_file(path)?,
                None => Vec::new(),
            },
            ..Options::default()
        })
    }
}

pub async fn account(
    engine: &mut Engine,
    command: AccountCommand,
    json: bool,
) -> Result<ExitCode, Failure> {
    match command {
        AccountCommand::Discover(args) => discover(args, json).await,
        AccountCommand::Manage(command) => super::account::run(engine, *command, json).await,
    }
}

#[derive(Serialize)]
struct Report<'a> {
    address: &'a str,
    source: discovery::Source,
    found_by: &'static str,
    origin: &'a str,
    /// Whether the settings came over HTTPS from the provider or the database.
    authenticated: bool,
    /// Hosts that got no password because the user has not approved them.
    needs_approval: &'a [String],
    insecure: bool,
    notes: &'a [String],
    /// What the more trusted sources answered instead.
    tried: &'a [String],
    account: &'a Account,
    confirmation: &'a [Row],
}

#[derive(Serialize)]
struct Row {
    server: &'static str,
    host: String,
    port: u16,
    ok: bool,
    message: String,
    /// Why it failed, to end a sentence of the caller's.
    #[serde(skip)]
    failure: Option<String>,
}

/// Runs discovery; on failure the sources tried go to standard error, as
/// they help whoever enters the settings by hand.
async fn find(address: &str, options: &Options, json: bool) -> Result<Found, Failure> {
    discovery::discover(address, options).await.map_err(|err| {
        if let (discovery::Error::NotFound { tried, .. }, false) = (&err, json) {
            for line in tried {
                eprintln!("tried: {}", escape_text(line));
            }
        }
        err.into()
    })
}

/// Logs in to both servers; a user name only the server knew is written
/// back into `account`.
async fn confirm(account: &mut Account, password: &str, policy: Policy) -> Vec<Row> {
    let outcomes = discovery::confirm(account, password, policy).await;
    outcomes
        .into_iter()
        .map(|o| Row {
            server: o.role.as_str(),
            host: o.host.clone(),
            port: o.port,
            ok: o.result.is_ok(),
            message: o.to_string(),
            failure: o.result.as_ref().err().map(ToString::to_string),
        })
        .collect()
}

/// Approves the hosts `policy` holds back that were named with
/// --accept-host and, when a person is at the terminal, those they agree
/// to. The question goes to standard error: standard output stays the
/// report.
fn approve(found: &Found, policy: &mut Policy, accepted: &[String]) -> Result<(), Failure> {
    for host in accepted {
        policy.approve(host);
    }
    if policy.unapproved.is_empty() || !std::io::stdin().is_terminal() {
        return Ok(());
    }
    for host in policy.unapproved.clone() {
        eprint!(
            "Log in to {} with your password? The settings naming it were {} ({}), and it lies outside {}. [y/N] ",
            escape_line(&host),
            found.source.describe(),
            escape_line(&found.origin),
            escape_line(&found.domain)
        );
        let mut answer = String::new();
        std::io::BufRead::read_line(&mut std::io::stdin().lock(), &mut answer)
            .map_err(|e| Failure(format!("the answer could not be read: {e}.")))?;
        if matches!(answer.trim().to_lowercase().as_str(), "y" | "yes") {
            policy.approve(&host);
        }
    }
    Ok(())
}

/// Why `hosts` got no password and how to approve them, to end a sentence.
fn withheld(found: &Found, hosts: &[String]) -> String {
    let names: Vec<String> = hosts.iter().map(|h| escape_line(h).into_owned()).collect();
    let flags: Vec<String> = names.iter().map(|h| format!("--accept-host {h}")).collect();
    let (verb, pronoun) = if hosts.len() == 1 {
        ("lies", "it is")
    } else {
        ("lie", "they are")
    };
    format!(
        "{} {verb} outside {} and the settings were {}, so Postel sent no password there; if {pronoun} your provider's, approve with {}.",
        names.join(" and "),
        escape_line(&found.domain),
        found.source.describe(),
        flags.join(" ")
    )
}

fn print_json(
    found: &Found,
    address: &str,
    unapproved: &[String],
    rows: &[Row],
) -> Result<(), Failure> {
    let report = Report {
        address,
        source: found.source,
        found_by: found.source.describe(),
        origin: &found.origin,
        authenticated: found.source.authenticated(),
        needs_approval: unapproved,
        insecure: found.insecure,
        notes: &found.notes,
        tried: &found.tried,
        account: &found.account,
        confirmation: rows,
    };
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(())
}

async fn discover(args: DiscoverArgs, json: bool) -> Result<ExitCode, Failure> {
    // Read first: a pipe's writer should not wait on the network.
    let password = if args.password_stdin {
        Some(super::read_password()?)
    } else {
        None
    };
    let options = args.discovery.options(args.trust_cert.as_deref())?;
    let mut found = find(&args.address, &options, json).await?;
    let mut policy = found.policy();
    let mut rows = Vec::new();
    if let Some(password) = &password {
        approve(&found, &mut policy, &args.discovery.accept_host)?;
        rows = confirm(&mut found.account, password, policy.clone()).await;
    } else {
        for host in &args.discovery.accept_host {
            policy.approve(host);
        }
    }
    let unapproved = policy.unapproved;
    let confirmed = rows.iter().all(|r| r.ok);
    if json {
        print_json(&found, &args.address, &unapproved, &rows)?;
    } else {
        print_settings(&found);
        if password.is_none() {
            println!("Not confirmed yet: give the password with --password-stdin to log in.");
        }
        for row in &rows {
            println!("{}", escape_text(&row.message));
        }
        if !unapproved.is_empty() {
            println!("Not approved: {}", withheld(&found, &unapproved));
        }
        if !found.insecure && confirmed && unapproved.is_empty() {
            println!("Add it with: {}", escape_line(&add_command(&found, &args)));
        }
    }
    Ok(if confirmed {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// `postel account add NAME --auto`: discovery, the options given on top,
/// a login to both servers, and only then the account saved.
pub async fn add(
    engine: &mut Engine,
    name: String,
    discovery: Discovery,
    s: Settings,
    json: bool,
) -> Result<ExitCode, Failure> {
    let Some(email) = s.email.clone() else {
        return Err(Failure(
            "--auto needs the address: give --email ADDR.".into(),
        ));
    };
    let no_password = !s.password_stdin && s.password_command.is_none();
    // Before the network: a taken name would only fail at the end.
    if engine.account(&name).is_ok() {
        return Err(EngineError::Duplicate(name).into());
    }
    let stored = super::account::stdin_password(&s)?;
    let options = discovery.options(s.trust_cert.as_deref())?;
    let found = find(&email, &options, json).await?;
    // Sending a password in the clear needs the user's own word for that
    // server; what discovery found is not enough.
    let plain_chosen = [
        (Role::Incoming, s.in_security == Some(Security::None)),
        (Role::Outgoing, s.out_security == Some(Security::None)),
    ];
    let username_given = s.username.is_some();
    let mut account = Account {
        name: name.clone(),
        ..found.account.clone()
    };
    super::account::apply(&mut account, s)?;
    let mut policy = Policy {
        allow_unencrypted: plain_chosen
            .iter()
            .all(|(role, chosen)| *chosen || account.server(*role).security != Security::None),
        try_local_part: found.username_guessed && !username_given,
        unapproved: found.hosts_to_approve(&account),
    };
    // Before the password command: nothing is asked of it for settings
    // that will not be used.
    approve(&found, &mut policy, &discovery.accept_host)?;
    if !policy.unapproved.is_empty() {
        let shown = Found {
            account: account.clone(),
            ..found
        };
        if json {
            print_json(&shown, &email, &policy.unapproved, &[])?;
        } else {
            print_settings(&shown);
        }
        return Err(Failure(format!(
            "account \"{name}\" was not added: {}",
            withheld(&shown, &policy.unapproved)
        )));
    }
    // A provider that signs in in the browser gets no password: the
    // account is kept, and `account login` signs it in.
    if account.uses_oauth() {
        let shown = Found {
            account: account.clone(),
            ..found
        };
        if json {
            print_json(&shown, &email, &[], &[])?;
        } else {
            print_settings(&shown);
        }
        engine.add_account(account, None).await?;
        if !json {
            println!(
                "Added account \"{name}\" ({}). It signs in in the browser: run `postel account login {name}`.",
                escape_line(&email)
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    if no_password {
        return Err(Failure(
            "--auto needs the password to test the settings it finds: give --password-stdin or --password-command."
                .into(),
        ));
    }
    let password = match (&stored, &account.password) {
        (Some(password), _) => password.0.clone(),
        (None, PasswordSource::Command(argv)) => secret::run_command(argv).await?,
        (None, PasswordSource::Keyring) => {
            return Err(Failure(
                "no password was given to test the settings.".into(),
            ));
        }
    };
    let rows = confirm(&mut account, &password, policy).await;
    let shown = Found {
        account: account.clone(),
        ..found
    };
    if json {
        print_json(&shown, &email, &[], &rows)?;
    } else {
        print_settings(&shown);
        for row in &rows {
            println!("{}", escape_text(&row.message));
        }
    }
    if let Some(row) = rows.iter().find(|r| !r.ok) {
        return Err(Failure(format!(
            "account \"{name}\" was not added, because logging in to the {} server failed: {}",
            row.server,
            row.failure.as_deref().unwrap_or_default()
        )));
    }
    engine.add_account(account, stored).await?;
    if !json {
        println!("Added account \"{name}\" ({}).", escape_line(&email));
    }
    Ok(ExitCode::SUCCESS)
}

/// The settings found, where from, and what the user should know about
/// them; everything but our own words came from a web, DNS or mail server.
fn print_settings(found: &Found) {
    let a = &found.account;
    println!(
        "Settings for {}: {} ({}).",
        escape_line(&a.email),
        found.source.describe(),
        escape_line(&found.origin)
    );
    for role in [Role::Incoming, Role::Outgoing] {
        let s = a.server(role);
        let protocol = match role {
            Role::Incoming => a.incoming.protocol.to_string().to_uppercase(),
            Role::Outgoing => "SMTP".to_owned(),
        };
        let security = match s.security {
            Security::Tls => "TLS",
            Security::Starttls => "STARTTLS",
            Security::None => "NO ENCRYPTION",
        };
        println!(
            "{}: {protocol} on {} port {} with {security}, user name {}.",
            capitalised(role.as_str()),
            escape_line(&s.host),
            s.port,
            escape_line(a.username(role))
        );
    }
    for note in &found.notes {
        println!("Note: {}", escape_text(note));
    }
    for line in &found.tried {
        println!("Tried first: {}", escape_text(line));
    }
    if found.insecure {
        println!(
            "Warning: these settings send your password without encryption; Postel does not use them unless you choose so."
        );
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
    if a.uses_oauth() {
        words.extend(["--in-auth", "oauth2", "--out-auth", "oauth2"].map(str::to_owned));
    } else {
        words.push("--password-stdin".to_owned());
    }
    shell_words::join(words)
}
