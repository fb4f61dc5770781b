//! Rows of sessions and API tokens, each joined with its owner.

use app::model::identity::ApiTokenInfo;

use super::{role_column, uuid_column};
use crate::store::{
    ApiTokenRecord, CredentialOwner, SessionRecord, StoreError, TenantRecord, UserRecord,
};

/// The owner columns both credential lookups join in: user, tenant and role (if any).
#[derive(sqlx::FromRow)]
pub(crate) struct OwnerColumns {
    pub user_id: String,
    pub tenant_id: String,
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    pub is_platform_admin: bool,
    pub tenant_name: String,
    pub role: Option<String>,
}

impl TryFrom<OwnerColumns> for CredentialOwner {
    type Error = StoreError;

    fn try_from(row: OwnerColumns) -> Result<Self, StoreError> {
        Ok(CredentialOwner {
            user: UserRecord {
                id: uuid_column("users", &row.user_id)?,
                email: row.email,
                display_name: row.display_name,
                password_hash: row.password_hash,
                is_platform_admin: row.is_platform_admin,
            },
            tenant: TenantRecord {
                id: uuid_column("tenants", &row.tenant_id)?,
                name: row.tenant_name,
            },
            role: row
                .role
                .as_deref()
                .map(|role| role_column("memberships", role))
                .transpose()?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct SessionRow {
    pub session_id: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
    #[sqlx(flatten)]
    pub owner: OwnerColumns,
}

impl TryFrom<SessionRow> for (SessionRecord, CredentialOwner) {
    type Error = StoreError;

    fn try_from(row: SessionRow) -> Result<Self, StoreError> {
        let owner = CredentialOwner::try_from(row.owner)?;
        let session = SessionRecord {
            id: row.session_id,
            user_id: owner.user.id,
            tenant_id: owner.tenant.id,
            created_at: row.created_at,
            last_seen_at: row.last_seen_at,
            expires_at: row.expires_at,
        };
        Ok((session, owner))
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct TokenRow {
    pub token_id: String,
    pub name: String,
    pub token_hash: String,
    pub prefix: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
    #[sqlx(flatten)]
    pub owner: OwnerColumns,
}

impl TryFrom<TokenRow> for (ApiTokenRecord, CredentialOwner) {
    type Error = StoreError;

    fn try_from(row: TokenRow) -> Result<Self, StoreError> {
        let owner = CredentialOwner::try_from(row.owner)?;
        let token = ApiTokenRecord {
            id: uuid_column("api_tokens", &row.token_id)?,
            tenant_id: owner.tenant.id,
            user_id: owner.user.id,
            name: row.name,
            token_hash: row.token_hash,
            prefix: row.prefix,
            created_at: row.created_at,
            last_used_at: row.last_used_at,
            revoked_at: row.revoked_at,
        };
        Ok((token, owner))
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct TokenInfoRow {
    pub id: String,
    pub name: String,
    pub prefix: String,
    pub owner_email: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

impl TryFrom<TokenInfoRow> for ApiTokenInfo {
    type Error = StoreError;

    fn try_from(row: TokenInfoRow) -> Result<Self, StoreError> {
        Ok(ApiTokenInfo {
            id: uuid_column("api_tokens", &row.id)?,
            name: row.name,
            prefix: row.prefix,
            owner_email: row.owner_email,
            created_at: row.created_at,
            last_used_at: row.last_used_at,
        })
    }
}
