//! Connector instances with their credentials and audit trail, and tenant isolation.

mod cases {
    use std::sync::Arc;

    use app::model::connector::{ConnectorStatus, Scope};
    use server::store::{AuditRecord, ConnectorRecord, CredentialChange, CredentialRecord, Store};
    use uuid::Uuid;

    use crate::store_conformance::fixtures::{
        at, audit, connector, credentials, tenant, tenant_with_catalog,
    };

    pub async fn a_connector_round_trips_with_its_credentials_and_audit(store: Arc<dyn Store>) {
        let (acme, ada, stripe) = tenant_with_catalog(&store, "Acme").await;
        let record = connector(&acme, &ada, stripe, "Stripe EU");
        let secret = credentials(&record, "k1", 7);
        store
            .create_connector(
                &record,
                Some(&secret),
                &audit(&record, "connector.create", 0),
            )
            .await
            .unwrap();

        assert_eq!(
            store.connector(acme.id, record.id).await.unwrap(),
            Some(record.clone())
        );
        assert_eq!(
            store.connectors(acme.id).await.unwrap(),
            vec![record.clone()]
        );
        assert_eq!(
            store.credentials_of(acme.id, record.id).await.unwrap(),
            Some(secret)
        );
        let trail = store.audit_entries(acme.id, record.id, 10).await.unwrap();
        assert_eq!(
            trail,
            vec![audit(&record, "connector.create", 0)]
                .into_iter()
                .map(|a| AuditRecord {
                    id: trail[0].id,
                    ..a
                })
                .collect::<Vec<_>>()
        );
    }

    pub async fn another_tenants_connector_is_invisible_and_untouchable(store: Arc<dyn Store>) {
        let (acme, ada, stripe) = tenant_with_catalog(&store, "Acme").await;
        let beta = tenant("Beta");
        store.create_tenant(&beta).await.unwrap();
        let private = connector(&acme, &ada, stripe, "Stripe EU");
        store
            .create_connector(
                &private,
                Some(&credentials(&private, "k1", 2)),
                &audit(&private, "connector.create", 0),
            )
            .await
            .unwrap();

        assert_eq!(store.connector(beta.id, private.id).await.unwrap(), None);
        assert!(store.connectors(beta.id).await.unwrap().is_empty());
        assert!(
            store
                .credentials_of(beta.id, private.id)
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            store
                .audit_entries(beta.id, private.id, 10)
                .await
                .unwrap()
                .is_empty()
        );
        let hijack = ConnectorRecord {
            tenant_id: beta.id,
            name: "Mine now".into(),
            ..private.clone()
        };
        assert!(
            !store
                .update_connector(&hijack, CredentialChange::Remove, &[])
                .await
                .unwrap()
        );
        assert!(
            !store
                .delete_connector(beta.id, private.id, &audit(&hijack, "connector.delete", 1))
                .await
                .unwrap()
        );
        assert_eq!(
            store
                .connector(acme.id, private.id)
                .await
                .unwrap()
                .unwrap()
                .name,
            "Stripe EU"
        );
        assert!(
            store
                .credentials_of(acme.id, private.id)
                .await
                .unwrap()
                .is_some()
        );

        // A global instance is seen by every tenant, and still changed only by its own.
        let shared = ConnectorRecord {
            scope: Scope::Global,
            ..connector(&acme, &ada, stripe, "Shared Stripe")
        };
        store
            .create_connector(&shared, None, &audit(&shared, "connector.create", 0))
            .await
            .unwrap();
        assert_eq!(
            store
                .connector(beta.id, shared.id)
                .await
                .unwrap()
                .map(|c| c.name),
            Some("Shared Stripe".into())
        );
        assert_eq!(store.connectors(beta.id).await.unwrap().len(), 1);
        let foreign_edit = ConnectorRecord {
            tenant_id: beta.id,
            ..shared.clone()
        };
        assert!(
            !store
                .update_connector(&foreign_edit, CredentialChange::Keep, &[])
                .await
                .unwrap()
        );
    }

    pub async fn updates_change_credentials_and_audit_together(store: Arc<dyn Store>) {
        let (acme, ada, stripe) = tenant_with_catalog(&store, "Acme").await;
        let record = connector(&acme, &ada, stripe, "Stripe EU");
        store
            .create_connector(
                &record,
                Some(&credentials(&record, "k1", 3)),
                &audit(&record, "connector.create", 0),
            )
            .await
            .unwrap();

        let renamed = ConnectorRecord {
            name: "Stripe Europe".into(),
            status: ConnectorStatus::Active,
            last_tested_at: Some(at(60)),
            last_test_ok: Some(true),
            updated_at: at(60),
            ..record.clone()
        };
        let replaced = CredentialRecord {
            updated_at: at(60),
            ..credentials(&record, "k2", 4)
        };
        let entries = [
            audit(&record, "connector.update", 60),
            audit(&record, "credentials.replace", 61),
        ];
        assert!(
            store
                .update_connector(&renamed, CredentialChange::Put(&replaced), &entries)
                .await
                .unwrap()
        );
        assert_eq!(
            store.connector(acme.id, record.id).await.unwrap(),
            Some(renamed.clone())
        );
        let stored = store
            .credentials_of(acme.id, record.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (stored.sealed.key_id.as_str(), stored.updated_at),
            ("k2", at(60))
        );

        assert!(
            store
                .update_connector(&renamed, CredentialChange::Keep, &[])
                .await
                .unwrap()
        );
        assert_eq!(
            store
                .credentials_of(acme.id, record.id)
                .await
                .unwrap()
                .unwrap()
                .sealed
                .key_id,
            "k2"
        );
        assert!(
            store
                .update_connector(
                    &renamed,
                    CredentialChange::Remove,
                    &[audit(&record, "credentials.clear", 62)]
                )
                .await
                .unwrap()
        );
        assert!(
            store
                .credentials_of(acme.id, record.id)
                .await
                .unwrap()
                .is_none()
        );

        let actions: Vec<String> = store
            .audit_entries(acme.id, record.id, 10)
            .await
            .unwrap()
            .into_iter()
            .map(|a| a.action)
            .collect();
        assert_eq!(
            actions,
            [
                "credentials.clear",
                "credentials.replace",
                "connector.update",
                "connector.create"
            ]
        );
        assert_eq!(
            store
                .audit_entries(acme.id, record.id, 2)
                .await
                .unwrap()
                .len(),
            2
        );
    }

    pub async fn deleting_removes_credentials_and_is_audited(store: Arc<dyn Store>) {
        let (acme, ada, stripe) = tenant_with_catalog(&store, "Acme").await;
        let record = connector(&acme, &ada, stripe, "Stripe EU");
        store
            .create_connector(
                &record,
                Some(&credentials(&record, "k1", 5)),
                &audit(&record, "connector.create", 0),
            )
            .await
            .unwrap();
        assert!(
            store
                .delete_connector(acme.id, record.id, &audit(&record, "connector.delete", 90))
                .await
                .unwrap()
        );
        assert_eq!(store.connector(acme.id, record.id).await.unwrap(), None);
        assert!(
            store
                .credentials_of(acme.id, record.id)
                .await
                .unwrap()
                .is_none()
        );
        assert_eq!(
            store.audit_entries(acme.id, record.id, 10).await.unwrap()[0].action,
            "connector.delete"
        );
        assert!(
            !store
                .delete_connector(acme.id, record.id, &audit(&record, "connector.delete", 91))
                .await
                .unwrap()
        );
    }

    pub async fn credentials_visible_to_a_tenant_include_global_ones(store: Arc<dyn Store>) {
        let (acme, ada, stripe) = tenant_with_catalog(&store, "Acme").await;
        let (beta, bob, _) = tenant_with_catalog(&store, "Beta").await;
        let own = connector(&acme, &ada, stripe, "Own");
        let mut shared = connector(&beta, &bob, stripe, "Shared");
        shared.scope = Scope::Global;
        let private = connector(&beta, &bob, stripe, "Private");
        for (record, byte) in [(&own, 1), (&shared, 2), (&private, 3)] {
            store
                .create_connector(
                    record,
                    Some(&credentials(record, "k1", byte)),
                    &audit(record, "connector.create", 0),
                )
                .await
                .unwrap();
        }
        let mut seen: Vec<Uuid> = store
            .credentials_visible_to(acme.id)
            .await
            .unwrap()
            .into_iter()
            .map(|c| c.connector_id)
            .collect();
        seen.sort();
        let mut expected = vec![own.id, shared.id];
        expected.sort();
        assert_eq!(seen, expected);
        assert_eq!(
            store.credentials_visible_to(beta.id).await.unwrap().len(),
            2
        );
    }

    pub async fn audit_entries_can_be_appended_alone(store: Arc<dyn Store>) {
        let (acme, ada, stripe) = tenant_with_catalog(&store, "Acme").await;
        let record = connector(&acme, &ada, stripe, "Stripe EU");
        store
            .create_connector(&record, None, &audit(&record, "connector.create", 0))
            .await
            .unwrap();
        let decrypt = audit(&record, "credentials.decrypt", 5);
        store.append_audit(&decrypt).await.unwrap();
        let trail = store.audit_entries(acme.id, record.id, 10).await.unwrap();
        assert_eq!(trail.len(), 2);
        assert_eq!(trail[0], decrypt, "newest first");
        assert_eq!(
            store
                .audit_entries(acme.id, record.id, 1)
                .await
                .unwrap()
                .len(),
            1,
            "limited"
        );
    }
}

store_suite!(
    a_connector_round_trips_with_its_credentials_and_audit,
    another_tenants_connector_is_invisible_and_untouchable,
    updates_change_credentials_and_audit_together,
    deleting_removes_credentials_and_is_audited,
    credentials_visible_to_a_tenant_include_global_ones,
    audit_entries_can_be_appended_alone,
);
