//! Storage: one [`Store`] trait with a SQLite and a PostgreSQL implementation.
//!
//! Each backend owns its migrations (`migrations/sqlite`, `migrations/postgres`) and runs
//! them on connect. The backend is chosen once, from the database URL's scheme. Both are
//! held to the same behaviour by the conformance suite in `server/tests/`.

mod connectors;
mod identity;
mod names;
mod postgres;
mod rows;
mod sqlite;

use std::sync::Arc;

use app::model::identity::{ApiTokenInfo, Member, Membership, Role};
use app::model::{AuthType, Category, ConnectorType, OAuthSettings};
use async_trait::async_trait;
use serde_json::Value;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::vault::Sealed;

pub use connectors::{
    AuditRecord, ConnectionTestRecord, ConnectorRecord, CredentialChange, CredentialRecord,
    DueCheck, OAuthReturn, OAuthStateRecord, TestOutcome,
};
pub use identity::{ApiTokenRecord, CredentialOwner, SessionRecord, TenantRecord, UserRecord};
pub use names::name_key;
pub use postgres::PostgresStore;
pub(crate) use rows::rfc3339;
pub use sqlite::SqliteStore;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database cannot be reached or did not answer in time.
    #[error("database unavailable: {0}")]
    Unavailable(String),
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
        match error {
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                StoreError::Unavailable(error.to_string())
            }
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
            StoreError::Unavailable(detail) => {
                tracing::warn!(%detail, "database unavailable");
                app::error::AppError::Unavailable
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

/// A connector type as written by the seeder (the catalog is read-only at runtime).
#[derive(Clone, Debug, PartialEq)]
pub struct NewCatalogEntry {
    pub key: String,
    pub name: String,
    pub description: String,
    pub category: Category,
    pub icon: String,
    pub auth_type: AuthType,
    pub capabilities: serde_json::Map<String, Value>,
    pub config_schema: Value,
    pub auth_schema: Value,
    pub oauth: Option<OAuthSettings>,
    pub test: Value,
    pub docs_url: String,
    pub version: i64,
}

impl NewCatalogEntry {
    /// Whether the stored type already says exactly what this entry says; the seeder
    /// leaves such rows untouched so that seeding twice changes nothing.
    pub fn same_content_as(&self, stored: &ConnectorType) -> bool {
        self.key == stored.key
            && self.name == stored.name
            && self.description == stored.description
            && self.category == stored.category
            && self.icon == stored.icon
            && self.auth_type == stored.auth_type
            && self.capabilities == stored.capabilities
            && self.config_schema == stored.config_schema
            && self.auth_schema == stored.auth_schema
            && self.oauth == stored.oauth
            && self.test == stored.test
            && self.docs_url == stored.docs_url
            && self.version == stored.version
    }
}

/// What one seeding run did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub inserted: Vec<String>,
    pub updated: Vec<String>,
    pub unchanged: Vec<String>,
}

#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Cheap round trip, for `/healthz`.
    async fn ping(&self) -> Result<(), StoreError>;

    /// Every connector type, ordered by name (case-insensitively), then key.
    async fn list_catalog(&self) -> Result<Vec<ConnectorType>, StoreError>;

    async fn catalog_by_key(&self, key: &str) -> Result<Option<ConnectorType>, StoreError>;

    /// Upserts `entries` by key in one transaction: all or nothing. Rows whose content is
    /// unchanged are not written. Types missing from `entries` are kept (instances may
    /// still use them).
    async fn seed_catalog(&self, entries: &[NewCatalogEntry]) -> Result<SeedReport, StoreError>;

    // --- tenants, users, memberships -------------------------------------------------

    async fn count_users(&self) -> Result<i64, StoreError>;

    /// First-run setup: creates the tenant, the user and their owner membership in one
    /// transaction, but only while no user exists. Returns false (writing nothing) when
    /// someone has already set up this installation.
    async fn setup_first_owner(
        &self,
        tenant: &TenantRecord,
        owner: &UserRecord,
    ) -> Result<bool, StoreError>;

    /// `Conflict` when the name is taken (case-insensitively).
    async fn create_tenant(&self, tenant: &TenantRecord) -> Result<(), StoreError>;

    async fn tenant_by_name(&self, name: &str) -> Result<Option<TenantRecord>, StoreError>;

    /// `Conflict` when the email is taken (case-insensitively).
    async fn create_user(&self, user: &UserRecord) -> Result<(), StoreError>;

    /// Case-insensitive.
    async fn user_by_email(&self, email: &str) -> Result<Option<UserRecord>, StoreError>;

    /// Adds the user to the tenant, or changes their role there.
    async fn put_membership(
        &self,
        user_id: Uuid,
        tenant_id: Uuid,
        role: Role,
    ) -> Result<(), StoreError>;

    /// Takes the user out of the tenant; false when they were not a member.
    async fn delete_membership(&self, user_id: Uuid, tenant_id: Uuid) -> Result<bool, StoreError>;

    /// The tenants a user belongs to, by tenant name.
    async fn memberships_of(&self, user_id: Uuid) -> Result<Vec<Membership>, StoreError>;

    /// The members of a tenant, by email.
    async fn members_of(&self, tenant_id: Uuid) -> Result<Vec<Member>, StoreError>;

    /// The user's role in the tenant, if they are a member.
    async fn role_in(&self, user_id: Uuid, tenant_id: Uuid) -> Result<Option<Role>, StoreError>;

    // --- sessions ---------------------------------------------------------------------

    async fn insert_session(&self, session: &SessionRecord) -> Result<(), StoreError>;

    async fn session(
        &self,
        id: &str,
    ) -> Result<Option<(SessionRecord, CredentialOwner)>, StoreError>;

    async fn touch_session(&self, id: &str, now: i64) -> Result<(), StoreError>;

    /// Moves the session to another tenant. The caller checks membership first.
    async fn set_session_tenant(&self, id: &str, tenant_id: Uuid) -> Result<(), StoreError>;

    async fn delete_session(&self, id: &str) -> Result<(), StoreError>;

    /// Sessions expired by `now`, idle or absolute; returns how many were removed.
    async fn delete_expired_sessions(
        &self,
        absolute_before: i64,
        idle_before: i64,
    ) -> Result<u64, StoreError>;

    // --- API tokens -----------------------------------------------------------------

    async fn insert_api_token(&self, token: &ApiTokenRecord) -> Result<(), StoreError>;

    async fn api_token(
        &self,
        token_hash: &str,
    ) -> Result<Option<(ApiTokenRecord, CredentialOwner)>, StoreError>;

    async fn touch_api_token(&self, id: Uuid, now: i64) -> Result<(), StoreError>;

    /// Unrevoked tokens of a tenant, newest first.
    async fn api_tokens_of(&self, tenant_id: Uuid) -> Result<Vec<ApiTokenInfo>, StoreError>;

    /// Revokes a token of this tenant; false when the tenant has no such unrevoked token.
    async fn revoke_api_token(
        &self,
        tenant_id: Uuid,
        id: Uuid,
        now: i64,
    ) -> Result<bool, StoreError>;

    // --- login throttle -------------------------------------------------------------

    async fn record_login_failure(&self, key: &str, at: i64) -> Result<(), StoreError>;

    async fn login_failures_since(&self, key: &str, since: i64) -> Result<i64, StoreError>;

    async fn clear_login_failures(&self, key: &str) -> Result<(), StoreError>;

    // --- vault ----------------------------------------------------------------------

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

    // --- connector instances ---------------------------------------------------------
    // Every change writes its audit entries in the same transaction.

    /// Creates the instance (and its credentials); `Conflict` when the tenant already has
    /// an instance of that name, ignoring case.
    async fn create_connector(
        &self,
        connector: &ConnectorRecord,
        credentials: Option<&CredentialRecord>,
        audit: &AuditRecord,
    ) -> Result<(), StoreError>;

    /// One instance the tenant can see: its own, or a global one. Another tenant's
    /// instance is `None`, exactly like one that does not exist.
    async fn connector(
        &self,
        tenant_id: Uuid,
        id: Uuid,
    ) -> Result<Option<ConnectorRecord>, StoreError>;

    /// The tenant's instances and the global ones, by name.
    async fn connectors(&self, tenant_id: Uuid) -> Result<Vec<ConnectorRecord>, StoreError>;

    /// Saves the instance (matched by id and tenant) and applies the credential change;
    /// false, writing nothing, when the tenant has no such instance.
    async fn update_connector(
        &self,
        connector: &ConnectorRecord,
        credentials: CredentialChange<'_>,
        audit: &[AuditRecord],
    ) -> Result<bool, StoreError>;

    /// Deletes the tenant's instance and its credentials; false when there is none.
    async fn delete_connector(
        &self,
        tenant_id: Uuid,
        id: Uuid,
        audit: &AuditRecord,
    ) -> Result<bool, StoreError>;

    async fn credentials_of(
        &self,
        tenant_id: Uuid,
        connector_id: Uuid,
    ) -> Result<Option<CredentialRecord>, StoreError>;

    /// Credentials of every instance the tenant can see: its own and the global ones.
    async fn credentials_visible_to(
        &self,
        tenant_id: Uuid,
    ) -> Result<Vec<CredentialRecord>, StoreError>;

    /// Appends one audit entry on its own (e.g. a decryption for use).
    async fn append_audit(&self, entry: &AuditRecord) -> Result<(), StoreError>;

    /// Audit entries about one target in the tenant, newest first.
    async fn audit_entries(
        &self,
        tenant_id: Uuid,
        target_id: Uuid,
        limit: i64,
    ) -> Result<Vec<AuditRecord>, StoreError>;

    // OAuth authorization requests (DESIGN.md §7).

    async fn insert_oauth_state(&self, state: &OAuthStateRecord) -> Result<(), StoreError>;
    /// Marks the state used by `user_id` and returns it, exactly once: `None` when it is
    /// unknown, already used, or another user's (which stays unused). Expiry is the
    /// caller's to judge, so it can say so.
    async fn take_oauth_state(
        &self,
        state_hash: &str,
        user_id: Uuid,
        now: OffsetDateTime,
    ) -> Result<Option<OAuthStateRecord>, StoreError>;
    /// Removes states that expired before `before`; returns how many.
    async fn delete_expired_oauth_states(&self, before: OffsetDateTime) -> Result<u64, StoreError>;

    /// Waits until no one else (in this process or, on PostgreSQL, any replica) holds the
    /// instance's credential lock, then holds it until released: one token refresh at a
    /// time per credential.
    async fn lock_credentials(&self, connector_id: Uuid) -> Result<CredentialLock, StoreError>;
    /// Stores a test result, sets the instance's status and last-test fields, appends the
    /// audit entries, and keeps only the instance's newest `keep` results, in one
    /// transaction. False when the instance is not there.
    async fn record_connection_test(
        &self,
        test: &ConnectionTestRecord,
        outcome: &TestOutcome,
        audit: &[AuditRecord],
        keep: i64,
    ) -> Result<bool, StoreError>;
    /// The instance's results, newest first.
    async fn connection_tests(
        &self,
        tenant_id: Uuid,
        connector_id: Uuid,
        limit: i64,
    ) -> Result<Vec<ConnectionTestRecord>, StoreError>;
    /// The status a passing test restores: `status_before` of the newest result that set
    /// `error`.
    async fn status_before_error(
        &self,
        tenant_id: Uuid,
        connector_id: Uuid,
    ) -> Result<Option<app::model::connector::ConnectorStatus>, StoreError>;
    /// Credentials (of any tenant) that expire before `before`, soonest first.
    async fn credentials_expiring_before(
        &self,
        before: OffsetDateTime,
        limit: i64,
    ) -> Result<Vec<CredentialRecord>, StoreError>;
    /// Claims up to `limit` active instances (of any tenant) for the health checker: those
    /// never tested or last tested before `due_before`, and not held by a checker at
    /// `now`. Each claimed instance is held until `hold_until`, so no other checker (in
    /// any server process) claims it again before its result is recorded; the result
    /// then makes it not due. Picks the least recently tested first (returned in no
    /// particular order). On PostgreSQL, rows another
    /// process is claiming at that moment are skipped rather than waited for.
    async fn claim_due_health_checks(
        &self,
        due_before: OffsetDateTime,
        now: OffsetDateTime,
        hold_until: OffsetDateTime,
        limit: i64,
    ) -> Result<Vec<DueCheck>, StoreError>;
}

/// A held credential lock; [`CredentialLock::release`] gives it back. Dropping it also
/// releases it, but on PostgreSQL only once the connection is returned, so release it.
pub struct CredentialLock {
    _local: tokio::sync::OwnedMutexGuard<()>,
    database: Option<sqlx::Transaction<'static, sqlx::Postgres>>,
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

/// The seeding decision, shared by both backends: the entries to write (new or changed)
/// and the report of what that does. Unchanged entries are not written at all.
pub(crate) fn plan_seed<'a>(
    entries: &'a [NewCatalogEntry],
    stored: &[ConnectorType],
) -> (Vec<&'a NewCatalogEntry>, SeedReport) {
    let mut writes = Vec::new();
    let mut report = SeedReport::default();
    for entry in entries {
        match stored.iter().find(|row| row.key == entry.key) {
            None => report.inserted.push(entry.key.clone()),
            Some(row) if entry.same_content_as(row) => {
                report.unchanged.push(entry.key.clone());
                continue;
            }
            Some(_) => report.updated.push(entry.key.clone()),
        }
        writes.push(entry);
    }
    (writes, report)
}
