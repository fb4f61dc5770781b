//! Signing an instance in with its provider: OAuth 2.0 authorization code, with PKCE
//! (S256) where the type supports it (docs/decisions.md, OAuth). The `oauth2` crate speaks the
//! protocol; the rules are ours: a single-use state bound to the user, tenant and
//! instance for 10 minutes, the verifier sealed at rest, tokens stored in the vault, and
//! no half-saved sign-ins. Every call to a token endpoint goes through the server's
//! [`Outbound`] (address guard, credentials only over HTTPS, limits); a refused address
//! fails like an unreachable one, so the answers say nothing about what listens inside.
//!
//! [`start`] begins a sign-in, [`callback`] finishes it, [`client`] builds the `oauth2`
//! client for an instance, and [`refresh`] keeps its tokens fresh.

use std::sync::Arc;

use oauth2::TokenResponse;
use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use super::connectors::{ConnectorService, PlatformClients};
use crate::outbound::Outbound;
use crate::store::Store;
use crate::vault::Vault;

mod callback;
mod client;
mod refresh;
mod start;

pub use refresh::spawn_refresher;

/// How long a started sign-in stays valid.
pub const STATE_LIFETIME: time::Duration = time::Duration::minutes(10);

/// The background task refreshes tokens that expire within this.
pub const REFRESH_AHEAD: time::Duration = time::Duration::minutes(5);
/// Refresh before a use when the access token expires within this.
pub const REFRESH_MARGIN: time::Duration = time::Duration::seconds(60);

/// What the provider sent to `/oauth/callback`.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct CallbackParams {
    pub state: Option<String>,
    pub code: Option<String>,
    pub error: Option<String>,
}

pub struct OAuthService {
    store: Arc<dyn Store>,
    vault: Arc<Vault>,
    connectors: Arc<ConnectorService>,
    clients: PlatformClients,
    redirect_uri: String,
    public_url: url::Url,
    outbound: Arc<Outbound>,
}

impl OAuthService {
    pub fn new(
        store: Arc<dyn Store>,
        vault: Arc<Vault>,
        connectors: Arc<ConnectorService>,
        clients: PlatformClients,
        public_url: &url::Url,
        outbound: Arc<Outbound>,
    ) -> Self {
        let redirect_uri = public_url
            .join("oauth/callback")
            .map(String::from)
            .unwrap_or_else(|_| format!("{public_url}oauth/callback"));
        OAuthService {
            store,
            vault,
            connectors,
            clients,
            redirect_uri,
            public_url: public_url.clone(),
            outbound,
        }
    }

    /// The exact redirect URI to register with a provider.
    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }
}

/// The credential fields a token response gives, and when the access token expires. A
/// response without a refresh token keeps `previous_refresh` (providers that do not
/// rotate send none).
fn token_fields(
    token: &oauth2::basic::BasicTokenResponse,
    now: OffsetDateTime,
    previous_refresh: Option<&str>,
) -> (Map<String, Value>, Option<OffsetDateTime>) {
    let expires_at = token
        .expires_in()
        .and_then(|lifetime| time::Duration::try_from(lifetime).ok())
        .map(|lifetime| now + lifetime);
    let mut fields = Map::new();
    fields.insert("access_token".into(), json!(token.access_token().secret()));
    let refresh = token
        .refresh_token()
        .map(|refresh| refresh.secret().as_str())
        .or(previous_refresh);
    if let Some(refresh) = refresh {
        fields.insert("refresh_token".into(), json!(refresh));
    }
    fields.insert("token_type".into(), json!(token.token_type().as_ref()));
    if let Some(scopes) = token.scopes() {
        let scopes: Vec<&str> = scopes.iter().map(|scope| scope.as_str()).collect();
        fields.insert("scope".into(), json!(scopes.join(" ")));
    }
    if let Some(at) = expires_at {
        fields.insert("expires_at".into(), json!(crate::store::rfc3339(at)));
    }
    (fields, expires_at)
}
