//! The records the cases build, and a few helpers they share.

use std::sync::Arc;

use app::model::connector::{ConnectorStatus, Scope};
use app::model::identity::Role;
use serde_json::json;
use server::store::{
    AuditRecord, ConnectorRecord, CredentialRecord, Sealed, Store, TenantRecord, UserRecord,
};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::support::seed_entries;

pub fn tenant(name: &str) -> TenantRecord {
    TenantRecord {
        id: Uuid::new_v4(),
        name: name.into(),
    }
}

pub fn user(email: &str) -> UserRecord {
    UserRecord {
        id: Uuid::new_v4(),
        email: email.into(),
        display_name: email.split('@').next().unwrap().into(),
        password_hash:
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g"
                .into(),
        is_platform_admin: false,
    }
}

pub async fn one_member(store: &Arc<dyn Store>) -> (TenantRecord, UserRecord) {
    let (acme, ada) = (tenant("Acme"), user("ada@acme.test"));
    assert!(store.setup_first_owner(&acme, &ada).await.unwrap());
    (acme, ada)
}

/// A tenant with one user, and the seeded catalog; returns (tenant, user, stripe's catalog id).
pub async fn tenant_with_catalog(
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

pub fn at(second: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_800_000_000 + second).unwrap()
}

pub fn connector(
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

pub fn credentials(of: &ConnectorRecord, key_id: &str, byte: u8) -> CredentialRecord {
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

pub fn audit(of: &ConnectorRecord, action: &str, second: i64) -> AuditRecord {
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

/// Runs the futures concurrently on the current runtime and collects their outputs.
pub async fn futures_join_all<F: std::future::Future + Send + 'static>(
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
