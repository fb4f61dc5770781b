//! Step 4: credentials, as a schema form, or the OAuth sign-in.

use leptos::prelude::*;
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::api::connectors::update_connector;
use crate::components::credentials::{credential_fields, described_credential};
use crate::components::oauth::{OAuthOutcome, RedirectUri, go_to_provider};
use crate::components::scripted::{NeedsJavaScript, ScriptedForm};
use crate::error::AppError;
use crate::model::connector::{Connector, ConnectorUpdate, CredentialsView, OAuthReturnTo};
use crate::model::{AuthType, ConnectorType};
use crate::routes::{Step, wizard_href};
use crate::schema::shape::initial_value;
use crate::schema_form::{ErrorSummary, FormState, SchemaForm};

use super::{Wizard, back_href, report};

/// Whether signing in goes through the provider's OAuth redirect with the current choice
/// of method (`oauth2`, or no method field at all).
fn uses_oauth(entry: &ConnectorType, value: &Value) -> bool {
    entry.signs_in_with_oauth(crate::model::chosen_method(value))
}

#[component]
pub(super) fn AuthenticateStep(
    wizard: Wizard,
    entry: ConnectorType,
    draft: Connector,
) -> impl IntoView {
    let (id, key) = (draft.id, StoredValue::new(entry.key.clone()));
    let back = back_href(wizard, Step::Authenticate, &entry.key);
    if entry.auth_type == AuthType::None {
        return view! {
            <p>"This connector type needs no credentials."</p>
            <div class="wizard-actions">
                <a class="button secondary" href=back>"Back"</a>
                <a class="button" href=wizard_href(Step::Test, Some(id), Some(&entry.key))>"Continue"</a>
            </div>
        }
        .into_any();
    }
    let schema_root = entry.auth_schema.clone();
    let mut initial =
        initial_value(&schema_root, &schema_root).unwrap_or_else(|| Value::Object(Map::new()));
    if let Some(map) = initial.as_object_mut() {
        map.extend(draft.saved_plain_fields());
    }
    let form = FormState::new("auth", schema_root, initial);
    let saved_fields = draft.credentials.clone().unwrap_or_default().fields;
    let has_saved = saved_fields.values().any(|field| field.set);
    let (saved_entry, saved_draft) = (entry.clone(), draft.clone());
    // What is saved, for the sign-in method chosen in the form now, by field title.
    let saved = move || {
        form.value.with(|value| {
            credential_fields(&saved_entry, &saved_draft, Some(value))
                .into_iter()
                .filter_map(|shown| {
                    let field = saved_fields.get(&shown.name).filter(|field| field.set)?;
                    Some(view! { <li><strong>{shown.label}</strong>": "{described_credential(Some(field))}</li> })
                })
                .collect_view()
        })
    };
    // What is saved, for what a blank field means on save (`CredentialsView::edits_from_form`).
    let saved_credentials = StoredValue::new(draft.credentials.clone());
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    // Saves the form, then either continues to the test step or leaves for the provider.
    let save_then = move |connect: bool| {
        failure.set(None);
        if !form.submit() {
            crate::schema_form::focus_summary("auth-summary");
            return;
        }
        busy.set(true);
        let value = form.value_to_save();
        leptos::task::spawn_local(async move {
            let mut result = save_auth(id, &value, saved_credentials.get_value().as_ref())
                .await
                .map(drop);
            if connect && result.is_ok() {
                result = go_to_provider(id, OAuthReturnTo::Wizard).await;
            }
            busy.set(false);
            match result {
                Ok(()) if connect => {}
                // The typed secrets leave the page with the step, whose owner drops the
                // form. (Emptying the form first re-rendered the step as it was being
                // left, and a request it started ran on into a disposed signal.)
                Ok(()) => wizard.go(Step::Test, Some(id), Some(&key.get_value())),
                Err(error) => {
                    report(&error, Some(form), "auth", None, failure);
                    crate::schema_form::focus_summary("auth-summary");
                }
            }
        });
    };
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        save_then(false);
    };
    let items = Signal::derive(move || {
        let mut items = form.summary();
        items.extend(failure.get().map(|message| (form.field_id(""), message)));
        items
    });
    // Signing in at the provider, in the order a person needs it: what to set up there
    // first, then the client fields (the form), then Connect.
    let provider = entry.name.clone();
    let oauth_entry = StoredValue::new(entry.clone());
    let signs_in = move || {
        form.value
            .with(|value| oauth_entry.with_value(|entry| uses_oauth(entry, value)))
    };
    let scopes = entry
        .oauth
        .as_ref()
        .map(|oauth| oauth.scopes_for(&draft.config))
        .unwrap_or_default();
    let docs_url = entry.docs_url.clone();
    let (needs_provider, key) = (provider.clone(), entry.key.clone());
    let oauth_needs = move || {
        signs_in().then(|| {
            let scopes = scopes.clone();
            view! {
                <section class="callout" data-oauth="needs" aria-labelledby="oauth-needs-heading">
                    <h3 id="oauth-needs-heading">{format!("Before you connect {needs_provider}")}</h3>
                    <RedirectUri type_key=key.clone() />
                    {(!scopes.is_empty()).then(|| view! {
                        <p>"Permissions that will be asked for: " {scopes.iter().map(|scope| view! { <code class="scope">{scope.clone()}</code>" " }).collect_view()}</p>
                    })}
                    {(!docs_url.is_empty()).then(|| view! {
                        <p><a href=docs_url.clone() target="_blank" rel="noopener noreferrer">{format!("{needs_provider}'s documentation for apps (opens in a new tab)")}</a></p>
                    })}
                </section>
            }
        })
    };
    let oauth_connect = move || {
        let provider = provider.clone();
        signs_in().then(|| {
            view! {
                <div class="callout" data-oauth="connect">
                    <p>{format!("Then sign in at {provider}; it sends you back here to test the connection.")}</p>
                    <button type="button" class="button" disabled=move || busy.get() on:click=move |_| save_then(true)>
                        {format!("Connect with {provider}")}
                    </button>
                </div>
            }
        })
    };
    // After a failed round trip the provider's outcome is the one message shown.
    let query = leptos_router::hooks::use_query_map();
    let oauth_failed = move || query.read().get("oauth_error").is_some();
    view! {
        <NeedsJavaScript what="Saving this step" />
        <ScriptedForm class="wizard-form" on_submit=submit>
            <OAuthOutcome provider=entry.name.clone() retry=Some(Callback::new(move |()| save_then(true))) />
            <ErrorSummary id="auth-summary" items />
            {has_saved.then(|| view! {
                <div class="callout" hidden=oauth_failed>
                    <p>"Credentials are saved for this connector. Enter them again below to replace them (a secret left blank keeps its saved value), or keep them all."</p>
                    <ul class="saved-credentials">{saved}</ul>
                    <a class="button secondary" href=wizard_href(Step::Test, Some(id), Some(&entry.key))>"Keep saved credentials and continue"</a>
                </div>
            })}
            {oauth_needs}
            <SchemaForm form />
            {oauth_connect}
            <div class="wizard-actions">
                <a class="button secondary" href=back>"Back"</a>
                // Signing in at the provider, "Connect" is the way on: saving alone would leave
                // the connector without its tokens.
                <button type="submit" class="button" hidden=signs_in disabled=move || busy.get()>"Save and continue"</button>
            </div>
        </ScriptedForm>
    }
    .into_any()
}

/// Saves the authentication form over what is `saved`, by the one rule for blank fields
/// ([`CredentialsView::edits_from_form`]).
async fn save_auth(
    id: Uuid,
    value: &Value,
    saved: Option<&CredentialsView>,
) -> Result<Connector, AppError> {
    let update = ConnectorUpdate {
        auth: Some(CredentialsView::edits_from_form(saved, value)),
        ..ConnectorUpdate::default()
    };
    update_connector(id, update).await
}
