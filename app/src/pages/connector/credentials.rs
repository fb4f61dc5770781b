//! The Credentials tab: each credential field, how it stands, and its Replace and Clear
//! actions; for OAuth types, the sign-in again.

use leptos::prelude::*;
use serde_json::Value;

use crate::api::connectors::update_connector;
use crate::components::confirm::{ConfirmDialog, Question};
use crate::components::credentials::{CredentialField, credential_fields, described_credential};
use crate::components::field::FieldError;
use crate::components::focus::{FocusReturn, focus_by_id};
use crate::components::oauth::{OAuthOutcome, RedirectUri, go_to_provider};
use crate::components::scripted::JS_ONLY_ACTION;
use crate::components::time::shown_time;
use crate::model::connector::{ConnectorUpdate, FieldEdit, OAuthReturnTo};
use crate::model::{AuthType, chosen_method};

use super::{Context, is_saved};

#[component]
pub(super) fn CredentialsTab(context: Context) -> impl IntoView {
    let connector = context.connector.clone();
    let entry = context.entry.clone();
    if entry.auth_type == AuthType::None {
        return view! { <p>"This connector type needs no credentials."</p> }.into_any();
    }
    let id = connector.id;
    // The field to clear, its title, and where a refusal is shown.
    let pending_clear = RwSignal::new(None::<(String, String, RwSignal<Option<String>>)>);
    let stored_context = StoredValue::new(context.clone());
    let send = move |field: String,
                     edit: FieldEdit,
                     done: &'static str,
                     problem: RwSignal<Option<String>>| {
        let update = ConnectorUpdate {
            auth: Some(std::collections::BTreeMap::from([(field.clone(), edit)])),
            ..ConnectorUpdate::default()
        };
        leptos::task::spawn_local(async move {
            match update_connector(id, update).await {
                Ok(_) => stored_context.with_value(|context| context.saved(done)),
                Err(error) => {
                    let messages = error
                        .fields()
                        .get(&format!("auth.{field}"))
                        .map(|m| m.join(" "));
                    problem.set(Some(messages.unwrap_or_else(|| error.to_string())));
                }
            }
        });
    };
    let answer = Callback::new(move |proceed: bool| {
        if let Some((field, _, problem)) = pending_clear.get_untracked() {
            pending_clear.set(None);
            if proceed {
                send(
                    field.clone(),
                    FieldEdit::Clear,
                    "Credential cleared.",
                    problem,
                );
            } else {
                focus_by_id(&format!("clear-{field}"));
            }
        }
    });
    let question = Signal::derive(move || {
        pending_clear.get().map(|(_, label, _)| Question {
            title: format!("Clear {label}?"),
            detail: "The saved value is deleted. The connector cannot authenticate until it is entered again.".into(),
            proceed_label: "Clear".into(),
        })
    });
    let saved = connector.credentials.clone().unwrap_or_default();
    let can_write = connector.can_write;
    let listed = credential_fields(&entry, &connector, None);
    let any_clearable = listed
        .iter()
        .any(|field| !field.required && is_saved(&connector, &field.name));
    let rows = listed
        .into_iter()
        .map(|field| {
            let CredentialField { name, label, secret, required } = field;
            let state = saved.fields.get(&name).cloned();
            let described = match &state {
                Some(field) if field.set => {
                    let by = field.set_by.clone().map(|by| format!(" by {by}")).unwrap_or_default();
                    format!("{} (set {}{by})", described_credential(Some(field)), shown_time(&field.set_at))
                }
                _ => described_credential(None),
            };
            // A required field is replaced, never cleared: the server would refuse.
            let clearable = state.as_ref().is_some_and(|field| field.set) && !required;
            let editing = RwSignal::new(false);
            let typed = RwSignal::new(String::new());
            let problem = RwSignal::new(None::<String>);
            let input_id = format!("credential-{name}");
            let error_id = format!("{input_id}-error");
            let replace_id = format!("replace-{name}");
            let (save_field, clear_field, clear_label) = (name.clone(), name.clone(), label.clone());
            // Kept open with what was typed until the server accepts it.
            let save = move |event: leptos::ev::SubmitEvent| {
                event.prevent_default();
                let value = typed.get_untracked();
                if value.is_empty() {
                    problem.set(Some("Enter the new value, or cancel.".into()));
                    return;
                }
                problem.set(None);
                send(save_field.clone(), FieldEdit::Replace { value: Value::String(value) }, "Credential replaced.", problem);
            };
            let cancel_id = replace_id.clone();
            // Closing the editor brings its Replace button back, with focus on it.
            let refocus = FocusReturn::new();
            let cancel = Callback::new(move |()| {
                typed.set(String::new());
                problem.set(None);
                refocus.to(cancel_id.clone());
                editing.set(false);
            });
            let editor = NodeRef::<leptos::html::Input>::new();
            editor.on_load(|input| {
                let _ = input.focus();
            });
            let input_type = if secret { "password" } else { "text" };
            let editor_label = label.clone();
            let (editor_for, editor_input, editor_error) = (input_id.clone(), input_id.clone(), error_id.clone());
            let clear_id = format!("clear-{name}");
            view! {
                <li class="credential" data-field=name.clone()>
                    <div class="credential-head">
                        <strong>{label.clone()}</strong>
                        <span class="card-meta">{described}</span>
                    </div>
                    <Show when=move || can_write && !editing.get()>
                        <div class="card-actions" data-needs-js>
                            <button type="button" id=replace_id.clone() node_ref=refocus.claim(replace_id.clone()) class="button secondary small" on:click=move |_| editing.set(true)>
                                "Replace"<span class="visually-hidden">{format!(" {}", editor_label.clone())}</span>
                            </button>
                            {clearable.then(|| {
                                let (field, label) = (clear_field.clone(), clear_label.clone());
                                view! {
                                    <button type="button" id=clear_id.clone() class="button danger small" on:click=move |_| pending_clear.set(Some((field.clone(), label.clone(), problem)))>
                                        "Clear"<span class="visually-hidden">{format!(" {}", clear_label.clone())}</span>
                                    </button>
                                }
                            })}
                        </div>
                    </Show>
                    <Show when=move || editing.get()>
                        // A plain form, not `ScriptedForm`: `Show` renders its children again and again.
                        <form
                            class="credential-editor"
                            method="post"
                            action=JS_ONLY_ACTION
                            data-needs-js
                            novalidate
                            on:submit=save.clone()
                            on:keydown=move |event| if event.key() == "Escape" { cancel.run(()) }
                        >
                            <label for=editor_for.clone()>{format!("New {}", label.to_lowercase())}</label>
                            <input
                                id=editor_input.clone()
                                type=input_type
                                node_ref=editor
                                autocomplete="off"
                                data-1p-ignore="true"
                                data-lpignore="true"
                                data-bwignore="true"
                                aria-describedby=editor_error.clone()
                                prop:value=move || typed.get()
                                on:input=move |event| typed.set(event_target_value(&event))
                            />
                            <button type="submit" class="button small">"Save"</button>
                            <button type="button" class="button secondary small" on:click=move |_| cancel.run(())>"Cancel"</button>
                        </form>
                    </Show>
                    <FieldError id=error_id.clone() alert=true messages=move || problem.get() />
                </li>
            }
        })
        .collect_view();
    let problem = RwSignal::new(None::<String>);
    let leaving = RwSignal::new(false);
    let reauthenticate = move || {
        leaving.set(true);
        problem.set(None);
        leptos::task::spawn_local(async move {
            if let Err(error) = go_to_provider(id, OAuthReturnTo::Detail).await {
                leaving.set(false);
                problem.set(Some(error.to_string()));
            }
        });
    };
    // Only an instance that signs in with OAuth (not, say, a Slack bot token) can sign in
    // again; the server refuses the others.
    let saved_choices = serde_json::Value::Object(connector.saved_plain_fields());
    let signs_in_with_oauth = entry.signs_in_with_oauth(chosen_method(&saved_choices));
    let may_reauthenticate = signs_in_with_oauth && connector.can_write;
    let retry = may_reauthenticate.then(|| Callback::new(move |()| reauthenticate()));
    let oauth = may_reauthenticate.then(|| {
        view! {
            <div class="callout" data-oauth="reauthenticate" data-needs-js>
                <p>{format!("Sign in with {} again to get new tokens; the configuration stays as it is.", entry.name)}</p>
                <RedirectUri type_key=entry.key.clone() />
                <button type="button" class="button secondary" disabled=move || leaving.get() on:click=move |_| reauthenticate()>
                    "Re-authenticate"
                </button>
                <p class="field-error" role="alert">{move || problem.get()}</p>
            </div>
        }
    });
    view! {
        <OAuthOutcome provider=entry.name.clone() retry=retry />
        {saved.needs_reentry.then(|| view! { <p class="alert alert-error" role="alert">"The saved credentials cannot be decrypted. Enter them again."</p> })}
        <p class="field-help">
            {match (can_write, any_clearable) {
                (true, true) => "Saved secrets are never shown again; replace or clear them here.",
                (true, false) => "Saved secrets are never shown again; replace them here.",
                (false, _) => "Saved secrets are never shown again.",
            }}
        </p>
        <ul class="credentials">{rows}</ul>
        {oauth}
        <ConfirmDialog question on_answer=answer />
    }
    .into_any()
}
