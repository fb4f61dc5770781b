//! The Permissions tab: the instance's scope and the roles that may use it.

use leptos::prelude::*;

use crate::api::connectors::update_connector;
use crate::components::connector_fields::{AccessFields, InstanceFields};
use crate::components::scripted::ScriptedForm;
use crate::model::connector::ConnectorUpdate;

use super::Context;

#[component]
pub(super) fn PermissionsTab(context: Context) -> impl IntoView {
    let connector = context.connector.clone();
    let fields = InstanceFields::of(&connector);
    let failure = RwSignal::new(None::<String>);
    let id = connector.id;
    let stored_context = StoredValue::new(context.clone());
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        failure.set(None);
        if !fields.check() {
            return;
        }
        let update = ConnectorUpdate {
            scope: Some(fields.scope.get_untracked()),
            allowed_roles: Some(fields.role_list()),
            ..ConnectorUpdate::default()
        };
        leptos::task::spawn_local(async move {
            match update_connector(id, update).await {
                Ok(_) => stored_context.with_value(|context| context.saved("Permissions saved.")),
                Err(error) => {
                    fields.errors.set(error.fields());
                    failure.set(Some(error.to_string()));
                }
            }
        });
    };
    view! {
        <ScriptedForm class="detail-form" on_submit=submit keep_visible=true>
            {(!connector.can_write).then(|| view! { <p class="callout">"You can view these permissions but not change them."</p> })}
            <fieldset class="plain" disabled=!connector.can_write>
                <AccessFields fields form="permissions" may_choose_global=false />
            </fieldset>
            <p class="field-error" role="alert">{move || failure.get()}</p>
            {connector.can_write.then(|| view! {
                <div class="wizard-actions" data-needs-js><button type="submit" class="button">"Save permissions"</button></div>
            })}
        </ScriptedForm>
    }
}
