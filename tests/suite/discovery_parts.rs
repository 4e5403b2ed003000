//! The local parts automatic setup is tested against: a dnsmasq on a free
//! loopback port, a small HTTP(S) server serving autoconfig files (some
//! slow or redirected), the ISPDB XML they serve, and a relay in front of
//! a test server that counts who connected.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use postel::account::Security;
use postel::discovery::{self, Found, Options, Ports};
use postel::net::tls;

use crate::harness::{TempDir, servers};

pub(crate) fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

/// A dnsmasq answering only from its command line, on a free loopback port;
/// killed by its PID when dropped.
pub(crate) struct Dns {
    pub(crate) child: Child,
    pub(crate) addr: SocketAddr,
    pub(crate) _dir: TempDir,
}

impl Dns {
    pub(crate) fn start(records: &[String]) -> Self {
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
pub(crate) fn free_port() -> u16 {
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
pub(crate) struct Web {
    pub(crate) port: u16,
    pub(crate) stop: Arc<AtomicBool>,
    pub(crate) dir: TempDir,
    pub(crate) rules: Rules,
}

#[derive(Clone)]
pub(crate) enum Rule {
    /// Waits this long before answering.
    Slow(Duration),
    /// Answers 302 with this Location.
    Redirect(String),
}

pub(crate) type Rules = Arc<Mutex<HashMap<String, Rule>>>;

impl Web {
    pub(crate) fn start(tls: bool) -> Self {
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
    pub(crate) fn rule(&self, path: &str, rule: Rule) {
        self.rules
            .lock()
            .expect("rules")
            .insert(path.to_owned(), rule);
    }

    pub(crate) fn put(&self, path: &str, body: &str) {
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

pub(crate) fn server_tls() -> Arc<rustls::ServerConfig> {
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

pub(crate) fn serve(
    stream: TcpStream,
    root: &Path,
    rules: &Rules,
    tls: Option<Arc<rustls::ServerConfig>>,
) {
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
pub(crate) fn respond(io: &mut (impl Read + Write), root: &Path, rules: &Rules) {
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
/// A server on the test machine that logs in with a plain password.
pub(crate) fn local_server(kind: &str, port: u16, socket: &str, user: &str) -> String {
    server_xml(kind, "localhost", port, socket, "password-cleartext", user)
}

pub(crate) fn server_xml(
    kind: &str,
    host: &str,
    port: u16,
    socket: &str,
    auth: &str,
    user: &str,
) -> String {
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

pub(crate) fn ispdb_xml(domain: &str, servers: &[String]) -> String {
    format!(
        "<?xml version=\"1.0\"?>\n<clientConfig version=\"1.1\"><emailProvider id=\"{domain}\">\
         <domain>{domain}</domain>{}</emailProvider></clientConfig>\n",
        servers.concat()
    )
}

/// Discovery pointed at this test's DNS and web servers, trusting the test
/// CA, with the test servers' ports as the "standard" ones for guessing.
pub(crate) fn options(dns: &Dns, web: &Web) -> Options {
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

pub(crate) fn discover(rt: &tokio::runtime::Runtime, email: &str, options: &Options) -> Found {
    rt.block_on(discovery::discover(email, options))
        .unwrap_or_else(|e| panic!("{email}: {e} {e:?}"))
}

/// Confirms with the password once `approve` is approved, which must be
/// exactly the hosts the settings hold back; asserts every server
/// accepted the password.
pub(crate) fn confirm_ok(
    rt: &tokio::runtime::Runtime,
    found: &mut Found,
    password: &str,
    approve: &[&str],
) {
    let mut policy = found.policy();
    assert_eq!(policy.unapproved, approve, "{}", found.source.describe());
    for host in approve {
        policy.approve(host);
    }
    let outcomes = rt.block_on(discovery::confirm(&mut found.account, password, policy));
    assert_eq!(outcomes.len(), 2);
    for o in &outcomes {
        assert!(o.result.is_ok(), "{o}");
        assert!(o.to_string().contains("accepted the password"), "{o}");
    }
}

pub(crate) fn endpoint(server: &postel::account::Server) -> (&str, u16, Security) {
    (server.host.as_str(), server.port, server.security)
}

/// How long a connection made may take to be counted: the relay's thread
/// accepts it a moment after the client's connect returned.
const RELAY_SETTLE: Duration = Duration::from_millis(300);

/// A TCP relay on a free loopback port to a test server's port, counting
/// the connections made through it: whether Postel connected (and so
/// could have logged in) shows even through TLS.
pub(crate) struct Relay {
    pub(crate) port: u16,
    connections: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

impl Relay {
    pub(crate) fn start(target: u16) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("relay listener");
        let port = listener.local_addr().expect("address").port();
        let connections = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (count, flag) = (connections.clone(), stop.clone());
        std::thread::spawn(move || {
            for client in listener.incoming() {
                if flag.load(Ordering::Relaxed) {
                    break;
                }
                let Ok(client) = client else { continue };
                count.fetch_add(1, Ordering::SeqCst);
                let Ok(server) = TcpStream::connect(("127.0.0.1", target)) else {
                    continue;
                };
                for (from, to) in [(&client, &server), (&server, &client)] {
                    let (Ok(mut from), Ok(mut to)) = (from.try_clone(), to.try_clone()) else {
                        continue;
                    };
                    std::thread::spawn(move || {
                        let _ = std::io::copy(&mut from, &mut to);
                        let _ = to.shutdown(std::net::Shutdown::Write);
                    });
                }
            }
        });
        Self {
            port,
            connections,
            stop,
        }
    }

    /// The connections made so far, counted once they have settled.
    pub(crate) fn connections(&self) -> usize {
        std::thread::sleep(RELAY_SETTLE);
        self.connections.load(Ordering::SeqCst)
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        // Wakes the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}
