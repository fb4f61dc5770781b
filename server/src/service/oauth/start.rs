//! Starting a sign-in: the redirect URI to register, and the authorization URL with a
//! single-use state bound to the user, tenant and instance.

use app::error::AppError;
use app::model::connector::{OAuthRedirectSetup, OAuthReturnTo, OAuthStart};
use app::model::identity::Principal;
use app::ports::OAuthPort;
use async_trait::async_trait;
use oauth2::{CsrfToken, PkceCodeChallenge, Scope};
use secrecy::ExposeSecret;
use time::OffsetDateTime;
use uuid::Uuid;

use super::client::authorize_params;
use super::{OAuthService, STATE_LIFETIME};
use crate::auth::tokens;
use crate::store::{OAuthReturn, OAuthStateRecord};
use crate::vault::Binding;

/// A warning when `host` (as the request arrived) is not the public URL's host and port.
pub(super) fn origin_warning(public_url: &url::Url, host: Option<&str>) -> Option<String> {
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
}
