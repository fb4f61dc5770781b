//! Sessions, API tokens and the login throttle.

mod cases {
    use std::sync::Arc;

    use app::model::identity::Role;
    use server::store::{ApiTokenRecord, SessionRecord, Store};
    use uuid::Uuid;

    use crate::store_conformance::fixtures::{one_member, tenant};

    pub async fn sessions_resolve_to_their_owner_and_expire(store: Arc<dyn Store>) {
        let (acme, ada) = one_member(&store).await;
        let session = SessionRecord {
            id: "a".repeat(64),
            user_id: ada.id,
            tenant_id: acme.id,
            created_at: 1_000,
            last_seen_at: 1_000,
            expires_at: 9_000,
        };
        store.insert_session(&session).await.unwrap();
        let (found, owner) = store.session(&session.id).await.unwrap().unwrap();
        assert_eq!(found, session);
        assert_eq!(
            (owner.user.id, owner.tenant.id, owner.role),
            (ada.id, acme.id, Some(Role::Owner))
        );
        assert_eq!(owner.tenant.name, "Acme");

        store.touch_session(&session.id, 2_000).await.unwrap();
        assert_eq!(
            store
                .session(&session.id)
                .await
                .unwrap()
                .unwrap()
                .0
                .last_seen_at,
            2_000
        );

        // An idle cut-off before the last request keeps it; one at it removes it.
        assert_eq!(
            store.delete_expired_sessions(5_000, 1_999).await.unwrap(),
            0
        );
        assert_eq!(
            store.delete_expired_sessions(5_000, 2_000).await.unwrap(),
            1
        );
        assert!(store.session(&session.id).await.unwrap().is_none());
    }

    pub async fn a_session_can_move_between_tenants(store: Arc<dyn Store>) {
        let (acme, ada) = one_member(&store).await;
        let beta = tenant("Beta");
        store.create_tenant(&beta).await.unwrap();
        let session = SessionRecord {
            id: "b".repeat(64),
            user_id: ada.id,
            tenant_id: acme.id,
            created_at: 1,
            last_seen_at: 1,
            expires_at: 10,
        };
        store.insert_session(&session).await.unwrap();
        store
            .set_session_tenant(&session.id, beta.id)
            .await
            .unwrap();
        let (_, owner) = store.session(&session.id).await.unwrap().unwrap();
        assert_eq!(owner.tenant.id, beta.id);
        assert_eq!(
            owner.role, None,
            "not a member of Beta: the session grants nothing there"
        );
        store.delete_session(&session.id).await.unwrap();
        assert!(store.session(&session.id).await.unwrap().is_none());
    }

    pub async fn api_tokens_are_found_by_hash_and_revoked_per_tenant(store: Arc<dyn Store>) {
        let (acme, ada) = one_member(&store).await;
        let token = ApiTokenRecord {
            id: Uuid::new_v4(),
            tenant_id: acme.id,
            user_id: ada.id,
            name: "CI".into(),
            token_hash: "c".repeat(64),
            prefix: "chub_abcdef".into(),
            created_at: 100,
            last_used_at: None,
            revoked_at: None,
        };
        store.insert_api_token(&token).await.unwrap();
        let (found, owner) = store.api_token(&token.token_hash).await.unwrap().unwrap();
        assert_eq!(found, token);
        assert_eq!(owner.role, Some(Role::Owner));
        store.touch_api_token(token.id, 150).await.unwrap();

        let listed = store.api_tokens_of(acme.id).await.unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(
            (listed[0].last_used_at, listed[0].owner_email.as_str()),
            (Some(150), "ada@acme.test")
        );

        let elsewhere = tenant("Beta");
        store.create_tenant(&elsewhere).await.unwrap();
        assert!(
            !store
                .revoke_api_token(elsewhere.id, token.id, 200)
                .await
                .unwrap(),
            "revoked across tenants"
        );
        assert!(
            store
                .revoke_api_token(acme.id, token.id, 200)
                .await
                .unwrap()
        );
        assert!(
            !store
                .revoke_api_token(acme.id, token.id, 300)
                .await
                .unwrap(),
            "revoked twice"
        );
        assert_eq!(
            store
                .api_token(&token.token_hash)
                .await
                .unwrap()
                .unwrap()
                .0
                .revoked_at,
            Some(200)
        );
        assert!(store.api_tokens_of(acme.id).await.unwrap().is_empty());
    }

    pub async fn login_failures_count_within_a_window(store: Arc<dyn Store>) {
        for at in [100, 200, 300] {
            store
                .record_login_failure("email:ada@acme.test", at)
                .await
                .unwrap();
        }
        store
            .record_login_failure("ip:127.0.0.1", 300)
            .await
            .unwrap();
        assert_eq!(
            store
                .login_failures_since("email:ada@acme.test", 150)
                .await
                .unwrap(),
            2
        );
        assert_eq!(
            store
                .login_failures_since("email:ada@acme.test", 0)
                .await
                .unwrap(),
            2,
            "old rows are pruned"
        );
        store
            .clear_login_failures("email:ada@acme.test")
            .await
            .unwrap();
        assert_eq!(
            store
                .login_failures_since("email:ada@acme.test", 0)
                .await
                .unwrap(),
            0
        );
        assert_eq!(
            store.login_failures_since("ip:127.0.0.1", 0).await.unwrap(),
            1
        );
    }
}

store_suite!(
    sessions_resolve_to_their_owner_and_expire,
    a_session_can_move_between_tenants,
    api_tokens_are_found_by_hash_and_revoked_per_tenant,
    login_failures_count_within_a_window,
);
