//! `/connectors/:id`: one instance, in tabs kept in the URL (`?tab=credentials`):
//! Configuration, Credentials, Tests, Permissions and Activity.

use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use serde_json::Value;
use uuid::Uuid;

use crate::api::connectors::{InstanceView, connector_audit, connector_page, update_connector};
use crate::components::activity::{FieldNames, described, is_credential_read};
use crate::components::confirm::{ConfirmDialog, Question};
use crate::components::connection_test::{TestConnection, TestHistory, TestRuns};
use crate::components::connector_actions::{Request, status_toggle};
use crate::components::connector_fields::{AccessFields, IdentityFields, InstanceFields};
use crate::components::connector_icon::ConnectorIcon;
use crate::components::credentials::{CredentialField, credential_fields, described_credential};
use crate::components::field::FieldError;
use crate::components::focus::{FocusReturn, focus_by_id};
use crate::components::oauth::{OAuthOutcome, RedirectUri, go_to_provider};
use crate::components::scripted::{JS_ONLY_ACTION, NeedsJavaScript, ScriptedForm};
use crate::components::status_badge::StatusBadge;
use crate::components::suspense::Loaded;
use crate::components::time::shown_time;
use crate::components::toasts::Toasts;
use crate::error::{AppError, FieldErrors};
use crate::model::connector::{
    AuditEntry, CREDENTIALS_STAY_AT_THEIR_ADDRESS, Connector, ConnectorStatus, ConnectorUpdate,
    FieldEdit, OAuthReturnTo,
};
use crate::model::{AuthType, ConnectorType};
use crate::routes::{Step, wizard_href};
use crate::schema_form::{ErrorSummary, FormState, SchemaForm, focus_summary};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tab {
    Configuration,
    Credentials,
    Tests,
    Permissions,
    Activity,
}

impl Tab {
    const ALL: [Tab; 5] = [
        Tab::Configuration,
        Tab::Credentials,
        Tab::Tests,
        Tab::Permissions,
        Tab::Activity,
    ];

    fn slug(self) -> &'static str {
        match self {
            Tab::Configuration => "configuration",
            Tab::Credentials => "credentials",
            Tab::Tests => "tests",
            Tab::Permissions => "permissions",
            Tab::Activity => "activity",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Tab::Configuration => "Configuration",
            Tab::Credentials => "Credentials",
            Tab::Tests => "Tests",
            Tab::Permissions => "Permissions",
            Tab::Activity => "Activity",
        }
    }
}

/// What a tab needs: the instance and its type, a way to reload both, the toasts, and the
/// connection tests run on this page (kept across reloads).
#[derive(Clone)]
struct Context {
    connector: Connector,
    entry: ConnectorType,
    reload: RwSignal<u64>,
    toasts: Toasts,
    runs: TestRuns,
}

impl Context {
    fn saved(&self, message: &str) {
        self.toasts.success(message.to_owned());
        self.reload.update(|version| *version += 1);
    }
}

#[component]
pub fn ConnectorDetailPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|id| Uuid::parse_str(&id).ok())
    });
    let tab = Memo::new(move |_| {
        let slug = query.read().get("tab").unwrap_or_default();
        Tab::ALL
            .into_iter()
            .find(|tab| tab.slug() == slug)
            .unwrap_or(Tab::Configuration)
    });
    let reload = RwSignal::new(0_u64);
    let toasts = Toasts::current();
    let runs = TestRuns::new();
    let page = Resource::new(
        move || (id.get(), reload.get()),
        |(id, _)| async move {
            match id {
                Some(id) => connector_page(id).await,
                None => Err(AppError::NotFound("No connector with this id.".into())),
            }
        },
    );
    view! {
        <Loaded resource=page loading="Loading the connector…" page=true let:loaded>
            {
                let InstanceView { connector, entry } = loaded;
                let context = Context { connector, entry, reload, toasts, runs };
                view! { <Detail context tab /> }
            }
        </Loaded>
    }
}

#[component]
fn Detail(context: Context, tab: Memo<Tab>) -> impl IntoView {
    let connector = context.connector.clone();
    let id = connector.id;
    let resume = (connector.status == ConnectorStatus::Pending && connector.can_write).then(|| {
        let href = wizard_href(Step::Configure, Some(id), Some(&connector.catalog_key));
        view! { <a class="button" href=href>"Continue setup"</a> }
    });
    let reload = context.reload;
    let tester = connector.can_use.then(|| {
        let after = Callback::new(move |()| reload.update(|version| *version += 1));
        view! { <TestConnection id runs=context.runs on_done=after open_trace=true /> }
    });
    let tabs = Tab::ALL
        .into_iter()
        .map(|each| {
            let href = format!("/connectors/{id}?tab={}", each.slug());
            view! {
                <li>
                    <a href=href aria-current=move || (tab.get() == each).then_some("page")>{each.title()}</a>
                </li>
            }
        })
        .collect_view();
    let actions = context.clone();
    let body = move || {
        let context = context.clone();
        match tab.get() {
            Tab::Configuration => view! { <ConfigurationTab context /> }.into_any(),
            Tab::Credentials => view! { <CredentialsTab context /> }.into_any(),
            Tab::Tests => view! { <TestsTab context /> }.into_any(),
            Tab::Permissions => view! { <PermissionsTab context /> }.into_any(),
            Tab::Activity => view! { <ActivityTab id entry=context.entry.clone() /> }.into_any(),
        }
    };
    view! {
        <Title text=connector.name.clone() />
        <div class="page-heading detail-heading">
            <ConnectorIcon svg=connector.icon.clone() />
            <div>
                <h1>{connector.name.clone()}</h1>
                <p class="card-meta">{connector.catalog_name.clone()}</p>
            </div>
            <StatusBadge status=connector.status needs_reentry=connector.needs_reentry() />
            {resume}
            <StatusActions context=actions />
        </div>
        {(connector.can_write || connector.can_use).then(|| view! {
            <NeedsJavaScript what="Changing or testing this connector" />
        })}
        {tester}
        <nav class="tabs" aria-label="Connector sections">
            <ul>{tabs}</ul>
        </nav>
        <section class="tab-panel" aria-label=move || tab.get().title()>
            {body}
        </section>
    }
}

/// Activate or deactivate, and delete: the installed list's actions, here too, since
/// this is the page the wizard ends on.
#[component]
fn StatusActions(context: Context) -> impl IntoView {
    let Context {
        connector,
        reload,
        toasts,
        ..
    } = context;
    if !connector.can_write {
        return None;
    }
    let (id, name) = (connector.id, connector.name.clone());
    let waiting = RwSignal::new(None::<(Question, Request)>);
    let busy = RwSignal::new(false);
    let navigate = use_navigate();
    let send = Callback::new(move |request: Request| {
        busy.set(true);
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            let (request, result) = request.send().await;
            busy.set(false);
            match result {
                Ok(()) => {
                    toasts.success(request.done_message());
                    if matches!(request, Request::Delete { .. }) {
                        navigate("/", Default::default());
                    } else {
                        reload.update(|version| *version += 1);
                    }
                }
                Err(AppError::ConfirmationRequired(detail)) => {
                    waiting.set(request.confirmation(detail));
                }
                Err(error) => toasts.failure(error.to_string()),
            }
        });
    });
    let ask = move |request: Request| match request.question_first() {
        Some(question) => waiting.set(Some((question, request))),
        None => send.run(request),
    };
    let answer = Callback::new(move |proceed: bool| {
        if let Some((_, request)) = waiting.get_untracked() {
            waiting.set(None);
            if proceed {
                send.run(request);
            }
        }
    });
    let question = Signal::derive(move || waiting.get().map(|(question, _)| question));
    let toggle = status_toggle(connector.status).map(|(to, label)| {
        let name = name.clone();
        view! {
            <button
                type="button"
                class="button secondary"
                disabled=move || busy.get()
                on:click=move |_| ask(Request::SetStatus { id, name: name.clone(), to, confirm: false })
            >
                {label}
            </button>
        }
    });
    Some(view! {
        <div class="card-actions" data-needs-js>
            {toggle}
            <button
                type="button"
                class="button danger"
                disabled=move || busy.get()
                on:click=move |_| ask(Request::Delete { id, name: name.clone() })
            >
                "Delete"
            </button>
        </div>
        <ConfirmDialog question on_answer=answer />
    })
}

/// Whether the instance has a value saved for the credential field `name`.
fn is_saved(connector: &Connector, name: &str) -> bool {
    connector
        .credentials
        .as_ref()
        .and_then(|credentials| credentials.fields.get(name))
        .is_some_and(|field| field.set)
}

#[component]
fn ConfigurationTab(context: Context) -> impl IntoView {
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
        let entered: std::collections::BTreeMap<String, FieldEdit> = typed_secrets
            .get_value()
            .into_iter()
            .map(|(name, typed)| (name, typed.get_untracked()))
            .filter(|(_, value)| reentry.get_untracked() && !value.is_empty())
            .map(|(name, value)| {
                (
                    name,
                    FieldEdit::Replace {
                        value: Value::String(value),
                    },
                )
            })
            .collect();
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

#[component]
fn CredentialsTab(context: Context) -> impl IntoView {
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
    let may_reauthenticate = entry.auth_type == AuthType::Oauth2 && connector.can_write;
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

#[component]
fn TestsTab(context: Context) -> impl IntoView {
    let connector = context.connector;
    // Untested: the empty history says so.
    let last = match (&connector.last_tested_at, connector.last_test_ok) {
        (Some(at), Some(true)) => Some(format!("The last test passed ({}).", shown_time(at))),
        (Some(at), _) => Some(format!("The last test failed ({}).", shown_time(at))),
        _ => None,
    };
    let error = connector
        .last_error
        .map(|error| view! { <p class="field-error">{error}</p> });
    view! {
        {last.map(|last| view! { <p>{last}</p> })}
        {error}
        <TestHistory id=connector.id reload=context.reload />
    }
}

#[component]
fn PermissionsTab(context: Context) -> impl IntoView {
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

#[component]
fn ActivityTab(id: Uuid, entry: ConnectorType) -> impl IntoView {
    let entries = Resource::new(|| (), move |_| connector_audit(id));
    let names = StoredValue::new(FieldNames::of(&entry));
    view! {
        <Loaded resource=entries loading="Loading the activity…" let:entries>
            {
                match entries {
                    entries if entries.is_empty() => Either::Left(view! { <p>"No activity yet."</p> }),
                    entries => {
                        let (reads, changes): (Vec<_>, Vec<_>) =
                            entries.into_iter().partition(is_credential_read);
                        Either::Right(view! {
                            <ActivityTable entries=changes names caption="Activity, newest first" />
                            {(!reads.is_empty()).then(|| view! {
                                <details class="credential-reads">
                                    <summary>{format!("Credential reads ({})", reads.len())}</summary>
                                    <p class="field-help">"Each test, health check and use reads the stored credentials; every read is recorded."</p>
                                    <ActivityTable entries=reads names caption="Credential reads, newest first" />
                                </details>
                            })}
                        })
                    }
                }
            }
        </Loaded>
    }
}

/// Audit entries as a table: when (one time format), who, and what happened in words.
#[component]
fn ActivityTable(
    entries: Vec<AuditEntry>,
    names: StoredValue<FieldNames>,
    caption: &'static str,
) -> impl IntoView {
    view! {
        <table class="activity stacks">
            <caption class="visually-hidden">{caption}</caption>
            <thead><tr><th scope="col">"When"</th><th scope="col">"Who"</th><th scope="col">"What"</th></tr></thead>
            <tbody>
                {entries.into_iter().map(|entry| view! {
                    <tr>
                        <td data-label="When">{shown_time(&entry.at)}</td>
                        <td data-label="Who">{entry.actor.clone().unwrap_or_else(|| "The system".to_owned())}</td>
                        <td data-label="What">{names.with_value(|names| described(&entry, names))}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}
