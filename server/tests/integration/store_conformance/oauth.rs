//! OAuth states in flight and the credential lock.

mod cases {
    use std::sync::Arc;

    use server::store::{OAuthReturn, OAuthStateRecord, Sealed, Store, StoreError};
    use uuid::Uuid;

    use crate::store_conformance::fixtures::{
        at, audit, connector, futures_join_all, tenant_with_catalog, user,
    };

    pub async fn oauth_states_are_taken_once_by_their_own_user(store: Arc<dyn Store>) {
        let (acme, ada, stripe) = tenant_with_catalog(&store, "Acme").await;
        let record = connector(&acme, &ada, stripe, "Slack");
        store
            .create_connector(&record, None, &audit(&record, "connector.create", 0))
            .await
            .unwrap();
        let bob = user("bob@acme.test");
        store.create_user(&bob).await.unwrap();
        let state = OAuthStateRecord {
            state_hash: "a".repeat(64),
            tenant_id: acme.id,
            user_id: ada.id,
            connector_id: record.id,
            verifier: Sealed {
                key_id: "k1".into(),
                nonce: vec![1; 12],
                ciphertext: vec![2; 59],
            },
            return_to: OAuthReturn::Wizard,
            created_at: at(0),
            expires_at: at(600),
            used_at: None,
        };
        store.insert_oauth_state(&state).await.unwrap();
        let duplicate = store.insert_oauth_state(&state).await;
        assert!(
            matches!(duplicate, Err(StoreError::Conflict(_))),
            "{duplicate:?}"
        );

        // Another user cannot take it, and trying does not use it up.
        assert_eq!(
            store
                .take_oauth_state(&state.state_hash, bob.id, at(1))
                .await
                .unwrap(),
            None
        );
        assert_eq!(
            store
                .take_oauth_state(&"b".repeat(64), ada.id, at(1))
                .await
                .unwrap(),
            None
        );
        let taken = store
            .take_oauth_state(&state.state_hash, ada.id, at(2))
            .await
            .unwrap();
        assert_eq!(
            taken,
            Some(OAuthStateRecord {
                used_at: Some(at(2)),
                ..state.clone()
            })
        );
        assert_eq!(
            store
                .take_oauth_state(&state.state_hash, ada.id, at(3))
                .await
                .unwrap(),
            None
        );

        // Two callbacks racing with one state: exactly one wins.
        let racing = OAuthStateRecord {
            state_hash: "c".repeat(64),
            ..state.clone()
        };
        store.insert_oauth_state(&racing).await.unwrap();
        let attempts = (0..8).map(|_| {
            let store = store.clone();
            let hash = racing.state_hash.clone();
            async move { store.take_oauth_state(&hash, ada.id, at(5)).await.unwrap() }
        });
        let winners = futures_join_all(attempts)
            .await
            .into_iter()
            .flatten()
            .count();
        assert_eq!(winners, 1);

        assert_eq!(store.delete_expired_oauth_states(at(600)).await.unwrap(), 0);
        assert_eq!(store.delete_expired_oauth_states(at(601)).await.unwrap(), 2);
    }

    pub async fn credential_locks_are_held_one_at_a_time(store: Arc<dyn Store>) {
        let id = Uuid::new_v4();
        let first = store.lock_credentials(id).await.unwrap();
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let waiter = {
            let store = store.clone();
            tokio::spawn(async move {
                let second = store.lock_credentials(id).await.unwrap();
                tx.send("second has it").unwrap();
                second.release().await.unwrap();
            })
        };
        // Another instance's lock is independent.
        store
            .lock_credentials(Uuid::new_v4())
            .await
            .unwrap()
            .release()
            .await
            .unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        assert!(
            rx.try_recv().is_err(),
            "the second lock was granted while the first was held"
        );
        first.release().await.unwrap();
        waiter.await.unwrap();
        assert_eq!(rx.recv().await, Some("second has it"));
    }
}

store_suite!(
    oauth_states_are_taken_once_by_their_own_user,
    credential_locks_are_held_one_at_a_time,
);

/// Two PostgreSQL stores with their own pools and in-process locks stand for two replicas:
/// the advisory lock alone must keep the second waiting (advisory locks span the database).
#[tokio::test]
async fn postgres_credential_locks_hold_across_replicas() {
    let (Some(first), Some(second)) = (
        crate::support::postgres_store().await,
        crate::support::postgres_store().await,
    ) else {
        return;
    };
    let id = uuid::Uuid::new_v4();
    let held = first.lock_credentials(id).await.unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let waiter = tokio::spawn(async move {
        let lock = second.lock_credentials(id).await.unwrap();
        tx.send(()).unwrap();
        lock.release().await.unwrap();
    });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(
        rx.try_recv().is_err(),
        "the other replica got the lock while it was held"
    );
    held.release().await.unwrap();
    waiter.await.unwrap();
    assert_eq!(rx.recv().await, Some(()));
}
