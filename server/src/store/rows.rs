//! Row shapes shared by both backends and their conversion to domain types.

use app::model::{AuthType, Category, ConnectorType, OAuthSettings};
use serde_json::Value;
use sqlx::types::Json;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use app::model::identity::{ApiTokenInfo, Member, Membership, Role};

use app::model::connector::{ConnectorStatus, Scope};

use super::ConnectionTestRecord;
use super::{
    ApiTokenRecord, AuditRecord, ConnectorRecord, CredentialOwner, CredentialRecord, OAuthReturn,
    OAuthStateRecord, SessionRecord, StoreError, TenantRecord, UserRecord,
};
use crate::vault::Sealed;

/// The columns of `connector_catalog` as each backend's `catalog_select!` reads them. Ids are read
/// as text on both backends (PostgreSQL casts `id::text`).
#[derive(sqlx::FromRow)]
pub(crate) struct CatalogRow {
    pub id: String,
    pub key: String,
    pub name: String,
    pub description: String,
    pub category: String,
    pub icon: String,
    pub auth_type: String,
    pub capabilities: Json<Value>,
    pub config_schema: Json<Value>,
    pub auth_schema: Json<Value>,
    pub oauth: Option<Json<Value>>,
    pub test: Json<Value>,
    pub docs_url: String,
    pub version: i64,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

impl TryFrom<CatalogRow> for ConnectorType {
    type Error = StoreError;

    fn try_from(row: CatalogRow) -> Result<Self, StoreError> {
        let corrupt =
            |what: &str| StoreError::Corrupt(format!("connector_catalog {}: {what}", row.key));
        let capabilities = match row.capabilities.0 {
            Value::Object(map) => map,
            _ => return Err(corrupt("capabilities is not an object")),
        };
        let oauth = match row.oauth {
            None => None,
            Some(Json(value)) => Some(
                serde_json::from_value::<OAuthSettings>(value)
                    .map_err(|e| corrupt(&format!("oauth: {e}")))?,
            ),
        };
        Ok(ConnectorType {
            id: row.id.parse().map_err(|_| corrupt("id is not a UUID"))?,
            category: Category::parse(&row.category).ok_or_else(|| corrupt("unknown category"))?,
            auth_type: AuthType::parse(&row.auth_type)
                .ok_or_else(|| corrupt("unknown auth_type"))?,
            created_at: rfc3339(row.created_at),
            updated_at: rfc3339(row.updated_at),
            key: row.key,
            name: row.name,
            description: row.description,
            icon: row.icon,
            capabilities,
            config_schema: row.config_schema.0,
            auth_schema: row.auth_schema.0,
            oauth,
            test: row.test.0,
            docs_url: row.docs_url,
            version: row.version,
        })
    }
}

/// A claimed instance from its `(tenant_id, id)` columns as text.
pub(crate) fn due_check((tenant_id, id): (String, String)) -> Result<super::DueCheck, StoreError> {
    let parse = |text: &str| {
        uuid::Uuid::parse_str(text)
            .map_err(|_| StoreError::Corrupt(format!("connectors.id: {text}")))
    };
    Ok(super::DueCheck {
        tenant_id: parse(&tenant_id)?,
        connector_id: parse(&id)?,
    })
}

pub(crate) fn rfc3339(at: OffsetDateTime) -> String {
    // Formatting a valid OffsetDateTime as RFC 3339 fails only for years outside 0..=9999.
    at.format(&Rfc3339).unwrap_or_else(|_| at.to_string())
}

/// The OAuth settings as stored JSON.
pub(crate) fn oauth_json(oauth: &Option<OAuthSettings>) -> Option<Json<Value>> {
    oauth
        .as_ref()
        .map(|settings| Json(serde_json::to_value(settings).unwrap_or(Value::Null)))
}

// --- identity ------------------------------------------------------------------------

fn uuid_column(table: &str, value: &str) -> Result<uuid::Uuid, StoreError> {
    value
        .parse()
        .map_err(|_| StoreError::Corrupt(format!("{table}: {value:?} is not a UUID")))
}

fn role_column(table: &str, value: &str) -> Result<Role, StoreError> {
    Role::parse(value)
        .ok_or_else(|| StoreError::Corrupt(format!("{table}: unknown role {value:?}")))
}

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

/// Converts every row, failing on the first corrupt one.
pub(crate) fn convert_all<R, T>(rows: Vec<R>) -> Result<Vec<T>, StoreError>
where
    T: TryFrom<R, Error = StoreError>,
{
    rows.into_iter().map(T::try_from).collect()
}

// --- connectors ----------------------------------------------------------------------

fn optional_uuid(table: &str, value: Option<String>) -> Result<Option<uuid::Uuid>, StoreError> {
    value.as_deref().map(|v| uuid_column(table, v)).transpose()
}

fn string_list(table: &str, value: Value) -> Result<Vec<String>, StoreError> {
    serde_json::from_value(value).map_err(|e| StoreError::Corrupt(format!("{table}: {e}")))
}

#[derive(sqlx::FromRow)]
pub(crate) struct ConnectorRow {
    pub id: String,
    pub tenant_id: String,
    pub catalog_id: String,
    pub name: String,
    pub description: String,
    pub status: String,
    pub scope: String,
    pub owner_user_id: Option<String>,
    pub allowed_roles: Json<Value>,
    pub config: Json<Value>,
    pub tags: Json<Value>,
    pub last_tested_at: Option<OffsetDateTime>,
    pub last_test_ok: Option<bool>,
    pub last_error: Option<String>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub created_by: Option<String>,
    pub updated_by: Option<String>,
}

impl TryFrom<ConnectorRow> for ConnectorRecord {
    type Error = StoreError;

    fn try_from(row: ConnectorRow) -> Result<Self, StoreError> {
        let table = "connectors";
        let allowed_roles = string_list(table, row.allowed_roles.0)?
            .iter()
            .map(|role| role_column(table, role))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ConnectorRecord {
            id: uuid_column(table, &row.id)?,
            tenant_id: uuid_column(table, &row.tenant_id)?,
            catalog_id: uuid_column(table, &row.catalog_id)?,
            name: row.name,
            description: row.description,
            status: ConnectorStatus::parse(&row.status).ok_or_else(|| {
                StoreError::Corrupt(format!("{table}: unknown status {:?}", row.status))
            })?,
            scope: Scope::parse(&row.scope).ok_or_else(|| {
                StoreError::Corrupt(format!("{table}: unknown scope {:?}", row.scope))
            })?,
            owner_user_id: optional_uuid(table, row.owner_user_id)?,
            allowed_roles,
            config: row.config.0,
            tags: string_list(table, row.tags.0)?,
            last_tested_at: row.last_tested_at,
            last_test_ok: row.last_test_ok,
            last_error: row.last_error,
            created_at: row.created_at,
            updated_at: row.updated_at,
            created_by: optional_uuid(table, row.created_by)?,
            updated_by: optional_uuid(table, row.updated_by)?,
        })
    }
}

/// Roles as stored: a JSON array of role names.
pub(crate) fn roles_json(roles: &[Role]) -> Json<Vec<&'static str>> {
    Json(roles.iter().map(|role| role.as_str()).collect())
}

#[derive(sqlx::FromRow)]
pub(crate) struct CredentialRow {
    pub id: String,
    pub tenant_id: String,
    pub connector_id: String,
    pub key_id: String,
    pub nonce: Vec<u8>,
    pub ciphertext: Vec<u8>,
    pub masked: Json<Value>,
    pub expires_at: Option<OffsetDateTime>,
    pub refreshed_at: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub created_by: Option<String>,
    pub updated_by: Option<String>,
}

impl TryFrom<CredentialRow> for CredentialRecord {
    type Error = StoreError;

    fn try_from(row: CredentialRow) -> Result<Self, StoreError> {
        let table = "credentials";
        Ok(CredentialRecord {
            id: uuid_column(table, &row.id)?,
            tenant_id: uuid_column(table, &row.tenant_id)?,
            connector_id: uuid_column(table, &row.connector_id)?,
            sealed: Sealed {
                key_id: row.key_id,
                nonce: row.nonce,
                ciphertext: row.ciphertext,
            },
            masked: row.masked.0,
            expires_at: row.expires_at,
            refreshed_at: row.refreshed_at,
            created_at: row.created_at,
            updated_at: row.updated_at,
            created_by: optional_uuid(table, row.created_by)?,
            updated_by: optional_uuid(table, row.updated_by)?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct AuditRow {
    pub id: String,
    pub tenant_id: String,
    pub actor: Option<String>,
    pub action: String,
    pub target_type: String,
    pub target_id: String,
    pub at: OffsetDateTime,
    pub details: Json<Value>,
}

impl TryFrom<AuditRow> for AuditRecord {
    type Error = StoreError;

    fn try_from(row: AuditRow) -> Result<Self, StoreError> {
        let table = "audit_log";
        Ok(AuditRecord {
            id: uuid_column(table, &row.id)?,
            tenant_id: uuid_column(table, &row.tenant_id)?,
            actor: optional_uuid(table, row.actor)?,
            action: row.action,
            target_type: row.target_type,
            target_id: uuid_column(table, &row.target_id)?,
            at: row.at,
            details: row.details.0,
        })
    }
}

/// The columns of `oauth_states` (ids as text on both backends).
#[derive(sqlx::FromRow)]
pub(crate) struct OAuthStateRow {
    pub state_hash: String,
    pub tenant_id: String,
    pub user_id: String,
    pub connector_id: String,
    pub key_id: String,
    pub nonce: Vec<u8>,
    pub ciphertext: Vec<u8>,
    pub return_to: String,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub used_at: Option<OffsetDateTime>,
}

impl TryFrom<OAuthStateRow> for OAuthStateRecord {
    type Error = StoreError;

    fn try_from(row: OAuthStateRow) -> Result<Self, StoreError> {
        let table = "oauth_states";
        Ok(OAuthStateRecord {
            state_hash: row.state_hash,
            tenant_id: uuid_column(table, &row.tenant_id)?,
            user_id: uuid_column(table, &row.user_id)?,
            connector_id: uuid_column(table, &row.connector_id)?,
            verifier: Sealed {
                key_id: row.key_id,
                nonce: row.nonce,
                ciphertext: row.ciphertext,
            },
            return_to: OAuthReturn::parse(&row.return_to).ok_or_else(|| {
                StoreError::Corrupt(format!("oauth_states.return_to: {}", row.return_to))
            })?,
            created_at: row.created_at,
            expires_at: row.expires_at,
            used_at: row.used_at,
        })
    }
}

/// The columns of `connection_tests` (ids as text on both backends).
#[derive(sqlx::FromRow)]
pub(crate) struct ConnectionTestRow {
    pub id: String,
    pub tenant_id: String,
    pub connector_id: String,
    pub started_at: OffsetDateTime,
    pub duration_ms: i64,
    pub ok: bool,
    pub error_class: Option<String>,
    pub trace: Json<Value>,
    pub trigger: String,
    pub status_before: Option<String>,
}

impl TryFrom<ConnectionTestRow> for ConnectionTestRecord {
    type Error = StoreError;

    fn try_from(row: ConnectionTestRow) -> Result<Self, StoreError> {
        let table = "connection_tests";
        let corrupt =
            |what: &str, value: &str| StoreError::Corrupt(format!("{table}.{what}: {value}"));
        Ok(ConnectionTestRecord {
            id: uuid_column(table, &row.id)?,
            tenant_id: uuid_column(table, &row.tenant_id)?,
            connector_id: uuid_column(table, &row.connector_id)?,
            started_at: row.started_at,
            duration_ms: row.duration_ms,
            ok: row.ok,
            error_class: row
                .error_class
                .map(|class| {
                    app::model::probe::ErrorClass::parse(&class)
                        .ok_or_else(|| corrupt("error_class", &class))
                })
                .transpose()?,
            trace: serde_json::from_value(row.trace.0)
                .map_err(|error| corrupt("trace", &error.to_string()))?,
            trigger: app::model::probe::TestTrigger::parse(&row.trigger)
                .ok_or_else(|| corrupt("trigger", &row.trigger))?,
            status_before: row
                .status_before
                .map(|status| {
                    ConnectorStatus::parse(&status).ok_or_else(|| corrupt("status_before", &status))
                })
                .transpose()?,
        })
    }
}
