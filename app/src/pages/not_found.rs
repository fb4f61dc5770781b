use leptos::prelude::*;
use leptos_meta::Title;

/// Any path without a page. The server answers it with status 404.
///
/// In the browser, the client router lands here for every path it has no page for,
/// including the server's own routes (`/oauth/callback`, which a sign-in can return to,
/// `/api/…`). Once the app has hydrated, such a navigation is handed to the server with a
/// full page load: the server then runs its route, or renders this page itself with a
/// real 404. (The server-rendered 404 hydrates before the app marks itself hydrated, so it
/// is not loaded again.)
#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    #[cfg(feature = "hydrate")]
    hand_to_the_server();
    view! {
        <Title text="Page not found" />
        <h1>"Page not found"</h1>
        <p>"There is no page at this address."</p>
        <a href="/catalog">"Browse the catalog"</a>
    }
}

/// Loads the current address from the server, if the app had already hydrated when the
/// client router brought the browser here.
#[cfg(feature = "hydrate")]
fn hand_to_the_server() {
    if crate::dom::has_hydrated() {
        // The address the router is rendering (the browser's may not be updated yet).
        let routed = leptos_router::hooks::use_location();
        let search = routed.search.get_untracked();
        let hash = routed.hash.get_untracked();
        let path = format!(
            "{}{}{search}{}{}",
            routed.pathname.get_untracked(),
            if search.is_empty() { "" } else { "?" },
            if hash.is_empty() || hash.starts_with('#') {
                ""
            } else {
                "#"
            },
            hash
        );
        _ = window().location().replace(&path);
    }
}
