//! The audit trail's entries about a connector instance: the one place that builds them,
//! so every entry has the same shape (target type, tenant, actor) whichever rule writes
//! it. The store only saves them, in the same transaction as the change they record.

use app::model::connector::ConnectorStatus;
use serde_json::{Value, json};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::store::{AuditRecord, ConnectorRecord};

/// An entry about `record` by `actor` (`None`: the system, e.g. a background refresh or
/// a scheduled test).
pub fn entry(
    actor: Option<Uuid>,
    record: &ConnectorRecord,
    action: &str,
    details: Value,
    at: OffsetDateTime,
) -> AuditRecord {
    AuditRecord {
        id: Uuid::new_v4(),
        tenant_id: record.tenant_id,
        actor,
        action: action.to_owned(),
        target_type: "connector".to_owned(),
        target_id: record.id,
        at,
        details,
    }
}

/// Why an instance's status changed.
#[derive(Clone, Copy, Debug)]
pub enum StatusCause<'a> {
    /// A rule of the system's (setup completed, a test failed, a refresh was refused),
    /// named in a few words.
    Rule(&'a str),
    /// A person chose the status; `confirmed` says whether they confirmed a change that
    /// asks for it (activating an instance whose last test failed).
    Choice { confirmed: bool },
}

/// A `connector.status` entry: `record`'s status (as it is before the change) becoming
/// `to`.
pub fn status_change(
    actor: Option<Uuid>,
    record: &ConnectorRecord,
    to: ConnectorStatus,
    cause: StatusCause<'_>,
    at: OffsetDateTime,
) -> AuditRecord {
    let details = match cause {
        StatusCause::Rule(reason) => json!({ "from": record.status, "to": to, "reason": reason }),
        StatusCause::Choice { confirmed } => {
            json!({ "from": record.status, "to": to, "confirmed": confirmed })
        }
    };
    entry(actor, record, "connector.status", details, at)
}
