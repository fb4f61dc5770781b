//! Rows of connection test results and of health-check claims.

use app::model::connector::ConnectorStatus;
use serde_json::Value;
use sqlx::types::Json;
use time::OffsetDateTime;

use super::uuid_column;
use crate::store::{ConnectionTestRecord, DueCheck, StoreError};

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

/// A claimed instance from its `(tenant_id, id)` columns as text.
pub(crate) fn due_check((tenant_id, id): (String, String)) -> Result<DueCheck, StoreError> {
    let parse = |text: &str| {
        uuid::Uuid::parse_str(text)
            .map_err(|_| StoreError::Corrupt(format!("connectors.id: {text}")))
    };
    Ok(DueCheck {
        tenant_id: parse(&tenant_id)?,
        connector_id: parse(&id)?,
    })
}
