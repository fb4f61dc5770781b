//! Who is asking: users, tenants, roles, and the signed-in principal of a request.

use std::fmt;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A member's role in a tenant, from most to least powerful.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Owner,
    Admin,
    Member,
    Viewer,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Owner, Role::Admin, Role::Member, Role::Viewer];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Member => "member",
            Role::Viewer => "viewer",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Owner => "Owner",
            Role::Admin => "Admin",
            Role::Member => "Member",
            Role::Viewer => "Viewer",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.as_str() == value)
    }

    /// Install, configure and delete connectors; manage members and API tokens.
    pub fn can_administer(self) -> bool {
        matches!(self, Role::Owner | Role::Admin)
    }

    /// Use and test connectors.
    pub fn can_use_connectors(self) -> bool {
        !matches!(self, Role::Viewer)
    }

    /// Whether someone with this role may give `other` to a member. Only owners make
    /// owners; admins manage admins and everyone below.
    pub fn may_grant(self, other: Role) -> bool {
        match self {
            Role::Owner => true,
            Role::Admin => other != Role::Owner,
            Role::Member | Role::Viewer => false,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a request proved who it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Credential {
    /// A browser session; holds the session's id (a hash of the cookie, not the cookie).
    Session(String),
    /// An API token, by its id.
    ApiToken(Uuid),
}

/// The signed-in user of a request, in their active tenant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Principal {
    pub user_id: Uuid,
    pub email: String,
    pub display_name: String,
    pub tenant_id: Uuid,
    pub tenant_name: String,
    pub role: Role,
    pub is_platform_admin: bool,
    pub credential: Credential,
}

/// One tenant a user belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Membership {
    pub tenant_id: Uuid,
    pub tenant_name: String,
    pub role: Role,
}

/// A member of a tenant, as the settings page lists them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Member {
    pub user_id: Uuid,
    pub email: String,
    pub display_name: String,
    pub role: Role,
}

/// An API token without its secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiTokenInfo {
    pub id: Uuid,
    pub name: String,
    /// The token's first characters, enough to recognise it.
    pub prefix: String,
    pub owner_email: String,
    /// Unix seconds.
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

/// What the page header needs: who is signed in and where they can switch to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    pub display_name: String,
    pub email: String,
    pub tenant_id: Uuid,
    pub tenant_name: String,
    pub role: Role,
    pub memberships: Vec<Membership>,
}

/// A password on its way in. Its `Debug` shows nothing, so it cannot end up in a log line
/// by accident; it is serialisable only because the browser must send it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(transparent)]
pub struct Password(pub String);

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// First-run setup: the first tenant and its owner.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetupInput {
    pub tenant_name: String,
    pub display_name: String,
    pub email: String,
    pub password: Password,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginInput {
    pub email: String,
    pub password: Password,
}

/// A new member, created by an owner or admin with a first password to hand over.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewMemberInput {
    pub email: String,
    pub display_name: String,
    pub role: Role,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Password))]
    pub password: Password,
}

/// A just-created API token: the only time its value is shown.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedApiToken {
    pub info: ApiTokenInfo,
    pub token: String,
}

impl fmt::Debug for CreatedApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CreatedApiToken")
            .field("info", &self.info)
            .field("token", &"[redacted]")
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_and_rank() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert!(Role::Admin.can_administer() && !Role::Member.can_administer());
        assert!(Role::Member.can_use_connectors() && !Role::Viewer.can_use_connectors());
    }

    #[test]
    fn passwords_and_new_tokens_never_print() {
        let input = LoginInput {
            email: "a@b.c".into(),
            password: Password("hunter2hunter2".into()),
        };
        assert!(!format!("{input:?}").contains("hunter2"));
        let created = CreatedApiToken {
            info: ApiTokenInfo {
                id: Uuid::nil(),
                name: "ci".into(),
                prefix: "chub_abcdef".into(),
                owner_email: "a@b.c".into(),
                created_at: 0,
                last_used_at: None,
            },
            token: "chub_abcdefSECRET".into(),
        };
        assert!(!format!("{created:?}").contains("SECRET"));
    }

    #[test]
    fn only_owners_make_owners() {
        assert!(Role::Owner.may_grant(Role::Owner));
        assert!(!Role::Admin.may_grant(Role::Owner));
        assert!(Role::Admin.may_grant(Role::Admin));
        assert!(!Role::Member.may_grant(Role::Viewer));
    }
}
