//! The credential lock behind [`OAuthStore::lock_credentials`]: in-process, plus what
//! the backend adds (nothing on SQLite; an advisory lock on PostgreSQL), which this
//! backend-neutral module knows only as a boxed [`DatabaseLock`].
//!
//! [`OAuthStore::lock_credentials`]: super::OAuthStore::lock_credentials

use std::sync::Arc;

use async_trait::async_trait;
use uuid::Uuid;

use super::StoreError;

/// A held credential lock; [`CredentialLock::release`] gives it back. Dropping it also
/// releases it, but on PostgreSQL only once the connection is returned, so release it.
pub struct CredentialLock {
    _local: tokio::sync::OwnedMutexGuard<()>,
    database: Option<Box<dyn DatabaseLock>>,
}

impl CredentialLock {
    /// A lock held in this process only (enough where one process owns the database).
    pub(crate) fn local(local: tokio::sync::OwnedMutexGuard<()>) -> Self {
        CredentialLock {
            _local: local,
            database: None,
        }
    }

    /// A lock held in this process and, through `database`, in the database as well.
    pub(crate) fn shared(
        local: tokio::sync::OwnedMutexGuard<()>,
        database: Box<dyn DatabaseLock>,
    ) -> Self {
        CredentialLock {
            _local: local,
            database: Some(database),
        }
    }

    pub async fn release(self) -> Result<(), StoreError> {
        if let Some(database) = self.database {
            database.release().await?;
        }
        Ok(())
    }
}

/// A backend's share of a credential lock (PostgreSQL: an advisory lock held by an open
/// transaction). A trait object, so this module names no backend's types.
#[async_trait]
pub(crate) trait DatabaseLock: Send {
    async fn release(self: Box<Self>) -> Result<(), StoreError>;
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
