//! Keeping access tokens fresh: before a use (under the credential's lock), and ahead
//! of expiry in the background. A refresh that fails says what happened
//! ([`RefreshProblem`]): a refused refresh token, or a provider that is down.

use std::sync::Arc;
use std::time::Duration;

use app::error::AppError;
use app::model::OAuthSettings;
use app::model::connector::ConnectorStatus;
use app::model::identity::Principal;
use oauth2::{RefreshToken, RequestTokenError};
use serde_json::Value;
use time::OffsetDateTime;
use uuid::Uuid;

use super::client::Client;
use super::{OAuthService, REFRESH_MARGIN, token_fields};
use crate::service::connectors::{OAuthTarget, Secrets};
use crate::service::refresh_problem::RefreshProblem;

/// Attempts at the token endpoint for one refresh, and the first pause between them.
pub(super) const REFRESH_ATTEMPTS: u32 = 3;
/// How long one refresh may take with its retries: a use (a connection test has 5
/// seconds of its own) waits for it while holding the credential's lock.
pub(super) const REFRESH_BUDGET: Duration = Duration::from_secs(10);
pub(super) const REFRESH_RETRY_START: Duration = Duration::from_millis(200);

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
pub(super) const REFUSALS: [&str; 6] = [
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
pub(super) fn refusal_in(body: &[u8]) -> Option<&'static str> {
    let json: Value = serde_json::from_slice(body).ok()?;
    let code = json.get("error")?.as_str()?;
    REFUSALS.into_iter().find(|refusal| *refusal == code)
}

/// An OAuth error code as it may be quoted to people and logged: a short word of the
/// RFC 6749 kind. Anything else is the provider's free text, which may echo what was
/// sent (the refresh token, the client secret), so it is not repeated.
pub(super) fn quotable_code(code: &str) -> &str {
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

impl OAuthService {
    /// The instance's credentials for a use (a connection test, a publish), with the
    /// access token refreshed first when it expires within a minute. Checks and audits the
    /// use like [`ConnectorService::stored_credentials_for_use`].
    pub async fn fresh_credentials_for_use(
        &self,
        who: &Principal,
        id: Uuid,
        purpose: &str,
    ) -> Result<Secrets, AppError> {
        self.fresh_credentials_or_problem(who, id, purpose)
            .await?
            .map_err(RefreshProblem::into_app_error)
    }

    /// Like [`Self::fresh_credentials_for_use`], but a refresh that failed is returned as what
    /// happened, for a connection test to record as its result.
    pub async fn fresh_credentials_or_problem(
        &self,
        who: &Principal,
        id: Uuid,
        purpose: &str,
    ) -> Result<Result<Secrets, RefreshProblem>, AppError> {
        let secrets = self
            .connectors
            .stored_credentials_for_use(who, id, purpose)
            .await?;
        self.fresh(who.tenant_id, id, secrets).await
    }

    /// What a scheduled use (the health checker) works with: the instance, its type and
    /// its credentials, refreshed first like [`Self::fresh_credentials_for_use`] (see
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
    pub(super) async fn fresh(
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
    pub(super) async fn refresh_if_due(
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

    pub(super) async fn refresh_locked(
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
    pub(super) async fn request_refresh(
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
    pub(super) async fn refresh_attempts(
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
}

/// Whether the stored access token expires within `within` from now.
pub(super) fn expires_within(secrets: &Secrets, within: time::Duration) -> bool {
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
pub(super) enum Due {
    ForUse,
    Ahead,
}

/// How a refresh failed.
pub(super) enum RefreshFailure {
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
pub(super) fn provider_of(settings: &OAuthSettings) -> String {
    url::Url::parse(&settings.token_url)
        .ok()
        .and_then(|url| url.host_str().map(str::to_owned))
        .unwrap_or_else(|| "of this connector".to_owned())
}

/// Whether a token endpoint's answer is a web page (a proxy's or load balancer's error).
pub(super) fn looks_like_a_page(body: &[u8]) -> bool {
    let start = String::from_utf8_lossy(&body[..body.len().min(512)]).to_ascii_lowercase();
    start.contains("<html") || start.contains("<!doctype")
}

/// Why the token endpoint gave no answer, in a few words (no addresses: those are the
/// configuration's, and a refused one must look like an unreachable one).
pub(super) fn unreachable_because(error: &crate::outbound::OutboundError) -> String {
    use crate::outbound::OutboundError;
    match error {
        OutboundError::Transport(error) if error.is_timeout() => "it did not answer in time".into(),
        OutboundError::TooLarge => "its answer was too large".into(),
        _ => "it could not be reached".into(),
    }
}
