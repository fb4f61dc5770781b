//! A `oneOf` whose branches a `const` tells apart: the variant selector.

use leptos::prelude::*;
use serde_json::{Value, json};

use crate::schema::codec::Codec;
use crate::schema::shape::{Field, Variants};
use crate::schema_form::form::{FieldProps, Layout, Renderer};
use crate::schema_form::widgets::choice::{choices, select_view};

/// The selector of a `oneOf` variant; not ranked, the object layout places it.
pub static VARIANT: Renderer = Renderer {
    name: "variant",
    rank: |_| None,
    layout: Layout::Leaf(Codec::Choice),
    view: variant,
};

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
pub(super) fn variant_node(field: &Field, variants: &Variants) -> Value {
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
