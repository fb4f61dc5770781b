//! The health checker (docs/decisions.md, Connection tests): a background task that
//! re-tests active instances whose last test is older than the configured interval, a few
//! at a time.
//!
//! Every test is claimed in the store first ([`claim_due_health_checks`]), one instance
//! per claim, so several server processes on one PostgreSQL database share the work and
//! none tests an instance another has claimed: a claim holds the instance until its
//! result makes it not due any more.
//!
//! [`claim_due_health_checks`]: crate::store::ConnectionTestStore::claim_due_health_checks

use std::sync::Arc;
use std::time::Duration;

use time::OffsetDateTime;
use tokio::task::JoinSet;

use super::ConnectionTestService;
use crate::store::Store;

/// How long a claim holds an instance. Far longer than a test (5 s, plus a token refresh
/// with its retries); an instance whose process died mid-test is free again after this.
const HOLD: time::Duration = time::Duration::minutes(5);

pub struct HealthChecker {
    store: Arc<dyn Store>,
    connection_tests: Arc<ConnectionTestService>,
    interval: time::Duration,
    concurrency: usize,
}

/// What one round did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RoundReport {
    pub passed: usize,
    pub failed: usize,
    /// Claimed but not tested: the test could not start (e.g. credentials that need
    /// re-entry, a refused token refresh). Claimed again once the hold ends.
    pub skipped: usize,
}

impl RoundReport {
    pub fn tested(&self) -> usize {
        self.passed + self.failed
    }

    fn add(&mut self, other: RoundReport) {
        self.passed += other.passed;
        self.failed += other.failed;
        self.skipped += other.skipped;
    }
}

impl HealthChecker {
    /// Tests instances last tested more than `interval` ago, `concurrency` at a time.
    pub fn new(
        store: Arc<dyn Store>,
        connection_tests: Arc<ConnectionTestService>,
        interval: Duration,
        concurrency: usize,
    ) -> Self {
        HealthChecker {
            store,
            connection_tests,
            interval: time::Duration::try_from(interval).unwrap_or(time::Duration::MAX),
            concurrency: concurrency.max(1),
        }
    }

    /// Tests every instance that is due now and that no other checker holds, and returns
    /// when none is left.
    pub async fn run_round(self: &Arc<Self>) -> RoundReport {
        let mut workers = JoinSet::new();
        for _ in 0..self.concurrency {
            let checker = self.clone();
            workers.spawn(async move { checker.work().await });
        }
        let mut report = RoundReport::default();
        while let Some(done) = workers.join_next().await {
            match done {
                Ok(worker) => report.add(worker),
                Err(error) => tracing::error!(%error, "a health check worker failed"),
            }
        }
        report
    }

    /// One worker: claims and tests one instance at a time until none is due.
    async fn work(&self) -> RoundReport {
        let mut report = RoundReport::default();
        loop {
            let now = OffsetDateTime::now_utc();
            let claimed = match self
                .store
                .claim_due_health_checks(now - self.interval, now, now + HOLD, 1)
                .await
            {
                Ok(claimed) => claimed,
                Err(error) => {
                    tracing::warn!(%error, "cannot claim due health checks");
                    return report;
                }
            };
            let Some(due) = claimed.into_iter().next() else {
                return report;
            };
            match self.connection_tests.run_scheduled(due).await {
                Ok(test) if test.ok => report.passed += 1,
                Ok(_) => report.failed += 1,
                Err(error) => {
                    tracing::warn!(connector_id = %due.connector_id, %error, "a scheduled health check could not run");
                    report.skipped += 1;
                }
            }
        }
    }
}

/// Runs rounds for as long as the process lives: often enough that an instance is
/// re-tested within a tenth of the interval (at most a minute) of becoming due.
pub fn spawn_health_checker(checker: Arc<HealthChecker>, interval: Duration) {
    let poll = (interval / 10).clamp(Duration::from_secs(1), Duration::from_secs(60));
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(poll);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            let report = checker.run_round().await;
            if report != RoundReport::default() {
                tracing::info!(
                    tested = report.tested(),
                    passed = report.passed,
                    failed = report.failed,
                    skipped = report.skipped,
                    "health check round done"
                );
            }
        }
    });
}
