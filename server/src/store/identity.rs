//! Tenants, users and who belongs where. Passwords appear only as argon2id PHC strings.

use app::model::identity::{Member, Membership, Role};
use async_trait::async_trait;
use uuid::Uuid;

use super::StoreError;

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

#[async_trait]
pub trait IdentityStore: Send + Sync {
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
}
