//! STARTTLS chosen on a port that expects TLS from the first byte: such a
//! server waits in silence for the client's TLS hello. Issue 24 saw 20 s
//! per server and then "check the host, the port and your network"; the
//! sentence now names the security setting, for IMAP, SMTP and POP3.

use std::net::TcpListener;
use std::time::{Duration, Instant};

use postel::account::{Security, Server};
use postel::net;

/// A server that accepts and never says a word, like an implicit-TLS port
/// to a plain client.
fn silent() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for client in listener.incoming().map_while(Result::ok) {
            held.push(client);
        }
    });
    port
}

#[test]
fn starttls_on_a_silent_port_says_to_choose_tls() {
    let rt = crate::receiving::rt();
    let server = Server {
        host: "127.0.0.1".into(),
        port: silent(),
        security: Security::Starttls,
        ..Server::default()
    };
    let started = Instant::now();
    let (imap, smtp, pop3) = rt.block_on(async {
        tokio::join!(
            async { net::imap::connect(&server, "user", "password").await.err() },
            async { net::smtp::connect(&server, None).await.err() },
            async { net::pop3::connect(&server, "user", "password").await.err() },
        )
    });
    for err in [
        imap.expect("IMAP failed"),
        smtp.expect("SMTP failed"),
        pop3.expect("POP3 failed"),
    ] {
        assert!(matches!(err, net::Error::SilentGreeting { .. }), "{err:?}");
        assert!(err.to_string().contains("choose TLS"), "{err}");
    }
    // The greetings awaited side by side, each for the step's time and no
    // longer.
    assert!(started.elapsed() < net::STEP_TIMEOUT + Duration::from_secs(5));
}
