//! What the OAuth service needs from the connector service: the instance with its type
//! and stored client fields (an [`OAuthTarget`]), and saving the tokens a sign-in or a
//! refresh brings, kept here so that the rules for credentials stay in one place.

use std::collections::BTreeMap;

use app::error::AppError;
use app::model::ConnectorType;
use app::model::connector::FieldEdit;
use app::model::identity::Principal;
use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use uuid::Uuid;

use super::lifecycle::{self, Event};
use super::{ConnectorService, Secrets, access, move_status};
use crate::service::audit::{self, StatusCause};
use crate::store::storable_lossy;
use crate::store::{ConnectorRecord, CredentialChange};

pub use app::model::connector::OAUTH_TOKEN_FIELDS as TOKEN_FIELDS;

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
        let mut audit = vec![audit::entry(
            by.map(|who| who.user_id),
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
    /// again. Sets `error` with "Re-authentication needed" (docs/decisions.md, OAuth).
    pub async fn mark_reauthentication_needed(
        &self,
        target: &OAuthTarget,
        reason: &str,
    ) -> Result<(), AppError> {
        let now = OffsetDateTime::now_utc();
        let mut next = target.record.clone();
        let mut audit = Vec::new();
        if let Some(moved) = lifecycle::next(next.status, Event::RefreshRefused) {
            // The provider's refusal says more than the rule's name.
            let cause = StatusCause::Rule(reason);
            audit.push(audit::status_change(None, &next, moved.to, cause, now));
            next.status = moved.to;
        }
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
