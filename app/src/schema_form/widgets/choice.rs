//! Widgets for a choice: a checkbox for a boolean, radio buttons for a short enum, and a
//! select for a longer one (and for a `oneOf` variant).

use leptos::prelude::*;
use serde_json::Value;

use crate::components::field::RequiredMark;
use crate::schema::codec::{Codec, plain};
use crate::schema_form::chrome::{described_by, error_view, help_view, invalid, label_view};
use crate::schema_form::form::FieldProps;
use crate::schema_form::widgets::text::text_memo;

pub fn checkbox(props: FieldProps) -> AnyView {
    let FieldProps {
        form,
        pointer,
        renderer,
        ..
    } = props.clone();
    let checked = {
        let pointer = pointer.clone();
        Memo::new(move |_| form.value_at(&pointer) == Some(Value::Bool(true)))
    };
    let set_at = pointer.clone();
    view! {
        <div class="field field-checkbox" data-widget=renderer.name>
            <input
                type="checkbox"
                id=form.field_id(&pointer)
                name=pointer.clone()
                aria-invalid=invalid(form, pointer.clone())
                aria-describedby=described_by(&props)
                prop:checked=checked
                checked=move || checked.get()
                on:change=move |event| form.set_at(&set_at, Some(Value::Bool(event_target_checked(&event))))
            />
            {label_view(&props)}
            {help_view(&props)}
            {error_view(form, pointer, false)}
        </div>
    }
    .into_any()
}

/// The choices of an enum: each value with the words shown for it.
pub(crate) fn choices(node: &Value) -> Vec<(Value, String)> {
    let titles = node.get("x-enum-titles").and_then(Value::as_array);
    node.get("enum")
        .and_then(Value::as_array)
        .map(|options| {
            options
                .iter()
                .enumerate()
                .map(|(index, option)| {
                    let title = titles
                        .and_then(|titles| titles.get(index))
                        .and_then(Value::as_str)
                        .map_or_else(|| plain(option), str::to_owned);
                    (option.clone(), title)
                })
                .collect()
        })
        .unwrap_or_default()
}

pub(crate) fn select_view(
    props: FieldProps,
    options: Vec<(Value, String)>,
    on_pick: Callback<Option<Value>>,
) -> AnyView {
    let FieldProps {
        form,
        pointer,
        renderer,
        required,
        ..
    } = props.clone();
    let current = text_memo(form, pointer.clone(), Codec::Choice);
    let mut options: Vec<(String, String)> = options
        .into_iter()
        .map(|(value, title)| (Codec::Choice.to_text(Some(&value)), title))
        .collect();
    // A stored value that is no longer offered stays visible (and selected) until changed.
    let stored = current.get_untracked();
    if !stored.is_empty() && !options.iter().any(|(value, _)| *value == stored) {
        let title = format!("{} (no longer offered)", stored.trim_matches('"'));
        options.push((stored, title));
    }
    view! {
        <div class="field" data-widget=renderer.name>
            {label_view(&props)}
            <select
                id=form.field_id(&pointer)
                name=pointer.clone()
                aria-required=required.then_some("true")
                aria-invalid=invalid(form, pointer.clone())
                aria-describedby=described_by(&props)
                prop:value=current
                on:change=move |event| on_pick.run(Codec::Choice.from_text(&event_target_value(&event)).ok().flatten())
            >
                <option value="" selected=move || current.get().is_empty()>"Choose…"</option>
                {options
                    .into_iter()
                    .map(|(value, title)| {
                        let mine = value.clone();
                        view! {
                            <option value=value selected=move || current.get() == mine>
                                {title}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            {help_view(&props)}
            {error_view(form, pointer, false)}
        </div>
    }
    .into_any()
}

pub fn select(props: FieldProps) -> AnyView {
    let options = choices(&props.schema);
    let (form, pointer) = (props.form, props.pointer.clone());
    let on_pick = Callback::new(move |value| form.set_at(&pointer, value));
    select_view(props, options, on_pick)
}

pub fn radio(props: FieldProps) -> AnyView {
    let FieldProps {
        form,
        pointer,
        renderer,
        required,
        ..
    } = props.clone();
    let current = text_memo(form, pointer.clone(), Codec::Choice);
    let legend_id = format!("{}-legend", form.field_id(&pointer));
    let options = choices(&props.schema);
    let describedby = described_by(&props);
    let inputs = options
        .into_iter()
        .enumerate()
        .map(|(index, (value, title))| {
            let text = Codec::Choice.to_text(Some(&value));
            let id = if index == 0 {
                form.field_id(&pointer)
            } else {
                format!("{}-{index}", form.field_id(&pointer))
            };
            let set_at = pointer.clone();
            let (mine, also_mine, label_for) = (text.clone(), text.clone(), id.clone());
            let group_name = form.field_id(&pointer);
            let describedby = describedby.clone();
            view! {
                <label class="choice" for=label_for>
                    <input
                        type="radio"
                        id=id
                        name=group_name
                        value=text
                        aria-describedby=describedby
                        prop:checked=move || current.get() == mine
                        checked=move || current.get() == also_mine
                        on:change=move |_| form.set_at(&set_at, Some(value.clone()))
                    />
                    {title}
                </label>
            }
        })
        .collect_view();
    let labelled_by = legend_id.clone();
    let invalid_now = invalid(form, pointer.clone());
    view! {
        <fieldset
            class="field field-choices"
            data-widget=renderer.name
            aria-labelledby=labelled_by
            aria-required=required.then_some("true")
            aria-invalid=invalid_now
        >
            <legend id=legend_id>
                {props.label.clone()}
                {required.then(|| view! { <RequiredMark /> })}
            </legend>
            <div class="choices">{inputs}</div>
            {help_view(&props)}
            {error_view(form, pointer, false)}
        </fieldset>
    }
    .into_any()
}
