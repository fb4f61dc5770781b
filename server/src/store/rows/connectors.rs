//! Rows of connector instances, credentials and audit entries.

use app::model::connector::{ConnectorStatus, Scope};
use app::model::identity::Role;
use serde_json::Value;
use sqlx::types::Json;
use time::OffsetDateTime;

use super::{optional_uuid, role_column, string_list, uuid_column};
use crate::store::{AuditRecord, ConnectorRecord, CredentialRecord, Sealed, StoreError};

#[derive(sqlx::FromRow)]
pub(crate) struct ConnectorRow {
    pub id: String,
    pub tenant_id: String,
    pub catalog_id: String,
    pub name: String,
    pub description: String,
    pub status: String,
    pub scope: String,
    pub owner_user_id: Option<String>,
    pub allowed_roles: Json<Value>,
    pub config: Json<Value>,
    pub tags: Json<Value>,
    pub last_tested_at: Option<OffsetDateTime>,
    pub last_test_ok: Option<bool>,
    pub last_error: Option<String>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub created_by: Option<String>,
    pub updated_by: Option<String>,
}

impl TryFrom<ConnectorRow> for ConnectorRecord {
    type Error = StoreError;

    fn try_from(row: ConnectorRow) -> Result<Self, StoreError> {
        let table = "connectors";
        let allowed_roles = string_list(table, row.allowed_roles.0)?
            .iter()
            .map(|role| role_column(table, role))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ConnectorRecord {
            id: uuid_column(table, &row.id)?,
            tenant_id: uuid_column(table, &row.tenant_id)?,
            catalog_id: uuid_column(table, &row.catalog_id)?,
            name: row.name,
            description: row.description,
            status: ConnectorStatus::parse(&row.status).ok_or_else(|| {
                StoreError::Corrupt(format!("{table}: unknown status {:?}", row.status))
            })?,
            scope: Scope::parse(&row.scope).ok_or_else(|| {
                StoreError::Corrupt(format!("{table}: unknown scope {:?}", row.scope))
            })?,
            owner_user_id: optional_uuid(table, row.owner_user_id)?,
            allowed_roles,
            config: row.config.0,
            tags: string_list(table, row.tags.0)?,
            last_tested_at: row.last_tested_at,
            last_test_ok: row.last_test_ok,
            last_error: row.last_error,
            created_at: row.created_at,
            updated_at: row.updated_at,
            created_by: optional_uuid(table, row.created_by)?,
            updated_by: optional_uuid(table, row.updated_by)?,
        })
    }
}

/// Roles as stored: a JSON array of role names.
pub(crate) fn roles_json(roles: &[Role]) -> Json<Vec<&'static str>> {
    Json(roles.iter().map(|role| role.as_str()).collect())
}

#[derive(sqlx::FromRow)]
pub(crate) struct CredentialRow {
    pub id: String,
    pub tenant_id: String,
    pub connector_id: String,
    pub key_id: String,
    pub nonce: Vec<u8>,
    pub ciphertext: Vec<u8>,
    pub masked: Json<Value>,
    pub expires_at: Option<OffsetDateTime>,
    pub refreshed_at: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub created_by: Option<String>,
    pub updated_by: Option<String>,
}

impl TryFrom<CredentialRow> for CredentialRecord {
    type Error = StoreError;

    fn try_from(row: CredentialRow) -> Result<Self, StoreError> {
        let table = "credentials";
        Ok(CredentialRecord {
            id: uuid_column(table, &row.id)?,
            tenant_id: uuid_column(table, &row.tenant_id)?,
            connector_id: uuid_column(table, &row.connector_id)?,
            sealed: Sealed {
                key_id: row.key_id,
                nonce: row.nonce,
                ciphertext: row.ciphertext,
            },
            masked: row.masked.0,
            expires_at: row.expires_at,
            refreshed_at: row.refreshed_at,
            created_at: row.created_at,
            updated_at: row.updated_at,
            created_by: optional_uuid(table, row.created_by)?,
            updated_by: optional_uuid(table, row.updated_by)?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct AuditRow {
    pub id: String,
    pub tenant_id: String,
    pub actor: Option<String>,
    pub action: String,
    pub target_type: String,
    pub target_id: String,
    pub at: OffsetDateTime,
    pub details: Json<Value>,
}

impl TryFrom<AuditRow> for AuditRecord {
    type Error = StoreError;

    fn try_from(row: AuditRow) -> Result<Self, StoreError> {
        let table = "audit_log";
        Ok(AuditRecord {
            id: uuid_column(table, &row.id)?,
            tenant_id: uuid_column(table, &row.tenant_id)?,
            actor: optional_uuid(table, row.actor)?,
            action: row.action,
            target_type: row.target_type,
            target_id: uuid_column(table, &row.target_id)?,
            at: row.at,
            details: row.details.0,
        })
    }
}
