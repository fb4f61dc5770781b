//! Installed connector instances: install, read, update, status, delete, validation,
//! publish targets and the audit trail. Credentials go through the vault on the way in
//! and only their masked view comes out.
//!
//! Slightly over ~400 lines: the port's methods and the helpers every step uses; the longer
//! operations have files of their own.

mod access;
mod agreement;
mod destinations;
mod install;
pub mod lifecycle;
mod oauth_tokens;
mod platform_clients;
mod schemas;
mod secrets;
mod shown;
mod update;
mod uses;

use std::collections::HashMap;
use std::sync::Arc;

use app::error::AppError;
use app::model::connector::{
    AuditEntry, Connector, ConnectorStatus, ConnectorUpdate, NewConnector, PublishTarget,
    ValidateConfigInput, ValidationReport, is_secret_token_field,
};
use app::model::identity::Principal;
use app::model::{AuthType, ConnectorType, METHOD_FIELD};
use app::ports::ConnectorPort;
use async_trait::async_trait;
use secrecy::ExposeSecret;
use serde_json::{Value, json};
use time::OffsetDateTime;
use uuid::Uuid;

pub use agreement::{Agreement, KEYWORD as AGREEMENT_KEYWORD, Saving};
pub use oauth_tokens::{OAuthTarget, REAUTHENTICATION_NEEDED, TOKEN_FIELDS};
pub use platform_clients::PlatformClients;
pub use schemas::{SchemaCache, TypeSchemas, property_names, secret_fields};
pub use secrets::Secrets;

use self::secrets::{masked_view, parse_masked};
use super::catalog::{CatalogCache, CatalogSnapshot};
use crate::service::audit::{self, StatusCause};
use crate::store::{AuditRecord, ConnectorRecord, CredentialRecord, Store, StoreError, rfc3339};
use crate::vault::{Binding, Vault};

pub struct ConnectorService {
    store: Arc<dyn Store>,
    vault: Arc<Vault>,
    schemas: SchemaCache,
    catalog: Arc<CatalogCache>,
}

/// The catalog by type id.
type Catalog = HashMap<Uuid, ConnectorType>;

impl ConnectorService {
    /// A service with a catalog cache of its own.
    pub fn new(store: Arc<dyn Store>, vault: Arc<Vault>) -> Self {
        let catalog = Arc::new(CatalogCache::new(store.clone()));
        Self::with_catalog(store, vault, catalog)
    }

    /// A service sharing `catalog` with the catalog service.
    pub fn with_catalog(
        store: Arc<dyn Store>,
        vault: Arc<Vault>,
        catalog: Arc<CatalogCache>,
    ) -> Self {
        ConnectorService {
            store,
            vault,
            schemas: SchemaCache::default(),
            catalog,
        }
    }

    /// Decrypts an instance's credentials so another part of the platform can use them
    /// (a connection test, a token refresh), and records that in the audit trail first. The
    /// credentials as stored: an access token is not refreshed (that is
    /// [`crate::service::OAuthService::fresh_credentials_for_use`]).
    pub async fn stored_credentials_for_use(
        &self,
        who: &Principal,
        id: Uuid,
        purpose: &str,
    ) -> Result<Secrets, AppError> {
        let record = self.visible(who, id).await?;
        if !access::may_use(who, &record) {
            return Err(AppError::Forbidden);
        }
        let stored = self
            .store
            .credentials_of(record.tenant_id, id)
            .await?
            .ok_or_else(|| AppError::Conflict("This connector has no credentials yet.".into()))?;
        self.open_for_use(Some(who.user_id), &record, &stored, purpose)
            .await
    }

    /// Decrypts stored credentials for a use by `actor` (`None`: the system), audited
    /// before the secret is returned.
    async fn open_for_use(
        &self,
        actor: Option<Uuid>,
        record: &ConnectorRecord,
        stored: &CredentialRecord,
        purpose: &str,
    ) -> Result<Secrets, AppError> {
        let secrets = self.open(stored).ok_or_else(|| {
            tracing::warn!(connector_id = %record.id, "stored credentials cannot be decrypted");
            AppError::Conflict(NEEDS_REENTRY.into())
        })?;
        let entry = audit::entry(
            actor,
            record,
            "credentials.decrypt",
            json!({ "purpose": purpose }),
            OffsetDateTime::now_utc(),
        );
        self.store.append_audit(&entry).await?;
        Ok(secrets)
    }

    /// The credentials of every instance the caller's tenant can see, by instance id.
    async fn credentials_by_connector(
        &self,
        who: &Principal,
    ) -> Result<HashMap<Uuid, CredentialRecord>, AppError> {
        Ok(self
            .store
            .credentials_visible_to(who.tenant_id)
            .await?
            .into_iter()
            .map(|stored| (stored.connector_id, stored))
            .collect())
    }

    async fn catalog(&self) -> Result<Arc<CatalogSnapshot>, AppError> {
        self.catalog.snapshot().await
    }

    async fn resolve_type(
        &self,
        id: Option<Uuid>,
        key: Option<&str>,
    ) -> Result<ConnectorType, AppError> {
        let found = match (id, key) {
            (Some(id), _) => self.catalog().await?.by_id.get(&id).cloned(),
            (None, Some(key)) => self.catalog().await?.by_key(key).cloned(),
            (None, None) => {
                return Err(AppError::invalid_field(
                    "catalog_key",
                    "Choose a connector type (catalog_key or catalog_id).",
                ));
            }
        };
        found.ok_or_else(|| {
            let field = if id.is_some() {
                "catalog_id"
            } else {
                "catalog_key"
            };
            AppError::invalid_field(field, "No connector type has this key or id.")
        })
    }

    fn schemas_for(&self, entry: &ConnectorType) -> Result<Arc<TypeSchemas>, AppError> {
        self.schemas.get(entry).map_err(|error| {
            tracing::error!(%error, "a stored connector type's schema does not compile");
            AppError::Internal
        })
    }

    /// The instance, if the caller may see it; otherwise `NotFound`, as if it did not exist.
    async fn visible(&self, who: &Principal, id: Uuid) -> Result<ConnectorRecord, AppError> {
        self.store
            .connector(who.tenant_id, id)
            .await?
            .filter(|record| access::may_see(who, record))
            .ok_or_else(not_found)
    }

    fn open(&self, stored: &CredentialRecord) -> Option<Secrets> {
        let binding = Binding {
            tenant_id: stored.tenant_id,
            connector_id: stored.connector_id,
        };
        let plaintext = self.vault.open(&stored.sealed, binding).ok()?;
        Secrets::from_plaintext(&plaintext)
    }

    /// Seals `secrets` for the instance, keeping the row id, creation facts and token
    /// expiry of the credentials it replaces. `by` is `None` for the system (a refresh).
    #[allow(clippy::too_many_arguments)]
    fn seal(
        &self,
        by: Option<&Principal>,
        record: &ConnectorRecord,
        schemas: &TypeSchemas,
        secrets: &Secrets,
        previous: Option<&CredentialRecord>,
        changed: &[String],
        now: OffsetDateTime,
    ) -> Result<CredentialRecord, AppError> {
        let binding = Binding {
            tenant_id: record.tenant_id,
            connector_id: record.id,
        };
        let plaintext = secrets.to_plaintext();
        let sealed = self
            .vault
            .seal(plaintext.expose_secret(), binding)
            .map_err(|error| {
                tracing::error!(%error, "cannot seal credentials");
                AppError::Internal
            })?;
        let previous_masked = previous
            .filter(|stored| self.open(stored).is_some())
            .map(|stored| parse_masked(&stored.masked))
            .unwrap_or_default();
        let masked = masked_view(
            secrets,
            |name| schemas.is_secret(name) || is_secret_token_field(name),
            &previous_masked,
            changed,
            &rfc3339(now),
            by.map(|who| who.email.as_str()),
        );
        Ok(CredentialRecord {
            id: previous.map_or_else(Uuid::new_v4, |stored| stored.id),
            tenant_id: record.tenant_id,
            connector_id: record.id,
            sealed,
            masked: serde_json::to_value(masked).unwrap_or_else(|_| json!({})),
            expires_at: previous.and_then(|stored| stored.expires_at),
            refreshed_at: previous.and_then(|stored| stored.refreshed_at),
            created_at: previous.map_or(now, |stored| stored.created_at),
            updated_at: now,
            created_by: previous.map_or(by.map(|who| who.user_id), |stored| stored.created_by),
            updated_by: by.map(|who| who.user_id),
        })
    }
}

const NEEDS_REENTRY: &str =
    "This connector's stored credentials cannot be decrypted; enter them again.";

fn not_found() -> AppError {
    AppError::NotFound("No connector with this id.".into())
}

fn name_taken(name: &str) -> impl FnOnce(StoreError) -> AppError + '_ {
    move |error| match error {
        StoreError::Conflict(_) => AppError::NameTaken(format!(
            "A connector named \u{201c}{name}\u{201d} already exists in this tenant; choose another name."
        )),
        other => other.into(),
    }
}

/// A status change the system makes (not a person's choice), with its audit entry.
fn move_status(
    who: &Principal,
    record: &mut ConnectorRecord,
    to: ConnectorStatus,
    reason: &str,
    at: OffsetDateTime,
    audit: &mut Vec<AuditRecord>,
) {
    let cause = StatusCause::Rule(reason);
    audit.push(audit::status_change(
        Some(who.user_id),
        record,
        to,
        cause,
        at,
    ));
    record.status = to;
}

/// Whether the instance still waits for an OAuth authorization to complete (issue: OAuth).
fn awaits_oauth(entry: &ConnectorType, secrets: &Secrets) -> bool {
    let chosen = secrets.get(METHOD_FIELD).and_then(Value::as_str);
    entry.signs_in_with_oauth(chosen) && secrets.get("access_token").is_none()
}

/// Whether an instance holding `secrets` (none, or none left) can sign in: its type needs
/// no credentials, or they do not wait for an OAuth sign-in.
fn authenticated(entry: &ConnectorType, secrets: Option<&Secrets>) -> bool {
    match secrets {
        None => entry.auth_type == AuthType::None,
        Some(secrets) => !awaits_oauth(entry, secrets),
    }
}

#[async_trait]
impl ConnectorPort for ConnectorService {
    async fn install(&self, who: &Principal, input: NewConnector) -> Result<Connector, AppError> {
        self.install_instance(who, input).await
    }

    async fn list(&self, who: &Principal) -> Result<Vec<Connector>, AppError> {
        let catalog = self.catalog().await?;
        let credentials = self.credentials_by_connector(who).await?;
        self.store
            .connectors(who.tenant_id)
            .await?
            .iter()
            .filter(|record| access::may_see(who, record))
            .map(|record| self.view(who, record, &catalog.by_id, credentials.get(&record.id)))
            .collect()
    }

    async fn get(&self, who: &Principal, id: Uuid) -> Result<Connector, AppError> {
        let record = self.visible(who, id).await?;
        let stored = self.store.credentials_of(record.tenant_id, id).await?;
        self.view(who, &record, &self.catalog().await?.by_id, stored.as_ref())
    }

    async fn update(
        &self,
        who: &Principal,
        id: Uuid,
        input: ConnectorUpdate,
    ) -> Result<Connector, AppError> {
        self.update_instance(who, id, input).await
    }

    async fn set_status(
        &self,
        who: &Principal,
        id: Uuid,
        status: ConnectorStatus,
        confirm: bool,
    ) -> Result<Connector, AppError> {
        let update = ConnectorUpdate {
            status: Some(status),
            confirm,
            ..ConnectorUpdate::default()
        };
        self.update(who, id, update).await
    }

    async fn delete(&self, who: &Principal, id: Uuid) -> Result<(), AppError> {
        let record = self.visible(who, id).await?;
        if !access::may_write(who, &record) {
            return Err(AppError::Forbidden);
        }
        let audit = audit::entry(
            Some(who.user_id),
            &record,
            "connector.delete",
            json!({ "name": record.name }),
            OffsetDateTime::now_utc(),
        );
        if self
            .store
            .delete_connector(record.tenant_id, id, &audit)
            .await?
        {
            Ok(())
        } else {
            Err(not_found())
        }
    }

    async fn validate_config(
        &self,
        _who: &Principal,
        input: ValidateConfigInput,
    ) -> Result<ValidationReport, AppError> {
        let entry = self.resolve_type(None, Some(&input.catalog_key)).await?;
        let errors = self.schemas_for(&entry)?.check_config(&input.config);
        Ok(ValidationReport {
            valid: errors.is_empty(),
            errors,
        })
    }

    async fn publish_targets(&self, who: &Principal) -> Result<Vec<PublishTarget>, AppError> {
        let catalog = self.catalog().await?;
        let credentials = self.credentials_by_connector(who).await?;
        Ok(self
            .store
            .connectors(who.tenant_id)
            .await?
            .into_iter()
            .filter(|record| {
                record.status == ConnectorStatus::Active
                    && access::may_use(who, record)
                    && credentials
                        .get(&record.id)
                        .is_none_or(|stored| self.open(stored).is_some())
            })
            .filter_map(|record| {
                let entry = catalog.by_id.get(&record.catalog_id)?;
                Some(PublishTarget {
                    id: record.id,
                    name: record.name,
                    catalog_key: entry.key.clone(),
                    capabilities: entry.capabilities.clone(),
                })
            })
            .collect())
    }

    /// The trail of one instance: see [`ConnectorService::audit_trail`].
    async fn audit(
        &self,
        who: &Principal,
        connector_id: Uuid,
    ) -> Result<Vec<AuditEntry>, AppError> {
        self.audit_trail(who, connector_id).await
    }
}
