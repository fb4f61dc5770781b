//! Installed connector instances: install, read, update, status, delete, validation,
//! publish targets and the audit trail. Credentials go through the vault on the way in
//! and only their masked view comes out.

mod access;
mod agreement;
mod destinations;
pub mod lifecycle;
mod schemas;
mod secrets;
mod tokens;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use app::error::AppError;
use app::model::connector::{
    AuditEntry, Connector, ConnectorStatus, ConnectorUpdate, CredentialsView, FieldEdit,
    NewConnector, PublishTarget, Scope, ValidateConfigInput, ValidationReport,
};
use app::model::identity::Principal;
use app::model::{AuthType, ConnectorType, METHOD_FIELD};
use app::ports::ConnectorPort;
use app::schema::messages;
use async_trait::async_trait;
use secrecy::ExposeSecret;
use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use uuid::Uuid;

pub use agreement::{Agreement, KEYWORD as AGREEMENT_KEYWORD, Saving};
pub use schemas::{SchemaCache, TypeSchemas, property_names, secret_fields};
pub use secrets::Secrets;
pub use tokens::{OAuthTarget, PlatformClients, REAUTHENTICATION_NEEDED, TOKEN_FIELDS};

use self::secrets::{Changes, looks_masked, masked_view, parse_masked};
use super::catalog::{CatalogCache, CatalogSnapshot};
use super::validate::FieldErrorsBuilder;
use crate::store::{
    AuditRecord, ConnectorRecord, CredentialChange, CredentialRecord, Store, StoreError, rfc3339,
};
use crate::vault::{Binding, Vault};

/// How many audit entries one read returns at most.
const AUDIT_PAGE: i64 = 200;

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
    /// (a connection test, a token refresh), and records that in the audit trail first.
    pub async fn credentials_for_use(
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
        let entry = audit_by(
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

    fn view(
        &self,
        who: &Principal,
        record: &ConnectorRecord,
        catalog: &Catalog,
        stored: Option<&CredentialRecord>,
    ) -> Result<Connector, AppError> {
        let entry = catalog.get(&record.catalog_id).ok_or_else(|| {
            tracing::error!(connector_id = %record.id, "an instance's type is missing from the catalog");
            AppError::Internal
        })?;
        Ok(Connector {
            id: record.id,
            tenant_id: record.tenant_id,
            catalog_id: record.catalog_id,
            catalog_key: entry.key.clone(),
            catalog_name: entry.name.clone(),
            icon: entry.icon.clone(),
            name: record.name.clone(),
            description: record.description.clone(),
            status: record.status,
            scope: record.scope,
            owner_user_id: record.owner_user_id,
            allowed_roles: record.allowed_roles.clone(),
            config: record.config.clone(),
            tags: record.tags.clone(),
            credentials: stored.map(|stored| CredentialsView {
                fields: without_personal_data(who, record, parse_masked(&stored.masked)),
                needs_reentry: self.open(stored).is_none(),
            }),
            last_tested_at: record.last_tested_at.map(rfc3339),
            last_test_ok: record.last_test_ok,
            last_error: record.last_error.clone(),
            created_at: rfc3339(record.created_at),
            updated_at: rfc3339(record.updated_at),
            can_write: access::may_write(who, record),
            can_use: access::may_use(who, record),
        })
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
            |name| schemas.is_secret(name) || tokens::is_secret_token_field(name),
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

/// What another tenant is shown instead of the owning tenant's member who acted.
const OUTSIDE_ACTOR: &str = "a member of the owning tenant";

/// Whether `who` is outside the tenant that owns `record` (a `global` instance seen by
/// another tenant), and so is shown none of that tenant's personal data.
fn outsider(who: &Principal, record: &ConnectorRecord) -> bool {
    who.tenant_id != record.tenant_id
}

/// The masked credential fields, without who set them when `who` is an [`outsider`].
fn without_personal_data(
    who: &Principal,
    record: &ConnectorRecord,
    mut fields: BTreeMap<String, app::model::connector::MaskedField>,
) -> BTreeMap<String, app::model::connector::MaskedField> {
    if outsider(who, record) {
        for field in fields.values_mut() {
            field.set_by = None;
        }
    }
    fields
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

fn audit_entry(
    who: &Principal,
    record: &ConnectorRecord,
    action: &str,
    details: Value,
    at: OffsetDateTime,
) -> AuditRecord {
    audit_by(Some(who.user_id), record, action, details, at)
}

/// An audit entry about `record` by `actor` (`None`: the system).
fn audit_by(
    actor: Option<Uuid>,
    record: &ConnectorRecord,
    action: &str,
    details: Value,
    at: OffsetDateTime,
) -> AuditRecord {
    AuditRecord {
        id: Uuid::new_v4(),
        tenant_id: record.tenant_id,
        actor,
        action: action.to_owned(),
        target_type: "connector".to_owned(),
        target_id: record.id,
        at,
        details,
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
    let details = json!({ "from": record.status, "to": to, "reason": reason });
    audit.push(audit_entry(who, record, "connector.status", details, at));
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

/// Empty strings and nulls mean "not set": a form's blank optional field.
fn drop_blank(fields: &mut Map<String, Value>) {
    fields.retain(|_, value| !(value.is_null() || value.as_str() == Some("")));
}

/// Field checks of submitted credential values: known fields only, no masked values,
/// storable text.
fn check_submitted<'a>(
    errors: &mut FieldErrorsBuilder,
    schemas: &TypeSchemas,
    submitted: impl Iterator<Item = (&'a String, &'a Value)>,
) {
    for (field, value) in submitted {
        let path = format!("auth.{field}");
        if !errors.text("auth", field) {
            continue;
        }
        errors.json(&path, value);
        if !schemas.is_auth_field(field) {
            errors.add(&path, "Unknown field.");
        } else if looks_masked(value) {
            errors.add(
                &path,
                "This is the masked value of a saved secret; enter the secret itself, or keep it.",
            );
        }
    }
}

/// Top-level configuration keys whose values differ.
fn changed_config_keys(before: &Value, after: &Value) -> Vec<String> {
    let empty = Map::new();
    let before = before.as_object().unwrap_or(&empty);
    let after = after.as_object().unwrap_or(&empty);
    let mut keys: Vec<String> = before
        .keys()
        .chain(after.keys())
        .filter(|key| before.get(*key) != after.get(*key))
        .map(|key| format!("config.{key}"))
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

/// A manual status change: allowed by DESIGN.md §5, and confirmed when the last test
/// failed.
fn check_transition(
    current: &ConnectorRecord,
    to: ConnectorStatus,
    confirm: bool,
    needs_reentry: bool,
) -> Result<(), AppError> {
    current
        .status
        .manual_transition(to)
        .map_err(|refusal| AppError::Conflict(refusal.message().to_owned()))?;
    if to == ConnectorStatus::Active && current.status != ConnectorStatus::Active {
        if needs_reentry {
            return Err(AppError::Conflict(NEEDS_REENTRY.to_owned()));
        }
        let last_test_failed =
            current.last_test_ok == Some(false) || current.status == ConnectorStatus::Error;
        if last_test_failed && !confirm {
            return Err(AppError::ConfirmationRequired(
                "The last connection test of this connector failed. Activate it anyway?".into(),
            ));
        }
    }
    Ok(())
}

#[async_trait]
impl ConnectorPort for ConnectorService {
    async fn install(&self, who: &Principal, input: NewConnector) -> Result<Connector, AppError> {
        if !who.role.can_administer() {
            return Err(AppError::Forbidden);
        }
        let scope = input.scope.unwrap_or(Scope::Tenant);
        if !access::may_assign_scope(who, scope) {
            return Err(AppError::Forbidden);
        }
        let entry = self
            .resolve_type(input.catalog_id, input.catalog_key.as_deref())
            .await?;
        let schemas = self.schemas_for(&entry)?;
        let mut errors = FieldErrorsBuilder::default();
        let name = errors.name("name", &input.name).unwrap_or_default();
        let description =
            errors.description("description", input.description.as_deref().unwrap_or(""));
        let tags = errors.tags("tags", input.tags.unwrap_or_default());
        errors.json("config", &input.config);
        if input.draft {
            if !input.config.is_object() {
                errors.add("config", messages::wrong_type(&["object"]));
            }
        } else {
            errors.merge(schemas.check_config(&input.config));
        }
        let secrets = input.auth.map(|fields| {
            let mut fields = fields.0;
            drop_blank(&mut fields);
            Secrets::new(fields)
        });
        if let Some(secrets) = &secrets {
            check_submitted(&mut errors, &schemas, secrets.fields());
            errors.merge(schemas.check_auth(&secrets.as_value()));
            let both = Saving {
                config: true,
                credentials: true,
            };
            errors.merge(schemas.check_agreement(&input.config, &secrets.as_value(), both));
        }
        errors.finish("Some fields need attention.")?;

        let now = OffsetDateTime::now_utc();
        let mut allowed_roles = input.allowed_roles.unwrap_or_default();
        allowed_roles.dedup();
        let record = ConnectorRecord {
            id: Uuid::new_v4(),
            tenant_id: who.tenant_id,
            catalog_id: entry.id,
            name,
            description,
            status: lifecycle::initial(input.draft, authenticated(&entry, secrets.as_ref())),
            scope,
            owner_user_id: Some(who.user_id),
            allowed_roles,
            config: input.config,
            tags,
            last_tested_at: None,
            last_test_ok: None,
            last_error: None,
            created_at: now,
            updated_at: now,
            created_by: Some(who.user_id),
            updated_by: Some(who.user_id),
        };
        let credentials = match secrets.as_ref().filter(|s| !s.is_empty()) {
            Some(secrets) => {
                let fields: Vec<String> = secrets.names().map(str::to_owned).collect();
                Some(self.seal(Some(who), &record, &schemas, secrets, None, &fields, now)?)
            }
            None => None,
        };
        let audit = audit_entry(
            who,
            &record,
            "connector.create",
            json!({
                "name": record.name,
                "catalog_key": entry.key,
                "scope": record.scope,
                "status": record.status,
                "credential_fields": secrets.as_ref().map(|s| s.names().collect::<Vec<_>>()),
            }),
            now,
        );
        self.store
            .create_connector(&record, credentials.as_ref(), &audit)
            .await
            .map_err(name_taken(&record.name))?;
        let catalog = HashMap::from([(entry.id, entry)]);
        self.view(who, &record, &catalog, credentials.as_ref())
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
        let current = self.visible(who, id).await?;
        if !access::may_write(who, &current) {
            return Err(AppError::Forbidden);
        }
        if let Some(scope) = input.scope
            && !access::may_assign_scope(who, scope)
        {
            return Err(AppError::Forbidden);
        }
        let snapshot = self.catalog().await?;
        let catalog = &snapshot.by_id;
        let entry = catalog.get(&current.catalog_id).ok_or(AppError::Internal)?;
        let schemas = self.schemas_for(entry)?;
        let stored = self.store.credentials_of(current.tenant_id, id).await?;
        let opened = stored.as_ref().and_then(|stored| self.open(stored));
        let undecryptable = stored.is_some() && opened.is_none();
        let now = OffsetDateTime::now_utc();

        let mut errors = FieldErrorsBuilder::default();
        let mut next = current.clone();
        let mut changed: Vec<String> = Vec::new();
        if let Some(name) = &input.name
            && let Some(name) = errors.name("name", name)
            && name != next.name
        {
            next.name = name;
            changed.push("name".into());
        }
        if let Some(description) = &input.description {
            let description = errors.description("description", description);
            if description != next.description {
                next.description = description;
                changed.push("description".into());
            }
        }
        let config_saved = input.config.is_some();
        if let Some(config) = input.config {
            errors.json("config", &config);
            errors.merge(schemas.check_config(&config));
            changed.extend(changed_config_keys(&next.config, &config));
            next.config = config;
        }
        if let Some(tags) = input.tags {
            let tags = errors.tags("tags", tags);
            if tags != next.tags {
                next.tags = tags;
                changed.push("tags".into());
            }
        }
        if let Some(scope) = input.scope
            && scope != next.scope
        {
            next.scope = scope;
            next.owner_user_id = next.owner_user_id.or(Some(who.user_id));
            changed.push("scope".into());
        }
        if let Some(mut roles) = input.allowed_roles {
            roles.dedup();
            if roles != next.allowed_roles {
                next.allowed_roles = roles;
                changed.push("allowed_roles".into());
            }
        }

        // Credentials: start from what is stored (nothing, if it cannot be decrypted),
        // apply the per-field edits, and check the result as a whole.
        let mut credential_changes = Changes::default();
        let mut secrets = None;
        // The saved secrets, by name, for the rule that they go only where they were entered.
        let saved_secrets: Vec<String> = opened
            .as_ref()
            .map(|saved| {
                saved
                    .names()
                    .filter(|field| schemas.is_secret(field) || TOKEN_FIELDS.contains(field))
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        // What is saved now, for the agreement check when only the configuration changes.
        let saved_credentials = opened.as_ref().map(|saved| saved.without(&TOKEN_FIELDS));
        if let Some(edits) = input.auth {
            let edits: BTreeMap<String, FieldEdit> = edits
                .into_iter()
                .map(|(field, edit)| match edit {
                    FieldEdit::Replace { value }
                        if value.is_null() || value.as_str() == Some("") =>
                    {
                        (field, FieldEdit::Clear)
                    }
                    other => (field, other),
                })
                .collect();
            let replacements = edits.iter().filter_map(|(field, edit)| match edit {
                FieldEdit::Replace { value } => Some((field, value)),
                _ => None,
            });
            check_submitted(&mut errors, &schemas, replacements);
            let mut edited = opened.unwrap_or_else(|| Secrets::new(Map::new()));
            credential_changes = edited.apply(edits);
            if !credential_changes.is_empty() {
                if !edited.is_empty() {
                    errors.merge(schemas.check_auth(&edited.without(&TOKEN_FIELDS)));
                }
                secrets = Some(edited);
            }
        }
        // The configuration and the credentials held after this save must agree.
        let saving = Saving {
            config: config_saved,
            credentials: !credential_changes.replaced.is_empty(),
        };
        let held = match &secrets {
            Some(edited) => Some(edited.without(&TOKEN_FIELDS)),
            None => saved_credentials,
        };
        if let Some(held) = held
            && (saving.config || saving.credentials)
        {
            errors.merge(schemas.check_agreement(&next.config, &held, saving));
        }
        // Credentials go only where they were entered (see `destinations`).
        let kept_secret = saved_secrets.iter().any(|field| {
            !credential_changes.replaced.contains(field)
                && !credential_changes.cleared.contains(field)
        });
        if kept_secret {
            for field in destinations::moved(entry, &current.config, &next.config) {
                errors.add(&field, destinations::KEEP_REFUSED);
            }
        }
        errors.finish("Some fields need attention.")?;

        let mut audit = Vec::new();
        if !changed.is_empty() {
            audit.push(audit_entry(
                who,
                &next,
                "connector.update",
                json!({ "changed": changed }),
                now,
            ));
        }
        let mut put = None;
        let mut remove = false;
        if let Some(secrets) = &secrets {
            if secrets.is_empty() {
                remove = stored.is_some();
            } else {
                put = Some(self.seal(
                    Some(who),
                    &next,
                    &schemas,
                    secrets,
                    stored.as_ref(),
                    &credential_changes.replaced,
                    now,
                )?);
            }
            for (action, fields) in [
                ("credentials.replace", &credential_changes.replaced),
                ("credentials.clear", &credential_changes.cleared),
            ] {
                if !fields.is_empty() {
                    audit.push(audit_entry(
                        who,
                        &next,
                        action,
                        json!({ "fields": fields }),
                        now,
                    ));
                }
            }
            let changed_credentials = lifecycle::Event::CredentialsChanged {
                authenticated: authenticated(entry, Some(secrets).filter(|s| !s.is_empty())),
                config_complete: schemas.check_config(&next.config).is_empty(),
            };
            if let Some(moved) = lifecycle::next(next.status, changed_credentials) {
                move_status(who, &mut next, moved.to, moved.reason, now, &mut audit);
            }
        }
        // A draft whose configuration is now complete, and whose credentials already
        // were (or that needs none), has finished setup.
        if secrets.is_none()
            && changed.iter().any(|field| field.starts_with("config."))
            && next.status == ConnectorStatus::Pending
            && schemas.check_config(&next.config).is_empty()
        {
            let saved = stored.as_ref().and_then(|stored| self.open(stored));
            let completed = lifecycle::Event::ConfigurationCompleted {
                authenticated: authenticated(entry, saved.as_ref().filter(|s| !s.is_empty())),
            };
            if let Some(moved) = lifecycle::next(next.status, completed) {
                move_status(who, &mut next, moved.to, moved.reason, now, &mut audit);
            }
        }
        if let Some(to) = input.status {
            let needs_reentry = undecryptable && secrets.is_none();
            check_transition(&next, to, input.confirm, needs_reentry)?;
            if to != next.status {
                audit.push(audit_entry(
                    who,
                    &next,
                    "connector.status",
                    json!({ "from": next.status, "to": to, "confirmed": input.confirm }),
                    now,
                ));
                next.status = to;
            }
        }
        if audit.is_empty() {
            return self.view(who, &current, catalog, stored.as_ref());
        }
        next.updated_at = now;
        next.updated_by = Some(who.user_id);
        let change = match (&put, remove) {
            (Some(record), _) => CredentialChange::Put(record),
            (None, true) => CredentialChange::Remove,
            (None, false) => CredentialChange::Keep,
        };
        let saved = self
            .store
            .update_connector(&next, change, &audit)
            .await
            .map_err(name_taken(&next.name))?;
        if !saved {
            return Err(not_found());
        }
        let shown = if remove {
            None
        } else {
            put.as_ref().or(stored.as_ref())
        };
        self.view(who, &next, catalog, shown)
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
        let audit = audit_entry(
            who,
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

    /// The trail of one instance.
    ///
    /// **Who sees what.** Members of the owning tenant see every entry whole: the acting
    /// member's email and the details. Another tenant may see a `global` instance, and so
    /// its trail, but it sees no personal data of the owning tenant: what happened and
    /// when, with the actor shown as "a member of the owning tenant" (absent, as always,
    /// for the system) and `details` empty, since details name people's doings in the
    /// owning tenant's words (reasons, changed fields, purposes) and are not the other
    /// tenant's business. The owning tenant's member list is not even read for them.
    async fn audit(
        &self,
        who: &Principal,
        connector_id: Uuid,
    ) -> Result<Vec<AuditEntry>, AppError> {
        // A deleted instance's trail stays readable to the tenant's owners and admins.
        let tenant_id = match self.store.connector(who.tenant_id, connector_id).await? {
            Some(record) if access::may_see(who, &record) => record.tenant_id,
            None if who.role.can_administer() => who.tenant_id,
            _ => return Err(not_found()),
        };
        let entries = self
            .store
            .audit_entries(tenant_id, connector_id, AUDIT_PAGE)
            .await?;
        if entries.is_empty() {
            return Err(not_found());
        }
        let insider = tenant_id == who.tenant_id;
        let emails: HashMap<Uuid, String> = if insider {
            self.store
                .members_of(tenant_id)
                .await?
                .into_iter()
                .map(|member| (member.user_id, member.email))
                .collect()
        } else {
            HashMap::new()
        };
        Ok(entries
            .into_iter()
            .map(|entry| AuditEntry {
                id: entry.id,
                at: rfc3339(entry.at),
                actor: entry.actor.map(|actor| match emails.get(&actor) {
                    Some(email) => email.clone(),
                    None if insider => actor.to_string(),
                    None => OUTSIDE_ACTOR.to_owned(),
                }),
                action: entry.action,
                target_type: entry.target_type,
                target_id: entry.target_id,
                details: if insider { entry.details } else { json!({}) },
            })
            .collect())
    }
}
