//! Proves the test servers with the crates the app itself uses: async-imap
//! over IMAPS and STARTTLS, lettre over both submission TLS modes, and
//! Postel's POP3 client over POP3S.

use std::time::Duration;

use futures::TryStreamExt;
use lettre::message::{Mailbox, Message, MultiPart, SinglePart, header::ContentType};
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use postel::account::Server;
use postel::net::{pop3, tls};
use tokio::net::TcpStream;

use crate::harness::{Servers, servers, unique};

const TLS_NAME: &str = "localhost";

async fn tcp(port: u16) -> TcpStream {
    TcpStream::connect((servers().host.as_str(), port))
        .await
        .expect("the test server accepts connections")
}

/// A server entry that trusts the test CA, as `--trust-cert` records it.
fn trusting(port: u16, ca: &std::path::Path) -> Server {
    Server {
        host: TLS_NAME.to_owned(),
        port,
        trusted_certificates: tls::read_pem_file(ca).expect("the CA loads"),
        ..Server::default()
    }
}

fn trust(s: &Servers, port: u16) -> Server {
    trusting(port, &s.ca)
}

#[tokio::test]
async fn imaps_login_and_select_inbox() {
    let s = servers();
    let stream = tls::secure(tcp(s.imaps).await, &trust(s, s.imaps))
        .await
        .expect("IMAPS handshake with the test CA");
    let mut client = async_imap::Client::new(stream);
    let greeting = client
        .read_response()
        .await
        .expect("greeting read")
        .expect("a greeting");
    assert!(
        format!("{:?}", greeting.parsed()).contains("Ok"),
        "IMAPS greeting should be OK, got {:?}",
        greeting.parsed()
    );
    let mut session = client
        .login("alice", s.password("alice"))
        .await
        .map_err(|(err, _)| err)
        .expect("alice logs in over IMAPS");
    let inbox = session.select("INBOX").await.expect("SELECT INBOX");
    assert!(inbox.uid_validity.is_some(), "INBOX has a UIDVALIDITY");
    let caps = session.capabilities().await.expect("CAPABILITY");
    for cap in [
        "IDLE",
        "CONDSTORE",
        "QRESYNC",
        "UIDPLUS",
        "MOVE",
        "SPECIAL-USE",
    ] {
        assert!(caps.has_str(cap), "server lacks {cap}");
    }
    let folders: Vec<_> = session
        .list(Some(""), Some("*"))
        .await
        .expect("LIST")
        .try_collect()
        .await
        .expect("LIST replies");
    let names: Vec<&str> = folders.iter().map(|f| f.name()).collect();
    for folder in ["INBOX", "Sent", "Drafts", "Trash", "Junk", "Archive"] {
        assert!(names.contains(&folder), "{folder} missing from {names:?}");
    }
    session.logout().await.expect("LOGOUT");
}

#[tokio::test]
async fn imap_starttls_login_and_select_inbox() {
    let s = servers();
    let mut client = async_imap::Client::new(tcp(s.imap).await);
    client
        .read_response()
        .await
        .expect("greeting read")
        .expect("a greeting");
    client
        .run_command_and_check_ok("STARTTLS", None)
        .await
        .expect("STARTTLS accepted");
    let plain = client.into_inner();
    let stream = tls::secure(plain, &trust(s, s.imap))
        .await
        .expect("TLS after STARTTLS");
    let client = async_imap::Client::new(stream);
    let mut session = client
        .login("bob", s.password("bob"))
        .await
        .map_err(|(err, _)| err)
        .expect("bob logs in after STARTTLS");
    session.select("INBOX").await.expect("SELECT INBOX");
    session.logout().await.expect("LOGOUT");
}

#[tokio::test]
async fn imaps_refuses_an_untrusted_certificate() {
    let s = servers();
    let other = trusting(s.imaps, &s.other_ca);
    let result = tls::secure(tcp(s.imaps).await, &other).await;
    let err = result.expect_err("a server signed by another CA must be refused");
    assert!(
        err.to_string().contains("certificate"),
        "the error names the certificate: {err}"
    );
}

fn submission(
    port: u16,
    tls: Tls,
    user: &str,
    mechanism: Mechanism,
) -> AsyncSmtpTransport<Tokio1Executor> {
    let s = servers();
    AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(TLS_NAME)
        .port(port)
        .tls(tls)
        .credentials(Credentials::new(
            user.to_owned(),
            s.password(user).to_owned(),
        ))
        .authentication(vec![mechanism])
        .timeout(Some(Duration::from_secs(20)))
        .build()
}

fn tls_parameters() -> TlsParameters {
    let s = servers();
    let pem = std::fs::read(&s.ca).expect("CA readable");
    TlsParameters::builder(TLS_NAME.to_owned())
        .add_root_certificate(Certificate::from_pem(&pem).expect("CA parses"))
        .build_rustls()
        .expect("TLS parameters")
}

fn message(subject: &str, payload: &[u8]) -> Message {
    let s = servers();
    Message::builder()
        .from(s.address("alice").parse::<Mailbox>().expect("from"))
        .to(s.address("bob").parse::<Mailbox>().expect("to"))
        .subject(subject)
        .multipart(
            MultiPart::mixed()
                .singlepart(SinglePart::plain("Smoke test body.\n".to_owned()))
                .singlepart(
                    lettre::message::Attachment::new("payload.bin".to_owned()).body(
                        payload.to_vec(),
                        ContentType::parse("application/octet-stream").expect("type"),
                    ),
                ),
        )
        .expect("message builds")
}

/// Waits until bob's INBOX has a message with this subject, then returns its raw bytes.
async fn fetch_from_bob(subject: &str) -> Vec<u8> {
    let s = servers();
    let stream = tls::secure(tcp(s.imaps).await, &trust(s, s.imaps))
        .await
        .expect("IMAPS");
    let mut client = async_imap::Client::new(stream);
    client.read_response().await.expect("greeting read");
    let mut session = client
        .login("bob", s.password("bob"))
        .await
        .map_err(|(err, _)| err)
        .expect("bob logs in");
    for _ in 0..100 {
        session.select("INBOX").await.expect("SELECT");
        let uids = session
            .uid_search(format!("HEADER Subject \"{subject}\""))
            .await
            .expect("SEARCH");
        if let Some(uid) = uids.into_iter().next() {
            let fetches: Vec<_> = session
                .uid_fetch(uid.to_string(), "BODY.PEEK[]")
                .await
                .expect("FETCH")
                .try_collect()
                .await
                .expect("FETCH replies");
            let body = fetches
                .iter()
                .find_map(|f| f.body())
                .expect("a body")
                .to_vec();
            session.logout().await.expect("LOGOUT");
            return body;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("\"{subject}\" never reached bob's INBOX");
}

async fn submit_and_receive(port: u16, tls: Tls, mechanism: Mechanism) {
    let subject = unique("smoke");
    let payload: Vec<u8> = (0..50_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    let response = submission(port, tls, "alice", mechanism)
        .send(message(&subject, &payload))
        .await
        .expect("the submission server accepts the message");
    assert!(response.is_positive(), "250 expected, got {response:?}");
    let raw = fetch_from_bob(&subject).await;
    let parsed = mail_parser::MessageParser::default()
        .parse(&raw)
        .expect("the delivered message parses");
    assert_eq!(parsed.subject(), Some(subject.as_str()));
    let attachment = parsed.attachments().next().expect("the attachment arrived");
    assert_eq!(
        attachment.contents(),
        payload.as_slice(),
        "attachment intact"
    );
}

#[tokio::test]
async fn submission_starttls_with_auth_plain_delivers() {
    let params = tls_parameters();
    submit_and_receive(
        servers().submission,
        Tls::Required(params),
        Mechanism::Plain,
    )
    .await;
}

#[tokio::test]
async fn submissions_implicit_tls_with_auth_login_delivers() {
    let params = tls_parameters();
    submit_and_receive(
        servers().submissions,
        Tls::Wrapper(params),
        Mechanism::Login,
    )
    .await;
}

#[tokio::test]
async fn mx_port_refuses_relay() {
    let s = servers();
    let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(TLS_NAME)
        .port(s.smtp)
        .tls(Tls::None)
        .timeout(Some(Duration::from_secs(20)))
        .build();
    let msg = Message::builder()
        .from("someone@elsewhere.test".parse::<Mailbox>().expect("from"))
        .to("victim@example.com".parse::<Mailbox>().expect("to"))
        .subject("relay?")
        .body("no".to_owned())
        .expect("builds");
    let err = transport
        .send(msg)
        .await
        .expect_err("relay must be refused");
    assert!(err.is_permanent(), "relay denial is a 5xx: {err}");
}

#[tokio::test]
async fn pop3s_stat_sees_a_delivered_message() {
    let s = servers();
    let msg = Message::builder()
        .from(s.address("alice").parse::<Mailbox>().expect("from"))
        .to(s.address("carol").parse::<Mailbox>().expect("to"))
        .subject(unique("pop3"))
        .body("for POP3\n".to_owned())
        .expect("builds");
    submission(
        s.submissions,
        Tls::Wrapper(tls_parameters()),
        "alice",
        Mechanism::Plain,
    )
    .send(msg)
    .await
    .expect("submitted");
    for _ in 0..100 {
        let stream = tls::secure(tcp(s.pop3s).await, &trust(s, s.pop3s))
            .await
            .expect("POP3S handshake");
        let mut client = pop3::Client::connect(stream).await.expect("POP3 greeting");
        let caps = client.capabilities().await.expect("CAPA");
        assert!(
            caps.iter().any(|c| c == "UIDL"),
            "CAPA lists UIDL: {caps:?}"
        );
        client
            .login("carol", s.password("carol"))
            .await
            .expect("carol logs in over POP3S");
        let (count, size) = client.stat().await.expect("STAT");
        client.quit().await.expect("QUIT");
        if count > 0 {
            assert!(size > 0, "STAT {count} {size}");
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("carol's POP3 maildrop stayed empty");
}

#[tokio::test]
async fn pop3_wrong_password_is_refused() {
    let s = servers();
    let stream = tls::secure(tcp(s.pop3s).await, &trust(s, s.pop3s))
        .await
        .expect("POP3S handshake");
    let mut client = pop3::Client::connect(stream).await.expect("POP3 greeting");
    let err = client
        .login("carol", "not-her-password")
        .await
        .expect_err("a wrong password is refused");
    assert!(matches!(err, pop3::Error::Negative(_)), "{err:?}");
}

#[tokio::test]
async fn pop3_stls_and_sasl_plain_log_in() {
    let s = servers();
    for auth in [
        postel::account::AuthMechanism::Automatic,
        postel::account::AuthMechanism::Plain,
        postel::account::AuthMechanism::Login,
    ] {
        let server = Server {
            security: postel::account::Security::Starttls,
            auth,
            ..trust(s, s.pop3)
        };
        let mut client = pop3::connect(&server, "carol", s.password("carol"))
            .await
            .unwrap_or_else(|e| panic!("POP3 STLS login with {auth:?}: {e}"));
        client.stat().await.expect("STAT after login");
        client.quit().await.expect("QUIT");
    }
}

/// Submits a small message from alice to `to` and waits for the 250.
pub fn submit(to: &str, subject: &str) {
    let s = servers();
    let msg = Message::builder()
        .from(s.address("alice").parse::<Mailbox>().expect("from"))
        .to(to.parse::<Mailbox>().expect("to"))
        .subject(subject)
        .body(format!("{subject}\n"))
        .expect("builds");
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(
            submission(
                s.submissions,
                Tls::Wrapper(tls_parameters()),
                "alice",
                Mechanism::Plain,
            )
            .send(msg),
        )
        .expect("submitted");
}
