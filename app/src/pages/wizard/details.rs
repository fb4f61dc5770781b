//! Step 2: name, description, tags and who may use it; saving makes the draft.

use leptos::prelude::*;
use serde_json::{Map, Value};

use crate::api::connectors::{install_connector, update_connector};
use crate::components::connector_fields::{AccessFields, IdentityFields, InstanceFields};
use crate::components::connector_icon::ConnectorIcon;
use crate::components::scripted::{NeedsJavaScript, ScriptedForm};
use crate::model::ConnectorType;
use crate::model::connector::{Connector, ConnectorUpdate, NewConnector};
use crate::routes::{Step, wizard_href};
use crate::schema_form::ErrorSummary;

use super::{Wizard, name_the_draft_in_history, report};

#[component]
pub(super) fn DetailsStep(
    wizard: Wizard,
    entry: ConnectorType,
    draft: Option<Connector>,
    suggested_name: String,
) -> impl IntoView {
    let fields = match &draft {
        Some(draft) => InstanceFields::of(draft),
        None => InstanceFields::new(
            suggested_name,
            String::new(),
            &[],
            crate::model::connector::Scope::Tenant,
            Vec::new(),
        ),
    };
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let draft_id = draft.as_ref().map(|draft| draft.id);
    let key = StoredValue::new(entry.key.clone());
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        failure.set(None);
        if !fields.check() {
            crate::schema_form::focus_summary("details-summary");
            return;
        }
        busy.set(true);
        let (name, description, tags) = (
            fields.name.get_untracked(),
            fields.description.get_untracked(),
            fields.tag_list(),
        );
        let (scope, roles) = (fields.scope.get_untracked(), fields.role_list());
        leptos::task::spawn_local(async move {
            let saved = match draft_id {
                Some(id) => {
                    let update = ConnectorUpdate {
                        name: Some(name),
                        description: Some(description),
                        tags: Some(tags),
                        scope: Some(scope),
                        allowed_roles: Some(roles),
                        ..ConnectorUpdate::default()
                    };
                    update_connector(id, update).await
                }
                None => {
                    let input = NewConnector {
                        catalog_id: None,
                        catalog_key: Some(key.get_value()),
                        name,
                        description: Some(description),
                        config: Value::Object(Map::new()),
                        auth: None,
                        scope: Some(scope),
                        allowed_roles: Some(roles),
                        tags: Some(tags),
                        draft: true,
                    };
                    install_connector(input).await
                }
            };
            busy.set(false);
            match saved {
                Ok(connector) => {
                    if draft_id.is_none() {
                        let here =
                            wizard_href(Step::Details, Some(connector.id), Some(&key.get_value()));
                        name_the_draft_in_history(&here);
                    }
                    wizard.go(Step::Configure, Some(connector.id), Some(&key.get_value()))
                }
                Err(error) => {
                    report(&error, None, "", Some(fields), failure);
                    crate::schema_form::focus_summary("details-summary");
                }
            }
        });
    };
    let items = Signal::derive(move || {
        let mut items = fields.summary("details");
        items.extend(
            failure
                .get()
                .map(|message| ("details-name".to_owned(), message)),
        );
        items
    });
    let back = wizard_href(Step::Choose, draft_id, Some(&entry.key));
    view! {
        <NeedsJavaScript what="Saving this step" />
        <ScriptedForm class="wizard-form" on_submit=submit>
            <ErrorSummary id="details-summary" items />
            <p class="wizard-type"><ConnectorIcon svg=entry.icon.clone() /> {entry.name.clone()}</p>
            <IdentityFields fields form="details" />
            <AccessFields fields form="details" may_choose_global=false />
            <div class="wizard-actions">
                <a class="button secondary" href=back>"Back"</a>
                <button type="submit" class="button" disabled=move || busy.get()>"Save and continue"</button>
            </div>
        </ScriptedForm>
    }
}
