//! [`IdentityStore`](crate::store::IdentityStore) on PostgreSQL: tenants, users and
//! memberships.

use app::model::identity::{Member, Membership, Role};
use async_trait::async_trait;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{PostgresStore, Tx, uuid_arg};
use crate::store::names::name_key;
use crate::store::rows::{MemberRow, MembershipRow, TenantRow, UserRow, convert_all};
use crate::store::{IdentityStore, StoreError, TenantRecord, UserRecord};

/// Serialises concurrent first-run setups.
const SETUP_LOCK_ID: i64 = 0x636f_6e6e_7365_7475;

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
        .bind(uuid_arg(owner.id))
        .bind(uuid_arg(tenant.id))
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
        .bind(uuid_arg(user_id))
        .bind(uuid_arg(tenant_id))
        .bind(role.as_str())
        .bind(OffsetDateTime::now_utc())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn delete_membership(&self, user_id: Uuid, tenant_id: Uuid) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM memberships WHERE user_id = $1 AND tenant_id = $2")
            .bind(uuid_arg(user_id))
            .bind(uuid_arg(tenant_id))
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn memberships_of(&self, user_id: Uuid) -> Result<Vec<Membership>, StoreError> {
        let rows: Vec<MembershipRow> = sqlx::query_as(
            "SELECT m.tenant_id::text AS tenant_id, t.name AS tenant_name, m.role FROM memberships m \
             JOIN tenants t ON t.id = m.tenant_id WHERE m.user_id = $1 ORDER BY lower(t.name)",
        )
        .bind(uuid_arg(user_id))
        .fetch_all(&self.pool)
        .await?;
        convert_all(rows)
    }

    async fn members_of(&self, tenant_id: Uuid) -> Result<Vec<Member>, StoreError> {
        let rows: Vec<MemberRow> = sqlx::query_as(
            "SELECT m.user_id::text AS user_id, u.email, u.display_name, m.role FROM memberships m \
             JOIN users u ON u.id = m.user_id WHERE m.tenant_id = $1 ORDER BY lower(u.email)",
        )
        .bind(uuid_arg(tenant_id))
        .fetch_all(&self.pool)
        .await?;
        convert_all(rows)
    }

    async fn role_in(&self, user_id: Uuid, tenant_id: Uuid) -> Result<Option<Role>, StoreError> {
        let role: Option<String> = sqlx::query_scalar(
            "SELECT role FROM memberships WHERE user_id = $1 AND tenant_id = $2",
        )
        .bind(uuid_arg(user_id))
        .bind(uuid_arg(tenant_id))
        .fetch_optional(&self.pool)
        .await?;
        Ok(role.as_deref().and_then(Role::parse))
    }
}

async fn insert_tenant(
    tx: &mut Tx<'_>,
    tenant: &TenantRecord,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO tenants (id, name, created_at, updated_at, name_key) VALUES ($1, $2, $3, $3, $4)",
    )
    .bind(uuid_arg(tenant.id))
    .bind(&tenant.name)
    .bind(now)
    .bind(name_key(&tenant.name))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn insert_user(
    tx: &mut Tx<'_>,
    user: &UserRecord,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO users (id, email, display_name, password_hash, is_platform_admin, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6)",
    )
    .bind(uuid_arg(user.id))
    .bind(&user.email)
    .bind(&user.display_name)
    .bind(&user.password_hash)
    .bind(user.is_platform_admin)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
