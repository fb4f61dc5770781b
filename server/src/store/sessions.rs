//! How a request proves who it is: browser sessions, API tokens, and the login throttle.
//! Session and token values are never stored, only their SHA-256 hashes.

use app::model::identity::{ApiTokenInfo, Role};
use async_trait::async_trait;
use uuid::Uuid;

use super::{StoreError, TenantRecord, UserRecord};

/// A browser session. `id` is the SHA-256 (hex) of the cookie value. Times are Unix seconds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRecord {
    pub id: String,
    pub user_id: Uuid,
    pub tenant_id: Uuid,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
}

/// An API token. `token_hash` is the SHA-256 (hex) of the token. Times are Unix seconds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiTokenRecord {
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub user_id: Uuid,
    pub name: String,
    pub token_hash: String,
    pub prefix: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// Who a session or token belongs to, with their role in its tenant. `role` is `None`
/// when the user has since left that tenant: such a credential grants nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CredentialOwner {
    pub user: UserRecord,
    pub tenant: TenantRecord,
    pub role: Option<Role>,
}

#[async_trait]
pub trait SessionStore: Send + Sync {
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
}
