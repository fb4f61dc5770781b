use leptos::prelude::*;
use leptos_meta::Title;

use crate::error::AppError;

/// How a part of a page shows a failed load: a readable message in an alert region, with
/// a way back in when the session has ended.
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

/// How a page whose own subject failed to load answers: with the error's HTTP status
/// (a missing connector or draft is a 404, not a 200 with an error in it), and for
/// something that does not exist, a not-found page with ways on.
#[component]
pub fn PageLoadError(error: AppError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>()
        && let Ok(status) = http::StatusCode::from_u16(error.status_code())
    {
        response.set_status(status);
    }
    match error {
        AppError::NotFound(message) => view! {
            <Title text="Not found" />
            <h1>"Not found"</h1>
            <p>{message}</p>
            <p><a href="/">"Installed connectors"</a> " · " <a href="/catalog">"Catalog"</a></p>
        }
        .into_any(),
        error => view! { <LoadError error /> }.into_any(),
    }
}
