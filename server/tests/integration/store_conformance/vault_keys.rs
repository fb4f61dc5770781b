//! The vault's key canaries and the batches of `rotate-key`.

mod cases {
    use std::sync::Arc;

    use server::store::{Sealed, Store};
    use uuid::Uuid;

    use crate::store_conformance::fixtures::{audit, connector, credentials, tenant_with_catalog};

    pub async fn rotation_finds_reseals_and_counts_by_key(store: Arc<dyn Store>) {
        let (acme, ada, stripe) = tenant_with_catalog(&store, "Acme").await;
        let mut records = Vec::new();
        for (index, key) in ["old", "old", "new", "old"].into_iter().enumerate() {
            let record = connector(&acme, &ada, stripe, &format!("Stripe {index}"));
            store
                .create_connector(
                    &record,
                    Some(&credentials(&record, key, index as u8)),
                    &audit(&record, "connector.create", 0),
                )
                .await
                .unwrap();
            records.push(record);
        }
        assert_eq!(
            store.credential_key_usage().await.unwrap(),
            vec![("new".to_owned(), 1), ("old".to_owned(), 3)]
        );
        let first = store
            .credentials_to_reseal("new", Uuid::nil(), 2)
            .await
            .unwrap();
        assert_eq!(first.len(), 2);
        assert!(first.iter().all(|c| c.sealed.key_id == "old"));
        assert!(first[0].id < first[1].id, "in id order");
        let rest = store
            .credentials_to_reseal("new", first[1].id, 2)
            .await
            .unwrap();
        assert_eq!(rest.len(), 1);
        assert!(rest[0].id > first[1].id);

        let resealed = Sealed {
            key_id: "new".into(),
            nonce: vec![9; 12],
            ciphertext: vec![9; 40],
        };
        assert!(
            store
                .reseal_credentials(rest[0].id, "old", &resealed)
                .await
                .unwrap()
        );
        assert!(
            !store
                .reseal_credentials(rest[0].id, "old", &resealed)
                .await
                .unwrap(),
            "already moved on: a second reseal expecting the old key does nothing"
        );
        let after = store
            .credentials_of(acme.id, rest[0].connector_id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(after.sealed, resealed);
        assert_eq!(after.masked, rest[0].masked, "only the ciphertext changes");
        assert_eq!(
            store.credential_key_usage().await.unwrap(),
            vec![("new".to_owned(), 2), ("old".to_owned(), 2)]
        );
    }

    pub async fn a_key_canary_can_be_forgotten(store: Arc<dyn Store>) {
        let canary = Sealed {
            key_id: "old".into(),
            nonce: vec![1; 12],
            ciphertext: vec![1; 40],
        };
        store.insert_vault_canary(&canary).await.unwrap();
        assert!(store.delete_vault_canary("old").await.unwrap());
        assert!(!store.delete_vault_canary("old").await.unwrap());
        assert!(store.vault_canaries().await.unwrap().is_empty());
    }
}

store_suite!(
    rotation_finds_reseals_and_counts_by_key,
    a_key_canary_can_be_forgotten,
);
