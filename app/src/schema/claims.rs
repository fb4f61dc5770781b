//! What the browser's validator claims to implement, and what it leaves to the server.
//!
//! The rule: the browser may say less than the server, never more. A keyword it evaluates
//! (a *claimed* one) gets the verdict the server gives; any other keyword that can assert
//! something makes its schema *unknown*, which never rejects, not even through `not`,
//! `oneOf`, `if` or `contains`. Keywords no draft gives a meaning to (`x-order`, `title`,
//! `definitions`…) assert nothing, here as on the server, and are ignored.

use serde_json::{Map, Value};

use super::pattern::Pattern;

/// Draft 2020-12 keywords the browser evaluates as the server does. `$ref` counts only for
/// JSON Pointers into the same document (`#/$defs/…`) and documents without nested `$id`.
pub const CLAIMED_KEYWORDS: &[&str] = &[
    "$ref",
    "$defs",
    "type",
    "enum",
    "const",
    "minLength",
    "maxLength",
    "pattern",
    "format",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "required",
    "dependentRequired",
    "properties",
    "patternProperties",
    "additionalProperties",
    "propertyNames",
    "minProperties",
    "maxProperties",
    "dependentSchemas",
    "prefixItems",
    "items",
    "contains",
    "minContains",
    "maxContains",
    "minItems",
    "maxItems",
    "uniqueItems",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    "if",
    "then",
    "else",
];

/// `format` values checked here with the server's verdict on invalid text. A check only
/// rejects what the server rejects too; what it lets through is not proof (inside `not`, a
/// passing format is unknown). `hostname` is also checked but not claimed: the server
/// decodes A-labels (`xn--…`) and applies the IDNA tables, too heavy for the WASM, so such
/// labels are left to it (in `email` domains too). Other formats are unknown.
pub const CLAIMED_FORMATS: &[&str] = &["uri", "email", "date", "date-time"];

/// Whether a `pattern` (or `patternProperties` name) is within the claim: one
/// [`Pattern::compile`] takes, i.e. without `\p{…}`, look-around, back-references, inline
/// flags, nested classes or class set operations. `\b` still leaves non-ASCII text unknown.
pub fn pattern_claimed(source: &str) -> bool {
    Pattern::compile(source).is_some()
}

/// Keywords the server may assert with that this validator does not evaluate: their
/// schema is unknown (its other keywords still reject what they reject).
const LEFT_TO_SERVER: &[&str] = &[
    "unevaluatedProperties",
    "unevaluatedItems",
    "$dynamicRef",
    "$recursiveRef",
    "dependencies",
    "additionalItems",
    "contentEncoding",
    "contentMediaType",
    "contentSchema",
    "discriminator",
    "$vocabulary",
];

/// Whether the schema object uses a keyword the server may assert with but this validator
/// does not evaluate.
pub fn leaves_part_to_server(keywords: &Map<String, Value>) -> bool {
    LEFT_TO_SERVER
        .iter()
        .any(|keyword| keywords.contains_key(*keyword))
}

/// Whether the schema object is written for another dialect (`$schema` other than draft
/// 2020-12), where the same keywords can mean other things: nothing in it is judged here.
pub fn other_dialect(keywords: &Map<String, Value>) -> bool {
    keywords.get("$schema").is_some_and(|dialect| {
        dialect
            .as_str()
            .is_none_or(|uri| !uri.starts_with("https://json-schema.org/draft/2020-12/schema"))
    })
}

/// Whether some schema below the root declares its own `$id`, which moves the base that its
/// `$ref`s resolve against: such documents' `$ref`s are left to the server.
pub fn has_nested_ids(root: &Value) -> bool {
    fn below(value: &Value) -> bool {
        match value {
            Value::Object(map) => map.iter().any(|(key, child)| key == "$id" || below(child)),
            Value::Array(items) => items.iter().any(below),
            _ => false,
        }
    }
    match root {
        Value::Object(map) => map.values().any(below),
        _ => false,
    }
}
