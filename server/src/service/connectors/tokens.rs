//! OAuth tokens in an instance's credentials: what the OAuth service needs from the
//! connector service (the instance, its type and stored client fields; saving tokens),
//! kept here so that the rules for credentials stay in one place.

use std::collections::BTreeMap;
use std::collections::HashMap;

use app::error::AppError;
use app::model::ConnectorType;
use app::model::connector::{ConnectorStatus, FieldEdit};
use app::model::identity::Principal;
use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use uuid::Uuid;

use super::lifecycle::{self, Event};
use super::{ConnectorService, Secrets, access, audit_entry, move_status};
use crate::service::validate::storable_lossy;
use crate::store::{AuditRecord, ConnectorRecord, CredentialChange};

pub use app::model::connector::OAUTH_TOKEN_FIELDS as TOKEN_FIELDS;

/// Which token fields are secret (masked without a value).
pub fn is_secret_token_field(name: &str) -> bool {
    matches!(name, "access_token" | "refresh_token")
}

/// What the OAuth flow works from: the instance, its type and its stored credential
/// fields (client id and secret when the instance brings its own client).
pub struct OAuthTarget {
    pub record: ConnectorRecord,
    pub entry: ConnectorType,
    pub secrets: Option<Secrets>,
}

impl ConnectorService {
    /// The instance, if the caller may write it (connecting is a write), with its type
    /// and its decrypted credentials.
    pub async fn oauth_target(&self, who: &Principal, id: Uuid) -> Result<OAuthTarget, AppError> {
        let record = self.visible(who, id).await?;
        if !access::may_write(who, &record) {
            return Err(AppError::Forbidden);
        }
        self.target_of(record).await
    }

    /// The instance, its type and whether it has stored credentials, if the caller may
    /// use it (a connection test).
    pub async fn usable(
        &self,
        who: &Principal,
        id: Uuid,
    ) -> Result<(ConnectorRecord, ConnectorType, bool), AppError> {
        let record = self.visible(who, id).await?;
        if !access::may_use(who, &record) {
            return Err(AppError::Forbidden);
        }
        let entry = self.entry_of(&record).await?;
        let has_credentials = self
            .store
            .credentials_of(record.tenant_id, id)
            .await?
            .is_some();
        Ok((record, entry, has_credentials))
    }

    /// The instance, if the caller may see it.
    pub async fn seen(&self, who: &Principal, id: Uuid) -> Result<ConnectorRecord, AppError> {
        self.visible(who, id).await
    }

    /// The instance and its credentials for a token refresh, without access checks: the
    /// caller already passed them (a use), or is the system (the background refresher).
    pub async fn refresh_target(&self, tenant_id: Uuid, id: Uuid) -> Result<OAuthTarget, AppError> {
        let record = self
            .store
            .connector(tenant_id, id)
            .await?
            .ok_or_else(super::not_found)?;
        self.target_of(record).await
    }

    /// The instance, its type and its decrypted credentials for a use the system makes
    /// on its own (a scheduled health check): no access check, and the decryption is
    /// audited with no actor. Credentials that will not decrypt are an error, as for a
    /// person's use.
    pub async fn system_use(
        &self,
        tenant_id: Uuid,
        id: Uuid,
        purpose: &str,
    ) -> Result<OAuthTarget, AppError> {
        let record = self
            .store
            .connector(tenant_id, id)
            .await?
            .ok_or_else(super::not_found)?;
        let entry = self.entry_of(&record).await?;
        let secrets = match self.store.credentials_of(tenant_id, id).await? {
            Some(stored) => Some(self.open_for_use(None, &record, &stored, purpose).await?),
            None => None,
        };
        Ok(OAuthTarget {
            record,
            entry,
            secrets,
        })
    }

    /// The type of an instance.
    async fn entry_of(&self, record: &ConnectorRecord) -> Result<ConnectorType, AppError> {
        self.catalog()
            .await?
            .by_id
            .get(&record.catalog_id)
            .cloned()
            .ok_or(AppError::Internal)
    }

    /// The instance with its type and decrypted credentials.
    async fn target_of(&self, record: ConnectorRecord) -> Result<OAuthTarget, AppError> {
        let entry = self.entry_of(&record).await?;
        let stored = self
            .store
            .credentials_of(record.tenant_id, record.id)
            .await?;
        let secrets = stored.as_ref().and_then(|stored| self.open(stored));
        Ok(OAuthTarget {
            record,
            entry,
            secrets,
        })
    }

    /// Saves tokens from the provider into the instance's credentials, keeping its other
    /// fields. A person's sign-in (`by`) replaces every token field and finishes setup:
    /// `pending` (or `error`, after a re-authentication) becomes `inactive` once the
    /// configuration is complete; audited as `oauth.connected`. A refresh (`by` = `None`)
    /// replaces the fields it got and is audited as `oauth.refreshed`.
    pub async fn save_oauth_tokens(
        &self,
        by: Option<&Principal>,
        target: &OAuthTarget,
        tokens: Map<String, Value>,
        expires_at: Option<OffsetDateTime>,
    ) -> Result<Secrets, AppError> {
        let schemas = self.schemas_for(&target.entry)?;
        let stored = self
            .store
            .credentials_of(target.record.tenant_id, target.record.id)
            .await?;
        let mut secrets = stored
            .as_ref()
            .and_then(|stored| self.open(stored))
            .unwrap_or_else(|| Secrets::new(Map::new()));
        let mut edits: BTreeMap<String, FieldEdit> = BTreeMap::new();
        if by.is_some() {
            // A new sign-in: a token field the provider did not send is gone.
            edits.extend(
                TOKEN_FIELDS
                    .iter()
                    .map(|field| ((*field).to_owned(), FieldEdit::Clear)),
            );
        }
        for (field, value) in tokens {
            // The provider's text, shown in part (token type, scope): storable as it comes.
            let value = match value {
                Value::String(text) => Value::String(storable_lossy(text)),
                other => other,
            };
            edits.insert(field, FieldEdit::Replace { value });
        }
        let changes = secrets.apply(edits);
        let now = OffsetDateTime::now_utc();
        let mut next = target.record.clone();
        let mut sealed = self.seal(
            by,
            &next,
            &schemas,
            &secrets,
            stored.as_ref(),
            &changes.replaced,
            now,
        )?;
        sealed.expires_at = expires_at;
        sealed.refreshed_at = Some(now);
        let action = if by.is_some() {
            "oauth.connected"
        } else {
            "oauth.refreshed"
        };
        let mut audit = vec![entry_by(
            by,
            &next,
            action,
            json!({ "fields": changes.replaced }),
            now,
        )];
        if let Some(who) = by {
            let config_complete = schemas.check_config(&next.config).is_empty();
            if let Some(moved) = lifecycle::next(next.status, Event::SignedIn { config_complete }) {
                move_status(who, &mut next, moved.to, moved.reason, now, &mut audit);
                next.last_error = None;
            }
        }
        next.updated_at = now;
        next.updated_by = by.map(|who| who.user_id).or(next.updated_by);
        let saved = self
            .store
            .update_connector(&next, CredentialChange::Put(&sealed), &audit)
            .await?;
        if saved {
            Ok(secrets)
        } else {
            Err(super::not_found())
        }
    }

    /// The provider refused the refresh token: the instance needs a person to sign in
    /// again. Sets `error` with "Re-authentication needed" (DESIGN.md §7).
    pub async fn mark_reauthentication_needed(
        &self,
        target: &OAuthTarget,
        reason: &str,
    ) -> Result<(), AppError> {
        let now = OffsetDateTime::now_utc();
        let mut next = target.record.clone();
        let to = lifecycle::next(next.status, Event::RefreshRefused)
            .map_or(ConnectorStatus::Error, |moved| moved.to);
        let details = json!({ "from": next.status, "to": to, "reason": reason });
        let audit = vec![entry_by(None, &next, "connector.status", details, now)];
        next.status = to;
        next.last_error = Some(REAUTHENTICATION_NEEDED.to_owned());
        next.updated_at = now;
        self.store
            .update_connector(&next, CredentialChange::Keep, &audit)
            .await?;
        Ok(())
    }
}

/// What an instance shows when its refresh token stopped working.
pub const REAUTHENTICATION_NEEDED: &str = "Re-authentication needed";

/// An audit entry by a person, or by the system (`None`).
fn entry_by(
    by: Option<&Principal>,
    record: &ConnectorRecord,
    action: &str,
    details: Value,
    at: OffsetDateTime,
) -> AuditRecord {
    match by {
        Some(who) => audit_entry(who, record, action, details, at),
        None => AuditRecord {
            id: Uuid::new_v4(),
            tenant_id: record.tenant_id,
            actor: None,
            action: action.to_owned(),
            target_type: "connector".to_owned(),
            target_id: record.id,
            at,
            details,
        },
    }
}

/// The platform's own OAuth clients per connector type, from
/// `CONNECTORS_OAUTH_<KEY>_CLIENT_ID` / `_CLIENT_SECRET` (key upper-cased).
#[derive(Clone, Default)]
pub struct PlatformClients(HashMap<String, (String, Option<secrecy::SecretString>)>);

impl std::fmt::Debug for PlatformClients {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.0.keys()).finish()
    }
}

impl PlatformClients {
    /// Reads them from `vars` (the process environment in production).
    pub fn from_vars(vars: impl Iterator<Item = (String, String)>) -> Self {
        let vars: HashMap<String, String> = vars.collect();
        let mut clients = HashMap::new();
        for (name, client_id) in &vars {
            let Some(key) = name
                .strip_prefix("CONNECTORS_OAUTH_")
                .and_then(|rest| rest.strip_suffix("_CLIENT_ID"))
            else {
                continue;
            };
            if client_id.trim().is_empty() {
                continue;
            }
            let secret = vars
                .get(&format!("CONNECTORS_OAUTH_{key}_CLIENT_SECRET"))
                .filter(|secret| !secret.is_empty())
                .map(|secret| secrecy::SecretString::from(secret.clone()));
            clients.insert(key.to_lowercase(), (client_id.clone(), secret));
        }
        PlatformClients(clients)
    }

    /// The platform's client for the type `key`, if configured.
    pub fn get(&self, key: &str) -> Option<&(String, Option<secrecy::SecretString>)> {
        self.0.get(key)
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret;

    use super::*;

    #[test]
    fn platform_clients_come_from_prefixed_variables() {
        let vars = [
            ("CONNECTORS_OAUTH_SLACK_CLIENT_ID", "slack-id"),
            ("CONNECTORS_OAUTH_SLACK_CLIENT_SECRET", "slack-secret"),
            ("CONNECTORS_OAUTH_GITHUB_CLIENT_ID", "gh-id"),
            ("CONNECTORS_OAUTH_HUBSPOT_CLIENT_SECRET", "orphan"),
            ("CONNECTORS_OAUTH_EMPTY_CLIENT_ID", " "),
            ("OTHER", "x"),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()));
        let clients = PlatformClients::from_vars(vars.into_iter());
        let (id, secret) = clients.get("slack").expect("slack");
        assert_eq!(id, "slack-id");
        assert_eq!(
            secret
                .as_ref()
                .map(|s| s.expose_secret().to_owned())
                .as_deref(),
            Some("slack-secret")
        );
        assert!(
            clients
                .get("github")
                .is_some_and(|(_, secret)| secret.is_none())
        );
        assert!(clients.get("hubspot").is_none() && clients.get("empty").is_none());
        assert!(!format!("{clients:?}").contains("secret\""));
    }
}
