use leptos::prelude::*;
use leptos_meta::Title;

/// `/`: the tenant's installed connectors. Installing arrives with the connector
/// instances; until then the page says there are none and leads to the catalog.
#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Title text="Installed connectors" />
        <h1>"Installed connectors"</h1>
        <section class="empty-state">
            <p>"No connectors are installed yet."</p>
            <a class="button" href="/catalog">"Browse the catalog"</a>
        </section>
    }
}
