//! `/connectors/:id`: one instance, in tabs kept in the URL (`?tab=credentials`):
//! Configuration, Credentials, Tests, Permissions and Activity, one file per tab
//! (`configuration.rs`, `credentials.rs`, `test_history.rs`, `permissions.rs`, `activity.rs`).
//! This module holds the page, its heading (with the status actions), the tab switching,
//! and what the tabs share: their `Context` and `is_saved`.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use uuid::Uuid;

use crate::api::connectors::{InstanceView, connector_page};
use crate::components::confirm::{ConfirmDialog, Question};
use crate::components::connection_test::{TestConnection, TestRuns};
use crate::components::connector_actions::{Request, status_toggle};
use crate::components::connector_icon::ConnectorIcon;
use crate::components::scripted::NeedsJavaScript;
use crate::components::status_badge::StatusBadge;
use crate::components::suspense::Loaded;
use crate::components::toasts::Toasts;
use crate::error::AppError;
use crate::model::ConnectorType;
use crate::model::connector::{Connector, ConnectorStatus};
use crate::routes::{Step, wizard_href};

mod activity;
mod configuration;
mod credentials;
mod permissions;
mod test_history;

use activity::ActivityTab;
use configuration::ConfigurationTab;
use credentials::CredentialsTab;
use permissions::PermissionsTab;
use test_history::TestsTab;

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
