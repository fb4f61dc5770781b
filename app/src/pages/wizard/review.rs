//! Step 6: review everything, then save (as inactive) or save and activate.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::components::confirm::{ConfirmDialog, Question};
use crate::components::connector_actions::Request;
use crate::components::connector_fields::roles_summary;
use crate::components::credentials::{credential_fields, described_credential};
use crate::components::focus::focus_by_id;
use crate::components::scripted::NeedsJavaScript;
use crate::components::toasts::Toasts;
use crate::error::AppError;
use crate::model::ConnectorType;
use crate::model::connector::{Connector, ConnectorStatus};
use crate::routes::{Step, wizard_href};
use crate::schema_form::{FormState, SchemaForm};

use super::{Wizard, back_href, test_verdict};

/// The review's "Save and activate", where focus returns when its question is cancelled.
const ACTIVATE_ID: &str = "review-activate";

/// The last step: everything as the earlier steps showed it (the configuration is that
/// form, read-only), the test's verdict, and the two ways out, each confirmed by a toast.
#[component]
pub(super) fn ReviewStep(wizard: Wizard, entry: ConnectorType, draft: Connector) -> impl IntoView {
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
