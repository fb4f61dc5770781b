//! Step 5: test the connection.

use leptos::prelude::*;

use crate::components::connection_test::{TestConnection, TestRuns};
use crate::components::oauth::OAuthOutcome;
use crate::components::scripted::NeedsJavaScript;
use crate::model::connector::Connector;
use crate::routes::{Step, wizard_href};

use super::{Wizard, back_href, test_verdict};

#[component]
pub(super) fn TestStep(wizard: Wizard, draft: Connector) -> impl IntoView {
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
