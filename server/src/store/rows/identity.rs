//! Rows of tenants, users and memberships.

use app::model::identity::{Member, Membership};

use super::{role_column, uuid_column};
use crate::store::{StoreError, TenantRecord, UserRecord};

#[derive(sqlx::FromRow)]
pub(crate) struct UserRow {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    pub is_platform_admin: bool,
}

impl TryFrom<UserRow> for UserRecord {
    type Error = StoreError;

    fn try_from(row: UserRow) -> Result<Self, StoreError> {
        Ok(UserRecord {
            id: uuid_column("users", &row.id)?,
            email: row.email,
            display_name: row.display_name,
            password_hash: row.password_hash,
            is_platform_admin: row.is_platform_admin,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct TenantRow {
    pub id: String,
    pub name: String,
}

impl TryFrom<TenantRow> for TenantRecord {
    type Error = StoreError;

    fn try_from(row: TenantRow) -> Result<Self, StoreError> {
        Ok(TenantRecord {
            id: uuid_column("tenants", &row.id)?,
            name: row.name,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct MembershipRow {
    pub tenant_id: String,
    pub tenant_name: String,
    pub role: String,
}

impl TryFrom<MembershipRow> for Membership {
    type Error = StoreError;

    fn try_from(row: MembershipRow) -> Result<Self, StoreError> {
        Ok(Membership {
            tenant_id: uuid_column("memberships", &row.tenant_id)?,
            tenant_name: row.tenant_name,
            role: role_column("memberships", &row.role)?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct MemberRow {
    pub user_id: String,
    pub email: String,
    pub display_name: String,
    pub role: String,
}

impl TryFrom<MemberRow> for Member {
    type Error = StoreError;

    fn try_from(row: MemberRow) -> Result<Self, StoreError> {
        Ok(Member {
            user_id: uuid_column("memberships", &row.user_id)?,
            email: row.email,
            display_name: row.display_name,
            role: role_column("memberships", &row.role)?,
        })
    }
}
