//! Text typed into the server-rendered page before the app took over. The page is usable
//! before the WASM arrives, and hydration writes each bound input's value from the state
//! the page was rendered with, which would throw away what the person typed meanwhile.
//! A page reads it first ([`typed_before_hydration`]) and applies it once hydrated.

/// What is in the input `id` when the app hydrates, if it differs from `rendered` (the
/// value the server rendered it with). `None` on the server, after hydration (a client
/// navigation renders a fresh input), or when the input is missing.
pub fn typed_before_hydration(id: &str, rendered: &str) -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        use leptos::prelude::document;
        use leptos::wasm_bindgen::JsCast;
        if crate::dom::has_hydrated() {
            return None;
        }
        let input = document()
            .get_element_by_id(id)?
            .dyn_into::<leptos::web_sys::HtmlInputElement>()
            .ok()?;
        let typed = input.value();
        (typed != rendered).then_some(typed)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (id, rendered);
        None
    }
}
