//! Opening the vault at startup. A wrong or missing master key must stop the server with
//! a clear message, never let it run and produce garbage: each key that has sealed data
//! here left a canary, and the configured key ring must open the canaries it names.

use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret, SecretString};
use uuid::Uuid;

use super::{Binding, KeyRing, Vault, VaultError};
use crate::store::{StoreError, VaultKeyStore};

/// The plaintext every canary holds.
const CANARY: &[u8] = b"connector-hub vault canary v1";

/// Canaries are bound to the nil tenant and connector, which no real row uses.
const CANARY_BINDING: Binding = Binding {
    tenant_id: Uuid::nil(),
    connector_id: Uuid::nil(),
};

#[derive(Debug, thiserror::Error)]
pub enum UnlockError {
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(
        "the master key does not match this database: its credentials were sealed with key \
         id(s) {stored:?}, but CONNECTORS_MASTER_KEY (or the key file) provides {configured:?}. \
         Set the key this database was encrypted with; to change keys, list the new key first \
         and the old one after it, then run rotate-key"
    )]
    WrongKey {
        stored: Vec<String>,
        configured: Vec<String>,
    },
    #[error(
        "the master key file {} is missing, but this database holds credentials sealed with \
         key id(s) {stored:?}. Restore the key file from your backup to {} (readable by this \
         user only), or set CONNECTORS_MASTER_KEY to that key. A new key could not open them, \
         so none was made",
        path.display(),
        path.display()
    )]
    KeyFileMissing { path: PathBuf, stored: Vec<String> },
}

/// The key ring: from `CONNECTORS_MASTER_KEY` when set, otherwise from `key_file`,
/// created (and announced once in the log) only for a database that has sealed nothing
/// yet. A key file missing beside a database with sealed data is a refusal: a new key
/// would open none of it, and a stray new file would have to be overwritten to restore
/// the backup.
pub async fn key_ring(
    master_key: Option<&SecretString>,
    key_file: &Path,
    store: &dyn VaultKeyStore,
) -> Result<KeyRing, UnlockError> {
    match master_key {
        Some(spec) if !spec.expose_secret().trim().is_empty() => Ok(KeyRing::parse(spec)?),
        _ => {
            if !key_file.exists() {
                let stored: Vec<String> = store
                    .vault_canaries()
                    .await?
                    .into_iter()
                    .map(|canary| canary.key_id)
                    .collect();
                if !stored.is_empty() {
                    return Err(UnlockError::KeyFileMissing {
                        path: key_file.to_owned(),
                        stored,
                    });
                }
            }
            let (ring, created) = KeyRing::load_or_create_file(key_file)?;
            if created {
                tracing::warn!(
                    path = %key_file.display(),
                    "generated a new master key file; back it up with the database: without it the \
                     stored credentials cannot be decrypted"
                );
            }
            Ok(ring)
        }
    }
}

/// Checks the ring against the canaries in the store and, once it passes, records a
/// canary for the current key if it has none. Nothing is written when the check fails.
pub async fn unlock(ring: KeyRing, store: &dyn VaultKeyStore) -> Result<Vault, UnlockError> {
    let vault = Vault::new(ring);
    let canaries = store.vault_canaries().await?;
    let configured: Vec<String> = vault.ring().ids().into_iter().map(str::to_owned).collect();
    let wrong_key = || UnlockError::WrongKey {
        stored: canaries.iter().map(|c| c.key_id.clone()).collect(),
        configured: configured.clone(),
    };

    let known: Vec<_> = canaries
        .iter()
        .filter(|c| configured.contains(&c.key_id))
        .collect();
    if !canaries.is_empty() && known.is_empty() {
        return Err(wrong_key());
    }
    for canary in known {
        // The same id with other key bytes fails here.
        let opened = vault
            .open(canary, CANARY_BINDING)
            .map_err(|_| wrong_key())?;
        if opened.expose_secret().as_slice() != CANARY {
            return Err(wrong_key());
        }
    }
    let current = vault.ring().current_id().to_owned();
    if !canaries.iter().any(|c| c.key_id == current) {
        store
            .insert_vault_canary(&vault.seal(CANARY, CANARY_BINDING)?)
            .await?;
    }
    Ok(vault)
}
