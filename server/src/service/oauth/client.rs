//! The `oauth2` client for an instance: its provider endpoints (the type's, or the
//! instance's for the generic type), and whose app signs in (the platform's or the
//! instance's own).

use app::error::AppError;
use app::model::{AuthType, OAuthSettings};
// The app registered with the provider (endpoints and client credentials): a description,
// not an HTTP client; requests go through `Outbound`. Named so, too, for the scan in
// tests/integration/outbound.rs.
use oauth2::basic::BasicClient as OAuthApp;
use oauth2::{AuthType as ClientAuth, AuthUrl, ClientId, ClientSecret, RedirectUrl, TokenUrl};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

use super::OAuthService;
use crate::outbound::Carries;
use crate::service::connectors::OAuthTarget;

/// An `oauth2` client with its authorization and token endpoints set.
pub(super) type Client = OAuthApp<
    oauth2::EndpointSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointSet,
>;

/// The client the flow uses: the platform's for the type, else the instance's own.
pub(super) struct ClientCredentials {
    id: String,
    secret: Option<SecretString>,
}

impl OAuthService {
    pub(super) fn settings(target: &OAuthTarget) -> Result<OAuthSettings, AppError> {
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

    pub(super) fn credentials(&self, target: &OAuthTarget) -> Result<ClientCredentials, AppError> {
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
    pub(super) fn check_token_url(&self, settings: &OAuthSettings) -> Result<(), String> {
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
    pub(super) fn check_authorize_url(&self, settings: &OAuthSettings) -> Result<(), String> {
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
    pub(super) fn client_for(
        &self,
        target: &OAuthTarget,
    ) -> Result<(OAuthSettings, Client), AppError> {
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
}

/// The authorization request's extra parameters: the type's, with `prompt=consent` added
/// when `offline_access` is asked for. OpenID providers grant `offline_access` (and so a
/// refresh token) only with that prompt, and silently drop it otherwise (OpenID Connect
/// Core 1.0 §11; node-oidc-provider does).
pub(super) fn authorize_params(
    settings: &OAuthSettings,
) -> std::collections::BTreeMap<String, String> {
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
pub(super) fn client_auth(config: &Value) -> ClientAuth {
    match config.get("client_auth").and_then(Value::as_str) {
        Some("client_secret_post") => ClientAuth::RequestBody,
        _ => ClientAuth::BasicAuth,
    }
}

/// Whether the instance's provider endpoints are the ones its type has with the defaults
/// of its configuration. The platform's own OAuth app (its client secret, set by the
/// operator for one provider) is sent only there: a tenant who points the endpoints
/// elsewhere (a Salesforce login URL of their choosing) brings their own app, or the
/// platform's secret would go to whatever server they name.
pub(super) fn uses_the_types_own_endpoints(target: &OAuthTarget) -> bool {
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

/// `{{config.name}}` replaced by the instance's configuration value (URLs of the generic
/// OAuth2 type).
pub(super) fn render(template: &str, config: &Value) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
}
