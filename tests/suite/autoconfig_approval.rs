//! Discovery answers that nothing authenticates (plain HTTP, DNS without
//! DNSSEC) and that name a host outside the address's domain: they wait
//! for the user's approval before a password goes there; HTTPS answers
//! win and need none.

//! Like `autoconfig.rs`, against a real DNS server and a web server on
//! loopback in front of the real test servers.

use std::time::Duration;

use postel::account::Security;
use postel::discovery::{self, ConfirmError, Source};

use crate::autoconfig::*;
use crate::discovery_parts::*;
use crate::harness::{servers, unique};
use crate::postel::Postel;

/// SRV records that lead `domain` to relays in front of the test servers'
/// TLS ports, so a test can count the connections made to them.
fn srv_to_relays(domain: &str, imaps: &Relay, submissions: &Relay) -> Vec<String> {
    vec![
        format!(
            "--srv-host=_imaps._tcp.{domain},localhost,{},0,0",
            imaps.port
        ),
        format!(
            "--srv-host=_submissions._tcp.{domain},localhost,{},0,0",
            submissions.port
        ),
    ]
}

#[test]
fn autoconfig_unauthenticated_settings_naming_a_foreign_host_wait_for_approval() {
    let (s, rt) = (servers(), rt());
    let (imaps, submissions) = (Relay::start(s.imaps), Relay::start(s.submissions));
    let connections = || imaps.connections() + submissions.connections();
    let mut records = srv_to_relays("relayed.test", &imaps, &submissions);
    records.push("--address=/autoconfig.httpfile.test/127.0.0.1".to_owned());
    let dns = Dns::start(&records);
    let web = Web::start(false);
    // autoconfig.httpfile.test answers over plain HTTP only.
    let user = "%EMAILADDRESS%";
    web.put(
        "mail/config-v1.1.xml",
        &ispdb_xml(
            "httpfile.test",
            &[
                server_xml(
                    "imap",
                    "localhost",
                    imaps.port,
                    "SSL",
                    "password-cleartext",
                    user,
                ),
                server_xml(
                    "smtp",
                    "localhost",
                    submissions.port,
                    "SSL",
                    "password-cleartext",
                    user,
                ),
            ],
        ),
    );
    let options = options(&dns, &web);
    let port = web.port;
    let cases = [
        (
            "alice@relayed.test",
            Source::Srv,
            "DNS service records (SRV), which are not authenticated".to_owned(),
        ),
        (
            "alice@httpfile.test",
            Source::ProviderHttp,
            "read over plain HTTP, which is not authenticated".to_owned(),
        ),
    ];
    for (address, source, label) in cases {
        let mut found = discover(&rt, address, &options);
        assert_eq!(found.source, source, "{address}: {:?}", found.tried);
        assert!(!source.authenticated());
        let said = found.source.describe();
        assert!(
            said.contains(&label) && !said.contains("provider's own"),
            "{said}"
        );
        if source == Source::ProviderHttp {
            assert_eq!(
                found.origin,
                format!("http://autoconfig.httpfile.test:{port}/mail/config-v1.1.xml")
            );
        }
        assert_eq!(found.hosts_to_approve(&found.account), ["localhost"]);

        // Discovery connected to check the servers' certificates, but the
        // password goes nowhere until the host is approved.
        let before = connections();
        let policy = found.policy();
        let outcomes = rt.block_on(discovery::confirm(
            &mut found.account,
            s.password("alice"),
            policy,
        ));
        for o in &outcomes {
            assert!(
                matches!(&o.result, Err(ConfirmError::NotApproved { host }) if host == "localhost"),
                "{o}"
            );
            let sentence = o.to_string();
            assert!(
                sentence.contains("localhost was named by settings that are not authenticated")
                    && sentence.contains("did not send your password"),
                "{sentence}"
            );
        }
        assert_eq!(connections(), before, "{address}: no connection, no login");

        confirm_ok(&rt, &mut found, s.password("alice"), &["localhost"]);
        assert_eq!(
            connections(),
            before + 2,
            "{address}: one login to each server"
        );
    }
}

#[test]
fn autoconfig_https_answers_win_over_plain_http_and_need_no_approval() {
    let (s, rt) = (servers(), rt());
    let dns = Dns::start(&[
        "--address=/autoconfig.both.test/127.0.0.1".to_owned(),
        "--address=/localhost/127.0.0.1".to_owned(),
    ]);
    let plain = Web::start(false);
    let https = Web::start(true);
    let user = "%EMAILADDRESS%";
    // Plain http://autoconfig.both.test answers first and names STARTTLS...
    plain.put(
        "mail/config-v1.1.xml",
        &ispdb_xml(
            "both.test",
            &[
                local_server("imap", s.imap, "STARTTLS", user),
                local_server("smtp", s.submission, "STARTTLS", user),
            ],
        ),
    );
    // ...the database over HTTPS names implicit TLS, and is the one used.
    https.put("v1.1/both.test", &working_xml("both.test"));
    https.rule("/v1.1/both.test", Rule::Slow(Duration::from_millis(500)));
    let mut options = options(&dns, &plain);
    options.ispdb_base = format!("https://localhost:{}/v1.1/", https.port);
    let mut found = discover(&rt, "alice@both.test", &options);
    assert_eq!(found.source, Source::Ispdb, "{:?}", found.tried);
    assert_eq!(
        found.origin,
        format!("https://localhost:{}/v1.1/both.test", https.port)
    );
    assert_eq!(
        endpoint(&found.account.incoming.server),
        ("localhost", s.imaps, Security::Tls)
    );
    assert!(
        found.source.describe().contains("read over HTTPS"),
        "{}",
        found.source.describe()
    );
    // The database vouches for localhost, outside both.test.
    confirm_ok(&rt, &mut found, s.password("alice"), &[]);

    // Without the database, the plain file is used, and says what it is.
    options.ispdb_base = format!("https://localhost:{}/none/", https.port);
    let found = discover(&rt, "alice@both.test", &options);
    assert_eq!(found.source, Source::ProviderHttp, "{:?}", found.tried);
    assert_eq!(found.account.incoming.server.port, s.imap);
}

#[test]
fn autoconfig_the_command_line_asks_before_sending_the_password_to_a_foreign_host() {
    let s = servers();
    let (imaps, submissions) = (Relay::start(s.imaps), Relay::start(s.submissions));
    let connections = || imaps.connections() + submissions.connections();
    let dns = Dns::start(&srv_to_relays("relayed.test", &imaps, &submissions));
    let web = Web::start(false);
    let flags = discovery_flags(&dns, &web, 4);
    let postel = Postel::new();
    let name = unique("approve");
    let address = "alice@relayed.test";

    // What discovery alone connects for (the certificate checks).
    let start = connections();
    let out = postel.ok(
        &with(&["--json", "account", "discover", address], &flags),
        None,
    );
    let report: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(report["source"], "srv", "{report}");
    assert_eq!(report["authenticated"], false, "{report}");
    assert_eq!(report["needs_approval"], serde_json::json!(["localhost"]));
    let probes = connections() - start;
    assert!(probes > 0, "the servers were checked");

    // A password given, but no approval: no login, and one sentence that
    // names the host and how to approve it.
    let add = |extra: &[&'static str]| {
        let mut args = vec![
            "account",
            "add",
            name.as_str(),
            "--email",
            address,
            "--auto",
            "--password-stdin",
        ];
        args.extend_from_slice(extra);
        with(&args, &flags)
    };
    let before = connections();
    let said = postel.fails(&add(&[]), Some("alicepass\n"));
    assert!(
        said.contains(&format!(
            "account \"{name}\" was not added: localhost lies outside relayed.test and the settings were found by the domain's DNS service records (SRV), which are not authenticated, so Postel sent no password there; if it is your provider's, approve with --accept-host localhost."
        )),
        "{said}"
    );
    assert_eq!(connections() - before, probes, "no login: {said}");
    assert!(!postel.settings().contains(&name), "{}", postel.settings());
    // Approving another host does not approve this one.
    let said = postel.fails(
        &add(&["--accept-host", "localhost.evil.test"]),
        Some("alicepass\n"),
    );
    assert!(said.contains("--accept-host localhost."), "{said}");

    // `discover` with a password does not log in either.
    let before = connections();
    let said = postel.fails(
        &with(
            &["account", "discover", address, "--password-stdin"],
            &flags,
        ),
        Some("alicepass\n"),
    );
    assert!(
        said.contains("did not send your password")
            && said.contains("Not approved: localhost lies outside relayed.test"),
        "{said}"
    );
    assert!(!said.contains("Add it with"), "{said}");
    assert_eq!(connections() - before, probes, "no login: {said}");

    // Approved by name: both servers are logged into and the account saved.
    let before = connections();
    let out = postel.ok(&add(&["--accept-host", "LOCALHOST"]), Some("alicepass\n"));
    assert!(
        out.contains("accepted the password") && out.contains(&format!("Added account \"{name}\"")),
        "{out}"
    );
    assert_eq!(connections() - before, probes + 2, "{out}");
}
