//! Connector Hub's isomorphic application: the UI rendered on the server and hydrated in
//! the browser, the types both sides share, and the server functions with their ports.

pub mod api;
pub mod components;
pub mod error;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ports;
pub mod schema_form;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{ParamSegment, SsrMode, StaticSegment};

use crate::components::auth_epoch::AuthEpoch;
use crate::components::layout::SiteHeader;
use crate::pages::{
    CatalogPage, ConnectorDetailPage, HomePage, LoginPage, NotFoundPage, SettingsPage, SetupPage,
    WizardPage,
};

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" href="/favicon.ico" />
                <link rel="stylesheet" href=format!("/pkg/{}.css", options.output_name) />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    AuthEpoch::provide();
    // Effects run only in the browser, after hydration: tests wait for this marker
    // instead of racing the WASM bundle.
    let hydrated = RwSignal::new(false);
    Effect::new(move || hydrated.set(true));

    view! {
        <Title formatter=|page: String| format!("{page} · Connector Hub") />
        <div class="app" data-hydrated=move || hydrated.get().then_some("true")>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <Router>
                <SiteHeader />
                <main id="main" tabindex="-1">
                    <Routes fallback=NotFoundPage>
                        // Every page renders completely on the server (`Async`): the header
                        // and page data are in the first HTML, before (or without) the WASM.
                        <Route path=StaticSegment("") view=HomePage ssr=SsrMode::Async />
                        <Route path=StaticSegment("catalog") view=CatalogPage ssr=SsrMode::Async />
                        <Route path=StaticSegment("settings") view=SettingsPage ssr=SsrMode::Async />
                        <Route path=StaticSegment("login") view=LoginPage ssr=SsrMode::Async />
                        <Route path=StaticSegment("setup") view=SetupPage ssr=SsrMode::Async />
                        <Route path=(StaticSegment("connectors"), StaticSegment("new")) view=WizardPage ssr=SsrMode::Async />
                        <Route path=(StaticSegment("connectors"), ParamSegment("id")) view=ConnectorDetailPage ssr=SsrMode::Async />
                    </Routes>
                </main>
            </Router>
        </div>
    }
}
