//! The provider's answer at `/oauth/callback`: the state checked and spent, the code
//! exchanged, the tokens saved, and the browser sent back to where the sign-in started.

use app::model::connector::OAuthFailure;
use app::model::identity::Principal;
use oauth2::{AuthorizationCode, PkceCodeVerifier, RequestTokenError};
use secrecy::ExposeSecret;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{CallbackParams, OAuthService, token_fields};
use crate::auth::tokens;
use crate::service::connectors::OAuthTarget;
use crate::store::{OAuthReturn, OAuthStateRecord};
use crate::vault::Binding;

impl OAuthService {
    pub(super) fn return_url(
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

    pub(super) async fn finish(
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

#[cfg(test)]
mod tests {
    use super::*;

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
