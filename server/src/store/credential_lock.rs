//! The credential lock behind [`OAuthStore::lock_credentials`](super::OAuthStore::lock_credentials).

use std::sync::Arc;

use uuid::Uuid;

use super::StoreError;

/// A held credential lock; [`CredentialLock::release`] gives it back. Dropping it also
/// releases it, but on PostgreSQL only once the connection is returned, so release it.
pub struct CredentialLock {
    pub(crate) _local: tokio::sync::OwnedMutexGuard<()>,
    pub(crate) database: Option<sqlx::Transaction<'static, sqlx::Postgres>>,
}

impl CredentialLock {
    pub async fn release(self) -> Result<(), StoreError> {
        if let Some(transaction) = self.database {
            transaction.rollback().await?;
        }
        Ok(())
    }
}

/// In-process locks by instance id, shared by both backends (SQLite has one process; on
/// PostgreSQL this keeps a process's waiters off the connection pool).
#[derive(Default)]
pub(crate) struct LocalLocks(
    std::sync::Mutex<std::collections::HashMap<Uuid, Arc<tokio::sync::Mutex<()>>>>,
);

impl LocalLocks {
    pub(crate) async fn acquire(&self, id: Uuid) -> tokio::sync::OwnedMutexGuard<()> {
        let lock = {
            let mut locks = self
                .0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            // Forget locks nobody holds or waits for, so the map stays small.
            locks.retain(|_, lock| Arc::strong_count(lock) > 1);
            locks.entry(id).or_default().clone()
        };
        lock.lock_owned().await
    }
}
