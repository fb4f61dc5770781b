//! Forms built from a connector type's JSON Schema, validated in the browser and again on
//! the server.
//!
//! The pure half (the layout of an object, the validator, the codecs, the messages) is
//! [`crate::schema`]; this module holds what draws it with Leptos.
//!
//! - [`registry`]: ranked renderers; the best fit for a schema node draws it, and the JSON
//!   editor (rank 0) takes whatever nothing else can, so no data is ever dropped.
//! - [`form`]: [`FormState`] (one value signal, errors keyed by JSON Pointer, the
//!   renderers it draws with) and what a renderer is.
//! - [`chrome`]: a field's label, help, error line and their ARIA wiring.
//! - [`widgets`]: the one-input widgets by kind; [`layouts`]: objects, lists, variants.
//! - [`state`]: the inputs as plain data, for the value → inputs → value round trip.

pub mod chrome;
pub mod form;
pub mod layouts;
pub mod registry;
pub mod state;
pub mod widgets;

use leptos::prelude::*;

use crate::dom::focus_by_id;

pub use form::FormState;

/// The fields of `form`, drawn from its schema. The page supplies the `<form>` around it
/// (with `novalidate`: these fields report their own errors) and the submit button.
#[component]
pub fn SchemaForm(form: FormState) -> impl IntoView {
    let root = FormState::root_schema(&form);
    let title = root
        .get("title")
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default()
        .to_owned();
    view! {
        <div class="schema-form" data-form=form.field_id("")>
            {form::render_node(form, String::new(), &root, title, true)}
        </div>
    }
}

/// The list of problems at the top of a form after a failed submit, each a link to its
/// field: `items` are (element id, message), e.g. [`FormState::summary`] plus problems of
/// fields outside the schema (a name, say). Hidden while there are none.
#[component]
pub fn ErrorSummary(
    id: &'static str,
    #[prop(into)] items: Signal<Vec<(String, String)>>,
) -> impl IntoView {
    let title_id = format!("{id}-title");
    view! {
        <Show when=move || !items.with(Vec::is_empty)>
            <div class="error-summary" id=id tabindex="-1" role="alert" aria-labelledby=title_id.clone()>
                <h3 id=title_id.clone()>"Please fix the following"</h3>
                <ul>
                    {move || {
                        in_page_order(items.get())
                            .into_iter()
                            .map(|(target, message)| {
                                let href = format!("#{target}");
                                view! {
                                    <li>
                                        <a
                                            href=href
                                            on:click=move |event| {
                                                if focus_by_id(&target) {
                                                    event.prevent_default();
                                                }
                                            }
                                        >
                                            {message}
                                        </a>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
            </div>
        </Show>
    }
}

/// The summary's lines in the order their fields come on the page (the errors arrive
/// grouped by where they were found: the browser, the server, the fixed fields); a line
/// whose field is not on the page goes last.
fn in_page_order(items: Vec<(String, String)>) -> Vec<(String, String)> {
    #[cfg(feature = "hydrate")]
    let items = {
        let mut items = items;
        let position = |target: &str| document().get_element_by_id(target);
        items.sort_by(|(a, _), (b, _)| match (position(a), position(b)) {
            (Some(a), Some(b)) => {
                let follows = a.compare_document_position(&b);
                if follows & leptos::web_sys::Node::DOCUMENT_POSITION_FOLLOWING != 0 {
                    std::cmp::Ordering::Less
                } else if follows & leptos::web_sys::Node::DOCUMENT_POSITION_PRECEDING != 0 {
                    std::cmp::Ordering::Greater
                } else {
                    std::cmp::Ordering::Equal
                }
            }
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        });
        items
    };
    items
}

/// Moves focus to the error summary `id` once it has rendered.
pub fn focus_summary(id: &'static str) {
    request_animation_frame(move || {
        focus_by_id(id);
    });
}
