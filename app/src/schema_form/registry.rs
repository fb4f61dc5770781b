//! The ranked renderer registry (after JSON Forms' tester/renderer pairs): each renderer
//! says how well it fits a schema node, the highest rank wins, and a new widget is one
//! new entry here. The JSON editor fits everything at rank 0, so nothing the form cannot
//! lay out is ever dropped.

use leptos::prelude::AnyView;
use serde_json::Value;

use super::view;
use crate::schema::codec::Codec;
use crate::schema::document::{flag, is_secret, main_type};
use crate::schema::shape::is_form_object;

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
    pub form: super::view::FormState,
    pub pointer: String,
    /// Resolved schema of the node.
    pub schema: Value,
    pub label: String,
    pub required: bool,
    /// The renderer chosen (a view may need its name, e.g. for `data-widget`).
    pub renderer: &'static Renderer,
}

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

fn string_with(node: &Value, format: &str) -> bool {
    main_type(node) == Some("string") && node.get("format").and_then(Value::as_str) == Some(format)
}

fn enum_len(node: &Value) -> Option<usize> {
    node.get("enum").and_then(Value::as_array).map(Vec::len)
}

pub static RENDERERS: &[Renderer] = &[
    Renderer {
        name: "json",
        rank: |_| Some(0),
        layout: Layout::Leaf(Codec::Json),
        view: view::json_editor,
    },
    Renderer {
        name: "read-only",
        rank: |node| flag(node, "readOnly").then_some(50),
        layout: Layout::Leaf(Codec::Fixed),
        view: view::read_only,
    },
    Renderer {
        name: "constant",
        rank: |node| node.get("const").map(|_| 40),
        layout: Layout::Leaf(Codec::Fixed),
        view: view::read_only,
    },
    Renderer {
        name: "radio",
        rank: |node| enum_len(node).filter(|n| (2..=3).contains(n)).map(|_| 31),
        layout: Layout::Leaf(Codec::Choice),
        view: view::radio,
    },
    Renderer {
        name: "select",
        rank: |node| enum_len(node).map(|_| 30),
        layout: Layout::Leaf(Codec::Choice),
        view: view::select,
    },
    Renderer {
        name: "secret",
        rank: |node| (main_type(node) == Some("string") && is_secret(node)).then_some(20),
        layout: Layout::Leaf(Codec::Text),
        view: view::secret,
    },
    Renderer {
        name: "email",
        rank: |node| string_with(node, "email").then_some(15),
        layout: Layout::Leaf(Codec::Text),
        view: view::text,
    },
    Renderer {
        name: "url",
        rank: |node| string_with(node, "uri").then_some(15),
        layout: Layout::Leaf(Codec::Text),
        view: view::text,
    },
    Renderer {
        name: "date",
        rank: |node| string_with(node, "date").then_some(15),
        layout: Layout::Leaf(Codec::Text),
        view: view::text,
    },
    Renderer {
        name: "multiline",
        rank: |node| {
            let long = node
                .get("maxLength")
                .and_then(Value::as_u64)
                .is_some_and(|n| n > 500);
            let asked = node.get("x-widget").and_then(Value::as_str) == Some("textarea");
            (main_type(node) == Some("string") && (long || asked)).then_some(12)
        },
        layout: Layout::Leaf(Codec::Text),
        view: view::multiline,
    },
    Renderer {
        name: "text",
        rank: |node| (main_type(node) == Some("string")).then_some(10),
        layout: Layout::Leaf(Codec::Text),
        view: view::text,
    },
    Renderer {
        name: "number",
        rank: |node| matches!(main_type(node), Some("integer" | "number")).then_some(10),
        layout: Layout::Leaf(Codec::Number),
        view: view::text,
    },
    Renderer {
        name: "checkbox",
        rank: |node| (main_type(node) == Some("boolean")).then_some(10),
        layout: Layout::Leaf(Codec::Checkbox),
        view: view::checkbox,
    },
    Renderer {
        name: "object",
        rank: |node| (main_type(node) == Some("object") && is_form_object(node)).then_some(10),
        layout: Layout::Object,
        view: view::object,
    },
    Renderer {
        name: "list",
        rank: |node| {
            let items = node.get("items").filter(|items| items.is_object());
            (main_type(node) == Some("array") && items.is_some()).then_some(10)
        },
        layout: Layout::List,
        view: view::list,
    },
];

/// The selector of a `oneOf` variant; not ranked, the object layout places it.
pub static VARIANT: Renderer = Renderer {
    name: "variant",
    rank: |_| None,
    layout: Layout::Leaf(Codec::Choice),
    view: view::variant,
};

/// The best renderer for `node` that can hold `value` without changing its type.
pub fn choose(node: &Value, value: Option<&Value>) -> &'static Renderer {
    let fits = |renderer: &Renderer| match (renderer.layout, value) {
        (_, None) => true,
        (Layout::Object, Some(value)) => value.is_object(),
        (Layout::List, Some(value)) => value.is_array(),
        (Layout::Leaf(codec), Some(value)) => codec.fits(value),
    };
    RENDERERS
        .iter()
        .filter(|renderer| fits(renderer))
        .filter_map(|renderer| (renderer.rank)(node).map(|rank| (rank, renderer)))
        .max_by_key(|(rank, _)| *rank)
        .map_or(&RENDERERS[0], |(_, renderer)| renderer)
}

/// A renderer by name (the form state records which one holds each input).
pub fn by_name(name: &str) -> Option<&'static Renderer> {
    RENDERERS
        .iter()
        .chain(std::iter::once(&VARIANT))
        .find(|renderer| renderer.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn chosen(node: Value, value: Option<Value>) -> &'static str {
        choose(&node, value.as_ref()).name
    }

    #[test]
    fn the_highest_rank_wins() {
        assert_eq!(chosen(json!({"type": "string"}), None), "text");
        assert_eq!(
            chosen(json!({"type": "string", "writeOnly": true}), None),
            "secret"
        );
        assert_eq!(
            chosen(json!({"type": "string", "x-secret": true}), None),
            "secret"
        );
        assert_eq!(
            chosen(json!({"type": "string", "format": "uri"}), None),
            "url"
        );
        assert_eq!(
            chosen(json!({"type": "string", "format": "email"}), None),
            "email"
        );
        assert_eq!(
            chosen(json!({"type": "string", "format": "date"}), None),
            "date"
        );
        assert_eq!(
            chosen(json!({"type": "string", "maxLength": 2000}), None),
            "multiline"
        );
        assert_eq!(chosen(json!({"enum": ["a", "b"]}), None), "radio");
        assert_eq!(
            chosen(json!({"enum": ["a", "b", "c", "d"]}), None),
            "select"
        );
        assert_eq!(
            chosen(json!({"const": "x", "enum": ["x"]}), None),
            "constant"
        );
        assert_eq!(
            chosen(json!({"type": "string", "readOnly": true}), None),
            "read-only"
        );
        assert_eq!(chosen(json!({"type": "integer"}), None), "number");
        assert_eq!(chosen(json!({"type": "boolean"}), None), "checkbox");
        assert_eq!(
            chosen(json!({"type": "object", "properties": {}}), None),
            "object"
        );
        assert_eq!(
            chosen(json!({"type": "array", "items": {"type": "string"}}), None),
            "list"
        );
    }

    #[test]
    fn what_the_form_cannot_lay_out_gets_the_json_editor() {
        assert_eq!(
            chosen(
                json!({"type": "object", "additionalProperties": {"type": "string"}}),
                None
            ),
            "json"
        );
        assert_eq!(chosen(json!({"type": "array"}), None), "json");
        assert_eq!(chosen(json!({"type": "null"}), None), "json");
        assert_eq!(chosen(json!({}), None), "json");
        // A stored value of another type than the schema says keeps its type.
        assert_eq!(chosen(json!({"type": "string"}), Some(json!(5))), "json");
        assert_eq!(
            chosen(json!({"type": "boolean"}), Some(json!("yes"))),
            "json"
        );
        assert_eq!(
            chosen(
                json!({"type": "object", "properties": {}}),
                Some(json!([1]))
            ),
            "json"
        );
    }

    #[test]
    fn every_renderer_is_found_by_name() {
        for renderer in RENDERERS.iter().chain([&VARIANT]) {
            assert_eq!(by_name(renderer.name).map(|r| r.name), Some(renderer.name));
        }
    }
}
