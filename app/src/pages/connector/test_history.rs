//! The Tests tab: how the last connection test went, and the test history.

use leptos::prelude::*;

use crate::components::connection_test::TestHistory;
use crate::components::time::shown_time;

use super::Context;

#[component]
pub(super) fn TestsTab(context: Context) -> impl IntoView {
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
