//! The user's browser, for the OAuth2 tests: follows a sign-in address
//! through the OpenID provider's own login and consent pages (its
//! development forms, which take any user name), submitting them as a test
//! user, and lands wherever the provider sends it, Postel's loopback
//! listener in the end. HTTP to loopback only; HTTPS trusting the test CA
//! alone, for the provider that publishes its metadata by host.

use std::collections::BTreeMap;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// What the last page said.
#[derive(Debug)]
pub struct Page {
    pub status: u16,
    pub body: String,
}

/// Signs in as `user` at `url`, then follows the provider back to the
/// redirect; returns the last page (Postel's, when all went well).
pub async fn sign_in_as(url: &str, user: &str) -> Page {
    let mut cookies = BTreeMap::new();
    let mut next = Request::get(url);
    for _ in 0..20 {
        let page = fetch(&next, &mut cookies).await;
        if (300..400).contains(&page.status) {
            next = Request::get(&resolve(&page.url, &page.location));
            continue;
        }
        let prompt = ["login", "consent"].into_iter().find(|p| {
            page.body
                .contains(&format!("name=\"prompt\" value=\"{p}\""))
        });
        match (prompt, form_action(&page.body)) {
            (Some("login"), Some(action)) => {
                next = Request::post(
                    &resolve(&page.url, &action),
                    &[("prompt", "login"), ("login", user), ("password", "any")],
                );
            }
            (Some(_), Some(action)) => {
                next = Request::post(&resolve(&page.url, &action), &[("prompt", "consent")]);
            }
            _ => {
                return Page {
                    status: page.status,
                    body: page.body,
                };
            }
        }
    }
    panic!("the sign-in went round in circles");
}

/// Follows the provider's redirects from `url` without signing in, and
/// returns the address it sends the browser back to (the redirect with
/// the code), without going there.
pub async fn code_redirect(url: &str, user: &str) -> String {
    let mut cookies = BTreeMap::new();
    let mut next = Request::get(url);
    for _ in 0..20 {
        let page = fetch(&next, &mut cookies).await;
        if (300..400).contains(&page.status) {
            let target = resolve(&page.url, &page.location);
            if target.contains("code=") && !target.contains("/auth") {
                return target;
            }
            next = Request::get(&target);
            continue;
        }
        let action = form_action(&page.body).expect("a form on the provider's page");
        next = if page.body.contains("value=\"login\"") {
            Request::post(
                &resolve(&page.url, &action),
                &[("prompt", "login"), ("login", user), ("password", "any")],
            )
        } else {
            Request::post(&resolve(&page.url, &action), &[("prompt", "consent")])
        };
    }
    panic!("the provider never sent the browser back");
}

/// A GET of `url` with nothing else: what another program on the machine
/// could send to the listener.
pub async fn get(url: &str) -> Page {
    let fetched = fetch(&Request::get(url), &mut BTreeMap::new()).await;
    Page {
        status: fetched.status,
        body: fetched.body,
    }
}

struct Request {
    url: String,
    form: Option<String>,
}

impl Request {
    fn get(url: &str) -> Self {
        Self {
            url: url.to_owned(),
            form: None,
        }
    }

    fn post(url: &str, fields: &[(&str, &str)]) -> Self {
        let form = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        Self {
            url: url.to_owned(),
            form: Some(form),
        }
    }
}

struct Fetched {
    status: u16,
    url: String,
    location: String,
    body: String,
}

async fn fetch(request: &Request, cookies: &mut BTreeMap<String, String>) -> Fetched {
    let url = url::Url::parse(&request.url).expect("a URL");
    let host = url.host_str().expect("a host");
    let port = url.port_or_known_default().expect("a port");
    let tcp = tokio::net::TcpStream::connect((host, port))
        .await
        .unwrap_or_else(|e| panic!("{} cannot be reached: {e}", request.url));
    let mut stream = match url.scheme() {
        "http" => postel::net::stream::Stream::Plain(tcp),
        "https" => {
            let server = postel::account::Server {
                host: host.to_owned(),
                port,
                security: postel::account::Security::Tls,
                trusted_certificates: postel::net::tls::read_pem_file(
                    &crate::harness::servers().ca,
                )
                .expect("the test CA"),
                ..Default::default()
            };
            postel::net::tls::secure(tcp, &server)
                .await
                .unwrap_or_else(|e| panic!("{}: {e}", request.url))
        }
        other => panic!("the test browser does not speak {other}"),
    };
    let target = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    };
    let cookie_header: Vec<String> = cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let mut head = format!(
        "{} {target} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\nAccept: text/html\r\n",
        if request.form.is_some() {
            "POST"
        } else {
            "GET"
        }
    );
    if !cookie_header.is_empty() {
        head.push_str(&format!("Cookie: {}\r\n", cookie_header.join("; ")));
    }
    if let Some(form) = &request.form {
        head.push_str(&format!(
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{form}",
            form.len()
        ));
    } else {
        head.push_str("\r\n");
    }
    stream
        .write_all(head.as_bytes())
        .await
        .expect("request sent");
    let mut raw = Vec::new();
    if let Err(err) = stream.read_to_end(&mut raw).await {
        // A TLS server that closes without close_notify has still said
        // everything it meant to (Connection: close).
        assert_eq!(err.kind(), std::io::ErrorKind::UnexpectedEof, "{err}");
    }
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("an HTTP answer");
    let headers = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut body = raw[split + 4..].to_vec();
    let mut lines = headers.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.parse().ok())
        .expect("a status");
    let mut location = String::new();
    let mut chunked = false;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        match name.to_ascii_lowercase().as_str() {
            "location" => location = value.to_owned(),
            "transfer-encoding" => chunked = value.eq_ignore_ascii_case("chunked"),
            "set-cookie" => {
                let pair = value.split(';').next().unwrap_or_default();
                if let Some((k, v)) = pair.split_once('=') {
                    cookies.insert(k.trim().to_owned(), v.trim().to_owned());
                }
            }
            _ => {}
        }
    }
    if chunked {
        body = unchunk(&body);
    }
    Fetched {
        status,
        url: request.url.clone(),
        location,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

fn unchunk(mut raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = raw.windows(2).position(|w| w == b"\r\n") {
        let size = std::str::from_utf8(&raw[..end])
            .ok()
            .and_then(|s| usize::from_str_radix(s.split(';').next()?.trim(), 16).ok())
            .unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = end + 2;
        out.extend_from_slice(&raw[start..(start + size).min(raw.len())]);
        raw = raw.get(start + size + 2..).unwrap_or_default();
    }
    out
}

fn form_action(body: &str) -> Option<String> {
    let form = &body[body.find("<form")?..];
    let action = &form[form.find("action=\"")? + 8..];
    Some(action[..action.find('"')?].replace("&amp;", "&"))
}

fn resolve(base: &str, location: &str) -> String {
    url::Url::parse(base)
        .and_then(|b| b.join(location))
        .map(String::from)
        .unwrap_or_else(|_| location.to_owned())
}
