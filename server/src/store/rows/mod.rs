//! Row shapes shared by both backends, and their conversion to the store's records. Ids
//! are read as text on both backends (PostgreSQL casts `::text`), so one row type serves
//! both; a value the code cannot read is `StoreError::Corrupt`, never a panic.

mod catalog;
mod connection_tests;
mod connectors;
mod identity;
mod oauth;
mod sessions;

use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use app::model::identity::Role;

use super::StoreError;

pub(crate) use catalog::{CatalogRow, oauth_json};
pub(crate) use connection_tests::{ConnectionTestRow, due_check};
pub(crate) use connectors::{AuditRow, ConnectorRow, CredentialRow, roles_json};
pub(crate) use identity::{MemberRow, MembershipRow, TenantRow, UserRow};
pub(crate) use oauth::OAuthStateRow;
pub(crate) use sessions::{SessionRow, TokenInfoRow, TokenRow};

pub(crate) fn rfc3339(at: OffsetDateTime) -> String {
    // Formatting a valid OffsetDateTime as RFC 3339 fails only for years outside 0..=9999.
    at.format(&Rfc3339).unwrap_or_else(|_| at.to_string())
}

/// Converts every row, failing on the first corrupt one.
pub(crate) fn convert_all<R, T>(rows: Vec<R>) -> Result<Vec<T>, StoreError>
where
    T: TryFrom<R, Error = StoreError>,
{
    rows.into_iter().map(T::try_from).collect()
}

fn uuid_column(table: &str, value: &str) -> Result<uuid::Uuid, StoreError> {
    value
        .parse()
        .map_err(|_| StoreError::Corrupt(format!("{table}: {value:?} is not a UUID")))
}

fn role_column(table: &str, value: &str) -> Result<Role, StoreError> {
    Role::parse(value)
        .ok_or_else(|| StoreError::Corrupt(format!("{table}: unknown role {value:?}")))
}

fn optional_uuid(table: &str, value: Option<String>) -> Result<Option<uuid::Uuid>, StoreError> {
    value.as_deref().map(|v| uuid_column(table, v)).transpose()
}

fn string_list(table: &str, value: Value) -> Result<Vec<String>, StoreError> {
    serde_json::from_value(value).map_err(|e| StoreError::Corrupt(format!("{table}: {e}")))
}
