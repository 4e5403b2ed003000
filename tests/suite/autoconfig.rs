//! Automatic account setup against real parts: a real DNS server (dnsmasq)
//! and a small static web server on loopback, both started by each test,
//! pointing at the real test Dovecot and Postfix, whose logins confirm the
//! settings found. Nothing touches the system's DNS configuration.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use postel::account::autoconfig::{
    self, ConfirmError, Error, Found, Options, Policy, Ports, Source,
};
use postel::account::{Protocol, Security};
use postel::net::{self, tls};

use crate::harness::{TempDir, servers, unique};
use crate::postel::Postel;

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

/// A dnsmasq answering only from its command line, on a free loopback port;
/// killed by its PID when dropped.
struct Dns {
    child: Child,
    addr: SocketAddr,
    _dir: TempDir,
}

impl Dns {
    fn start(records: &[String]) -> Self {
        let binary = ["/usr/sbin/dnsmasq", "/usr/bin/dnsmasq"]
            .into_iter()
            .find(|p| Path::new(p).exists())
            .unwrap_or("dnsmasq");
        let dir = TempDir::new("dnsmasq");
        // The port is free when chosen but could be taken before dnsmasq
        // binds it; then dnsmasq exits and another port is tried.
        for _ in 0..10 {
            let port = free_port();
            let log = std::fs::File::create(dir.path().join("log")).expect("log file");
            let mut child = Command::new(binary)
                .args([
                    "--keep-in-foreground",
                    "--conf-file=/dev/null",
                    "--no-resolv",
                    "--no-hosts",
                    "--no-poll",
                    "--bind-interfaces",
                    "--listen-address=127.0.0.1",
                    "--pid-file=",
                    "--log-facility=-",
                    // Everything under these is answered here or not at all.
                    "--local=/test/",
                    "--local=/localhost/",
                ])
                .arg(format!("--port={port}"))
                .args(records)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(log)
                .spawn()
                .expect("dnsmasq runs (tests/run installs dnsmasq-base)");
            let deadline = Instant::now() + Duration::from_secs(5);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = child.try_wait() {
                    break;
                }
                if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                    return Self {
                        child,
                        addr: SocketAddr::from(([127, 0, 0, 1], port)),
                        _dir: dir,
                    };
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        let log = std::fs::read_to_string(dir.path().join("log")).unwrap_or_default();
        panic!("dnsmasq did not start: {log}");
    }
}

impl Drop for Dns {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port free for both UDP and TCP on 127.0.0.1 (DNS needs both).
fn free_port() -> u16 {
    loop {
        let udp = UdpSocket::bind("127.0.0.1:0").expect("udp socket");
        let port = udp.local_addr().expect("address").port();
        if TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

/// A static file server on loopback, plain HTTP or HTTPS with the test
/// servers' certificate (valid for "localhost", not for other names).
/// Some paths can be made slow or redirected elsewhere.
struct Web {
    port: u16,
    stop: Arc<AtomicBool>,
    dir: TempDir,
    rules: Rules,
}

#[derive(Clone)]
enum Rule {
    /// Waits this long before answering.
    Slow(Duration),
    /// Answers 302 with this Location.
    Redirect(String),
}

type Rules = Arc<Mutex<HashMap<String, Rule>>>;

impl Web {
    fn start(tls: bool) -> Self {
        let dir = TempDir::new("web");
        let listener = TcpListener::bind("127.0.0.1:0").expect("web listener");
        let port = listener.local_addr().expect("address").port();
        let stop = Arc::new(AtomicBool::new(false));
        let config = tls.then(server_tls);
        let rules = Rules::default();
        let (root, flag, shared) = (dir.path().to_owned(), stop.clone(), rules.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if flag.load(Ordering::Relaxed) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let (root, config, rules) = (root.clone(), config.clone(), shared.clone());
                std::thread::spawn(move || serve(stream, &root, &rules, config));
            }
        });
        Self {
            port,
            stop,
            dir,
            rules,
        }
    }

    /// `path` (from the root, e.g. "/v1.1/x.test") answers with `rule`.
    fn rule(&self, path: &str, rule: Rule) {
        self.rules
            .lock()
            .expect("rules")
            .insert(path.to_owned(), rule);
    }

    fn put(&self, path: &str, body: &str) {
        let file = self.dir.path().join(path);
        std::fs::create_dir_all(file.parent().expect("parent")).expect("dirs");
        std::fs::write(file, body).expect("file written");
    }
}

impl Drop for Web {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        // Wakes the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn server_tls() -> Arc<rustls::ServerConfig> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let cert = &servers().cert;
    let key = cert.with_file_name("key.pem");
    let certs = CertificateDer::pem_file_iter(cert)
        .expect("cert file")
        .collect::<Result<Vec<_>, _>>()
        .expect("certs");
    let key = PrivateKeyDer::from_pem_file(&key).expect("key (tests run as root)");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .expect("server certificate");
    Arc::new(config)
}

fn serve(stream: TcpStream, root: &Path, rules: &Rules, tls: Option<Arc<rustls::ServerConfig>>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    match tls {
        Some(config) => {
            let Ok(conn) = rustls::ServerConnection::new(config) else {
                return;
            };
            respond(&mut rustls::StreamOwned::new(conn, stream), root, rules);
        }
        None => respond(&mut { stream }, root, rules),
    }
}

/// Answers one GET with the file under `root`, or 404, unless a rule says
/// otherwise.
fn respond(io: &mut (impl Read + Write), root: &Path, rules: &Rules) {
    let mut reader = BufReader::new(&mut *io);
    let mut request = String::new();
    if reader.read_line(&mut request).is_err() {
        return;
    }
    loop {
        let mut header = String::new();
        match reader.read_line(&mut header) {
            Ok(n) if n > 2 => {}
            _ => break,
        }
    }
    drop(reader);
    let target = request.split_whitespace().nth(1).unwrap_or("/");
    let path = target.split('?').next().unwrap_or_default();
    let rule = rules.lock().expect("rules").get(path).cloned();
    match rule {
        Some(Rule::Slow(delay)) => std::thread::sleep(delay),
        Some(Rule::Redirect(location)) => {
            let head = format!(
                "HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
            let _ = io.write_all(head.as_bytes());
            let _ = io.flush();
            return;
        }
        None => {}
    }
    let file = (!path.contains(".."))
        .then(|| root.join(path.trim_start_matches('/')))
        .and_then(|f| std::fs::read(f).ok());
    let (status, body) = match file {
        Some(body) => ("200 OK", body),
        None => ("404 Not Found", b"not here".to_vec()),
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = io.write_all(head.as_bytes());
    let _ = io.write_all(&body);
    let _ = io.flush();
}

/// One `<incomingServer>` or `<outgoingServer>` of an ISPDB file.
fn server_xml(kind: &str, host: &str, port: u16, socket: &str, auth: &str, user: &str) -> String {
    let tag = if kind == "smtp" {
        "outgoingServer"
    } else {
        "incomingServer"
    };
    format!(
        "<{tag} type=\"{kind}\"><hostname>{host}</hostname><port>{port}</port>\
         <socketType>{socket}</socketType><authentication>{auth}</authentication>\
         <username>{user}</username></{tag}>"
    )
}

fn ispdb_xml(domain: &str, servers: &[String]) -> String {
    format!(
        "<?xml version=\"1.0\"?>\n<clientConfig version=\"1.1\"><emailProvider id=\"{domain}\">\
         <domain>{domain}</domain>{}</emailProvider></clientConfig>\n",
        servers.concat()
    )
}

/// Discovery pointed at this test's DNS and web servers, trusting the test
/// CA, with the test servers' ports as the "standard" ones for guessing.
fn options(dns: &Dns, web: &Web) -> Options {
    let s = servers();
    Options {
        ispdb_base: format!("http://127.0.0.1:{}/v1.1/", web.port),
        timeout: Duration::from_secs(4),
        nameservers: vec![dns.addr],
        trusted_certificates: tls::read_pem_file(&s.ca).expect("test CA"),
        ports: Ports {
            http: web.port,
            https: web.port,
            imap: s.imap,
            imaps: s.imaps,
            pop3: s.pop3,
            pop3s: s.pop3s,
            submission: s.submission,
            submissions: s.submissions,
        },
    }
}

fn discover(rt: &tokio::runtime::Runtime, email: &str, options: &Options) -> Found {
    rt.block_on(autoconfig::discover(email, options))
        .unwrap_or_else(|e| panic!("{email}: {e} {e:?}"))
}

/// Confirms with the password; asserts every server accepted it.
fn confirm_ok(rt: &tokio::runtime::Runtime, found: &mut Found, password: &str) {
    let policy = found.policy();
    let outcomes = rt.block_on(autoconfig::confirm(&mut found.account, password, policy));
    assert_eq!(outcomes.len(), 2);
    for o in &outcomes {
        assert!(o.result.is_ok(), "{o}");
        assert!(o.to_string().contains("accepted the password"), "{o}");
    }
}

fn endpoint(server: &postel::account::Server) -> (&str, u16, Security) {
    (server.host.as_str(), server.port, server.security)
}

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
                // Ranked first but needs OAuth2: left out, with a note.
                server_xml("imap", "localhost", s.imaps, "SSL", "OAuth2", user),
                // Next, but the name does not exist: checking rejects it.
                server_xml(
                    "imap",
                    "gone.ispdb.test",
                    s.imaps,
                    "SSL",
                    "password-cleartext",
                    user,
                ),
                server_xml(
                    "imap",
                    "localhost",
                    s.imap,
                    "STARTTLS",
                    "password-cleartext",
                    user,
                ),
                server_xml(
                    "pop3",
                    "localhost",
                    s.pop3s,
                    "SSL",
                    "password-cleartext",
                    user,
                ),
                server_xml(
                    "smtp",
                    "localhost",
                    s.submission,
                    "STARTTLS",
                    "password-cleartext",
                    user,
                ),
            ],
        ),
    );
    let mut found = discover(&rt, "alice@ispdb.test", &options(&dns, &web));
    assert_eq!(found.source, Source::Ispdb);
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
        found.notes.iter().any(|n| n.contains("OAuth2")),
        "{:?}",
        found.notes
    );

    // A wrong password: each server says so in one sentence, nothing changes.
    let mut wrong = found.account.clone();
    let outcomes = rt.block_on(autoconfig::confirm(
        &mut wrong,
        "notalicepass",
        found.policy(),
    ));
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

    confirm_ok(&rt, &mut found, s.password("alice"));
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
    confirm_ok(&rt, &mut found, s.password("alice"));

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
    confirm_ok(&rt, &mut found, s.password("alice"));
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
    confirm_ok(&rt, &mut found, s.password("alice"));
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
                server_xml(
                    "imap",
                    "localhost",
                    s.imaps,
                    "SSL",
                    "password-cleartext",
                    user,
                ),
                server_xml(
                    "smtp",
                    "localhost",
                    s.submission,
                    "STARTTLS",
                    "password-cleartext",
                    user,
                ),
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
    confirm_ok(&rt, &mut found, s.password("alice"));
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
                server_xml(
                    "imap",
                    "localhost",
                    s.imap,
                    "plain",
                    "password-cleartext",
                    user,
                ),
                // Truly plain: no STARTTLS on this port.
                server_xml(
                    "smtp",
                    "localhost",
                    s.smtp_plain,
                    "plain",
                    "password-cleartext",
                    user,
                ),
            ],
        )
    };
    web.put("v1.1/plain.test", &plain_only("plain.test"));
    web.put("v1.1/withsrv.test", &plain_only("withsrv.test"));
    let options = options(&dns, &web);

    // Nothing better exists: the answer is offered, flagged, and its plain
    // server gets no password.
    let mut found = discover(&rt, "alice@plain.test", &options);
    assert_eq!(found.source, Source::Ispdb);
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
    let policy = found.policy();
    assert_eq!(
        policy,
        Policy {
            allow_unencrypted: false,
            try_local_part: false
        }
    );
    let outcomes = rt.block_on(autoconfig::confirm(&mut found.account, "alicepass", policy));
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
        .block_on(autoconfig::discover(
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
    let bad = rt.block_on(autoconfig::discover("not an address", &Options::default()));
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
fn srv_to_test_servers(domain: &str) -> Vec<String> {
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
fn tls_server_xml(kind: &str, port: u16) -> String {
    let (user, auth) = ("%EMAILADDRESS%", "password-cleartext");
    server_xml(kind, "localhost", port, "SSL", auth, user)
}

/// A configuration file whose servers work, so that following it would
/// show in the source found.
fn working_xml(domain: &str) -> String {
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
fn discovery_flags(dns: &Dns, web: &Web, timeout: u64) -> Vec<String> {
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

fn with<'a>(args: &[&'a str], flags: &'a [String]) -> Vec<&'a str> {
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
    assert_eq!(report["source"], "ispdb", "{report}");
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
