//! [`OAuthStore`](crate::store::OAuthStore) on SQLite: OAuth states, expiring credentials
//! and the credential lock.

use async_trait::async_trait;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{SqliteStore, uuid_arg};
use crate::store::rows::{CredentialRow, OAuthStateRow, convert_all};
use crate::store::sealed::BindSealed;
use crate::store::{CredentialLock, CredentialRecord, OAuthStateRecord, OAuthStore, StoreError};

#[async_trait]
impl OAuthStore for SqliteStore {
    async fn insert_oauth_state(&self, state: &OAuthStateRecord) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO oauth_states (state_hash, tenant_id, user_id, connector_id, key_id, nonce, \
             ciphertext, return_to, created_at, expires_at, used_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(&state.state_hash)
        .bind(uuid_arg(state.tenant_id))
        .bind(uuid_arg(state.user_id))
        .bind(uuid_arg(state.connector_id))
        .bind_sealed(&state.verifier)
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
             RETURNING state_hash, tenant_id, user_id, connector_id, key_id, nonce, ciphertext, return_to, created_at, expires_at, used_at",
        )
        .bind(state_hash)
        .bind(uuid_arg(user_id))
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
        // One process owns a SQLite file: the in-process lock is the whole lock.
        Ok(CredentialLock::local(local))
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
