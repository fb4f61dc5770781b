//! Connector instances, their sealed credentials and audit entries, as stored.

use app::model::connector::{ConnectorStatus, Scope};
use app::model::identity::Role;
use app::model::probe::{ErrorClass, ProbeTrace, TestTrigger};
use serde_json::Value;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::vault::Sealed;

#[derive(Clone, Debug, PartialEq)]
pub struct ConnectorRecord {
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub catalog_id: Uuid,
    pub name: String,
    pub description: String,
    pub status: ConnectorStatus,
    pub scope: Scope,
    pub owner_user_id: Option<Uuid>,
    /// Roles that may use the instance; empty means every role.
    pub allowed_roles: Vec<Role>,
    /// Validated against the type's config schema; never holds credential values.
    pub config: Value,
    pub tags: Vec<String>,
    pub last_tested_at: Option<OffsetDateTime>,
    pub last_test_ok: Option<bool>,
    pub last_error: Option<String>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub created_by: Option<Uuid>,
    pub updated_by: Option<Uuid>,
}

/// An instance's credentials: every secret field sealed together by the vault, plus the
/// masked view (per field: set, hint, set_at, set_by) that responses may show.
#[derive(Clone, Debug, PartialEq)]
pub struct CredentialRecord {
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub connector_id: Uuid,
    pub sealed: Sealed,
    pub masked: Value,
    pub expires_at: Option<OffsetDateTime>,
    pub refreshed_at: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub created_by: Option<Uuid>,
    pub updated_by: Option<Uuid>,
}

/// One entry of the audit trail. `details` never holds secret values.
#[derive(Clone, Debug, PartialEq)]
pub struct AuditRecord {
    pub id: Uuid,
    pub tenant_id: Uuid,
    /// The user who acted; `None` for the system (health checks, token refresh).
    pub actor: Option<Uuid>,
    /// e.g. `connector.create`, `connector.status`, `credentials.replace`.
    pub action: String,
    pub target_type: String,
    pub target_id: Uuid,
    pub at: OffsetDateTime,
    pub details: Value,
}

/// What an update does to the instance's credentials.
#[derive(Clone, Copy, Debug)]
pub enum CredentialChange<'a> {
    Keep,
    Put(&'a CredentialRecord),
    Remove,
}

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

/// One stored connection test result. The trace is redacted before it gets here.
#[derive(Clone, Debug, PartialEq)]
pub struct ConnectionTestRecord {
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub connector_id: Uuid,
    pub started_at: OffsetDateTime,
    pub duration_ms: i64,
    pub ok: bool,
    pub error_class: Option<ErrorClass>,
    pub trace: ProbeTrace,
    pub trigger: TestTrigger,
    /// The instance's status before this (failing) test set `error`.
    pub status_before: Option<ConnectorStatus>,
}

/// An instance the health checker has claimed for a scheduled test.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DueCheck {
    pub tenant_id: Uuid,
    pub connector_id: Uuid,
}

/// What a test result changes on its instance.
#[derive(Clone, Debug, PartialEq)]
pub struct TestOutcome {
    pub status: ConnectorStatus,
    pub last_tested_at: OffsetDateTime,
    pub last_test_ok: bool,
    pub last_error: Option<String>,
}
