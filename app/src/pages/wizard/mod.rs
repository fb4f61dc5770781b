//! `/connectors/new`: the setup wizard, one file per step: choose a type (`choose.rs`) →
//! details (`details.rs`) → `configure.rs` → `authenticate.rs` → `test.rs` → `review.rs`.
//! This module holds what they share: the data a step loads, the wizard's place in the
//! URL, the progress list and the step heading.
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
use uuid::Uuid;

use crate::api::catalog::catalog_entry;
use crate::api::connectors::{InstanceView, connector_page};
use crate::components::connector_fields::InstanceFields;
use crate::components::suspense::Loaded;
use crate::components::time::shown_time;
use crate::error::AppError;
use crate::model::ConnectorType;
use crate::model::connector::{Connector, ConnectorStatus};
use crate::routes::{Step, wizard_href};
use crate::schema_form::FormState;

mod authenticate;
mod choose;
mod configure;
mod details;
mod review;
mod test;

use authenticate::AuthenticateStep;
use choose::ChooseStep;
use configure::ConfigureStep;
use details::DetailsStep;
use review::ReviewStep;
use test::TestStep;

/// What a step works on: the type, and the draft once there is one.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
struct StepData {
    entry: Option<ConnectorType>,
    draft: Option<Connector>,
    /// Whether the signed-in role may add this connector (or change this draft): a
    /// viewer gets a sentence, not forms that fail on save.
    may_write: bool,
    /// The name a new instance starts with: the type's, numbered past the names taken.
    #[serde(default)]
    suggested_name: String,
}

async fn load(draft: Option<Uuid>, type_key: Option<String>) -> Result<StepData, AppError> {
    if let Some(id) = draft {
        let InstanceView { connector, entry } = connector_page(id).await?;
        return Ok(StepData {
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
    Ok(StepData {
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
        <Loaded resource=data page=true let:loaded>
            <StepView wizard loaded />
        </Loaded>
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
fn StepView(wizard: Wizard, loaded: StepData) -> impl IntoView {
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
