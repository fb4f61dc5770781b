//! `/`: the connectors installed in this tenant, as cards with their status and the
//! actions the viewer may take: configure, test, activate or deactivate, delete.

use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use uuid::Uuid;

use crate::api::connectors::installed_connectors;
use crate::components::confirm::{ConfirmDialog, Question};
use crate::components::connection_test::{TestConnection, TestRuns};
use crate::components::connector_actions::{Request, status_toggle};
use crate::components::connector_icon::ConnectorIcon;
use crate::components::focus::{FocusReturn, focus_by_id};
use crate::components::oauth::OAuthOutcome;
use crate::components::status_badge::StatusBadge;
use crate::components::suspense::Loaded;
use crate::components::time::shown_time;
use crate::components::toasts::Toasts;
use crate::error::AppError;
use crate::model::connector::{Connector, ConnectorStatus};

/// The page heading's id: focus goes there when the card that held it is deleted.
const HEADING_ID: &str = "installed-heading";

fn status_button_id(id: Uuid) -> String {
    format!("status-toggle-{id}")
}

fn delete_button_id(id: Uuid) -> String {
    format!("delete-{id}")
}

/// The button that made `request`.
fn button_id(request: &Request) -> String {
    match request {
        Request::SetStatus { id, .. } => status_button_id(*id),
        Request::Delete { id, .. } => delete_button_id(*id),
    }
}

/// A request waiting for the viewer's confirmation, and the question shown for it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Pending {
    request: Request,
    question: Question,
}

#[component]
pub fn HomePage() -> impl IntoView {
    let toasts = Toasts::current();
    let pending = RwSignal::new(None::<Pending>);
    let act = Action::new(|request: &Request| request.clone().send());
    let runs = TestRuns::new();
    // A test can change an instance's status: the list is reloaded after each.
    let tested = RwSignal::new(0_u64);
    let after_test = Callback::new(move |()| tested.update(|version| *version += 1));
    let list = Resource::new(
        move || (act.version().get(), tested.get()),
        |_| installed_connectors(),
    );

    // Every request reloads the list, which re-renders the cards and drops keyboard focus.
    let refocus = FocusReturn::new();

    // Outcomes: a toast, or (activating after a failed test) a question first.
    Effect::new(move |_| {
        let Some((request, result)) = act.value().get() else {
            return;
        };
        match (result, request) {
            (Ok(()), request @ Request::Delete { .. }) => {
                // The card is going: the heading is the nearest place that stays.
                focus_by_id(HEADING_ID);
                toasts.success(request.done_message());
            }
            (Ok(()), request) => {
                refocus.to(button_id(&request));
                toasts.success(request.done_message());
            }
            (Err(AppError::ConfirmationRequired(detail)), request) => {
                if let Some((question, request)) = request.confirmation(detail) {
                    pending.set(Some(Pending { request, question }));
                }
            }
            (Err(error), request) => {
                refocus.to(button_id(&request));
                toasts.failure(error.to_string());
            }
        }
    });

    let ask = Callback::new(move |request: Request| match request.question_first() {
        Some(question) => pending.set(Some(Pending { request, question })),
        None => {
            act.dispatch(request);
        }
    });
    let answer = Callback::new(move |proceed: bool| {
        if let Some(waiting) = pending.get_untracked() {
            pending.set(None);
            if proceed {
                act.dispatch(waiting.request);
            } else {
                // Nothing reloads: focus goes back to the button that asked.
                focus_by_id(&button_id(&waiting.request));
            }
        }
    });
    let question = Signal::derive(move || pending.get().map(|waiting| waiting.question));

    view! {
        <Title text="Installed connectors" />
        <div class="page-heading">
            <h1 id=HEADING_ID tabindex="-1">
                "Installed connectors"
            </h1>
        </div>
        <OAuthOutcome provider="the provider".to_owned() />
        <Loaded resource=list loading="Loading connectors…" let:view>
            {
                if view.connectors.is_empty() {
                    Either::Left(view! { <EmptyState can_install=view.can_install /> })
                } else {
                    Either::Right(view! {
                        {view.can_install.then(|| view! {
                            <p class="list-actions"><a class="button" href="/connectors/new">"Add a connector"</a></p>
                        })}
                        <ul class="card-grid installed" aria-label="Installed connectors">
                            {view
                                .connectors
                                .into_iter()
                                .map(|connector| view! { <InstalledCard connector ask refocus runs after_test /> })
                                .collect_view()}
                        </ul>
                    })
                }
            }
        </Loaded>
        <ConfirmDialog question on_answer=answer />
    }
}

#[component]
fn EmptyState(can_install: bool) -> impl IntoView {
    view! {
        <section class="empty-state">
            <p>"No connectors are installed yet."</p>
            <p>
                <a class="button" href="/catalog">
                    {if can_install { "Browse the catalog to add one" } else { "Browse the catalog" }}
                </a>
            </p>
        </section>
    }
}

#[component]
fn InstalledCard(
    connector: Connector,
    ask: Callback<Request>,
    refocus: FocusReturn,
    runs: TestRuns,
    after_test: Callback<()>,
) -> impl IntoView {
    let Connector {
        id,
        name,
        catalog_name,
        icon,
        status,
        ..
    } = connector.clone();
    let heading_id = format!("connector-{id}");
    let labelled_by = heading_id.clone();
    let last_test = match (&connector.last_tested_at, connector.last_test_ok) {
        (Some(at), Some(true)) => format!("Last test passed ({})", shown_time(at)),
        (Some(at), _) => format!("Last test failed ({})", shown_time(at)),
        _ => "Not tested yet".to_owned(),
    };
    let test_view = (connector.can_use && status != ConnectorStatus::Pending).then(|| {
        view! { <TestConnection id runs on_done=after_test name=name.clone() /> }
    });
    let toggle = status_toggle(status).filter(|_| connector.can_write);
    let toggle_view = toggle.map(|(to, label)| {
        let name = name.clone();
        view! {
            <button
                type="button"
                class="button secondary"
                data-needs-js
                id=status_button_id(id)
                node_ref=refocus.claim(status_button_id(id))
                on:click=move |_| {
                    ask.run(Request::SetStatus { id, name: name.clone(), to, confirm: false })
                }
            >
                {label}
                <span class="visually-hidden">{format!(" {}", connector.name)}</span>
            </button>
        }
    });
    let delete_view = connector.can_write.then(|| {
        let name = name.clone();
        view! {
            <button
                type="button"
                class="button danger"
                data-needs-js
                id=delete_button_id(id)
                node_ref=refocus.claim(delete_button_id(id))
                on:click=move |_| ask.run(Request::Delete { id, name: name.clone() })
            >
                "Delete"
                <span class="visually-hidden">{format!(" {}", connector.name)}</span>
            </button>
        }
    });
    view! {
        <li class="card" aria-labelledby=labelled_by data-connector-id=id.to_string()>
            <div class="card-head">
                <ConnectorIcon svg=icon />
                <div>
                    <h2 id=heading_id>{name.clone()}</h2>
                    <p class="card-meta">{catalog_name}</p>
                </div>
            </div>
            <p>
                <StatusBadge status needs_reentry=connector.needs_reentry() />
            </p>
            <p class="card-meta">{last_test}</p>
            <div class="card-actions">
                {if status == ConnectorStatus::Pending && connector.can_write {
                    let href = crate::routes::wizard_href(
                        crate::routes::Step::Configure,
                        Some(id),
                        Some(&connector.catalog_key),
                    );
                    view! {
                        <a class="button" href=href>
                            "Continue setup"
                            <span class="visually-hidden">{format!(" {name}")}</span>
                        </a>
                    }
                    .into_any()
                } else {
                    // Read-only roles look, they do not configure.
                    let verb = if connector.can_write { "Configure" } else { "View" };
                    view! {
                        <a class="button secondary" href=format!("/connectors/{id}")>
                            {verb}
                            <span class="visually-hidden">{format!(" {name}")}</span>
                        </a>
                    }
                    .into_any()
                }}
                {toggle_view}
                {delete_view}
            </div>
            {test_view}
        </li>
    }
}
