//! Connection test results, and the health checker's claims on instances due a test.

use app::model::connector::ConnectorStatus;
use app::model::probe::{ErrorClass, ProbeTrace, TestTrigger};
use async_trait::async_trait;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{AuditRecord, StoreError};

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

#[async_trait]
pub trait ConnectionTestStore: Send + Sync {
    /// Stores a test result, sets the instance's status and last-test fields, appends the
    /// audit entries, and keeps only the instance's newest `keep` results, in one
    /// transaction. False when the instance is not there.
    async fn record_connection_test(
        &self,
        test: &ConnectionTestRecord,
        outcome: &TestOutcome,
        audit: &[AuditRecord],
        keep: i64,
    ) -> Result<bool, StoreError>;

    /// The instance's results, newest first.
    async fn connection_tests(
        &self,
        tenant_id: Uuid,
        connector_id: Uuid,
        limit: i64,
    ) -> Result<Vec<ConnectionTestRecord>, StoreError>;

    /// The status a passing test restores: `status_before` of the newest result that set
    /// `error`.
    async fn status_before_error(
        &self,
        tenant_id: Uuid,
        connector_id: Uuid,
    ) -> Result<Option<ConnectorStatus>, StoreError>;

    /// Claims up to `limit` active instances (of any tenant) for the health checker: those
    /// never tested or last tested before `due_before`, and not held by a checker at
    /// `now`. Each claimed instance is held until `hold_until`, so no other checker (in
    /// any server process) claims it again before its result is recorded; the result
    /// then makes it not due. Picks the least recently tested first (returned in no
    /// particular order). On PostgreSQL, rows another
    /// process is claiming at that moment are skipped rather than waited for.
    async fn claim_due_health_checks(
        &self,
        due_before: OffsetDateTime,
        now: OffsetDateTime,
        hold_until: OffsetDateTime,
        limit: i64,
    ) -> Result<Vec<DueCheck>, StoreError>;
}
