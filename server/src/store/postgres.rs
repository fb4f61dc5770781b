//! PostgreSQL, for production and several replicas.

use std::time::Duration;

use app::model::ConnectorType;
use async_trait::async_trait;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::types::Json;
use sqlx::{Postgres, Transaction};
use time::OffsetDateTime;
use uuid::Uuid;

use app::model::identity::{ApiTokenInfo, Member, Membership, Role};

use super::names::{self, name_key};
use super::rows::{
    AuditRow, CatalogRow, ConnectionTestRow, ConnectorRow, CredentialRow, MemberRow, MembershipRow,
    OAuthStateRow, SessionRow, TenantRow, TokenInfoRow, TokenRow, UserRow, convert_all, due_check,
    oauth_json, roles_json,
};
use crate::vault::Sealed;

use super::{
    ApiTokenRecord, AuditRecord, CatalogStore, ConnectionTestRecord, ConnectionTestStore,
    ConnectorRecord, ConnectorStore, CredentialChange, CredentialLock, CredentialOwner,
    CredentialRecord, DueCheck, IdentityStore, NewCatalogEntry, OAuthStateRecord, OAuthStore,
    SeedReport, SessionRecord, SessionStore, StoreError, TenantRecord, TestOutcome, UserRecord,
    VaultKeyStore, catalog::plan_seed,
};

macro_rules! catalog_select {
    () => {
        "SELECT id::text AS id, key, name, description, category, icon, auth_type, \
         capabilities, config_schema, auth_schema, oauth, test, docs_url, version, created_at, updated_at \
         FROM connector_catalog"
    };
}

/// Serialises seeders of several replicas starting at once (any constant unique to us).
const SEED_LOCK_ID: i64 = 0x636f_6e6e_6563_7473;
/// Serialises concurrent first-run setups.
const SETUP_LOCK_ID: i64 = 0x636f_6e6e_7365_7475;

macro_rules! credential_select {
    () => {
        "SELECT id::text AS id, tenant_id::text AS tenant_id, connector_id::text AS connector_id, key_id, nonce, \
         ciphertext, masked, expires_at, refreshed_at, created_at, updated_at, created_by::text AS created_by, \
         updated_by::text AS updated_by FROM credentials"
    };
}

macro_rules! connector_select {
    () => {
        "SELECT id::text AS id, tenant_id::text AS tenant_id, catalog_id::text AS catalog_id, name, description, \
         status, scope, owner_user_id::text AS owner_user_id, allowed_roles, config, tags, last_tested_at, \
         last_test_ok, last_error, created_at, updated_at, created_by::text AS created_by, \
         updated_by::text AS updated_by FROM connectors"
    };
}

pub struct PostgresStore {
    pool: PgPool,
    locks: super::credential_lock::LocalLocks,
}

impl PostgresStore {
    /// Connects and applies the PostgreSQL migrations.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(5))
            .connect(url)
            .await?;
        Self::from_pool(pool).await
    }

    /// Uses an existing pool (tests point it at their own schema) and migrates it.
    pub async fn from_pool(pool: PgPool) -> Result<Self, StoreError> {
        sqlx::migrate!("../migrations/postgres").run(&pool).await?;
        backfill_name_keys(&pool).await?;
        Ok(PostgresStore {
            pool,
            locks: super::credential_lock::LocalLocks::default(),
        })
    }

    /// Inserts the entry, or updates the row with its key; id and created_at stay.
    async fn upsert(
        tx: &mut Transaction<'_, Postgres>,
        entry: &NewCatalogEntry,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO connector_catalog (id, key, name, description, category, icon, auth_type, \
             capabilities, config_schema, auth_schema, oauth, test, docs_url, version, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15) \
             ON CONFLICT (key) DO UPDATE SET name = excluded.name, description = excluded.description, \
             category = excluded.category, icon = excluded.icon, auth_type = excluded.auth_type, \
             capabilities = excluded.capabilities, config_schema = excluded.config_schema, \
             auth_schema = excluded.auth_schema, oauth = excluded.oauth, test = excluded.test, \
             docs_url = excluded.docs_url, version = excluded.version, updated_at = excluded.updated_at",
        )
        .bind(Uuid::new_v4())
        .bind(&entry.key)
        .bind(&entry.name)
        .bind(&entry.description)
        .bind(entry.category.slug())
        .bind(&entry.icon)
        .bind(entry.auth_type.as_str())
        .bind(Json(&entry.capabilities))
        .bind(Json(&entry.config_schema))
        .bind(Json(&entry.auth_schema))
        .bind(oauth_json(&entry.oauth))
        .bind(Json(&entry.test))
        .bind(&entry.docs_url)
        .bind(entry.version)
        .bind(now)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }
}

#[async_trait]
impl CatalogStore for PostgresStore {
    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn list_catalog(&self) -> Result<Vec<ConnectorType>, StoreError> {
        let rows: Vec<CatalogRow> =
            sqlx::query_as(concat!(catalog_select!(), " ORDER BY lower(name), key"))
                .fetch_all(&self.pool)
                .await?;
        rows.into_iter().map(ConnectorType::try_from).collect()
    }

    async fn catalog_by_key(&self, key: &str) -> Result<Option<ConnectorType>, StoreError> {
        let row: Option<CatalogRow> = sqlx::query_as(concat!(catalog_select!(), " WHERE key = $1"))
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        row.map(ConnectorType::try_from).transpose()
    }

    async fn seed_catalog(&self, entries: &[NewCatalogEntry]) -> Result<SeedReport, StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(SEED_LOCK_ID)
            .execute(&mut *tx)
            .await?;
        let rows: Vec<CatalogRow> = sqlx::query_as(catalog_select!())
            .fetch_all(&mut *tx)
            .await?;
        let stored = rows
            .into_iter()
            .map(ConnectorType::try_from)
            .collect::<Result<Vec<_>, _>>()?;
        let (writes, report) = plan_seed(entries, &stored);
        let now = OffsetDateTime::now_utc();
        for entry in writes {
            Self::upsert(&mut tx, entry, now).await?;
        }
        tx.commit().await?;
        Ok(report)
    }
}

#[async_trait]
impl IdentityStore for PostgresStore {
    async fn count_users(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(&self.pool)
            .await?)
    }

    async fn setup_first_owner(
        &self,
        tenant: &TenantRecord,
        owner: &UserRecord,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        // Two first-run setups racing must not both create an owner.
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(SETUP_LOCK_ID)
            .execute(&mut *tx)
            .await?;
        let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(&mut *tx)
            .await?;
        if users > 0 {
            // Explicitly: a dropped transaction only queues its ROLLBACK, and until then
            // keeps its locks (PostgreSQL's advisory lock, SQLite's write lock).
            tx.rollback().await?;
            return Ok(false);
        }
        let now = OffsetDateTime::now_utc();
        insert_tenant(&mut tx, tenant, now).await?;
        insert_user(&mut tx, owner, now).await?;
        sqlx::query(
            "INSERT INTO memberships (user_id, tenant_id, role, created_at, updated_at) VALUES ($1, $2, 'owner', $3, $3)",
        )
        .bind(owner.id)
        .bind(tenant.id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn create_tenant(&self, tenant: &TenantRecord) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        insert_tenant(&mut tx, tenant, OffsetDateTime::now_utc()).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn tenant_by_name(&self, name: &str) -> Result<Option<TenantRecord>, StoreError> {
        let row: Option<TenantRow> =
            sqlx::query_as("SELECT id::text AS id, name FROM tenants WHERE name_key = $1")
                .bind(name_key(name))
                .fetch_optional(&self.pool)
                .await?;
        row.map(TenantRecord::try_from).transpose()
    }

    async fn create_user(&self, user: &UserRecord) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        insert_user(&mut tx, user, OffsetDateTime::now_utc()).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn user_by_email(&self, email: &str) -> Result<Option<UserRecord>, StoreError> {
        let row: Option<UserRow> = sqlx::query_as(
            "SELECT id::text AS id, email, display_name, password_hash, is_platform_admin FROM users WHERE lower(email) = lower($1)",
        )
        .bind(email)
        .fetch_optional(&self.pool)
        .await?;
        row.map(UserRecord::try_from).transpose()
    }

    async fn put_membership(
        &self,
        user_id: Uuid,
        tenant_id: Uuid,
        role: Role,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO memberships (user_id, tenant_id, role, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) \
             ON CONFLICT (user_id, tenant_id) DO UPDATE SET role = excluded.role, updated_at = excluded.updated_at",
        )
        .bind(user_id)
        .bind(tenant_id)
        .bind(role.as_str())
        .bind(OffsetDateTime::now_utc())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn delete_membership(&self, user_id: Uuid, tenant_id: Uuid) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM memberships WHERE user_id = $1 AND tenant_id = $2")
            .bind(user_id)
            .bind(tenant_id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn memberships_of(&self, user_id: Uuid) -> Result<Vec<Membership>, StoreError> {
        let rows: Vec<MembershipRow> = sqlx::query_as(
            "SELECT m.tenant_id::text AS tenant_id, t.name AS tenant_name, m.role FROM memberships m \
             JOIN tenants t ON t.id = m.tenant_id WHERE m.user_id = $1 ORDER BY lower(t.name)",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        convert_all(rows)
    }

    async fn members_of(&self, tenant_id: Uuid) -> Result<Vec<Member>, StoreError> {
        let rows: Vec<MemberRow> = sqlx::query_as(
            "SELECT m.user_id::text AS user_id, u.email, u.display_name, m.role FROM memberships m \
             JOIN users u ON u.id = m.user_id WHERE m.tenant_id = $1 ORDER BY lower(u.email)",
        )
        .bind(tenant_id)
        .fetch_all(&self.pool)
        .await?;
        convert_all(rows)
    }

    async fn role_in(&self, user_id: Uuid, tenant_id: Uuid) -> Result<Option<Role>, StoreError> {
        let role: Option<String> = sqlx::query_scalar(
            "SELECT role FROM memberships WHERE user_id = $1 AND tenant_id = $2",
        )
        .bind(user_id)
        .bind(tenant_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(role.as_deref().and_then(Role::parse))
    }
}

#[async_trait]
impl SessionStore for PostgresStore {
    async fn insert_session(&self, session: &SessionRecord) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sessions (id, user_id, tenant_id, created_at, last_seen_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&session.id)
        .bind(session.user_id)
        .bind(session.tenant_id)
        .bind(session.created_at)
        .bind(session.last_seen_at)
        .bind(session.expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn session(
        &self,
        id: &str,
    ) -> Result<Option<(SessionRecord, CredentialOwner)>, StoreError> {
        let row: Option<SessionRow> = sqlx::query_as(
            "SELECT s.id AS session_id, s.created_at, s.last_seen_at, s.expires_at, \
             s.user_id::text AS user_id, s.tenant_id::text AS tenant_id, u.email, u.display_name, u.password_hash, u.is_platform_admin, \
             t.name AS tenant_name, m.role \
             FROM sessions s JOIN users u ON u.id = s.user_id JOIN tenants t ON t.id = s.tenant_id \
             LEFT JOIN memberships m ON m.user_id = s.user_id AND m.tenant_id = s.tenant_id \
             WHERE s.id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(TryInto::try_into).transpose()
    }

    async fn touch_session(&self, id: &str, now: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE id = $1")
            .bind(id)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn set_session_tenant(&self, id: &str, tenant_id: Uuid) -> Result<(), StoreError> {
        sqlx::query("UPDATE sessions SET tenant_id = $2 WHERE id = $1")
            .bind(id)
            .bind(tenant_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn delete_session(&self, id: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn delete_expired_sessions(
        &self,
        absolute_before: i64,
        idle_before: i64,
    ) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2")
            .bind(absolute_before)
            .bind(idle_before)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    async fn insert_api_token(&self, token: &ApiTokenRecord) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO api_tokens (id, tenant_id, user_id, name, token_hash, prefix, created_at, last_used_at, revoked_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(token.id)
        .bind(token.tenant_id)
        .bind(token.user_id)
        .bind(&token.name)
        .bind(&token.token_hash)
        .bind(&token.prefix)
        .bind(token.created_at)
        .bind(token.last_used_at)
        .bind(token.revoked_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn api_token(
        &self,
        token_hash: &str,
    ) -> Result<Option<(ApiTokenRecord, CredentialOwner)>, StoreError> {
        let row: Option<TokenRow> = sqlx::query_as(
            "SELECT k.id::text AS token_id, k.name, k.token_hash, k.prefix, k.created_at, k.last_used_at, k.revoked_at, \
             k.user_id::text AS user_id, k.tenant_id::text AS tenant_id, u.email, u.display_name, u.password_hash, u.is_platform_admin, \
             t.name AS tenant_name, m.role \
             FROM api_tokens k JOIN users u ON u.id = k.user_id JOIN tenants t ON t.id = k.tenant_id \
             LEFT JOIN memberships m ON m.user_id = k.user_id AND m.tenant_id = k.tenant_id \
             WHERE k.token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        row.map(TryInto::try_into).transpose()
    }

    async fn touch_api_token(&self, id: Uuid, now: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1")
            .bind(id)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn api_tokens_of(&self, tenant_id: Uuid) -> Result<Vec<ApiTokenInfo>, StoreError> {
        let rows: Vec<TokenInfoRow> = sqlx::query_as(
            "SELECT k.id::text AS id, k.name, k.prefix, u.email AS owner_email, k.created_at, k.last_used_at \
             FROM api_tokens k JOIN users u ON u.id = k.user_id \
             WHERE k.tenant_id = $1 AND k.revoked_at IS NULL ORDER BY k.created_at DESC, k.name",
        )
        .bind(tenant_id)
        .fetch_all(&self.pool)
        .await?;
        convert_all(rows)
    }

    async fn revoke_api_token(
        &self,
        tenant_id: Uuid,
        id: Uuid,
        now: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $3 WHERE id = $1 AND tenant_id = $2 AND revoked_at IS NULL",
        )
        .bind(id)
        .bind(tenant_id)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn record_login_failure(&self, key: &str, at: i64) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO login_failures (key, at) VALUES ($1, $2)")
            .bind(key)
            .bind(at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn login_failures_since(&self, key: &str, since: i64) -> Result<i64, StoreError> {
        // Old rows of this key are pruned as a side effect, so the table stays small.
        sqlx::query("DELETE FROM login_failures WHERE key = $1 AND at < $2")
            .bind(key)
            .bind(since)
            .execute(&self.pool)
            .await?;
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM login_failures WHERE key = $1 AND at >= $2")
                .bind(key)
                .bind(since)
                .fetch_one(&self.pool)
                .await?,
        )
    }

    async fn clear_login_failures(&self, key: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM login_failures WHERE key = $1")
            .bind(key)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

#[async_trait]
impl VaultKeyStore for PostgresStore {
    async fn vault_canaries(&self) -> Result<Vec<Sealed>, StoreError> {
        let rows: Vec<(String, Vec<u8>, Vec<u8>)> =
            sqlx::query_as("SELECT key_id, nonce, ciphertext FROM vault_canary ORDER BY key_id")
                .fetch_all(&self.pool)
                .await?;
        Ok(rows
            .into_iter()
            .map(|(key_id, nonce, ciphertext)| Sealed {
                key_id,
                nonce,
                ciphertext,
            })
            .collect())
    }

    async fn insert_vault_canary(&self, canary: &Sealed) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO vault_canary (key_id, nonce, ciphertext, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (key_id) DO NOTHING",
        )
        .bind(&canary.key_id)
        .bind(&canary.nonce)
        .bind(&canary.ciphertext)
        .bind(OffsetDateTime::now_utc())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn delete_vault_canary(&self, key_id: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM vault_canary WHERE key_id = $1")
            .bind(key_id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn credentials_to_reseal(
        &self,
        current_key_id: &str,
        after: Uuid,
        limit: i64,
    ) -> Result<Vec<CredentialRecord>, StoreError> {
        let rows: Vec<CredentialRow> = sqlx::query_as(concat!(
            credential_select!(),
            " WHERE key_id <> $1 AND id > $2 ORDER BY id LIMIT $3"
        ))
        .bind(current_key_id)
        .bind(after)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        convert_all(rows)
    }

    async fn reseal_credentials(
        &self,
        id: Uuid,
        expected_key_id: &str,
        sealed: &Sealed,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE credentials SET key_id = $3, nonce = $4, ciphertext = $5 \
             WHERE id = $1 AND key_id = $2",
        )
        .bind(id)
        .bind(expected_key_id)
        .bind(&sealed.key_id)
        .bind(&sealed.nonce)
        .bind(&sealed.ciphertext)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn credential_key_usage(&self) -> Result<Vec<(String, i64)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT key_id, COUNT(*) FROM credentials GROUP BY key_id ORDER BY key_id",
        )
        .fetch_all(&self.pool)
        .await?)
    }
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
        .bind(connector.id)
        .bind(connector.tenant_id)
        .bind(connector.catalog_id)
        .bind(&connector.name)
        .bind(&connector.description)
        .bind(connector.status.as_str())
        .bind(connector.scope.as_str())
        .bind(connector.owner_user_id)
        .bind(roles_json(&connector.allowed_roles))
        .bind(Json(&connector.config))
        .bind(Json(&connector.tags))
        .bind(connector.last_tested_at)
        .bind(connector.last_test_ok)
        .bind(&connector.last_error)
        .bind(connector.created_at)
        .bind(connector.updated_at)
        .bind(connector.created_by)
        .bind(connector.updated_by)
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
        .bind(id)
        .bind(tenant_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(ConnectorRecord::try_from).transpose()
    }

    async fn connectors(&self, tenant_id: Uuid) -> Result<Vec<ConnectorRecord>, StoreError> {
        let rows: Vec<ConnectorRow> = sqlx::query_as(concat!(
            connector_select!(),
            " WHERE tenant_id = $1 OR scope = 'global' ORDER BY lower(name), id"
        ))
        .bind(tenant_id)
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
        .bind(connector.id)
        .bind(connector.tenant_id)
        .bind(&connector.name)
        .bind(&connector.description)
        .bind(connector.status.as_str())
        .bind(connector.scope.as_str())
        .bind(connector.owner_user_id)
        .bind(roles_json(&connector.allowed_roles))
        .bind(Json(&connector.config))
        .bind(Json(&connector.tags))
        .bind(connector.last_tested_at)
        .bind(connector.last_test_ok)
        .bind(&connector.last_error)
        .bind(connector.updated_at)
        .bind(connector.updated_by)
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
                    .bind(connector.id)
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
            .bind(id)
            .bind(tenant_id)
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
        .bind(tenant_id)
        .bind(connector_id)
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
        .bind(tenant_id)
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
        .bind(tenant_id)
        .bind(target_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        convert_all(rows)
    }
}

#[async_trait]
impl OAuthStore for PostgresStore {
    async fn insert_oauth_state(&self, state: &OAuthStateRecord) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO oauth_states (state_hash, tenant_id, user_id, connector_id, key_id, nonce, \
             ciphertext, return_to, created_at, expires_at, used_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(&state.state_hash)
        .bind(state.tenant_id)
        .bind(state.user_id)
        .bind(state.connector_id)
        .bind(&state.verifier.key_id)
        .bind(&state.verifier.nonce)
        .bind(&state.verifier.ciphertext)
        .bind(state.return_to.as_str())
        .bind(state.created_at)
        .bind(state.expires_at)
        .bind(state.used_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn take_oauth_state(
        &self,
        state_hash: &str,
        user_id: Uuid,
        now: OffsetDateTime,
    ) -> Result<Option<OAuthStateRecord>, StoreError> {
        // One statement: of two callbacks racing with one state, exactly one gets the row.
        let row: Option<OAuthStateRow> = sqlx::query_as(
            "UPDATE oauth_states SET used_at = $3 \
             WHERE state_hash = $1 AND user_id = $2 AND used_at IS NULL \
             RETURNING state_hash, tenant_id::text AS tenant_id, user_id::text AS user_id, connector_id::text AS connector_id, key_id, nonce, ciphertext, return_to, created_at, expires_at, used_at",
        )
        .bind(state_hash)
        .bind(user_id)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        row.map(TryInto::try_into).transpose()
    }

    async fn delete_expired_oauth_states(&self, before: OffsetDateTime) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM oauth_states WHERE expires_at < $1")
            .bind(before)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    async fn lock_credentials(&self, connector_id: Uuid) -> Result<CredentialLock, StoreError> {
        let local = self.locks.acquire(connector_id).await;
        // Replicas share the database: a transaction-scoped advisory lock on the id.
        let mut transaction = self.pool.begin().await?;
        let (high, _) = connector_id.as_u64_pair();
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(high as i64)
            .execute(&mut *transaction)
            .await?;
        Ok(CredentialLock {
            _local: local,
            database: Some(transaction),
        })
    }

    async fn credentials_expiring_before(
        &self,
        before: OffsetDateTime,
        limit: i64,
    ) -> Result<Vec<CredentialRecord>, StoreError> {
        let rows: Vec<CredentialRow> = sqlx::query_as(concat!(
            credential_select!(),
            " WHERE expires_at IS NOT NULL AND expires_at < $1 ORDER BY expires_at LIMIT $2"
        ))
        .bind(before)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        convert_all(rows)
    }
}

#[async_trait]
impl ConnectionTestStore for PostgresStore {
    async fn record_connection_test(
        &self,
        test: &ConnectionTestRecord,
        outcome: &TestOutcome,
        audit: &[AuditRecord],
        keep: i64,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        // Only the status and last-test fields: a test must not undo a concurrent edit.
        let done = sqlx::query(
                "UPDATE connectors SET status = $3, last_tested_at = $4, last_test_ok = $5, last_error = $6 \
                 WHERE id = $1 AND tenant_id = $2",
            )
            .bind(test.connector_id)
            .bind(test.tenant_id)
            .bind(outcome.status.as_str())
            .bind(outcome.last_tested_at)
            .bind(outcome.last_test_ok)
            .bind(&outcome.last_error)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        let trace = serde_json::to_value(&test.trace)
            .map_err(|error| StoreError::Corrupt(error.to_string()))?;
        sqlx::query(
            "INSERT INTO connection_tests (id, tenant_id, connector_id, started_at, duration_ms, ok, \
                 error_class, trace, trigger, status_before) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(test.id)
        .bind(test.tenant_id)
        .bind(test.connector_id)
        .bind(test.started_at)
        .bind(test.duration_ms)
        .bind(test.ok)
        .bind(test.error_class.map(|class| class.as_str()))
        .bind(Json(trace))
        .bind(test.trigger.as_str())
        .bind(test.status_before.map(|status| status.as_str()))
        .execute(&mut *tx)
        .await?;
        sqlx::query(
                "DELETE FROM connection_tests WHERE connector_id = $1 AND id NOT IN \
                 (SELECT id FROM connection_tests WHERE connector_id = $1 ORDER BY started_at DESC, id DESC LIMIT $2)",
            )
            .bind(test.connector_id)
            .bind(keep)
            .execute(&mut *tx)
            .await?;
        for entry in audit {
            insert_audit(&mut tx, entry).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    async fn connection_tests(
        &self,
        tenant_id: Uuid,
        connector_id: Uuid,
        limit: i64,
    ) -> Result<Vec<ConnectionTestRecord>, StoreError> {
        let rows: Vec<ConnectionTestRow> = sqlx::query_as(
                "SELECT id::text AS id, tenant_id::text AS tenant_id, connector_id::text AS connector_id, started_at, duration_ms, ok, error_class, trace, trigger, status_before FROM connection_tests \
                 WHERE tenant_id = $1 AND connector_id = $2 ORDER BY started_at DESC, id DESC LIMIT $3",
            )
            .bind(tenant_id)
            .bind(connector_id)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        convert_all(rows)
    }

    async fn status_before_error(
        &self,
        tenant_id: Uuid,
        connector_id: Uuid,
    ) -> Result<Option<app::model::connector::ConnectorStatus>, StoreError> {
        let found: Option<(String,)> = sqlx::query_as(
            "SELECT status_before FROM connection_tests \
                 WHERE tenant_id = $1 AND connector_id = $2 AND status_before IS NOT NULL \
                 ORDER BY started_at DESC, id DESC LIMIT 1",
        )
        .bind(tenant_id)
        .bind(connector_id)
        .fetch_optional(&self.pool)
        .await?;
        found
            .map(|(status,)| {
                app::model::connector::ConnectorStatus::parse(&status).ok_or_else(|| {
                    StoreError::Corrupt(format!("connection_tests.status_before: {status}"))
                })
            })
            .transpose()
    }

    async fn claim_due_health_checks(
        &self,
        due_before: OffsetDateTime,
        now: OffsetDateTime,
        hold_until: OffsetDateTime,
        limit: i64,
    ) -> Result<Vec<DueCheck>, StoreError> {
        // SKIP LOCKED: of two replicas claiming at once, each takes rows the other has not
        // locked, instead of queueing behind them and then finding them held.
        let rows: Vec<(String, String)> = sqlx::query_as(
            "UPDATE connectors SET health_claimed_until = $3 WHERE id IN ( \
                 SELECT id FROM connectors \
                 WHERE status = 'active' AND (last_tested_at IS NULL OR last_tested_at < $1) \
                   AND (health_claimed_until IS NULL OR health_claimed_until <= $2) \
                 ORDER BY last_tested_at NULLS FIRST, id LIMIT $4 \
                 FOR UPDATE SKIP LOCKED) \
             RETURNING tenant_id::text, id::text",
        )
        .bind(due_before)
        .bind(now)
        .bind(hold_until)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(due_check).collect()
    }
}

async fn insert_tenant(
    tx: &mut Transaction<'_, Postgres>,
    tenant: &TenantRecord,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO tenants (id, name, created_at, updated_at, name_key) VALUES ($1, $2, $3, $3, $4)",
    )
    .bind(tenant.id)
    .bind(&tenant.name)
    .bind(now)
    .bind(name_key(&tenant.name))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn insert_user(
    tx: &mut Transaction<'_, Postgres>,
    user: &UserRecord,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO users (id, email, display_name, password_hash, is_platform_admin, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6)",
    )
    .bind(user.id)
    .bind(&user.email)
    .bind(&user.display_name)
    .bind(&user.password_hash)
    .bind(user.is_platform_admin)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn put_credentials(
    tx: &mut Transaction<'_, Postgres>,
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
    .bind(credentials.id)
    .bind(credentials.tenant_id)
    .bind(credentials.connector_id)
    .bind(&credentials.sealed.key_id)
    .bind(&credentials.sealed.nonce)
    .bind(&credentials.sealed.ciphertext)
    .bind(Json(&credentials.masked))
    .bind(credentials.expires_at)
    .bind(credentials.refreshed_at)
    .bind(credentials.created_at)
    .bind(credentials.updated_at)
    .bind(credentials.created_by)
    .bind(credentials.updated_by)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn insert_audit(
    tx: &mut Transaction<'_, Postgres>,
    entry: &AuditRecord,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO audit_log (id, tenant_id, actor, action, target_type, target_id, at, details) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(entry.id)
    .bind(entry.tenant_id)
    .bind(entry.actor)
    .bind(&entry.action)
    .bind(&entry.target_type)
    .bind(entry.target_id)
    .bind(entry.at)
    .bind(Json(&entry.details))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Gives rows from before the `name_key` column their key (see `names`), oldest first.
async fn backfill_name_keys(pool: &PgPool) -> Result<(), StoreError> {
    const TABLES: [(&str, &str, &str); 2] = [
        (
            "connectors",
            "SELECT id, name FROM connectors WHERE name_key IS NULL ORDER BY created_at, id",
            "UPDATE connectors SET name_key = $1 WHERE id = $2",
        ),
        (
            "tenants",
            "SELECT id, name FROM tenants WHERE name_key IS NULL ORDER BY created_at, id",
            "UPDATE tenants SET name_key = $1 WHERE id = $2",
        ),
    ];
    for (table, select, update) in TABLES {
        let rows: Vec<(Uuid, String)> = sqlx::query_as(select).fetch_all(pool).await?;
        for (id, name) in rows {
            let key = name_key(&name);
            match sqlx::query(update).bind(&key).bind(id).execute(pool).await {
                Err(sqlx::Error::Database(error)) if error.is_unique_violation() => {
                    let id_text = id.to_string();
                    names::warn_clash(table, &id_text);
                    sqlx::query(update)
                        .bind(names::clashing_key(&key, &id_text))
                        .bind(id)
                        .execute(pool)
                        .await?;
                }
                done => {
                    done?;
                }
            }
        }
    }
    Ok(())
}
