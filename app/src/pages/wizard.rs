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
use crate::api::connectors::{InstanceView, connector_page, install_connector, update_connector};
use crate::components::confirm::{ConfirmDialog, Question};
use crate::components::connection_test::{TestConnection, TestRuns};
use crate::components::connector_actions::Request;
use crate::components::connector_fields::{
    AccessFields, IdentityFields, InstanceFields, roles_summary,
};
use crate::components::connector_icon::ConnectorIcon;
use crate::components::credentials::{credential_fields, described_credential};
use crate::components::early_input::typed_before_hydration;
use crate::components::focus::focus_by_id;
use crate::components::oauth::{OAuthOutcome, RedirectUri, go_to_provider};
use crate::components::scripted::{NeedsJavaScript, ScriptedForm};
use crate::components::suspense::{LoadError, PageLoadError};
use crate::components::time::shown_time;
use crate::components::toasts::Toasts;
use crate::error::AppError;
use crate::model::connector::{
    Connector, ConnectorStatus, ConnectorUpdate, FieldEdit, NewConnector, OAUTH_TOKEN_FIELDS,
    OAuthReturnTo,
};
use crate::model::{AuthType, CatalogCard, CatalogFilter, ConnectorType};
use crate::routes::{Step, wizard_href};
use crate::schema::shape::initial_value;
use crate::schema_form::{ErrorSummary, FormState, SchemaForm};

/// What a step works on: the type, and the draft once there is one.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
struct Loaded {
    entry: Option<ConnectorType>,
    draft: Option<Connector>,
    /// Whether the signed-in role may add this connector (or change this draft): a
    /// viewer gets a sentence, not forms that fail on save.
    may_write: bool,
    /// The name a new instance starts with: the type's, numbered past the names taken.
    #[serde(default)]
    suggested_name: String,
}

async fn load(draft: Option<Uuid>, type_key: Option<String>) -> Result<Loaded, AppError> {
    if let Some(id) = draft {
        let InstanceView { connector, entry } = connector_page(id).await?;
        return Ok(Loaded {
            entry: Some(entry),
            may_write: connector.can_write,
            draft: Some(connector),
            suggested_name: String::new(),
        });
    }
    let may_write = crate::api::auth::current_viewer()
        .await?
        .is_some_and(|viewer| viewer.role.can_administer());
    let entry = match type_key.filter(|key| !key.is_empty()) {
        Some(key) => Some(catalog_entry(key).await?),
        None => None,
    };
    let suggested_name = match (&entry, may_write) {
        (Some(entry), true) => {
            let taken: Vec<String> = crate::api::connectors::installed_connectors()
                .await?
                .connectors
                .into_iter()
                .map(|connector| connector.name)
                .collect();
            free_name(&entry.name, &taken)
        }
        _ => String::new(),
    };
    Ok(Loaded {
        entry,
        draft: None,
        may_write,
        suggested_name,
    })
}

/// `name`, or the first of "name 2", "name 3", … that no instance in `taken` has (names
/// are unique per tenant ignoring case): a second WordPress does not start with a name
/// the server refuses.
fn free_name(name: &str, taken: &[String]) -> String {
    let is_taken = |candidate: &str| {
        taken
            .iter()
            .any(|other| other.to_lowercase() == candidate.to_lowercase())
    };
    (1..)
        .map(|n| {
            if n == 1 {
                name.to_owned()
            } else {
                format!("{name} {n}")
            }
        })
        .find(|candidate| !is_taken(candidate))
        .unwrap_or_else(|| name.to_owned())
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
        <Progress wizard />
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

/// "Step N of 6" and the list of steps, the current one marked, the ones done links back.
#[component]
fn Progress(wizard: Wizard) -> impl IntoView {
    let step = wizard.step;
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
                                {move || {
                                    if each.number() < step.get().number() {
                                        let href = wizard_href(
                                            each,
                                            wizard.draft.get(),
                                            wizard.type_key.get().as_deref(),
                                        );
                                        Either::Left(view! { <a href=href>{each.title()}</a> })
                                    } else {
                                        Either::Right(each.title())
                                    }
                                }}
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        </nav>
    }
}

/// The heading of the current step; it takes focus when the step shows. Arriving from
/// another page of the app (a client-side navigation), the heading is made before it is
/// in the document, where focusing does nothing: focus waits for the next frame then.
#[component]
fn StepHeading(step: Step) -> impl IntoView {
    let heading = NodeRef::<html::H2>::new();
    heading.on_load(|heading| {
        if heading.is_connected() {
            let _ = heading.focus();
        } else {
            request_animation_frame(move || {
                let _ = heading.focus();
            });
        }
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
    // The wizard sets up; an active connector is changed on its own page.
    if let Some(done) = loaded
        .draft
        .as_ref()
        .filter(|draft| draft.status == ConnectorStatus::Active)
    {
        return view! {
            <div class="callout" role="note" data-setup-finished>
                <p>{format!("{} is set up and active. Change it on its page.", done.name)}</p>
                <p><a class="button" href=format!("/connectors/{}", done.id)>{format!("Open {}", done.name)}</a></p>
            </div>
        }
        .into_any();
    }
    // Continue without a type chosen: with JavaScript off the step's form arrives here.
    let unchosen = step == Step::Choose && wizard.step.get_untracked() != Step::Choose;
    let content = match (step, loaded.entry, loaded.draft) {
        (Step::Choose, entry, draft) => {
            let selected = entry.map(|entry| entry.key);
            let locked = draft.map(|draft| draft.id);
            view! { <ChooseStep wizard selected locked unchosen /> }.into_any()
        }
        (Step::Details, Some(entry), draft) => {
            let suggested_name = loaded.suggested_name;
            view! { <DetailsStep wizard entry draft suggested_name /> }.into_any()
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

/// The first step. Its form is also a plain GET form to the details step, so choosing a
/// type works without JavaScript; `locked` is the draft whose type is already chosen, and
/// `unchosen` says the user pressed Continue without choosing.
#[component]
fn ChooseStep(
    wizard: Wizard,
    selected: Option<String>,
    locked: Option<Uuid>,
    unchosen: bool,
) -> impl IntoView {
    let cards = OnceResource::new(catalog_cards());
    let search = RwSignal::new(String::new());
    // What was typed before the app took over is what is searched, once it has (the
    // page hydrates as it was rendered).
    if let Some(typed) = typed_before_hydration("type-search", "") {
        Effect::new(move |_| search.set(typed.clone()));
    }
    let locked_type = locked.and(selected.clone());
    let chosen = RwSignal::new(selected);
    let choose_one = || vec![("type-picker".into(), "Connector type: Choose one.".into())];
    let problem = RwSignal::new(if unchosen { choose_one() } else { Vec::new() });
    let next = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        match chosen.get_untracked() {
            Some(key) => wizard.go(Step::Details, wizard.draft.get_untracked(), Some(&key)),
            None => {
                problem.set(choose_one());
                crate::schema_form::focus_summary("type-summary");
            }
        }
    };
    let locked = locked.is_some();
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
        <form class="wizard-form" method="get" action="/connectors/new" novalidate on:submit=next>
            <input type="hidden" name="step" value=Step::Details.slug() />
            {wizard.draft.get_untracked().map(|draft| view! { <input type="hidden" name="draft" value=draft.to_string() /> })}
            {locked_type.map(|key| view! { <input type="hidden" name="type" value=key /> })}
            <ErrorSummary id="type-summary" items=problem />
            {locked.then(|| view! { <p class="field-help">"The type of a started setup cannot change; start a new one for another type."</p> })}
            // Filtering the list is the app's work; without it, all types are listed.
            <div class="field" data-needs-js>
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
fn DetailsStep(
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

/// Whether signing in goes through the provider's OAuth redirect with the current choice
/// of method (`oauth2`, or no method field at all).
fn uses_oauth(entry: &ConnectorType, value: &Value) -> bool {
    entry.signs_in_with_oauth(crate::model::chosen_method(value))
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
            let mut result = save_auth(id, &value, &stored_fields.get_value())
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
    // After a reload the result just seen is gone from the page: its verdict is not.
    let runs = TestRuns::new();
    let id = draft.id;
    let earlier = draft.last_tested_at.is_some().then(|| {
        let (passed, verdict) = test_verdict(&draft);
        view! {
            <div
                class="callout review-verdict"
                class:verdict-failed=!passed
                data-verdict=if passed { "passed" } else { "failed" }
                hidden=move || runs.result(id).is_some()
            >
                <p>{verdict}</p>
            </div>
        }
    });
    view! {
        <OAuthOutcome provider=draft.catalog_name.clone() />
        <p>"Check the settings and credentials against the service before you save. Nothing is changed there: the test only reads."</p>
        {earlier}
        <NeedsJavaScript what="Testing the connection" />
        <TestConnection id runs wizard=true open_trace=true />
        <div class="wizard-actions">
            <a class="button secondary" href=back_href(wizard, Step::Test, &key)>"Back"</a>
            <a class="button" href=wizard_href(Step::Review, Some(draft.id), Some(&key))>"Continue"</a>
        </div>
    }
}

/// The last test's verdict, as the review shows it.
fn test_verdict(draft: &Connector) -> (bool, String) {
    match (&draft.last_tested_at, draft.last_test_ok) {
        (Some(at), Some(true)) => (true, format!("The last test passed ({}).", shown_time(at))),
        (Some(at), _) => {
            let why = draft
                .last_error
                .as_deref()
                .map(|error| format!(" {error}"))
                .unwrap_or_default();
            (
                false,
                format!("The last test failed ({}).{why}", shown_time(at)),
            )
        }
        _ => (false, "Not tested yet.".to_owned()),
    }
}

/// The review's "Save and activate", where focus returns when its question is cancelled.
const ACTIVATE_ID: &str = "review-activate";

/// The last step: everything as the earlier steps showed it (the configuration is that
/// form, read-only), the test's verdict, and the two ways out, each confirmed by a toast.
#[component]
fn ReviewStep(wizard: Wizard, entry: ConnectorType, draft: Connector) -> impl IntoView {
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    // After a failed test the server asks for a confirmation: the question, and the
    // request to send if the answer is yes.
    let waiting = RwSignal::new(None::<(Question, Request)>);
    let id = draft.id;
    let name = draft.name.clone();
    let toasts = Toasts::current();
    let navigate = use_navigate();
    let page = format!("/connectors/{id}");
    let (finish_page, finish_name) = (page.clone(), name.clone());
    let activate = Callback::new(move |request: Request| {
        busy.set(true);
        failure.set(None);
        let (navigate, page) = (navigate.clone(), page.clone());
        leptos::task::spawn_local(async move {
            let (request, result) = request.send().await;
            busy.set(false);
            match (result, &request) {
                (
                    Ok(()),
                    Request::SetStatus {
                        name,
                        confirm: false,
                        ..
                    },
                ) => {
                    toasts.success(format!("{name} is set up and active."));
                    navigate(&page, Default::default());
                }
                (Ok(()), _) => {
                    toasts.success(request.done_message());
                    navigate(&page, Default::default());
                }
                (Err(AppError::ConfirmationRequired(detail)), _) => {
                    waiting.set(request.confirmation(detail));
                }
                (Err(error), _) => failure.set(Some(error.to_string())),
            }
        });
    });
    let answer = Callback::new(move |proceed: bool| {
        if let Some((_, request)) = waiting.get_untracked() {
            waiting.set(None);
            if proceed {
                activate.run(request);
            } else {
                focus_by_id(ACTIVATE_ID);
            }
        }
    });
    let question = Signal::derive(move || waiting.get().map(|(question, _)| question));
    let first_ask = Request::SetStatus {
        id,
        name,
        to: ConnectorStatus::Active,
        confirm: false,
    };
    let pending = draft.status == ConnectorStatus::Pending;
    let finish = move |_| {
        toasts.success(if pending {
            format!("{finish_name} is saved; finish its setup when you are ready.")
        } else {
            format!("{finish_name} is saved (inactive).")
        });
    };
    let config_form = FormState::new(
        "review-config",
        entry.config_schema.clone(),
        draft.config.clone(),
    );
    let saved = draft.credentials.clone().unwrap_or_default();
    let credential_rows: Vec<(String, String)> = credential_fields(&entry, &draft, None)
        .into_iter()
        .map(|field| {
            (
                field.label,
                described_credential(saved.fields.get(&field.name)),
            )
        })
        .collect();
    let roles = roles_summary(&draft.allowed_roles);
    let (passed, verdict) = test_verdict(&draft);
    let change = |step: Step| wizard_href(step, Some(id), Some(&entry.key));
    view! {
        <div class="callout review-verdict" class:verdict-failed=!passed role="status" data-verdict=if passed { "passed" } else { "failed" }>
            <p>{verdict}</p>
            {(!passed).then(|| view! { <p><a href=change(Step::Test)>"Test again"</a></p> })}
        </div>
        <div class="review-section">
            <h3>{Step::Details.title()}</h3>
            <a href=change(Step::Details)>"Change"<span class="visually-hidden">" name and access"</span></a>
        </div>
        <dl class="review">
            <dt>"Type"</dt><dd>{entry.name.clone()}</dd>
            <dt>"Name"</dt><dd>{draft.name.clone()}</dd>
            <dt>"Description"</dt><dd>{if draft.description.is_empty() { "—".to_owned() } else { draft.description.clone() }}</dd>
            <dt>"Tags"</dt><dd>{if draft.tags.is_empty() { "—".to_owned() } else { draft.tags.join(", ") }}</dd>
            <dt>"Who can see it"</dt><dd>{draft.scope.label()}</dd>
            <dt>"Which roles it is for"</dt><dd>{roles}</dd>
        </dl>
        <div class="review-section">
            <h3>{Step::Configure.title()}</h3>
            <a href=change(Step::Configure)>"Change"<span class="visually-hidden">" configuration"</span></a>
        </div>
        <fieldset class="plain review-form" disabled>
            <SchemaForm form=config_form />
        </fieldset>
        <div class="review-section">
            <h3>"Credentials"</h3>
            <a href=change(Step::Authenticate)>"Change"<span class="visually-hidden">" credentials"</span></a>
        </div>
        <dl class="review">
            {credential_rows.into_iter().map(|(label, state)| view! { <dt>{label}</dt><dd>{state}</dd> }).collect_view()}
        </dl>
        {pending.then(|| view! {
            <div class="callout" role="note">
                <p>"Setup is not complete: the connector still needs its credentials (or its account connected). "
                <a href=change(Step::Authenticate)>"Go to authentication"</a></p>
            </div>
        })}
        <NeedsJavaScript what="Activating the connector" />
        <p class="field-error" role="alert">{move || failure.get()}</p>
        <div class="wizard-actions">
            <a class="button secondary" href=back_href(wizard, Step::Review, &entry.key)>"Back"</a>
            <a class="button secondary" href=finish_page on:click=finish>{if pending { "Finish later" } else { "Save (inactive)" }}</a>
            <button type="button" id=ACTIVATE_ID class="button" data-needs-js disabled=move || pending || busy.get() on:click=move |_| activate.run(first_ask.clone())>"Save and activate"</button>
        </div>
        <ConfirmDialog question on_answer=answer />
    }
}

#[cfg(test)]
mod tests {
    use super::free_name;

    #[test]
    fn a_new_instance_is_named_past_the_names_taken() {
        let taken = ["WordPress".to_owned(), "wordpress 2".to_owned()];
        assert_eq!(free_name("WordPress", &taken), "WordPress 3");
        assert_eq!(free_name("Slack", &taken), "Slack");
    }
}
