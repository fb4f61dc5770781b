//! Text-like widgets: one input whose text a codec turns into the value (text, number,
//! email, URL, date, multi-line, secret), and the read-only display.

use leptos::prelude::*;
use serde_json::Value;

use crate::schema::codec::{Codec, plain};
use crate::schema::document;
use crate::schema::pointer;
use crate::schema_form::chrome::{described_by, field_shell, invalid};
use crate::schema_form::form::{FieldProps, FormState, codec_of};

/// A leaf's text, as a memo so inputs are only written when it changes.
pub(crate) fn text_memo(form: FormState, pointer: String, codec: Codec) -> Memo<String> {
    Memo::new(move |_| codec.to_text(form.value_at(&pointer).as_ref()))
}

/// What a text-like input binds to: the text it shows, and what typing does (the codec
/// turns it into the value).
#[derive(Clone, Copy)]
struct TextBinding {
    text: Memo<String>,
    typed: Callback<String>,
}

fn bind_text(props: &FieldProps) -> TextBinding {
    let (form, pointer) = (props.form, props.pointer.clone());
    let codec = codec_of(props.renderer);
    let in_list = in_list(form, &pointer);
    let typed_at = pointer.clone();
    TextBinding {
        text: text_memo(form, pointer, codec),
        typed: Callback::new(move |text: String| {
            let value = if in_list {
                codec.item_from_text(&text).ok()
            } else {
                codec.from_text(&text).ok().flatten()
            };
            form.set_at(&typed_at, value);
        }),
    }
}

/// Whether `pointer` is an item of a list (an empty item stays in place).
fn in_list(form: FormState, pointer: &str) -> bool {
    pointer::parent(pointer).is_some_and(|parent| {
        form.value
            .with_untracked(|value| value.pointer(parent).is_some_and(Value::is_array))
    })
}

pub fn text(props: FieldProps) -> AnyView {
    let FieldProps {
        form,
        pointer,
        schema: node,
        renderer,
        required,
        ..
    } = props.clone();
    let input_type = match renderer.name {
        "email" => "email",
        "url" => "url",
        "date" => "date",
        _ => "text",
    };
    let input_mode = match document::main_type(&node) {
        Some("integer") => Some("numeric"),
        Some("number") => Some("decimal"),
        _ => None,
    };
    let placeholder = node
        .get("x-placeholder")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let bound = bind_text(&props);
    let input = view! {
        <input
            type=input_type
            id=form.field_id(&pointer)
            name=pointer.clone()
            inputmode=input_mode
            placeholder=placeholder
            autocomplete="off"
            spellcheck="false"
            aria-required=required.then_some("true")
            aria-invalid=invalid(form, pointer.clone())
            aria-describedby=described_by(&props)
            // The attribute, for the server-rendered page (before or without the app).
            value=bound.text.get_untracked()
            prop:value=bound.text
            on:input=move |event| bound.typed.run(event_target_value(&event))
        />
    };
    field_shell(&props, "field", input)
}

pub fn multiline(props: FieldProps) -> AnyView {
    let FieldProps {
        form,
        pointer,
        required,
        ..
    } = props.clone();
    let bound = bind_text(&props);
    let input = view! {
        <textarea
            id=form.field_id(&pointer)
            name=pointer.clone()
            rows="4"
            aria-required=required.then_some("true")
            aria-invalid=invalid(form, pointer.clone())
            aria-describedby=described_by(&props)
            prop:value=bound.text
            on:input=move |event| bound.typed.run(event_target_value(&event))
        >
            {crate::raw_text::raw_text(bound.text.get_untracked())}
        </textarea>
    };
    field_shell(&props, "field", input)
}

/// A password input with show/hide. It starts empty: stored secrets are never sent to
/// the browser, so there is nothing to pre-fill.
pub fn secret(props: FieldProps) -> AnyView {
    let FieldProps {
        form,
        pointer,
        required,
        ..
    } = props.clone();
    let shown = RwSignal::new(false);
    let bound = bind_text(&props);
    let id = form.field_id(&pointer);
    let input = view! {
        <div class="secret-input">
            <input
                type=move || if shown.get() { "text" } else { "password" }
                id=id.clone()
                name=pointer.clone()
                // An API key is not the person's password: no saving, no suggested
                // password (`new-password` would invite one), no password manager.
                autocomplete="off"
                data-1p-ignore="true"
                data-lpignore="true"
                data-bwignore="true"
                spellcheck="false"
                aria-required=required.then_some("true")
                aria-invalid=invalid(form, pointer.clone())
                aria-describedby=described_by(&props)
                prop:value=bound.text
                on:input=move |event| bound.typed.run(event_target_value(&event))
            />
            <button
                type="button"
                class="button secondary small"
                aria-controls=id
                aria-pressed=move || if shown.get() { "true" } else { "false" }
                on:click=move |_| shown.update(|shown| *shown = !*shown)
            >
                {move || if shown.get() { "Hide" } else { "Show" }}
            </button>
        </div>
    };
    field_shell(&props, "field", input)
}

pub fn read_only(props: FieldProps) -> AnyView {
    let FieldProps { form, pointer, .. } = props.clone();
    let text = text_memo(form, pointer.clone(), Codec::Fixed);
    let shown = |text: String| {
        serde_json::from_str::<Value>(&text)
            .map(|value| plain(&value))
            .unwrap_or(text)
    };
    let input = view! {
        <input
            type="text"
            id=form.field_id(&pointer)
            readonly
            aria-describedby=described_by(&props)
            value=shown(text.get_untracked())
            prop:value=move || shown(text.get())
        />
    };
    field_shell(&props, "field", input)
}
