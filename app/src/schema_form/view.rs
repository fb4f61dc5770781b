//! The form's views: the shared [`FormState`] (one value signal, errors keyed by JSON
//! Pointer) and one view function per renderer in the registry.

use leptos::prelude::*;
use serde_json::{Map, Value, json};

use super::registry::{self, FieldProps, Layout, Renderer, VARIANT};
use crate::dom::focus_by_id;
use crate::error::FieldErrors;
use crate::schema::codec::{Codec, plain};
use crate::schema::document::{self, resolve};
use crate::schema::pointer::{self, dom_id};
use crate::schema::shape::{self, Field, ObjectShape, Variants, object_shape};
use crate::schema::validate::{Errors, validate};

/// Everything one form shares: the schema, the value being edited, and its errors.
/// Copy, so every field's closures can hold it.
#[derive(Clone, Copy, Debug)]
pub struct FormState {
    id: StoredValue<String>,
    root: StoredValue<Value>,
    /// The whole value; fields read and write it at their pointer.
    pub value: RwSignal<Value>,
    /// From the browser's validator; shown after the first submit, and from then on kept
    /// up to date as the user types. Never changed when a field loses focus: pressing a
    /// button blurs the field before the click lands, and an error line appearing or
    /// going away then would move the button from under the pointer and lose the click.
    client: RwSignal<Errors>,
    /// From the server's answer; a field's are dropped when it is edited.
    server: RwSignal<Errors>,
    /// JSON editors whose text does not parse (their value is left as it was).
    unparsed: RwSignal<Errors>,
    submitted: RwSignal<bool>,
}

impl FormState {
    /// A form `id` (unique on the page; it prefixes the inputs' ids) editing `value`.
    pub fn new(id: &str, schema: Value, value: Value) -> Self {
        FormState {
            id: StoredValue::new(id.to_owned()),
            root: StoredValue::new(schema),
            value: RwSignal::new(value),
            client: RwSignal::new(Errors::new()),
            server: RwSignal::new(Errors::new()),
            unparsed: RwSignal::new(Errors::new()),
            submitted: RwSignal::new(false),
        }
    }

    pub fn field_id(&self, pointer: &str) -> String {
        self.id.with_value(|id| dom_id(id, pointer))
    }

    pub fn error_id(&self, pointer: &str) -> String {
        format!("{}-error", self.field_id(pointer))
    }

    pub fn help_id(&self, pointer: &str) -> String {
        format!("{}-help", self.field_id(pointer))
    }

    /// The id of the error summary above the form.
    pub fn summary_id(&self) -> String {
        self.id.with_value(|id| format!("{id}-summary"))
    }

    fn with_root<T>(&self, read: impl FnOnce(&Value) -> T) -> T {
        self.root.with_value(read)
    }

    /// The schema this form edits (a copy).
    pub fn root_schema(&self) -> Value {
        self.root.get_value()
    }

    /// The value at `pointer` (tracked).
    pub fn value_at(&self, pointer: &str) -> Option<Value> {
        self.value.with(|value| value.pointer(pointer).cloned())
    }

    /// Writes (or with `None` removes) the value at `pointer`.
    pub fn set_at(&self, pointer: &str, new: Option<Value>) {
        self.value.update(|value| match new {
            Some(new) => {
                pointer::set(value, pointer, new);
            }
            None => {
                pointer::remove(value, pointer);
            }
        });
        self.server.update(|errors| {
            errors.remove(pointer);
        });
        if self.submitted.get_untracked() {
            self.revalidate();
        }
    }

    fn revalidate(&self) {
        let errors = self.with_root(|root| validate(root, &self.value_to_save()));
        self.client.set(errors);
    }

    /// What to send when the form is saved: the value without what hidden fields hold (an
    /// unticked condition's, another variant's). The form keeps those while it is open,
    /// so ticking again or switching back brings back what was typed.
    pub fn value_to_save(&self) -> Value {
        self.with_root(|root| {
            self.value
                .with_untracked(|value| shape::without_hidden(root, root, value))
        })
    }

    /// The messages to show at exactly `pointer`.
    pub fn errors_at(&self, pointer: &str) -> Vec<String> {
        let shown = self.submitted.get();
        let mut messages = Vec::new();
        for (source, always) in [
            (self.unparsed, true),
            (self.client, shown),
            (self.server, true),
        ] {
            if always && let Some(found) = source.with(|errors| errors.get(pointer).cloned()) {
                messages.extend(found);
            }
        }
        messages
    }

    /// The messages about `pointer` and everything under it (for a JSON editor).
    fn errors_under(&self, pointer: &str) -> Vec<String> {
        let prefix = format!("{pointer}/");
        let mut messages = self.errors_at(pointer);
        for (source, shown) in [(self.client, self.submitted.get()), (self.server, true)] {
            if shown {
                source.with(|errors| {
                    for (at, found) in errors.range(prefix.clone()..) {
                        if !at.starts_with(&prefix) {
                            break;
                        }
                        messages.extend(
                            found
                                .iter()
                                .map(|message| format!("{}: {message}", self.label_at(at))),
                        );
                    }
                });
            }
        }
        messages
    }

    fn label_at(&self, pointer: &str) -> String {
        self.with_root(|root| {
            self.value
                .with_untracked(|value| shape::label_at(root, value, pointer))
        })
    }

    /// On submit: checks everything and shows every error. `true` when the browser finds
    /// nothing wrong (the server still checks).
    pub fn submit(&self) -> bool {
        self.submitted.set(true);
        self.revalidate();
        self.client.with_untracked(Errors::is_empty)
            && self.unparsed.with_untracked(Errors::is_empty)
    }

    /// Puts the server's field errors (`config.base_url`, …) on this form's fields when
    /// their path starts with `prefix`; returns the ones that belong elsewhere.
    pub fn show_server_errors(&self, fields: &FieldErrors, prefix: &str) -> FieldErrors {
        let mut mine = Errors::new();
        let mut others = FieldErrors::new();
        for (path, messages) in fields {
            match pointer::from_field_path(path, prefix) {
                Some(pointer) => mine.entry(pointer).or_default().extend(messages.clone()),
                None => {
                    others.insert(path.clone(), messages.clone());
                }
            }
        }
        self.submitted.set(true);
        self.server.set(mine);
        others
    }

    /// Starts over with `value`, errors cleared.
    pub fn reset(&self, value: Value) {
        self.value.set(value);
        for errors in [self.client, self.server, self.unparsed] {
            errors.set(Errors::new());
        }
        self.submitted.set(false);
    }

    /// The error summary's lines after a submit: a link target and `Label: message`.
    pub fn summary(&self) -> Vec<(String, String)> {
        if !self.submitted.get() {
            return Vec::new();
        }
        let mut all = Errors::new();
        for source in [self.unparsed, self.client, self.server] {
            source.with(|errors| {
                for (pointer, messages) in errors {
                    all.entry(pointer.clone())
                        .or_default()
                        .extend(messages.clone());
                }
            });
        }
        all.into_iter()
            .flat_map(|(pointer, messages)| {
                let label = self.label_at(&pointer);
                let target = self.field_id(&pointer);
                messages
                    .into_iter()
                    .map(move |message| (target.clone(), format!("{label}: {message}")))
            })
            .collect()
    }

    /// Focuses the field at `pointer`, or its nearest ancestor that has an element (a
    /// value inside a JSON editor has none of its own).
    pub fn focus(&self, pointer: &str) {
        let mut at = Some(pointer);
        while let Some(current) = at {
            if focus_by_id(&self.field_id(current)) {
                return;
            }
            at = pointer::parent(current);
        }
    }
}

/// Renders the node at `pointer`: the registry picks the widget.
pub fn render_node(
    form: FormState,
    pointer: String,
    node: &Value,
    label: String,
    required: bool,
) -> AnyView {
    let node = form.with_root(|root| resolve(root, node));
    let current = form
        .value
        .with_untracked(|value| value.pointer(&pointer).cloned());
    let renderer = registry::choose(&node, current.as_ref());
    (renderer.view)(FieldProps {
        form,
        pointer,
        schema: node,
        label,
        required,
        renderer,
    })
}

fn codec_of(renderer: &Renderer) -> Codec {
    match renderer.layout {
        Layout::Leaf(codec) => codec,
        _ => Codec::Json,
    }
}

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
fn described_by(props: &FieldProps) -> String {
    let error = props.form.error_id(&props.pointer);
    match help_text(&props.schema) {
        Some(_) => format!("{} {error}", props.form.help_id(&props.pointer)),
        None => error,
    }
}

fn help_view(props: &FieldProps) -> impl IntoView + use<> {
    let id = props.form.help_id(&props.pointer);
    help_text(&props.schema).map(|text| view! { <p class="field-help" id=id>{text}</p> })
}

fn error_view(form: FormState, pointer: String, under: bool) -> impl IntoView {
    let id = form.error_id(&pointer);
    let messages = move || {
        if under {
            form.errors_under(&pointer)
        } else {
            form.errors_at(&pointer)
        }
    };
    view! {
        <p class="field-error" id=id>
            {move || messages().join(" ")}
        </p>
    }
}

fn invalid(form: FormState, pointer: String) -> impl Fn() -> Option<&'static str> {
    move || (!form.errors_at(&pointer).is_empty()).then_some("true")
}

fn label_view(props: &FieldProps) -> impl IntoView + use<> {
    let id = props.form.field_id(&props.pointer);
    let label = props.label.clone();
    let required = props.required;
    view! {
        <label for=id>
            {label}
            {required.then(|| view! { <span class="required-mark" aria-hidden="true">" *"</span> })}
        </label>
    }
}

/// The frame of a one-input field: label, the input, its help and its error line.
fn field_shell(props: &FieldProps, class: &'static str, input: impl IntoView + 'static) -> AnyView {
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

/// A leaf's text, as a memo so inputs are only written when it changes.
fn text_memo(form: FormState, pointer: String, codec: Codec) -> Memo<String> {
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
fn choices(node: &Value) -> Vec<(Value, String)> {
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

fn select_view(
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
                {required.then(|| view! { <span class="required-mark" aria-hidden="true">" *"</span> })}
            </legend>
            <div class="choices">{inputs}</div>
            {help_view(&props)}
            {error_view(form, pointer, false)}
        </fieldset>
    }
    .into_any()
}

/// The `oneOf` variant selector. The fields only another variant has are hidden, not
/// dropped: switching back brings back what was typed, and none of it is saved with this
/// variant (see [`FormState::value_to_save`]).
pub fn variant(props: FieldProps) -> AnyView {
    let options = choices(&props.schema);
    let (form, pointer) = (props.form, props.pointer.clone());
    let on_pick = Callback::new(move |picked: Option<Value>| form.set_at(&pointer, picked));
    select_view(props, options, on_pick)
}

/// A synthetic node for the variant selector: the branches as an enum with titles.
fn variant_node(field: &Field, variants: &Variants) -> Value {
    let (values, titles): (Vec<Value>, Vec<String>) = variants.options.iter().cloned().unzip();
    let mut node = json!({
        "enum": values,
        "x-enum-titles": titles,
    });
    for key in ["description", "x-help"] {
        if let Some(text) = field.schema.get(key) {
            node[key] = text.clone();
        }
    }
    node
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

/// The JSON editor: for what the form cannot lay out. Text that does not parse is kept
/// in the editor and reported; the value keeps its last good state.
pub fn json_editor(props: FieldProps) -> AnyView {
    let FieldProps { form, pointer, .. } = props.clone();
    let initial = Codec::Json.to_text(
        form.value
            .with_untracked(|v| v.pointer(&pointer).cloned())
            .as_ref(),
    );
    let text = RwSignal::new(initial);
    let edit_at = pointer.clone();
    let on_input = move |event| {
        let typed = event_target_value(&event);
        text.set(typed.clone());
        match Codec::Json.from_text(&typed) {
            Ok(value) => {
                form.unparsed.update(|errors| {
                    errors.remove(&edit_at);
                });
                form.set_at(&edit_at, value);
            }
            Err(message) => form.unparsed.update(|errors| {
                errors.insert(edit_at.clone(), vec![message]);
            }),
        }
    };
    view! {
        <div class="field field-json" data-widget=props.renderer.name>
            {label_view(&props)}
            <textarea
                id=form.field_id(&pointer)
                name=pointer.clone()
                class="json-editor"
                rows="5"
                spellcheck="false"
                aria-invalid=invalid(form, pointer.clone())
                aria-describedby=described_by(&props)
                prop:value=move || text.get()
                on:input=on_input
            >
                {crate::raw_text::raw_text(text.get_untracked())}
            </textarea>
            <p class="field-help">"Edited as JSON."</p>
            {help_view(&props)}
            {error_view(form, pointer, true)}
        </div>
    }
    .into_any()
}

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
                    registry::choose(&field.schema, current.as_ref()).name
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
                    <p class="field-error" id=error_id>{messages}</p>
                </div>
            }
        })
    }
}

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
