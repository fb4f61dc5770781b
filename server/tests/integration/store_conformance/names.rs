//! One rule for "the same name" (tenants and connectors) on both backends, and the
//! backfill of the rows stored before that rule.

mod cases {
    use std::sync::Arc;

    use server::store::{CredentialChange, Store, StoreError, TenantRecord};
    use uuid::Uuid;

    use crate::store_conformance::fixtures::{
        at, audit, connector, credentials, tenant, tenant_with_catalog, user,
    };

    pub async fn connector_names_are_unique_per_tenant_ignoring_case(store: Arc<dyn Store>) {
        let (acme, ada, stripe) = tenant_with_catalog(&store, "Acme").await;
        let first = connector(&acme, &ada, stripe, "Stripe EU");
        store
            .create_connector(&first, None, &audit(&first, "connector.create", 0))
            .await
            .unwrap();
        let twin = connector(&acme, &ada, stripe, "STRIPE eu");
        let refused = store
            .create_connector(
                &twin,
                Some(&credentials(&twin, "k1", 1)),
                &audit(&twin, "connector.create", 1),
            )
            .await;
        assert!(
            matches!(refused, Err(StoreError::Conflict(_))),
            "{refused:?}"
        );
        assert!(
            store
                .audit_entries(acme.id, twin.id, 10)
                .await
                .unwrap()
                .is_empty(),
            "a refused create was audited"
        );
        assert!(
            store
                .credentials_of(acme.id, twin.id)
                .await
                .unwrap()
                .is_none()
        );

        let beta = tenant("Beta");
        store.create_tenant(&beta).await.unwrap();
        let elsewhere = connector(&beta, &ada, stripe, "Stripe EU");
        store
            .create_connector(&elsewhere, None, &audit(&elsewhere, "connector.create", 0))
            .await
            .unwrap();
    }

    /// Finding 8: one rule for "the same name" on both backends: Unicode case, and the
    /// same letters however encoded (composed or not), for connectors and tenants.
    pub async fn names_are_unique_ignoring_unicode_case(store: Arc<dyn Store>) {
        let (acme, ada, stripe) = tenant_with_catalog(&store, "Ärger AG").await;
        for taken in ["ärger ag", "A\u{308}RGER AG"] {
            assert!(
                matches!(
                    store.create_tenant(&tenant(taken)).await,
                    Err(StoreError::Conflict(_))
                ),
                "{taken}"
            );
            assert_eq!(
                store.tenant_by_name(taken).await.unwrap().map(|t| t.id),
                Some(acme.id)
            );
        }
        let first = connector(&acme, &ada, stripe, "Ärger");
        store
            .create_connector(&first, None, &audit(&first, "connector.create", 0))
            .await
            .unwrap();
        for (second, twin) in ["ärger", "A\u{308}rger", "ÄRGER"].into_iter().enumerate() {
            let twin = connector(&acme, &ada, stripe, twin);
            let refused = store
                .create_connector(
                    &twin,
                    None,
                    &audit(&twin, "connector.create", 1 + second as i64),
                )
                .await;
            assert!(
                matches!(refused, Err(StoreError::Conflict(_))),
                "{}: {refused:?}",
                twin.name
            );
        }
        // A rename onto another instance's name, in another case, clashes too.
        let mut other = connector(&acme, &ada, stripe, "Other");
        store
            .create_connector(&other, None, &audit(&other, "connector.create", 5))
            .await
            .unwrap();
        other.name = "äRGER".into();
        let refused = store
            .update_connector(&other, CredentialChange::Keep, &[])
            .await;
        assert!(
            matches!(refused, Err(StoreError::Conflict(_))),
            "{refused:?}"
        );
    }

    /// Two instances and their tenant, for the backfill tests below: the names are made
    /// to clash, and the keys forgotten, by SQL afterwards.
    pub async fn before_the_name_rule(store: &Arc<dyn Store>) -> (TenantRecord, Uuid, Uuid) {
        let (acme, ada, stripe) = tenant_with_catalog(store, "Acme").await;
        let older = connector(&acme, &ada, stripe, "Ärger");
        let mut newer = connector(&acme, &ada, stripe, "Other");
        newer.created_at = at(10);
        for record in [&older, &newer] {
            store
                .create_connector(record, None, &audit(record, "connector.create", 0))
                .await
                .unwrap();
        }
        (acme, older.id, newer.id)
    }

    /// After the backfill: both rows kept as they were, the older one holds the name, and
    /// the newer one can be renamed.
    pub async fn clashing_names_were_kept(
        store: &Arc<dyn Store>,
        (acme, older, newer): (TenantRecord, Uuid, Uuid),
    ) {
        let mut names: Vec<String> = store
            .connectors(acme.id)
            .await
            .unwrap()
            .into_iter()
            .map(|record| record.name)
            .collect();
        names.sort();
        assert_eq!(names, ["Ärger", "ärger"]);
        assert_eq!(
            store.tenant_by_name("ACME").await.unwrap().map(|t| t.id),
            Some(acme.id)
        );
        let ada = user("ada@elsewhere.test");
        let stripe = store.catalog_by_key("stripe").await.unwrap().unwrap().id;
        let third = connector(&acme, &ada, stripe, "ÄRGER");
        let refused = store
            .create_connector(&third, None, &audit(&third, "connector.create", 20))
            .await;
        assert!(
            matches!(refused, Err(StoreError::Conflict(_))),
            "{refused:?}"
        );
        let mut renamed = store.connector(acme.id, newer).await.unwrap().unwrap();
        renamed.name = "Fresh".into();
        assert!(
            store
                .update_connector(&renamed, CredentialChange::Keep, &[])
                .await
                .unwrap()
        );
        let mut back = store.connector(acme.id, newer).await.unwrap().unwrap();
        back.name = "ärger".into();
        let refused = store
            .update_connector(&back, CredentialChange::Keep, &[])
            .await;
        assert!(
            matches!(refused, Err(StoreError::Conflict(_))),
            "{refused:?}"
        );
        assert!(store.connector(acme.id, older).await.unwrap().is_some());
    }
}

store_suite!(
    connector_names_are_unique_per_tenant_ignoring_case,
    names_are_unique_ignoring_unicode_case,
);

/// Rows from before the `name_key` column (migration 8) get their key when the store
/// connects; a name that now clashes with an older one is kept, with a key of its own.
const FORGET_NAME_KEYS: [&str; 3] = [
    "UPDATE connectors SET name_key = NULL",
    "UPDATE connectors SET name = 'ärger' WHERE name = 'Other'",
    "UPDATE tenants SET name_key = NULL",
];

#[tokio::test]
async fn sqlite_names_from_before_the_rule_get_keys_and_clashes_are_kept() {
    let (store, dir) = crate::support::sqlite_store().await;
    let url = format!("sqlite://{}", dir.path().join("test.db").display());
    let rows = cases::before_the_name_rule(&store).await;
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    for statement in FORGET_NAME_KEYS {
        sqlx::query(statement).execute(&pool).await.unwrap();
    }
    pool.close().await;
    drop(store);
    let store = server::store::connect(&url).await.unwrap();
    cases::clashing_names_were_kept(&store, rows).await;
}

#[tokio::test]
async fn postgres_names_from_before_the_rule_get_keys_and_clashes_are_kept() {
    let Some((store, url)) = crate::support::postgres_schema().await else {
        return;
    };
    let rows = cases::before_the_name_rule(&store).await;
    let pool = sqlx::PgPool::connect(&url).await.unwrap();
    for statement in FORGET_NAME_KEYS {
        sqlx::query(statement).execute(&pool).await.unwrap();
    }
    pool.close().await;
    drop(store);
    let store = server::store::connect(&url).await.unwrap();
    cases::clashing_names_were_kept(&store, rows).await;
}
