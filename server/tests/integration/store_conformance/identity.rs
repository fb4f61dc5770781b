//! Tenants, users and memberships, and the first-run setup.

mod cases {
    use std::sync::Arc;

    use app::model::identity::Role;
    use server::store::{SessionRecord, Store, StoreError};

    use crate::store_conformance::fixtures::{one_member, tenant, user};

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
}

store_suite!(
    first_owner_is_set_up_only_once,
    names_and_emails_are_unique_ignoring_case,
    memberships_are_per_tenant,
    a_removed_member_is_out_of_that_tenant_only,
);
