//! Hydration entry point: the browser runs this once the server-rendered page has loaded.

/// Hydrates the server-rendered page. Each page's code is a WASM chunk of its own (see
/// `app::pages`), so hydration is asynchronous: it waits for the current page's chunk.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    wasm_bindgen_futures::spawn_local(async {
        let body = leptos::tachys::dom::body();
        leptos::mount::hydrate_from_async(body, app::App)
            .await
            .forget();
        app::mark_hydrated();
    });
}
