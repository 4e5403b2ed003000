//! Configuration files over HTTP: the provider's own (autoconfig.<domain>
//! and /.well-known) and the central database's. TLS is Postel's one
//! verifier (system roots plus what the options trust) and names are
//! resolved by the same resolver as the DNS sources, so a test's loopback
//! DNS server answers for both.

use std::sync::Arc;

use reqwest::Url;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use super::dns::{self, Dns};
use super::{Answers, Candidate, Context, Options, Source, ispdb};
use crate::account::Server;
use crate::net::tls;

pub struct Web {
    client: reqwest::Client,
    timeout: std::time::Duration,
}

impl Web {
    pub fn new(options: &Options, dns: Arc<Dns>) -> Result<Self, String> {
        let server = Server {
            trusted_certificates: options.trusted_certificates.clone(),
            ..Server::default()
        };
        let (config, _) = tls::client_config(&server).map_err(|e| e.to_string())?;
        // An HTTPS answer counts as the provider's word only if no hop of it
        // travelled in the clear. A domain's settings come from that domain:
        // a redirect elsewhere (a parked domain, a captive portal, a
        // hijacked web server) could hand out another party's servers.
        let redirects = reqwest::redirect::Policy::custom(|attempt| {
            let first = attempt.previous().first();
            let from_https = first.map(Url::scheme) == Some("https");
            let site = first.and_then(Url::host_str).map(site).unwrap_or_default();
            let to = attempt.url().host_str().unwrap_or_default().to_owned();
            if from_https && attempt.url().scheme() != "https" {
                attempt.error("a redirect from HTTPS to plain HTTP was refused")
            } else if !within(&to, &site) {
                attempt.error(format!(
                    "it redirects to {to}, outside {site}, and settings are taken only from the domain asked"
                ))
            } else if attempt.previous().len() > 5 {
                attempt.error("too many redirects")
            } else {
                attempt.follow()
            }
        });
        let client = reqwest::Client::builder()
            .tls_backend_preconfigured(Arc::unwrap_or_clone(config))
            .dns_resolver(Resolver(dns))
            .timeout(options.timeout)
            .redirect(redirects)
            .user_agent(concat!("Postel/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| describe(e, options.timeout))?;
        Ok(Self {
            client,
            timeout: options.timeout,
        })
    }

    /// The text of a configuration file, and whether it came over HTTPS.
    async fn get(&self, url: Url) -> Result<(String, bool), String> {
        let secure = url.scheme() == "https";
        let mut response = self
            .client
            .get(url)
            .send()
            .await
            .map_err(|e| describe(e, self.timeout))?;
        if !response.status().is_success() {
            return Err(format!("the server answered {}", response.status()));
        }
        let secure = secure && response.url().scheme() == "https";
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| describe(e, self.timeout))?
        {
            if body.len() + chunk.len() > ispdb::MAX_SIZE {
                return Err("the answer is too large for a configuration file".into());
            }
            body.extend_from_slice(&chunk);
        }
        let text = String::from_utf8(body).map_err(|_| "the answer is not UTF-8 text")?;
        Ok((text, secure))
    }
}

/// The domain a URL's host speaks for: its registrable domain, or the host
/// itself when it has none (an IP address, "localhost").
fn site(host: &str) -> String {
    if host.parse::<std::net::IpAddr>().is_ok() || host.starts_with('[') {
        return host.to_owned();
    }
    dns::base_domains(host)
        .pop()
        .unwrap_or_else(|| host.to_owned())
}

fn within(host: &str, site: &str) -> bool {
    host.eq_ignore_ascii_case(site)
        || host
            .to_ascii_lowercase()
            .ends_with(&format!(".{}", site.to_ascii_lowercase()))
}

/// What went wrong with a request, in a few words.
fn describe(err: reqwest::Error, timeout: std::time::Duration) -> String {
    if err.is_timeout() {
        return super::no_answer(timeout);
    }
    // The innermost cause is the one that says what happened (refused,
    // no such host, certificate not trusted); the outer ones wrap it.
    let mut cause: &dyn std::error::Error = &err;
    while let Some(inner) = cause.source() {
        cause = inner;
    }
    cause.to_string()
}

/// Lets reqwest resolve through the discovery resolver.
struct Resolver(Arc<Dns>);

impl Resolve for Resolver {
    fn resolve(&self, name: Name) -> Resolving {
        let dns = self.0.clone();
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let ips = dns.addresses(&host).await?;
            // Port 0: reqwest puts in the URL's port.
            let addrs: Addrs = Box::new(ips.into_iter().map(|ip| (ip, 0).into()));
            Ok(addrs)
        })
    }
}

/// How the provider's own file is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// Both HTTPS places at once.
    Https,
    /// autoconfig.<domain> over plain HTTP: its answer is weighed after the
    /// database's HTTPS one, and names only candidates.
    Http,
}

/// The provider's own configuration file, asked for over `scheme`.
pub async fn provider(ctx: Arc<Context>, scheme: Scheme) -> Answers {
    let d = &ctx.domain;
    let ports = ctx.options.ports;
    let urls = match scheme {
        Scheme::Https => vec![
            format!(
                "https://autoconfig.{d}:{}/mail/config-v1.1.xml",
                ports.https
            ),
            format!(
                "https://{d}:{}/.well-known/autoconfig/mail/config-v1.1.xml",
                ports.https
            ),
        ],
        Scheme::Http => vec![format!(
            "http://autoconfig.{d}:{}/mail/config-v1.1.xml",
            ports.http
        )],
    };
    let fetches = urls.into_iter().enumerate().map(|(i, url)| {
        let ctx = &ctx;
        async move {
            let mut url = Url::parse(&url).map_err(|e| format!("{url}: {e}."))?;
            // Only the provider's own host over HTTPS learns the address.
            if scheme == Scheme::Https && i == 0 {
                url.query_pairs_mut()
                    .append_pair("emailaddress", &ctx.email);
            }
            Ok::<_, String>(fetch(ctx, url, Source::Provider, Source::ProviderHttp).await)
        }
    });
    let mut answers = Answers::default();
    for result in futures::future::join_all(fetches).await {
        match result {
            Ok(mut a) => {
                answers.candidates.append(&mut a.candidates);
                answers.tried.append(&mut a.tried);
            }
            Err(why) => answers.tried.push(why),
        }
    }
    answers
}

/// The central database's entry for the address's own domain.
pub async fn central(ctx: Arc<Context>) -> Answers {
    ispdb(&ctx, &ctx.domain).await
}

/// The central database's entry for `domain`.
pub async fn ispdb(ctx: &Context, domain: &str) -> Answers {
    let base = &ctx.options.ispdb_base;
    let slash = if base.ends_with('/') { "" } else { "/" };
    match Url::parse(&format!("{base}{slash}{domain}")) {
        Ok(url) => fetch(ctx, url, Source::Ispdb, Source::IspdbHttp).await,
        Err(e) => Answers {
            tried: vec![format!(
                "The database address \"{base}\" is not a URL ({e})."
            )],
            ..Answers::default()
        },
    }
}

/// Reads one configuration file; its candidate is labelled `secure` when
/// every hop came over HTTPS, `plain` otherwise.
async fn fetch(ctx: &Context, url: Url, secure: Source, plain: Source) -> Answers {
    let mut shown = url.clone();
    shown.set_query(None);
    let shown = shown.to_string();
    let mut answers = Answers::default();
    match ctx.web.get(url).await {
        Err(why) => answers.tried.push(format!("{shown}: {why}.")),
        Ok((text, https)) => match ispdb::parse(&text, &ctx.email) {
            Err(why) => answers.tried.push(format!("{shown} was not used: {why}.")),
            Ok(config) => answers.candidates.push(Candidate {
                source: if https { secure } else { plain },
                // A sign-in described over plain HTTP could send the user
                // anywhere: only the provider's HTTPS word is kept.
                oauth: if https {
                    config.oauth
                } else {
                    Default::default()
                },
                incoming: config.incoming,
                outgoing: config.outgoing,
                notes: config
                    .skipped
                    .into_iter()
                    .map(|s| format!("{shown}: {s}"))
                    .collect(),
                origin: shown,
            }),
        },
    }
    answers
}

#[cfg(test)]
mod tests {
    use super::{site, within};

    #[test]
    fn autoconfig_a_redirect_may_stay_within_the_registrable_domain_only() {
        let from = site("autoconfig.example.com");
        assert_eq!(from, "example.com");
        assert!(within("example.com", &from));
        assert!(within("Mail.Example.com", &from));
        assert!(!within("example.net", &from));
        assert!(
            !within("badexample.com", &from),
            "a suffix is not a subdomain"
        );
        assert_eq!(site("autoconfig.example.co.uk"), "example.co.uk");
        assert_eq!(site("127.0.0.1"), "127.0.0.1");
        assert!(!within("elsewhere.test", &site("127.0.0.1")));
        assert_eq!(site("localhost"), "localhost");
    }
}
