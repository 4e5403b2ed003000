//! DNS for discovery (hickory): the system's servers, or the ones the
//! options name. Service records (RFC 6186, with RFC 8314's implicit-TLS
//! names) and mail exchangers, plus the addresses of hosts to connect to.

use std::cmp::Reverse;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use hickory_resolver::TokioResolver;
use hickory_resolver::config::{ConnectionConfig, NameServerConfig, ResolveHosts, ResolverConfig};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::proto::rr::RData;

use super::{Answers, Candidate, Context, Entry, Source};
use crate::account::{AuthMechanism, Security, Server, Service};

pub struct Dns {
    resolver: TokioResolver,
}

impl Dns {
    pub fn new(nameservers: &[SocketAddr], timeout: Duration) -> Result<Self, String> {
        let mut builder = if nameservers.is_empty() {
            TokioResolver::builder_tokio()
                .map_err(|e| format!("the system's DNS settings cannot be read ({e})"))?
        } else {
            let servers = nameservers
                .iter()
                .map(|addr| {
                    let (mut udp, mut tcp) = (ConnectionConfig::udp(), ConnectionConfig::tcp());
                    udp.port = addr.port();
                    tcp.port = addr.port();
                    NameServerConfig::new(addr.ip(), true, vec![udp, tcp])
                })
                .collect();
            let mut builder = TokioResolver::builder_with_config(
                ResolverConfig::from_name_servers(servers),
                TokioRuntimeProvider::default(),
            );
            // Named servers are the whole truth: no /etc/hosts beside them.
            builder.options_mut().use_hosts_file = ResolveHosts::Never;
            builder
        };
        let options = builder.options_mut();
        options.timeout = timeout;
        options.attempts = 1;
        let resolver = builder
            .build()
            .map_err(|e| format!("the DNS resolver cannot be set up ({e})"))?;
        Ok(Self { resolver })
    }

    /// A host's addresses (an address literal is its own answer).
    pub async fn addresses(&self, host: &str) -> Result<Vec<IpAddr>, String> {
        if let Ok(ip) = host.trim_matches(['[', ']']).parse::<IpAddr>() {
            return Ok(vec![ip]);
        }
        let found = self.resolver.lookup_ip(absolute(host)).await.map_err(|e| {
            tracing::debug!("looking up {host}: {e}");
            format!("{host} could not be found")
        })?;
        let ips: Vec<IpAddr> = found.iter().collect();
        if ips.is_empty() {
            return Err(format!("{host} has no address"));
        }
        Ok(ips)
    }

    /// Service records, best first: lowest priority, then highest weight
    /// (a fixed order, so every attempt tries the same server first).
    pub async fn srv(&self, name: &str) -> Vec<Record> {
        let Ok(lookup) = self.resolver.srv_lookup(absolute(name)).await else {
            return Vec::new();
        };
        let mut records: Vec<Record> = lookup
            .answers()
            .iter()
            .filter_map(|r| match &r.data {
                RData::SRV(srv) => Some(Record {
                    target: relative(&srv.target.to_utf8()),
                    port: srv.port,
                    priority: srv.priority,
                    weight: srv.weight,
                }),
                _ => None,
            })
            .collect();
        records.sort_by_key(|r| (r.priority, Reverse(r.weight)));
        records
    }

    /// Mail exchangers, most preferred first.
    pub async fn mx(&self, domain: &str) -> Vec<String> {
        let Ok(lookup) = self.resolver.mx_lookup(absolute(domain)).await else {
            return Vec::new();
        };
        let mut hosts: Vec<(u16, String)> = lookup
            .answers()
            .iter()
            .filter_map(|r| match &r.data {
                RData::MX(mx) => Some((mx.preference, relative(&mx.exchange.to_utf8()))),
                _ => None,
            })
            .filter(|(_, host)| !host.is_empty())
            .collect();
        hosts.sort();
        hosts.into_iter().map(|(_, host)| host).collect()
    }
}

/// One service record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Empty for ".", which says the service is not offered.
    pub target: String,
    pub port: u16,
    pub priority: u16,
    pub weight: u16,
}

/// A fully qualified name, so no search domain is tried after it.
fn absolute(name: &str) -> String {
    if name.ends_with('.') {
        name.to_owned()
    } else {
        format!("{name}.")
    }
}

fn relative(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

/// The records of RFC 6186 and RFC 8314, implicit TLS first as RFC 8314
/// recommends.
const SERVICES: [(&str, Service, Security); 6] = [
    ("_imaps._tcp", Service::Imap, Security::Tls),
    ("_imap._tcp", Service::Imap, Security::Starttls),
    ("_pop3s._tcp", Service::Pop3, Security::Tls),
    ("_pop3._tcp", Service::Pop3, Security::Starttls),
    ("_submissions._tcp", Service::Smtp, Security::Tls),
    ("_submission._tcp", Service::Smtp, Security::Starttls),
];

/// The domain's service records as one candidate: incoming servers ranked
/// by priority across IMAP and POP3 (RFC 6186 §3.4), then implicit TLS
/// before STARTTLS, IMAP before POP3, and weight.
pub async fn srv(ctx: Arc<Context>) -> Answers {
    let lookups = SERVICES.iter().map(|(label, service, security)| {
        let name = format!("{label}.{}", ctx.domain);
        let ctx = &ctx;
        async move { (name.clone(), *service, *security, ctx.dns.srv(&name).await) }
    });
    let mut ranked = Vec::new();
    let mut names = Vec::new();
    for (rank, (name, service, security, records)) in futures::future::join_all(lookups)
        .await
        .into_iter()
        .enumerate()
    {
        if !records.is_empty() {
            names.push(name);
        }
        for record in records.into_iter().filter(|r| !r.target.is_empty()) {
            let key = (record.priority, rank, Reverse(record.weight));
            let entry = Entry {
                service,
                server: Server {
                    host: record.target,
                    port: record.port,
                    security,
                    auth: AuthMechanism::Automatic,
                    ..Server::default()
                },
                username: None,
            };
            ranked.push((key, entry));
        }
    }
    let mut answers = Answers::default();
    if names.is_empty() {
        answers.tried.push(format!(
            "{} publishes no mail service records (SRV).",
            ctx.domain
        ));
        return answers;
    }
    ranked.sort_by_key(|(key, _)| *key);
    let (outgoing, incoming): (Vec<Entry>, Vec<Entry>) = ranked
        .into_iter()
        .map(|(_, e)| e)
        .partition(|e| e.service == Service::Smtp);
    answers.candidates.push(Candidate {
        oauth: Default::default(),
        // DNS answers are not authenticated: each server proves itself.
        source: Source::Srv,
        origin: names.join(", "),
        incoming,
        outgoing,
        notes: Vec::new(),
    });
    answers
}

/// The domains whose database entry may describe a mail exchanger's
/// operator, most specific first: "mx1.mail.example.com" gives
/// "mail.example.com" and "example.com". Without the public suffix list,
/// a two-letter country code under a short label ("co.uk") keeps three.
pub fn base_domains(host: &str) -> Vec<String> {
    let labels: Vec<&str> = host.split('.').filter(|l| !l.is_empty()).collect();
    let n = labels.len();
    let registrable = if n >= 3 && labels[n - 1].len() == 2 && labels[n - 2].len() <= 3 {
        3
    } else {
        2
    };
    let mut out = Vec::new();
    if n > registrable {
        out.push(labels[1..].join("."));
    }
    if n >= registrable {
        let base = labels[n - registrable..].join(".");
        if !out.contains(&base) {
            out.push(base);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::base_domains;

    #[test]
    fn autoconfig_mx_hosts_give_their_operators_domains() {
        assert_eq!(
            base_domains("aspmx.l.google.com"),
            ["l.google.com", "google.com"]
        );
        assert_eq!(base_domains("mx1.hosting.test"), ["hosting.test"]);
        assert_eq!(
            base_domains("mx.mail.provider.co.uk"),
            ["mail.provider.co.uk", "provider.co.uk"]
        );
        assert_eq!(base_domains("example.com"), ["example.com"]);
        assert!(base_domains("localhost").is_empty());
    }
}
