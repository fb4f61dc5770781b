//! "Test connection": the button, a progress message while the test runs, and the result
//! panel with its trace (steps, then the request and the response, each collapsible).
//!
//! Runs and results live in [`TestRuns`], created by the page above anything that reloads
//! after a test (the list of cards, the connector page), so a result stays on screen when
//! the status badge beside it is refreshed.
//!
//! "Cancel test" stops waiting: the page drops the request (the browser aborts it) and
//! says "Test cancelled." and no more. Whether the server still records a result depends
//! on whether it notices the closed connection before the service answers (a newcomer
//! walk saw none recorded), so the page promises neither.

use std::collections::{HashMap, HashSet};

use futures::future::{AbortHandle, abortable};
use leptos::prelude::*;
use uuid::Uuid;

use crate::api::connectors::{connector_tests, test_connector};
use crate::components::focus::FocusReturn;
use crate::components::suspense::LoadError;
use crate::components::time::shown_time;
use crate::model::probe::{ConnectionTest, ProbeTrace};

/// The tests running on a page and the latest result (or refusal) per instance.
#[derive(Clone, Copy)]
pub struct TestRuns {
    running: RwSignal<HashSet<Uuid>>,
    results: RwSignal<HashMap<Uuid, Result<ConnectionTest, String>>>,
    /// Tests stopped with "Cancel test", until the instance's next run.
    cancelled: RwSignal<HashSet<Uuid>>,
    /// How to stop each running test.
    stops: StoredValue<HashMap<Uuid, AbortHandle>>,
    /// `after` may reload what holds the button: focus returns to it.
    refocus: FocusReturn,
}

impl Default for TestRuns {
    fn default() -> Self {
        Self::new()
    }
}

impl TestRuns {
    pub fn new() -> Self {
        TestRuns {
            running: RwSignal::new(HashSet::new()),
            results: RwSignal::new(HashMap::new()),
            cancelled: RwSignal::new(HashSet::new()),
            stops: StoredValue::new(HashMap::new()),
            refocus: FocusReturn::new(),
        }
    }

    fn is_running(self, id: Uuid) -> bool {
        self.running.with(|running| running.contains(&id))
    }

    /// The result of the last test run on this page, if any.
    pub fn result(self, id: Uuid) -> Option<Result<ConnectionTest, String>> {
        self.results.with(|results| results.get(&id).cloned())
    }

    /// Runs the instance's test; `after` runs once its result is in.
    fn start(self, id: Uuid, wizard: bool, after: Option<Callback<()>>) {
        if !self
            .running
            .try_update(|running| running.insert(id))
            .unwrap_or(false)
        {
            return;
        }
        self.cancelled.update(|cancelled| {
            cancelled.remove(&id);
        });
        let (request, stop) = abortable(test_connector(id, wizard));
        self.stops.update_value(|stops| {
            stops.insert(id, stop);
        });
        leptos::task::spawn_local(async move {
            // Cancelled: `cancel` has updated the page already.
            let Ok(result) = request.await else {
                return;
            };
            self.stops.update_value(|stops| {
                stops.remove(&id);
            });
            self.results.update(|results| {
                results.insert(id, result.map_err(|error| error.to_string()));
            });
            self.running.update(|running| {
                running.remove(&id);
            });
            if let Some(after) = after {
                self.refocus.to(button_id(id));
                after.run(());
            }
        });
    }

    /// Stops waiting for the instance's running test; focus goes back to its button
    /// (the Cancel button that had it is gone).
    fn cancel(self, id: Uuid) {
        if let Some(stop) = self
            .stops
            .try_update_value(|stops| stops.remove(&id))
            .flatten()
        {
            stop.abort();
        }
        self.results.update(|results| {
            results.remove(&id);
        });
        self.cancelled.update(|cancelled| {
            cancelled.insert(id);
        });
        self.running.update(|running| {
            running.remove(&id);
        });
        crate::components::focus::focus_by_id(&button_id(id));
    }

    fn was_cancelled(self, id: Uuid) -> bool {
        self.cancelled.with(|cancelled| cancelled.contains(&id))
    }
}

fn button_id(id: Uuid) -> String {
    format!("test-connection-{id}")
}

/// The button, the progress and the latest result of one instance's test.
#[component]
pub fn TestConnection(
    id: Uuid,
    runs: TestRuns,
    /// Told to the server: the setup wizard's test step.
    #[prop(optional)]
    wizard: bool,
    /// Run after each test, e.g. to reload the status badge.
    #[prop(optional)]
    on_done: Option<Callback<()>>,
    /// Said after "Test connection" to screen readers, to tell cards apart.
    #[prop(optional, into)]
    name: String,
    /// Whether the trace starts expanded.
    #[prop(optional)]
    open_trace: bool,
) -> impl IntoView {
    let running = move || runs.is_running(id);
    let progress = move || {
        if running() {
            "Testing the connection…".to_owned()
        } else {
            match runs.result(id) {
                Some(Ok(test)) if test.ok => "Connection works.".to_owned(),
                Some(Ok(_)) => "Connection failed.".to_owned(),
                Some(Err(_)) | None if runs.was_cancelled(id) => "Test cancelled.".to_owned(),
                Some(Err(_)) | None => String::new(),
            }
        }
    };
    let hidden_name = (!name.is_empty()).then(|| format!(" {name}"));
    let cancel_name = hidden_name.clone();
    // Not `disabled` while running: a disabled button drops keyboard focus to the page.
    view! {
        <div class="connection-test" data-testid="connection-test">
            <button
                type="button"
                class="button secondary"
                data-needs-js
                id=button_id(id)
                node_ref=runs.refocus.claim(button_id(id))
                aria-busy=move || running().then_some("true")
                aria-disabled=move || running().then_some("true")
                on:click=move |_| runs.start(id, wizard, on_done)
            >
                {move || if running() { "Testing…" } else { "Test connection" }}
                <span class="visually-hidden">{hidden_name}</span>
            </button>
            {move || running().then(|| view! {
                <button
                    type="button"
                    class="button secondary small"
                    on:click=move |_| runs.cancel(id)
                >
                    "Cancel test"
                    <span class="visually-hidden">{cancel_name.clone()}</span>
                </button>
            })}
            <p class="test-progress" role="status">
                {move || running().then(|| view! { <span class="spinner" aria-hidden="true"></span> })}
                {progress}
            </p>
            {move || match runs.result(id) {
                Some(Ok(test)) => Some(view! { <TestResult test open_trace /> }.into_any()),
                Some(Err(refusal)) => Some(view! {
                    <p class="field-error" role="alert">{refusal}</p>
                }.into_any()),
                None => None,
            }}
        </div>
    }
}

/// One result: the verdict and its sentence, then the trace.
#[component]
pub fn TestResult(test: ConnectionTest, #[prop(optional)] open_trace: bool) -> impl IntoView {
    let verdict = match (test.ok, test.error_class) {
        (true, _) => "\u{2713} Connection works".to_owned(),
        (false, Some(class)) => format!("\u{2717} {}", class.label()),
        (false, None) => "\u{2717} Connection failed".to_owned(),
    };
    let class = if test.ok {
        "test-result passed"
    } else {
        "test-result failed"
    };
    let trace = test.trace;
    let summary = [
        Some(format!("{} {}", trace.method, trace.url)),
        trace.status.map(|status| format!("HTTP {status}")),
        Some(format!("{} ms", test.duration_ms)),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    view! {
        <section class=class aria-label="Connection test result" data-ok=test.ok.to_string()>
            <p class="test-verdict">{verdict}</p>
            <p class="test-message">{trace.message.clone()}</p>
            <p class="card-meta test-summary">{summary}</p>
            <details class="test-trace" open=open_trace>
                <summary>"Trace"</summary>
                <TraceDetails trace />
            </details>
        </section>
    }
    // Erased: nested in lists of results, the full type overflows the compiler's limits.
    .into_any()
}

#[component]
fn TraceDetails(trace: ProbeTrace) -> impl IntoView {
    let steps = trace
        .steps
        .into_iter()
        .map(|step| {
            let outcome = if step.ok { "ok" } else { "failed" };
            let detail = step.detail.map(|detail| format!(" — {detail}"));
            view! {
                <li>
                    <strong>{step.name}</strong>
                    {format!(": {outcome}, {} ms", step.millis)}
                    {detail}
                </li>
            }
        })
        .collect_view();
    let status = trace.status.map_or_else(
        || "No response".to_owned(),
        |status| format!("HTTP {status}"),
    );
    view! {
        <ol class="test-steps" aria-label="Steps">{steps}</ol>
        <details class="test-request">
            <summary>"Request"</summary>
            <p><code>{format!("{} {}", trace.method, trace.url)}</code></p>
            <Headers headers=trace.request_headers />
        </details>
        <details class="test-response">
            <summary>"Response"</summary>
            <p><code>{status}</code></p>
            <Headers headers=trace.response_headers />
            // Focusable: a long body scrolls, and a scrolling region must be reachable by keyboard.
            {trace.body_excerpt.map(|body| view! { <pre class="test-body" tabindex="0">{body}</pre> })}
        </details>
    }
    .into_any()
}

#[component]
fn Headers(headers: Vec<(String, String)>) -> impl IntoView {
    if headers.is_empty() {
        return view! { <p class="card-meta">"No headers."</p> }.into_any();
    }
    view! {
        <dl class="test-headers">
            {headers
                .into_iter()
                .map(|(name, value)| view! { <dt>{name}</dt><dd>{value}</dd> })
                .collect_view()}
        </dl>
    }
    .into_any()
}

/// The instance's results, newest first, each expandable to its trace; reloaded with
/// `reload`.
#[component]
pub fn TestHistory(id: Uuid, reload: RwSignal<u64>) -> impl IntoView {
    let history = Resource::new(move || reload.get(), move |_| connector_tests(id));
    view! {
        <h2>"History"</h2>
        <Transition fallback=|| view! { <p role="status">"Loading the test history…"</p> }>
            {move || Suspend::new(async move {
                match history.await {
                    Ok(tests) if tests.is_empty() => view! {
                        <p>"This connector has not been tested yet."</p>
                    }.into_any(),
                    Ok(tests) => view! {
                        <ol class="test-history" aria-label="Test history, newest first">
                            {tests.into_iter().map(|test| view! { <HistoryEntry test /> }).collect_view()}
                        </ol>
                    }.into_any(),
                    Err(error) => view! { <LoadError error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn HistoryEntry(test: ConnectionTest) -> impl IntoView {
    let outcome = match (test.ok, test.error_class) {
        (true, _) => "\u{2713} Passed".to_owned(),
        (false, Some(class)) => format!("\u{2717} Failed: {}", class.label()),
        (false, None) => "\u{2717} Failed".to_owned(),
    };
    let summary = format!(
        "{} · {} · {} ms",
        shown_time(&test.started_at),
        test.trigger.label(),
        test.duration_ms
    );
    let ok = test.ok.to_string();
    view! {
        <li data-ok=ok>
            <details>
                <summary><strong>{outcome}</strong>" "<span class="card-meta">{summary}</span></summary>
                <TestResult test />
            </details>
        </li>
    }
}
