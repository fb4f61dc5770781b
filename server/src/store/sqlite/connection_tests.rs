//! [`ConnectionTestStore`](crate::store::ConnectionTestStore) on SQLite: connection test
//! results and the health checker's claims.

use app::model::connector::ConnectorStatus;
use async_trait::async_trait;
use sqlx::types::Json;
use time::OffsetDateTime;
use uuid::Uuid;

use super::connectors::insert_audit;
use super::{SqliteStore, uuid_arg};
use crate::store::rows::{ConnectionTestRow, convert_all, due_check};
use crate::store::{
    AuditRecord, ConnectionTestRecord, ConnectionTestStore, DueCheck, StoreError, TestOutcome,
};

#[async_trait]
impl ConnectionTestStore for SqliteStore {
    async fn record_connection_test(
        &self,
        test: &ConnectionTestRecord,
        outcome: &TestOutcome,
        audit: &[AuditRecord],
        keep: i64,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        // Only the status and last-test fields: a test must not undo a concurrent edit.
        let done = sqlx::query(
                "UPDATE connectors SET status = $3, last_tested_at = $4, last_test_ok = $5, last_error = $6 \
                 WHERE id = $1 AND tenant_id = $2",
            )
            .bind(uuid_arg(test.connector_id))
            .bind(uuid_arg(test.tenant_id))
            .bind(outcome.status.as_str())
            .bind(outcome.last_tested_at)
            .bind(outcome.last_test_ok)
            .bind(&outcome.last_error)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        let trace = serde_json::to_value(&test.trace)
            .map_err(|error| StoreError::Corrupt(error.to_string()))?;
        sqlx::query(
            "INSERT INTO connection_tests (id, tenant_id, connector_id, started_at, duration_ms, ok, \
                 error_class, trace, trigger, status_before) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(uuid_arg(test.id))
        .bind(uuid_arg(test.tenant_id))
        .bind(uuid_arg(test.connector_id))
        .bind(test.started_at)
        .bind(test.duration_ms)
        .bind(test.ok)
        .bind(test.error_class.map(|class| class.as_str()))
        .bind(Json(trace))
        .bind(test.trigger.as_str())
        .bind(test.status_before.map(|status| status.as_str()))
        .execute(&mut *tx)
        .await?;
        sqlx::query(
                "DELETE FROM connection_tests WHERE connector_id = $1 AND id NOT IN \
                 (SELECT id FROM connection_tests WHERE connector_id = $1 ORDER BY started_at DESC, id DESC LIMIT $2)",
            )
            .bind(uuid_arg(test.connector_id))
            .bind(keep)
            .execute(&mut *tx)
            .await?;
        for entry in audit {
            insert_audit(&mut tx, entry).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    async fn connection_tests(
        &self,
        tenant_id: Uuid,
        connector_id: Uuid,
        limit: i64,
    ) -> Result<Vec<ConnectionTestRecord>, StoreError> {
        let rows: Vec<ConnectionTestRow> = sqlx::query_as(
                "SELECT id, tenant_id, connector_id, started_at, duration_ms, ok, error_class, trace, trigger, status_before FROM connection_tests \
                 WHERE tenant_id = $1 AND connector_id = $2 ORDER BY started_at DESC, id DESC LIMIT $3",
            )
            .bind(uuid_arg(tenant_id))
            .bind(uuid_arg(connector_id))
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        convert_all(rows)
    }

    async fn status_before_error(
        &self,
        tenant_id: Uuid,
        connector_id: Uuid,
    ) -> Result<Option<ConnectorStatus>, StoreError> {
        let found: Option<(String,)> = sqlx::query_as(
            "SELECT status_before FROM connection_tests \
                 WHERE tenant_id = $1 AND connector_id = $2 AND status_before IS NOT NULL \
                 ORDER BY started_at DESC, id DESC LIMIT 1",
        )
        .bind(uuid_arg(tenant_id))
        .bind(uuid_arg(connector_id))
        .fetch_optional(&self.pool)
        .await?;
        found
            .map(|(status,)| {
                ConnectorStatus::parse(&status).ok_or_else(|| {
                    StoreError::Corrupt(format!("connection_tests.status_before: {status}"))
                })
            })
            .transpose()
    }

    async fn claim_due_health_checks(
        &self,
        due_before: OffsetDateTime,
        now: OffsetDateTime,
        hold_until: OffsetDateTime,
        limit: i64,
    ) -> Result<Vec<DueCheck>, StoreError> {
        // One statement, and SQLite has one writer: two claims cannot take the same row.
        let rows: Vec<(String, String)> = sqlx::query_as(
            "UPDATE connectors SET health_claimed_until = $3 WHERE id IN ( \
                 SELECT id FROM connectors \
                 WHERE status = 'active' AND (last_tested_at IS NULL OR last_tested_at < $1) \
                   AND (health_claimed_until IS NULL OR health_claimed_until <= $2) \
                 ORDER BY last_tested_at IS NOT NULL, last_tested_at, id LIMIT $4) \
             RETURNING tenant_id, id",
        )
        .bind(due_before)
        .bind(now)
        .bind(hold_until)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(due_check).collect()
    }
}
