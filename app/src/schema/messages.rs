//! The words of validation errors, shared by the browser's validator and the server's
//! (`jsonschema`) so both say the same thing about the same mistake. None of them quotes
//! the submitted value: for a credential field that value is a secret.

use std::fmt::Display;

use serde_json::Value;

pub fn required() -> String {
    "Required.".to_owned()
}

pub fn unknown_field() -> String {
    "Unknown field.".to_owned()
}

pub fn wrong_type(expected: &[impl AsRef<str>]) -> String {
    let expected: Vec<&str> = expected.iter().map(AsRef::as_ref).collect();
    format!("Must be of type {}.", expected.join(" or "))
}

pub fn not_in_enum(options: &[Value]) -> String {
    format!("Must be one of: {}.", list(options))
}

pub fn not_constant(expected: &Value) -> String {
    format!("Must be {expected}.")
}

pub fn pattern() -> String {
    "Does not have the expected format.".to_owned()
}

/// The message of a failed `pattern`, given the schema object's `x-pattern-message`: that
/// sentence (which says what is expected and why, e.g. that credentials go only to
/// https:// addresses), or the generic one.
pub fn pattern_of(custom: Option<&Value>) -> String {
    custom
        .and_then(Value::as_str)
        .map_or_else(pattern, str::to_owned)
}

pub fn format(name: &str) -> String {
    format!("Must be a valid {name}.")
}

/// The message of a failed `format`, given the schema object's `x-format-message` (what
/// is expected, with an example), or the generic one.
pub fn format_of(custom: Option<&Value>, name: &str) -> String {
    custom
        .and_then(Value::as_str)
        .map_or_else(|| format(name), str::to_owned)
}

pub fn min_length(limit: u64) -> String {
    if limit == 1 {
        required()
    } else {
        format!("At least {limit} characters.")
    }
}

pub fn max_length(limit: u64) -> String {
    format!("At most {limit} characters.")
}

pub fn minimum(limit: impl Display) -> String {
    format!("Must be at least {limit}.")
}

pub fn maximum(limit: impl Display) -> String {
    format!("Must be at most {limit}.")
}

pub fn exclusive_minimum(limit: impl Display) -> String {
    format!("Must be more than {limit}.")
}

pub fn exclusive_maximum(limit: impl Display) -> String {
    format!("Must be less than {limit}.")
}

pub fn multiple_of(step: impl Display) -> String {
    format!("Must be a multiple of {step}.")
}

pub fn min_items(limit: u64) -> String {
    format!("At least {limit} items.")
}

pub fn max_items(limit: u64) -> String {
    format!("At most {limit} items.")
}

pub fn min_properties(limit: u64) -> String {
    format!("At least {limit} fields.")
}

pub fn max_properties(limit: u64) -> String {
    format!("At most {limit} fields.")
}

pub fn too_few_matching(limit: u64) -> String {
    format!("At least {limit} items must match.")
}

pub fn too_many_matching(limit: u64) -> String {
    format!("At most {limit} items may match.")
}

pub fn unique_items() -> String {
    "Items must be unique.".to_owned()
}

pub fn several_shapes() -> String {
    "Matches more than one of the allowed shapes.".to_owned()
}

pub fn no_shape() -> String {
    "Does not match any of the allowed shapes.".to_owned()
}

pub fn not_allowed() -> String {
    "Is not allowed here.".to_owned()
}

/// The message of a failed `not`, given the schema object's `x-not-message` (e.g. "Leave
/// out /wp-json"), or the generic one.
pub fn not_allowed_of(custom: Option<&Value>) -> String {
    custom
        .and_then(Value::as_str)
        .map_or_else(not_allowed, str::to_owned)
}

fn list(options: &[Value]) -> String {
    options
        .iter()
        .map(|option| match option {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}
