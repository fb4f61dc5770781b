//! Connection test results and the health checker's claims.

mod cases {
    use std::sync::Arc;

    use app::model::connector::ConnectorStatus;
    use server::store::{ConnectionTestRecord, ConnectorRecord, DueCheck, Store, TestOutcome};
    use uuid::Uuid;

    use crate::store_conformance::fixtures::{
        at, audit, connector, futures_join_all, tenant_with_catalog,
    };

    fn test_result(
        of: &ConnectorRecord,
        second: i64,
        ok: bool,
        before: Option<ConnectorStatus>,
    ) -> ConnectionTestRecord {
        use app::model::probe::{ErrorClass, ProbeTrace, TestTrigger};
        ConnectionTestRecord {
            id: Uuid::new_v4(),
            tenant_id: of.tenant_id,
            connector_id: of.id,
            started_at: at(second),
            duration_ms: 120,
            ok,
            error_class: (!ok).then_some(ErrorClass::Auth),
            trace: ProbeTrace {
                ok,
                error_class: (!ok).then_some(ErrorClass::Auth),
                message: format!("test at {second}"),
                method: "GET".into(),
                url: "https://api.example.com/me".into(),
                steps: Vec::new(),
                request_headers: vec![("authorization".into(), "[redacted]".into())],
                status: Some(if ok { 200 } else { 401 }),
                response_headers: Vec::new(),
                body_excerpt: None,
                duration_ms: 120,
            },
            trigger: TestTrigger::User,
            status_before: before,
        }
    }

    /// Every class a probe can give is stored and read back (the tables check the names).
    pub async fn every_error_class_is_stored(store: Arc<dyn Store>) {
        use app::model::probe::ErrorClass;
        let (acme, ada, stripe) = tenant_with_catalog(&store, "Acme").await;
        let record = connector(&acme, &ada, stripe, "Stripe EU");
        store
            .create_connector(&record, None, &audit(&record, "connector.create", 0))
            .await
            .unwrap();
        for (second, class) in (1..).zip(ErrorClass::ALL) {
            let mut result = test_result(&record, second, false, None);
            result.error_class = Some(class);
            result.trace.error_class = Some(class);
            let outcome = TestOutcome {
                status: record.status,
                last_tested_at: at(second),
                last_test_ok: false,
                last_error: Some(class.label().into()),
            };
            assert!(
                store
                    .record_connection_test(&result, &outcome, &[], 50)
                    .await
                    .unwrap_or_else(|e| panic!("{class:?}: {e}"))
            );
            let newest = store.connection_tests(acme.id, record.id, 1).await.unwrap();
            assert_eq!(newest, vec![result], "{class:?}");
        }
    }

    pub async fn connection_tests_update_their_instance_and_keep_the_newest(store: Arc<dyn Store>) {
        let (acme, ada, stripe) = tenant_with_catalog(&store, "Acme").await;
        let mut record = connector(&acme, &ada, stripe, "Stripe EU");
        record.status = ConnectorStatus::Active;
        store
            .create_connector(&record, None, &audit(&record, "connector.create", 0))
            .await
            .unwrap();
        assert_eq!(
            store.status_before_error(acme.id, record.id).await.unwrap(),
            None
        );

        // A failing test of an active instance: error, remembering "active".
        let failed = test_result(&record, 10, false, Some(ConnectorStatus::Active));
        let outcome = TestOutcome {
            status: ConnectorStatus::Error,
            last_tested_at: at(10),
            last_test_ok: false,
            last_error: Some("refused".into()),
        };
        assert!(
            store
                .record_connection_test(
                    &failed,
                    &outcome,
                    &[audit(&record, "connector.test", 10)],
                    3
                )
                .await
                .unwrap()
        );
        let stored = store.connector(acme.id, record.id).await.unwrap().unwrap();
        assert_eq!(
            (
                stored.status,
                stored.last_test_ok,
                stored.last_error.as_deref()
            ),
            (ConnectorStatus::Error, Some(false), Some("refused"))
        );
        assert_eq!(stored.last_tested_at, Some(at(10)));
        assert_eq!(stored.name, record.name);
        assert_eq!(
            store.status_before_error(acme.id, record.id).await.unwrap(),
            Some(ConnectorStatus::Active)
        );

        // More results: only the newest 3 stay, newest first; the round trip is exact.
        let mut later = Vec::new();
        for second in 11..15 {
            let result = test_result(&record, second, true, None);
            let outcome = TestOutcome {
                status: ConnectorStatus::Active,
                last_tested_at: at(second),
                last_test_ok: true,
                last_error: None,
            };
            assert!(
                store
                    .record_connection_test(&result, &outcome, &[], 3)
                    .await
                    .unwrap()
            );
            later.push(result);
        }
        let history = store
            .connection_tests(acme.id, record.id, 10)
            .await
            .unwrap();
        later.reverse();
        assert_eq!(history, later[..3].to_vec());
        assert_eq!(
            store
                .connection_tests(acme.id, record.id, 1)
                .await
                .unwrap()
                .len(),
            1
        );
        let trail = store.audit_entries(acme.id, record.id, 10).await.unwrap();
        assert!(trail.iter().any(|entry| entry.action == "connector.test"));

        // Another tenant sees nothing and changes nothing.
        let (beta, _, _) = tenant_with_catalog(&store, "Beta").await;
        assert!(
            store
                .connection_tests(beta.id, record.id, 10)
                .await
                .unwrap()
                .is_empty()
        );
        let foreign = ConnectionTestRecord {
            tenant_id: beta.id,
            ..test_result(&record, 20, true, None)
        };
        let outcome = TestOutcome {
            status: ConnectorStatus::Inactive,
            last_tested_at: at(20),
            last_test_ok: true,
            last_error: None,
        };
        assert!(
            !store
                .record_connection_test(&foreign, &outcome, &[], 3)
                .await
                .unwrap()
        );
        assert_eq!(
            store
                .connection_tests(acme.id, record.id, 10)
                .await
                .unwrap()
                .len(),
            3
        );
    }

    pub async fn due_health_checks_are_claimed_once_until_tested(store: Arc<dyn Store>) {
        let (acme, ada, stripe) = tenant_with_catalog(&store, "Acme").await;
        let install = |name: &str, status: ConnectorStatus, tested: Option<i64>| {
            let mut record = connector(&acme, &ada, stripe, name);
            record.status = status;
            record.last_tested_at = tested.map(at);
            record
        };
        let never = install("Never tested", ConnectorStatus::Active, None);
        let long_ago = install("Tested long ago", ConnectorStatus::Active, Some(10));
        let recent = install("Tested recently", ConnectorStatus::Active, Some(100));
        let inactive = install("Inactive", ConnectorStatus::Inactive, None);
        let failing = install("In error", ConnectorStatus::Error, Some(10));
        for record in [&never, &long_ago, &recent, &inactive, &failing] {
            store
                .create_connector(record, None, &audit(record, "connector.create", 0))
                .await
                .unwrap();
        }
        let due = |record: &ConnectorRecord| DueCheck {
            tenant_id: record.tenant_id,
            connector_id: record.id,
        };

        // Active and due only, never tested first; then held until the hold ends.
        let first = store.claim_due_health_checks(at(50), at(200), at(500), 1);
        assert_eq!(first.await.unwrap(), vec![due(&never)]);
        let rest = store.claim_due_health_checks(at(50), at(200), at(500), 10);
        assert_eq!(rest.await.unwrap(), vec![due(&long_ago)]);
        let again = store.claim_due_health_checks(at(50), at(201), at(500), 10);
        assert!(again.await.unwrap().is_empty());

        // A recorded result makes an instance not due; an expired hold frees the other.
        let outcome = TestOutcome {
            status: ConnectorStatus::Active,
            last_tested_at: at(300),
            last_test_ok: true,
            last_error: None,
        };
        let result = test_result(&never, 300, true, None);
        assert!(
            store
                .record_connection_test(&result, &outcome, &[], 3)
                .await
                .unwrap()
        );
        let after_hold = store
            .claim_due_health_checks(at(50), at(500), at(5000), 10)
            .await
            .unwrap();
        assert_eq!(after_hold, vec![due(&long_ago)]);

        // Racing claims of one each: every due instance goes to exactly one claimant.
        let mut racing = Vec::new();
        for n in 0..12 {
            let record = install(&format!("Racing {n}"), ConnectorStatus::Active, None);
            store
                .create_connector(&record, None, &audit(&record, "connector.create", 0))
                .await
                .unwrap();
            racing.push(due(&record));
        }
        let claims = futures_join_all((0..16).map(|_| {
            let store = store.clone();
            async move {
                let mut mine = Vec::new();
                while let Some(one) = store
                    .claim_due_health_checks(at(50), at(1000), at(2000), 1)
                    .await
                    .unwrap()
                    .pop()
                {
                    mine.push(one);
                }
                mine
            }
        }))
        .await;
        let mut all: Vec<DueCheck> = claims.into_iter().flatten().collect();
        assert_eq!(all.len(), racing.len(), "an instance was claimed twice");
        all.sort_by_key(|check| check.connector_id);
        racing.sort_by_key(|check| check.connector_id);
        assert_eq!(all, racing);
    }
}

store_suite!(
    every_error_class_is_stored,
    connection_tests_update_their_instance_and_keep_the_newest,
    due_health_checks_are_claimed_once_until_tested,
);
