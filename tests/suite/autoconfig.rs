//! Automatic account setup against real parts: a real DNS server (dnsmasq)
//! and a small static web server on loopback, both started by each test,
//! pointing at the real test Dovecot and Postfix, whose logins confirm the
//! settings found. Nothing touches the system's DNS configuration.

use std::time::{Duration, Instant};

use postel::account::{Protocol, Security};
use postel::discovery::{self, ConfirmError, Error, Options, Policy, Source};
use postel::net::{self};

use crate::discovery_parts::*;
use crate::harness::{servers, unique};
use crate::postel::Postel;

#[test]
fn autoconfig_from_the_database_is_checked_over_tls_and_confirmed_by_logging_in() {
    let (s, rt) = (servers(), rt());
    let dns = Dns::start(&[]);
    let web = Web::start(false);
    let user = "%EMAILLOCALPART%";
    web.put(
        "v1.1/ispdb.test",
        &ispdb_xml(
            "ispdb.test",
            &[
                // Ranked first but needs Kerberos: left out, with a note.
                server_xml("imap", "localhost", s.imaps, "SSL", "GSSAPI", user),
                // Next, but the name does not exist: checking rejects it.
                server_xml(
                    "imap",
                    "gone.ispdb.test",
                    s.imaps,
                    "SSL",
                    "password-cleartext",
                    user,
                ),
                local_server("imap", s.imap, "STARTTLS", user),
                local_server("pop3", s.pop3s, "SSL", user),
                local_server("smtp", s.submission, "STARTTLS", user),
            ],
        ),
    );
    let mut found = discover(&rt, "alice@ispdb.test", &options(&dns, &web));
    // The test's database is read over plain HTTP, and says so.
    assert_eq!(found.source, Source::IspdbHttp);
    assert_eq!(
        found.origin,
        format!("http://127.0.0.1:{}/v1.1/ispdb.test", web.port)
    );
    let a = &found.account;
    assert_eq!(a.incoming.protocol, Protocol::Imap);
    assert_eq!(
        endpoint(&a.incoming.server),
        ("localhost", s.imap, Security::Starttls)
    );
    assert_eq!(
        endpoint(&a.outgoing.server),
        ("localhost", s.submission, Security::Starttls)
    );
    assert_eq!(
        a.incoming.username, "alice",
        "%EMAILLOCALPART% is filled in"
    );
    assert_eq!(a.outgoing.username, None, "the same login for both");
    assert!(!found.insecure && !found.username_guessed);
    assert!(
        found.notes.iter().any(|n| n.contains("GSSAPI")),
        "{:?}",
        found.notes
    );

    // A wrong password: each server says so in one sentence, nothing changes.
    let mut wrong = found.account.clone();
    let mut policy = found.policy();
    policy.approve("localhost");
    let outcomes = rt.block_on(discovery::confirm(&mut wrong, "notalicepass", policy));
    for o in &outcomes {
        assert!(
            matches!(
                o.result,
                Err(ConfirmError::Net(net::Error::AuthFailed { .. }))
            ),
            "{o}"
        );
        assert!(
            o.to_string().contains("refused the user name or password"),
            "{o}"
        );
    }
    assert_eq!(wrong, found.account);

    // The database also names POP3: offered as the other way in, and it
    // logs in as well when the user picks it.
    let pop3 = found.other_incoming.clone().expect("POP3 offered too");
    assert_eq!(pop3.protocol, Protocol::Pop3);
    assert_eq!(
        endpoint(&pop3.server),
        ("localhost", s.pop3s, Security::Tls)
    );
    assert_eq!(pop3.username, "alice");
    let mut by_pop3 = found.clone();
    by_pop3.account.incoming = pop3;
    confirm_ok(&rt, &mut by_pop3, s.password("alice"), &["localhost"]);

    confirm_ok(&rt, &mut found, s.password("alice"), &["localhost"]);
}

#[test]
fn autoconfig_srv_records_are_ranked_and_lead_to_the_test_servers() {
    let (s, rt) = (servers(), rt());
    let srv = |name: &str, host: &str, port: u16, priority: u16, weight: u16| {
        format!("--srv-host={name}.srv.test,{host},{port},{priority},{weight}")
    };
    let dns = Dns::start(&[
        // The best priority, but no such host: the next one is used.
        srv("_imaps._tcp", "nowhere.srv.test", 993, 0, 0),
        srv("_imaps._tcp", "localhost", s.imaps, 10, 5),
        srv("_pop3s._tcp", "localhost", s.pop3s, 10, 50),
        srv("_imap._tcp", "localhost", s.imap, 20, 0),
        srv("_submission._tcp", "localhost", s.submission, 0, 0),
        srv("_submissions._tcp", "localhost", s.submissions, 0, 0),
    ]);
    let web = Web::start(false);
    let options = options(&dns, &web);
    let mut found = discover(&rt, "alice@srv.test", &options);
    assert_eq!(found.source, Source::Srv, "{:?}", found.notes);
    let a = &found.account;
    // Same priority: IMAP before POP3, implicit TLS before STARTTLS.
    assert_eq!(
        endpoint(&a.incoming.server),
        ("localhost", s.imaps, Security::Tls)
    );
    assert_eq!(
        endpoint(&a.outgoing.server),
        ("localhost", s.submissions, Security::Tls)
    );
    assert_eq!(a.incoming.username, "alice@srv.test");
    assert!(found.username_guessed && !found.insecure);
    confirm_ok(&rt, &mut found, s.password("alice"), &["localhost"]);

    // The same through the command line, with its JSON and its sentences.
    let postel = Postel::new();
    let ca = s.ca.display().to_string();
    let dns_addr = dns.addr.to_string();
    let base = options.ispdb_base.clone();
    let args = |extra: &'static [&'static str]| {
        let mut v = vec![
            "account",
            "discover",
            "alice@srv.test",
            "--dns-server",
            &dns_addr,
            "--trust-cert",
            &ca,
            "--ispdb-url",
            &base,
            "--timeout",
            "4",
            "--password-stdin",
            "--accept-host",
            "localhost",
        ];
        v.extend_from_slice(extra);
        v
    };
    let out = postel.ok(&args(&["--json"]), Some("alicepass\n"));
    let report: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(report["source"], "srv");
    assert_eq!(report["account"]["incoming"]["port"], s.imaps);
    let rows = report["confirmation"].as_array().expect("rows");
    assert!(
        rows.len() == 2 && rows.iter().all(|r| r["ok"] == true),
        "{out}"
    );
    let text = postel.fails(&args(&[]), Some("wrongpass\n"));
    assert!(
        text.contains("found by the domain's DNS service records"),
        "{text}"
    );
    assert!(text.contains("refused the user name or password"), "{text}");
}

#[test]
fn autoconfig_the_mail_exchanger_leads_to_its_operators_database_entry() {
    let (s, rt) = (servers(), rt());
    let dns = Dns::start(&["--mx-host=mxmail.test,mx1.hosting.test,10".to_owned()]);
    let web = Web::start(false);
    web.put("v1.1/hosting.test", &working_xml("hosting.test"));
    let mut found = discover(&rt, "alice@mxmail.test", &options(&dns, &web));
    assert_eq!(found.source, Source::Mx, "{:?}", found.notes);
    assert!(
        found.origin.contains("mx1.hosting.test"),
        "{}",
        found.origin
    );
    assert_eq!(found.account.incoming.username, "alice@mxmail.test");
    assert_eq!(
        endpoint(&found.account.incoming.server),
        ("localhost", s.imaps, Security::Tls)
    );
    confirm_ok(&rt, &mut found, s.password("alice"), &["localhost"]);
}

#[test]
fn autoconfig_guessing_connects_and_refuses_names_the_certificate_does_not_cover() {
    let (s, rt) = (servers(), rt());
    // Every *.localhost name reaches the test servers, whose certificate
    // is valid only for "localhost" itself.
    let dns = Dns::start(&["--address=/localhost/127.0.0.1".to_owned()]);
    let web = Web::start(false);
    let mut found = discover(&rt, "alice@localhost", &options(&dns, &web));
    assert_eq!(found.source, Source::Guess, "{:?}", found.notes);
    let a = &found.account;
    assert_eq!(a.incoming.protocol, Protocol::Imap, "IMAP before POP3");
    assert_eq!(
        endpoint(&a.incoming.server),
        ("localhost", s.imaps, Security::Tls)
    );
    assert_eq!(
        endpoint(&a.outgoing.server),
        ("localhost", s.submissions, Security::Tls)
    );
    assert!(
        !found.insecure,
        "a STARTTLS server with a wrong certificate is never 'plain'"
    );
    let notes = found.notes.join(" ");
    assert!(
        notes.contains(&format!("imap.localhost:{}", s.imaps))
            && notes.contains(&format!("mail.localhost:{}", s.imap)),
        "{notes}"
    );
    // Guessing names hosts under the address's domain only: nothing to approve.
    confirm_ok(&rt, &mut found, s.password("alice"), &[]);
}

#[test]
fn autoconfig_the_providers_own_file_over_https_is_taken_as_it_is() {
    let (s, rt) = (servers(), rt());
    let dns = Dns::start(&["--address=/localhost/127.0.0.1".to_owned()]);
    let plain = Web::start(false);
    let https = Web::start(true);
    let user = "%EMAILADDRESS%";
    // autoconfig.localhost reaches the same server, but its certificate is
    // not for that name: only the /.well-known place on "localhost" counts.
    https.put(
        ".well-known/autoconfig/mail/config-v1.1.xml",
        &ispdb_xml(
            "localhost",
            &[
                local_server("imap", s.imaps, "SSL", user),
                local_server("smtp", s.submission, "STARTTLS", user),
            ],
        ),
    );
    let mut options = options(&dns, &plain);
    options.ports.https = https.port;
    let mut found = discover(&rt, "alice@localhost", &options);
    assert_eq!(found.source, Source::Provider, "{:?}", found.notes);
    assert_eq!(
        found.origin,
        format!(
            "https://localhost:{}/.well-known/autoconfig/mail/config-v1.1.xml",
            https.port
        )
    );
    assert_eq!(
        endpoint(&found.account.outgoing.server),
        ("localhost", s.submission, Security::Starttls)
    );
    confirm_ok(&rt, &mut found, s.password("alice"), &[]);
}

#[test]
fn autoconfig_answers_without_encryption_are_flagged_and_never_used_silently() {
    let (s, rt) = (servers(), rt());
    let srv =
        |name: &str, port: u16| format!("--srv-host={name}.withsrv.test,localhost,{port},0,0");
    let dns = Dns::start(&[
        srv("_imaps._tcp", s.imaps),
        srv("_submissions._tcp", s.submissions),
    ]);
    let web = Web::start(false);
    let plain_only = |domain: &str| {
        let user = "%EMAILLOCALPART%";
        ispdb_xml(
            domain,
            &[
                // Listed as plain, but the server offers STARTTLS: upgraded.
                local_server("imap", s.imap, "plain", user),
                // Truly plain: no STARTTLS on this port.
                local_server("smtp", s.smtp_plain, "plain", user),
            ],
        )
    };
    web.put("v1.1/plain.test", &plain_only("plain.test"));
    web.put("v1.1/withsrv.test", &plain_only("withsrv.test"));
    let options = options(&dns, &web);

    // Nothing better exists: the answer is offered, flagged, and its plain
    // server gets no password.
    let mut found = discover(&rt, "alice@plain.test", &options);
    assert_eq!(found.source, Source::IspdbHttp);
    assert!(found.insecure);
    let a = &found.account;
    assert_eq!(
        a.incoming.server.security,
        Security::Starttls,
        "never downgraded"
    );
    assert_eq!(
        endpoint(&a.outgoing.server),
        ("localhost", s.smtp_plain, Security::None)
    );
    let notes = found.notes.join(" ");
    assert!(
        notes.contains("offers STARTTLS") && notes.contains("no encryption"),
        "{notes}"
    );
    let mut policy = found.policy();
    assert_eq!(
        policy,
        Policy {
            allow_unencrypted: false,
            try_local_part: false,
            unapproved: vec!["localhost".to_owned()],
        }
    );
    policy.approve("localhost");
    let outcomes = rt.block_on(discovery::confirm(&mut found.account, "alicepass", policy));
    assert!(outcomes[0].result.is_ok(), "{}", outcomes[0]);
    assert!(
        matches!(outcomes[1].result, Err(ConfirmError::Unencrypted { .. })),
        "{}",
        outcomes[1]
    );
    assert!(
        outcomes[1]
            .to_string()
            .contains("did not send your password")
    );

    // A later source with encryption wins over the plain answer, and the
    // user is told why the database's answer was passed over.
    let found = discover(&rt, "alice@withsrv.test", &options);
    assert_eq!(found.source, Source::Srv);
    assert!(!found.insecure);
    assert!(
        found
            .notes
            .iter()
            .any(|n| n.contains("offer no encryption")),
        "{:?}",
        found.notes
    );
}

#[test]
fn autoconfig_a_domain_with_nothing_asks_for_settings_by_hand() {
    let rt = rt();
    let dns = Dns::start(&[]);
    let web = Web::start(false);
    let started = Instant::now();
    let err = rt
        .block_on(discovery::discover(
            "alice@nothing.test",
            &options(&dns, &web),
        ))
        .expect_err("nothing to find");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(
        err.to_string(),
        "Postel could not find settings for nothing.test; enter them by hand."
    );
    let Error::NotFound { tried, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(tried.iter().any(|t| t.contains("SRV")), "{tried:?}");
    let bad = rt.block_on(discovery::discover("not an address", &Options::default()));
    assert!(matches!(bad, Err(Error::Address(_))), "{bad:?}");

    let postel = Postel::new();
    let dns_addr = dns.addr.to_string();
    let base = format!("http://127.0.0.1:{}/v1.1/", web.port);
    let said = postel.fails(
        &[
            "account",
            "discover",
            "alice@nothing.test",
            "--dns-server",
            &dns_addr,
            "--ispdb-url",
            &base,
            "--timeout",
            "4",
        ],
        None,
    );
    assert!(
        said.contains("could not find settings for nothing.test; enter them by hand"),
        "{said}"
    );
}

/// SRV records that lead `domain` to the test servers' TLS ports.
pub(crate) fn srv_to_test_servers(domain: &str) -> Vec<String> {
    let s = servers();
    vec![
        format!("--srv-host=_imaps._tcp.{domain},localhost,{},0,0", s.imaps),
        format!(
            "--srv-host=_submissions._tcp.{domain},localhost,{},0,0",
            s.submissions
        ),
    ]
}

/// A server over implicit TLS on localhost, logging in with the address.
pub(crate) fn tls_server_xml(kind: &str, port: u16) -> String {
    let (user, auth) = ("%EMAILADDRESS%", "password-cleartext");
    server_xml(kind, "localhost", port, "SSL", auth, user)
}

/// A configuration file whose servers work, so that following it would
/// show in the source found.
pub(crate) fn working_xml(domain: &str) -> String {
    let s = servers();
    ispdb_xml(
        domain,
        &[
            tls_server_xml("imap", s.imaps),
            tls_server_xml("smtp", s.submissions),
        ],
    )
}

/// The command line's discovery options for this test's DNS and web servers.
pub(crate) fn discovery_flags(dns: &Dns, web: &Web, timeout: u64) -> Vec<String> {
    vec![
        "--dns-server".to_owned(),
        dns.addr.to_string(),
        "--trust-cert".to_owned(),
        servers().ca.display().to_string(),
        "--ispdb-url".to_owned(),
        format!("http://127.0.0.1:{}/v1.1/", web.port),
        "--timeout".to_owned(),
        timeout.to_string(),
    ]
}

pub(crate) fn with<'a>(args: &[&'a str], flags: &'a [String]) -> Vec<&'a str> {
    let mut all = args.to_vec();
    all.extend(flags.iter().map(String::as_str));
    all
}

#[test]
fn autoconfig_account_add_auto_saves_only_settings_that_logged_in() {
    let s = servers();
    let dns = Dns::start(&srv_to_test_servers("addauto.test"));
    let web = Web::start(false);
    let flags = discovery_flags(&dns, &web, 4);
    let postel = Postel::new();
    let name = unique("auto");
    let add = |email: &'static str| {
        with(
            &[
                "account",
                "add",
                &name,
                "--email",
                email,
                "--auto",
                "--password-stdin",
                "--accept-host",
                "localhost",
            ],
            &flags,
        )
    };

    // A wrong password: the servers say so, and nothing is saved.
    let said = postel.fails(&add("alice@addauto.test"), Some("notalicepass\n"));
    assert!(
        said.contains("found by the domain's DNS service records (SRV)"),
        "{said}"
    );
    assert!(
        said.contains(&format!(
            "account \"{name}\" was not added, because logging in to the incoming server failed"
        )) && said.contains("refused the user name or password"),
        "{said}"
    );
    // Nothing to find: one sentence, nothing saved.
    let said = postel.fails(&add("alice@nothing.test"), Some("alicepass\n"));
    assert!(
        said.contains("could not find settings for nothing.test; enter them by hand"),
        "{said}"
    );
    assert!(!postel.settings().contains(&name), "{}", postel.settings());

    let out = postel.ok(&add("alice@addauto.test"), Some("alicepass\n"));
    assert!(
        out.contains("found by the domain's DNS service records (SRV)")
            && out.contains("accepted the password")
            && out.contains(&format!("Added account \"{name}\"")),
        "{out}"
    );
    let shown = postel.json(&["account", "show", &name]);
    assert_eq!(shown["incoming"]["host"], "localhost", "{shown}");
    assert_eq!(shown["incoming"]["port"], s.imaps, "{shown}");
    assert_eq!(shown["outgoing"]["port"], s.submissions, "{shown}");
    assert_eq!(shown["incoming"]["username"], "alice@addauto.test");
    assert_eq!(shown["password"]["source"], "keyring", "{shown}");
    let said = postel.fails(&add("alice@addauto.test"), Some("alicepass\n"));
    assert!(said.contains("already exists"), "{said}");

    // The saved account works on its own, with the password from the
    // keyring: it tests, sends, and receives what it sent.
    let tested = postel.ok(&["account", "test", &name], None);
    assert_eq!(tested.matches(": ok:").count(), 2, "{tested}");
    let subject = unique("auto-added");
    postel.ok(
        &[
            "send",
            "--account",
            &name,
            "--to",
            &s.address("alice"),
            "--subject",
            &subject,
        ],
        Some("Sent by an account that set itself up.\n"),
    );
    assert_eq!(crate::sending::settle("alice", &subject, 1), 1);
    let raw = crate::sending::receive(&postel, &name, &subject);
    assert!(
        String::from_utf8_lossy(&raw).contains("set itself up"),
        "{}",
        String::from_utf8_lossy(&raw)
    );

    // A password command instead, and options beside --auto win over what
    // was found.
    let other = unique("auto-cmd");
    let out = postel.ok(
        &with(
            &[
                "account",
                "add",
                &other,
                "--email",
                "alice@addauto.test",
                "--auto",
                "--password-command",
                "echo alicepass",
                "--accept-host",
                "localhost",
                "--username",
                "alice",
                "--display-name",
                "Alice Auto",
            ],
            &flags,
        ),
        None,
    );
    assert!(out.contains("accepted the password for alice."), "{out}");
    let shown = postel.json(&["account", "show", &other]);
    assert_eq!(shown["incoming"]["username"], "alice", "{shown}");
    assert_eq!(shown["display_name"], "Alice Auto", "{shown}");
    assert_eq!(
        shown["password"],
        serde_json::json!({"source": "command", "command": ["echo", "alicepass"]})
    );
    postel.ok(&["account", "test", &other], None);
}

#[test]
fn autoconfig_broken_slow_redirected_and_contradicting_files_fall_through_to_srv() {
    let s = servers();
    let domains = ["broken.test", "slow.test", "away.test", "wrongport.test"];
    let mut records: Vec<String> = domains
        .iter()
        .chain(&["moved.test"])
        .flat_map(|d| srv_to_test_servers(d))
        .collect();
    records.push("--address=/elsewhere.test/127.0.0.1".to_owned());
    records.push("--address=/autoconfig.provider-away.test/127.0.0.1".to_owned());
    records.extend(srv_to_test_servers("provider-away.test"));
    let dns = Dns::start(&records);
    let web = Web::start(false);
    let port = web.port;
    web.put("v1.1/broken.test", "<clientConfig><emailProvider id=");
    web.put("v1.1/slow.test", &working_xml("slow.test"));
    web.rule("/v1.1/slow.test", Rule::Slow(Duration::from_secs(8)));
    // Leaving the domain is refused, even for a file that would work...
    web.put("elsewhere.xml", &working_xml("away.test"));
    web.rule(
        "/v1.1/away.test",
        Rule::Redirect(format!("http://elsewhere.test:{port}/elsewhere.xml")),
    );
    // ...while a move within the same server is followed.
    web.rule(
        "/v1.1/moved.test",
        Rule::Redirect(format!("http://127.0.0.1:{port}/elsewhere.xml")),
    );
    // The file says IMAP where the server speaks POP3: connecting shows it.
    web.put(
        "v1.1/wrongport.test",
        &ispdb_xml(
            "wrongport.test",
            &[
                tls_server_xml("imap", s.pop3s),
                tls_server_xml("smtp", s.submissions),
            ],
        ),
    );
    let flags = discovery_flags(&dns, &web, 1);
    let postel = Postel::new();
    let cli_discover = |address: &str| {
        let started = Instant::now();
        let out = postel.ok(
            &with(&["--json", "account", "discover", address], &flags),
            None,
        );
        let report: serde_json::Value = serde_json::from_str(&out).expect("JSON");
        (report, started.elapsed())
    };
    let expect = [
        ("broken.test", "it is not valid XML"),
        ("slow.test", "no answer within 1 second"),
        (
            "away.test",
            "it redirects to elsewhere.test, outside 127.0.0.1",
        ),
        (
            "wrongport.test",
            "were not used: no incoming server could be reached securely",
        ),
    ];
    for (domain, why) in expect {
        let (report, took) = cli_discover(&format!("alice@{domain}"));
        assert_eq!(report["source"], "srv", "{domain}: {report}");
        assert_eq!(report["account"]["incoming"]["port"], s.imaps, "{report}");
        assert_eq!(report["account"]["outgoing"]["port"], s.submissions);
        let tried = report["tried"].as_array().expect("tried").clone();
        assert!(
            tried.iter().any(|t| t
                .as_str()
                .is_some_and(|t| t.contains(domain) && t.contains(why))),
            "{domain}: {tried:?}"
        );
        // The slow file's 8 seconds were not waited for.
        assert!(took < Duration::from_secs(6), "{domain}: {took:?}");
    }
    let (report, _) = cli_discover("alice@moved.test");
    assert_eq!(report["source"], "ispdb-http", "{report}");
    assert!(
        report["origin"]
            .as_str()
            .is_some_and(|o| o.ends_with("/v1.1/moved.test")),
        "{report}"
    );

    // The plain text says it too.
    let text = postel.ok(
        &with(&["account", "discover", "alice@broken.test"], &flags),
        None,
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("Tried first: ") && l.contains("not valid XML")),
        "{text}"
    );

    // The provider's own file (autoconfig.<domain>) is held to the same
    // rule as the database.
    web.rule(
        "/mail/config-v1.1.xml",
        Rule::Redirect(format!("http://elsewhere.test:{port}/elsewhere.xml")),
    );
    let rt = rt();
    let found = discover(&rt, "alice@provider-away.test", &options(&dns, &web));
    assert_eq!(found.source, Source::Srv, "{:?}", found.tried);
    assert!(
        found
            .tried
            .iter()
            .any(|t| t.starts_with("http://autoconfig.provider-away.test")
                && t.contains("redirects to elsewhere.test")),
        "{:?}",
        found.tried
    );
}
