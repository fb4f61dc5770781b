//! Step 1: choose the connector type (also a plain GET form, for no JavaScript).

use leptos::either::Either;
use leptos::prelude::*;
use uuid::Uuid;

use crate::api::catalog::catalog_cards;
use crate::components::connector_icon::ConnectorIcon;
use crate::components::early_input::typed_before_hydration;
use crate::components::suspense::Loaded;
use crate::model::{CatalogCard, CatalogFilter};
use crate::routes::Step;
use crate::schema_form::ErrorSummary;

use super::Wizard;

/// The first step. Its form is also a plain GET form to the details step, so choosing a
/// type works without JavaScript; `locked` is the draft whose type is already chosen, and
/// `unchosen` says the user pressed Continue without choosing.
#[component]
pub(super) fn ChooseStep(
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
                <Loaded resource=cards loading="Loading the catalog…" let:catalog>
                    {picker(catalog.cards)}
                </Loaded>
            </fieldset>
            <div class="wizard-actions">
                <button type="submit" class="button">"Continue"</button>
            </div>
        </form>
    }
}
