//! The Configuration tab: name, description and tags, the type's configuration as a
//! schema form, and the saved secrets to enter again when the server asks for them.

use leptos::prelude::*;
use serde_json::Value;

use crate::api::connectors::update_connector;
use crate::components::connector_fields::{IdentityFields, InstanceFields};
use crate::components::credentials::{CredentialField, credential_fields};
use crate::components::field::FieldError;
use crate::components::scripted::ScriptedForm;
use crate::error::FieldErrors;
use crate::model::connector::{
    CREDENTIALS_STAY_AT_THEIR_ADDRESS, ConnectorUpdate, CredentialsView,
};
use crate::schema_form::{ErrorSummary, FormState, SchemaForm, focus_summary};

use super::{Context, is_saved};

#[component]
pub(super) fn ConfigurationTab(context: Context) -> impl IntoView {
    let connector = context.connector.clone();
    let form = FormState::new(
        "config",
        context.entry.config_schema.clone(),
        connector.config.clone(),
    );
    let fields = InstanceFields::of(&connector);
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let id = connector.id;
    let stored_context = StoredValue::new(context.clone());
    // Some changes need the saved secrets entered again in the same save (the server's
    // rules): a new address they would be sent to, or settings they must agree with
    // (Stripe's Mode and its key). Their fields show once the server has said so, with
    // what it said of each.
    let secrets: Vec<(CredentialField, RwSignal<String>)> =
        credential_fields(&context.entry, &connector, None)
            .into_iter()
            .filter(|field| field.secret && is_saved(&connector, &field.name))
            .map(|field| (field, RwSignal::new(String::new())))
            .collect();
    let reentry = RwSignal::new(false);
    // The server's words on each secret, by field name.
    let reentry_errors = RwSignal::new(FieldErrors::new());
    let typed_secrets = StoredValue::new(
        secrets
            .iter()
            .map(|(field, typed)| (field.name.clone(), *typed))
            .collect::<Vec<_>>(),
    );
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        failure.set(None);
        let fields_ok = fields.check();
        if !form.submit() || !fields_ok {
            focus_summary("configuration-summary");
            return;
        }
        busy.set(true);
        // The secrets typed again; one left blank keeps its saved value (the one rule for
        // blank fields, `CredentialsView::edits_from_form`).
        let typed: serde_json::Map<String, Value> = typed_secrets
            .get_value()
            .into_iter()
            .filter(|_| reentry.get_untracked())
            .map(|(name, typed)| (name, Value::String(typed.get_untracked())))
            .collect();
        let entered = CredentialsView::edits_from_form(None, &Value::Object(typed));
        let update = ConnectorUpdate {
            name: Some(fields.name.get_untracked()),
            description: Some(fields.description.get_untracked()),
            tags: Some(fields.tag_list()),
            config: Some(form.value_to_save()),
            auth: (!entered.is_empty()).then_some(entered),
            ..ConnectorUpdate::default()
        };
        leptos::task::spawn_local(async move {
            let saved = update_connector(id, update).await;
            busy.set(false);
            match saved {
                Ok(_) => stored_context.with_value(|context| context.saved("Configuration saved.")),
                Err(error) => {
                    let moved = error
                        .fields()
                        .values()
                        .flatten()
                        .any(|message| message == CREDENTIALS_STAY_AT_THEIR_ADDRESS);
                    let (on_secrets, rest): (FieldErrors, FieldErrors) = error
                        .fields()
                        .into_iter()
                        .partition(|(at, _)| at.starts_with("auth."));
                    if moved || !on_secrets.is_empty() {
                        reentry.set(true);
                    }
                    reentry_errors.set(
                        on_secrets
                            .into_iter()
                            .map(|(at, messages)| {
                                (at.trim_start_matches("auth.").to_owned(), messages)
                            })
                            .collect(),
                    );
                    let others = form.show_server_errors(&rest, "config");
                    fields.errors.set(others.clone());
                    if error.fields().is_empty() {
                        failure.set(Some(error.to_string()));
                    }
                    focus_summary("configuration-summary");
                }
            }
        });
    };
    let secret_labels = StoredValue::new(
        secrets
            .iter()
            .map(|(field, _)| (field.name.clone(), field.label.clone()))
            .collect::<Vec<_>>(),
    );
    let items = Signal::derive(move || {
        let mut items = fields.summary("configuration");
        items.extend(form.summary());
        reentry_errors.with(|errors| {
            secret_labels.with_value(|labels| {
                for (name, label) in labels {
                    for message in errors.get(name).into_iter().flatten() {
                        items.push((format!("reentry-{name}"), format!("{label}: {message}")));
                    }
                }
            });
        });
        items.extend(
            failure
                .get()
                .map(|message| ("configuration-name".to_owned(), message)),
        );
        items
    });
    let can_write = connector.can_write;
    view! {
        <ScriptedForm class="detail-form" on_submit=submit keep_visible=true>
            <ErrorSummary id="configuration-summary" items />
            {(!can_write).then(|| view! { <p class="callout">"You can view this configuration but not change it."</p> })}
            <fieldset class="plain" disabled=!can_write>
                <IdentityFields fields form="configuration" />
                <SchemaForm form />
            </fieldset>
            {can_write.then(|| view! {
            <fieldset class="field-group" hidden=move || !reentry.get()>
                <legend>"Credentials to save with this change"</legend>
                <p class="field-help">"Saved credentials are sent only to the address they were entered for, and must agree with the settings. Enter them again to save them with this change."</p>
                {secrets
                    .into_iter()
                    .map(|(field, typed)| {
                        let input_id = format!("reentry-{}", field.name);
                        let error_id = format!("{input_id}-error");
                        let name = StoredValue::new(field.name.clone());
                        let said = move || {
                            reentry_errors.with(|errors| {
                                name.with_value(|name| errors.get(name).map(|messages| messages.join(" ")))
                            })
                        };
                        view! {
                            <div class="field">
                                <label for=input_id.clone()>{field.label}</label>
                                <FieldError id=error_id.clone() messages=said />
                                <input
                                    id=input_id
                                    aria-invalid=move || said().map(|_| "true")
                                    aria-describedby=error_id
                                    type="password"
                                    autocomplete="off"
                                data-1p-ignore="true"
                                data-lpignore="true"
                                data-bwignore="true"
                                    prop:value=move || typed.get()
                                    on:input=move |event| typed.set(event_target_value(&event))
                                />
                            </div>
                        }
                    })
                    .collect_view()}
            </fieldset>
            })}
            {can_write.then(|| view! {
                <div class="wizard-actions" data-needs-js>
                    <button type="submit" class="button" disabled=move || busy.get()>"Save configuration"</button>
                </div>
            })}
        </ScriptedForm>
    }
}
