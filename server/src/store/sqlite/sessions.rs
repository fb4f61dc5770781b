//! [`SessionStore`](crate::store::SessionStore) on SQLite: sessions, API tokens and the
//! login throttle.

use app::model::identity::ApiTokenInfo;
use async_trait::async_trait;
use uuid::Uuid;

use super::{SqliteStore, uuid_arg};
use crate::store::rows::{SessionRow, TokenInfoRow, TokenRow, convert_all};
use crate::store::{ApiTokenRecord, CredentialOwner, SessionRecord, SessionStore, StoreError};

#[async_trait]
impl SessionStore for SqliteStore {
    async fn insert_session(&self, session: &SessionRecord) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sessions (id, user_id, tenant_id, created_at, last_seen_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&session.id)
        .bind(uuid_arg(session.user_id))
        .bind(uuid_arg(session.tenant_id))
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
             s.user_id, s.tenant_id, u.email, u.display_name, u.password_hash, u.is_platform_admin, \
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
            .bind(uuid_arg(tenant_id))
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
        .bind(uuid_arg(token.id))
        .bind(uuid_arg(token.tenant_id))
        .bind(uuid_arg(token.user_id))
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
            "SELECT k.id AS token_id, k.name, k.token_hash, k.prefix, k.created_at, k.last_used_at, k.revoked_at, \
             k.user_id, k.tenant_id, u.email, u.display_name, u.password_hash, u.is_platform_admin, \
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
            .bind(uuid_arg(id))
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn api_tokens_of(&self, tenant_id: Uuid) -> Result<Vec<ApiTokenInfo>, StoreError> {
        let rows: Vec<TokenInfoRow> = sqlx::query_as(
            "SELECT k.id, k.name, k.prefix, u.email AS owner_email, k.created_at, k.last_used_at \
             FROM api_tokens k JOIN users u ON u.id = k.user_id \
             WHERE k.tenant_id = $1 AND k.revoked_at IS NULL ORDER BY k.created_at DESC, k.name",
        )
        .bind(uuid_arg(tenant_id))
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
        .bind(uuid_arg(id))
        .bind(uuid_arg(tenant_id))
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
