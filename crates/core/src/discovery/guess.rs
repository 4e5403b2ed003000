//! The last resort: the host names providers usually use (imap., pop3.,
//! smtp., mail. and the domain itself) on the standard ports, each
//! confirmed by connecting. Implicit TLS is preferred, STARTTLS next; a
//! server without encryption only counts when it offers no STARTTLS at all.

use super::{Answers, Candidate, Context, Entry, Source, probe};
use crate::account::{AuthMechanism, Security, Server, Service};
use crate::net::Error;

/// The host names to try for a service, in Thunderbird's order.
fn hosts(service: Service, domain: &str) -> Vec<String> {
    let prefixes: &[&str] = match service {
        Service::Imap => &["imap.", "mail.", ""],
        Service::Pop3 => &["pop3.", "pop.", "mail.", ""],
        Service::Smtp => &["smtp.", "mail.", ""],
    };
    prefixes.iter().map(|p| format!("{p}{domain}")).collect()
}

pub async fn guess(ctx: &Context) -> Answers {
    let domain = &ctx.domain;
    let services = [Service::Imap, Service::Pop3, Service::Smtp];
    // Names that do not exist are dropped before any connection is made.
    let mut names: Vec<String> = services.iter().flat_map(|s| hosts(*s, domain)).collect();
    names.sort();
    names.dedup();
    let lookups = names.iter().map(|host| ctx.dns.addresses(host));
    let resolved = futures::future::join_all(lookups).await;
    let exists = |host: &str| {
        names
            .iter()
            .zip(&resolved)
            .any(|(name, r)| name == host && r.is_ok())
    };
    let mut tries = Vec::new();
    for service in services {
        for (rank, host) in hosts(service, domain).into_iter().enumerate() {
            if !exists(&host) {
                continue;
            }
            for security in [Security::Tls, Security::Starttls] {
                let server = Server {
                    host: host.clone(),
                    port: ctx.options.ports.mail(service, security),
                    security,
                    auth: AuthMechanism::Automatic,
                    trusted_certificates: ctx.options.trusted_certificates.clone(),
                    ..Server::default()
                };
                tries.push((rank, service, server));
            }
        }
    }
    let probes = tries
        .iter()
        .map(|(_, service, server)| probe::probe(&ctx.dns, *service, server, ctx.options.timeout));
    let results = futures::future::join_all(probes).await;
    let mut answers = Answers::default();
    let mut found = Vec::new();
    // A server that answered but failed TLS is worth telling about; names
    // and ports that are simply not there are not.
    let mut untrusted = Vec::new();
    for ((rank, service, mut server), result) in tries.into_iter().zip(results) {
        match result {
            Ok(security) => {
                server.security = security;
                found.push((rank, service, server));
            }
            Err(Error::CertificateUntrusted { .. } | Error::Tls { .. }) => {
                untrusted.push(format!("{}:{}", server.host, server.port))
            }
            Err(_) => {}
        }
    }
    let mut notes = Vec::new();
    if !untrusted.is_empty() {
        notes.push(format!(
            "Not used because their secure connection failed (a certificate for another name, or not trusted): {}.",
            untrusted.join(", ")
        ));
    }
    // Secure before plain, IMAP before POP3, implicit TLS before STARTTLS,
    // then the host names' order.
    found.sort_by_key(|(rank, service, server)| {
        (
            server.security == Security::None,
            *service == Service::Pop3,
            server.security == Security::Starttls,
            *rank,
        )
    });
    let entries = |want: fn(Service) -> bool| -> Vec<Entry> {
        found
            .iter()
            .filter(|(_, service, _)| want(*service))
            .map(|(_, service, server)| Entry {
                service: *service,
                server: server.clone(),
                username: None,
            })
            .collect()
    };
    let incoming = entries(|s| s != Service::Smtp);
    let outgoing = entries(|s| s == Service::Smtp);
    if incoming.is_empty() || outgoing.is_empty() {
        answers.tried.append(&mut notes);
        answers.tried.push(format!(
            "No mail server of {domain} answered on the usual host names and ports."
        ));
        return answers;
    }
    answers.candidates.push(Candidate {
        oauth: Default::default(),
        source: Source::Guess,
        origin: format!("the usual host names of {domain}"),
        incoming,
        outgoing,
        notes,
    });
    answers
}
