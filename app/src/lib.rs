//! Connector Hub's isomorphic application: the UI rendered on the server and hydrated in
//! the browser, the types both sides share, and the server functions with their ports.

pub mod api;
pub mod components;
pub mod dom;
pub mod error;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ports;
pub mod raw_text;
pub mod routes;
pub mod schema;
pub mod schema_form;

/// For the browser entry (`frontend`), which marks the page once hydration is done.
#[cfg(feature = "hydrate")]
pub use dom::mark_hydrated;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{Lazy, ParamSegment, SsrMode, StaticSegment};

use crate::components::auth_epoch::AuthEpoch;
use crate::components::layout::SiteHeader;
use crate::components::toasts::{ToastRegion, Toasts};
use crate::pages::{
    CatalogRoute, ConnectorDetailRoute, HomeRoute, LoginRoute, NotFoundPage, SettingsRoute,
    SetupRoute, WizardRoute,
};

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    // Decision: no `<link rel="preload">` hints for a page's WASM chunks. The Leptos
    // integration (leptos_integration_utils 0.8.9) adds them after rendering but outside
    // the request's reactive owner, so under concurrent requests to pages that wait for
    // data they land in whichever page's head is open on that thread: of 200 concurrent
    // `/setup` requests most had none and a few had up to 2,179 links. Providing our own,
    // never read, registry here takes the lazy routes' registrations away from it. A page
    // fetches its chunks when the main bundle runs instead (one round trip later).
    // `end2end/tests/code-splitting.spec.ts` holds it.
    provide_context(leptos::PrefetchLazyFn::default());
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
                <components::scripted::WithoutScriptStyle />
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
    let toasts = Toasts::provide();

    view! {
        // Every page's title passes through here: `raw_text` keeps a connector's name from
        // closing the server-rendered `<title>`.
        <Title formatter=|page: String| raw_text::raw_text(format!("{page} · Connector Hub")) />
        <div class="app">
            <a class="skip-link" href="#main">"Skip to content"</a>
            <Router>
                <SiteHeader />
                <main id="main" tabindex="-1">
                    <Routes fallback=NotFoundPage>
                        // Every page renders completely on the server (`Async`): the header
                        // and page data are in the first HTML, before (or without) the WASM.
                        <Route path=StaticSegment("") view={Lazy::<HomeRoute>::new()} ssr=SsrMode::Async />
                        <Route path=StaticSegment("catalog") view={Lazy::<CatalogRoute>::new()} ssr=SsrMode::Async />
                        <Route path=StaticSegment("settings") view={Lazy::<SettingsRoute>::new()} ssr=SsrMode::Async />
                        <Route path=StaticSegment("login") view={Lazy::<LoginRoute>::new()} ssr=SsrMode::Async />
                        <Route path=StaticSegment("setup") view={Lazy::<SetupRoute>::new()} ssr=SsrMode::Async />
                        <Route path=(StaticSegment("connectors"), StaticSegment("new")) view={Lazy::<WizardRoute>::new()} ssr=SsrMode::Async />
                        <Route path=(StaticSegment("connectors"), ParamSegment("id")) view={Lazy::<ConnectorDetailRoute>::new()} ssr=SsrMode::Async />
                    </Routes>
                </main>
            </Router>
            <ToastRegion toasts />
        </div>
    }
}
