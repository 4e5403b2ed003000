//! TLS for every protocol: rustls with the system's roots, plus what the
//! user chose to trust for one server: PEM certificates (the server's own or
//! the CA that signed it) and pinned SHA-256 fingerprints. Nothing else is
//! ever accepted; there is no "ignore errors" switch.

use crate::explain::{Explain, Sentence};
use std::path::Path;
use std::sync::{Arc, Mutex, Once, OnceLock};

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use sha2::{Digest, Sha256};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use super::stream::Stream;
use crate::account::{Server, format_fingerprint, parse_fingerprint};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("The certificate file {path} could not be read: {reason}.")]
    CertificateFile { path: String, reason: String },
    #[error("The certificate file {path} holds no PEM certificate.")]
    NoCertificate { path: String },
    #[error("A trusted certificate in the account settings is unusable: {0}.")]
    BadTrusted(String),
    #[error("TLS could not be set up: {0}.")]
    Setup(String),
}

impl Explain for Error {
    fn sentence(&self) -> Sentence {
        match self {
            Error::CertificateFile { path, reason } => Sentence::new("error-certificate-file")
                .arg("path", path)
                .arg("reason", reason),
            Error::NoCertificate { path } => {
                Sentence::new("error-no-certificate").arg("path", path)
            }
            Error::BadTrusted(reason) => Sentence::new("error-bad-trusted").arg("reason", reason),
            Error::Setup(reason) => Sentence::new("error-tls-setup").arg("reason", reason),
        }
    }
}

/// Reads every certificate of a PEM file, as PEM text to keep in settings.
pub fn read_pem_file(path: &Path) -> Result<Vec<String>, Error> {
    let file_err = |reason: String| Error::CertificateFile {
        path: path.display().to_string(),
        reason,
    };
    let certs = CertificateDer::pem_file_iter(path)
        .map_err(|e| file_err(e.to_string()))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| file_err(e.to_string()))?;
    if certs.is_empty() {
        return Err(Error::NoCertificate {
            path: path.display().to_string(),
        });
    }
    Ok(certs.iter().map(|c| to_pem(c)).collect())
}

fn to_pem(cert: &CertificateDer<'_>) -> String {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(cert.as_ref());
    let mut out = String::from("-----BEGIN CERTIFICATE-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out.push_str("-----END CERTIFICATE-----\n");
    out
}

/// SHA-256 of a DER certificate, formatted for people.
pub fn fingerprint(der: &[u8]) -> String {
    format_fingerprint(&Sha256::digest(der))
}

/// What one connection attempt saw: the certificate the server presented,
/// so a refusal can show its fingerprint for the user to check and pin.
#[derive(Debug, Default, Clone)]
pub struct Seen(Arc<Mutex<Option<Vec<u8>>>>);

impl Seen {
    pub fn fingerprint(&self) -> Option<String> {
        let der = self.0.lock().ok()?.clone()?;
        Some(fingerprint(&der))
    }
}

/// The system's roots, read once per process: about 150 certificates, some
/// 60 ms of parsing that `preload` moves off the connection's path.
static SYSTEM_ROOTS: OnceLock<Arc<RootCertStore>> = OnceLock::new();

fn system_roots() -> Arc<RootCertStore> {
    SYSTEM_ROOTS
        .get_or_init(|| {
            let mut roots = RootCertStore::empty();
            // A broken system store must not lock out a user who trusts their own CA.
            let native = rustls_native_certs::load_native_certs();
            for err in &native.errors {
                tracing::warn!("system certificate store: {err}");
            }
            roots.add_parsable_certificates(native.certs);
            Arc::new(roots)
        })
        .clone()
}

/// Starts reading the system's roots on a thread of its own, so it overlaps
/// fetching the password, DNS, TCP and the first handshake round trip; the
/// certificate check waits for it only if it is not done by then.
pub fn preload() {
    static STARTED: Once = Once::new();
    STARTED.call_once(|| {
        let spawned = std::thread::Builder::new()
            .name("tls-roots".into())
            .spawn(|| drop(system_roots()));
        if let Err(err) = spawned {
            tracing::debug!("roots read on first use: {err}");
        }
    });
}

#[derive(Debug)]
struct Verifier {
    provider: Arc<CryptoProvider>,
    /// The user's own trusted certificates for this server, added to the
    /// system's roots when the first certificate is checked.
    trusted: Vec<CertificateDer<'static>>,
    webpki: OnceLock<Result<Arc<WebPkiServerVerifier>, String>>,
    pins: Vec<[u8; 32]>,
    seen: Seen,
}

impl Verifier {
    fn webpki(&self) -> Result<&Arc<WebPkiServerVerifier>, rustls::Error> {
        self.webpki
            .get_or_init(|| {
                let mut roots = RootCertStore::clone(&system_roots());
                for cert in &self.trusted {
                    roots.add(cert.clone()).map_err(|e| e.to_string())?;
                }
                WebPkiServerVerifier::builder_with_provider(Arc::new(roots), self.provider.clone())
                    .build()
                    .map_err(|e| e.to_string())
            })
            .as_ref()
            .map_err(|e| rustls::Error::General(e.clone()))
    }
}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if let Ok(mut seen) = self.seen.0.lock() {
            *seen = Some(end_entity.to_vec());
        }
        let digest: [u8; 32] = Sha256::digest(end_entity.as_ref()).into();
        // A pin is the user's explicit word for exactly this certificate.
        if self.pins.contains(&digest) {
            return Ok(ServerCertVerified::assertion());
        }
        self.webpki()?.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        )
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// The client configuration for one server, and the slot that records the
/// certificate it presents.
pub fn client_config(server: &Server) -> Result<(Arc<ClientConfig>, Seen), Error> {
    preload();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut trusted = Vec::new();
    for pem in &server.trusted_certificates {
        for cert in CertificateDer::pem_slice_iter(pem.as_bytes()) {
            let cert = cert.map_err(|e| Error::BadTrusted(e.to_string()))?;
            // Refused here, in the settings' words, rather than mid-handshake.
            RootCertStore::empty()
                .add(cert.clone())
                .map_err(|e| Error::BadTrusted(e.to_string()))?;
            trusted.push(cert);
        }
    }
    let pins: Vec<[u8; 32]> = server
        .pinned_sha256
        .iter()
        .filter_map(|p| parse_fingerprint(p))
        .collect();
    let seen = Seen::default();
    let verifier = Verifier {
        provider: provider.clone(),
        trusted,
        webpki: OnceLock::new(),
        pins,
        seen: seen.clone(),
    };
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Setup(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    Ok((Arc::new(config), seen))
}

/// Wraps a TCP stream in TLS for `server`, verifying its certificate.
pub async fn secure(tcp: TcpStream, server: &Server) -> Result<Stream, super::Error> {
    let host = server.host.clone();
    let (config, seen) = client_config(server)?;
    let name = ServerName::try_from(host.clone()).map_err(|_| super::Error::Tls {
        host: host.clone(),
        reason: "the host name is not valid for TLS".into(),
    })?;
    let handshake = TlsConnector::from(config).connect(name, tcp);
    let stream = super::step(server, crate::net::Step::SettingUpTls, async {
        handshake
            .await
            .map_err(|err| handshake_error(&host, &seen, err))
    })
    .await?;
    Ok(Stream::Tls(Box::new(stream)))
}

fn handshake_error(host: &str, seen: &Seen, err: std::io::Error) -> super::Error {
    let tls = err
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>());
    match (tls, seen.fingerprint()) {
        (Some(rustls::Error::InvalidCertificate(reason)), Some(fingerprint)) => {
            super::Error::CertificateUntrusted {
                host: host.to_owned(),
                fingerprint,
                reason: describe(reason),
            }
        }
        (Some(other), _) => super::Error::Tls {
            host: host.to_owned(),
            reason: super::without_links(&other.to_string()),
        },
        (None, _) => super::Error::Tls {
            host: host.to_owned(),
            reason: super::io_reason(&err),
        },
    }
}

fn describe(reason: &rustls::CertificateError) -> String {
    use rustls::CertificateError as C;
    match reason {
        C::UnknownIssuer => "it is not signed by an authority this system trusts".into(),
        C::Expired | C::ExpiredContext { .. } => "it has expired".into(),
        C::NotValidYet | C::NotValidYetContext { .. } => "it is not valid yet".into(),
        C::NotValidForName | C::NotValidForNameContext { .. } => {
            "it was issued for another host name".into()
        }
        C::Revoked => "it was revoked".into(),
        other => format!("{other:?}"),
    }
}
