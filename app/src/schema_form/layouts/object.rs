//! An object's layout: its fields (grouped ones folded), the `oneOf` variant selector in
//! the discriminator's place, and the keys the schema does not describe as JSON.

use leptos::prelude::*;
use serde_json::{Map, Value};

use super::variants::{VARIANT, variant_node};
use crate::components::field::FieldError;
use crate::schema::document;
use crate::schema::pointer;
use crate::schema::shape::{Field, ObjectShape, object_shape};
use crate::schema_form::chrome::{error_view, help_view};
use crate::schema_form::form::{FieldProps, FormState, render_node};

/// One rendered field of an object, keyed so that a field keeps its input (and focus)
/// while other fields appear, disappear or change.
#[derive(Clone, Debug, PartialEq)]
struct Slot {
    key: String,
    field: Field,
    /// The variant selector's node, for the discriminator of a `oneOf`.
    variant: Option<Value>,
}

fn slots(form: FormState, pointer: &str, shape: &ObjectShape, group: Option<&str>) -> Vec<Slot> {
    shape
        .fields
        .iter()
        .filter(|field| field.group.as_deref() == group)
        .map(|field| {
            let variant = shape
                .variants
                .as_ref()
                .filter(|variants| variants.discriminator == field.name)
                .map(|variants| variant_node(field, variants));
            let child = pointer::child(pointer, &field.name);
            let renderer = match &variant {
                Some(_) => VARIANT.name,
                None => {
                    let current = form
                        .value
                        .with_untracked(|value| value.pointer(&child).cloned());
                    form.choose(&field.schema, current.as_ref()).name
                }
            };
            let key = format!(
                "{}|{renderer}|{}|{}|{}",
                field.name,
                field.required,
                field.schema,
                variant.as_ref().map(Value::to_string).unwrap_or_default()
            );
            Slot {
                key,
                field: field.clone(),
                variant,
            }
        })
        .collect()
}

fn slot_view(form: FormState, parent: &str, slot: Slot) -> AnyView {
    let pointer = pointer::child(parent, &slot.field.name);
    let label = document::label(&slot.field.schema, &slot.field.name);
    match slot.variant {
        Some(node) => (VARIANT.view)(FieldProps {
            form,
            pointer,
            schema: node,
            label,
            required: true,
            renderer: &VARIANT,
        }),
        None => render_node(
            form,
            pointer,
            &slot.field.schema,
            label,
            slot.field.required,
        ),
    }
}

fn field_list(
    form: FormState,
    pointer: String,
    shape: Memo<ObjectShape>,
    group: Option<String>,
) -> impl IntoView {
    let parent = pointer.clone();
    view! {
        <For
            each=move || shape.with(|shape| slots(form, &pointer, shape, group.as_deref()))
            key=|slot| slot.key.clone()
            children=move |slot| slot_view(form, &parent, slot)
        />
    }
}

pub fn object(props: FieldProps) -> AnyView {
    let FieldProps {
        form,
        pointer,
        schema: node,
        label,
        ..
    } = props.clone();
    let shape = {
        let (pointer, node) = (pointer.clone(), node.clone());
        Memo::new(move |_| {
            form.with_root(|root| {
                form.value.with(|value| {
                    object_shape(root, &node, value.pointer(&pointer).unwrap_or(&Value::Null))
                })
            })
        })
    };
    let groups = Memo::new(move |_| {
        shape.with(|shape| {
            let mut groups: Vec<String> = Vec::new();
            for group in shape.fields.iter().filter_map(|field| field.group.clone()) {
                if !groups.contains(&group) {
                    groups.push(group);
                }
            }
            groups
        })
    });
    let ungrouped = field_list(form, pointer.clone(), shape, None);
    let grouped = {
        let pointer = pointer.clone();
        view! {
            <For
                each=move || groups.get()
                key=|group| group.clone()
                children=move |group| {
                    // A group (e.g. "Advanced") starts folded, and opens by itself when a
                    // field in it has an error; it never closes under the person.
                    let fold = NodeRef::<leptos::html::Details>::new();
                    let (in_group, at) = (group.clone(), pointer.clone());
                    Effect::new(move |_| {
                        let errors_inside = shape.with(|shape| {
                            shape
                                .fields
                                .iter()
                                .filter(|field| field.group.as_deref() == Some(in_group.as_str()))
                                .any(|field| {
                                    !form.errors_at(&pointer::child(&at, &field.name)).is_empty()
                                })
                        });
                        if errors_inside && let Some(fold) = fold.get() {
                            fold.set_open(true);
                        }
                    });
                    view! {
                        <details class="field-group-fold" node_ref=fold>
                            <summary>{group.clone()}</summary>
                            <fieldset class="field-group">
                                <legend class="visually-hidden">{group.clone()}</legend>
                                {field_list(form, pointer.clone(), shape, Some(group))}
                            </fieldset>
                        </details>
                    }
                }
            />
        }
    };
    let extra = extra_fields(form, pointer.clone(), shape);
    if pointer.is_empty() {
        view! { <div class="schema-form-fields">{ungrouped} {grouped} {extra}</div> }.into_any()
    } else {
        let id = form.field_id(&pointer);
        view! {
            <fieldset class="field-group" id=id tabindex="-1" data-widget="object">
                <legend>{label}</legend>
                {help_view(&props)}
                {ungrouped}
                {grouped}
                {extra}
                {error_view(form, pointer, false)}
            </fieldset>
        }
        .into_any()
    }
}

/// Keys of the value the schema does not describe: kept, and editable as JSON.
fn extra_fields(form: FormState, pointer: String, shape: Memo<ObjectShape>) -> impl IntoView {
    let keys = Memo::new(move |_| shape.with(|shape| shape.extra.clone()));
    move || {
        let keys = keys.get();
        (!keys.is_empty()).then(|| {
            let extras_pointer = pointer.clone();
            let current: Map<String, Value> = form.value.with_untracked(|value| {
                keys.iter()
                    .filter_map(|key| Some((key.clone(), value.pointer(&pointer::child(&extras_pointer, key))?.clone())))
                    .collect()
            });
            let text = RwSignal::new(serde_json::to_string_pretty(&current).unwrap_or_default());
            let problem = RwSignal::new(None::<String>);
            let id = format!("{}--extra", form.field_id(&pointer));
            let error_id = format!("{id}-error");
            let messages = {
                let (pointer, keys) = (pointer.clone(), keys.clone());
                move || {
                    let mut messages: Vec<String> = problem.get().into_iter().collect();
                    for key in &keys {
                        let at = pointer::child(&pointer, key);
                        messages.extend(form.errors_at(&at).into_iter().map(|m| format!("{key}: {m}")));
                    }
                    messages.join(" ")
                }
            };
            let on_input = move |event| {
                let typed = event_target_value(&event);
                text.set(typed.clone());
                match serde_json::from_str::<Map<String, Value>>(&typed) {
                    Ok(map) => {
                        problem.set(None);
                        for key in &keys {
                            if !map.contains_key(key) {
                                form.set_at(&pointer::child(&extras_pointer, key), None);
                            }
                        }
                        for (key, value) in map {
                            form.set_at(&pointer::child(&extras_pointer, &key), Some(value));
                        }
                    }
                    Err(error) => problem.set(Some(format!("Not valid JSON: {error}."))),
                }
            };
            view! {
                <div class="field field-json" data-widget="extra">
                    <label for=id.clone()>"Other fields"</label>
                    <textarea
                        id=id
                        class="json-editor"
                        rows="4"
                        spellcheck="false"
                        aria-describedby=error_id.clone()
                        prop:value=move || text.get()
                        on:input=on_input
                    >
                        {crate::raw_text::raw_text(text.get_untracked())}
                    </textarea>
                    <p class="field-help">"Fields this connector type does not describe, kept as JSON."</p>
                    <FieldError id=error_id messages />
                </div>
            }
        })
    }
}
