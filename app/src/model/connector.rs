//! Connector *instances*: a tenant's named installs of a catalog type.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Where an instance is in its life (DESIGN.md §5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ConnectorStatus {
    /// Created, not yet authenticated (e.g. waiting for OAuth); also a wizard draft.
    Pending,
    /// Configured and authenticated, not in use.
    Inactive,
    /// In use: only active instances are publish targets.
    Active,
    /// A test, health check or token refresh failed.
    Error,
}

impl ConnectorStatus {
    pub const ALL: [ConnectorStatus; 4] = [
        ConnectorStatus::Pending,
        ConnectorStatus::Inactive,
        ConnectorStatus::Active,
        ConnectorStatus::Error,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ConnectorStatus::Pending => "pending",
            ConnectorStatus::Inactive => "inactive",
            ConnectorStatus::Active => "active",
            ConnectorStatus::Error => "error",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ConnectorStatus::Pending => "Setup incomplete",
            ConnectorStatus::Inactive => "Inactive",
            ConnectorStatus::Active => "Active",
            ConnectorStatus::Error => "Error",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|status| status.as_str() == value)
    }
}

impl fmt::Display for ConnectorStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who can see and use an instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Every tenant; written only by a platform admin.
    Global,
    /// Everyone in the owning tenant.
    Tenant,
    /// Its owner (and the tenant's admins).
    User,
}

impl Scope {
    pub const ALL: [Scope; 3] = [Scope::Global, Scope::Tenant, Scope::User];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Global => "global",
            Scope::Tenant => "tenant",
            Scope::User => "user",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|scope| scope.as_str() == value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for status in ConnectorStatus::ALL {
            assert_eq!(ConnectorStatus::parse(status.as_str()), Some(status));
        }
        for scope in Scope::ALL {
            assert_eq!(Scope::parse(scope.as_str()), Some(scope));
        }
        assert_eq!(ConnectorStatus::parse("paused"), None);
    }
}
