//! A schema field's chrome: the app's one field chrome ([`crate::components::field`]) fed
//! from the schema (label, `description`/`x-help`/`examples`) and the form's errors.

use leptos::prelude::*;
use serde_json::Value;

use super::form::{FieldProps, FormState};
use crate::components::field::{self, FieldError, FieldHelp, FieldLabel};
use crate::schema::codec::plain;

/// Description, `x-help` and `examples`, under the input.
fn help_text(node: &Value) -> Option<String> {
    let mut parts: Vec<String> = ["description", "x-help"]
        .iter()
        .filter_map(|key| node.get(*key).and_then(Value::as_str).map(str::to_owned))
        .collect();
    if let Some(examples) = node
        .get("examples")
        .and_then(Value::as_array)
        .filter(|e| !e.is_empty())
    {
        let examples: Vec<String> = examples.iter().map(plain).collect();
        parts.push(format!("For example: {}.", examples.join(", ")));
    }
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// `aria-describedby` for an input: its help (if any) and its error line.
pub(super) fn described_by(props: &FieldProps) -> String {
    let help = help_text(&props.schema).map(|_| props.form.help_id(&props.pointer));
    field::described_by(help.as_deref(), &props.form.error_id(&props.pointer))
}

pub(super) fn help_view(props: &FieldProps) -> impl IntoView + use<> {
    let id = props.form.help_id(&props.pointer);
    help_text(&props.schema).map(|text| view! { <FieldHelp id>{text}</FieldHelp> })
}

pub(super) fn error_view(form: FormState, pointer: String, under: bool) -> impl IntoView {
    let id = form.error_id(&pointer);
    let messages = move || {
        if under {
            form.errors_under(&pointer)
        } else {
            form.errors_at(&pointer)
        }
    };
    view! { <FieldError id messages=move || messages().join(" ") /> }
}

pub(super) fn invalid(form: FormState, pointer: String) -> impl Fn() -> Option<&'static str> {
    move || (!form.errors_at(&pointer).is_empty()).then_some("true")
}

pub(super) fn label_view(props: &FieldProps) -> impl IntoView + use<> {
    let id = props.form.field_id(&props.pointer);
    let label = props.label.clone();
    let required = props.required;
    view! { <FieldLabel for_id=id required>{label}</FieldLabel> }
}

/// The frame of a one-input field: label, the input, its help and its error line.
pub(super) fn field_shell(
    props: &FieldProps,
    class: &'static str,
    input: impl IntoView + 'static,
) -> AnyView {
    view! {
        <div class=class data-widget=props.renderer.name>
            {label_view(props)}
            {input}
            {help_view(props)}
            {error_view(props.form, props.pointer.clone(), false)}
        </div>
    }
    .into_any()
}
