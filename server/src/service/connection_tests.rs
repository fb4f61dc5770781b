//! Connection tests of installed instances (docs/decisions.md, Connection tests): the probe
//! run with the instance's configuration and credentials (refreshed first when an OAuth
//! token is about to expire), the result recorded, and the status rules applied: a failing
//! test of an active instance sets `error`; a passing test of an `error` instance restores
//! the status it had before.

use std::sync::Arc;

use app::error::AppError;
use app::model::ConnectorType;
use app::model::connector::ConnectorStatus;
use app::model::identity::Principal;
use app::model::probe::{ConnectionTest, ErrorClass, ProbeStep, ProbeTrace, TestTrigger};
use app::ports::ConnectionTestPort;
use async_trait::async_trait;
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

use super::OAuthService;
use super::audit::{self, StatusCause};
use super::connectors::ConnectorService;
use super::connectors::lifecycle::{self, Event};
use super::refresh_problem::RefreshProblem;
use crate::outbound::Outbound;
use crate::probe::Prober;
use crate::store::{ConnectionTestRecord, ConnectorRecord, DueCheck, Store, TestOutcome, rfc3339};

/// How many results are kept per instance.
pub const HISTORY_KEPT: i64 = 50;

pub struct ConnectionTestService {
    store: Arc<dyn Store>,
    connectors: Arc<ConnectorService>,
    oauth: Arc<OAuthService>,
    prober: Prober,
}

impl ConnectionTestService {
    pub fn new(
        store: Arc<dyn Store>,
        connectors: Arc<ConnectorService>,
        oauth: Arc<OAuthService>,
        allow_private_targets: bool,
    ) -> Self {
        let outbound = Arc::new(Outbound::new(allow_private_targets));
        Self::with_outbound(store, connectors, oauth, outbound)
    }

    /// Probes through `outbound`, the server's one way out.
    pub fn with_outbound(
        store: Arc<dyn Store>,
        connectors: Arc<ConnectorService>,
        oauth: Arc<OAuthService>,
        outbound: Arc<Outbound>,
    ) -> Self {
        ConnectionTestService {
            store,
            connectors,
            oauth,
            prober: Prober::with_outbound(outbound),
        }
    }

    /// A scheduled test of a claimed instance, as the system: no access check, and no
    /// person in the audit trail.
    pub async fn run_scheduled(&self, due: DueCheck) -> Result<ConnectionTest, AppError> {
        let (target, problem) = self
            .oauth
            .system_use(due.tenant_id, due.connector_id, "health check")
            .await?;
        let started_at = OffsetDateTime::now_utc();
        let trace = match problem {
            Some(problem) => {
                refresh_failed(&target.entry, &target.record.config, &problem, started_at)
            }
            None => {
                self.prober
                    .run(
                        &target.entry,
                        &target.record.config,
                        target.secrets.as_ref(),
                    )
                    .await
            }
        };
        // Re-read: the test took a while, and someone may have changed the status.
        let record = self
            .store
            .connector(due.tenant_id, due.connector_id)
            .await?
            .ok_or_else(|| AppError::NotFound("No connector with this id.".into()))?;
        self.record(None, &record, trace, TestTrigger::Schedule, started_at)
            .await
    }

    /// Records `trace` for `record` with the status rules; `actor` is `None` for the
    /// health checker.
    async fn record(
        &self,
        actor: Option<Uuid>,
        record: &ConnectorRecord,
        trace: ProbeTrace,
        trigger: TestTrigger,
        started_at: OffsetDateTime,
    ) -> Result<ConnectionTest, AppError> {
        // The status rules are the lifecycle's; an error remembers what it interrupted.
        let before_error = if lifecycle::ends_an_error(record.status, trace.ok) {
            self.store
                .status_before_error(record.tenant_id, record.id)
                .await?
        } else {
            None
        };
        let tested = Event::Tested {
            ok: trace.ok,
            provider_failed: trace.error_class == Some(ErrorClass::Provider),
            before_error,
        };
        let moved = lifecycle::next(record.status, tested);
        let status = moved.map_or(record.status, |moved| moved.to);
        let status_before =
            (status == ConnectorStatus::Error && record.status != status).then_some(record.status);
        let test = ConnectionTestRecord {
            id: Uuid::new_v4(),
            tenant_id: record.tenant_id,
            connector_id: record.id,
            started_at,
            duration_ms: trace.duration_ms as i64,
            ok: trace.ok,
            error_class: trace.error_class,
            trace,
            trigger,
            status_before,
        };
        let outcome = TestOutcome {
            status,
            last_tested_at: started_at,
            last_test_ok: test.ok,
            last_error: (!test.ok).then(|| test.trace.message.clone()),
        };
        let details = json!({ "ok": test.ok, "error_class": test.error_class, "trigger": trigger });
        let mut audit = vec![audit::entry(
            actor,
            record,
            "connector.test",
            details,
            started_at,
        )];
        if let Some(moved) = moved.filter(|moved| moved.to != record.status) {
            let cause = StatusCause::Rule(moved.reason);
            audit.push(audit::status_change(
                actor, record, status, cause, started_at,
            ));
        }
        if !self
            .store
            .record_connection_test(&test, &outcome, &audit, HISTORY_KEPT)
            .await?
        {
            return Err(AppError::NotFound("No connector with this id.".into()));
        }
        Ok(shown(test))
    }
}

/// The result of a test that never reached the service: the provider did not refresh
/// the access token first. One `refresh` step, against the token endpoint.
fn refresh_failed(
    entry: &ConnectorType,
    config: &serde_json::Value,
    problem: &RefreshProblem,
    started_at: OffsetDateTime,
) -> ProbeTrace {
    let millis = (OffsetDateTime::now_utc() - started_at)
        .whole_milliseconds()
        .max(0) as u64;
    let token_url = entry
        .oauth
        .as_ref()
        .map(|oauth| crate::probe::template::Renderer::new(config, None).render(&oauth.token_url))
        .unwrap_or_default();
    ProbeTrace {
        ok: false,
        error_class: Some(problem.class()),
        message: problem.message(),
        method: "POST".into(),
        url: token_url,
        steps: vec![ProbeStep {
            name: "refresh".into(),
            ok: false,
            millis,
            detail: Some(problem.detail()),
        }],
        request_headers: Vec::new(),
        status: None,
        response_headers: Vec::new(),
        body_excerpt: None,
        duration_ms: millis,
    }
}

fn shown(test: ConnectionTestRecord) -> ConnectionTest {
    ConnectionTest {
        id: test.id,
        started_at: rfc3339(test.started_at),
        duration_ms: test.duration_ms,
        ok: test.ok,
        error_class: test.error_class,
        trigger: test.trigger,
        trace: test.trace,
    }
}

#[async_trait]
impl ConnectionTestPort for ConnectionTestService {
    async fn run(
        &self,
        who: &Principal,
        connector_id: Uuid,
        trigger: TestTrigger,
    ) -> Result<ConnectionTest, AppError> {
        let (record, entry, has_credentials) = self.connectors.usable(who, connector_id).await?;
        let started_at = OffsetDateTime::now_utc();
        let secrets = if has_credentials {
            Some(
                self.oauth
                    .fresh_credentials_or_problem(who, connector_id, "connection test")
                    .await?,
            )
        } else {
            None
        };
        let trace = match secrets {
            Some(Err(problem)) => refresh_failed(&entry, &record.config, &problem, started_at),
            Some(Ok(secrets)) => {
                self.prober
                    .run(&entry, &record.config, Some(&secrets))
                    .await
            }
            None => self.prober.run(&entry, &record.config, None).await,
        };
        // Re-read: the test took a while, and a refresh may have changed the status.
        let record = self.connectors.seen(who, connector_id).await?;
        self.record(Some(who.user_id), &record, trace, trigger, started_at)
            .await
    }

    async fn history(
        &self,
        who: &Principal,
        connector_id: Uuid,
    ) -> Result<Vec<ConnectionTest>, AppError> {
        let record = self.connectors.seen(who, connector_id).await?;
        let tests = self
            .store
            .connection_tests(record.tenant_id, connector_id, HISTORY_KEPT)
            .await?;
        Ok(tests.into_iter().map(shown).collect())
    }
}
