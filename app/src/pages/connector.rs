//! `/connectors/:id`: one instance, in tabs kept in the URL (`?tab=credentials`):
//! Configuration, Credentials, Tests, Permissions and Activity.

use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde_json::Value;
use uuid::Uuid;

use crate::api::connectors::{InstanceView, connector_audit, connector_page, update_connector};
use crate::components::confirm::{ConfirmDialog, Question};
use crate::components::connection_test::{TestConnection, TestHistory, TestRuns, shown_time};
use crate::components::connector_fields::{AccessFields, IdentityFields, InstanceFields};
use crate::components::connector_icon::ConnectorIcon;
use crate::components::oauth::{OAuthOutcome, RedirectUri, go_to_provider};
use crate::components::status_badge::StatusBadge;
use crate::components::suspense::{LoadError, PageLoadError};
use crate::components::toasts::{ToastRegion, Toasts};
use crate::error::AppError;
use crate::model::connector::{
    Connector, ConnectorStatus, ConnectorUpdate, FieldEdit, OAuthReturnTo,
};
use crate::model::{AuthType, ConnectorType};
use crate::pages::wizard::{Step, saved_plain_fields, wizard_href};
use crate::schema_form::{ErrorSummary, FormState, SchemaForm, focus_summary, schema};

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
    let toasts = Toasts::new();
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
        <Transition fallback=|| view! { <p role="status">"Loading the connector…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(InstanceView { connector, entry }) => {
                        let context = Context { connector, entry, reload, toasts, runs };
                        Either::Left(view! { <Detail context tab /> })
                    }
                    Err(error) => Either::Right(view! { <PageLoadError error /> }),
                }
            })}
        </Transition>
        <ToastRegion toasts />
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
    let body = move || {
        let context = context.clone();
        match tab.get() {
            Tab::Configuration => view! { <ConfigurationTab context /> }.into_any(),
            Tab::Credentials => view! { <CredentialsTab context /> }.into_any(),
            Tab::Tests => view! { <TestsTab context /> }.into_any(),
            Tab::Permissions => view! { <PermissionsTab context /> }.into_any(),
            Tab::Activity => view! { <ActivityTab id /> }.into_any(),
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
        </div>
        {tester}
        <nav class="tabs" aria-label="Connector sections">
            <ul>{tabs}</ul>
        </nav>
        <section class="tab-panel" aria-label=move || tab.get().title()>
            {body}
        </section>
    }
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
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        failure.set(None);
        let fields_ok = fields.check();
        if !form.submit() || !fields_ok {
            focus_summary("configuration-summary");
            return;
        }
        busy.set(true);
        let update = ConnectorUpdate {
            name: Some(fields.name.get_untracked()),
            description: Some(fields.description.get_untracked()),
            tags: Some(fields.tag_list()),
            config: Some(form.value.get_untracked()),
            ..ConnectorUpdate::default()
        };
        leptos::task::spawn_local(async move {
            let saved = update_connector(id, update).await;
            busy.set(false);
            match saved {
                Ok(_) => stored_context.with_value(|context| context.saved("Configuration saved.")),
                Err(error) => {
                    let others = form.show_server_errors(&error.fields(), "config");
                    fields.errors.set(others.clone());
                    if error.fields().is_empty() {
                        failure.set(Some(error.to_string()));
                    }
                    focus_summary("configuration-summary");
                }
            }
        });
    };
    let items = Signal::derive(move || {
        let mut items = fields.summary("configuration");
        items.extend(form.summary());
        items.extend(
            failure
                .get()
                .map(|message| ("configuration-name".to_owned(), message)),
        );
        items
    });
    let can_write = connector.can_write;
    view! {
        <form class="detail-form" novalidate on:submit=submit>
            <ErrorSummary id="configuration-summary" items />
            {(!can_write).then(|| view! { <p class="callout">"You can view this configuration but not change it."</p> })}
            <fieldset class="plain" disabled=!can_write>
                <IdentityFields fields form="configuration" />
                <SchemaForm form />
            </fieldset>
            {can_write.then(|| view! {
                <div class="wizard-actions">
                    <button type="submit" class="button" disabled=move || busy.get()>"Save configuration"</button>
                </div>
            })}
        </form>
    }
}

/// The credential fields to list: those of the auth schema for the saved choices (e.g.
/// the fields of the chosen sign-in method), then any other saved field.
fn credential_fields(entry: &ConnectorType, connector: &Connector) -> Vec<(String, String, bool)> {
    let plain = Value::Object(saved_plain_fields(connector));
    let shape = schema::object_shape(&entry.auth_schema, &entry.auth_schema, &plain);
    let mut fields: Vec<(String, String, bool)> = shape
        .fields
        .iter()
        .map(|field| {
            (
                field.name.clone(),
                schema::label(&field.schema, &field.name),
                schema::is_secret(&field.schema),
            )
        })
        .collect();
    for (name, saved) in connector
        .credentials
        .iter()
        .flat_map(|credentials| &credentials.fields)
    {
        if !fields.iter().any(|(known, _, _)| known == name) {
            fields.push((
                name.clone(),
                schema::label(&Value::Null, name),
                saved.secret,
            ));
        }
    }
    fields
}

#[component]
fn CredentialsTab(context: Context) -> impl IntoView {
    let connector = context.connector.clone();
    let entry = context.entry.clone();
    if entry.auth_type == AuthType::None {
        return view! { <p>"This connector type needs no credentials."</p> }.into_any();
    }
    let id = connector.id;
    let pending_clear = RwSignal::new(None::<(String, String)>);
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
        if let Some((field, _)) = pending_clear.get_untracked() {
            pending_clear.set(None);
            if proceed {
                send(
                    field,
                    FieldEdit::Clear,
                    "Credential cleared.",
                    RwSignal::new(None),
                );
            }
        }
    });
    let question = Signal::derive(move || {
        pending_clear.get().map(|(_, label)| Question {
            title: format!("Clear {label}?"),
            detail: "The saved value is deleted. The connector cannot authenticate until it is entered again.".into(),
            proceed_label: "Clear".into(),
        })
    });
    let saved = connector.credentials.clone().unwrap_or_default();
    let rows = credential_fields(&entry, &connector)
        .into_iter()
        .map(|(name, label, secret)| {
            let state = saved.fields.get(&name).cloned();
            let described = match &state {
                Some(field) if field.set => {
                    let what = match (&field.value, &field.hint) {
                        (Some(value), _) if !field.secret => value.clone(),
                        (_, Some(hint)) => format!("Saved, ending {}", hint.trim_start_matches('…')),
                        _ => "Saved".to_owned(),
                    };
                    let by = field.set_by.clone().map(|by| format!(" by {by}")).unwrap_or_default();
                    format!("{what} (set {}{by})", field.set_at)
                }
                _ => "Not set".to_owned(),
            };
            let is_set = state.as_ref().is_some_and(|field| field.set);
            let editing = RwSignal::new(false);
            let typed = RwSignal::new(String::new());
            let problem = RwSignal::new(None::<String>);
            let input_id = format!("credential-{name}");
            let error_id = format!("{input_id}-error");
            let (save_field, clear_field, clear_label) = (name.clone(), name.clone(), label.clone());
            let save = move |event: leptos::ev::SubmitEvent| {
                event.prevent_default();
                let value = typed.get_untracked();
                if value.is_empty() {
                    problem.set(Some("Enter the new value, or cancel.".into()));
                    return;
                }
                typed.set(String::new());
                editing.set(false);
                send(save_field.clone(), FieldEdit::Replace { value: Value::String(value) }, "Credential replaced.", problem);
            };
            let input_type = if secret { "password" } else { "text" };
            let editor_label = label.clone();
            let (editor_for, editor_input, editor_error) = (input_id.clone(), input_id.clone(), error_id.clone());
            view! {
                <li class="credential" data-field=name.clone()>
                    <div class="credential-head">
                        <strong>{label.clone()}</strong>
                        <span class="card-meta">{described}</span>
                    </div>
                    <Show when=move || connector.can_write && !editing.get()>
                        <div class="card-actions">
                            <button type="button" class="button secondary small" on:click=move |_| editing.set(true)>
                                "Replace"<span class="visually-hidden">{format!(" {}", editor_label.clone())}</span>
                            </button>
                            {is_set.then(|| {
                                let (field, label) = (clear_field.clone(), clear_label.clone());
                                view! {
                                    <button type="button" class="button danger small" on:click=move |_| pending_clear.set(Some((field.clone(), label.clone())))>
                                        "Clear"<span class="visually-hidden">{format!(" {}", clear_label.clone())}</span>
                                    </button>
                                }
                            })}
                        </div>
                    </Show>
                    <Show when=move || editing.get()>
                        <form class="credential-editor" novalidate on:submit=save.clone()>
                            <label for=editor_for.clone()>{format!("New {}", label.to_lowercase())}</label>
                            <input
                                id=editor_input.clone()
                                type=input_type
                                autocomplete="new-password"
                                aria-describedby=editor_error.clone()
                                prop:value=move || typed.get()
                                on:input=move |event| typed.set(event_target_value(&event))
                            />
                            <button type="submit" class="button small">"Save"</button>
                            <button type="button" class="button secondary small" on:click=move |_| { typed.set(String::new()); editing.set(false); }>"Cancel"</button>
                        </form>
                    </Show>
                    <p class="field-error" id=error_id.clone()>{move || problem.get()}</p>
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
            <div class="callout" data-oauth="reauthenticate">
                <p>{format!("Sign in with {} again to get new tokens; the configuration stays as it is.", entry.name)}</p>
                <RedirectUri />
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
        <p class="field-help">"Saved secrets are never shown again; replace or clear them here."</p>
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
        let update = ConnectorUpdate {
            scope: Some(fields.scope.get_untracked()),
            allowed_roles: Some(fields.roles.get_untracked()),
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
        <form class="detail-form" novalidate on:submit=submit>
            <fieldset class="plain" disabled=!connector.can_write>
                <AccessFields fields form="permissions" may_choose_global=false />
            </fieldset>
            <p class="field-error" role="alert">{move || failure.get()}</p>
            {connector.can_write.then(|| view! {
                <div class="wizard-actions"><button type="submit" class="button">"Save permissions"</button></div>
            })}
        </form>
    }
}

#[component]
fn ActivityTab(id: Uuid) -> impl IntoView {
    let entries = Resource::new(|| (), move |_| connector_audit(id));
    view! {
        <Suspense fallback=|| view! { <p role="status">"Loading the activity…"</p> }>
            {move || Suspend::new(async move {
                match entries.await {
                    Ok(entries) if entries.is_empty() => Either::Left(view! { <p>"No activity yet."</p> }),
                    Ok(entries) => Either::Right(Either::Left(view! {
                        <table class="activity stacks">
                            <caption class="visually-hidden">"Activity, newest first"</caption>
                            <thead><tr><th scope="col">"When"</th><th scope="col">"Who"</th><th scope="col">"What"</th><th scope="col">"Details"</th></tr></thead>
                            <tbody>
                                {entries.into_iter().map(|entry| view! {
                                    <tr>
                                        <td data-label="When">{entry.at}</td>
                                        <td data-label="Who">{entry.actor.unwrap_or_else(|| "system".to_owned())}</td>
                                        <td data-label="What">{entry.action}</td>
                                        <td data-label="Details"><code>{compact(&entry.details)}</code></td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    })),
                    Err(error) => Either::Right(Either::Right(view! { <LoadError error /> })),
                }
            })}
        </Suspense>
    }
}

fn compact(details: &Value) -> String {
    match details {
        Value::Object(map) if map.is_empty() => String::new(),
        other => other.to_string(),
    }
}
