//! The one way out of the server. Every request to another system — connection tests,
//! the OAuth code exchange and token refresh, anything added later — goes through an
//! [`Outbound`], so every one of them gets the same rules:
//!
//! - **Address guard** ([`guard`]): private, loopback, link-local and reserved addresses
//!   are refused, checked in the HTTP client's resolver (the address checked is the
//!   address connected to) and, for IP literals, which that resolver never sees, before
//!   the request. `CONNECTORS_ALLOW_PRIVATE_TARGETS` lifts it (tests, local setups).
//! - **Credentials only over HTTPS**: a request that carries credentials (an
//!   `Authorization`, `Cookie` or API-key header, a client secret, a token, a probe with
//!   credential templates) to a plain `http://` address is refused before anything is
//!   sent, with a message that says to use the https address. Private targets allowed
//!   lift this too: local stand-ins serve plain HTTP on loopback. The rule is enforced
//!   here and not in the connector schemas (which accept `http://` for those stand-ins,
//!   and whose URLs carry no credentials by themselves): whether credentials go to a URL
//!   depends on the auth method and on this setting, both known only when sending.
//! - **Limits**: 3 s to connect, 15 s per request, at most [`BODY_CAP`] bytes read,
//!   redirects followed only to the same host, at most 5, never from https to http while
//!   the guard is on; no proxy from the environment.
//! - **Nothing about the inside**: a refused address fails before any connection, so it
//!   looks like an unreachable one to whoever configured it; [`Refusal`] messages name the
//!   host as configured and the rule, never what is or is not listening there. With the
//!   guard on, a name that resolves only to refused addresses fails exactly like a name
//!   that does not resolve ([`Refusal::NoPublicAddress`]), so that connection tests do not
//!   list which internal names exist.
//!
//! `tests/integration/outbound.rs` fails if code outside this module makes an HTTP client, a
//! connection or a name lookup of its own.

pub mod guard;
mod oauth_http;
pub mod redact;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{AUTHORIZATION, COOKIE, HeaderMap, PROXY_AUTHORIZATION};
use tokio::net::TcpStream;
use url::{Host, Url};

use self::guard::{GuardedResolver, is_denied};
pub use self::redact::Redactor;

/// How long a connection may take to open.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// How long a whole request may take (callers may set shorter budgets of their own).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);
/// How much of a response body is read at most.
pub const BODY_CAP: usize = 64 * 1024;
/// Redirects followed at most (same host only).
const MAX_REDIRECTS: usize = 5;
/// Request headers that carry credentials whatever the caller says.
const CREDENTIAL_HEADERS: [&str; 3] = ["x-api-key", "api-key", "private-token"];

/// Whether a request carries credentials (and so must use HTTPS).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Carries {
    Credentials,
    Nothing,
}

/// Why a request was not sent. The messages are for the people who configured the
/// address: they say which rule and what to change, never what answers there, and name
/// no server setting (a person setting up a connector cannot change one; the operator's
/// switch, `CONNECTORS_ALLOW_PRIVATE_TARGETS`, is in the README).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error(
        "{host} is a private or reserved address, which this server does not connect to. Use the service's public address; private addresses are reached only where whoever runs this server allows them."
    )]
    PrivateAddress { host: String },
    /// A host name with no address the guard allows: it does not resolve, or resolves
    /// only to refused addresses. One sentence for both, so that whoever configures a
    /// connector cannot tell which internal names exist.
    #[error(
        "{host} does not resolve to a public address this server may reach. Check the address; private addresses are reached only where whoever runs this server allows them."
    )]
    NoPublicAddress { host: String },
    #[error(
        "Credentials are sent only over HTTPS, and the address for {host} is plain http://. Change it to the service's https:// address (plain HTTP is allowed only for local development, where whoever runs this server allows it)."
    )]
    PlainHttp { host: String },
    #[error("The address has no host name. Check the URL in the configuration.")]
    NoHost,
}

/// How a request through [`Outbound`] failed.
#[derive(Debug, thiserror::Error)]
pub enum OutboundError {
    #[error(transparent)]
    Refused(#[from] Refusal),
    #[error("the request failed")]
    Transport(#[from] reqwest::Error),
    #[error("the response is larger than {BODY_CAP} bytes")]
    TooLarge,
    #[error("the HTTP client is not available")]
    NoClient,
    #[error("the response could not be read")]
    Malformed,
}

/// Why a host gave no address to connect to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unresolved {
    /// The name does not resolve. Only with private targets allowed: with the guard on,
    /// this is [`Unresolved::NotPublic`].
    NotFound,
    /// With the guard on, a name that does not resolve or resolves only to refused
    /// addresses: one answer for both, or the difference would tell which internal
    /// names exist.
    NotPublic,
    /// An IP literal the guard refuses. Saying so reveals nothing: the address is what
    /// was configured.
    RefusedLiteral,
}

/// The server's outbound HTTP: one connection pool, one set of rules. Share one per
/// server (`AppState` holds it).
pub struct Outbound {
    /// `None` only if the TLS backend could not start; every request then fails, rather
    /// than going out through a client without the guard.
    client: Option<reqwest::Client>,
    /// The same client without following redirects, for callers that show each hop
    /// (connection tests) and follow them with [`Outbound::may_redirect`].
    single_hop: Option<reqwest::Client>,
    allow_private: bool,
}

impl Outbound {
    pub fn new(allow_private: bool) -> Self {
        let build = |redirects: reqwest::redirect::Policy| {
            let built = reqwest::Client::builder()
                .dns_resolver(Arc::new(GuardedResolver { allow_private }))
                .redirect(redirects)
                .connect_timeout(CONNECT_TIMEOUT)
                .timeout(REQUEST_TIMEOUT)
                .no_proxy()
                .user_agent(concat!("ConnectorHub/", env!("CARGO_PKG_VERSION")))
                .build();
            match built {
                Ok(client) => Some(client),
                Err(error) => {
                    tracing::error!(%error, "cannot build the outbound HTTP client; outbound requests will fail");
                    None
                }
            }
        };
        Outbound {
            client: build(redirect_policy(allow_private)),
            single_hop: build(reqwest::redirect::Policy::none()),
            allow_private,
        }
    }

    /// Whether a redirect from the last of `previous` (the addresses asked so far, the
    /// first one first) to `next` may be followed: the rule [`Outbound::execute`]
    /// follows by itself, for callers that follow hop by hop.
    pub fn may_redirect(&self, previous: &[Url], next: &Url) -> bool {
        may_follow(self.allow_private, previous, next)
    }

    /// Whether private targets (and plain HTTP with credentials to them) are allowed.
    pub fn allows_private(&self) -> bool {
        self.allow_private
    }

    /// The checks that need no network, made before anything is sent: a host, not an
    /// IP literal the guard refuses, and HTTPS when the request carries credentials.
    pub fn check(&self, url: &Url, carries: Carries) -> Result<(), Refusal> {
        let host = url.host().ok_or(Refusal::NoHost)?;
        if self.allow_private {
            return Ok(());
        }
        let literal: Option<IpAddr> = match host {
            Host::Ipv4(ip) => Some(ip.into()),
            Host::Ipv6(ip) => Some(ip.into()),
            Host::Domain(_) => None,
        };
        if literal.is_some_and(is_denied) {
            return Err(Refusal::PrivateAddress {
                host: host.to_string(),
            });
        }
        if carries == Carries::Credentials && url.scheme() != "https" {
            return Err(Refusal::PlainHttp {
                host: host.to_string(),
            });
        }
        Ok(())
    }

    /// The addresses of `host` this server may connect to.
    pub async fn resolve(&self, host: &str, port: u16) -> Result<Vec<IpAddr>, Unresolved> {
        if let Ok(ip) = host.parse::<IpAddr>() {
            if !self.allow_private && is_denied(ip) {
                return Err(Unresolved::RefusedLiteral);
            }
            return Ok(vec![ip]);
        }
        let not_found = if self.allow_private {
            Unresolved::NotFound
        } else {
            Unresolved::NotPublic
        };
        let allowed: Vec<IpAddr> = tokio::net::lookup_host((host, port))
            .await
            .map_err(|_| not_found)?
            .map(|address| address.ip())
            .filter(|ip| self.allow_private || !is_denied(*ip))
            .collect();
        if allowed.is_empty() {
            return Err(not_found);
        }
        Ok(allowed)
    }

    /// A TCP connection to `address` (for steps the HTTP client folds into its request,
    /// like a probe's own TLS handshake), refused like any request to a refused address.
    pub async fn connect(&self, address: SocketAddr) -> std::io::Result<TcpStream> {
        if !self.allow_private && is_denied(address.ip()) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                Refusal::PrivateAddress {
                    host: address.ip().to_string(),
                },
            ));
        }
        match tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(address)).await {
            Ok(connected) => connected,
            Err(_) => Err(std::io::ErrorKind::TimedOut.into()),
        }
    }

    /// Sends `request` under the rules above. It carries credentials when the caller
    /// says so or when it has an `Authorization`, `Cookie` or API-key header.
    pub async fn execute(
        &self,
        request: reqwest::Request,
        carries: Carries,
    ) -> Result<reqwest::Response, OutboundError> {
        self.send(self.client.as_ref(), request, carries).await
    }

    /// Like [`Outbound::execute`], but a redirect is returned as the answer, not
    /// followed: the caller shows it and follows it (or not) by [`Outbound::may_redirect`].
    pub async fn execute_single_hop(
        &self,
        request: reqwest::Request,
        carries: Carries,
    ) -> Result<reqwest::Response, OutboundError> {
        self.send(self.single_hop.as_ref(), request, carries).await
    }

    async fn send(
        &self,
        client: Option<&reqwest::Client>,
        request: reqwest::Request,
        carries: Carries,
    ) -> Result<reqwest::Response, OutboundError> {
        let carries = if has_credential_headers(request.headers()) {
            Carries::Credentials
        } else {
            carries
        };
        self.check(request.url(), carries)?;
        let client = client.ok_or(OutboundError::NoClient)?;
        Ok(client.execute(request).await?)
    }
}

fn has_credential_headers(headers: &HeaderMap) -> bool {
    headers.contains_key(AUTHORIZATION)
        || headers.contains_key(PROXY_AUTHORIZATION)
        || headers.contains_key(COOKIE)
        || CREDENTIAL_HEADERS
            .iter()
            .any(|name| headers.contains_key(*name))
}

/// Reads at most [`BODY_CAP`] bytes of `response`; says whether there was more.
pub async fn read_capped(mut response: reqwest::Response) -> (Vec<u8>, bool) {
    let mut bytes: Vec<u8> = Vec::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        let room = BODY_CAP - bytes.len();
        if chunk.len() > room {
            bytes.extend_from_slice(&chunk[..room]);
            return (bytes, true);
        }
        bytes.extend_from_slice(&chunk);
    }
    (bytes, false)
}

fn redirect_policy(allow_private: bool) -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(move |attempt| {
        if may_follow(allow_private, attempt.previous(), attempt.url()) {
            attempt.follow()
        } else {
            attempt.stop()
        }
    })
}

/// The redirect rule: same host only, at most [`MAX_REDIRECTS`]; with the guard on,
/// never to plain http after https, and never to a refused IP literal (the resolver
/// does not see those).
fn may_follow(allow_private: bool, previous: &[Url], next: &Url) -> bool {
    let same_host = previous.first().and_then(Url::host_str) == next.host_str();
    let downgrade =
        previous.last().is_some_and(|url| url.scheme() == "https") && next.scheme() != "https";
    let refused_literal = match next.host() {
        Some(Host::Ipv4(ip)) => is_denied(ip.into()),
        Some(Host::Ipv6(ip)) => is_denied(ip.into()),
        _ => false,
    };
    previous.len() <= MAX_REDIRECTS
        && same_host
        && (allow_private || !(downgrade || refused_literal))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap_or_else(|_| panic!("{text}"))
    }

    #[test]
    fn refusals_name_no_server_setting() {
        let host = "10.0.0.7".to_owned();
        for refusal in [
            Refusal::PrivateAddress { host: host.clone() },
            Refusal::NoPublicAddress { host: host.clone() },
            Refusal::PlainHttp { host },
            Refusal::NoHost,
        ] {
            let said = refusal.to_string();
            assert!(!said.contains("CONNECTORS_"), "{said}");
            assert!(!said.contains("administrator"), "{said}");
        }
    }

    #[test]
    fn credentials_need_https_and_a_public_address_unless_private_targets_are_allowed() {
        let guarded = Outbound::new(false);
        let public_http = url("http://93.184.216.34/token");
        assert_eq!(
            guarded.check(&public_http, Carries::Credentials),
            Err(Refusal::PlainHttp {
                host: "93.184.216.34".into()
            })
        );
        assert_eq!(guarded.check(&public_http, Carries::Nothing), Ok(()));
        assert_eq!(
            guarded.check(&url("https://api.example.com/x"), Carries::Credentials),
            Ok(())
        );
        for private in [
            "https://127.0.0.1:9/x",
            "https://[::1]/x",
            "http://10.1.2.3/",
        ] {
            assert!(
                matches!(
                    guarded.check(&url(private), Carries::Nothing),
                    Err(Refusal::PrivateAddress { .. })
                ),
                "{private}"
            );
        }
        let open = Outbound::new(true);
        assert_eq!(
            open.check(&url("http://127.0.0.1:9/x"), Carries::Credentials),
            Ok(())
        );
        let message = Refusal::PlainHttp { host: "h".into() }.to_string();
        assert!(message.contains("https://"), "{message}");
    }

    #[tokio::test]
    async fn headers_with_credentials_count_as_credentials() {
        let guarded = Outbound::new(false);
        let mut request = reqwest::Request::new(reqwest::Method::GET, url("http://93.184.216.34/"));
        request.headers_mut().insert(
            AUTHORIZATION,
            reqwest::header::HeaderValue::from_static("Bearer x"),
        );
        let refused = guarded.execute(request, Carries::Nothing).await;
        assert!(
            matches!(
                refused,
                Err(OutboundError::Refused(Refusal::PlainHttp { .. }))
            ),
            "{refused:?}"
        );
    }
}
