//! `rotate-key`: re-encrypts every credential under the ring's current key, one row at a
//! time in batches, while the server keeps running. Each row is swapped only if it is
//! still sealed under the key it was read with, so a concurrent edit wins and nothing is
//! lost; an interrupted run leaves every row readable and a second run finishes the job.

use uuid::Uuid;

use super::{Binding, Vault};
use crate::store::{StoreError, VaultKeyStore};

/// What a rotation did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct RotationReport {
    /// Credentials now sealed under the current key.
    pub resealed: u64,
    /// Rows changed by someone else meanwhile (already under the current key).
    pub changed_meanwhile: u64,
    /// Instances whose credentials could not be decrypted: they need re-entry.
    pub undecryptable: Vec<Uuid>,
    /// Keys that no longer seal anything; their canaries were removed, and they may now
    /// be dropped from the configuration.
    pub retired_keys: Vec<String>,
}

pub async fn rotate(
    vault: &Vault,
    store: &dyn VaultKeyStore,
    batch_size: i64,
) -> Result<RotationReport, StoreError> {
    let current = vault.ring().current_id().to_owned();
    let mut report = RotationReport::default();
    let mut after = Uuid::nil();
    loop {
        let batch = store
            .credentials_to_reseal(&current, after, batch_size)
            .await?;
        let Some(last) = batch.last() else { break };
        after = last.id;
        for row in &batch {
            let binding = Binding {
                tenant_id: row.tenant_id,
                connector_id: row.connector_id,
            };
            match vault.reseal(&row.sealed, binding) {
                Ok(Some(sealed)) => {
                    if store
                        .reseal_credentials(row.id, &row.sealed.key_id, &sealed)
                        .await?
                    {
                        report.resealed += 1;
                    } else {
                        report.changed_meanwhile += 1;
                    }
                }
                Ok(None) => {}
                Err(_) => report.undecryptable.push(row.connector_id),
            }
        }
        tracing::info!(resealed = report.resealed, "rotation batch done");
    }
    let still_used = store.credential_key_usage().await?;
    for canary in store.vault_canaries().await? {
        let used = still_used
            .iter()
            .any(|(key_id, _)| *key_id == canary.key_id);
        if canary.key_id != current && !used && store.delete_vault_canary(&canary.key_id).await? {
            report.retired_keys.push(canary.key_id);
        }
    }
    Ok(report)
}
