//! Reading one JSON Schema node: local `$ref`s followed, `type` named, keyword lists,
//! flags and labels, and JSON equality as JSON Schema defines it. The layer under both the
//! validator ([`super::validate`]) and the object layout ([`super::shape`]), so neither
//! needs the other's helpers.

use serde_json::Value;

/// The subschema a local `$ref` (`#/$defs/name`) points at.
pub fn lookup_ref<'a>(root: &'a Value, reference: &str) -> Option<&'a Value> {
    let pointer = reference.strip_prefix('#')?;
    let decoded = percent_encoding::percent_decode_str(pointer)
        .decode_utf8()
        .ok()?;
    root.pointer(&decoded)
}

/// `node` with its `$ref` chain followed; keywords beside a `$ref` win over the target's
/// (a `title` next to a `$ref` names the field).
pub fn resolve(root: &Value, node: &Value) -> Value {
    let mut resolved = node.clone();
    for _ in 0..16 {
        let Some(target) = resolved
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|reference| lookup_ref(root, reference))
        else {
            break;
        };
        let mut merged = target.clone();
        if let (Some(merged), Some(own)) = (merged.as_object_mut(), resolved.as_object()) {
            for (key, value) in own {
                if key != "$ref" {
                    merged.insert(key.clone(), value.clone());
                }
            }
        }
        resolved = merged;
    }
    resolved
}

/// The names in a `type` keyword (a string or a list).
pub fn type_names(expected: &Value) -> Vec<&str> {
    match expected {
        Value::String(name) => vec![name.as_str()],
        Value::Array(names) => names.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// The JSON type a node describes: its `type` (the first that is not `null`), else what
/// its `enum`, `const`, `properties` or `items` imply.
pub fn main_type(node: &Value) -> Option<&str> {
    if let Some(expected) = node.get("type") {
        let names = type_names(expected);
        return names
            .iter()
            .find(|name| **name != "null")
            .or(names.first())
            .copied();
    }
    let of_value = |value: &Value| match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    if let Some(first) = node
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|o| o.first())
    {
        return Some(of_value(first));
    }
    if let Some(constant) = node.get("const") {
        return Some(of_value(constant));
    }
    if node.get("properties").is_some() {
        return Some("object");
    }
    node.get("items").map(|_| "array")
}

pub fn string_list(value: Option<&Value>) -> impl Iterator<Item = &str> {
    value
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
}

pub fn flag(node: &Value, keyword: &str) -> bool {
    node.get(keyword).and_then(Value::as_bool) == Some(true)
}

/// `writeOnly` or `x-secret`: a password input, never pre-filled.
pub fn is_secret(node: &Value) -> bool {
    flag(node, "writeOnly") || flag(node, "x-secret")
}

/// A field's label: its `title`, else its name with `_` as spaces and a capital.
pub fn label(node: &Value, name: &str) -> String {
    if let Some(title) = node.get("title").and_then(Value::as_str) {
        return title.to_owned();
    }
    let spaced = name.replace(['_', '-'], " ");
    let mut chars = spaced.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// JSON equality where `1` and `1.0` are the same number, as JSON Schema says.
pub fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => x == y,
            _ => x.as_f64() == y.as_f64(),
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(key, x)| y.get(key).is_some_and(|y| same(x, y)))
        }
        _ => a == b,
    }
}
