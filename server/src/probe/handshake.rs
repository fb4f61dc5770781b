//! The connect and TLS steps of a probe. The HTTP client folds both into its request, so
//! they are taken first on a connection of their own, to an address the resolve step
//! checked, through [`Outbound::connect`] (which checks it again): a failure then names
//! its phase (refused, certificate expired, wrong name), and a success shows where the
//! time went. The request's client connects again, through the guarded resolver.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Instant;

use app::model::probe::ErrorClass;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::pki_types::ServerName;
use tokio_rustls::rustls::{self, CertificateError, ClientConfig, RootCertStore};

use super::record::Recorder;
use crate::outbound::{CONNECT_TIMEOUT, Outbound};

/// What the handshake trusts: the web PKI roots, as the request's client does.
pub(super) fn tls_config() -> Option<Arc<ClientConfig>> {
    let roots = RootCertStore::from_iter(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .ok()?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Some(Arc::new(config))
}

/// Connects to the first of `addresses` that answers and, for https, completes a TLS
/// handshake for the URL's host, recording a step for each. False, with the failure
/// recorded, when either fails.
pub(super) async fn connect_and_handshake(
    outbound: &Outbound,
    url: &reqwest::Url,
    host: &str,
    addresses: &[IpAddr],
    tls: Option<&Arc<ClientConfig>>,
    recorder: &mut Recorder,
) -> bool {
    let port = url.port_or_known_default().unwrap_or(443);
    let started = Instant::now();
    let mut failures = Vec::new();
    let mut connected = None;
    for ip in addresses {
        let address = SocketAddr::new(*ip, port);
        match outbound.connect(address).await {
            Ok(stream) => {
                connected = Some((stream, address));
                break;
            }
            Err(error) if error.kind() == std::io::ErrorKind::TimedOut => {
                failures.push(format!("{address}: no answer within 3 seconds"));
            }
            Err(error) => failures.push(format!("{address}: {error}")),
        }
    }
    let Some((stream, address)) = connected else {
        recorder.step("connect", false, started, Some(failures.join("; ")));
        recorder.fail(
            ErrorClass::Connect,
            format!(
                "Could not connect to {host} on port {port}. Check the address and port, and that the service accepts connections from this server."
            ),
        );
        return false;
    };
    recorder.step("connect", true, started, Some(address.to_string()));
    let (true, Some(config)) = (url.scheme() == "https", tls) else {
        return true;
    };

    let started = Instant::now();
    let Ok(name) = ServerName::try_from(host.to_owned()) else {
        recorder.step(
            "tls",
            false,
            started,
            Some(format!("{host} is not a TLS server name")),
        );
        recorder.fail(
            ErrorClass::Tls,
            format!("{host} cannot be used as a TLS server name."),
        );
        return false;
    };
    let handshake = TlsConnector::from(config.clone()).connect(name, stream);
    match tokio::time::timeout(CONNECT_TIMEOUT, handshake).await {
        Ok(Ok(session)) => {
            let version = session
                .get_ref()
                .1
                .protocol_version()
                .and_then(|version| version.as_str())
                .map(str::to_owned);
            recorder.step("tls", true, started, version);
            true
        }
        Ok(Err(error)) => {
            recorder.step("tls", false, started, Some(error.to_string()));
            recorder.fail(
                ErrorClass::Tls,
                format!(
                    "The TLS handshake with {host} failed: {}.",
                    tls_reason(&error)
                ),
            );
            false
        }
        Err(_) => {
            recorder.step(
                "tls",
                false,
                started,
                Some("no handshake within 3 seconds".into()),
            );
            recorder.fail(
                ErrorClass::Timeout,
                format!("{host} accepted the connection but did not complete a TLS handshake within 3 seconds. Check that the port serves HTTPS."),
            );
            false
        }
    }
}

const UNTRUSTED_ISSUER: &str = "its certificate is not signed by a trusted authority (self-signed, or from a private CA); use a certificate from a public authority";

/// Why a handshake failed, with the likely fix, for people.
fn tls_reason(error: &std::io::Error) -> &'static str {
    let cause = error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>());
    match cause {
        Some(rustls::Error::InvalidCertificate(certificate)) => match certificate {
            CertificateError::UnknownIssuer => UNTRUSTED_ISSUER,
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                "its certificate has expired; renew it"
            }
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                "its certificate is not valid yet; check the server's clock"
            }
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                "its certificate is for another name; use the address the certificate names"
            }
            // `openssl req -x509`, the most common way to make a self-signed certificate,
            // marks it a CA (`CA:TRUE`); webpki refuses a CA as the server's own
            // certificate before it looks for an issuer. rustls passes that on only as
            // `Other`, named by webpki's error.
            CertificateError::Other(other)
                if format!("{other:?}").contains("CaUsedAsEndEntity") =>
            {
                UNTRUSTED_ISSUER
            }
            _ => "its certificate was refused",
        },
        Some(rustls::Error::AlertReceived(_) | rustls::Error::PeerIncompatible(_)) => {
            "the server and this client share no TLS version or cipher suite"
        }
        _ => "the certificate or protocol was refused (is this port serving HTTPS?)",
    }
}
