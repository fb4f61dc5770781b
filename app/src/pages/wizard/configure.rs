//! Step 3: the type's configuration, as a schema form.

use leptos::prelude::*;
use serde_json::{Map, Value};

use crate::api::connectors::update_connector;
use crate::components::scripted::{NeedsJavaScript, ScriptedForm};
use crate::model::ConnectorType;
use crate::model::connector::{Connector, ConnectorUpdate};
use crate::routes::Step;
use crate::schema::shape::initial_value;
use crate::schema_form::{ErrorSummary, FormState, SchemaForm};

use super::{Wizard, back_href, report};

#[component]
pub(super) fn ConfigureStep(
    wizard: Wizard,
    entry: ConnectorType,
    draft: Connector,
) -> impl IntoView {
    let schema_root = entry.config_schema.clone();
    let started = draft
        .config
        .as_object()
        .is_some_and(|config| !config.is_empty());
    let initial = if started {
        draft.config.clone()
    } else {
        initial_value(&schema_root, &schema_root).unwrap_or_else(|| Value::Object(Map::new()))
    };
    let form = FormState::new("config", schema_root, initial);
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let (id, key) = (draft.id, StoredValue::new(entry.key.clone()));
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        failure.set(None);
        if !form.submit() {
            crate::schema_form::focus_summary("config-summary");
            return;
        }
        busy.set(true);
        let config = form.value_to_save();
        leptos::task::spawn_local(async move {
            let update = ConnectorUpdate {
                config: Some(config),
                ..ConnectorUpdate::default()
            };
            let saved = update_connector(id, update).await;
            busy.set(false);
            match saved {
                Ok(_) => wizard.go(Step::Authenticate, Some(id), Some(&key.get_value())),
                Err(error) => {
                    report(&error, Some(form), "config", None, failure);
                    crate::schema_form::focus_summary("config-summary");
                }
            }
        });
    };
    let items = Signal::derive(move || {
        let mut items = form.summary();
        items.extend(failure.get().map(|message| (form.field_id(""), message)));
        items
    });
    view! {
        <NeedsJavaScript what="Saving this step" />
        <ScriptedForm class="wizard-form" on_submit=submit>
            <ErrorSummary id="config-summary" items />
            <SchemaForm form />
            <div class="wizard-actions">
                <a class="button secondary" href=back_href(wizard, Step::Configure, &entry.key)>"Back"</a>
                <button type="submit" class="button" disabled=move || busy.get()>"Save and continue"</button>
            </div>
        </ScriptedForm>
    }
}
