//! Installing an instance: checked whole (its fields, its configuration, its credentials
//! and the rules between them), then saved with its sealed credentials and its first
//! audit entry in one transaction.

use std::collections::HashMap;

use app::error::AppError;
use app::model::connector::{Connector, NewConnector, Scope};
use app::model::identity::Principal;
use app::schema::messages;
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

use super::secrets::{check_submitted, drop_blank};
use super::{ConnectorService, Saving, Secrets, access, authenticated, lifecycle, name_taken};
use crate::service::audit::{self};
use crate::service::validate::FieldErrorsBuilder;
use crate::store::ConnectorRecord;

impl ConnectorService {
    pub(super) async fn install_instance(
        &self,
        who: &Principal,
        input: NewConnector,
    ) -> Result<Connector, AppError> {
        if !who.role.can_administer() {
            return Err(AppError::Forbidden);
        }
        let scope = input.scope.unwrap_or(Scope::Tenant);
        if !access::may_assign_scope(who, scope) {
            return Err(AppError::Forbidden);
        }
        let entry = self
            .resolve_type(input.catalog_id, input.catalog_key.as_deref())
            .await?;
        let schemas = self.schemas_for(&entry)?;
        let mut errors = FieldErrorsBuilder::default();
        let name = errors.name("name", &input.name).unwrap_or_default();
        let description =
            errors.description("description", input.description.as_deref().unwrap_or(""));
        let tags = errors.tags("tags", input.tags.unwrap_or_default());
        errors.json("config", &input.config);
        if input.draft {
            if !input.config.is_object() {
                errors.add("config", messages::wrong_type(&["object"]));
            }
        } else {
            errors.merge(schemas.check_config(&input.config));
        }
        let secrets = input.auth.map(|fields| {
            let mut fields = fields.0;
            drop_blank(&mut fields);
            Secrets::new(fields)
        });
        if let Some(secrets) = &secrets {
            check_submitted(&mut errors, &schemas, secrets.fields());
            errors.merge(schemas.check_auth(&secrets.as_value()));
            let both = Saving {
                config: true,
                credentials: true,
            };
            errors.merge(schemas.check_agreement(&input.config, &secrets.as_value(), both));
        }
        errors.finish("Some fields need attention.")?;

        let now = OffsetDateTime::now_utc();
        let mut allowed_roles = input.allowed_roles.unwrap_or_default();
        allowed_roles.dedup();
        let record = ConnectorRecord {
            id: Uuid::new_v4(),
            tenant_id: who.tenant_id,
            catalog_id: entry.id,
            name,
            description,
            status: lifecycle::initial(input.draft, authenticated(&entry, secrets.as_ref())),
            scope,
            owner_user_id: Some(who.user_id),
            allowed_roles,
            config: input.config,
            tags,
            last_tested_at: None,
            last_test_ok: None,
            last_error: None,
            created_at: now,
            updated_at: now,
            created_by: Some(who.user_id),
            updated_by: Some(who.user_id),
        };
        let credentials = match secrets.as_ref().filter(|s| !s.is_empty()) {
            Some(secrets) => {
                let fields: Vec<String> = secrets.names().map(str::to_owned).collect();
                Some(self.seal(Some(who), &record, &schemas, secrets, None, &fields, now)?)
            }
            None => None,
        };
        let audit = audit::entry(
            Some(who.user_id),
            &record,
            "connector.create",
            json!({
                "name": record.name,
                "catalog_key": entry.key,
                "scope": record.scope,
                "status": record.status,
                "credential_fields": secrets.as_ref().map(|s| s.names().collect::<Vec<_>>()),
            }),
            now,
        );
        self.store
            .create_connector(&record, credentials.as_ref(), &audit)
            .await
            .map_err(name_taken(&record.name))?;
        let catalog = HashMap::from([(entry.id, entry)]);
        self.view(who, &record, &catalog, credentials.as_ref())
    }
}
