//! Identity records as the store reads and writes them. Secrets never appear here in the
//! clear: passwords are argon2id PHC strings, session and token values are SHA-256 hashes.

use app::model::identity::Role;
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TenantRecord {
    pub id: Uuid,
    pub name: String,
}

#[derive(Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    /// argon2id PHC string; not a secret by itself, but kept out of `Debug` anyway.
    pub password_hash: String,
    pub is_platform_admin: bool,
}

impl std::fmt::Debug for UserRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRecord")
            .field("id", &self.id)
            .field("email", &self.email)
            .field("display_name", &self.display_name)
            .field("password_hash", &"[redacted]")
            .field("is_platform_admin", &self.is_platform_admin)
            .finish()
    }
}

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
