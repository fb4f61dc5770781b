//! The store conformance suite: written once, run against SQLite always and against
//! PostgreSQL whenever `TEST_DATABASE_URL` is set (always under `make test`).
#![allow(clippy::unwrap_used)] // a test fails by panicking; unwrap is how it says so

#[macro_use]
mod support;

mod cases {
    use std::sync::Arc;

    use app::model::connector::{ConnectorStatus, Scope};
    use app::model::identity::Role;
    use app::model::{AuthType, Category};
    use serde_json::json;
    use server::store::{
        ApiTokenRecord, AuditRecord, ConnectionTestRecord, ConnectorRecord, CredentialChange,
        CredentialRecord, DueCheck, OAuthReturn, OAuthStateRecord, SessionRecord, Store,
        StoreError, TenantRecord, TestOutcome, UserRecord,
    };
    use server::vault::Sealed;
    use time::OffsetDateTime;
    use uuid::Uuid;

    use super::support::seed_entries;

    pub async fn empty_catalog_lists_nothing(store: Arc<dyn Store>) {
        assert!(store.list_catalog().await.unwrap().is_empty());
        assert!(store.catalog_by_key("stripe").await.unwrap().is_none());
        store.ping().await.unwrap();
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

    fn tenant(name: &str) -> TenantRecord {
        TenantRecord {
            id: Uuid::new_v4(),
            name: name.into(),
        }
    }

    fn user(email: &str) -> UserRecord {
        UserRecord {
            id: Uuid::new_v4(),
            email: email.into(),
            display_name: email.split('@').next().unwrap().into(),
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g".into(),
            is_platform_admin: false,
        }
    }

    pub async fn first_owner_is_set_up_only_once(store: Arc<dyn Store>) {
        assert_eq!(store.count_users().await.unwrap(), 0);
        let (acme, ada) = (tenant("Acme"), user("ada@acme.test"));
        assert!(store.setup_first_owner(&acme, &ada).await.unwrap());
        assert_eq!(
            store.role_in(ada.id, acme.id).await.unwrap(),
            Some(Role::Owner)
        );

        let (other, eve) = (tenant("Other"), user("eve@other.test"));
        assert!(!store.setup_first_owner(&other, &eve).await.unwrap());
        assert_eq!(store.count_users().await.unwrap(), 1);
        assert!(
            store.tenant_by_name("Other").await.unwrap().is_none(),
            "a refused setup wrote a tenant"
        );
    }

    pub async fn names_and_emails_are_unique_ignoring_case(store: Arc<dyn Store>) {
        store.create_tenant(&tenant("Acme")).await.unwrap();
        assert!(matches!(
            store.create_tenant(&tenant("ACME")).await,
            Err(StoreError::Conflict(_))
        ));
        store.create_user(&user("ada@acme.test")).await.unwrap();
        assert!(matches!(
            store.create_user(&user("Ada@Acme.Test")).await,
            Err(StoreError::Conflict(_))
        ));

        let found = store.user_by_email("ADA@acme.test").await.unwrap().unwrap();
        assert_eq!(found.email, "ada@acme.test");
        assert!(
            store
                .user_by_email("nobody@acme.test")
                .await
                .unwrap()
                .is_none()
        );
        assert_eq!(
            store.tenant_by_name("acme").await.unwrap().unwrap().name,
            "Acme"
        );
    }

    pub async fn memberships_are_per_tenant(store: Arc<dyn Store>) {
        let (acme, beta) = (tenant("Acme"), tenant("Beta"));
        let (ada, bob) = (user("ada@x.test"), user("bob@x.test"));
        for t in [&acme, &beta] {
            store.create_tenant(t).await.unwrap();
        }
        for u in [&ada, &bob] {
            store.create_user(u).await.unwrap();
        }
        store
            .put_membership(ada.id, acme.id, Role::Owner)
            .await
            .unwrap();
        store
            .put_membership(ada.id, beta.id, Role::Viewer)
            .await
            .unwrap();
        store
            .put_membership(bob.id, acme.id, Role::Member)
            .await
            .unwrap();
        store
            .put_membership(bob.id, acme.id, Role::Admin)
            .await
            .unwrap();

        let ada_in: Vec<_> = store
            .memberships_of(ada.id)
            .await
            .unwrap()
            .into_iter()
            .map(|m| (m.tenant_name, m.role))
            .collect();
        assert_eq!(
            ada_in,
            vec![("Acme".into(), Role::Owner), ("Beta".into(), Role::Viewer)]
        );
        let acme_members: Vec<_> = store
            .members_of(acme.id)
            .await
            .unwrap()
            .into_iter()
            .map(|m| (m.email, m.role))
            .collect();
        assert_eq!(
            acme_members,
            vec![
                ("ada@x.test".into(), Role::Owner),
                ("bob@x.test".into(), Role::Admin)
            ]
        );
        assert_eq!(store.role_in(bob.id, beta.id).await.unwrap(), None);
    }

    pub async fn a_removed_member_is_out_of_that_tenant_only(store: Arc<dyn Store>) {
        let (acme, ada) = one_member(&store).await;
        let beta = tenant("Beta");
        let bob = user("bob@acme.test");
        store.create_tenant(&beta).await.unwrap();
        store.create_user(&bob).await.unwrap();
        for tenant in [&acme, &beta] {
            store
                .put_membership(bob.id, tenant.id, Role::Member)
                .await
                .unwrap();
        }
        let session = SessionRecord {
            id: "b".repeat(64),
            user_id: bob.id,
            tenant_id: acme.id,
            created_at: 1_000,
            last_seen_at: 1_000,
            expires_at: 9_000,
        };
        store.insert_session(&session).await.unwrap();

        assert!(store.delete_membership(bob.id, acme.id).await.unwrap());
        assert!(!store.delete_membership(bob.id, acme.id).await.unwrap());
        assert_eq!(store.role_in(bob.id, acme.id).await.unwrap(), None);
        assert_eq!(
            store.role_in(bob.id, beta.id).await.unwrap(),
            Some(Role::Member)
        );
        assert_eq!(
            store.role_in(ada.id, acme.id).await.unwrap(),
            Some(Role::Owner)
        );
        // Their session there finds no role any more: it signs nobody in.
        let (_, owner) = store.session(&session.id).await.unwrap().unwrap();
        assert_eq!(owner.role, None);
    }

    async fn one_member(store: &Arc<dyn Store>) -> (TenantRecord, UserRecord) {
        let (acme, ada) = (tenant("Acme"), user("ada@acme.test"));
        assert!(store.setup_first_owner(&acme, &ada).await.unwrap());
        (acme, ada)
    }

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

    /// A tenant with one user, and the seeded catalog; returns (tenant, user, stripe's catalog id).
    async fn tenant_with_catalog(
        store: &Arc<dyn Store>,
        name: &str,
    ) -> (TenantRecord, UserRecord, Uuid) {
        store.seed_catalog(&seed_entries()).await.unwrap();
        let (tenant, user) = (
            tenant(name),
            user(&format!("admin@{}.test", name.to_lowercase())),
        );
        store.create_tenant(&tenant).await.unwrap();
        store.create_user(&user).await.unwrap();
        store
            .put_membership(user.id, tenant.id, Role::Admin)
            .await
            .unwrap();
        let stripe = store.catalog_by_key("stripe").await.unwrap().unwrap().id;
        (tenant, user, stripe)
    }

    fn at(second: i64) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(1_800_000_000 + second).unwrap()
    }

    fn connector(
        tenant: &TenantRecord,
        by: &UserRecord,
        catalog_id: Uuid,
        name: &str,
    ) -> ConnectorRecord {
        ConnectorRecord {
            id: Uuid::new_v4(),
            tenant_id: tenant.id,
            catalog_id,
            name: name.into(),
            description: "Payments of the EU shop".into(),
            status: ConnectorStatus::Inactive,
            scope: Scope::Tenant,
            owner_user_id: Some(by.id),
            allowed_roles: vec![Role::Owner, Role::Admin],
            config: json!({"mode": "test", "api_version": "2024-06-20"}),
            tags: vec!["eu".into(), "billing".into()],
            last_tested_at: None,
            last_test_ok: None,
            last_error: None,
            created_at: at(0),
            updated_at: at(0),
            created_by: Some(by.id),
            updated_by: Some(by.id),
        }
    }

    fn credentials(of: &ConnectorRecord, key_id: &str, byte: u8) -> CredentialRecord {
        CredentialRecord {
            id: Uuid::new_v4(),
            tenant_id: of.tenant_id,
            connector_id: of.id,
            sealed: Sealed {
                key_id: key_id.into(),
                nonce: vec![byte; 12],
                ciphertext: vec![byte; 40],
            },
            masked: json!({"secret_key": {"set": true, "hint": "…3456", "set_at": 1_800_000_000}}),
            expires_at: Some(at(3600)),
            refreshed_at: None,
            created_at: at(0),
            updated_at: at(0),
            created_by: of.created_by,
            updated_by: of.created_by,
        }
    }

    fn audit(of: &ConnectorRecord, action: &str, second: i64) -> AuditRecord {
        AuditRecord {
            id: Uuid::new_v4(),
            tenant_id: of.tenant_id,
            actor: of.created_by,
            action: action.into(),
            target_type: "connector".into(),
            target_id: of.id,
            at: at(second),
            details: json!({"fields": ["name"]}),
        }
    }

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

    /// Runs the futures concurrently on the current runtime and collects their outputs.
    async fn futures_join_all<F: std::future::Future + Send + 'static>(
        futures: impl Iterator<Item = F>,
    ) -> Vec<F::Output>
    where
        F::Output: Send + 'static,
    {
        let handles: Vec<_> = futures.map(tokio::spawn).collect();
        let mut outputs = Vec::new();
        for handle in handles {
            outputs.push(handle.await.unwrap());
        }
        outputs
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
    names_are_unique_ignoring_unicode_case,
    empty_catalog_lists_nothing,
    seeding_inserts_every_type_sorted_by_name,
    every_field_round_trips,
    seeding_twice_changes_nothing,
    a_changed_definition_is_updated_in_place,
    types_missing_from_a_later_seed_are_kept,
    lookups_are_exact,
    first_owner_is_set_up_only_once,
    names_and_emails_are_unique_ignoring_case,
    memberships_are_per_tenant,
    a_removed_member_is_out_of_that_tenant_only,
    sessions_resolve_to_their_owner_and_expire,
    a_session_can_move_between_tenants,
    api_tokens_are_found_by_hash_and_revoked_per_tenant,
    login_failures_count_within_a_window,
    a_connector_round_trips_with_its_credentials_and_audit,
    connector_names_are_unique_per_tenant_ignoring_case,
    another_tenants_connector_is_invisible_and_untouchable,
    updates_change_credentials_and_audit_together,
    deleting_removes_credentials_and_is_audited,
    credentials_visible_to_a_tenant_include_global_ones,
    audit_entries_can_be_appended_alone,
    rotation_finds_reseals_and_counts_by_key,
    a_key_canary_can_be_forgotten,
    oauth_states_are_taken_once_by_their_own_user,
    credential_locks_are_held_one_at_a_time,
    connection_tests_update_their_instance_and_keep_the_newest,
    every_error_class_is_stored,
    due_health_checks_are_claimed_once_until_tested,
);

/// Two PostgreSQL stores with their own pools and in-process locks stand for two replicas:
/// the advisory lock alone must keep the second waiting (advisory locks span the database).
#[tokio::test]
async fn postgres_credential_locks_hold_across_replicas() {
    let (Some(first), Some(second)) = (
        support::postgres_store().await,
        support::postgres_store().await,
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

/// Rows from before the `name_key` column (migration 8) get their key when the store
/// connects; a name that now clashes with an older one is kept, with a key of its own.
const FORGET_NAME_KEYS: [&str; 3] = [
    "UPDATE connectors SET name_key = NULL",
    "UPDATE connectors SET name = 'ärger' WHERE name = 'Other'",
    "UPDATE tenants SET name_key = NULL",
];

#[tokio::test]
async fn sqlite_names_from_before_the_rule_get_keys_and_clashes_are_kept() {
    let (store, dir) = support::sqlite_store().await;
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
    let Some((store, url)) = support::postgres_schema().await else {
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
