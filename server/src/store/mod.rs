//! Storage: a [`Store`] with a SQLite and a PostgreSQL implementation.
//!
//! `Store` is the union of narrower traits, one per capability, so a reader (or a service
//! that needs only one of them) sees one concern at a time:
//!
//! | Trait | Holds |
//! |---|---|
//! | [`CatalogStore`] | the connector types (and the health ping) |
//! | [`IdentityStore`] | tenants, users, memberships |
//! | [`SessionStore`] | sessions, API tokens, the login throttle |
//! | [`VaultKeyStore`] | key canaries and the re-sealing of `rotate-key` |
//! | [`ConnectorStore`] | instances, their credentials, the audit trail |
//! | [`OAuthStore`] | OAuth states in flight, expiring credentials, the credential lock |
//! | [`ConnectionTestStore`] | test results and the health checker's claims |
//!
//! Each backend implements every trait, one file per capability (`sqlite/`, `postgres/`),
//! and owns its migrations (`migrations/sqlite`, `migrations/postgres`), which it runs on
//! connect. The backend is chosen once, from the database URL's scheme. Both are held to
//! the same behaviour by the conformance suite in `server/tests/integration/`.
//!
//! The store is an adapter: the vault and the services depend on it, never the reverse.
//! It keeps the vault's sealed bytes ([`Sealed`], defined here) without importing the
//! vault.

mod catalog;
mod connection_tests;
mod connectors;
mod credential_lock;
mod fault;
mod identity;
mod names;
mod oauth;
mod postgres;
mod rows;
mod sealed;
mod sessions;
mod sqlite;
mod vault_keys;

use std::sync::Arc;

pub use catalog::{CatalogStore, NewCatalogEntry, SeedReport};
pub use connection_tests::{ConnectionTestRecord, ConnectionTestStore, DueCheck, TestOutcome};
pub use connectors::{
    AuditRecord, ConnectorRecord, ConnectorStore, CredentialChange, CredentialRecord,
};
pub use credential_lock::CredentialLock;
pub use fault::StorageFault;
pub use identity::{IdentityStore, TenantRecord, UserRecord};
pub use names::name_key;
pub use oauth::{OAuthReturn, OAuthStateRecord, OAuthStore};
pub use postgres::PostgresStore;
pub(crate) use rows::rfc3339;
pub use sealed::Sealed;
pub use sessions::{ApiTokenRecord, CredentialOwner, SessionRecord, SessionStore};
pub use sqlite::SqliteStore;
pub use vault_keys::VaultKeyStore;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database cannot serve right now, for a reason outside our code (see
    /// [`StorageFault`]); `detail` is the database's own words, for the log.
    #[error("{fault}: {detail}")]
    Unavailable { fault: StorageFault, detail: String },
    /// A row holds a value the code cannot read (e.g. an unknown category).
    #[error("corrupt row: {0}")]
    Corrupt(String),
    /// A unique constraint refused the write (a name or email already taken).
    #[error("already exists: {0}")]
    Conflict(String),
    #[error("unsupported database URL (expected sqlite:// or postgres://): {0}")]
    UnsupportedUrl(String),
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Database(sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        if let Some(fault) = StorageFault::of(&error) {
            return StoreError::Unavailable {
                fault,
                detail: error.to_string(),
            };
        }
        match error {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                StoreError::Conflict(db.constraint().unwrap_or("unique constraint").to_owned())
            }
            other => StoreError::Database(other),
        }
    }
}

impl From<StoreError> for app::error::AppError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Unavailable { fault, detail } => {
                tracing::warn!(%fault, %detail, "database unavailable");
                app::error::AppError::Unavailable(fault.message().to_owned())
            }
            StoreError::Conflict(constraint) => {
                tracing::info!(%constraint, "unique constraint refused a write");
                app::error::AppError::Conflict("This already exists.".to_owned())
            }
            other => {
                tracing::error!(error = %other, "store error");
                app::error::AppError::Internal
            }
        }
    }
}

/// Everything the server stores: the union of the capability traits. Services hold an
/// `Arc<dyn Store>`; the methods of every capability are callable on it. Any type that
/// implements all the capabilities is a `Store` (the blanket impl below), so a backend
/// never implements this trait by hand.
pub trait Store:
    CatalogStore
    + IdentityStore
    + SessionStore
    + VaultKeyStore
    + ConnectorStore
    + OAuthStore
    + ConnectionTestStore
    + Send
    + Sync
    + 'static
{
}

impl<T> Store for T where
    T: CatalogStore
        + IdentityStore
        + SessionStore
        + VaultKeyStore
        + ConnectorStore
        + OAuthStore
        + ConnectionTestStore
        + Send
        + Sync
        + 'static
{
}

/// Connects to the database named by `url`, choosing the backend from its scheme, and
/// applies that backend's migrations.
pub async fn connect(url: &str) -> Result<Arc<dyn Store>, StoreError> {
    if url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteStore::connect(url).await?))
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        Ok(Arc::new(PostgresStore::connect(url).await?))
    } else {
        Err(StoreError::UnsupportedUrl(
            crate::outbound::redact::url_password(url),
        ))
    }
}

/// Text from outside that nobody typed (a connection test's response body, an OAuth
/// provider's token response) made storable: each NUL becomes U+FFFD, as invalid UTF-8
/// already does in a body, instead of failing the write on PostgreSQL.
pub fn storable_lossy(text: String) -> String {
    if text.contains('\0') {
        text.replace('\0', "\u{fffd}")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn received_text_loses_its_nuls() {
        assert_eq!(storable_lossy("a\0b".into()), "a\u{fffd}b");
        assert_eq!(storable_lossy("ab".into()), "ab");
    }
}
