//! [`ConnectorStore`](crate::store::ConnectorStore) on PostgreSQL: connector instances,
//! their credentials and the audit trail.

use async_trait::async_trait;
use sqlx::types::Json;
use uuid::Uuid;

use super::{PostgresStore, Tx, opt_uuid_arg, uuid_arg};
use crate::store::names::name_key;
use crate::store::rows::{AuditRow, ConnectorRow, CredentialRow, convert_all, roles_json};
use crate::store::sealed::BindSealed;
use crate::store::{
    AuditRecord, ConnectorRecord, ConnectorStore, CredentialChange, CredentialRecord, StoreError,
};

macro_rules! connector_select {
    () => {
        "SELECT id::text AS id, tenant_id::text AS tenant_id, catalog_id::text AS catalog_id, name, description, \
         status, scope, owner_user_id::text AS owner_user_id, allowed_roles, config, tags, last_tested_at, \
         last_test_ok, last_error, created_at, updated_at, created_by::text AS created_by, \
         updated_by::text AS updated_by FROM connectors"
    };
}

#[async_trait]
impl ConnectorStore for PostgresStore {
    async fn create_connector(
        &self,
        connector: &ConnectorRecord,
        credentials: Option<&CredentialRecord>,
        audit: &AuditRecord,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO connectors (id, tenant_id, catalog_id, name, description, status, scope, owner_user_id, \
             allowed_roles, config, tags, last_tested_at, last_test_ok, last_error, created_at, updated_at, \
             created_by, updated_by, name_key) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)",
        )
        .bind(uuid_arg(connector.id))
        .bind(uuid_arg(connector.tenant_id))
        .bind(uuid_arg(connector.catalog_id))
        .bind(&connector.name)
        .bind(&connector.description)
        .bind(connector.status.as_str())
        .bind(connector.scope.as_str())
        .bind(opt_uuid_arg(connector.owner_user_id))
        .bind(roles_json(&connector.allowed_roles))
        .bind(Json(&connector.config))
        .bind(Json(&connector.tags))
        .bind(connector.last_tested_at)
        .bind(connector.last_test_ok)
        .bind(&connector.last_error)
        .bind(connector.created_at)
        .bind(connector.updated_at)
        .bind(opt_uuid_arg(connector.created_by))
        .bind(opt_uuid_arg(connector.updated_by))
        .bind(name_key(&connector.name))
        .execute(&mut *tx)
        .await?;
        if let Some(credentials) = credentials {
            put_credentials(&mut tx, credentials).await?;
        }
        insert_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn connector(
        &self,
        tenant_id: Uuid,
        id: Uuid,
    ) -> Result<Option<ConnectorRecord>, StoreError> {
        let row: Option<ConnectorRow> = sqlx::query_as(concat!(
            connector_select!(),
            " WHERE id = $1 AND (tenant_id = $2 OR scope = 'global')"
        ))
        .bind(uuid_arg(id))
        .bind(uuid_arg(tenant_id))
        .fetch_optional(&self.pool)
        .await?;
        row.map(ConnectorRecord::try_from).transpose()
    }

    async fn connectors(&self, tenant_id: Uuid) -> Result<Vec<ConnectorRecord>, StoreError> {
        let rows: Vec<ConnectorRow> = sqlx::query_as(concat!(
            connector_select!(),
            " WHERE tenant_id = $1 OR scope = 'global' ORDER BY lower(name), id"
        ))
        .bind(uuid_arg(tenant_id))
        .fetch_all(&self.pool)
        .await?;
        convert_all(rows)
    }

    async fn update_connector(
        &self,
        connector: &ConnectorRecord,
        credentials: CredentialChange<'_>,
        audit: &[AuditRecord],
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE connectors SET name = $3, description = $4, status = $5, scope = $6, owner_user_id = $7, \
             allowed_roles = $8, config = $9, tags = $10, last_tested_at = $11, last_test_ok = $12, \
             last_error = $13, updated_at = $14, updated_by = $15, name_key = $16 \
             WHERE id = $1 AND tenant_id = $2",
        )
        .bind(uuid_arg(connector.id))
        .bind(uuid_arg(connector.tenant_id))
        .bind(&connector.name)
        .bind(&connector.description)
        .bind(connector.status.as_str())
        .bind(connector.scope.as_str())
        .bind(opt_uuid_arg(connector.owner_user_id))
        .bind(roles_json(&connector.allowed_roles))
        .bind(Json(&connector.config))
        .bind(Json(&connector.tags))
        .bind(connector.last_tested_at)
        .bind(connector.last_test_ok)
        .bind(&connector.last_error)
        .bind(connector.updated_at)
        .bind(opt_uuid_arg(connector.updated_by))
        .bind(name_key(&connector.name))
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            // Explicitly: a dropped transaction only queues its ROLLBACK, and until then
            // keeps its locks (PostgreSQL's advisory lock, SQLite's write lock).
            tx.rollback().await?;
            return Ok(false);
        }
        match credentials {
            CredentialChange::Keep => {}
            CredentialChange::Put(credentials) => put_credentials(&mut tx, credentials).await?,
            CredentialChange::Remove => {
                sqlx::query("DELETE FROM credentials WHERE connector_id = $1")
                    .bind(uuid_arg(connector.id))
                    .execute(&mut *tx)
                    .await?;
            }
        }
        for entry in audit {
            insert_audit(&mut tx, entry).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    async fn delete_connector(
        &self,
        tenant_id: Uuid,
        id: Uuid,
        audit: &AuditRecord,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query("DELETE FROM connectors WHERE id = $1 AND tenant_id = $2")
            .bind(uuid_arg(id))
            .bind(uuid_arg(tenant_id))
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            // Explicitly: a dropped transaction only queues its ROLLBACK, and until then
            // keeps its locks (PostgreSQL's advisory lock, SQLite's write lock).
            tx.rollback().await?;
            return Ok(false);
        }
        insert_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn credentials_of(
        &self,
        tenant_id: Uuid,
        connector_id: Uuid,
    ) -> Result<Option<CredentialRecord>, StoreError> {
        let row: Option<CredentialRow> = sqlx::query_as(concat!(
            credential_select!(),
            " WHERE tenant_id = $1 AND connector_id = $2"
        ))
        .bind(uuid_arg(tenant_id))
        .bind(uuid_arg(connector_id))
        .fetch_optional(&self.pool)
        .await?;
        row.map(CredentialRecord::try_from).transpose()
    }

    async fn credentials_visible_to(
        &self,
        tenant_id: Uuid,
    ) -> Result<Vec<CredentialRecord>, StoreError> {
        let rows: Vec<CredentialRow> = sqlx::query_as(concat!(
            credential_select!(),
            " WHERE connector_id IN (SELECT id FROM connectors WHERE tenant_id = $1 OR scope = 'global')"
        ))
        .bind(uuid_arg(tenant_id))
        .fetch_all(&self.pool)
        .await?;
        convert_all(rows)
    }

    async fn append_audit(&self, entry: &AuditRecord) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        insert_audit(&mut tx, entry).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn audit_entries(
        &self,
        tenant_id: Uuid,
        target_id: Uuid,
        limit: i64,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        let rows: Vec<AuditRow> = sqlx::query_as(
            "SELECT id::text AS id, tenant_id::text AS tenant_id, actor::text AS actor, action, target_type, \
             target_id::text AS target_id, at, details FROM audit_log \
             WHERE tenant_id = $1 AND target_id = $2 ORDER BY at DESC, id LIMIT $3",
        )
        .bind(uuid_arg(tenant_id))
        .bind(uuid_arg(target_id))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        convert_all(rows)
    }
}

async fn put_credentials(
    tx: &mut Tx<'_>,
    credentials: &CredentialRecord,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO credentials (id, tenant_id, connector_id, key_id, nonce, ciphertext, masked, expires_at, \
         refreshed_at, created_at, updated_at, created_by, updated_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
         ON CONFLICT (connector_id) DO UPDATE SET key_id = excluded.key_id, nonce = excluded.nonce, \
         ciphertext = excluded.ciphertext, masked = excluded.masked, expires_at = excluded.expires_at, \
         refreshed_at = excluded.refreshed_at, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
    )
    .bind(uuid_arg(credentials.id))
    .bind(uuid_arg(credentials.tenant_id))
    .bind(uuid_arg(credentials.connector_id))
    .bind_sealed(&credentials.sealed)
    .bind(Json(&credentials.masked))
    .bind(credentials.expires_at)
    .bind(credentials.refreshed_at)
    .bind(credentials.created_at)
    .bind(credentials.updated_at)
    .bind(opt_uuid_arg(credentials.created_by))
    .bind(opt_uuid_arg(credentials.updated_by))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub(super) async fn insert_audit(tx: &mut Tx<'_>, entry: &AuditRecord) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO audit_log (id, tenant_id, actor, action, target_type, target_id, at, details) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(uuid_arg(entry.id))
    .bind(uuid_arg(entry.tenant_id))
    .bind(opt_uuid_arg(entry.actor))
    .bind(&entry.action)
    .bind(&entry.target_type)
    .bind(uuid_arg(entry.target_id))
    .bind(entry.at)
    .bind(Json(&entry.details))
    .execute(&mut **tx)
    .await?;
    Ok(())
}
