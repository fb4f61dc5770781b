use leptos::prelude::*;
use leptos_router::components::A;

/// The top bar: product name and the main navigation. `A` marks the current page with
/// `aria-current="page"`.
#[component]
pub fn SiteHeader() -> impl IntoView {
    view! {
        <header class="site-header">
            <a class="brand" href="/">"Connector Hub"</a>
            <nav aria-label="Main">
                <ul>
                    <li><A href="/" exact=true>"Installed"</A></li>
                    <li><A href="/catalog">"Catalog"</A></li>
                </ul>
            </nav>
        </header>
    }
}
