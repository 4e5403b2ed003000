//! Whose word found settings rest on, and which hosts the user has to
//! approve before the password may go to them.
//!
//! A file read over HTTPS from the provider's own domain, or from the
//! central database, speaks for whoever the certificate names. Plain HTTP,
//! DNS (Postel does not validate DNSSEC) and guesses can be written by
//! anyone on the network path. A host such a source names is still safe
//! when it lies under the address's own domain: discovery only keeps a
//! server whose certificate is valid for its name, and only the domain's
//! owner gets such a certificate. Any other host is an unknown party, so
//! the user decides, as Thunderbird has them do before "Done".

use super::Source;

/// The order answers are weighed in, best first: HTTPS before plain HTTP,
/// whatever arrived first, so that a forged plain answer never overtakes
/// an authenticated one.
pub const ORDER: [Source; 7] = [
    Source::Provider,
    Source::Ispdb,
    Source::IspdbHttp,
    Source::ProviderHttp,
    Source::Srv,
    Source::Mx,
    Source::Guess,
];

/// Where `source` stands in [`ORDER`].
pub fn rank(source: Source) -> usize {
    ORDER
        .iter()
        .position(|s| *s == source)
        .unwrap_or(ORDER.len())
}

/// The lowest-case labels of a DNS name, or `None` when it is no host
/// name: an empty label ("a..b", a second trailing dot) or a character no
/// host name has could make two spellings of a name differ, or hide one.
/// One trailing dot is the absolute form of the same name.
fn labels(name: &str) -> Option<Vec<String>> {
    let name = name.strip_suffix('.').unwrap_or(name);
    let valid = |label: &&str| {
        !label.is_empty()
            && label
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
    };
    let labels: Vec<&str> = name.split('.').collect();
    labels
        .iter()
        .all(valid)
        .then(|| labels.iter().map(|l| l.to_lowercase()).collect())
}

/// Whether `host` is `domain` or a name under it, label by label:
/// "mail.example.com" is under "example.com"; "notexample.com" and
/// "example.com.evil.net" are not. An address literal is under nothing.
pub fn within(host: &str, domain: &str) -> bool {
    if host
        .trim_matches(['[', ']'])
        .parse::<std::net::IpAddr>()
        .is_ok()
    {
        return false;
    }
    let (Some(host), Some(domain)) = (labels(host), labels(domain)) else {
        return false;
    };
    host.len() >= domain.len() && host[host.len() - domain.len()..] == domain[..]
}

/// Whether two spellings name the same host (case, one trailing dot).
pub fn same_host(a: &str, b: &str) -> bool {
    match (labels(a), labels(b)) {
        (Some(a), Some(b)) => a == b,
        _ => a == b,
    }
}

/// Whether the password may go to `host`, named by `source` for an address
/// at `domain`, only once the user approved it.
pub fn needs_approval(source: Source, host: &str, domain: &str) -> bool {
    !source.authenticated() && !within(host, domain)
}

/// The hosts among `hosts` that need approval and were not approved, each
/// once, in their order.
pub fn unapproved(
    source: Source,
    domain: &str,
    hosts: &[&str],
    approved: &[String],
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for host in hosts {
        let waiting = needs_approval(source, host, domain)
            && !approved.iter().any(|a| same_host(a, host))
            && !out.iter().any(|h| same_host(h, host));
        if waiting {
            out.push((*host).to_owned());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn autoconfig_a_host_is_under_a_domain_label_by_label() {
        assert!(within("example.com", "example.com"));
        assert!(within("mail.example.com", "example.com"));
        assert!(within("IMAP.Mail.EXAMPLE.com", "example.COM"));
        assert!(within("mail.example.com.", "example.com"), "absolute form");
        assert!(within("mail.example.com", "example.com."));
        assert!(within("imap.localhost", "localhost"));
        assert!(!within("notexample.com", "example.com"), "a suffix only");
        assert!(!within("example.com.evil.net", "example.com"));
        assert!(!within("example.com", "mail.example.com"), "the parent");
        assert!(!within("com", "example.com"));
        assert!(!within("mail.example.com..", "example.com"), "two dots");
        assert!(!within("mail..example.com", "example.com"));
        assert!(!within(".example.com", "example.com"));
        assert!(!within("", "example.com"));
        assert!(!within("evil.net/.example.com", "example.com"));
        assert!(!within("evil.net\0.example.com", "example.com"));
        assert!(!within("evil.net:993.example.com", "example.com"));
        assert!(!within("127.0.0.1", "0.0.1"), "an address is no name");
        assert!(!within("[::1]", "localhost"));
        assert!(same_host("LocalHost.", "localhost"));
        assert!(!same_host("localhost", "localhost.localdomain"));
    }

    #[test]
    fn autoconfig_only_unauthenticated_sources_naming_foreign_hosts_need_approval() {
        let domain = "example.com";
        for source in [Source::Provider, Source::Ispdb] {
            assert!(source.authenticated());
            assert!(!needs_approval(source, "imap.provider.net", domain));
        }
        for source in [
            Source::ProviderHttp,
            Source::IspdbHttp,
            Source::Srv,
            Source::Mx,
            Source::Guess,
        ] {
            assert!(!source.authenticated(), "{source:?}");
            assert!(needs_approval(source, "imap.provider.net", domain));
            assert!(needs_approval(source, "example.com.evil.net", domain));
            assert!(!needs_approval(source, "imap.example.com", domain));
            assert!(!needs_approval(source, "example.com", domain));
        }
        let hosts = ["mx.provider.net", "MX.provider.net.", "smtp.example.com"];
        assert_eq!(
            unapproved(Source::Srv, domain, &hosts, &[]),
            ["mx.provider.net"],
            "each host once, the address's own never"
        );
        let approved = ["mx.PROVIDER.net".to_owned()];
        assert!(unapproved(Source::Srv, domain, &hosts, &approved).is_empty());
        assert!(unapproved(Source::Ispdb, domain, &hosts, &[]).is_empty());
    }

    #[test]
    fn autoconfig_https_answers_are_weighed_before_anything_unauthenticated() {
        let last_authenticated = ORDER.iter().rposition(|s| s.authenticated());
        let first_unauthenticated = ORDER.iter().position(|s| !s.authenticated());
        assert_eq!(last_authenticated, Some(1));
        assert_eq!(first_unauthenticated, Some(2));
        assert!(rank(Source::Ispdb) < rank(Source::ProviderHttp));
        assert!(rank(Source::Provider) < rank(Source::Ispdb));
        assert!(rank(Source::Srv) < rank(Source::Mx));
        assert_eq!(rank(Source::Guess), ORDER.len() - 1, "guessing comes last");
    }
}
