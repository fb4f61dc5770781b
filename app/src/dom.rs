//! The few things the app does to the page directly, below every view: focusing an
//! element by id, and the hydration marker. Forms, components and pages all use them, so
//! they live at the bottom of the module tree rather than in one of those layers.

use leptos::prelude::*;

/// Focuses the element with `id`; `false` if there is none. Browser only.
pub fn focus_by_id(id: &str) -> bool {
    use leptos::wasm_bindgen::JsCast;
    let element = document()
        .get_element_by_id(id)
        .and_then(|element| element.dyn_into::<leptos::web_sys::HtmlElement>().ok());
    match element {
        Some(element) => element.focus().is_ok(),
        None => false,
    }
}

/// Marks the page as hydrated. The browser entry calls this once hydration has finished,
/// including the page's route chunk, which arrives after the main bundle; an effect in
/// [`crate::App`] would fire before that. Tests wait for `.app[data-hydrated="true"]` instead of
/// racing the WASM.
#[cfg(feature = "hydrate")]
pub fn mark_hydrated() {
    if let Ok(Some(app)) = document().query_selector(".app") {
        _ = app.set_attribute("data-hydrated", "true");
    }
}

/// Whether [`mark_hydrated`] has run: code that runs both while the server-rendered page
/// is hydrated and on later client navigations tells them apart with it.
#[cfg(feature = "hydrate")]
pub fn has_hydrated() -> bool {
    document()
        .query_selector(".app[data-hydrated=\"true\"]")
        .ok()
        .flatten()
        .is_some()
}
