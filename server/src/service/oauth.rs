//! Signing an instance in with its provider: OAuth 2.0 authorization code, with PKCE
//! (S256) where the type supports it (DESIGN.md §7). The `oauth2` crate speaks the
//! protocol; the rules are ours: a single-use state bound to the user, tenant and
//! instance for 10 minutes, the verifier sealed at rest, tokens stored in the vault, and
//! no half-saved sign-ins. Every call to a token endpoint goes through the server's
//! [`Outbound`] (address guard, credentials only over HTTPS, limits); a refused address
//! fails like an unreachable one, so the answers say nothing about what listens inside.

use std::sync::Arc;
use std::time::Duration;

use app::error::AppError;
use app::model::connector::{
    ConnectorStatus, OAuthFailure, OAuthRedirectSetup, OAuthReturnTo, OAuthStart,
};
use app::model::identity::Principal;
use app::model::{AuthType, OAuthSettings};
use app::ports::OAuthPort;
use async_trait::async_trait;
// The app registered with the provider (endpoints and client credentials): a description,
// not an HTTP client; requests go through `Outbound`. Named so, too, for the scan in
// tests/outbound.rs.
use oauth2::basic::BasicClient as OAuthApp;
use oauth2::{
    AuthType as ClientAuth, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RefreshToken, RequestTokenError, Scope,
    TokenResponse, TokenUrl,
};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use uuid::Uuid;

use super::connectors::{ConnectorService, OAuthTarget, PlatformClients, Secrets};
use super::refresh_problem::RefreshProblem;
use crate::auth::tokens;
use crate::outbound::{Carries, Outbound};
use crate::store::{OAuthReturn, OAuthStateRecord, Store};
use crate::vault::{Binding, Vault};

/// How long a started sign-in stays valid.
pub const STATE_LIFETIME: time::Duration = time::Duration::minutes(10);

/// The background task refreshes tokens that expire within this.
pub const REFRESH_AHEAD: time::Duration = time::Duration::minutes(5);
/// Refresh before a use when the access token expires within this.
pub const REFRESH_MARGIN: time::Duration = time::Duration::seconds(60);
/// Attempts at the token endpoint for one refresh, and the first pause between them.
const REFRESH_ATTEMPTS: u32 = 3;
/// How long one refresh may take with its retries: a use (a connection test has 5
/// seconds of its own) waits for it while holding the credential's lock.
const REFRESH_BUDGET: Duration = Duration::from_secs(10);
const REFRESH_RETRY_START: Duration = Duration::from_millis(200);

/// Refreshes tokens that expire within `ahead`, every `every`, for as long as the server
/// runs.
pub fn spawn_refresher(oauth: Arc<OAuthService>, every: Duration, ahead: time::Duration) {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            let refreshed = oauth.refresh_expiring(ahead).await;
            if refreshed > 0 {
                tracing::info!(refreshed, "refreshed OAuth tokens ahead of expiry");
            }
        }
    });
}

/// OAuth error codes that mean the sign-in itself is refused (a person must sign in
/// again), the standard ones and those some providers use instead (GitHub's
/// `bad_refresh_token`, Slack's `invalid_refresh_token`).
const REFUSALS: [&str; 6] = [
    "invalid_grant",
    "invalid_client",
    "unauthorized_client",
    "unauthorized",
    "bad_refresh_token",
    "invalid_refresh_token",
];

/// The refusal in a token endpoint's answer that the `oauth2` crate could not read as
/// a token or a standard error: a JSON document whose `error` is one of [`REFUSALS`] (some
/// providers answer 200 with it). Only the `error` field counts: an outage page that
/// happens to say "unauthorized" is an outage.
fn refusal_in(body: &[u8]) -> Option<&'static str> {
    let json: Value = serde_json::from_slice(body).ok()?;
    let code = json.get("error")?.as_str()?;
    REFUSALS.into_iter().find(|refusal| *refusal == code)
}

/// An OAuth error code as it may be quoted to people and logged: a short word of the
/// RFC 6749 kind. Anything else is the provider's free text, which may echo what was
/// sent (the refresh token, the client secret), so it is not repeated.
fn quotable_code(code: &str) -> &str {
    let plain = code.len() <= 40
        && code
            .bytes()
            .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'_');
    if plain && !code.is_empty() {
        code
    } else {
        "(not a standard code)"
    }
}

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

/// An `oauth2` client with its authorization and token endpoints set.
type Client = OAuthApp<
    oauth2::EndpointSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointSet,
>;

/// The client the flow uses: the platform's for the type, else the instance's own.
struct ClientCredentials {
    id: String,
    secret: Option<SecretString>,
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

    fn settings(target: &OAuthTarget) -> Result<OAuthSettings, AppError> {
        let not_oauth =
            || AppError::Conflict("This connector type does not sign in with OAuth.".into());
        if target.entry.auth_type != AuthType::Oauth2 {
            return Err(not_oauth());
        }
        let chosen = target
            .secrets
            .as_ref()
            .and_then(|secrets| secrets.get(app::model::METHOD_FIELD))
            .and_then(Value::as_str);
        if !target.entry.signs_in_with_oauth(chosen) {
            return Err(AppError::Conflict(
                "This connector signs in with another method; choose “oauth2” first.".into(),
            ));
        }
        let mut settings = target.entry.oauth.clone().ok_or_else(not_oauth)?;
        settings.authorize_url = render(&settings.authorize_url, &target.record.config);
        settings.token_url = render(&settings.token_url, &target.record.config);
        settings.scopes = settings.scopes_for(&target.record.config);
        Ok(settings)
    }

    fn credentials(&self, target: &OAuthTarget) -> Result<ClientCredentials, AppError> {
        let own = |field: &str| {
            target
                .secrets
                .as_ref()
                .and_then(|secrets| secrets.get(field))
                .and_then(Value::as_str)
                .filter(|value| !value.is_empty())
                .map(str::to_owned)
        };
        if let Some(id) = own("client_id") {
            return Ok(ClientCredentials {
                id,
                secret: own("client_secret").map(SecretString::from),
            });
        }
        match self.clients.get(&target.entry.key) {
            Some(_) if !uses_the_types_own_endpoints(target) => Err(AppError::Conflict(format!(
                "This connector signs in at another address than {}'s usual one, so the \
                 platform's OAuth app cannot be used for it: enter your own app's client ID \
                 (and secret) in the authentication step.",
                target.entry.name
            ))),
            Some((id, secret)) => Ok(ClientCredentials {
                id: id.clone(),
                secret: secret.clone(),
            }),
            // Said to the person at the form, who cannot set the server's environment
            // (the README names the variables for administrators).
            None => Err(AppError::Conflict(format!(
                "{} has no platform app here: enter your own app's client ID (and secret) \
                 in the authentication step, or ask your administrator to set one up.",
                target.entry.name
            ))),
        }
    }

    /// Whether the token endpoint may be sent credentials at all, judged from its URL
    /// alone (plain http, a refused IP literal), so that the refusal comes with what to
    /// change before anyone is sent to the provider. Names that resolve to refused
    /// addresses are refused when connecting, like unreachable ones.
    fn check_token_url(&self, settings: &OAuthSettings) -> Result<(), String> {
        let url = url::Url::parse(&settings.token_url)
            .map_err(|_| "The provider's token URL is not a valid URL; check the configuration.")?;
        self.outbound
            .check(&url, Carries::Credentials)
            .map_err(|refusal| format!("The provider's token URL cannot be used. {refusal}"))
    }

    /// Whether people may be sent to the authorization endpoint: an `https://` address
    /// (plain `http://` only where private targets are allowed, for local stand-ins). The
    /// browser is sent there as it is, so anything else (`javascript:`, `data:`) would be
    /// script run on this site; drafts keep configuration unvalidated, so this is checked
    /// here, where the address is used.
    fn check_authorize_url(&self, settings: &OAuthSettings) -> Result<(), String> {
        let refused = || {
            "The provider's authorization URL must be an https:// address; check the configuration."
                .to_owned()
        };
        let url = url::Url::parse(&settings.authorize_url).map_err(|_| refused())?;
        let allowed = match url.scheme() {
            "https" => true,
            "http" => self.outbound.allows_private(),
            _ => false,
        };
        if allowed && url.host().is_some() {
            Ok(())
        } else {
            Err(refused())
        }
    }

    /// The instance's provider settings and an `oauth2` client for them: the endpoints
    /// (templates rendered), the client credentials and how they are sent.
    fn client_for(&self, target: &OAuthTarget) -> Result<(OAuthSettings, Client), AppError> {
        let settings = Self::settings(target)?;
        let credentials = self.credentials(target)?;
        let client_auth = client_auth(&target.record.config);
        let invalid = |what: &str| {
            AppError::Conflict(format!(
                "The provider's {what} is not a valid URL; check the configuration."
            ))
        };
        let mut client = OAuthApp::new(ClientId::new(credentials.id.clone()))
            .set_auth_uri(
                AuthUrl::new(settings.authorize_url.clone())
                    .map_err(|_| invalid("authorization URL"))?,
            )
            .set_token_uri(
                TokenUrl::new(settings.token_url.clone()).map_err(|_| invalid("token URL"))?,
            )
            .set_redirect_uri(
                RedirectUrl::new(self.redirect_uri.clone()).map_err(|_| AppError::Internal)?,
            )
            .set_auth_type(client_auth);
        if let Some(secret) = &credentials.secret {
            client = client.set_client_secret(ClientSecret::new(secret.expose_secret().to_owned()));
        }
        Ok((settings, client))
    }

    /// The instance's credentials for a use (a connection test, a publish), with the
    /// access token refreshed first when it expires within a minute. Checks and audits the
    /// use like [`ConnectorService::credentials_for_use`].
    pub async fn credentials_for_use(
        &self,
        who: &Principal,
        id: Uuid,
        purpose: &str,
    ) -> Result<Secrets, AppError> {
        self.credentials_or_problem(who, id, purpose)
            .await?
            .map_err(RefreshProblem::into_app_error)
    }

    /// Like [`Self::credentials_for_use`], but a refresh that failed is returned as what
    /// happened, for a connection test to record as its result.
    pub async fn credentials_or_problem(
        &self,
        who: &Principal,
        id: Uuid,
        purpose: &str,
    ) -> Result<Result<Secrets, RefreshProblem>, AppError> {
        let secrets = self
            .connectors
            .credentials_for_use(who, id, purpose)
            .await?;
        self.fresh(who.tenant_id, id, secrets).await
    }

    /// What a scheduled use (the health checker) works with: the instance, its type and
    /// its credentials, refreshed first like [`Self::credentials_for_use`] (see
    /// [`ConnectorService::system_use`]), or why the refresh failed.
    pub async fn system_use(
        &self,
        tenant_id: Uuid,
        id: Uuid,
        purpose: &str,
    ) -> Result<(OAuthTarget, Option<RefreshProblem>), AppError> {
        let mut target = self.connectors.system_use(tenant_id, id, purpose).await?;
        let mut problem = None;
        if let Some(secrets) = target.secrets.take() {
            match self.fresh(tenant_id, id, secrets).await? {
                Ok(fresh) => target.secrets = Some(fresh),
                Err(failed) => problem = Some(failed),
            }
        }
        Ok((target, problem))
    }

    /// `secrets`, or the refreshed credentials when its access token expires within a
    /// minute.
    async fn fresh(
        &self,
        tenant_id: Uuid,
        id: Uuid,
        secrets: Secrets,
    ) -> Result<Result<Secrets, RefreshProblem>, AppError> {
        if !expires_within(&secrets, REFRESH_MARGIN) {
            return Ok(Ok(secrets));
        }
        Ok(self
            .refresh_if_due(tenant_id, id, REFRESH_MARGIN, Due::ForUse)
            .await?
            .map(|(secrets, _)| secrets))
    }

    /// Refreshes the instance's access token if, once the lock is held, it still expires
    /// within `within` (another request or replica may just have refreshed it). One
    /// refresh at a time per credential; the new refresh token (or the old one, if the
    /// provider sent none) is saved with the access token. Returns the credentials as
    /// they are afterwards and whether they were refreshed, or why the provider gave no
    /// token.
    async fn refresh_if_due(
        &self,
        tenant_id: Uuid,
        id: Uuid,
        within: time::Duration,
        due: Due,
    ) -> Result<Result<(Secrets, bool), RefreshProblem>, AppError> {
        let lock = self.store.lock_credentials(id).await?;
        let result = self.refresh_locked(tenant_id, id, within, due).await;
        lock.release().await?;
        result
    }

    async fn refresh_locked(
        &self,
        tenant_id: Uuid,
        id: Uuid,
        within: time::Duration,
        due: Due,
    ) -> Result<Result<(Secrets, bool), RefreshProblem>, AppError> {
        let mut target = self.connectors.refresh_target(tenant_id, id).await?;
        let secrets = target.secrets.take().ok_or_else(|| {
            AppError::Conflict("This connector has no credentials to refresh.".into())
        })?;
        let waits_for_a_person =
            target.record.status == ConnectorStatus::Error && due == Due::Ahead;
        if !expires_within(&secrets, within) || waits_for_a_person {
            return Ok(Ok((secrets, false)));
        }
        let refresh_token = secrets
            .get("refresh_token")
            .and_then(Value::as_str)
            .map(str::to_owned);
        target.secrets = Some(secrets);
        let prepared = self.client_for(&target);
        let provider = prepared.as_ref().map_or_else(
            |_| "of this connector".to_owned(),
            |(settings, _)| provider_of(settings),
        );
        let outcome = match (refresh_token.as_deref(), &prepared) {
            (None, _) => Err(RefreshFailure::Refused("no refresh token".into())),
            (_, Err(error)) => Err(RefreshFailure::Refused(error.to_string())),
            (Some(refresh_token), Ok((settings, client))) => {
                self.request_refresh(settings, client, refresh_token).await
            }
        };
        match outcome {
            Ok(token) => {
                let (fields, expires_at) =
                    token_fields(&token, OffsetDateTime::now_utc(), refresh_token.as_deref());
                let saved = self
                    .connectors
                    .save_oauth_tokens(None, &target, fields, expires_at)
                    .await?;
                Ok(Ok((saved, true)))
            }
            Err(RefreshFailure::Refused(reason)) => {
                tracing::warn!(connector_id = %id, %reason, "the provider refused a token refresh");
                self.connectors
                    .mark_reauthentication_needed(&target, &reason)
                    .await?;
                Ok(Err(RefreshProblem::Refused { provider }))
            }
            Err(RefreshFailure::Blocked(reason)) => {
                Ok(Err(RefreshProblem::Blocked { provider, reason }))
            }
            Err(RefreshFailure::Unavailable(what)) => {
                tracing::warn!(connector_id = %id, %provider, %what, "the provider did not refresh a token");
                Ok(Err(RefreshProblem::Unavailable {
                    provider,
                    what,
                    attempts: REFRESH_ATTEMPTS,
                }))
            }
        }
    }

    /// Asks the token endpoint, retrying network failures and server errors with backoff.
    async fn request_refresh(
        &self,
        settings: &OAuthSettings,
        client: &Client,
        refresh_token: &str,
    ) -> Result<oauth2::basic::BasicTokenResponse, RefreshFailure> {
        self.check_token_url(settings)
            .map_err(RefreshFailure::Blocked)?;
        let attempts = self.refresh_attempts(client, refresh_token);
        match tokio::time::timeout(REFRESH_BUDGET, attempts).await {
            Ok(outcome) => outcome,
            Err(_) => Err(RefreshFailure::Unavailable(format!(
                "it did not give a token within {} seconds",
                REFRESH_BUDGET.as_secs()
            ))),
        }
    }

    /// The attempts at the token endpoint, with backoff between them.
    async fn refresh_attempts(
        &self,
        client: &Client,
        refresh_token: &str,
    ) -> Result<oauth2::basic::BasicTokenResponse, RefreshFailure> {
        let token = RefreshToken::new(refresh_token.to_owned());
        let mut delay = REFRESH_RETRY_START;
        let mut last = String::new();
        for attempt in 1..=REFRESH_ATTEMPTS {
            match client
                .exchange_refresh_token(&token)
                .request_async(self.outbound.as_ref())
                .await
            {
                Ok(response) => return Ok(response),
                Err(RequestTokenError::ServerResponse(refusal)) => {
                    let code = refusal.error().as_ref();
                    if let Some(refused) = REFUSALS.into_iter().find(|known| *known == code) {
                        return Err(RefreshFailure::Refused(refused.to_owned()));
                    }
                    last = format!("it answered the error {}", quotable_code(code));
                }
                Err(RequestTokenError::Parse(_, body)) if refusal_in(&body).is_some() => {
                    let refused = refusal_in(&body).unwrap_or("unauthorized");
                    return Err(RefreshFailure::Refused(refused.to_owned()));
                }
                Err(RequestTokenError::Parse(_, body)) => {
                    last = if looks_like_a_page(&body) {
                        "it answered with an error page, not a token".into()
                    } else {
                        "it answered without a token".into()
                    };
                }
                Err(RequestTokenError::Request(error)) => last = unreachable_because(&error),
                Err(RequestTokenError::Other(_)) => {
                    last = "it answered with an empty error".into();
                }
            }
            if attempt < REFRESH_ATTEMPTS {
                tokio::time::sleep(delay).await;
                delay *= 2;
            }
        }
        Err(RefreshFailure::Unavailable(last))
    }

    /// Refreshes every OAuth credential that expires within `ahead` (except those waiting
    /// for a person to sign in again); returns how many were refreshed. Run periodically
    /// by [`spawn_refresher`].
    pub async fn refresh_expiring(&self, ahead: time::Duration) -> usize {
        let before = OffsetDateTime::now_utc() + ahead;
        let due = match self.store.credentials_expiring_before(before, 100).await {
            Ok(due) => due,
            Err(error) => {
                tracing::warn!(%error, "cannot list expiring credentials");
                return 0;
            }
        };
        let mut refreshed = 0;
        for credential in due {
            match self
                .refresh_if_due(
                    credential.tenant_id,
                    credential.connector_id,
                    ahead,
                    Due::Ahead,
                )
                .await
            {
                Ok(Ok((_, true))) => refreshed += 1,
                Ok(Ok((_, false))) => {}
                Ok(Err(problem)) => {
                    tracing::info!(connector_id = %credential.connector_id, problem = %problem.message(), "background token refresh failed");
                }
                Err(error) => {
                    tracing::info!(connector_id = %credential.connector_id, %error, "background token refresh failed");
                }
            }
        }
        if let Err(error) = self
            .store
            .delete_expired_oauth_states(OffsetDateTime::now_utc())
            .await
        {
            tracing::warn!(%error, "cannot remove expired OAuth states");
        }
        refreshed
    }

    /// Where the callback sends the browser for `target` after `outcome`.
    fn return_url(
        connector_id: Uuid,
        catalog_key: &str,
        to: OAuthReturn,
        outcome: Result<(), OAuthFailure>,
    ) -> String {
        let result = match outcome {
            Ok(()) => "oauth=connected".to_owned(),
            Err(failure) => format!("oauth_error={}", failure.code()),
        };
        match to {
            OAuthReturn::Wizard => match outcome {
                Ok(()) => format!(
                    "/connectors/new?step=test&draft={connector_id}&type={catalog_key}&{result}"
                ),
                Err(_) => format!(
                    "/connectors/new?step=authenticate&draft={connector_id}&type={catalog_key}&{result}"
                ),
            },
            OAuthReturn::Detail => format!("/connectors/{connector_id}?tab=credentials&{result}"),
        }
    }

    /// Handles the provider's redirect for the signed-in `who`; returns where to send the
    /// browser. Every failure leaves the stored credentials as they were.
    pub async fn callback(&self, who: &Principal, params: CallbackParams) -> String {
        let Some(state) = params.state.filter(|state| !state.is_empty()) else {
            return format!("/?oauth_error={}", OAuthFailure::InvalidState.code());
        };
        let now = OffsetDateTime::now_utc();
        let taken = match self
            .store
            .take_oauth_state(&tokens::hash(&state), who.user_id, now)
            .await
        {
            Ok(taken) => taken,
            Err(error) => {
                tracing::error!(%error, "cannot read an OAuth state");
                None
            }
        };
        let Some(row) = taken.filter(|row| row.tenant_id == who.tenant_id) else {
            return format!("/?oauth_error={}", OAuthFailure::InvalidState.code());
        };
        let target = match self.connectors.oauth_target(who, row.connector_id).await {
            Ok(target) => target,
            Err(_) => return format!("/?oauth_error={}", OAuthFailure::InvalidState.code()),
        };
        let outcome = self
            .finish(who, &row, &target, params.code, params.error, now)
            .await;
        if let Err(failure) = outcome {
            tracing::info!(connector_id = %row.connector_id, failure = failure.code(), "OAuth sign-in did not finish");
        }
        Self::return_url(row.connector_id, &target.entry.key, row.return_to, outcome)
    }

    async fn finish(
        &self,
        who: &Principal,
        row: &OAuthStateRecord,
        target: &OAuthTarget,
        code: Option<String>,
        error: Option<String>,
        now: OffsetDateTime,
    ) -> Result<(), OAuthFailure> {
        if row.expires_at <= now {
            return Err(OAuthFailure::Expired);
        }
        match error.as_deref() {
            Some("access_denied") => return Err(OAuthFailure::AccessDenied),
            Some(_) => return Err(OAuthFailure::ProviderError),
            None => {}
        }
        let code = code
            .filter(|code| !code.is_empty())
            .ok_or(OAuthFailure::ProviderError)?;
        let (settings, client) = self
            .client_for(target)
            .map_err(|_| OAuthFailure::ExchangeFailed)?;
        let binding = Binding {
            tenant_id: row.tenant_id,
            connector_id: row.connector_id,
        };
        let verifier = self
            .vault
            .open(&row.verifier, binding)
            .ok()
            .and_then(|plain| String::from_utf8(plain.expose_secret().clone()).ok())
            .ok_or(OAuthFailure::InvalidState)?;
        let mut request = client.exchange_code(AuthorizationCode::new(code));
        if settings.pkce {
            request = request.set_pkce_verifier(PkceCodeVerifier::new(verifier));
        }
        let token = request
            .request_async(self.outbound.as_ref())
            .await
            .map_err(|error| match error {
                // A refused address is reported like an unreachable one: the answer must
                // not tell whether something listens there.
                RequestTokenError::Request(_) => OAuthFailure::ProviderUnreachable,
                RequestTokenError::ServerResponse(_)
                | RequestTokenError::Parse(..)
                | RequestTokenError::Other(_) => OAuthFailure::ExchangeFailed,
            })?;
        let (fields, expires_at) = token_fields(&token, now, None);
        self.connectors
            .save_oauth_tokens(Some(who), target, fields, expires_at)
            .await
            .map(drop)
            .map_err(|error| {
                tracing::error!(%error, "cannot save OAuth tokens");
                OAuthFailure::ExchangeFailed
            })
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

/// Whether the stored access token expires within `within` from now.
fn expires_within(secrets: &Secrets, within: time::Duration) -> bool {
    secrets
        .get("expires_at")
        .and_then(Value::as_str)
        .and_then(|at| {
            OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339).ok()
        })
        .is_some_and(|at| at <= OffsetDateTime::now_utc() + within)
}

/// Why a refresh is asked for: before a use, or ahead of expiry in the background (which
/// leaves instances that wait for a person alone).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Due {
    ForUse,
    Ahead,
}

/// How a refresh failed.
enum RefreshFailure {
    /// The provider refused the refresh token or the client: a person must sign in again.
    Refused(String),
    /// The token endpoint's URL breaks an outbound rule (plain http, a refused address):
    /// the configuration must change; nothing was sent.
    Blocked(String),
    /// The provider could not be reached or answered nonsense, even after retries; what
    /// happened the last time.
    Unavailable(String),
}

/// The provider as a refresh failure names it: the token endpoint's host.
fn provider_of(settings: &OAuthSettings) -> String {
    url::Url::parse(&settings.token_url)
        .ok()
        .and_then(|url| url.host_str().map(str::to_owned))
        .unwrap_or_else(|| "of this connector".to_owned())
}

/// Whether a token endpoint's answer is a web page (a proxy's or load balancer's error).
fn looks_like_a_page(body: &[u8]) -> bool {
    let start = String::from_utf8_lossy(&body[..body.len().min(512)]).to_ascii_lowercase();
    start.contains("<html") || start.contains("<!doctype")
}

/// Why the token endpoint gave no answer, in a few words (no addresses: those are the
/// configuration's, and a refused one must look like an unreachable one).
fn unreachable_because(error: &crate::outbound::OutboundError) -> String {
    use crate::outbound::OutboundError;
    match error {
        OutboundError::Transport(error) if error.is_timeout() => "it did not answer in time".into(),
        OutboundError::TooLarge => "its answer was too large".into(),
        _ => "it could not be reached".into(),
    }
}

/// The authorization request's extra parameters: the type's, with `prompt=consent` added
/// when `offline_access` is asked for. OpenID providers grant `offline_access` (and so a
/// refresh token) only with that prompt, and silently drop it otherwise (OpenID Connect
/// Core 1.0 §11; node-oidc-provider does).
fn authorize_params(settings: &OAuthSettings) -> std::collections::BTreeMap<String, String> {
    let mut params = settings.extra_authorize_params.clone();
    if settings
        .scopes
        .iter()
        .any(|scope| scope == "offline_access")
    {
        let prompt = params.entry("prompt".to_owned()).or_default();
        if !prompt.split(' ').any(|value| value == "consent") {
            *prompt = format!("{prompt} consent").trim_start().to_owned();
        }
    }
    params
}

/// How the client authenticates at the token endpoint: HTTP Basic unless the instance's
/// configuration says `client_secret_post` (the generic OAuth2 type lets it choose).
fn client_auth(config: &Value) -> ClientAuth {
    match config.get("client_auth").and_then(Value::as_str) {
        Some("client_secret_post") => ClientAuth::RequestBody,
        _ => ClientAuth::BasicAuth,
    }
}

/// `{{config.name}}` replaced by the instance's configuration value (URLs of the generic
/// OAuth2 type).
/// Whether the instance's provider endpoints are the ones its type has with the defaults
/// of its configuration. The platform's own OAuth app (its client secret, set by the
/// operator for one provider) is sent only there: a tenant who points the endpoints
/// elsewhere (a Salesforce login URL of their choosing) brings their own app, or the
/// platform's secret would go to whatever server they name.
fn uses_the_types_own_endpoints(target: &OAuthTarget) -> bool {
    let Some(oauth) = &target.entry.oauth else {
        return false;
    };
    let defaults: serde_json::Map<String, Value> = target
        .entry
        .config_schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(name, property)| Some((name.clone(), property.get("default")?.clone())))
        .collect();
    let defaults = Value::Object(defaults);
    [&oauth.authorize_url, &oauth.token_url]
        .into_iter()
        .all(|template| {
            let usual = render(template, &defaults);
            !usual.contains("{{") && render(template, &target.record.config) == usual
        })
}

fn render(template: &str, config: &Value) -> String {
    let mut out = template.to_owned();
    if let Some(config) = config.as_object() {
        for (name, value) in config {
            if let Some(text) = value.as_str() {
                out = out.replace(&format!("{{{{config.{name}}}}}"), text);
            }
        }
    }
    out
}

/// A warning when `host` (as the request arrived) is not the public URL's host and port.
fn origin_warning(public_url: &url::Url, host: Option<&str>) -> Option<String> {
    let host = host?.trim().to_ascii_lowercase();
    let expected = match (public_url.host_str(), public_url.port()) {
        (Some(name), Some(port)) => format!("{name}:{port}"),
        (Some(name), None) => name.to_owned(),
        (None, _) => return None,
    }
    .to_ascii_lowercase();
    (host != expected).then(|| {
        format!(
            "This page was opened at {host}, but CONNECTORS_PUBLIC_URL is {public_url}. \
             Providers send people back to the redirect URI below; either open Connector Hub \
             at {expected}, or set CONNECTORS_PUBLIC_URL to the address people use (and \
             register that redirect URI with the provider)."
        )
    })
}

#[async_trait]
impl OAuthPort for OAuthService {
    fn redirect_setup(&self, host: Option<&str>, type_key: &str) -> OAuthRedirectSetup {
        // Decision: the warning is given for any plain-http redirect URI; the seeds do not
        // say which providers insist on https (Slack, LinkedIn and Salesforce do).
        let https_warning = self.redirect_uri.starts_with("http://").then(|| {
            "This installation's redirect URI is plain http. Many providers (Slack, \
             LinkedIn, Salesforce) accept only https ones: if the provider refuses it, ask \
             your administrator to serve Connector Hub over https."
                .to_owned()
        });
        OAuthRedirectSetup {
            redirect_uri: self.redirect_uri.clone(),
            origin_warning: origin_warning(&self.public_url, host),
            platform_app: self.clients.get(type_key).is_some(),
            https_warning,
        }
    }

    async fn start(
        &self,
        who: &Principal,
        connector_id: Uuid,
        return_to: OAuthReturnTo,
    ) -> Result<OAuthStart, AppError> {
        let target = self.connectors.oauth_target(who, connector_id).await?;
        let (settings, client) = self.client_for(&target)?;
        self.check_token_url(&settings)
            .map_err(AppError::Conflict)?;
        self.check_authorize_url(&settings)
            .map_err(AppError::Conflict)?;

        let (state, state_hash) = tokens::new_oauth_state().map_err(|_| AppError::Internal)?;
        let state_value = state.expose_secret().to_owned();
        let mut request = client.authorize_url(move || CsrfToken::new(state_value));
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        if settings.pkce {
            request = request.set_pkce_challenge(challenge);
        }
        if settings.scope_separator == " " {
            request = request.add_scopes(settings.scopes.iter().cloned().map(Scope::new));
        } else if !settings.scopes.is_empty() {
            request =
                request.add_extra_param("scope", settings.scopes.join(&settings.scope_separator));
        }
        for (name, value) in authorize_params(&settings) {
            request = request.add_extra_param(name, value);
        }
        let (authorize_url, _) = request.url();

        let binding = Binding {
            tenant_id: target.record.tenant_id,
            connector_id,
        };
        let sealed = self
            .vault
            .seal(verifier.secret().as_bytes(), binding)
            .map_err(|_| AppError::Internal)?;
        let now = OffsetDateTime::now_utc();
        let row = OAuthStateRecord {
            state_hash,
            tenant_id: target.record.tenant_id,
            user_id: who.user_id,
            connector_id,
            verifier: sealed,
            return_to: match return_to {
                OAuthReturnTo::Wizard => OAuthReturn::Wizard,
                OAuthReturnTo::Detail => OAuthReturn::Detail,
            },
            created_at: now,
            expires_at: now + STATE_LIFETIME,
            used_at: None,
        };
        self.store.insert_oauth_state(&row).await?;
        Ok(OAuthStart {
            authorize_url: authorize_url.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_on_another_host_is_warned_about() {
        let public: url::Url = "https://hub.example.com/".parse().expect("url");
        assert_eq!(origin_warning(&public, Some("hub.example.com")), None);
        assert_eq!(origin_warning(&public, Some("HUB.example.com")), None);
        assert_eq!(origin_warning(&public, None), None);
        let warning = origin_warning(&public, Some("10.0.0.5:3000")).unwrap_or_default();
        assert!(
            warning.contains("10.0.0.5:3000") && warning.contains("https://hub.example.com/"),
            "{warning}"
        );
        let local: url::Url = "http://127.0.0.1:3000".parse().expect("url");
        assert_eq!(origin_warning(&local, Some("127.0.0.1:3000")), None);
    }

    #[test]
    fn templates_take_config_values() {
        let config = json!({"authorize_url": "https://id.example.com/auth", "n": 3});
        assert_eq!(
            render("{{config.authorize_url}}", &config),
            "https://id.example.com/auth"
        );
        assert_eq!(
            render("https://x/{{config.n}}", &config),
            "https://x/{{config.n}}"
        );
    }

    #[test]
    fn callbacks_return_to_where_the_sign_in_started() {
        let id = Uuid::nil();
        assert_eq!(
            OAuthService::return_url(id, "slack", OAuthReturn::Wizard, Ok(())),
            format!("/connectors/new?step=test&draft={id}&type=slack&oauth=connected")
        );
        assert_eq!(
            OAuthService::return_url(
                id,
                "slack",
                OAuthReturn::Wizard,
                Err(OAuthFailure::AccessDenied)
            ),
            format!(
                "/connectors/new?step=authenticate&draft={id}&type=slack&oauth_error=access_denied"
            )
        );
        assert_eq!(
            OAuthService::return_url(id, "slack", OAuthReturn::Detail, Err(OAuthFailure::Expired)),
            format!("/connectors/{id}?tab=credentials&oauth_error=expired")
        );
    }
}
