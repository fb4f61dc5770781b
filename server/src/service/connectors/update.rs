//! Updating an instance (`PATCH /api/connectors/{id}`, the connector page, the wizard's
//! later steps). One update is checked as a whole before anything is saved: the
//! instance's own fields, then its credentials (per-field edits over what is saved), then
//! the rules between the two (agreement, destinations). Then come the status moves
//! ([`lifecycle`]) and the audit entries, saved with the change in one transaction.
//!
//! Slightly over ~400 lines: one update's steps, kept together so their order reads top to
//! bottom.

use std::collections::BTreeMap;

use app::error::AppError;
use app::model::ConnectorType;
use app::model::connector::{
    Connector, ConnectorStatus, ConnectorUpdate, FieldEdit, is_secret_token_field,
};
use app::model::identity::Principal;
use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use uuid::Uuid;

use super::lifecycle::{self, Event};
use super::secrets::{Changes, check_submitted};
use super::{
    Catalog, ConnectorService, Saving, Secrets, TOKEN_FIELDS, TypeSchemas, access, authenticated,
    destinations, move_status, name_taken, not_found,
};
use crate::service::audit::{self, StatusCause};
use crate::service::validate::FieldErrorsBuilder;
use crate::store::{AuditRecord, ConnectorRecord, CredentialChange, CredentialRecord};

impl ConnectorService {
    /// Applies `input` to the instance `id`: see the module's documentation.
    pub(super) async fn update_instance(
        &self,
        who: &Principal,
        id: Uuid,
        mut input: ConnectorUpdate,
    ) -> Result<Connector, AppError> {
        let current = self.visible(who, id).await?;
        let assigns_a_scope_it_may_not = input
            .scope
            .is_some_and(|scope| !access::may_assign_scope(who, scope));
        if !access::may_write(who, &current) || assigns_a_scope_it_may_not {
            return Err(AppError::Forbidden);
        }
        let snapshot = self.catalog().await?;
        let catalog = &snapshot.by_id;
        let entry = catalog.get(&current.catalog_id).ok_or(AppError::Internal)?;
        let schemas = self.schemas_for(entry)?;
        let stored = self.store.credentials_of(current.tenant_id, id).await?;
        let mut saved = SavedCredentials::read(self, stored.as_ref(), entry, &schemas);

        let mut errors = FieldErrorsBuilder::default();
        let config_saved = input.config.is_some();
        let (next, changed) = edit_details(who, &current, &mut input, &schemas, &mut errors);
        let opened = saved.opened.take();
        let credentials = edit_credentials(input.auth.take(), opened, &schemas, &mut errors);
        let (types, records) = ((entry, &*schemas), (&current, &next));
        check_between(
            types,
            records,
            &saved,
            &credentials,
            config_saved,
            &mut errors,
        );
        errors.finish("Some fields need attention.")?;

        let mut edit = Edit {
            who,
            next,
            audit: Vec::new(),
            now: OffsetDateTime::now_utc(),
        };
        if !changed.is_empty() {
            edit.log("connector.update", json!({ "changed": changed }));
        }
        let sealed = match &credentials.edited {
            Some(edited) => {
                let changes = &credentials.changes;
                self.save_credentials(&mut edit, types, edited, changes, stored.as_ref())?
            }
            None => Sealed::Unchanged,
        };
        let config_changed = changed.iter().any(|field| field.starts_with("config."));
        if credentials.edited.is_none()
            && config_changed
            && schemas.check_config(&edit.next.config).is_empty()
        {
            edit.apply(Event::ConfigurationCompleted {
                authenticated: saved.authenticated,
            });
        }
        if let Some(to) = input.status {
            let needs_reentry = saved.undecryptable && credentials.edited.is_none();
            edit.choose_status(to, input.confirm, needs_reentry)?;
        }
        if edit.audit.is_empty() {
            return self.view(who, &current, catalog, stored.as_ref());
        }
        self.save(edit, &sealed, stored.as_ref(), catalog).await
    }

    /// Saves the edited instance, its credentials and its audit entries together, and
    /// shows the result.
    async fn save(
        &self,
        edit: Edit<'_>,
        sealed: &Sealed,
        stored: Option<&CredentialRecord>,
        catalog: &Catalog,
    ) -> Result<Connector, AppError> {
        let change = match sealed {
            Sealed::Put(record) => CredentialChange::Put(record),
            Sealed::Removed => CredentialChange::Remove,
            Sealed::Unchanged => CredentialChange::Keep,
        };
        let mut next = edit.next;
        next.updated_at = edit.now;
        next.updated_by = Some(edit.who.user_id);
        let updated = self
            .store
            .update_connector(&next, change, &edit.audit)
            .await
            .map_err(name_taken(&next.name))?;
        if !updated {
            return Err(not_found());
        }
        let shown = match sealed {
            Sealed::Put(record) => Some(record.as_ref()),
            Sealed::Removed => None,
            Sealed::Unchanged => stored,
        };
        self.view(edit.who, &next, catalog, shown)
    }

    /// Seals the edited credentials (or removes them, when none are left), audits which
    /// fields were replaced and cleared, and moves the status when the instance can now
    /// sign in (or no longer can).
    fn save_credentials(
        &self,
        edit: &mut Edit<'_>,
        (entry, schemas): (&ConnectorType, &TypeSchemas),
        edited: &Secrets,
        changes: &Changes,
        stored: Option<&CredentialRecord>,
    ) -> Result<Sealed, AppError> {
        let sealed = if edited.is_empty() {
            if stored.is_some() {
                Sealed::Removed
            } else {
                Sealed::Unchanged
            }
        } else {
            let (by, next, now) = (Some(edit.who), &edit.next, edit.now);
            let record = self.seal(by, next, schemas, edited, stored, &changes.replaced, now)?;
            Sealed::Put(Box::new(record))
        };
        for (action, fields) in [
            ("credentials.replace", &changes.replaced),
            ("credentials.clear", &changes.cleared),
        ] {
            if !fields.is_empty() {
                edit.log(action, json!({ "fields": fields }));
            }
        }
        edit.apply(Event::CredentialsChanged {
            authenticated: authenticated(entry, Some(edited).filter(|s| !s.is_empty())),
            config_complete: schemas.check_config(&edit.next.config).is_empty(),
        });
        Ok(sealed)
    }
}

/// The instance as the update leaves it, with the audit entries that say what changed.
struct Edit<'a> {
    who: &'a Principal,
    next: ConnectorRecord,
    audit: Vec<AuditRecord>,
    now: OffsetDateTime,
}

impl Edit<'_> {
    /// Records `action` by the person updating.
    fn log(&mut self, action: &str, details: Value) {
        let by = Some(self.who.user_id);
        let entry = audit::entry(by, &self.next, action, details, self.now);
        self.audit.push(entry);
    }

    /// Moves the status as [`lifecycle`] says for `event`, if it says to.
    fn apply(&mut self, event: Event) {
        if let Some(moved) = lifecycle::next(self.next.status, event) {
            let (next, audit) = (&mut self.next, &mut self.audit);
            move_status(self.who, next, moved.to, moved.reason, self.now, audit);
        }
    }

    /// A status the person chose (Activate, Deactivate), if the model allows the move.
    fn choose_status(
        &mut self,
        to: ConnectorStatus,
        confirmed: bool,
        needs_reentry: bool,
    ) -> Result<(), AppError> {
        let current = (self.next.status, self.next.last_test_ok);
        lifecycle::check_choice(current, to, confirmed, needs_reentry)?;
        if to != self.next.status {
            let cause = StatusCause::Choice { confirmed };
            let by = Some(self.who.user_id);
            let entry = audit::status_change(by, &self.next, to, cause, self.now);
            self.audit.push(entry);
            self.next.status = to;
        }
        Ok(())
    }
}

/// The rules between the configuration and the credentials held after the update: they
/// must agree (`x-config-agreement`), and saved secrets go only where they were entered.
fn check_between(
    (entry, schemas): (&ConnectorType, &TypeSchemas),
    (current, next): (&ConnectorRecord, &ConnectorRecord),
    saved: &SavedCredentials,
    credentials: &CredentialEdit,
    config_saved: bool,
    errors: &mut FieldErrorsBuilder,
) {
    let saving = Saving {
        config: config_saved,
        credentials: !credentials.changes.replaced.is_empty(),
    };
    let held = match &credentials.edited {
        Some(edited) => Some(edited.without(&TOKEN_FIELDS)),
        None => saved.held.clone(),
    };
    if let Some(held) = held
        && (saving.config || saving.credentials)
    {
        errors.merge(schemas.check_agreement(&next.config, &held, saving));
    }
    // Credentials go only where they were entered (see `destinations`).
    let kept_secret = saved.secret_names.iter().any(|field| {
        !credentials.changes.replaced.contains(field)
            && !credentials.changes.cleared.contains(field)
    });
    if kept_secret {
        for field in destinations::moved(entry, &current.config, &next.config) {
            errors.add(&field, destinations::KEEP_REFUSED);
        }
    }
}

/// What the update does to the stored credentials.
enum Sealed {
    Unchanged,
    Put(Box<CredentialRecord>),
    Removed,
}

/// What is saved of the instance's credentials, decrypted once for every rule of the
/// update.
struct SavedCredentials {
    /// `None` when there are none, or they cannot be decrypted.
    opened: Option<Secrets>,
    /// There are credentials, but they cannot be decrypted (a lost key): a person must
    /// enter them again before the instance may be activated.
    undecryptable: bool,
    /// The saved secrets' names, for the rule that they go only where they were entered.
    secret_names: Vec<String>,
    /// The saved fields but the OAuth tokens, for the agreement check when only the
    /// configuration changes.
    held: Option<Value>,
    /// Whether they sign in (for a draft whose configuration becomes complete).
    authenticated: bool,
}

impl SavedCredentials {
    fn read(
        service: &ConnectorService,
        stored: Option<&CredentialRecord>,
        entry: &ConnectorType,
        schemas: &TypeSchemas,
    ) -> Self {
        let opened = stored.and_then(|stored| service.open(stored));
        let secret_names = opened
            .iter()
            .flat_map(Secrets::names)
            .filter(|field| schemas.is_secret(field) || is_secret_token_field(field))
            .map(str::to_owned)
            .collect();
        SavedCredentials {
            undecryptable: stored.is_some() && opened.is_none(),
            secret_names,
            held: opened.as_ref().map(|saved| saved.without(&TOKEN_FIELDS)),
            authenticated: authenticated(entry, opened.as_ref().filter(|s| !s.is_empty())),
            opened,
        }
    }
}

/// The instance with its own fields edited (name, description, configuration, tags,
/// scope, roles), and the names of those that changed, for the audit trail.
fn edit_details(
    who: &Principal,
    current: &ConnectorRecord,
    input: &mut ConnectorUpdate,
    schemas: &TypeSchemas,
    errors: &mut FieldErrorsBuilder,
) -> (ConnectorRecord, Vec<String>) {
    let mut next = current.clone();
    let mut changed: Vec<String> = Vec::new();
    if let Some(name) = &input.name
        && let Some(name) = errors.name("name", name)
        && name != next.name
    {
        next.name = name;
        changed.push("name".into());
    }
    if let Some(description) = &input.description {
        let description = errors.description("description", description);
        if description != next.description {
            next.description = description;
            changed.push("description".into());
        }
    }
    if let Some(config) = input.config.take() {
        errors.json("config", &config);
        errors.merge(schemas.check_config(&config));
        changed.extend(changed_config_keys(&next.config, &config));
        next.config = config;
    }
    if let Some(tags) = input.tags.take() {
        let tags = errors.tags("tags", tags);
        if tags != next.tags {
            next.tags = tags;
            changed.push("tags".into());
        }
    }
    if let Some(scope) = input.scope
        && scope != next.scope
    {
        next.scope = scope;
        next.owner_user_id = next.owner_user_id.or(Some(who.user_id));
        changed.push("scope".into());
    }
    if let Some(mut roles) = input.allowed_roles.take() {
        roles.dedup();
        if roles != next.allowed_roles {
            next.allowed_roles = roles;
            changed.push("allowed_roles".into());
        }
    }
    (next, changed)
}

/// The credentials after the per-field edits, when they changed.
struct CredentialEdit {
    /// `None`: no edit changed anything. Empty: every field was cleared.
    edited: Option<Secrets>,
    changes: Changes,
}

/// Applies per-field edits over what is saved (nothing, if it cannot be decrypted) and
/// checks the result as a whole (a blank replacement clears: [`FieldEdit::over_the_api`]).
fn edit_credentials(
    edits: Option<BTreeMap<String, FieldEdit>>,
    saved: Option<Secrets>,
    schemas: &TypeSchemas,
    errors: &mut FieldErrorsBuilder,
) -> CredentialEdit {
    let Some(edits) = edits else {
        return CredentialEdit {
            edited: None,
            changes: Changes::default(),
        };
    };
    let edits: BTreeMap<String, FieldEdit> = edits
        .into_iter()
        .map(|(field, edit)| (field, edit.over_the_api()))
        .collect();
    let replacements = edits.iter().filter_map(|(field, edit)| match edit {
        FieldEdit::Replace { value } => Some((field, value)),
        _ => None,
    });
    check_submitted(errors, schemas, replacements);
    let mut edited = saved.unwrap_or_else(|| Secrets::new(Map::new()));
    let changes = edited.apply(edits);
    if changes.is_empty() {
        return CredentialEdit {
            edited: None,
            changes,
        };
    }
    if !edited.is_empty() {
        errors.merge(schemas.check_auth(&edited.without(&TOKEN_FIELDS)));
    }
    CredentialEdit {
        edited: Some(edited),
        changes,
    }
}

/// Top-level configuration keys whose values differ.
fn changed_config_keys(before: &Value, after: &Value) -> Vec<String> {
    let empty = Map::new();
    let before = before.as_object().unwrap_or(&empty);
    let after = after.as_object().unwrap_or(&empty);
    let mut keys: Vec<String> = before
        .keys()
        .chain(after.keys())
        .filter(|key| before.get(*key) != after.get(*key))
        .map(|key| format!("config.{key}"))
        .collect();
    keys.sort();
    keys.dedup();
    keys
}
