//! A list: a row per item, each drawn by the form's renderers, with add and remove.

use leptos::prelude::*;
use serde_json::{Map, Value};

use crate::schema::document::{self, resolve};
use crate::schema::pointer;
use crate::schema::shape;
use crate::schema_form::chrome::{error_view, help_view};
use crate::schema_form::form::{FieldProps, FormState, render_node};

pub fn list(props: FieldProps) -> AnyView {
    let FieldProps {
        form,
        pointer,
        schema: node,
        label,
        ..
    } = props.clone();
    let items_node =
        form.with_root(|root| resolve(root, node.get("items").unwrap_or(&Value::Bool(true))));
    let max_items = node
        .get("maxItems")
        .and_then(Value::as_u64)
        .map(|n| n as usize);
    let min_items = node.get("minItems").and_then(Value::as_u64).unwrap_or(0) as usize;
    let count = {
        let pointer = pointer.clone();
        Memo::new(move |_| {
            form.value.with(|value| {
                value
                    .pointer(&pointer)
                    .and_then(Value::as_array)
                    .map_or(0, Vec::len)
            })
        })
    };
    let item_label = document::label(&items_node, "item");
    let rows = {
        let (pointer, items_node, item_label) =
            (pointer.clone(), items_node.clone(), item_label.clone());
        view! {
            <For
                each=move || 0..count.get()
                key=|index| *index
                children=move |index| {
                    let at = pointer::item(&pointer, index);
                    let remove_at = at.clone();
                    let row_label = format!("{} {}", item_label, index + 1);
                    view! {
                        <li class="list-item">
                            {render_node(form, at, &items_node, row_label.clone(), true)}
                            <button
                                type="button"
                                class="button secondary small"
                                aria-label=format!("Remove {row_label}")
                                disabled=move || count.get() <= min_items
                                on:click=move |_| form.set_at(&remove_at, None)
                            >
                                "Remove"
                            </button>
                        </li>
                    }
                }
            />
        }
    };
    let add = {
        let (pointer, items_node) = (pointer.clone(), items_node.clone());
        move |_| {
            let index = count.get_untracked();
            let fresh = form.with_root(|root| new_item(root, &items_node));
            if index == 0 && form.value.with_untracked(|v| v.pointer(&pointer).is_none()) {
                form.set_at(&pointer, Some(Value::Array(Vec::new())));
            }
            form.set_at(&pointer::item(&pointer, index), Some(fresh));
            let target = pointer::item(&pointer, index);
            request_animation_frame(move || form.focus(&first_input(form, &target)));
        }
    };
    let id = form.field_id(&pointer);
    view! {
        <fieldset class="field-group field-list" id=id tabindex="-1" data-widget="list">
            <legend>{label.clone()}</legend>
            {help_view(&props)}
            <ul class="list-items">{rows}</ul>
            <button
                type="button"
                class="button secondary small"
                disabled=move || max_items.is_some_and(|max| count.get() >= max)
                on:click=add
            >
                {format!("Add {}", item_label.to_lowercase())}
            </button>
            {error_view(form, pointer, false)}
        </fieldset>
    }
    .into_any()
}

/// What "Add" puts in a list: the item's default, else an empty value of its type.
fn new_item(root: &Value, items: &Value) -> Value {
    if let Some(initial) = shape::initial_value(root, items) {
        return initial;
    }
    if let Some(first) = items
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|o| o.first())
    {
        return first.clone();
    }
    match document::main_type(items) {
        Some("boolean") => Value::Bool(false),
        Some("object") => Value::Object(Map::new()),
        Some("array") => Value::Array(Vec::new()),
        Some("string" | "integer" | "number") => Value::String(String::new()),
        _ => Value::Null,
    }
}

/// The pointer whose input should take focus in a new item: the item itself, or for an
/// object item its first field.
fn first_input(form: FormState, item: &str) -> String {
    let first_key = form.value.with_untracked(|value| {
        value
            .pointer(item)
            .and_then(Value::as_object)
            .and_then(|map| map.keys().next().cloned())
    });
    first_key.map_or_else(|| item.to_owned(), |key| pointer::child(item, &key))
}
