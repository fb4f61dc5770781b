//! Connector instances, their sealed credentials and the audit trail. Every change to an
//! instance writes its audit entries in the same transaction.

use app::model::connector::{ConnectorStatus, Scope};
use app::model::identity::Role;
use async_trait::async_trait;
use serde_json::Value;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{Sealed, StoreError};

#[derive(Clone, Debug, PartialEq)]
pub struct ConnectorRecord {
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub catalog_id: Uuid,
    pub name: String,
    pub description: String,
    pub status: ConnectorStatus,
    pub scope: Scope,
    pub owner_user_id: Option<Uuid>,
    /// Roles that may use the instance; empty means every role.
    pub allowed_roles: Vec<Role>,
    /// Validated against the type's config schema; never holds credential values.
    pub config: Value,
    pub tags: Vec<String>,
    pub last_tested_at: Option<OffsetDateTime>,
    pub last_test_ok: Option<bool>,
    pub last_error: Option<String>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub created_by: Option<Uuid>,
    pub updated_by: Option<Uuid>,
}

/// An instance's credentials: every secret field sealed together by the vault, plus the
/// masked view (per field: set, hint, set_at, set_by) that responses may show.
#[derive(Clone, Debug, PartialEq)]
pub struct CredentialRecord {
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub connector_id: Uuid,
    pub sealed: Sealed,
    pub masked: Value,
    pub expires_at: Option<OffsetDateTime>,
    pub refreshed_at: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub created_by: Option<Uuid>,
    pub updated_by: Option<Uuid>,
}

/// One entry of the audit trail. `details` never holds secret values.
#[derive(Clone, Debug, PartialEq)]
pub struct AuditRecord {
    pub id: Uuid,
    pub tenant_id: Uuid,
    /// The user who acted; `None` for the system (health checks, token refresh).
    pub actor: Option<Uuid>,
    /// e.g. `connector.create`, `connector.status`, `credentials.replace`.
    pub action: String,
    pub target_type: String,
    pub target_id: Uuid,
    pub at: OffsetDateTime,
    pub details: Value,
}

/// What an update does to the instance's credentials.
#[derive(Clone, Copy, Debug)]
pub enum CredentialChange<'a> {
    Keep,
    Put(&'a CredentialRecord),
    Remove,
}

#[async_trait]
pub trait ConnectorStore: Send + Sync {
    /// Creates the instance (and its credentials); `Conflict` when the tenant already has
    /// an instance of that name, ignoring case.
    async fn create_connector(
        &self,
        connector: &ConnectorRecord,
        credentials: Option<&CredentialRecord>,
        audit: &AuditRecord,
    ) -> Result<(), StoreError>;

    /// One instance the tenant can see: its own, or a global one. Another tenant's
    /// instance is `None`, exactly like one that does not exist.
    async fn connector(
        &self,
        tenant_id: Uuid,
        id: Uuid,
    ) -> Result<Option<ConnectorRecord>, StoreError>;

    /// The tenant's instances and the global ones, by name.
    async fn connectors(&self, tenant_id: Uuid) -> Result<Vec<ConnectorRecord>, StoreError>;

    /// Saves the instance (matched by id and tenant) and applies the credential change;
    /// false, writing nothing, when the tenant has no such instance.
    async fn update_connector(
        &self,
        connector: &ConnectorRecord,
        credentials: CredentialChange<'_>,
        audit: &[AuditRecord],
    ) -> Result<bool, StoreError>;

    /// Deletes the tenant's instance and its credentials; false when there is none.
    async fn delete_connector(
        &self,
        tenant_id: Uuid,
        id: Uuid,
        audit: &AuditRecord,
    ) -> Result<bool, StoreError>;

    async fn credentials_of(
        &self,
        tenant_id: Uuid,
        connector_id: Uuid,
    ) -> Result<Option<CredentialRecord>, StoreError>;

    /// Credentials of every instance the tenant can see: its own and the global ones.
    async fn credentials_visible_to(
        &self,
        tenant_id: Uuid,
    ) -> Result<Vec<CredentialRecord>, StoreError>;

    /// Appends one audit entry on its own (e.g. a decryption for use).
    async fn append_audit(&self, entry: &AuditRecord) -> Result<(), StoreError>;

    /// Audit entries about one target in the tenant, newest first.
    async fn audit_entries(
        &self,
        tenant_id: Uuid,
        target_id: Uuid,
        limit: i64,
    ) -> Result<Vec<AuditRecord>, StoreError>;
}
