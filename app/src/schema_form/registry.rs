//! The default ranked renderer registry (after JSON Forms' tester/renderer pairs): each
//! renderer says how well it fits a schema node, the highest rank wins, and a new widget
//! is one new entry here, or one an app adds to a form ([`FormState::with_renderers`]).
//! The JSON editor fits everything at rank 0, so nothing the form cannot lay out is ever
//! dropped.

use serde_json::Value;

use super::form::{self, FormState, Layout, Renderer};
use super::layouts::{list, object, variants::VARIANT};
use super::widgets::{choice, json, text};
use crate::schema::codec::Codec;
use crate::schema::document::{flag, is_secret, main_type};
use crate::schema::shape::is_form_object;

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
        view: json::json_editor,
    },
    Renderer {
        name: "read-only",
        rank: |node| flag(node, "readOnly").then_some(50),
        layout: Layout::Leaf(Codec::Fixed),
        view: text::read_only,
    },
    Renderer {
        name: "constant",
        rank: |node| node.get("const").map(|_| 40),
        layout: Layout::Leaf(Codec::Fixed),
        view: text::read_only,
    },
    Renderer {
        name: "radio",
        rank: |node| enum_len(node).filter(|n| (2..=3).contains(n)).map(|_| 31),
        layout: Layout::Leaf(Codec::Choice),
        view: choice::radio,
    },
    Renderer {
        name: "select",
        rank: |node| enum_len(node).map(|_| 30),
        layout: Layout::Leaf(Codec::Choice),
        view: choice::select,
    },
    Renderer {
        name: "secret",
        rank: |node| (main_type(node) == Some("string") && is_secret(node)).then_some(20),
        layout: Layout::Leaf(Codec::Text),
        view: text::secret,
    },
    Renderer {
        name: "email",
        rank: |node| string_with(node, "email").then_some(15),
        layout: Layout::Leaf(Codec::Text),
        view: text::text,
    },
    Renderer {
        name: "url",
        rank: |node| string_with(node, "uri").then_some(15),
        layout: Layout::Leaf(Codec::Text),
        view: text::text,
    },
    Renderer {
        name: "date",
        rank: |node| string_with(node, "date").then_some(15),
        layout: Layout::Leaf(Codec::Text),
        view: text::text,
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
        view: text::multiline,
    },
    Renderer {
        name: "text",
        rank: |node| (main_type(node) == Some("string")).then_some(10),
        layout: Layout::Leaf(Codec::Text),
        view: text::text,
    },
    Renderer {
        name: "number",
        rank: |node| matches!(main_type(node), Some("integer" | "number")).then_some(10),
        layout: Layout::Leaf(Codec::Number),
        view: text::text,
    },
    Renderer {
        name: "checkbox",
        rank: |node| (main_type(node) == Some("boolean")).then_some(10),
        layout: Layout::Leaf(Codec::Checkbox),
        view: choice::checkbox,
    },
    Renderer {
        name: "object",
        rank: |node| (main_type(node) == Some("object") && is_form_object(node)).then_some(10),
        layout: Layout::Object,
        view: object::object,
    },
    Renderer {
        name: "list",
        rank: |node| {
            let items = node.get("items").filter(|items| items.is_object());
            (main_type(node) == Some("array") && items.is_some()).then_some(10)
        },
        layout: Layout::List,
        view: list::list,
    },
];

/// The best renderer of the default list for `node` that can hold `value` without
/// changing its type (a form chooses among its own: [`FormState::choose`]).
pub fn choose(node: &Value, value: Option<&Value>) -> &'static Renderer {
    form::best(RENDERERS.iter(), node, value)
}

/// A renderer of the default list by name (the form state records which one holds each
/// input).
pub fn by_name(name: &str) -> Option<&'static Renderer> {
    RENDERERS
        .iter()
        .chain(std::iter::once(&VARIANT))
        .find(|renderer| renderer.name == name)
}

impl FormState {
    /// A form `id` (unique on the page; it prefixes the inputs' ids) editing `value`,
    /// drawn by the default renderers ([`RENDERERS`]); add or override some with
    /// [`FormState::with_renderers`]. Defined here, beside the list, so that the form
    /// state does not import the widgets that import it.
    pub fn new(id: &str, schema: Value, value: Value) -> Self {
        FormState::with_registry(id, schema, value, RENDERERS)
    }
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

    fn stars(_: form::FieldProps) -> leptos::prelude::AnyView {
        use leptos::prelude::*;
        view! { <p>"stars"</p> }.into_any()
    }

    /// An app's own widget: a rating for integers marked `x-widget: stars`.
    static STARS: &[Renderer] = &[Renderer {
        name: "stars",
        rank: |node| (node.get("x-widget").and_then(Value::as_str) == Some("stars")).then_some(10),
        layout: Layout::Leaf(Codec::Number),
        view: stars,
    }];

    #[test]
    fn a_form_picks_the_renderers_an_app_adds() {
        leptos::prelude::Owner::new().with(|| {
            let schema = json!({"type": "integer", "x-widget": "stars"});
            let plain = FormState::new("f", schema.clone(), json!(3));
            assert_eq!(plain.choose(&schema, Some(&json!(3))).name, "number");
            // Same rank as "number": the renderer added later wins the tie (an override).
            let rated = FormState::new("g", schema.clone(), json!(3)).with_renderers(STARS);
            assert_eq!(rated.choose(&schema, Some(&json!(3))).name, "stars");
            // It fits only what it says it fits; the defaults still draw the rest.
            assert_eq!(rated.choose(&json!({"type": "string"}), None).name, "text");
            // And it never takes a value of another type.
            assert_eq!(rated.choose(&schema, Some(&json!([3]))).name, "json");
        });
    }

    #[test]
    fn every_renderer_is_found_by_name() {
        for renderer in RENDERERS.iter().chain([&VARIANT]) {
            assert_eq!(by_name(renderer.name).map(|r| r.name), Some(renderer.name));
        }
    }
}
