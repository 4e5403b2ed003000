//! `postel account …`: the account settings from the command line.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use serde::Serialize;

use super::Failure;
use super::terminal::{escape_line, escape_text};
use crate::account::{
    Account, AuthMechanism, PasswordSource, Protocol, Role, Security, Server, Service,
    default_port, format_fingerprint, parse_fingerprint,
};
use crate::engine::{Engine, Password};
use crate::net::tls;

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Add an account: give its servers, or let --auto find them.
    Add {
        name: String,
        #[command(flatten)]
        settings: Settings,
        /// Find the servers from --email (as `account discover` does), log in to
        /// both with the password, and save the account only if both accept it.
        /// Server options given beside it (--username, --in-port, --out-security,
        /// ...) replace what was found before the login; a server without
        /// encryption is used only when chosen with --in-security/--out-security none,
        /// and one outside the address's domain that an unauthenticated source named
        /// (plain HTTP, DNS, a guess) only when approved with --accept-host.
        #[arg(long, help_heading = "Discovery")]
        auto: bool,
        #[command(flatten)]
        discovery: super::discover::Discovery,
    },
    /// List the accounts.
    List,
    /// Show one account's settings (never its password).
    Show { name: String },
    /// Change an account's settings; only the options given change.
    Edit {
        name: String,
        #[command(flatten)]
        settings: Settings,
    },
    /// Remove an account and its passwords from the keyring.
    Remove { name: String },
    /// Connect and log in to the account's servers.
    Test { name: String },
    /// Sign in with OAuth2 in the browser (for servers with --in-auth or
    /// --out-auth oauth2), again when the sign-in is no longer valid.
    Login { name: String },
}

#[derive(Debug, Args)]
pub struct Settings {
    /// The email address.
    #[arg(long, value_name = "ADDR")]
    pub(super) email: Option<String>,
    /// The name recipients see.
    #[arg(long, value_name = "NAME")]
    display_name: Option<String>,
    /// Text appended to new messages.
    #[arg(long)]
    signature: Option<String>,
    /// Incoming protocol: imap or pop3.
    #[arg(long, value_name = "imap|pop3")]
    incoming: Option<Protocol>,
    #[arg(long, value_name = "HOST")]
    in_host: Option<String>,
    #[arg(long, value_name = "PORT", value_parser = clap::value_parser!(u16).range(1..))]
    in_port: Option<u16>,
    #[arg(long, value_name = "tls|starttls|none")]
    pub(super) in_security: Option<Security>,
    /// How to log in to the incoming server; oauth2 signs in in the browser (`account login`).
    #[arg(long, value_name = "automatic|plain|login|oauth2")]
    in_auth: Option<AuthMechanism>,
    #[arg(long, value_name = "HOST")]
    out_host: Option<String>,
    #[arg(long, value_name = "PORT", value_parser = clap::value_parser!(u16).range(1..))]
    out_port: Option<u16>,
    #[arg(long, value_name = "tls|starttls|none")]
    pub(super) out_security: Option<Security>,
    #[arg(long, value_name = "automatic|plain|login|none|oauth2")]
    out_auth: Option<AuthMechanism>,
    /// OAuth2: the client ID to sign in as, for a provider that does not let
    /// Postel register itself (empty: register, or the built-in one).
    #[arg(long, value_name = "ID")]
    oauth_client_id: Option<String>,
    /// OAuth2: the sign-in server (its issuer URL), when it cannot be
    /// discovered from the address or the mail server (empty: discover).
    #[arg(long, value_name = "URL")]
    oauth_issuer: Option<String>,
    /// The login name for the incoming server (and the outgoing one, unless --out-username).
    #[arg(long, value_name = "USER")]
    pub(super) username: Option<String>,
    #[arg(long, value_name = "USER")]
    out_username: Option<String>,
    /// Read the password from the first line of standard input and keep it in the system keyring.
    #[arg(long, conflicts_with = "password_command")]
    pub(super) password_stdin: bool,
    /// Get the password from this command's first line of output (run without a shell).
    #[arg(long, value_name = "CMD")]
    pub(super) password_command: Option<String>,
    /// Trust a certificate (the server's own, or the CA that signed it) from a PEM file, for both servers (and for discovery's web servers).
    #[arg(long, value_name = "PEMFILE")]
    pub(super) trust_cert: Option<PathBuf>,
    /// Trust exactly the certificate with this SHA-256 fingerprint, for both servers.
    #[arg(long, value_name = "SHA256")]
    pin_cert: Option<String>,
    /// Ask the outgoing server for delivery reports of delivered mail too
    /// (DSN NOTIFY=SUCCESS); bounces and delays are always asked for where
    /// the server offers DSN.
    #[arg(long, value_name = "true|false")]
    report_delivery: Option<bool>,
    /// POP3: keep messages on the server after downloading them.
    #[arg(long, value_name = "true|false")]
    leave_on_server: Option<bool>,
    /// POP3: delete messages from the server this many days after download.
    #[arg(long, value_name = "DAYS")]
    delete_after_days: Option<u32>,
    /// IMAP: download whole messages of the last DAYS days at each sync, to
    /// read them offline (0: only on demand).
    #[arg(long, value_name = "DAYS")]
    offline_days: Option<u32>,
    /// IMAP: use FOLDER as the account's sent, drafts, trash, junk or
    /// archive folder, whatever the server marks (repeatable; an empty
    /// FOLDER goes back to the server's own choice).
    #[arg(long, value_name = "ROLE=FOLDER")]
    folder_for: Vec<String>,
}

pub async fn run(engine: &mut Engine, command: Command, json: bool) -> Result<ExitCode, Failure> {
    match command {
        Command::Add {
            name,
            auto: true,
            discovery,
            settings,
        } => super::discover::add(engine, name, discovery, settings, json).await,
        Command::Add { name, settings, .. } => add(engine, name, settings).await,
        Command::List => list(engine, json),
        Command::Show { name } => show(engine, &name, json),
        Command::Edit { name, settings } => edit(engine, &name, settings).await,
        Command::Remove { name } => {
            engine.remove_account(&name).await?;
            println!("Removed account \"{name}\".");
            Ok(ExitCode::SUCCESS)
        }
        Command::Test { name } => test(engine, &name, json).await,
        Command::Login { name } => login(engine, &name).await,
    }
}

/// The browser sign-in: the address is printed too, for a user on another
/// machine or without a browser the desktop can start.
async fn login(engine: &mut Engine, name: &str) -> Result<ExitCode, Failure> {
    use std::io::Write as _;
    let account = engine.account(name)?;
    if !account.uses_oauth() {
        return Err(Failure(format!(
            "\"{name}\" logs in with a password, not OAuth2; choose it with `postel account edit {name} --in-auth oauth2 --out-auth oauth2`."
        )));
    }
    let (tx, rx) = tokio::sync::oneshot::channel::<String>();
    let opener = async move {
        if let Ok(url) = rx.await {
            println!(
                "Sign in to \"{name}\" in your browser; if it does not open, open this address:"
            );
            println!("{url}");
            let _ = std::io::stdout().flush();
            if let Err(e) = crate::browser::open(&url).await {
                eprintln!(
                    "The browser could not be started ({e}); open the address above by hand."
                );
            }
        }
    };
    let signing_in = engine.sign_in(
        name,
        move |url| {
            let _ = tx.send(url.to_owned());
        },
        crate::oauth::signin::SIGN_IN_TIME,
    );
    let (result, ()) = tokio::join!(signing_in, opener);
    result?;
    println!("Signed in: \"{name}\" can fetch and send mail.");
    Ok(ExitCode::SUCCESS)
}

async fn add(engine: &mut Engine, name: String, s: Settings) -> Result<ExitCode, Failure> {
    let mut missing = Vec::new();
    for (flag, given) in [
        ("--email", s.email.is_some()),
        ("--incoming", s.incoming.is_some()),
        ("--in-host", s.in_host.is_some()),
        ("--out-host", s.out_host.is_some()),
        ("--username", s.username.is_some()),
    ] {
        if !given {
            missing.push(flag);
        }
    }
    let oauth_only = s.in_auth == Some(AuthMechanism::OAuth2)
        && matches!(
            s.out_auth,
            Some(AuthMechanism::OAuth2 | AuthMechanism::None)
        );
    if !s.password_stdin && s.password_command.is_none() && !oauth_only {
        missing.push("--password-stdin or --password-command");
    }
    if !missing.is_empty() {
        return Err(Failure(format!(
            "a new account needs {} (or --email, a password and --auto to find the servers).",
            missing.join(", ")
        )));
    }
    let mut account = Account {
        name,
        ..Account::default()
    };
    let password = stdin_password(&s)?;
    apply(&mut account, s)?;
    engine.add_account(account.clone(), password).await?;
    if account.uses_oauth() {
        println!(
            "Added account \"{}\" ({}). Sign in with `postel account login {}`.",
            account.name, account.email, account.name
        );
    } else {
        println!(
            "Added account \"{}\" ({}). Check it with `postel account test {}`.",
            account.name, account.email, account.name
        );
    }
    Ok(ExitCode::SUCCESS)
}

async fn edit(engine: &mut Engine, name: &str, s: Settings) -> Result<ExitCode, Failure> {
    let mut account = engine.account(name)?.clone();
    let password = stdin_password(&s)?;
    apply(&mut account, s)?;
    engine.edit_account(account, password).await?;
    println!("Saved account \"{name}\".");
    Ok(ExitCode::SUCCESS)
}

/// The password given on standard input, to keep in the keyring.
pub(super) fn stdin_password(s: &Settings) -> Result<Option<Password>, Failure> {
    Ok(if s.password_stdin {
        Some(Password(super::read_password()?))
    } else {
        None
    })
}

/// Applies the given options to an account (the password's source, not
/// the password itself).
pub(super) fn apply(account: &mut Account, s: Settings) -> Result<(), Failure> {
    if let Some(email) = s.email {
        account.email = email;
    }
    if let Some(display_name) = s.display_name {
        account.display_name = display_name;
    }
    if let Some(signature) = s.signature {
        account.signature = (!signature.is_empty()).then_some(signature);
    }
    let old_protocol = account.incoming.protocol;
    if let Some(protocol) = s.incoming {
        account.incoming.protocol = protocol;
    }
    set_server(
        &mut account.incoming.server,
        account.incoming.protocol.into(),
        old_protocol.into(),
        ServerFlags {
            host: s.in_host,
            port: s.in_port,
            security: s.in_security,
            auth: s.in_auth,
        },
    );
    set_server(
        &mut account.outgoing.server,
        Service::Smtp,
        Service::Smtp,
        ServerFlags {
            host: s.out_host,
            port: s.out_port,
            security: s.out_security,
            auth: s.out_auth,
        },
    );
    if let Some(username) = s.username {
        account.incoming.username = username;
    }
    if let Some(id) = s.oauth_client_id {
        account.oauth.client_id = (!id.trim().is_empty()).then(|| id.trim().to_owned());
        account.oauth.registered = false;
    }
    if let Some(issuer) = s.oauth_issuer {
        // Kept exactly: the issuer must match the server's own spelling,
        // trailing slash included.
        let issuer = issuer.trim().to_owned();
        if account.oauth.registered {
            // A client ID got from another server is no good with this one.
            account.oauth.client_id = None;
            account.oauth.registered = false;
        }
        account.oauth.issuer = (!issuer.is_empty()).then_some(issuer);
    }
    if let Some(out) = s.out_username {
        account.outgoing.username = (!out.is_empty()).then_some(out);
    }
    if let Some(path) = &s.trust_cert {
        let pems = tls::read_pem_file(path)?;
        for server in [&mut account.incoming.server, &mut account.outgoing.server] {
            for pem in &pems {
                if !server.trusted_certificates.contains(pem) {
                    server.trusted_certificates.push(pem.clone());
                }
            }
        }
    }
    if let Some(pin) = &s.pin_cert {
        let bytes = parse_fingerprint(pin).ok_or_else(|| {
            Failure(format!(
                "\"{pin}\" is not a SHA-256 fingerprint (64 hex digits, colons allowed)."
            ))
        })?;
        let pin = format_fingerprint(&bytes);
        for server in [&mut account.incoming.server, &mut account.outgoing.server] {
            if !server.pinned_sha256.contains(&pin) {
                server.pinned_sha256.push(pin.clone());
            }
        }
    }
    if let Some(report) = s.report_delivery {
        account.outgoing.report_delivery = report;
    }
    if let Some(leave) = s.leave_on_server {
        account.incoming.pop3.leave_on_server = leave;
    }
    if let Some(days) = s.delete_after_days {
        account.incoming.pop3.delete_after_days = Some(days);
    }
    if let Some(days) = s.offline_days {
        account.incoming.offline_days = (days > 0).then_some(days);
    }
    for choice in &s.folder_for {
        let (role, folder) = choice.split_once('=').unwrap_or((choice, ""));
        let slot = account.incoming.folders.slot(role).ok_or_else(|| {
            Failure(format!(
                "\"{role}\" is not a role one can choose a folder for; use sent, drafts, trash, junk or archive (as in --folder-for trash=Deleted)."
            ))
        })?;
        *slot = (!folder.is_empty()).then(|| folder.to_owned());
    }
    if let Some(command) = s.password_command {
        let argv = shell_words::split(&command).map_err(|e| {
            Failure(format!(
                "the password command \"{command}\" cannot be split into words: {e}."
            ))
        })?;
        account.password = PasswordSource::Command(argv);
    }
    if s.password_stdin {
        account.password = PasswordSource::Keyring;
    }
    Ok(())
}

struct ServerFlags {
    host: Option<String>,
    port: Option<u16>,
    security: Option<Security>,
    auth: Option<AuthMechanism>,
}

fn set_server(server: &mut Server, service: Service, old_service: Service, flags: ServerFlags) {
    // A port still at the old standard value follows a change of protocol
    // or security; one the user set stays.
    let was_default = server.port == default_port(old_service, server.security);
    if let Some(host) = flags.host {
        server.host = host;
    }
    if let Some(security) = flags.security {
        server.security = security;
    }
    if let Some(auth) = flags.auth {
        server.auth = auth;
    }
    match flags.port {
        Some(port) => server.port = port,
        None if was_default || server.port == 0 => {
            server.port = default_port(service, server.security)
        }
        None => {}
    }
}

#[derive(Serialize)]
struct Row<'a> {
    name: &'a str,
    email: &'a str,
    display_name: &'a str,
    incoming: String,
    outgoing: String,
}

fn row(a: &Account) -> Row<'_> {
    Row {
        name: &a.name,
        email: &a.email,
        display_name: &a.display_name,
        incoming: format!(
            "{} {}:{} ({})",
            a.incoming.protocol,
            a.incoming.server.host,
            a.incoming.server.port,
            a.incoming.server.security
        ),
        outgoing: format!(
            "smtp {}:{} ({})",
            a.outgoing.server.host, a.outgoing.server.port, a.outgoing.server.security
        ),
    }
}

fn list(engine: &Engine, json: bool) -> Result<ExitCode, Failure> {
    let accounts = engine.accounts();
    let rows: Vec<Row> = accounts.iter().map(row).collect();
    if json {
        println!("{}", serde_json::to_string_pretty(&rows)?);
    } else if rows.is_empty() {
        println!("No accounts yet. Add one with `postel account add`.");
    } else {
        // Hosts and addresses may have come from a discovery document.
        for r in rows {
            println!(
                "{}\t{}\t{}\t{}",
                escape_line(r.name),
                escape_line(r.email),
                escape_line(&r.incoming),
                escape_line(&r.outgoing)
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn show(engine: &Engine, name: &str, json: bool) -> Result<ExitCode, Failure> {
    let a = engine.account(name)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&a)?);
        return Ok(ExitCode::SUCCESS);
    }
    // Hosts, user names and addresses may have come from a discovery
    // document, so they are printed as carefully as a server's reply.
    println!("name:           {}", escape_line(&a.name));
    println!("email:          {}", escape_line(&a.email));
    println!("display name:   {}", escape_line(&a.display_name));
    if let Some(sig) = &a.signature {
        println!(
            "signature:      {}",
            escape_text(sig).replace('\n', "\n                ")
        );
    }
    let password = match &a.password {
        PasswordSource::Keyring => "system keyring".to_owned(),
        PasswordSource::Command(argv) => {
            format!("command: {}", escape_line(&shell_words::join(argv)))
        }
    };
    println!("password:       {password}");
    if a.uses_oauth() {
        let o = &a.oauth;
        println!(
            "sign-in:        OAuth2 with {}",
            o.issuer
                .as_deref()
                .map_or("(found at sign-in)".into(), escape_line)
        );
        let client = match (&o.client_id, o.registered) {
            (Some(id), true) => format!("{} (registered by Postel)", escape_line(id)),
            (Some(id), false) => escape_line(id).into_owned(),
            (None, _) => "(registered or built in at sign-in)".into(),
        };
        println!("client ID:      {client}");
    }
    for role in [Role::Incoming, Role::Outgoing] {
        let s = a.server(role);
        let protocol = match role {
            Role::Incoming => a.incoming.protocol.to_string(),
            Role::Outgoing => "smtp".to_owned(),
        };
        println!(
            "{:<15} {protocol} {}:{} security {} auth {} user {}",
            format!("{}:", role.as_str()),
            escape_line(&s.host),
            s.port,
            s.security,
            s.auth,
            escape_line(a.username(role))
        );
        for pem in &s.trusted_certificates {
            let fp = rustls::pki_types::pem::PemObject::from_pem_slice(pem.as_bytes())
                .map(|c: rustls::pki_types::CertificateDer| tls::fingerprint(&c))
                .unwrap_or_else(|_| "unreadable".into());
            println!("                trusts certificate {fp}");
        }
        for pin in &s.pinned_sha256 {
            println!("                pinned certificate {}", escape_line(pin));
        }
    }
    if a.incoming.protocol == Protocol::Imap {
        println!(
            "offline:        {}",
            match a.incoming.offline_days {
                Some(days) => format!("messages of the last {days} days downloaded"),
                None => "messages downloaded when opened".to_owned(),
            }
        );
    }
    for (role, folder) in a.incoming.folders.chosen() {
        println!("{:<15} {}", format!("{role}:"), escape_line(folder));
    }
    if a.incoming.protocol == Protocol::Pop3 {
        let p = &a.incoming.pop3;
        let delete = p
            .delete_after_days
            .map(|d| format!(", deleted after {d} days"))
            .unwrap_or_default();
        println!(
            "pop3:           {}{delete}",
            if p.leave_on_server {
                "left on server"
            } else {
                "removed from server after download"
            }
        );
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Serialize)]
struct TestRow {
    server: &'static str,
    host: String,
    port: u16,
    ok: bool,
    message: String,
}

async fn test(engine: &Engine, name: &str, json: bool) -> Result<ExitCode, Failure> {
    let outcomes = engine.test_account(name).await?;
    let rows: Vec<TestRow> = outcomes
        .into_iter()
        .map(|o| TestRow {
            server: o.role.as_str(),
            host: o.host,
            port: o.port,
            ok: o.result.is_ok(),
            message: match o.result {
                Ok(()) => "connected and logged in".into(),
                Err(err) => err.to_string(),
            },
        })
        .collect();
    let all_ok = rows.iter().all(|r| r.ok);
    if json {
        println!("{}", serde_json::to_string_pretty(&rows)?);
    } else {
        for r in &rows {
            let verdict = if r.ok { "ok" } else { "FAILED" };
            println!(
                "{} {}:{}: {verdict}: {}",
                r.server,
                escape_line(&r.host),
                r.port,
                escape_text(&r.message)
            );
        }
    }
    Ok(if all_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
