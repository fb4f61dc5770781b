//! `/connectors/new`: the setup wizard. Choose a type → details → configure →
//! authenticate → test → review.
//!
//! The step lives in the URL (`?step=configure&draft=<id>`), and from the details step on
//! the instance exists on the server as a `pending` draft, so a refresh, back/forward or an
//! OAuth round trip resumes where the user was. A draft left behind shows on `/` as "Setup
//! incomplete", with a link back here.

use leptos::either::Either;
use leptos::html;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::api::catalog::{catalog_cards, catalog_entry};
use crate::api::connectors::{
    InstanceView, connector_page, install_connector, set_connector_status, update_connector,
};
use crate::components::confirm::{ConfirmDialog, Question};
use crate::components::connection_test::{TestConnection, TestRuns};
use crate::components::connector_fields::{AccessFields, IdentityFields, InstanceFields};
use crate::components::connector_icon::ConnectorIcon;
use crate::components::early_input::typed_before_hydration;
use crate::components::oauth::{OAuthOutcome, RedirectUri, go_to_provider};
use crate::components::status_badge::StatusBadge;
use crate::components::suspense::{LoadError, PageLoadError};
use crate::error::AppError;
use crate::model::connector::{
    Connector, ConnectorStatus, ConnectorUpdate, FieldEdit, NewConnector, OAUTH_TOKEN_FIELDS,
    OAuthReturnTo,
};
use crate::model::{AuthType, CatalogCard, CatalogFilter, ConnectorType};
use crate::schema_form::{ErrorSummary, FormState, SchemaForm, schema};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Choose,
    Details,
    Configure,
    Authenticate,
    Test,
    Review,
}

impl Step {
    pub const ALL: [Step; 6] = [
        Step::Choose,
        Step::Details,
        Step::Configure,
        Step::Authenticate,
        Step::Test,
        Step::Review,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Step::Choose => "type",
            Step::Details => "details",
            Step::Configure => "configure",
            Step::Authenticate => "authenticate",
            Step::Test => "test",
            Step::Review => "review",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Step::Choose => "Choose a connector type",
            Step::Details => "Name and access",
            Step::Configure => "Configure",
            Step::Authenticate => "Authenticate",
            Step::Test => "Test the connection",
            Step::Review => "Review and save",
        }
    }

    pub fn number(self) -> usize {
        Step::ALL.iter().position(|step| *step == self).unwrap_or(0) + 1
    }

    pub fn parse(slug: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|step| step.slug() == slug)
    }
}

/// The wizard's URL for a step.
pub fn wizard_href(step: Step, draft: Option<Uuid>, type_key: Option<&str>) -> String {
    let mut params = vec![format!("step={}", step.slug())];
    if let Some(draft) = draft {
        params.push(format!("draft={draft}"));
    }
    if let Some(key) = type_key.filter(|key| !key.is_empty()) {
        let key = percent_encoding::utf8_percent_encode(key, percent_encoding::NON_ALPHANUMERIC);
        params.push(format!("type={key}"));
    }
    format!("/connectors/new?{}", params.join("&"))
}

/// What a step works on: the type, and the draft once there is one.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
struct Loaded {
    entry: Option<ConnectorType>,
    draft: Option<Connector>,
    /// Whether the signed-in role may add this connector (or change this draft): a
    /// viewer gets a sentence, not forms that fail on save.
    may_write: bool,
}

async fn load(draft: Option<Uuid>, type_key: Option<String>) -> Result<Loaded, AppError> {
    if let Some(id) = draft {
        let InstanceView { connector, entry } = connector_page(id).await?;
        return Ok(Loaded {
            entry: Some(entry),
            may_write: connector.can_write,
            draft: Some(connector),
        });
    }
    let may_write = crate::api::auth::current_viewer()
        .await?
        .is_some_and(|viewer| viewer.role.can_administer());
    let entry = match type_key.filter(|key| !key.is_empty()) {
        Some(key) => Some(catalog_entry(key).await?),
        None => None,
    };
    Ok(Loaded {
        entry,
        draft: None,
        may_write,
    })
}

/// The wizard's place, read from the URL, and how to move.
#[derive(Clone, Copy)]
struct Wizard {
    step: Memo<Step>,
    draft: Memo<Option<Uuid>>,
    type_key: Memo<Option<String>>,
    /// Bumped after a save, so the draft is read again.
    version: RwSignal<u64>,
}

impl Wizard {
    fn go(self, step: Step, draft: Option<Uuid>, type_key: Option<&str>) {
        self.version.update(|version| *version += 1);
        let navigate = use_navigate();
        navigate(&wizard_href(step, draft, type_key), Default::default());
    }
}

#[component]
pub fn WizardPage() -> impl IntoView {
    let query = use_query_map();
    let wizard = Wizard {
        step: Memo::new(move |_| {
            query
                .read()
                .get("step")
                .and_then(|slug| Step::parse(&slug))
                .unwrap_or(Step::Choose)
        }),
        draft: Memo::new(move |_| {
            query
                .read()
                .get("draft")
                .and_then(|id| Uuid::parse_str(&id).ok())
        }),
        type_key: Memo::new(move |_| query.read().get("type")),
        version: RwSignal::new(0),
    };
    let data = Resource::new(
        // Read again on every step: each step starts from what the server holds.
        move || {
            (
                wizard.step.get(),
                wizard.draft.get(),
                wizard.type_key.get(),
                wizard.version.get(),
            )
        },
        |(_, draft, key, _)| load(draft, key),
    );

    view! {
        <Title text="Add a connector" />
        <h1>"Add a connector"</h1>
        <Progress step=wizard.step />
        <Transition fallback=|| view! { <p role="status">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(loaded) => Either::Left(view! { <StepView wizard loaded /> }),
                    Err(error) => Either::Right(view! { <PageLoadError error /> }),
                }
            })}
        </Transition>
    }
}

/// "Step N of 6" and the list of steps, the current one marked.
#[component]
fn Progress(step: Memo<Step>) -> impl IntoView {
    view! {
        <nav class="wizard-progress" aria-label="Setup steps">
            <p class="wizard-count">
                {move || format!("Step {} of {}", step.get().number(), Step::ALL.len())}
            </p>
            <ol>
                {Step::ALL
                    .into_iter()
                    .map(|each| {
                        view! {
                            <li
                                aria-current=move || (step.get() == each).then_some("step")
                                class:done=move || each.number() < step.get().number()
                            >
                                {each.title()}
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        </nav>
    }
}

/// The heading of the current step; it takes focus when the step shows.
#[component]
fn StepHeading(step: Step) -> impl IntoView {
    let heading = NodeRef::<html::H2>::new();
    heading.on_load(|heading| {
        let _ = heading.focus();
    });
    view! {
        <h2 id="wizard-step-heading" tabindex="-1" node_ref=heading>
            {format!("Step {} of {}: {}", step.number(), Step::ALL.len(), step.title())}
        </h2>
    }
}

#[component]
fn StepView(wizard: Wizard, loaded: Loaded) -> impl IntoView {
    let step = wizard.step.get_untracked();
    // A step after "details" needs the draft; without one, start where it can.
    let step = match (&loaded.entry, &loaded.draft, step) {
        (None, _, _) => Step::Choose,
        (Some(_), None, Step::Choose) => Step::Choose,
        (Some(_), None, _) => Step::Details,
        (_, Some(_), step) => step,
    };
    if !loaded.may_write {
        return view! {
            <div class="callout" role="note" data-read-only>
                <p>"Adding and changing connectors needs the Owner or Admin role. You can browse the catalog and open the installed connectors."</p>
                <p><a href="/catalog">"Catalog"</a> " · " <a href="/">"Installed connectors"</a></p>
            </div>
        }
        .into_any();
    }
    let content = match (step, loaded.entry, loaded.draft) {
        (Step::Choose, entry, draft) => {
            let selected = entry.map(|entry| entry.key);
            view! { <ChooseStep wizard selected locked=draft.is_some() /> }.into_any()
        }
        (Step::Details, Some(entry), draft) => {
            view! { <DetailsStep wizard entry draft /> }.into_any()
        }
        (Step::Configure, Some(entry), Some(draft)) => {
            view! { <ConfigureStep wizard entry draft /> }.into_any()
        }
        (Step::Authenticate, Some(entry), Some(draft)) => {
            view! { <AuthenticateStep wizard entry draft /> }.into_any()
        }
        (Step::Test, Some(_), Some(draft)) => view! { <TestStep wizard draft /> }.into_any(),
        (Step::Review, Some(entry), Some(draft)) => {
            view! { <ReviewStep wizard entry draft /> }.into_any()
        }
        _ => view! { <p>"This draft could not be found."</p> }.into_any(),
    };
    view! {
        <section class="wizard-step" aria-labelledby="wizard-step-heading" data-step=step.slug()>
            <StepHeading step />
            {content}
        </section>
    }
    .into_any()
}

#[component]
fn ChooseStep(wizard: Wizard, selected: Option<String>, locked: bool) -> impl IntoView {
    let cards = OnceResource::new(catalog_cards());
    let search = RwSignal::new(String::new());
    // What was typed before the app took over is what is searched, once it has (the
    // page hydrates as it was rendered).
    if let Some(typed) = typed_before_hydration("type-search", "") {
        Effect::new(move |_| search.set(typed.clone()));
    }
    let chosen = RwSignal::new(selected);
    let problem = RwSignal::new(Vec::<(String, String)>::new());
    let next = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        match chosen.get_untracked() {
            Some(key) => wizard.go(Step::Details, wizard.draft.get_untracked(), Some(&key)),
            None => {
                problem.set(vec![(
                    "type-picker".into(),
                    "Connector type: Choose one.".into(),
                )]);
                crate::schema_form::focus_summary("type-summary");
            }
        }
    };
    let picker = move |cards: Vec<CatalogCard>| {
        move || {
            let filter = CatalogFilter {
                q: Some(search.get()).filter(|q| !q.trim().is_empty()),
                category: None,
            };
            let shown: Vec<CatalogCard> = cards
                .iter()
                .filter(|card| card.matches(&filter))
                .cloned()
                .collect();
            if shown.is_empty() {
                return Either::Left(
                    view! { <p role="status">"No connector type matches your search."</p> },
                );
            }
            Either::Right(
                shown
                    .into_iter()
                    .map(|card| {
                        let id = format!("type-{}", card.key);
                        let label_for = id.clone();
                        let key = card.key.clone();
                        let mine = card.key.clone();
                        let is_mine =
                            move || chosen.with(|chosen| chosen.as_deref() == Some(mine.as_str()));
                        view! {
                            <label class="type-option" for=label_for>
                                <input
                                    type="radio"
                                    id=id
                                    name="type"
                                    value=card.key.clone()
                                    disabled=locked
                                    prop:checked=is_mine.clone()
                                    checked=is_mine
                                    on:change=move |_| chosen.set(Some(key.clone()))
                                />
                                <ConnectorIcon svg=card.icon.clone() />
                                <span class="type-option-text">
                                    <strong>{card.name.clone()}</strong>
                                    <span class="card-meta">{card.description.clone()}</span>
                                </span>
                            </label>
                        }
                    })
                    .collect_view(),
            )
        }
    };
    view! {
        <form class="wizard-form" novalidate on:submit=next>
            <ErrorSummary id="type-summary" items=problem />
            {locked.then(|| view! { <p class="field-help">"The type of a started setup cannot change; start a new one for another type."</p> })}
            <div class="field">
                <label for="type-search">"Search types"</label>
                <input
                    id="type-search"
                    type="search"
                    autocomplete="off"
                    placeholder="Name, category or description"
                    prop:value=move || search.get()
                    on:input=move |event| search.set(event_target_value(&event))
                />
            </div>
            <fieldset class="type-picker" id="type-picker" tabindex="-1">
                <legend>"Connector type"</legend>
                <Suspense fallback=|| view! { <p role="status">"Loading the catalog…"</p> }>
                    {move || Suspend::new(async move {
                        match cards.await {
                            Ok(catalog) => Either::Left(picker(catalog.cards)),
                            Err(error) => Either::Right(view! { <LoadError error /> }),
                        }
                    })}
                </Suspense>
            </fieldset>
            <div class="wizard-actions">
                <button type="submit" class="button">"Continue"</button>
            </div>
        </form>
    }
}

/// Where the wizard goes back to from `step`.
fn back_href(wizard: Wizard, step: Step, type_key: &str) -> String {
    let previous = Step::ALL[step.number().saturating_sub(2)];
    wizard_href(previous, wizard.draft.get_untracked(), Some(type_key))
}

/// Shows a failed save: field errors where they belong, anything else as one line.
fn report(
    error: &AppError,
    form: Option<FormState>,
    prefix: &str,
    fields: Option<InstanceFields>,
    failure: RwSignal<Option<String>>,
) {
    let mut others = error.fields();
    if let Some(form) = form {
        others = form.show_server_errors(&others, prefix);
    }
    if let Some(fields) = fields {
        fields.errors.set(others.clone());
        others.retain(|field, _| {
            !["name", "description", "tags", "scope", "allowed_roles"].contains(&field.as_str())
        });
    }
    let unplaced = others
        .iter()
        .flat_map(|(field, messages)| messages.iter().map(move |m| format!("{field}: {m}")));
    let lines: Vec<String> = unplaced.collect();
    failure.set(if error.fields().is_empty() {
        Some(error.to_string())
    } else if lines.is_empty() {
        None
    } else {
        Some(lines.join(" "))
    });
}

/// Rewrites the current history entry (the details step before its draft existed) to
/// `href`, which names the draft: Back then returns to the draft as saved, rather than to
/// an empty form whose save would make a second draft (or clash with the first's name).
fn name_the_draft_in_history(href: &str) {
    #[cfg(feature = "hydrate")]
    if let Ok(history) = window().history() {
        let _ =
            history.replace_state_with_url(&leptos::wasm_bindgen::JsValue::NULL, "", Some(href));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = href;
}

#[component]
fn DetailsStep(wizard: Wizard, entry: ConnectorType, draft: Option<Connector>) -> impl IntoView {
    let fields = match &draft {
        Some(draft) => InstanceFields::of(draft),
        None => InstanceFields::new(
            entry.name.clone(),
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
        let (scope, roles) = (fields.scope.get_untracked(), fields.roles.get_untracked());
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
        <form class="wizard-form" novalidate on:submit=submit>
            <ErrorSummary id="details-summary" items />
            <p class="wizard-type"><ConnectorIcon svg=entry.icon.clone() /> {entry.name.clone()}</p>
            <IdentityFields fields form="details" />
            <AccessFields fields form="details" may_choose_global=false />
            <div class="wizard-actions">
                <a class="button secondary" href=back>"Back"</a>
                <button type="submit" class="button" disabled=move || busy.get()>"Save and continue"</button>
            </div>
        </form>
    }
}

#[component]
fn ConfigureStep(wizard: Wizard, entry: ConnectorType, draft: Connector) -> impl IntoView {
    let schema_root = entry.config_schema.clone();
    let started = draft
        .config
        .as_object()
        .is_some_and(|config| !config.is_empty());
    let initial = if started {
        draft.config.clone()
    } else {
        schema::initial_value(&schema_root, &schema_root)
            .unwrap_or_else(|| Value::Object(Map::new()))
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
        let config = form.value.get_untracked();
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
        <form class="wizard-form" novalidate on:submit=submit>
            <ErrorSummary id="config-summary" items />
            <SchemaForm form />
            <div class="wizard-actions">
                <a class="button secondary" href=back_href(wizard, Step::Configure, &entry.key)>"Back"</a>
                <button type="submit" class="button" disabled=move || busy.get()>"Save and continue"</button>
            </div>
        </form>
    }
}

/// The values of saved non-secret credential fields (a username, a method), to start the
/// authentication form from. Secrets are never sent to the browser.
pub fn saved_plain_fields(connector: &Connector) -> Map<String, Value> {
    connector
        .credentials
        .iter()
        .flat_map(|credentials| &credentials.fields)
        .filter(|(_, field)| !field.secret && field.set)
        .filter_map(|(name, field)| Some((name.clone(), Value::String(field.value.clone()?))))
        .collect()
}

/// Whether signing in goes through the provider's OAuth redirect with the current choice
/// of method (`oauth2`, or no method field at all).
fn uses_oauth(entry: &ConnectorType, value: &Value) -> bool {
    entry.auth_type == AuthType::Oauth2
        && value
            .get("method")
            .and_then(Value::as_str)
            .is_none_or(|method| method == "oauth2")
}

#[component]
fn AuthenticateStep(wizard: Wizard, entry: ConnectorType, draft: Connector) -> impl IntoView {
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
    let mut initial = schema::initial_value(&schema_root, &schema_root)
        .unwrap_or_else(|| Value::Object(Map::new()));
    if let Some(map) = initial.as_object_mut() {
        map.extend(saved_plain_fields(&draft));
    }
    let form = FormState::new("auth", schema_root, initial);
    let saved: Vec<(String, String)> = draft
        .credentials
        .iter()
        .flat_map(|credentials| &credentials.fields)
        .filter(|(_, field)| field.set)
        .map(|(name, field)| {
            let shown = match (&field.value, &field.hint) {
                (Some(value), _) if !field.secret => value.clone(),
                (_, Some(hint)) => format!("saved ({hint})"),
                _ => "saved".to_owned(),
            };
            (name.clone(), shown)
        })
        .collect();
    // Stored plain fields the form no longer holds are cleared on save; a stored secret
    // left blank is kept (it is never shown, so blank means "keep").
    let stored_fields: Vec<String> = draft
        .credentials
        .iter()
        .flat_map(|credentials| &credentials.fields)
        .filter(|(_, field)| field.set && !field.secret)
        .map(|(name, _)| name.clone())
        .collect();
    let stored_fields = StoredValue::new(stored_fields);
    let has_saved = !saved.is_empty();
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
        let value = form.value.get_untracked();
        leptos::task::spawn_local(async move {
            let mut result = save_auth(id, &value, &stored_fields.get_value())
                .await
                .map(drop);
            if connect && result.is_ok() {
                result = go_to_provider(id, OAuthReturnTo::Wizard).await;
            }
            busy.set(false);
            match result {
                Ok(()) if connect => {}
                Ok(()) => {
                    // The typed secrets leave the page with the form.
                    form.reset(Value::Object(Map::new()));
                    wizard.go(Step::Test, Some(id), Some(&key.get_value()));
                }
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
    let provider = entry.name.clone();
    let oauth_entry = entry.clone();
    let oauth = move || {
        let provider = provider.clone();
        form.value.with(|value| uses_oauth(&oauth_entry, value)).then(|| {
            view! {
                <div class="callout" data-oauth="connect">
                    <p>
                        {format!("Sign in with {provider} to finish setup. Register this redirect URI with your OAuth app if you use your own client.")}
                    </p>
                    <RedirectUri />
                    <button type="button" class="button" disabled=move || busy.get() on:click=move |_| save_then(true)>
                        {format!("Connect with {provider}")}
                    </button>
                </div>
            }
        })
    };
    view! {
        <form class="wizard-form" novalidate on:submit=submit>
            <OAuthOutcome provider=entry.name.clone() retry=Some(Callback::new(move |()| save_then(true))) />
            <ErrorSummary id="auth-summary" items />
            {has_saved.then(|| view! {
                <div class="callout">
                    <p>"Credentials are saved for this connector. Enter them again below to replace them (a secret left blank keeps its saved value), or keep them all."</p>
                    <ul class="saved-credentials">
                        {saved.into_iter().map(|(name, shown)| view! { <li><code>{name}</code>": "{shown}</li> }).collect_view()}
                    </ul>
                    <a class="button secondary" href=wizard_href(Step::Test, Some(id), Some(&entry.key))>"Keep saved credentials and continue"</a>
                </div>
            })}
            {oauth}
            <SchemaForm form />
            <div class="wizard-actions">
                <a class="button secondary" href=back>"Back"</a>
                <button type="submit" class="button" disabled=move || busy.get()>"Save and continue"</button>
            </div>
        </form>
    }
    .into_any()
}

/// Saves the authentication form: every field it holds replaces the stored one, and the
/// `stored` plain fields it no longer holds are cleared, except the tokens an OAuth
/// sign-in wrote.
async fn save_auth(id: Uuid, value: &Value, stored: &[String]) -> Result<Connector, AppError> {
    let mut edits: std::collections::BTreeMap<String, FieldEdit> = value
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, value)| {
            (
                name.clone(),
                FieldEdit::Replace {
                    value: value.clone(),
                },
            )
        })
        .collect();
    for name in stored
        .iter()
        .filter(|name| !OAUTH_TOKEN_FIELDS.contains(&name.as_str()))
    {
        edits.entry(name.clone()).or_insert(FieldEdit::Clear);
    }
    let update = ConnectorUpdate {
        auth: Some(edits),
        ..ConnectorUpdate::default()
    };
    update_connector(id, update).await
}

#[component]
fn TestStep(wizard: Wizard, draft: Connector) -> impl IntoView {
    let key = draft.catalog_key.clone();
    view! {
        <OAuthOutcome provider=draft.catalog_name.clone() />
        <p>"Check the settings and credentials against the service before you save. Nothing is changed there: the test only reads."</p>
        <TestConnection id=draft.id runs=TestRuns::new() wizard=true open_trace=true />
        <div class="wizard-actions">
            <a class="button secondary" href=back_href(wizard, Step::Test, &key)>"Back"</a>
            <a class="button" href=wizard_href(Step::Review, Some(draft.id), Some(&key))>"Continue"</a>
        </div>
    }
}

#[component]
fn ReviewStep(wizard: Wizard, entry: ConnectorType, draft: Connector) -> impl IntoView {
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    // After a failed test the server asks for a confirmation; this is the question.
    let question = RwSignal::new(None::<Question>);
    let id = draft.id;
    let name = draft.name.clone();
    let navigate = use_navigate();
    let activate = Callback::new(move |confirm: bool| {
        busy.set(true);
        failure.set(None);
        let (name, navigate) = (name.clone(), navigate.clone());
        leptos::task::spawn_local(async move {
            let result = set_connector_status(id, ConnectorStatus::Active, confirm).await;
            busy.set(false);
            match result {
                Ok(_) => navigate("/", Default::default()),
                Err(AppError::ConfirmationRequired(detail)) => question.set(Some(Question {
                    title: format!("Activate {name}?"),
                    detail,
                    proceed_label: "Activate anyway".into(),
                })),
                Err(error) => failure.set(Some(error.to_string())),
            }
        });
    });
    let answer = Callback::new(move |proceed: bool| {
        question.set(None);
        if proceed {
            activate.run(true);
        }
    });
    let pending = draft.status == ConnectorStatus::Pending;
    let config_rows: Vec<(String, String)> = draft
        .config
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, value)| {
            let label = schema::label_at(
                &entry.config_schema,
                &draft.config,
                &crate::schema_form::pointer::child("", name),
            );
            let shown = match value {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            (label, shown)
        })
        .collect();
    let credential_rows: Vec<(String, &'static str)> = draft
        .credentials
        .iter()
        .flat_map(|credentials| &credentials.fields)
        .map(|(name, field)| (name.clone(), if field.set { "saved" } else { "not set" }))
        .collect();
    let roles = if draft.allowed_roles.is_empty() {
        "Every role".to_owned()
    } else {
        draft
            .allowed_roles
            .iter()
            .map(|role| role.label())
            .collect::<Vec<_>>()
            .join(", ")
    };
    view! {
        <dl class="review">
            <dt>"Type"</dt><dd>{entry.name.clone()}</dd>
            <dt>"Name"</dt><dd>{draft.name.clone()}</dd>
            <dt>"Description"</dt><dd>{if draft.description.is_empty() { "—".to_owned() } else { draft.description.clone() }}</dd>
            <dt>"Who can see it"</dt><dd>{draft.scope.as_str()}</dd>
            <dt>"Roles that may use it"</dt><dd>{roles}</dd>
            <dt>"Tags"</dt><dd>{if draft.tags.is_empty() { "—".to_owned() } else { draft.tags.join(", ") }}</dd>
            <dt>"Status"</dt><dd><StatusBadge status=draft.status needs_reentry=draft.needs_reentry() /></dd>
        </dl>
        <h3>"Configuration"</h3>
        <dl class="review">
            {config_rows.into_iter().map(|(label, value)| view! { <dt>{label}</dt><dd>{value}</dd> }).collect_view()}
        </dl>
        <h3>"Credentials"</h3>
        <dl class="review">
            {credential_rows.into_iter().map(|(name, state)| view! { <dt>{name}</dt><dd>{state}</dd> }).collect_view()}
        </dl>
        {pending.then(|| view! {
            <div class="callout" role="note">
                <p>"Setup is not complete: the connector still needs its credentials (or its account connected). "
                <a href=wizard_href(Step::Authenticate, Some(id), Some(&entry.key))>"Go to authentication"</a></p>
            </div>
        })}
        <p class="field-error" role="alert">{move || failure.get()}</p>
        <div class="wizard-actions">
            <a class="button secondary" href=back_href(wizard, Step::Review, &entry.key)>"Back"</a>
            <a class="button secondary" href=format!("/connectors/{id}")>{if pending { "Finish later" } else { "Save (inactive)" }}</a>
            <button type="button" class="button" disabled=move || pending || busy.get() on:click=move |_| activate.run(false)>"Save and activate"</button>
        </div>
        <ConfirmDialog question on_answer=answer />
    }
}
