use leptos::either::Either;
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

/// A part of a page that waits for data: `loading` (a status line) until `resource` has
/// loaded, then `children` with the value, or the error shown the same way everywhere
/// ([`LoadError`]). With `page`, the data is the page's own subject: the page keeps
/// showing what it had while it reloads (a `Transition`), and a failure answers with the
/// error's HTTP status ([`PageLoadError`]).
///
/// ```text
/// <Loaded resource=members loading="Loading members…" let:members>
///     <MembersTable members />
/// </Loaded>
/// ```
#[component]
pub fn Loaded<R, T, V, F>(
    /// A `Resource` or `OnceResource` of a `Result<T, AppError>`.
    resource: R,
    /// The status line shown while loading.
    #[prop(default = "Loading…")]
    loading: &'static str,
    #[prop(optional)] page: bool,
    /// The view of the loaded value.
    children: F,
) -> impl IntoView
where
    R: IntoFuture<Output = Result<T, AppError>> + Copy + Send + Sync + 'static,
    R::IntoFuture: Send + 'static,
    T: Send + 'static,
    V: IntoView + 'static,
    F: Fn(T) -> V + Send + Sync + 'static,
{
    let children = StoredValue::new(children);
    let content = move || {
        Suspend::new(async move {
            match resource.await {
                Ok(value) => Either::Left(children.with_value(|children| children(value))),
                Err(error) if page => {
                    Either::Right(Either::Left(view! { <PageLoadError error /> }))
                }
                Err(error) => Either::Right(Either::Right(view! { <LoadError error /> })),
            }
        })
    };
    let fallback = move || view! { <p role="status">{loading}</p> };
    if page {
        Either::Left(view! { <Transition fallback>{content}</Transition> })
    } else {
        Either::Right(view! { <Suspense fallback>{content}</Suspense> })
    }
}
