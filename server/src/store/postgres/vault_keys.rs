//! [`VaultKeyStore`](crate::store::VaultKeyStore) on PostgreSQL: the vault's key canaries
//! and the re-sealing of `rotate-key`.

use async_trait::async_trait;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{PostgresStore, uuid_arg};
use crate::store::rows::{CredentialRow, convert_all};
use crate::store::sealed::BindSealed;
use crate::store::{CredentialRecord, Sealed, StoreError, VaultKeyStore};

#[async_trait]
impl VaultKeyStore for PostgresStore {
    async fn vault_canaries(&self) -> Result<Vec<Sealed>, StoreError> {
        Ok(
            sqlx::query_as("SELECT key_id, nonce, ciphertext FROM vault_canary ORDER BY key_id")
                .fetch_all(&self.pool)
                .await?,
        )
    }

    async fn insert_vault_canary(&self, canary: &Sealed) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO vault_canary (key_id, nonce, ciphertext, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (key_id) DO NOTHING",
        )
        .bind_sealed(canary)
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
        .bind(uuid_arg(after))
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
        .bind(uuid_arg(id))
        .bind(expected_key_id)
        .bind_sealed(sealed)
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
