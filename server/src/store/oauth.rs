//! OAuth sign-ins in flight (DESIGN.md §7) and what the token refresher needs: the
//! credentials about to expire, and a lock so one refresh at a time runs per credential.

use async_trait::async_trait;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{CredentialLock, CredentialRecord, Sealed, StoreError};

/// Where the callback sends the browser back to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OAuthReturn {
    /// The setup wizard's test step.
    Wizard,
    /// The connector page's credentials tab (a re-authentication).
    Detail,
}

impl OAuthReturn {
    pub fn as_str(self) -> &'static str {
        match self {
            OAuthReturn::Wizard => "wizard",
            OAuthReturn::Detail => "detail",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "wizard" => Some(OAuthReturn::Wizard),
            "detail" => Some(OAuthReturn::Detail),
            _ => None,
        }
    }
}

/// One authorization request in flight (DESIGN.md §7): bound to a user, a tenant and an
/// instance; single use; short-lived.
#[derive(Clone, Debug, PartialEq)]
pub struct OAuthStateRecord {
    /// Hex SHA-256 of the `state` sent to the provider; the state itself is not stored.
    pub state_hash: String,
    pub tenant_id: Uuid,
    pub user_id: Uuid,
    pub connector_id: Uuid,
    /// The PKCE verifier, sealed with the instance's binding.
    pub verifier: Sealed,
    pub return_to: OAuthReturn,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub used_at: Option<OffsetDateTime>,
}

#[async_trait]
pub trait OAuthStore: Send + Sync {
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

    /// Credentials (of any tenant) that expire before `before`, soonest first.
    async fn credentials_expiring_before(
        &self,
        before: OffsetDateTime,
        limit: i64,
    ) -> Result<Vec<CredentialRecord>, StoreError>;
}
