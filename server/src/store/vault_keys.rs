//! What the vault keeps in the database about its keys: a canary per master key, and the
//! batches `rotate-key` re-seals. The store only keeps the sealed bytes; sealing and
//! opening are the vault's.

use async_trait::async_trait;
use uuid::Uuid;

use super::{CredentialRecord, Sealed, StoreError};

#[async_trait]
pub trait VaultKeyStore: Send + Sync {
    /// The canaries of every master key that has sealed data here.
    async fn vault_canaries(&self) -> Result<Vec<Sealed>, StoreError>;

    /// Stores the canary of a key (once per key id; a second one is ignored).
    async fn insert_vault_canary(&self, canary: &Sealed) -> Result<(), StoreError>;

    /// Forgets a key's canary (once nothing is sealed under that key any more).
    async fn delete_vault_canary(&self, key_id: &str) -> Result<bool, StoreError>;

    /// Up to `limit` credentials sealed under a key other than `current_key_id`, with
    /// ids above `after`, in id order: the batches of `rotate-key`.
    async fn credentials_to_reseal(
        &self,
        current_key_id: &str,
        after: Uuid,
        limit: i64,
    ) -> Result<Vec<CredentialRecord>, StoreError>;

    /// Replaces a credential's ciphertext, but only while it is still sealed under
    /// `expected_key_id` (a concurrent edit wins); returns whether it did.
    async fn reseal_credentials(
        &self,
        id: Uuid,
        expected_key_id: &str,
        sealed: &Sealed,
    ) -> Result<bool, StoreError>;

    /// How many credentials each key id seals, by key id.
    async fn credential_key_usage(&self) -> Result<Vec<(String, i64)>, StoreError>;
}
