//! An object's fields worked out for its current value, the way the form shows them (the
//! `if`/`then`/`else` branch that applies, the `oneOf` variant chosen, what
//! `dependentRequired` adds), what is saved (hidden fields left out), labels by path and
//! initial values. Pure: the form's views and the server both use it.
//!
//! Why one long file: the layout rules (conditions, variants, hidden fields) decide
//! together what a form shows and saves; about a third is tests.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::document::{label, main_type, resolve, same, string_list};
use super::{codec, pointer, validate};

/// One property of an object as the form shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    pub name: String,
    /// Resolved (no `$ref` left at the top), with every applicable branch's keywords merged.
    pub schema: Value,
    pub required: bool,
    /// `x-group`: fields sharing one are shown together under it.
    pub group: Option<String>,
}

/// A `oneOf`/`anyOf` whose branches are told apart by one property's `const`.
#[derive(Clone, Debug, PartialEq)]
pub struct Variants {
    /// The property holding the `const` (e.g. `method`).
    pub discriminator: String,
    /// Each branch's `const` and title, in schema order.
    pub options: Vec<(Value, String)>,
    /// Properties of each branch: those only other branches have are hidden.
    pub branch_fields: Vec<BTreeSet<String>>,
}

/// An object's fields for its current value.
#[derive(Clone, Debug, PartialEq)]
pub struct ObjectShape {
    /// Sorted by `x-order`, then schema order.
    pub fields: Vec<Field>,
    pub variants: Option<Variants>,
    /// Keys of the value the schema does not describe, kept and shown as JSON.
    pub extra: Vec<String>,
    /// Fields whose condition does not hold, or that only another variant has: not
    /// shown, and left out when the form is saved (see [`without_hidden`]).
    pub hidden: BTreeSet<String>,
}

/// Whether the form can lay out this object as fields: combinators must be told apart by
/// a `const` discriminator, and the object must not be a free-form map.
pub fn is_form_object(node: &Value) -> bool {
    let map_only = node.get("properties").is_none()
        && node
            .get("additionalProperties")
            .is_some_and(Value::is_object);
    let branches_ok = ["oneOf", "anyOf"]
        .iter()
        .all(|keyword| match node.get(*keyword) {
            None => true,
            Some(branches) => branches
                .as_array()
                .is_some_and(|branches| discriminator(branches).is_some()),
        });
    let unsupported = [
        "patternProperties",
        "not",
        "unevaluatedProperties",
        "propertyNames",
    ]
    .iter()
    .any(|keyword| node.get(*keyword).is_some());
    !map_only && branches_ok && !unsupported
}

/// The property every branch pins with a `const`, if there is one: the branches' titles
/// name its values.
pub fn discriminator(branches: &[Value]) -> Option<String> {
    let first = branches.first()?.get("properties")?.as_object()?;
    first
        .iter()
        .filter(|(_, property)| property.get("const").is_some())
        .map(|(name, _)| name)
        .find(|name| {
            branches.iter().all(|branch| {
                branch
                    .get("properties")
                    .and_then(|properties| properties.get(name.as_str()))
                    .and_then(|property| property.get("const"))
                    .is_some()
            })
        })
        .cloned()
}

/// Lays out the object `node` (resolved) of schema `root` for `value`.
pub fn object_shape(root: &Value, node: &Value, value: &Value) -> ObjectShape {
    let empty = Map::new();
    let data = value.as_object().unwrap_or(&empty);
    let mut merged = Merged::default();
    merged.absorb(root, node, value);

    let mut variants = None;
    for keyword in ["oneOf", "anyOf"] {
        let Some(branches) = node.get(keyword).and_then(Value::as_array) else {
            continue;
        };
        let Some(name) = discriminator(branches) else {
            continue;
        };
        let constant = |branch: &Value| {
            branch
                .pointer(&pointer::child("/properties", &name))
                .and_then(|property| property.get("const"))
                .cloned()
                .unwrap_or(Value::Null)
        };
        let chosen = data.get(&name).and_then(|current| {
            branches
                .iter()
                .find(|branch| same(&constant(branch), current))
        });
        if let Some(branch) = chosen {
            merged.absorb(root, branch, value);
        }
        variants = Some(Variants {
            options: branches
                .iter()
                .map(|branch| {
                    let value = constant(branch);
                    let title = branch
                        .get("title")
                        .and_then(Value::as_str)
                        .map_or_else(|| codec::plain(&value), str::to_owned);
                    (value, title)
                })
                .collect(),
            branch_fields: branches
                .iter()
                .map(|branch| {
                    branch
                        .get("properties")
                        .and_then(Value::as_object)
                        .map(|properties| properties.keys().cloned().collect())
                        .unwrap_or_default()
                })
                .collect(),
            discriminator: name.clone(),
        });
        // The variant selector is a field even where only the branches name it.
        if !merged.properties.iter().any(|(known, _)| *known == name) {
            let first = serde_json::json!({ "x-order": i64::MIN });
            merged.properties.insert(0, (name.clone(), first));
        }
        merged.required.insert(name);
        break;
    }
    if let Some(dependents) = node.get("dependentRequired").and_then(Value::as_object) {
        for (trigger, needed) in dependents {
            if data.contains_key(trigger) {
                merged
                    .required
                    .extend(string_list(Some(needed)).map(str::to_owned));
            }
        }
    }

    let mut hidden = merged.hidden();
    // Fields only another variant has are hidden too (a token typed for "Bearer" while
    // "Username and password" is chosen), and kept until the form is saved.
    if let Some(variants) = &variants {
        let chosen = data.get(&variants.discriminator).and_then(|current| {
            variants
                .options
                .iter()
                .position(|(value, _)| same(value, current))
        });
        let kept = chosen.and_then(|index| variants.branch_fields.get(index));
        let base = node.get("properties").and_then(Value::as_object);
        for name in variants.branch_fields.iter().flatten() {
            let in_base = base.is_some_and(|base| base.contains_key(name));
            let in_chosen = kept.is_some_and(|kept| kept.contains(name));
            if !in_base && !in_chosen && *name != variants.discriminator {
                hidden.insert(name.clone());
            }
        }
    }
    let mut fields: Vec<(f64, usize, Field)> = merged
        .properties
        .into_iter()
        .filter(|(name, _)| !hidden.contains(name))
        .enumerate()
        .map(|(index, (name, property))| {
            let property = resolve(root, &property);
            let order = property
                .get("x-order")
                .and_then(Value::as_f64)
                .unwrap_or(f64::MAX);
            let group = property
                .get("x-group")
                .and_then(Value::as_str)
                .map(str::to_owned);
            let required = merged.required.contains(&name);
            (
                order,
                index,
                Field {
                    name,
                    schema: property,
                    required,
                    group,
                },
            )
        })
        .collect();
    fields.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let fields: Vec<Field> = fields.into_iter().map(|(_, _, field)| field).collect();
    let extra = data
        .keys()
        .filter(|key| !fields.iter().any(|field| &field.name == *key) && !hidden.contains(*key))
        .cloned()
        .collect();
    ObjectShape {
        fields,
        variants,
        extra,
        hidden,
    }
}

/// `value` without what hidden fields hold, at every depth (see [`ObjectShape::hidden`]):
/// what is saved is what the form shows. The post type typed under "Publish to a custom
/// post type" is not saved once it is unticked, nor a token typed for another variant.
pub fn without_hidden(root: &Value, node: &Value, value: &Value) -> Value {
    let node = resolve(root, node);
    match value {
        Value::Object(map) if main_type(&node) == Some("object") && is_form_object(&node) => {
            let shape = object_shape(root, &node, value);
            let kept = map
                .iter()
                .filter(|(key, _)| !shape.hidden.contains(*key))
                .map(|(key, child)| {
                    let child = match shape.fields.iter().find(|field| &field.name == key) {
                        Some(field) => without_hidden(root, &field.schema, child),
                        None => child.clone(),
                    };
                    (key.clone(), child)
                })
                .collect();
            Value::Object(kept)
        }
        Value::Array(items) if main_type(&node) == Some("array") => {
            let item = node.get("items").cloned().unwrap_or(Value::Bool(true));
            Value::Array(
                items
                    .iter()
                    .map(|child| without_hidden(root, &item, child))
                    .collect(),
            )
        }
        other => other.clone(),
    }
}

/// Properties and `required` gathered from a node and the branches that apply.
#[derive(Default)]
struct Merged {
    properties: Vec<(String, Value)>,
    required: BTreeSet<String>,
    /// Names an `if` branch that does not apply mentions (in its `properties` or
    /// `required`).
    in_other_branches: BTreeSet<String>,
    /// Names a branch that applies mentions.
    in_applying_branches: BTreeSet<String>,
}

impl Merged {
    /// The fields that belong to a condition that does not hold: a schema author who
    /// lists a field beside `additionalProperties: false` (so it must be declared at the
    /// top) and names it only in a `then` or `else` means it for that case alone
    /// (WordPress's post type while "Use a custom post type" is unticked). They are not
    /// shown; what they hold stays while the form is open (ticking again brings it back)
    /// and [`without_hidden`] leaves it out of what is saved, so nothing unseen is sent.
    fn hidden(&self) -> BTreeSet<String> {
        self.in_other_branches
            .iter()
            .filter(|name| {
                !self.in_applying_branches.contains(*name) && !self.required.contains(*name)
            })
            .cloned()
            .collect()
    }
}

/// The names a branch mentions: its `properties` and `required`.
fn mentioned(node: &Value) -> impl Iterator<Item = String> + '_ {
    node.get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|properties| properties.keys().cloned())
        .chain(string_list(node.get("required")).map(str::to_owned))
}

impl Merged {
    fn absorb(&mut self, root: &Value, node: &Value, value: &Value) {
        let node = resolve(root, node);
        if let Some(properties) = node.get("properties").and_then(Value::as_object) {
            for (name, property) in properties {
                match self.properties.iter_mut().find(|(known, _)| known == name) {
                    // A branch adds to what the base says (a `const` beside an `enum`).
                    Some((_, existing)) => merge_keywords(existing, &resolve(root, property)),
                    None => self.properties.push((name.clone(), property.clone())),
                }
            }
        }
        self.required
            .extend(string_list(node.get("required")).map(str::to_owned));
        for branch in node
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            self.absorb(root, branch, value);
        }
        if let Some(condition) = node.get("if") {
            let (applies, other) = if validate::is_valid(root, condition, value) {
                (node.get("then"), node.get("else"))
            } else {
                (node.get("else"), node.get("then"))
            };
            if let Some(other) = other {
                let other = resolve(root, other);
                self.in_other_branches.extend(mentioned(&other));
            }
            if let Some(branch) = applies {
                let branch = resolve(root, branch);
                self.in_applying_branches.extend(mentioned(&branch));
                self.absorb(root, &branch, value);
            }
        }
    }
}

fn merge_keywords(existing: &mut Value, extra: &Value) {
    if let (Some(existing), Some(extra)) = (existing.as_object_mut(), extra.as_object()) {
        for (key, value) in extra {
            existing.insert(key.clone(), value.clone());
        }
    }
}

/// A person's name for the value at `pointer`, its ancestors' labels joined with ` › `
/// (`Post to › Channel ID`, `Default category IDs › item 2`).
pub fn label_at(root: &Value, value: &Value, pointer: &str) -> String {
    let mut node = resolve(root, root);
    let mut current = Some(value);
    let mut parts: Vec<String> = Vec::new();
    for token in pointer::tokens(pointer) {
        let index = token
            .parse::<usize>()
            .ok()
            .filter(|_| main_type(&node) == Some("array"));
        if let Some(index) = index {
            parts.push(format!("item {}", index + 1));
            node = resolve(root, node.get("items").unwrap_or(&Value::Bool(true)));
            current = current.and_then(|current| current.get(index));
            continue;
        }
        let shape = object_shape(root, &node, current.unwrap_or(&Value::Null));
        let field = shape.fields.into_iter().find(|field| field.name == token);
        parts.push(label(
            field.as_ref().map_or(&Value::Null, |f| &f.schema),
            &token,
        ));
        node = field.map_or(Value::Bool(true), |field| field.schema);
        current = current.and_then(|current| current.get(&token));
    }
    parts.join(" › ")
}

/// A new value for `node`: its `default`, else for objects the defaults of their fields
/// (and the first variant of a `oneOf`), else nothing.
pub fn initial_value(root: &Value, node: &Value) -> Option<Value> {
    let node = resolve(root, node);
    if let Some(default) = node.get("default") {
        return Some(default.clone());
    }
    if main_type(&node) != Some("object") || !is_form_object(&node) {
        return None;
    }
    let mut value = Value::Object(Map::new());
    // Twice: a default may select a variant or an `if` branch that brings more fields.
    for _ in 0..2 {
        let shape = object_shape(root, &node, &value);
        if let (Some(variants), Some(map)) = (&shape.variants, value.as_object_mut())
            && !map.contains_key(&variants.discriminator)
            && let Some((first, _)) = variants.options.first()
        {
            map.insert(variants.discriminator.clone(), first.clone());
        }
        for field in &shape.fields {
            let absent = value.get(&field.name).is_none();
            let fill = if field.required {
                field.schema.get("const").cloned()
            } else {
                None
            }
            .or_else(|| {
                initial_value(root, &field.schema).filter(|v| !v.is_object() || field.required)
            });
            if absent && let (Some(fill), Some(map)) = (fill, value.as_object_mut()) {
                map.insert(field.name.clone(), fill);
            }
        }
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn names(shape: &ObjectShape) -> Vec<(&str, bool)> {
        shape
            .fields
            .iter()
            .map(|field| (field.name.as_str(), field.required))
            .collect()
    }

    #[test]
    fn orders_by_x_order_then_schema_order() {
        let schema = json!({"properties": {"b": {"x-order": 2}, "c": {}, "a": {"x-order": 1}}, "required": ["c"]});
        let shape = object_shape(&schema, &schema, &json!({}));
        assert_eq!(names(&shape), [("a", false), ("b", false), ("c", true)]);
    }

    #[test]
    fn if_then_makes_fields_appear_and_become_required() {
        let schema = json!({
            "properties": {"custom": {"type": "boolean"}},
            "if": {"properties": {"custom": {"const": true}}, "required": ["custom"]},
            "then": {"required": ["post_type"], "properties": {"post_type": {"type": "string"}}}
        });
        assert_eq!(
            names(&object_shape(&schema, &schema, &json!({}))),
            [("custom", false)]
        );
        assert_eq!(
            names(&object_shape(&schema, &schema, &json!({"custom": true}))),
            [("custom", false), ("post_type", true)]
        );
    }

    #[test]
    fn a_field_only_a_condition_names_shows_while_the_condition_holds() {
        // Declared at the top (for `additionalProperties: false`), named only by `then`.
        let schema = json!({
            "properties": {
                "custom": {"type": "boolean"},
                "post_type": {"type": "string"},
                "nested": {"type": "object", "properties": {
                    "paging": {"enum": ["none", "cursor"]}, "cursor": {"type": "string"}
                }, "if": {"properties": {"paging": {"const": "cursor"}}, "required": ["paging"]},
                   "else": {"properties": {"note": {"type": "string"}}},
                   "then": {"required": ["cursor"]}}
            },
            "additionalProperties": false,
            "if": {"properties": {"custom": {"const": true}}, "required": ["custom"]},
            "then": {"required": ["post_type"]}
        });
        let unticked = json!({"custom": false, "post_type": "book"});
        let shape = object_shape(&schema, &schema, &unticked);
        assert_eq!(names(&shape), [("custom", false), ("nested", false)]);
        assert!(shape.extra.is_empty(), "{:?}", shape.extra);
        assert_eq!(
            names(&object_shape(&schema, &schema, &json!({"custom": true}))),
            [("custom", false), ("post_type", true), ("nested", false)]
        );

        let value = json!({
            "custom": false, "post_type": "book", "kept": 1,
            "nested": {"paging": "none", "cursor": "after", "note": "n"}
        });
        assert_eq!(
            without_hidden(&schema, &schema, &value),
            json!({"custom": false, "kept": 1, "nested": {"paging": "none", "note": "n"}})
        );
        let ticked = json!({"custom": true, "post_type": "book", "nested": {"paging": "cursor", "cursor": "after", "note": "n"}});
        assert_eq!(
            without_hidden(&schema, &schema, &ticked),
            json!({"custom": true, "post_type": "book", "nested": {"paging": "cursor", "cursor": "after"}})
        );
    }

    #[test]
    fn fields_only_another_variant_has_are_hidden_and_left_out_when_saved() {
        let schema = json!({
            "properties": {"method": {"enum": ["none", "bearer"]}, "note": {"type": "string"}},
            "oneOf": [
                {"title": "None", "properties": {"method": {"const": "none"}}},
                {"title": "Bearer", "properties": {"method": {"const": "bearer"}, "token": {"writeOnly": true}}}
            ]
        });
        let typed_then_switched = json!({"method": "none", "token": "typed", "note": "n"});
        let shape = object_shape(&schema, &schema, &typed_then_switched);
        assert_eq!(names(&shape), [("method", true), ("note", false)]);
        assert!(shape.extra.is_empty(), "{:?}", shape.extra);
        assert_eq!(
            without_hidden(&schema, &schema, &typed_then_switched),
            json!({"method": "none", "note": "n"})
        );
        let back = json!({"method": "bearer", "token": "typed"});
        assert_eq!(without_hidden(&schema, &schema, &back), back);
    }

    #[test]
    fn dependent_required_follows_the_data() {
        let schema = json!({"properties": {"user": {}, "password": {}}, "dependentRequired": {"user": ["password"]}});
        assert_eq!(
            names(&object_shape(&schema, &schema, &json!({"user": "x"}))),
            [("user", false), ("password", true)]
        );
    }

    #[test]
    fn variants_follow_the_discriminator() {
        let schema = json!({
            "properties": {"method": {"enum": ["none", "bearer"]}},
            "required": ["method"],
            "oneOf": [
                {"title": "None", "properties": {"method": {"const": "none"}}},
                {"title": "Bearer", "required": ["token"], "properties": {"method": {"const": "bearer"}, "token": {"writeOnly": true}}}
            ]
        });
        let shape = object_shape(&schema, &schema, &json!({"method": "bearer"}));
        assert_eq!(names(&shape), [("method", true), ("token", true)]);
        let variants = shape.variants.expect("variants");
        assert_eq!(variants.discriminator, "method");
        assert_eq!(variants.options[1], (json!("bearer"), "Bearer".to_owned()));
        assert_eq!(
            names(&object_shape(&schema, &schema, &json!({"method": "none"}))),
            [("method", true)]
        );
        assert_eq!(
            initial_value(&schema, &schema),
            Some(json!({"method": "none"}))
        );
    }

    #[test]
    fn refs_resolve_and_extras_are_kept() {
        let schema = json!({
            "$defs": {"host": {"type": "string", "format": "hostname"}},
            "properties": {"host": {"$ref": "#/$defs/host", "title": "Host"}}
        });
        let shape = object_shape(&schema, &schema, &json!({"host": "x", "legacy": 1}));
        assert_eq!(
            shape.fields[0].schema,
            json!({"type": "string", "format": "hostname", "title": "Host"})
        );
        assert_eq!(shape.extra, ["legacy"]);
    }

    #[test]
    fn maps_and_unmarked_unions_are_not_form_objects() {
        assert!(!is_form_object(
            &json!({"additionalProperties": {"type": "string"}})
        ));
        assert!(!is_form_object(
            &json!({"oneOf": [{"required": ["a"]}, {"required": ["b"]}]})
        ));
        assert!(is_form_object(
            &json!({"properties": {}, "additionalProperties": false})
        ));
    }

    #[test]
    fn initial_values_use_defaults_and_required_constants() {
        let schema = json!({
            "required": ["kind"],
            "properties": {
                "kind": {"const": "v1"},
                "retries": {"type": "integer", "default": 3},
                "name": {"type": "string"},
                "nested": {"type": "object", "properties": {"on": {"default": true}}}
            }
        });
        assert_eq!(
            initial_value(&schema, &schema),
            Some(json!({"kind": "v1", "retries": 3}))
        );
        assert_eq!(label(&json!({}), "api_key"), "Api key");
    }

    #[test]
    fn labels_name_the_path() {
        let schema = json!({
            "properties": {
                "destination": {"title": "Post to", "properties": {"channel_id": {"title": "Channel ID"}}},
                "ids": {"title": "IDs", "type": "array", "items": {"type": "integer"}}
            }
        });
        let value = json!({"destination": {}, "ids": [1, 2]});
        assert_eq!(
            label_at(&schema, &value, "/destination/channel_id"),
            "Post to › Channel ID"
        );
        assert_eq!(label_at(&schema, &value, "/ids/1"), "IDs › item 2");
        assert_eq!(label_at(&schema, &value, "/other_field"), "Other field");
    }
}
