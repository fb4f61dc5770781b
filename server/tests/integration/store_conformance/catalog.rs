//! The catalog: seeding (idempotent, all or nothing) and lookups.

mod cases {
    use std::sync::Arc;

    use app::model::{AuthType, Category};
    use serde_json::json;
    use server::store::Store;

    use crate::support::seed_entries;

    pub async fn empty_catalog_lists_nothing(store: Arc<dyn Store>) {
        assert!(store.list_catalog().await.unwrap().is_empty());
        assert!(store.catalog_by_key("stripe").await.unwrap().is_none());
        store.write_health().await.unwrap();
        store.write_health().await.unwrap();
    }

    pub async fn seeding_inserts_every_type_sorted_by_name(store: Arc<dyn Store>) {
        let entries = seed_entries();
        let report = store.seed_catalog(&entries).await.unwrap();
        assert_eq!(report.inserted.len(), entries.len());
        assert!(report.updated.is_empty() && report.unchanged.is_empty());

        let listed = store.list_catalog().await.unwrap();
        assert_eq!(listed.len(), entries.len());
        let names: Vec<String> = listed.iter().map(|t| t.name.to_lowercase()).collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted);
    }

    pub async fn every_field_round_trips(store: Arc<dyn Store>) {
        let entries = seed_entries();
        store.seed_catalog(&entries).await.unwrap();
        for entry in &entries {
            let stored = store
                .catalog_by_key(&entry.key)
                .await
                .unwrap()
                .expect("stored");
            assert!(
                entry.same_content_as(&stored),
                "{} differs after a round trip",
                entry.key
            );
            assert_eq!(stored.created_at, stored.updated_at);
        }
        let twitter = store.catalog_by_key("twitter").await.unwrap().unwrap();
        assert_eq!(twitter.auth_type, AuthType::Oauth2);
        assert_eq!(twitter.category, Category::Social);
        assert_eq!(twitter.capabilities["max_length"], json!(280));
        assert!(twitter.oauth.unwrap().pkce);
    }

    pub async fn seeding_twice_changes_nothing(store: Arc<dyn Store>) {
        let entries = seed_entries();
        store.seed_catalog(&entries).await.unwrap();
        let before = store.list_catalog().await.unwrap();
        let report = store.seed_catalog(&entries).await.unwrap();
        assert_eq!(report.unchanged.len(), entries.len());
        assert!(report.inserted.is_empty() && report.updated.is_empty());
        assert_eq!(store.list_catalog().await.unwrap(), before);
    }

    pub async fn a_changed_definition_is_updated_in_place(store: Arc<dyn Store>) {
        let mut entries = seed_entries();
        store.seed_catalog(&entries).await.unwrap();
        let before = store.catalog_by_key("stripe").await.unwrap().unwrap();

        let stripe = entries.iter_mut().find(|e| e.key == "stripe").unwrap();
        stripe.description = "Payments, changed by a newer seed".into();
        stripe.version = 2;
        let report = store.seed_catalog(&entries).await.unwrap();
        assert_eq!(report.updated, vec!["stripe".to_owned()]);

        let after = store.catalog_by_key("stripe").await.unwrap().unwrap();
        assert_eq!(after.id, before.id);
        assert_eq!(after.created_at, before.created_at);
        assert_eq!(after.description, "Payments, changed by a newer seed");
        assert_eq!(after.version, 2);
    }

    pub async fn types_missing_from_a_later_seed_are_kept(store: Arc<dyn Store>) {
        let entries = seed_entries();
        store.seed_catalog(&entries).await.unwrap();
        let fewer: Vec<_> = entries
            .iter()
            .filter(|e| e.key != "discord")
            .cloned()
            .collect();
        store.seed_catalog(&fewer).await.unwrap();
        assert!(store.catalog_by_key("discord").await.unwrap().is_some());
    }

    pub async fn lookups_are_exact(store: Arc<dyn Store>) {
        store.seed_catalog(&seed_entries()).await.unwrap();
        assert!(store.catalog_by_key("STRIPE").await.unwrap().is_none());
        assert!(
            store
                .catalog_by_key("stripe' OR '1'='1")
                .await
                .unwrap()
                .is_none()
        );
        assert!(store.catalog_by_key("").await.unwrap().is_none());
    }
}

store_suite!(
    empty_catalog_lists_nothing,
    seeding_inserts_every_type_sorted_by_name,
    every_field_round_trips,
    seeding_twice_changes_nothing,
    a_changed_definition_is_updated_in_place,
    types_missing_from_a_later_seed_are_kept,
    lookups_are_exact,
);
