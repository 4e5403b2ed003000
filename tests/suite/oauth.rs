//! OAuth2 sign-in (issue 26) against a real OpenID provider (oidc-provider
//! on loopback, started by tests/servers/mailservers), Dovecot checking the
//! tokens with it (its oauth2 passdb, by introspection) and Postfix
//! submission authenticating through Dovecot. The browser is the test's
//! own HTTP client, signing in on the provider's pages as a mail user.

use std::sync::mpsc;
use std::time::Duration;

use postel::account::{Account, AuthMechanism, Incoming, Outgoing, Protocol, Role, Security};
use postel::net::sasl::Mechanism;
use postel::net::{self, check};
use postel::oauth;
use postel::store::{SharedStore, Store};
use postel::worker::{self, Control, Event, Phase};

use crate::harness::{TempDir, servers, unique};
use crate::oauth_browser::{self, sign_in_as};
use crate::receiving::{rt, test_server};
use crate::worker::expect;

/// A mail user's account signing in with OAuth2 on IMAPS and submissions,
/// knowing nothing of the sign-in server.
fn account(tag: &str, user: &str) -> Account {
    let s = servers();
    Account {
        name: unique(tag),
        email: s.address(user),
        incoming: Incoming {
            username: user.into(),
            server: postel::account::Server {
                auth: AuthMechanism::OAuth2,
                ..test_server(s.imaps, Security::Tls)
            },
            ..Default::default()
        },
        outgoing: Outgoing {
            server: postel::account::Server {
                auth: AuthMechanism::OAuth2,
                ..test_server(s.submissions, Security::Tls)
            },
            ..Default::default()
        },
        ..Default::default()
    }
}

/// Signs `account` in as `user` through the engine, the browser driven
/// by the test; returns the account as saved.
async fn sign_in(engine: &postel::engine::Engine, name: &str, user: &str) -> Account {
    let (tx, rx) = tokio::sync::oneshot::channel::<String>();
    let user = user.to_owned();
    let browser = tokio::spawn(async move {
        let url = rx.await.expect("the sign-in address");
        sign_in_as(&url, &user).await
    });
    engine
        .sign_in(
            name,
            move |url| {
                let _ = tx.send(url.to_owned());
            },
            Duration::from_secs(60),
        )
        .await
        .expect("signed in");
    let page = browser.await.expect("the browser finished");
    assert_eq!(page.status, 200, "Postel's page: {}", page.body);
    assert!(page.body.contains("You are signed in"), "{}", page.body);
    engine.account(name).expect("still there")
}

/// Asks the provider to revoke a token (RFC 7009), as a user does from
/// the provider's account page.
async fn revoke(token: &str, client_id: &str) {
    let http = oauth::http::Http::new().expect("client");
    let answer = http
        .post_form(
            &format!("{}/token/revocation", servers().oidc_issuer),
            &[
                ("token", token.to_owned()),
                ("client_id", client_id.to_owned()),
            ],
            4096,
        )
        .await
        .expect("the provider answers");
    assert_eq!(
        answer.status,
        200,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
}

#[test]
fn postel_registers_itself_with_the_server_the_mail_server_names_and_logs_in_everywhere() {
    let s = servers();
    let rt = rt();
    let dir = TempDir::new("oauth-register");
    let mut wanted = account("oauth-register", "olga");
    rt.block_on(async {
        let engine = crate::harness::engine_with(&dir, &wanted).await;
        let signed = sign_in(&engine, &wanted.name, "olga").await;
        // Found from Dovecot's refusal (its openid-configuration), then
        // registered (RFC 7591): nothing was configured by hand.
        assert_eq!(signed.oauth.issuer.as_deref(), Some(s.oidc_issuer.as_str()));
        assert!(signed.oauth.registered, "{:?}", signed.oauth);
        let client_id = signed.oauth.client_id.clone().expect("a client ID");
        assert_ne!(client_id, "postel-preconfigured");
        let settings = std::fs::read_to_string(engine.config_path()).expect("settings");
        assert!(settings.contains(&client_id), "the client ID is kept");
        let refresh = postel::secret::get(&oauth::access::key(&signed.name))
            .await
            .expect("the refresh token is in the keyring");
        assert!(!settings.contains(&refresh), "never in the settings file");

        // IMAP and SMTP, by the mechanism Postel picks (OAUTHBEARER).
        for outcome in check::account(&signed).await {
            assert!(
                outcome.result.is_ok(),
                "{:?}: {:?}",
                outcome.role,
                outcome.result
            );
        }
        // POP3 with the same sign-in.
        wanted = signed.clone();
        wanted.incoming.protocol = Protocol::Pop3;
        wanted.incoming.server = postel::account::Server {
            auth: AuthMechanism::OAuth2,
            ..test_server(s.pop3s, Security::Tls)
        };
        check::server_login(&wanted, Role::Incoming)
            .await
            .expect("POP3 takes the token");

        // Each mechanism on each protocol, STARTTLS ports included.
        let token = oauth::access::token(&signed).await.expect("a token");
        for mechanism in [Mechanism::OAuthBearer, Mechanism::XOAuth2] {
            let imap = test_server(s.imap, Security::Starttls);
            let mut session = net::imap::connect_bearer(&imap, "olga", &token, mechanism)
                .await
                .unwrap_or_else(|e| panic!("IMAP {mechanism:?}: {e}"));
            session.logout().await.expect("logout");
            let pop3 = test_server(s.pop3, Security::Starttls);
            let client = net::pop3::connect_bearer(&pop3, "olga", &token, mechanism)
                .await
                .unwrap_or_else(|e| panic!("POP3 {mechanism:?}: {e}"));
            client.quit().await.expect("quit");
            let smtp = test_server(s.submission, Security::Starttls);
            let mut conn = net::smtp::connect_bearer(&smtp, "olga", &token, mechanism)
                .await
                .unwrap_or_else(|e| panic!("SMTP {mechanism:?}: {e}"));
            conn.quit().await.expect("quit");
        }

        // A token for another user is refused, by each mechanism, with the
        // server's reason read from its challenge.
        for mechanism in [Mechanism::OAuthBearer, Mechanism::XOAuth2] {
            let imap = test_server(s.imaps, Security::Tls);
            match net::imap::connect_bearer(&imap, "omar", &token, mechanism).await {
                Err(net::Error::TokenRefused { .. }) => {}
                other => panic!("IMAP {mechanism:?} as another user: {:?}", other.err()),
            }
            let smtp = test_server(s.submissions, Security::Tls);
            match net::smtp::connect_bearer(&smtp, "omar", &token, mechanism).await {
                Err(net::Error::TokenRefused { .. }) => {}
                other => panic!("SMTP {mechanism:?} as another user: {:?}", other.err()),
            }
        }
        let pop3 = test_server(s.pop3s, Security::Tls);
        match net::pop3::connect_bearer(&pop3, "olga", "not-a-token", Mechanism::OAuthBearer).await
        {
            Err(net::Error::TokenRefused {
                refusal: Some(refusal),
                ..
            }) => {
                assert_eq!(refusal.status, "invalid_token");
                assert!(refusal.openid_configuration.is_some(), "{refusal:?}");
            }
            other => panic!("POP3 with a bad token: {:?}", other.err()),
        }
    });
}

#[test]
fn a_client_id_set_by_hand_is_used_without_registering() {
    let s = servers();
    let rt = rt();
    let dir = TempDir::new("oauth-preset");
    let mut wanted = account("oauth-preset", "omar");
    wanted.oauth.issuer = Some(s.oidc_issuer.clone());
    wanted.oauth.client_id = Some("postel-preconfigured".into());
    // STARTTLS submission this time.
    wanted.outgoing.server = postel::account::Server {
        auth: AuthMechanism::OAuth2,
        ..test_server(s.submission, Security::Starttls)
    };
    rt.block_on(async {
        let engine = crate::harness::engine_with(&dir, &wanted).await;
        let signed = sign_in(&engine, &wanted.name, "omar").await;
        assert_eq!(
            signed.oauth.client_id.as_deref(),
            Some("postel-preconfigured")
        );
        assert!(!signed.oauth.registered);
        for outcome in check::account(&signed).await {
            assert!(
                outcome.result.is_ok(),
                "{:?}: {:?}",
                outcome.role,
                outcome.result
            );
        }
    });
}

#[test]
fn an_answer_with_another_state_is_ignored_and_one_from_another_issuer_refused() {
    let s = servers();
    let rt = rt();
    let mut wanted = account("oauth-callback", "olga");
    wanted.oauth.issuer = Some(s.oidc_issuer.clone());
    wanted.oauth.client_id = Some("postel-preconfigured".into());
    rt.block_on(async {
        let (tx, rx) = tokio::sync::oneshot::channel::<String>();
        let forger = tokio::spawn(async move {
            let url = rx.await.expect("the sign-in address");
            // The provider's real answer, not delivered yet.
            let back = oauth_browser::code_redirect(&url, "olga").await;
            let parsed = url::Url::parse(&back).expect("a redirect");
            let listener = format!(
                "http://127.0.0.1:{}/",
                parsed.port().expect("the listener's port")
            );
            let code = parsed
                .query_pairs()
                .find(|(k, _)| k == "code")
                .map(|(_, v)| v.into_owned())
                .expect("a code");
            let state = parsed
                .query_pairs()
                .find(|(k, _)| k == "state")
                .map(|(_, v)| v.into_owned())
                .expect("a state");
            // Another program on the machine, guessing: not this sign-in.
            let guessed = oauth_browser::get(&format!(
                "{listener}?code={code}&state=guessed&iss={}",
                s.oidc_issuer
            ))
            .await;
            assert_eq!(guessed.status, 400);
            // The right state, but a code from another server (RFC 9207).
            let other = oauth_browser::get(&format!(
                "{listener}?code={code}&state={state}&iss=https%3A%2F%2Fevil.example"
            ))
            .await;
            assert_eq!(other.status, 400);
        });
        let mut signing = wanted.clone();
        let result = oauth::signin::sign_in(
            &mut signing,
            move |url| {
                let _ = tx.send(url.to_owned());
            },
            Duration::from_secs(60),
        )
        .await;
        forger.await.expect("the forger finished");
        let err = result.expect_err("a code from another issuer is refused");
        assert!(
            matches!(err, oauth::Error::Refused(_)),
            "refused, not timed out: {err}"
        );
        assert!(err.to_string().contains("evil.example"), "{err}");
        assert!(
            postel::secret::get(&oauth::access::key(&signing.name))
                .await
                .is_err(),
            "no token was kept"
        );
    });
}

#[test]
fn tokens_are_renewed_when_due_and_after_a_refusal_while_idle_goes_on() {
    let s = servers();
    let rt = rt();
    let dir = TempDir::new("oauth-renew");
    let wanted = account("oauth-renew", "otto");
    let account = rt.block_on(async {
        let engine = crate::harness::engine_with(&dir, &wanted).await;
        sign_in(&engine, &wanted.name, "otto").await
    });
    let first = rt.block_on(oauth::access::token(&account)).expect("token");
    let store = SharedStore::new(Store::open(&dir.path().join("data")).expect("store"));
    let (tx, events) = mpsc::channel();
    let name = account.name.clone();
    let (handle, _task) = rt.block_on(async {
        worker::spawn(account.clone(), store.clone(), move |e| {
            let _ = tx.send(e);
        })
    });
    let (mut synced, mut watching) = (false, false);
    expect(&events, Duration::from_secs(30), "sync and IDLE", |e| {
        match e {
            Event::Synced { account, .. } if *account == name => synced = true,
            Event::Watching { account } if *account == name => watching = true,
            Event::Failed { error, .. } => panic!("{error}"),
            _ => {}
        }
        (synced && watching).then_some(())
    });

    // The token runs out while IDLE waits: the session it opened goes on.
    std::thread::sleep(Duration::from_secs(s.oidc_access_ttl + 2));
    let subject = unique("oauth-idle");
    crate::smoke::submit(&s.address("otto"), &subject);
    expect(&events, Duration::from_secs(15), "new mail by IDLE", |e| {
        matches!(e, Event::Sync(postel::sync::Event::NewMail { .. })).then_some(())
    });
    // A new connection gets a renewed token.
    assert!(handle.send(Control::SyncNow));
    expect(
        &events,
        Duration::from_secs(30),
        "sync with a renewed token",
        |e| match e {
            Event::Synced { .. } => Some(()),
            Event::Failed { error, .. } => panic!("{error}"),
            _ => None,
        },
    );
    let second = rt.block_on(oauth::access::token(&account)).expect("token");
    assert_ne!(first, second, "renewed before it ran out");

    // Revoked early (the provider's choice): refused once, renewed, in.
    let client_id = account.oauth.client_id.clone().expect("client");
    rt.block_on(revoke(&second, &client_id));
    assert!(handle.send(Control::SyncNow));
    expect(
        &events,
        Duration::from_secs(30),
        "sync after a refusal",
        |e| match e {
            Event::Synced { .. } => Some(()),
            Event::Failed { error, .. } => panic!("{error}"),
            _ => None,
        },
    );
    let third = rt.block_on(oauth::access::token(&account)).expect("token");
    assert_ne!(second, third);
    assert!(handle.send(Control::Stop));
}

#[test]
fn a_revoked_sign_in_stops_the_worker_keeps_the_outbox_and_sends_after_signing_in() {
    let s = servers();
    let rt = rt();
    let dir = TempDir::new("oauth-revoked");
    let wanted = account("oauth-revoked", "olga");
    let subject = unique("oauth-queued");
    let (engine, account, id) = rt.block_on(async {
        let engine = crate::harness::engine_with(&dir, &wanted).await;
        let account = sign_in(&engine, &wanted.name, "olga").await;
        let refresh = postel::secret::get(&oauth::access::key(&account.name))
            .await
            .expect("refresh token");
        revoke(
            &refresh,
            account.oauth.client_id.as_deref().expect("client"),
        )
        .await;
        oauth::access::drop_access(&account.name).await;
        let draft = postel::message::compose::Draft {
            to: vec![s.address("ben")],
            subject: subject.clone(),
            text: "queued while signed out".into(),
            ..Default::default()
        };
        let id = engine.queue(&account.name, &draft).await.expect("queued");
        (engine, account, id)
    });
    let store = SharedStore::new(Store::open(&dir.path().join("data")).expect("store"));
    let (tx, events) = mpsc::channel();
    let (handle, _task) = rt.block_on(async {
        worker::spawn(account.clone(), store.clone(), move |e| {
            let _ = tx.send(e);
        })
    });
    let said = expect(
        &events,
        Duration::from_secs(30),
        "a sign-in failure",
        |e| match e {
            Event::Failed { error, phase, .. } => {
                assert_eq!(*phase, Phase::Outbox, "sending comes first");
                assert!(error.needs_sign_in(), "{error}");
                Some(error.to_string())
            }
            _ => None,
        },
    );
    assert!(said.contains("postel account login"), "{said}");
    // It stops trying: no sync, no second attempt.
    let quiet = events.recv_timeout(Duration::from_secs(5));
    assert!(
        quiet.is_err(),
        "the worker went on after a revoked sign-in: {quiet:?}"
    );
    let kept = rt
        .block_on(store.run(move |st| st.outbox(None)))
        .expect("outbox");
    let item = kept
        .iter()
        .find(|i| i.id == id)
        .expect("still in the outbox");
    assert_eq!(item.state, postel::store::outbox::State::Queued);

    // Signing in again, then "get mail": the message goes out.
    rt.block_on(sign_in(&engine, &account.name, "olga"));
    assert!(handle.send(Control::SyncNow));
    let outcome = expect(&events, Duration::from_secs(30), "sent", |e| match e {
        Event::Outbox { outcomes, .. } => outcomes.iter().find(|o| o.id == id).cloned(),
        _ => None,
    });
    assert_eq!(
        outcome.state,
        postel::store::outbox::State::Sent,
        "{}",
        outcome.detail
    );
    assert_eq!(crate::sending::settle("ben", &subject, 1), 1);
    assert!(handle.send(Control::Stop));
}

#[test]
fn the_command_line_signs_in_and_no_token_reaches_the_log_at_trace() {
    use std::io::BufRead;
    let s = servers();
    let postel = crate::postel::Postel::new();
    let name = unique("oauth-cli");
    let (imaps, submissions) = (s.imaps.to_string(), s.submissions.to_string());
    let ca = s.ca.display().to_string();
    let added = postel.ok(
        &[
            "account",
            "add",
            &name,
            "--email",
            &s.address("omar"),
            "--incoming",
            "imap",
            "--in-host",
            "localhost",
            "--in-port",
            &imaps,
            "--in-auth",
            "oauth2",
            "--out-host",
            "localhost",
            "--out-port",
            &submissions,
            "--out-auth",
            "oauth2",
            "--username",
            "omar",
            "--trust-cert",
            &ca,
        ],
        None,
    );
    assert!(
        added.contains(&format!("postel account login {name}")),
        "{added}"
    );

    // `account login`: the address is printed; the test is the browser.
    let mut child = postel
        .command_env(
            &["account", "login", &name],
            &[("RUST_LOG", "trace"), ("BROWSER", "true")],
        )
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("postel starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = std::io::BufReader::new(stdout).lines();
    let url = lines
        .by_ref()
        .map_while(Result::ok)
        .find(|l| l.starts_with("http"))
        .expect("the sign-in address is printed");
    let page = rt().block_on(sign_in_as(&url, "omar"));
    assert_eq!(page.status, 200, "{}", page.body);
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let out = child.wait_with_output().expect("postel finishes");
    let log = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{rest:?}\n{log}");
    assert!(rest.iter().any(|l| l.contains("Signed in")), "{rest:?}");

    // The test connection uses (and renews) the token, at trace.
    let tested = postel.run_env(&["account", "test", &name], None, &[("RUST_LOG", "trace")]);
    let test_log = String::from_utf8_lossy(&tested.stderr).into_owned();
    assert!(tested.status.success(), "{test_log}");
    let shown = postel.json(&["account", "show", &name]);
    assert_eq!(shown["oauth"]["registered"], true, "{shown}");

    let refresh = rt()
        .block_on(postel::secret::get(&oauth::access::key(&name)))
        .expect("refresh token kept");
    for log in [&log, &test_log] {
        assert!(log.contains("TRACE"), "the log is at trace");
        assert!(!log.contains(&refresh), "the refresh token is in the log");
        for secret in [
            "Bearer",
            "access_token",
            "refresh_token",
            "code_verifier",
            "auth=Bearer",
        ] {
            assert!(!log.contains(secret), "\"{secret}\" is in the log");
        }
    }
    postel.ok(&["account", "remove", &name], None);
    assert!(
        rt().block_on(postel::secret::get(&oauth::access::key(&name)))
            .is_err(),
        "removing the account forgets its sign-in"
    );
}

/// The provider's own autoconfig file (over HTTPS) names OAuth2 servers
/// and its sign-in: discovery takes them, sends no password anywhere, and
/// the sign-in goes straight to the issuer the file names.
#[test]
fn the_providers_autoconfig_file_names_the_sign_in_and_discovery_takes_it() {
    use crate::discovery_parts::{Dns, Web, ispdb_xml, options, server_xml};
    let s = servers();
    let rt = rt();
    let dns = Dns::start(&["--address=/localhost/127.0.0.1".to_owned()]);
    let plain = Web::start(false);
    let https = Web::start(true);
    let user = "%EMAILLOCALPART%";
    let sign_in = format!(
        "<oAuth2><issuer>{}</issuer><scope>openid offline_access</scope></oAuth2>",
        s.oidc_issuer
    );
    https.put(
        ".well-known/autoconfig/mail/config-v1.1.xml",
        &ispdb_xml(
            "localhost",
            &[
                server_xml("imap", "localhost", s.imaps, "SSL", "OAuth2", user).replace(
                    "</authentication>",
                    "</authentication><authentication>password-cleartext</authentication>",
                ),
                server_xml(
                    "smtp",
                    "localhost",
                    s.submission,
                    "STARTTLS",
                    "OAuth2",
                    user,
                ),
                sign_in,
            ],
        ),
    );
    let mut options = options(&dns, &plain);
    options.ports.https = https.port;
    let found = crate::discovery_parts::discover(&rt, "olga@localhost", &options);
    let mut account = found.account.clone();
    assert!(account.uses_oauth(), "{account:?}");
    assert_eq!(
        account.incoming.server.auth,
        AuthMechanism::OAuth2,
        "OAuth2 over the password: the file says how to sign in"
    );
    assert_eq!(
        account.oauth.issuer.as_deref(),
        Some(s.oidc_issuer.as_str())
    );
    assert_eq!(account.oauth.scopes, ["openid", "offline_access"]);
    // Confirming with a password sends none: these servers sign in.
    let mut tried = account.clone();
    let outcomes = rt.block_on(postel::discovery::confirm(
        &mut tried,
        "olgapass",
        found.policy(),
    ));
    for o in &outcomes {
        assert!(
            matches!(
                o.result,
                Err(postel::discovery::ConfirmError::BrowserSignIn { .. })
            ),
            "{o}"
        );
    }
    account.name = unique("oauth-autoconfig");
    rt.block_on(async {
        let (tx, rx) = tokio::sync::oneshot::channel::<String>();
        let browser = tokio::spawn(async move {
            let url = rx.await.expect("the sign-in address");
            sign_in_as(&url, "olga").await
        });
        oauth::signin::sign_in(
            &mut account,
            move |url| {
                let _ = tx.send(url.to_owned());
            },
            Duration::from_secs(60),
        )
        .await
        .expect("signed in");
        assert_eq!(browser.await.expect("browser").status, 200);
        assert!(account.oauth.registered);
        for outcome in check::account(&account).await {
            assert!(
                outcome.result.is_ok(),
                "{:?}: {:?}",
                outcome.role,
                outcome.result
            );
        }
        oauth::access::forget(&account.name)
            .await
            .expect("forgotten");
    });
}

/// A sign-in server that registers no clients, and no client ID set: one
/// sentence naming the setting, before the browser is opened.
#[test]
fn without_registration_or_a_client_id_the_sign_in_says_what_is_missing() {
    let s = servers();
    let mut account = account("oauth-no-client", "olga");
    account.oauth.issuer = Some(s.oidc_issuer.clone());
    // Endpoints named by hand (as a provider's file would): no metadata,
    // so no registration endpoint either.
    account.oauth.authorization_endpoint = Some(format!("{}/auth", s.oidc_issuer));
    account.oauth.token_endpoint = Some(format!("{}/token", s.oidc_issuer));
    let opened = std::sync::atomic::AtomicBool::new(false);
    let err = rt()
        .block_on(oauth::signin::sign_in(
            &mut account,
            |_| opened.store(true, std::sync::atomic::Ordering::SeqCst),
            Duration::from_secs(5),
        ))
        .expect_err("no client ID");
    assert!(matches!(err, oauth::Error::NoClientId { .. }), "{err}");
    assert!(
        err.to_string().contains(&format!(
            "postel account edit {} --oauth-client-id",
            account.name
        )),
        "{err}"
    );
    assert!(
        !opened.load(std::sync::atomic::Ordering::SeqCst),
        "no browser"
    );
}

/// A sign-in server known to nobody but published at https://<mail
/// server's host> (RFC 8414 / OpenID discovery, on the default port):
/// found with no issuer set, no file and no refusal to read, trusted
/// through the certificates the user trusted for the mail servers, then
/// registered with, signed in and renewed there.
#[test]
fn the_sign_in_server_published_at_the_mail_hosts_address_is_found_and_used() {
    let s = servers();
    let rt = rt();
    let mut account = account("oauth-by-host", "olga");
    account.email = "olga@localhost".into();
    account.incoming.server.host = s.oidc_web_host.clone();
    account.outgoing.server.host = s.oidc_web_host.clone();
    let issuer = format!("https://{}", s.oidc_web_host);

    rt.block_on(async {
        // Trust comes from the account's servers only: the system's roots
        // do not know the test CA, so without it nothing is found there.
        let mut untrusting = account.clone();
        untrusting.incoming.server.trusted_certificates.clear();
        untrusting.outgoing.server.trusted_certificates.clear();
        let http = oauth::http::Http::for_account(&untrusting).expect("client");
        let found = oauth::discover::without_server(&http, &untrusting)
            .await
            .expect("no error: the next way is tried");
        assert!(found.is_none(), "{found:?}");

        let http = oauth::http::Http::for_account(&account).expect("client");
        let found = oauth::discover::without_server(&http, &account)
            .await
            .expect("discovery")
            .unwrap_or_else(|| {
                panic!("nothing published at {issuer}: see the log of tests/servers/oidc (port 443 needs root)")
            });
        assert_eq!(found.metadata.issuer, issuer);
        assert!(found.metadata.registration_endpoint.is_some());

        let (tx, rx) = tokio::sync::oneshot::channel::<String>();
        let browser = tokio::spawn(async move {
            let url = rx.await.expect("the sign-in address");
            let page = sign_in_as(&url, "olga").await;
            (url, page)
        });
        oauth::signin::sign_in(
            &mut account,
            move |url| {
                let _ = tx.send(url.to_owned());
            },
            Duration::from_secs(60),
        )
        .await
        .expect("signed in");
        let (url, page) = browser.await.expect("browser");
        assert!(url.starts_with(&format!("{issuer}/")), "{url}");
        assert_eq!(page.status, 200, "{}", page.body);
        assert_eq!(account.oauth.issuer.as_deref(), Some(issuer.as_str()));
        assert!(account.oauth.registered, "{:?}", account.oauth);

        // Renewal goes to the token endpoint found, over the same trust.
        let first = oauth::access::token(&account).await.expect("a token");
        oauth::access::drop_access(&account.name).await;
        let renewed = oauth::access::token(&account).await.expect("renewed");
        assert_ne!(first, renewed, "a new access token");
        oauth::access::forget(&account.name)
            .await
            .expect("forgotten");
    });
}
