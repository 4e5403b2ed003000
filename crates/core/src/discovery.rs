//! Automatic account setup: from an address to server settings that work.
//!
//! The sources, in the order their answers are weighed (see
//! [`approval::ORDER`]): the provider's own configuration file over HTTPS
//! (autoconfig.<domain>, /.well-known), the central database in the same
//! ISPDB format, the provider's file over plain HTTP, DNS SRV records
//! (RFC 6186, RFC 8314), the database entry for the domain's mail exchanger
//! (MX), and finally guessing host names. Only an answer that arrived over
//! HTTPS is taken as it is; everything else (plain HTTP, DNS, guesses) names
//! a candidate that counts only once a connection to it was secured with a
//! certificate valid for its name. A server without encryption is used only
//! when nothing else was found, and then flagged: the caller must ask the
//! user.
//!
//! No password is sent while discovering; [`confirm`] logs in afterwards,
//! and not to a host the user still has to approve: one that an
//! unauthenticated source named outside the address's domain
//! ([`Found::hosts_to_approve`]).

pub mod approval;
mod confirm;
mod dns;
mod guess;
mod ispdb;
mod probe;
mod web;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;

pub use confirm::{ConfirmError, Outcome, Policy, confirm};

use crate::account::{
    Account, Incoming, Outgoing, Protocol, Role, Security, Server, Service, default_port,
};

/// Thunderbird's central database of providers, in the ISPDB format.
pub const ISPDB_BASE: &str = "https://autoconfig.thunderbird.net/v1.1/";

/// How discovery looks; the defaults are right for real use, tests point
/// the database and DNS at servers of their own.
#[derive(Debug, Clone)]
pub struct Options {
    /// Base URL of the central database; the domain is appended.
    pub ispdb_base: String,
    /// How long each step (one HTTP request, one DNS query, one connection
    /// test) may take. Steps run side by side, so this bounds the wait.
    pub timeout: Duration,
    /// DNS servers to ask instead of the system's (IP and port).
    pub nameservers: Vec<SocketAddr>,
    /// PEM certificates trusted beside the system's roots, for web and mail
    /// servers alike; the account found trusts them too.
    pub trusted_certificates: Vec<String>,
    /// The ports the provider's web server and guessed servers are tried on.
    pub ports: Ports,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            ispdb_base: ISPDB_BASE.to_owned(),
            timeout: Duration::from_secs(8),
            nameservers: Vec::new(),
            trusted_certificates: Vec::new(),
            ports: Ports::default(),
        }
    }
}

/// Standard ports, which only tests change (their servers cannot bind
/// the privileged ones).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ports {
    pub http: u16,
    pub https: u16,
    pub imap: u16,
    pub imaps: u16,
    pub pop3: u16,
    pub pop3s: u16,
    pub submission: u16,
    pub submissions: u16,
}

impl Default for Ports {
    fn default() -> Self {
        let port = default_port;
        Self {
            http: 80,
            https: 443,
            imap: port(Service::Imap, Security::Starttls),
            imaps: port(Service::Imap, Security::Tls),
            pop3: port(Service::Pop3, Security::Starttls),
            pop3s: port(Service::Pop3, Security::Tls),
            submission: port(Service::Smtp, Security::Starttls),
            submissions: port(Service::Smtp, Security::Tls),
        }
    }
}

impl Ports {
    fn mail(&self, service: Service, security: Security) -> u16 {
        let tls = security == Security::Tls;
        match (service, tls) {
            (Service::Imap, true) => self.imaps,
            (Service::Imap, false) => self.imap,
            (Service::Pop3, true) => self.pop3s,
            (Service::Pop3, false) => self.pop3,
            (Service::Smtp, true) => self.submissions,
            (Service::Smtp, false) => self.submission,
        }
    }
}

/// Where the settings came from and how, shown to the user beside them:
/// how far they can be trusted follows from it ([`Source::authenticated`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The provider's own configuration file, read over HTTPS.
    Provider,
    /// The central database of mail providers, read over HTTPS.
    Ispdb,
    /// The provider's place for its file (autoconfig.<domain>), but read
    /// over plain HTTP.
    ProviderHttp,
    /// A database of mail providers at a plain-HTTP address (one the user
    /// configured instead of the central one).
    IspdbHttp,
    /// The domain's DNS service records.
    Srv,
    /// The database entry of the domain's mail exchanger's operator.
    Mx,
    /// Host names guessed from the domain.
    Guess,
}

impl Serialize for Source {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

impl Source {
    /// Its name in reports (`--json`) and in the translations' selectors.
    pub fn id(self) -> &'static str {
        match self {
            Source::Provider => "provider",
            Source::Ispdb => "ispdb",
            Source::ProviderHttp => "provider-http",
            Source::IspdbHttp => "ispdb-http",
            Source::Srv => "srv",
            Source::Mx => "mx",
            Source::Guess => "guess",
        }
    }

    /// Whether the answer itself is authenticated: it came over HTTPS from
    /// the provider's own domain or from the database of mail providers.
    pub fn authenticated(self) -> bool {
        matches!(self, Source::Provider | Source::Ispdb)
    }

    pub fn describe(self) -> &'static str {
        match self {
            Source::Provider => "found in the provider's own configuration file, read over HTTPS",
            Source::Ispdb => "found in the database of mail providers, read over HTTPS",
            Source::ProviderHttp => {
                "found in a configuration file read over plain HTTP, which is not authenticated"
            }
            Source::IspdbHttp => {
                "found in a database of mail providers read over plain HTTP, which is not authenticated"
            }
            Source::Srv => {
                "found by the domain's DNS service records (SRV), which are not authenticated"
            }
            Source::Mx => {
                "found through the domain's mail exchanger (MX) in the database of mail providers; the MX record is not authenticated"
            }
            Source::Guess => "guessed from the domain and confirmed by connecting",
        }
    }

    /// How discovery connects to a candidate's servers before using them.
    fn trust(self) -> Trust {
        match self {
            Source::Provider | Source::Ispdb => Trust::Authenticated,
            Source::Guess => Trust::Probed,
            Source::ProviderHttp | Source::IspdbHttp | Source::Srv | Source::Mx => {
                Trust::Unverified
            }
        }
    }
}

/// Settings found for an address, ready to be shown, edited and confirmed.
#[derive(Debug, Clone)]
pub struct Found {
    /// Every field filled; the name is the address until the user picks one.
    pub account: Account,
    /// The address's domain, which the hosts found are measured against.
    pub domain: String,
    pub source: Source,
    /// Exactly where: the URL read, or the DNS names asked.
    pub origin: String,
    /// A server chosen sends the password without encryption: nothing
    /// better was found, and the user has to agree before it is used.
    pub insecure: bool,
    /// The user name is a guess (the whole address), not the provider's word.
    pub username_guessed: bool,
    /// Sentences about what was skipped, rejected or upgraded on the way.
    pub notes: Vec<String>,
    /// The provider's other way in, when it offers both IMAP and POP3: a
    /// secure server of the protocol not chosen (IMAP is preferred), for
    /// the user to pick instead.
    pub other_incoming: Option<Incoming>,
    /// What the more trusted sources answered instead, one sentence each
    /// (a broken file, a timeout, a refused redirect): the user sees why
    /// the settings came from further down the list.
    pub tried: Vec<String>,
}

impl Found {
    /// How [`confirm`] should treat these settings unless the user changes
    /// them: no login to a host that still needs the user's approval.
    pub fn policy(&self) -> Policy {
        Policy {
            allow_unencrypted: false,
            try_local_part: self.username_guessed,
            unapproved: self.hosts_to_approve(&self.account),
        }
    }

    /// The hosts of `account` (these settings, perhaps changed by the user)
    /// that may not get the password before the user approves them: still
    /// as found, named by an unauthenticated source, and outside the
    /// address's domain. A host the user typed is their own choice.
    pub fn hosts_to_approve(&self, account: &Account) -> Vec<String> {
        let hosts: Vec<&str> = [Role::Incoming, Role::Outgoing]
            .into_iter()
            .map(|role| account.server(role).host.as_str())
            .filter(|host| {
                [Role::Incoming, Role::Outgoing]
                    .iter()
                    .any(|role| approval::same_host(host, &self.account.server(*role).host))
            })
            .collect();
        approval::unapproved(self.source, &self.domain, &hosts, &[])
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Address(crate::account::Problem),
    #[error("Postel could not find settings for {domain}; enter them by hand.")]
    NotFound {
        domain: String,
        /// What was tried and why it did not help, one sentence each.
        tried: Vec<String>,
    },
    #[error("Automatic setup could not start: {0}.")]
    Setup(String),
}

impl crate::explain::Explain for Error {
    fn sentence(&self) -> crate::explain::Sentence {
        use crate::explain::Sentence;
        match self {
            Error::Address(problem) => problem.sentence(),
            Error::NotFound { domain, .. } => {
                Sentence::new("error-discovery-not-found").arg("domain", domain)
            }
            Error::Setup(reason) => Sentence::new("error-discovery-setup").arg("reason", reason),
        }
    }
}

/// One server a source offers, in its rank among the others.
#[derive(Debug, Clone)]
struct Entry {
    service: Service,
    server: Server,
    /// None: the source does not say; the whole address is the guess.
    username: Option<String>,
}

/// How far a candidate's word can be taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Trust {
    /// It came over HTTPS from the provider or the database.
    Authenticated,
    /// Plain HTTP or DNS: each server must first prove itself over TLS.
    Unverified,
    /// Guessing already connected to each server; its security is what the
    /// server showed.
    Probed,
}

/// An autoconfig file's OAuth2 sign-in as discovery reads it (for the
/// fuzzer, which feeds it hostile files).
pub(crate) fn autoconfig_oauth(xml: &str, email: &str) -> Option<crate::account::OAuth> {
    ispdb::parse(xml, email).ok().map(|config| config.oauth)
}

/// The answer of one source, before it is checked.
#[derive(Debug, Clone)]
struct Candidate {
    source: Source,
    origin: String,
    incoming: Vec<Entry>,
    outgoing: Vec<Entry>,
    /// What the source itself left out (e.g. an Exchange server).
    notes: Vec<String>,
    /// The provider's OAuth2 sign-in, when its file describes one.
    oauth: crate::account::OAuth,
}

/// What the sources share.
struct Context {
    email: String,
    domain: String,
    options: Options,
    dns: Arc<dns::Dns>,
    web: web::Web,
}

/// What a source found: candidates in its own order, and what it tried.
#[derive(Debug, Default)]
struct Answers {
    candidates: Vec<Candidate>,
    tried: Vec<String>,
}

/// Background lookups, cancelled when discovery returns.
struct Tasks(Vec<tokio::task::JoinHandle<Answers>>);

impl Drop for Tasks {
    fn drop(&mut self) {
        for task in &self.0 {
            task.abort();
        }
    }
}

/// Finds settings for `email`, trying each source in order of trust and
/// stopping at the first answer whose servers are secure.
pub async fn discover(email: &str, options: &Options) -> Result<Found, Error> {
    let email = email.trim();
    crate::account::validate_email(email).map_err(Error::Address)?;
    let domain = email
        .rsplit_once('@')
        .map(|(_, d)| d.trim_end_matches('.').to_ascii_lowercase())
        .ok_or_else(|| Error::Address(crate::account::Problem::NotAnEmail(email.to_owned())))?;
    let dns = Arc::new(dns::Dns::new(&options.nameservers, options.timeout).map_err(Error::Setup)?);
    let web = web::Web::new(options, dns.clone()).map_err(Error::Setup)?;
    let ctx = Arc::new(Context {
        email: email.to_owned(),
        domain: domain.clone(),
        options: options.clone(),
        dns,
        web,
    });
    // HTTP and DNS only read, so they all start at once; their answers are
    // still weighed in order of trust, so a slow database never lets a
    // weaker source overtake the provider's own word.
    let mut tasks = Tasks(
        Lookup::ALL
            .into_iter()
            .map(|lookup| tokio::spawn(lookup.run(ctx.clone())))
            .collect(),
    );
    let mut tried = Vec::new();
    // Answers without encryption are passed over, and the user is told.
    let mut skipped = Vec::new();
    let mut fallback: Option<Found> = None;
    let mut weigh =
        async |candidates: Vec<Candidate>, tried: &mut Vec<String>, skipped: &mut Vec<String>| {
            for candidate in candidates {
                match evaluate(&ctx, candidate).await {
                    Verdict::Secure(mut found) => {
                        found.notes.splice(0..0, skipped.drain(..));
                        found.tried = std::mem::take(tried);
                        return Some(found);
                    }
                    Verdict::Insecure(found) => {
                        skipped.push(insecure_note(&found));
                        fallback.get_or_insert(found);
                    }
                    Verdict::Rejected(why) => tried.push(why),
                }
            }
            None
        };
    for (task, lookup) in tasks.0.iter_mut().zip(Lookup::ALL) {
        let mut answers = task.await.unwrap_or_default();
        debug_assert!(
            answers
                .candidates
                .iter()
                .all(|c| lookup.sources().contains(&c.source)),
            "{lookup:?} answered out of its rank"
        );
        answers.candidates.sort_by_key(|c| approval::rank(c.source));
        tried.extend(answers.tried);
        if let Some(found) = weigh(answers.candidates, &mut tried, &mut skipped).await {
            return Ok(found);
        }
    }
    drop(tasks);
    // Guessing connects to many hosts, so it waits until nothing else helped.
    let guessed = guess::guess(&ctx).await;
    tried.extend(guessed.tried);
    if let Some(found) = weigh(guessed.candidates, &mut tried, &mut skipped).await {
        return Ok(found);
    }
    match fallback {
        Some(mut found) => {
            found.tried = tried;
            Ok(found)
        }
        None => Err(Error::NotFound { domain, tried }),
    }
}

/// The lookups that run side by side, in the order their answers are
/// weighed: together they follow [`approval::ORDER`].
#[derive(Debug, Clone, Copy)]
enum Lookup {
    ProviderHttps,
    Database,
    ProviderHttp,
    Srv,
    Mx,
}

impl Lookup {
    const ALL: [Lookup; 5] = [
        Lookup::ProviderHttps,
        Lookup::Database,
        Lookup::ProviderHttp,
        Lookup::Srv,
        Lookup::Mx,
    ];

    /// The sources its answers can carry.
    fn sources(self) -> &'static [Source] {
        match self {
            Lookup::ProviderHttps => &[Source::Provider],
            Lookup::Database => &[Source::Ispdb, Source::IspdbHttp],
            Lookup::ProviderHttp => &[Source::ProviderHttp],
            Lookup::Srv => &[Source::Srv],
            Lookup::Mx => &[Source::Mx],
        }
    }

    async fn run(self, ctx: Arc<Context>) -> Answers {
        match self {
            Lookup::ProviderHttps => web::provider(ctx, web::Scheme::Https).await,
            Lookup::Database => web::central(ctx).await,
            Lookup::ProviderHttp => web::provider(ctx, web::Scheme::Http).await,
            Lookup::Srv => dns::srv(ctx).await,
            Lookup::Mx => mx(ctx).await,
        }
    }
}

/// The end of a sentence about a step that ran out of time.
fn no_answer(timeout: Duration) -> String {
    match timeout.as_secs() {
        1 => "no answer within 1 second".to_owned(),
        secs => format!("no answer within {secs} seconds"),
    }
}

fn insecure_note(found: &Found) -> String {
    format!(
        "The settings {} ({}) offer no encryption, so Postel looked further.",
        found.source.describe(),
        found.origin
    )
}

/// The domain's mail exchanger names the company that runs its mail; its
/// database entry usually fits (a domain hosted by a big provider).
async fn mx(ctx: Arc<Context>) -> Answers {
    let mut answers = Answers::default();
    let Some(host) = ctx.dns.mx(&ctx.domain).await.into_iter().next() else {
        answers
            .tried
            .push(format!("{} has no mail exchanger (MX).", ctx.domain));
        return answers;
    };
    for domain in dns::base_domains(&host) {
        if domain == ctx.domain {
            continue;
        }
        let found = web::ispdb(&ctx, &domain).await;
        answers.tried.extend(found.tried);
        if let Some(mut candidate) = found.candidates.into_iter().next() {
            // However the entry was read, the MX answer that led to it is
            // unauthenticated DNS.
            candidate.source = Source::Mx;
            candidate.origin = format!(
                "{} is the mail exchanger of {}; {}",
                host, ctx.domain, candidate.origin
            );
            answers.candidates.push(candidate);
            break;
        }
    }
    answers
}

enum Verdict {
    Secure(Found),
    Insecure(Found),
    Rejected(String),
}

async fn evaluate(ctx: &Context, mut candidate: Candidate) -> Verdict {
    // What the user (or a test) trusts holds for the checks too.
    for entry in candidate.incoming.iter_mut().chain(&mut candidate.outgoing) {
        entry.server.trusted_certificates = ctx.options.trusted_certificates.clone();
    }
    let mut notes = candidate.notes.clone();
    let trust = candidate.source.trust();
    let (incoming, outgoing) = futures::join!(
        choose(ctx, trust, &candidate.incoming),
        choose(ctx, trust, &candidate.outgoing),
    );
    let describe = || format!("{} ({})", candidate.source.describe(), candidate.origin);
    let (incoming, outgoing) = match (incoming, outgoing) {
        (Ok((i, mut n1)), Ok((o, mut n2))) => {
            notes.append(&mut n1);
            notes.append(&mut n2);
            (i, o)
        }
        (Err(why), _) => {
            return Verdict::Rejected(format!(
                "The settings {} were not used: no incoming server could be reached securely{why}",
                describe()
            ));
        }
        (_, Err(why)) => {
            return Verdict::Rejected(format!(
                "The settings {} were not used: no outgoing server could be reached securely{why}",
                describe()
            ));
        }
    };
    let found = build(ctx, &candidate, incoming, outgoing, notes);
    if found.insecure {
        Verdict::Insecure(found)
    } else {
        Verdict::Secure(found)
    }
}

/// Picks one server from a source's ranked list: the first secure one,
/// else the first that works without encryption. Servers the source could
/// not vouch for are connected to first. The error says why none was
/// usable, as the end of a sentence.
async fn choose(
    ctx: &Context,
    trust: Trust,
    entries: &[Entry],
) -> Result<(Entry, Vec<String>), String> {
    if entries.is_empty() {
        return Err(" (it names none Postel can use).".to_owned());
    }
    let secure = |e: &&Entry| e.server.security != Security::None;
    if trust != Trust::Unverified
        && let Some(entry) = entries.iter().find(secure)
    {
        return Ok((entry.clone(), Vec::new()));
    }
    // Only plain servers (or unverified ones) are left: connect to each, to
    // confirm it and to upgrade a plain one that does offer STARTTLS.
    let probes = entries.iter().map(|entry| async move {
        match trust {
            Trust::Probed => Ok(entry.server.security),
            _ => probe::probe(&ctx.dns, entry.service, &entry.server, ctx.options.timeout).await,
        }
    });
    let results = futures::future::join_all(probes).await;
    let mut notes = Vec::new();
    let mut plain = None;
    let mut failures = Vec::new();
    for (entry, result) in entries.iter().zip(results) {
        let server = &entry.server;
        match result {
            Ok(Security::None) => {
                plain.get_or_insert_with(|| entry.clone());
            }
            Ok(security) => {
                let mut chosen = entry.clone();
                if server.security == Security::None {
                    notes.push(format!(
                        "{}:{} was listed without encryption but offers STARTTLS, so STARTTLS is used.",
                        server.host, server.port
                    ));
                }
                chosen.server.security = security;
                return Ok((chosen, notes));
            }
            Err(err) => failures.push(format!("{}:{}: {err}", server.host, server.port)),
        }
    }
    match plain {
        Some(entry) => {
            let s = &entry.server;
            notes.push(format!(
                "{}:{} offers no encryption: your password would cross the network readable.",
                s.host, s.port
            ));
            Ok((entry, notes))
        }
        None if failures.is_empty() => Err(".".to_owned()),
        None => Err(format!(" ({}).", failures.join(" "))),
    }
}

fn build(
    ctx: &Context,
    candidate: &Candidate,
    incoming: Entry,
    outgoing: Entry,
    notes: Vec<String>,
) -> Found {
    // Only an encrypted one: its certificate is checked when it is used,
    // so a source's wrong word about it fails the login rather than
    // exposing the password (the chosen one was probed for that reason).
    let other_is_pop3 = incoming.service != Service::Pop3;
    let other = candidate
        .incoming
        .iter()
        .find(|e| {
            (e.service == Service::Pop3) == other_is_pop3 && e.server.security != Security::None
        })
        .cloned();
    let insecure =
        incoming.server.security == Security::None || outgoing.server.security == Security::None;
    let username_guessed = incoming.username.is_none();
    let in_user = incoming.username.unwrap_or_else(|| ctx.email.clone());
    let out_user = outgoing.username.filter(|u| *u != in_user);
    let other_incoming = other.map(|e| Incoming {
        protocol: match e.service {
            Service::Pop3 => Protocol::Pop3,
            _ => Protocol::Imap,
        },
        username: e.username.unwrap_or_else(|| in_user.clone()),
        server: e.server,
        ..Incoming::default()
    });
    let account = Account {
        name: ctx.email.clone(),
        email: ctx.email.clone(),
        incoming: Incoming {
            protocol: match incoming.service {
                Service::Pop3 => Protocol::Pop3,
                _ => Protocol::Imap,
            },
            username: in_user,
            server: incoming.server,
            ..Incoming::default()
        },
        outgoing: Outgoing {
            username: out_user,
            server: outgoing.server,
            ..Outgoing::default()
        },
        oauth: candidate.oauth.clone(),
        ..Account::default()
    };
    Found {
        account,
        domain: ctx.domain.clone(),
        source: candidate.source,
        origin: candidate.origin.clone(),
        insecure,
        username_guessed,
        notes,
        other_incoming,
        tried: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::{Lookup, Source, approval};

    #[test]
    fn autoconfig_lookups_are_awaited_in_the_order_of_trust() {
        let sources: Vec<Source> = Lookup::ALL
            .iter()
            .flat_map(|lookup| lookup.sources().iter().copied())
            .chain([Source::Guess])
            .collect();
        assert_eq!(sources, approval::ORDER);
    }
}
