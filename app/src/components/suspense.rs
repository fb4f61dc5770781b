use leptos::prelude::*;

use crate::error::AppError;

/// How every page shows a failed load: a readable message in an alert region.
#[component]
pub fn LoadError(error: AppError) -> impl IntoView {
    view! {
        <div class="alert alert-error" role="alert">
            <p><strong>"Could not load this page. "</strong>{error.to_string()}</p>
        </div>
    }
}
