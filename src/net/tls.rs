//! TLS for every protocol: rustls with the system's roots, plus certificates
//! the user chose to trust (a PEM file with the server's own certificate or
//! the CA that signed it).

use std::path::Path;
use std::sync::Arc;

use rustls::ClientConfig;
use rustls::RootCertStore;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the certificate file {path} could not be read: {reason}")]
    CertificateFile { path: String, reason: String },
    #[error("the certificate file {path} holds no PEM certificate")]
    NoCertificate { path: String },
    #[error("\"{0}\" is not a valid server name for TLS")]
    ServerName(String),
    #[error("TLS setup failed: {0}")]
    Setup(String),
    #[error("the secure connection could not be established: {0}")]
    Handshake(#[source] std::io::Error),
}

/// Trust anchors for one server: the system's roots and any extra ones.
#[derive(Debug, Clone, Default)]
pub struct Trust {
    extra: Vec<CertificateDer<'static>>,
}

impl Trust {
    /// The system's roots only.
    pub fn system() -> Self {
        Self::default()
    }

    /// The system's roots plus every certificate in a PEM file.
    pub fn with_pem_file(path: &Path) -> Result<Self, Error> {
        let mut trust = Self::default();
        trust.add_pem_file(path)?;
        Ok(trust)
    }

    pub fn add_pem_file(&mut self, path: &Path) -> Result<(), Error> {
        let certs = CertificateDer::pem_file_iter(path)
            .map_err(|err| Error::CertificateFile {
                path: path.display().to_string(),
                reason: err.to_string(),
            })?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|err| Error::CertificateFile {
                path: path.display().to_string(),
                reason: err.to_string(),
            })?;
        if certs.is_empty() {
            return Err(Error::NoCertificate {
                path: path.display().to_string(),
            });
        }
        self.extra.extend(certs);
        Ok(())
    }

    pub fn client_config(&self) -> Result<Arc<ClientConfig>, Error> {
        let mut roots = RootCertStore::empty();
        // A broken system store must not stop a user who pinned their own CA.
        let native = rustls_native_certs::load_native_certs();
        for err in &native.errors {
            tracing::warn!("system certificate store: {err}");
        }
        roots.add_parsable_certificates(native.certs);
        for cert in &self.extra {
            roots
                .add(cert.clone())
                .map_err(|err| Error::Setup(format!("a trusted certificate is unusable: {err}")))?;
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|err| Error::Setup(err.to_string()))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(Arc::new(config))
    }
}

/// Wraps an established stream in TLS, verifying the certificate for `host`.
pub async fn connect<S>(stream: S, host: &str, trust: &Trust) -> Result<TlsStream<S>, Error>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let name =
        ServerName::try_from(host.to_owned()).map_err(|_| Error::ServerName(host.to_owned()))?;
    let connector = TlsConnector::from(trust.client_config()?);
    connector
        .connect(name, stream)
        .await
        .map_err(Error::Handshake)
}
