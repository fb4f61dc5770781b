//! Who may see, use and change an instance: role, scope and allowed roles together.
//!
//! - Scope `tenant`: everyone in the owning tenant sees it. `user`: its owner and the
//!   tenant's owners and admins. `global`: every tenant sees it.
//! - Allowed roles (when not empty) restrict who sees and uses it; the people who
//!   administer it (below) are never locked out of what they manage.
//! - Writing: owners and admins of the owning tenant; for `global` instances, only a
//!   platform admin (who must also be an owner or admin where they act).
//! - Using (tests, publish targets, decrypting credentials): members and up.

use app::model::connector::Scope;
use app::model::identity::Principal;

use crate::store::ConnectorRecord;

fn in_home_tenant(who: &Principal, connector: &ConnectorRecord) -> bool {
    connector.tenant_id == who.tenant_id
}

/// Manages the instance: may change, delete and always see and use it.
pub fn may_write(who: &Principal, connector: &ConnectorRecord) -> bool {
    match connector.scope {
        Scope::Global => who.is_platform_admin && who.role.can_administer(),
        Scope::Tenant | Scope::User => in_home_tenant(who, connector) && who.role.can_administer(),
    }
}

pub fn may_see(who: &Principal, connector: &ConnectorRecord) -> bool {
    if may_write(who, connector) {
        return true;
    }
    let in_scope = match connector.scope {
        Scope::Global => true,
        Scope::Tenant => in_home_tenant(who, connector),
        Scope::User => {
            in_home_tenant(who, connector)
                && (connector.owner_user_id == Some(who.user_id) || who.role.can_administer())
        }
    };
    in_scope && role_allowed(who, connector)
}

pub fn may_use(who: &Principal, connector: &ConnectorRecord) -> bool {
    may_see(who, connector) && who.role.can_use_connectors()
}

fn role_allowed(who: &Principal, connector: &ConnectorRecord) -> bool {
    connector.allowed_roles.is_empty()
        || connector.allowed_roles.contains(&who.role)
        || (in_home_tenant(who, connector) && who.role.can_administer())
}

/// Whether `who` may give an instance this scope.
pub fn may_assign_scope(who: &Principal, scope: Scope) -> bool {
    scope != Scope::Global || who.is_platform_admin
}

#[cfg(test)]
mod tests {
    use app::model::connector::ConnectorStatus;
    use app::model::identity::{Credential, Role};
    use time::OffsetDateTime;
    use uuid::Uuid;

    use super::*;

    const HOME: Uuid = Uuid::from_u128(1);
    const OTHER: Uuid = Uuid::from_u128(2);
    const OWNER: Uuid = Uuid::from_u128(10);

    fn person(tenant_id: Uuid, role: Role, user: u128, platform_admin: bool) -> Principal {
        Principal {
            user_id: Uuid::from_u128(user),
            email: format!("{user}@test"),
            display_name: String::new(),
            tenant_id,
            tenant_name: String::new(),
            role,
            is_platform_admin: platform_admin,
            credential: Credential::ApiToken(Uuid::nil()),
        }
    }

    fn instance(scope: Scope, allowed_roles: Vec<Role>) -> ConnectorRecord {
        let now = OffsetDateTime::UNIX_EPOCH;
        ConnectorRecord {
            id: Uuid::from_u128(100),
            tenant_id: HOME,
            catalog_id: Uuid::nil(),
            name: "x".into(),
            description: String::new(),
            status: ConnectorStatus::Active,
            scope,
            owner_user_id: Some(OWNER),
            allowed_roles,
            config: serde_json::json!({}),
            tags: vec![],
            last_tested_at: None,
            last_test_ok: None,
            last_error: None,
            created_at: now,
            updated_at: now,
            created_by: None,
            updated_by: None,
        }
    }

    #[test]
    fn tenant_scope_is_seen_by_the_tenant_only_and_written_by_admins() {
        let connector = instance(Scope::Tenant, vec![]);
        for role in Role::ALL {
            let who = person(HOME, role, 20, false);
            assert!(may_see(&who, &connector), "{role}");
            assert_eq!(may_write(&who, &connector), role.can_administer(), "{role}");
            assert_eq!(may_use(&who, &connector), role != Role::Viewer, "{role}");
        }
        assert!(!may_see(&person(OTHER, Role::Owner, 20, true), &connector));
    }

    #[test]
    fn user_scope_is_for_its_owner_and_admins() {
        let connector = instance(Scope::User, vec![]);
        assert!(may_see(&person(HOME, Role::Member, 10, false), &connector));
        assert!(!may_see(&person(HOME, Role::Member, 11, false), &connector));
        assert!(may_see(&person(HOME, Role::Admin, 11, false), &connector));
        assert!(!may_write(
            &person(HOME, Role::Member, 10, false),
            &connector
        ));
    }

    #[test]
    fn global_scope_is_seen_everywhere_and_written_by_platform_admins_only() {
        let connector = instance(Scope::Global, vec![]);
        let outsider = person(OTHER, Role::Viewer, 30, false);
        assert!(may_see(&outsider, &connector));
        assert!(!may_write(
            &person(HOME, Role::Owner, 20, false),
            &connector
        ));
        assert!(may_write(&person(OTHER, Role::Owner, 20, true), &connector));
        assert!(!may_assign_scope(
            &person(HOME, Role::Owner, 20, false),
            Scope::Global
        ));
    }

    #[test]
    fn allowed_roles_hide_the_instance_from_other_roles_but_not_from_its_admins() {
        let connector = instance(Scope::Tenant, vec![Role::Member]);
        assert!(may_use(&person(HOME, Role::Member, 20, false), &connector));
        assert!(!may_see(&person(HOME, Role::Viewer, 20, false), &connector));
        assert!(may_use(&person(HOME, Role::Admin, 20, false), &connector));
        let global = instance(Scope::Global, vec![Role::Member]);
        assert!(!may_see(&person(OTHER, Role::Admin, 20, false), &global));
    }
}
