//! The form's state and its renderers: [`FormState`] (one value signal, errors keyed by
//! JSON Pointer, the renderer list), what a renderer is ([`Renderer`], [`FieldProps`]),
//! and [`render_node`], which draws a node with the best renderer. The widgets and
//! layouts build on this module; the default renderer list is `registry.rs`.

use leptos::prelude::*;
use serde_json::Value;

use crate::dom::focus_by_id;
use crate::error::FieldErrors;
use crate::schema::codec::Codec;
use crate::schema::document::resolve;
use crate::schema::pointer::{self, dom_id};
use crate::schema::shape;
use crate::schema::validate::{Errors, validate};

/// How a renderer's value maps onto inputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// A fieldset of the object's fields.
    Object,
    /// Rows of the item schema, with add and remove.
    List,
    /// One input holding text.
    Leaf(Codec),
}

/// What a renderer's view is given.
#[derive(Clone, Debug)]
pub struct FieldProps {
    pub form: FormState,
    pub pointer: String,
    /// Resolved schema of the node.
    pub schema: Value,
    pub label: String,
    pub required: bool,
    /// The renderer chosen (a view may need its name, e.g. for `data-widget`).
    pub renderer: &'static Renderer,
}

/// One entry of a renderer list (after JSON Forms' tester/renderer pairs).
pub struct Renderer {
    pub name: &'static str,
    /// How well the renderer fits a (resolved) schema node; `None` when it does not.
    pub rank: fn(&Value) -> Option<u8>,
    pub layout: Layout,
    pub view: fn(FieldProps) -> AnyView,
}

impl std::fmt::Debug for Renderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

/// The best of `renderers` for `node` that can hold `value` without changing its type:
/// the highest rank, and on a tie the later one; the first (the JSON editor, which fits
/// everything) when none fits.
pub fn best<'r>(
    renderers: impl Iterator<Item = &'r Renderer> + Clone,
    node: &Value,
    value: Option<&Value>,
) -> &'r Renderer {
    let fits = |renderer: &Renderer| match (renderer.layout, value) {
        (_, None) => true,
        (Layout::Object, Some(value)) => value.is_object(),
        (Layout::List, Some(value)) => value.is_array(),
        (Layout::Leaf(codec), Some(value)) => codec.fits(value),
    };
    let first = renderers.clone().next();
    renderers
        .filter(|renderer| fits(renderer))
        .filter_map(|renderer| (renderer.rank)(node).map(|rank| (rank, renderer)))
        .max_by_key(|(rank, _)| *rank)
        .map(|(_, renderer)| renderer)
        .or(first)
        .expect("a renderer list is never empty")
}

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
    /// The renderers this form chooses from (see [`FormState::with_renderers`]).
    renderers: StoredValue<Vec<&'static Renderer>>,
}

impl FormState {
    /// A form `id` (unique on the page; it prefixes the inputs' ids) editing `value`, drawn
    /// by `renderers`. [`FormState::new`] (in `registry.rs`) passes the default registry.
    pub fn with_registry(
        id: &str,
        schema: Value,
        value: Value,
        renderers: &'static [Renderer],
    ) -> Self {
        FormState {
            id: StoredValue::new(id.to_owned()),
            root: StoredValue::new(schema),
            value: RwSignal::new(value),
            client: RwSignal::new(Errors::new()),
            server: RwSignal::new(Errors::new()),
            unparsed: RwSignal::new(Errors::new()),
            submitted: RwSignal::new(false),
            renderers: StoredValue::new(renderers.iter().collect()),
        }
    }

    /// The form with `renderers` added to those it has: the best rank still wins, and on
    /// a tie the one added last, so an app can add a widget or override one (as JSON
    /// Forms' renderer sets do) without changing the registry.
    pub fn with_renderers(self, renderers: &'static [Renderer]) -> Self {
        self.renderers.update_value(|list| list.extend(renderers));
        self
    }

    /// The renderer this form draws `node` with, given the value it holds.
    pub fn choose(&self, node: &Value, value: Option<&Value>) -> &'static Renderer {
        self.renderers
            .with_value(|list| best(list.iter().copied(), node, value))
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

    pub(super) fn with_root<T>(&self, read: impl FnOnce(&Value) -> T) -> T {
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
    pub(super) fn errors_under(&self, pointer: &str) -> Vec<String> {
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

    /// Records (or with `None` clears) a JSON editor's text at `pointer` that does not
    /// parse; the value there keeps its last good state.
    pub(super) fn set_unparsed(&self, pointer: &str, problem: Option<String>) {
        self.unparsed.update(|errors| match problem {
            Some(message) => {
                errors.insert(pointer.to_owned(), vec![message]);
            }
            None => {
                errors.remove(pointer);
            }
        });
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

/// Renders the node at `pointer`: the form's renderers pick the widget.
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
    let renderer = form.choose(&node, current.as_ref());
    (renderer.view)(FieldProps {
        form,
        pointer,
        schema: node,
        label,
        required,
        renderer,
    })
}

pub(super) fn codec_of(renderer: &Renderer) -> Codec {
    match renderer.layout {
        Layout::Leaf(codec) => codec,
        _ => Codec::Json,
    }
}
