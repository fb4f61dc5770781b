//! Showing a form submission's outcome: an alert for the whole form and a message under
//! each field the server named, tied to its input with `aria-describedby`.

use leptos::prelude::*;

use crate::components::field::FieldError;
use crate::error::AppError;

/// The whole-form message of the last failed submission, announced to screen readers.
#[component]
pub fn FormAlert(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    move || {
        error.get().map(|error| {
            view! {
                <div class="alert alert-error" role="alert">
                    <p>{error.to_string()}</p>
                </div>
            }
        })
    }
}

/// The id of a field's error message, for the input's `aria-describedby`.
pub fn error_id(form: &str, field: &str) -> String {
    format!("{form}-{field}-error")
}

/// The server's messages for one field, if any.
#[component]
pub fn FieldMessage(
    #[prop(into)] error: Signal<Option<AppError>>,
    form: &'static str,
    field: &'static str,
) -> impl IntoView {
    let messages = move || {
        error
            .get()
            .and_then(|error| error.fields().get(field).cloned())
    };
    view! {
        <FieldError
            id=error_id(form, field)
            live=true
            messages=move || messages().map(|messages| messages.join(" "))
        />
    }
}

/// Whether the last submission named this field as invalid, for `aria-invalid`.
pub fn field_invalid(
    error: Signal<Option<AppError>>,
    field: &'static str,
) -> impl Fn() -> Option<&'static str> {
    move || {
        error
            .get()
            .is_some_and(|error| error.fields().contains_key(field))
            .then_some("true")
    }
}
