//! What a caller is shown of an instance and its audit trail: credentials masked, and
//! none of the owning tenant's personal data for another tenant (a `global` instance).

use std::collections::{BTreeMap, HashMap};

use app::error::AppError;
use app::model::connector::{AuditEntry, Connector, CredentialsView};
use app::model::identity::Principal;
use serde_json::json;
use uuid::Uuid;

use super::secrets::parse_masked;
use super::{Catalog, ConnectorService, access, not_found};
use crate::store::{ConnectorRecord, CredentialRecord, rfc3339};

/// How many audit entries one read returns at most.
const AUDIT_PAGE: i64 = 200;

impl ConnectorService {
    pub(super) fn view(
        &self,
        who: &Principal,
        record: &ConnectorRecord,
        catalog: &Catalog,
        stored: Option<&CredentialRecord>,
    ) -> Result<Connector, AppError> {
        let entry = catalog.get(&record.catalog_id).ok_or_else(|| {
            tracing::error!(connector_id = %record.id, "an instance's type is missing from the catalog");
            AppError::Internal
        })?;
        Ok(Connector {
            id: record.id,
            tenant_id: record.tenant_id,
            catalog_id: record.catalog_id,
            catalog_key: entry.key.clone(),
            catalog_name: entry.name.clone(),
            icon: entry.icon.clone(),
            name: record.name.clone(),
            description: record.description.clone(),
            status: record.status,
            scope: record.scope,
            owner_user_id: record.owner_user_id,
            allowed_roles: record.allowed_roles.clone(),
            config: record.config.clone(),
            tags: record.tags.clone(),
            credentials: stored.map(|stored| CredentialsView {
                fields: without_personal_data(who, record, parse_masked(&stored.masked)),
                needs_reentry: self.open(stored).is_none(),
            }),
            last_tested_at: record.last_tested_at.map(rfc3339),
            last_test_ok: record.last_test_ok,
            last_error: record.last_error.clone(),
            created_at: rfc3339(record.created_at),
            updated_at: rfc3339(record.updated_at),
            can_write: access::may_write(who, record),
            can_use: access::may_use(who, record),
        })
    }

    /// The trail of one instance.
    ///
    /// **Who sees what.** Members of the owning tenant see every entry whole: the acting
    /// member's email and the details. Another tenant may see a `global` instance, and so
    /// its trail, but it sees no personal data of the owning tenant: what happened and
    /// when, with the actor shown as "a member of the owning tenant" (absent, as always,
    /// for the system) and `details` empty, since details name people's doings in the
    /// owning tenant's words (reasons, changed fields, purposes) and are not the other
    /// tenant's business. The owning tenant's member list is not even read for them.
    pub(super) async fn audit_trail(
        &self,
        who: &Principal,
        connector_id: Uuid,
    ) -> Result<Vec<AuditEntry>, AppError> {
        // A deleted instance's trail stays readable to the tenant's owners and admins.
        let tenant_id = match self.store.connector(who.tenant_id, connector_id).await? {
            Some(record) if access::may_see(who, &record) => record.tenant_id,
            None if who.role.can_administer() => who.tenant_id,
            _ => return Err(not_found()),
        };
        let entries = self
            .store
            .audit_entries(tenant_id, connector_id, AUDIT_PAGE)
            .await?;
        if entries.is_empty() {
            return Err(not_found());
        }
        let insider = tenant_id == who.tenant_id;
        let emails: HashMap<Uuid, String> = if insider {
            self.store
                .members_of(tenant_id)
                .await?
                .into_iter()
                .map(|member| (member.user_id, member.email))
                .collect()
        } else {
            HashMap::new()
        };
        Ok(entries
            .into_iter()
            .map(|entry| AuditEntry {
                id: entry.id,
                at: rfc3339(entry.at),
                actor: entry.actor.map(|actor| match emails.get(&actor) {
                    Some(email) => email.clone(),
                    None if insider => actor.to_string(),
                    None => OUTSIDE_ACTOR.to_owned(),
                }),
                action: entry.action,
                target_type: entry.target_type,
                target_id: entry.target_id,
                details: if insider { entry.details } else { json!({}) },
            })
            .collect())
    }
}

/// What another tenant is shown instead of the owning tenant's member who acted.
const OUTSIDE_ACTOR: &str = "a member of the owning tenant";

/// Whether `who` is outside the tenant that owns `record` (a `global` instance seen by
/// another tenant), and so is shown none of that tenant's personal data.
fn outsider(who: &Principal, record: &ConnectorRecord) -> bool {
    who.tenant_id != record.tenant_id
}

/// The masked credential fields, without who set them when `who` is an [`outsider`].
fn without_personal_data(
    who: &Principal,
    record: &ConnectorRecord,
    mut fields: BTreeMap<String, app::model::connector::MaskedField>,
) -> BTreeMap<String, app::model::connector::MaskedField> {
    if outsider(who, record) {
        for field in fields.values_mut() {
            field.set_by = None;
        }
    }
    fields
}
