use leptos::prelude::*;

use crate::error::AppError;

/// How every page shows a failed load: a readable message in an alert region, with a way
/// back in when the session has ended.
#[component]
pub fn LoadError(error: AppError) -> impl IntoView {
    let signed_out = error == AppError::Unauthorized;
    view! {
        <div class="alert alert-error" role="alert">
            <p><strong>"Could not load this page. "</strong>{error.to_string()}</p>
            <Show when=move || signed_out>
                <p><a href="/login">"Sign in again"</a></p>
            </Show>
        </div>
    }
}
