//! A compact JSON Schema validator for the browser, over the keywords the form engine
//! renders. The server stays authoritative with the `jsonschema` crate (which would add
//! about 1.9 MB to the WASM); `server/tests/form_agreement.rs` checks that both reach the
//! same verdict on a shared corpus.
//!
//! Errors are keyed by JSON Pointer, `required` ones at the missing child, so each lands
//! on its field. Unknown keywords are ignored, as JSON Schema says.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value};

use super::{formats, messages, schema};

/// Messages by JSON Pointer of the value they are about.
pub type Errors = BTreeMap<String, Vec<String>>;

/// Every error in `value` against the root schema `root`.
pub fn validate(root: &Value, value: &Value) -> Errors {
    let checker = Checker::new(root);
    let mut failures = Vec::new();
    checker.check(root, value, "", &mut failures, 0);
    let mut errors = Errors::new();
    for failure in failures {
        let messages = errors.entry(failure.pointer).or_default();
        if !messages.contains(&failure.message) {
            messages.push(failure.message);
        }
    }
    errors
}

/// Whether `value` satisfies `node` (a subschema of `root`), e.g. an `if` condition.
pub fn is_valid(root: &Value, node: &Value, value: &Value) -> bool {
    let mut failures = Vec::new();
    Checker::new(root).check(node, value, "", &mut failures, 0);
    failures.is_empty()
}

struct Failure {
    pointer: String,
    message: String,
    /// A failed `const` marks a `oneOf` branch the input did not mean.
    from_const: bool,
}

/// `$ref` chains longer than this are treated as cycles and stop.
const MAX_DEPTH: u8 = 64;

struct Checker<'a> {
    root: &'a Value,
    patterns: RefCell<HashMap<String, Option<regex_lite::Regex>>>,
}

impl<'a> Checker<'a> {
    fn new(root: &'a Value) -> Self {
        Checker {
            root,
            patterns: RefCell::new(HashMap::new()),
        }
    }

    fn check(&self, node: &Value, value: &Value, at: &str, out: &mut Vec<Failure>, depth: u8) {
        let fail = |out: &mut Vec<Failure>, message: String| {
            out.push(Failure {
                pointer: at.to_owned(),
                message,
                from_const: false,
            });
        };
        let keywords = match node {
            Value::Object(keywords) => keywords,
            Value::Bool(false) => return fail(out, messages::not_allowed()),
            _ => return,
        };
        if depth > MAX_DEPTH {
            return;
        }
        if let Some(target) = keywords
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|reference| schema::lookup_ref(self.root, reference))
        {
            self.check(target, value, at, out, depth + 1);
        }
        if let Some(expected) = keywords.get("type") {
            let names = schema::type_names(expected);
            if !names.iter().any(|name| has_type(value, name)) {
                return fail(out, messages::wrong_type(&names));
            }
        }
        if let Some(options) = keywords.get("enum").and_then(Value::as_array)
            && !options.iter().any(|option| same(option, value))
        {
            fail(out, messages::not_in_enum(options));
        }
        if let Some(expected) = keywords.get("const")
            && !same(expected, value)
        {
            out.push(Failure {
                pointer: at.to_owned(),
                message: messages::not_constant(expected),
                from_const: true,
            });
        }
        match value {
            Value::String(text) => self.string(keywords, text, at, out),
            Value::Number(number) => {
                if let Some(number) = number.as_f64() {
                    number_bounds(keywords, number, &mut |message| fail(out, message));
                }
            }
            Value::Object(map) => self.object(keywords, map, at, out, depth),
            Value::Array(items) => self.array(keywords, items, at, out, depth),
            _ => {}
        }
        for branch in keywords
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            self.check(branch, value, at, out, depth + 1);
        }
        for (keyword, exactly_one) in [("anyOf", false), ("oneOf", true)] {
            if let Some(branches) = keywords.get(keyword).and_then(Value::as_array) {
                self.alternatives(branches, exactly_one, value, at, out, depth);
            }
        }
        if let Some(negated) = keywords.get("not")
            && self.passes(negated, value, depth)
        {
            fail(out, messages::not_allowed());
        }
        if let Some(condition) = keywords.get("if") {
            let branch = if self.passes(condition, value, depth) {
                keywords.get("then")
            } else {
                keywords.get("else")
            };
            if let Some(branch) = branch {
                self.check(branch, value, at, out, depth + 1);
            }
        }
    }

    fn passes(&self, node: &Value, value: &Value, depth: u8) -> bool {
        let mut failures = Vec::new();
        self.check(node, value, "", &mut failures, depth + 1);
        failures.is_empty()
    }

    fn string(&self, keywords: &Map<String, Value>, text: &str, at: &str, out: &mut Vec<Failure>) {
        let mut fail = |message| {
            out.push(Failure {
                pointer: at.to_owned(),
                message,
                from_const: false,
            })
        };
        let length = text.chars().count() as u64;
        if let Some(limit) = keywords.get("minLength").and_then(Value::as_u64)
            && length < limit
        {
            fail(messages::min_length(limit));
        }
        if let Some(limit) = keywords.get("maxLength").and_then(Value::as_u64)
            && length > limit
        {
            fail(messages::max_length(limit));
        }
        if let Some(pattern) = keywords.get("pattern").and_then(Value::as_str)
            && self.matches(pattern, text) == Some(false)
        {
            fail(messages::pattern_of(keywords.get("x-pattern-message")));
        }
        if let Some(format) = keywords.get("format").and_then(Value::as_str)
            && formats::check(format, text) == Some(false)
        {
            fail(messages::format(format));
        }
    }

    /// `None` for a pattern this engine cannot compile (it is then not enforced here; the
    /// server still checks it).
    fn matches(&self, pattern: &str, text: &str) -> Option<bool> {
        let mut cache = self.patterns.borrow_mut();
        let compiled = cache
            .entry(pattern.to_owned())
            .or_insert_with(|| regex_lite::Regex::new(pattern).ok());
        compiled.as_ref().map(|regex| regex.is_match(text))
    }

    fn object(
        &self,
        keywords: &Map<String, Value>,
        map: &Map<String, Value>,
        at: &str,
        out: &mut Vec<Failure>,
        depth: u8,
    ) {
        let missing = |name: &str, out: &mut Vec<Failure>| {
            out.push(Failure {
                pointer: super::pointer::child(at, name),
                message: messages::required(),
                from_const: false,
            });
        };
        for name in schema::string_list(keywords.get("required")) {
            if !map.contains_key(name) {
                missing(name, out);
            }
        }
        if let Some(dependents) = keywords.get("dependentRequired").and_then(Value::as_object) {
            for (trigger, needed) in dependents {
                if map.contains_key(trigger) {
                    for name in schema::string_list(Some(needed)) {
                        if !map.contains_key(name) {
                            missing(name, out);
                        }
                    }
                }
            }
        }
        let properties = keywords.get("properties").and_then(Value::as_object);
        for (name, child) in map {
            let pointer = super::pointer::child(at, name);
            match properties.and_then(|properties| properties.get(name)) {
                Some(property) => self.check(property, child, &pointer, out, depth + 1),
                None => match keywords.get("additionalProperties") {
                    Some(Value::Bool(false)) => out.push(Failure {
                        pointer,
                        message: messages::unknown_field(),
                        from_const: false,
                    }),
                    Some(extra) => self.check(extra, child, &pointer, out, depth + 1),
                    None => {}
                },
            }
        }
    }

    fn array(
        &self,
        keywords: &Map<String, Value>,
        items: &[Value],
        at: &str,
        out: &mut Vec<Failure>,
        depth: u8,
    ) {
        let count = items.len() as u64;
        let mut fail = |message| {
            out.push(Failure {
                pointer: at.to_owned(),
                message,
                from_const: false,
            })
        };
        if let Some(limit) = keywords.get("minItems").and_then(Value::as_u64)
            && count < limit
        {
            fail(messages::min_items(limit));
        }
        if let Some(limit) = keywords.get("maxItems").and_then(Value::as_u64)
            && count > limit
        {
            fail(messages::max_items(limit));
        }
        if keywords.get("uniqueItems") == Some(&Value::Bool(true))
            && items
                .iter()
                .enumerate()
                .any(|(i, a)| items[..i].iter().any(|b| same(a, b)))
        {
            fail(messages::unique_items());
        }
        if let Some(item_schema) = keywords.get("items") {
            for (index, item) in items.iter().enumerate() {
                let pointer = super::pointer::item(at, index);
                self.check(item_schema, item, &pointer, out, depth + 1);
            }
        }
    }

    /// `anyOf` / `oneOf`. When no branch fits, the errors reported are those of the branch
    /// the input meant: one whose `const` discriminator matched, else the closest. The
    /// server's messages pick the same way.
    fn alternatives(
        &self,
        branches: &[Value],
        exactly_one: bool,
        value: &Value,
        at: &str,
        out: &mut Vec<Failure>,
        depth: u8,
    ) {
        let results: Vec<Vec<Failure>> = branches
            .iter()
            .map(|branch| {
                let mut failures = Vec::new();
                self.check(branch, value, at, &mut failures, depth + 1);
                failures
            })
            .collect();
        let passing = results
            .iter()
            .filter(|failures| failures.is_empty())
            .count();
        if passing == 0 {
            let meant = results.into_iter().min_by_key(|failures| {
                let discriminator_mismatch = failures.iter().any(|failure| failure.from_const);
                (discriminator_mismatch, failures.len())
            });
            match meant {
                Some(failures) => out.extend(failures),
                None => out.push(Failure {
                    pointer: at.to_owned(),
                    message: messages::no_shape(),
                    from_const: false,
                }),
            }
        } else if exactly_one && passing > 1 {
            out.push(Failure {
                pointer: at.to_owned(),
                message: messages::several_shapes(),
                from_const: false,
            });
        }
    }
}

fn number_bounds(keywords: &Map<String, Value>, number: f64, fail: &mut impl FnMut(String)) {
    let bound = |key: &str| keywords.get(key).filter(|limit| limit.is_number());
    let limit = |value: &Value| value.as_f64().unwrap_or(f64::NAN);
    if let Some(minimum) = bound("minimum")
        && number < limit(minimum)
    {
        fail(messages::minimum(minimum));
    }
    if let Some(maximum) = bound("maximum")
        && number > limit(maximum)
    {
        fail(messages::maximum(maximum));
    }
    if let Some(minimum) = bound("exclusiveMinimum")
        && number <= limit(minimum)
    {
        fail(messages::exclusive_minimum(minimum));
    }
    if let Some(maximum) = bound("exclusiveMaximum")
        && number >= limit(maximum)
    {
        fail(messages::exclusive_maximum(maximum));
    }
    if let Some(step) = bound("multipleOf")
        && !is_multiple(number, limit(step))
    {
        fail(messages::multiple_of(step));
    }
}

/// Within floating-point noise: 0.3 is a multiple of 0.1.
fn is_multiple(number: f64, step: f64) -> bool {
    if step <= 0.0 || !step.is_finite() {
        return true;
    }
    let quotient = number / step;
    (quotient - quotient.round()).abs() < 1e-9
}

fn has_type(value: &Value, name: &str) -> bool {
    match name {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "string" => value.is_string(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        "number" => value.is_number(),
        "integer" => {
            value.as_i64().is_some()
                || value.as_u64().is_some()
                || value
                    .as_f64()
                    .is_some_and(|n| n.is_finite() && n.fract() == 0.0)
        }
        _ => true,
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn errors(schema: Value, value: Value) -> Errors {
        validate(&schema, &value)
    }

    fn only(pointer: &str, message: &str) -> Errors {
        Errors::from([(pointer.to_owned(), vec![message.to_owned()])])
    }

    #[test]
    fn type_and_integer_rules() {
        let schema = json!({"type": "integer"});
        assert!(errors(schema.clone(), json!(3)).is_empty());
        assert!(errors(schema.clone(), json!(3.0)).is_empty());
        assert_eq!(
            errors(schema, json!(3.5)),
            only("", "Must be of type integer.")
        );
        assert_eq!(
            errors(json!({"type": ["string", "null"]}), json!(1)),
            only("", "Must be of type string or null.")
        );
    }

    #[test]
    fn enum_and_const() {
        let schema = json!({"enum": ["a", 1]});
        assert!(errors(schema.clone(), json!(1.0)).is_empty());
        assert_eq!(
            errors(schema, json!("b")),
            only("", "Must be one of: a, 1.")
        );
        assert_eq!(
            errors(json!({"const": true}), json!(false)),
            only("", "Must be true.")
        );
    }

    #[test]
    fn string_lengths_count_characters_and_patterns_search() {
        let schema = json!({"type": "string", "minLength": 2, "maxLength": 3, "pattern": "[0-9]"});
        assert!(errors(schema.clone(), json!("é1")).is_empty());
        assert_eq!(
            errors(schema.clone(), json!("a")),
            Errors::from([(
                String::new(),
                vec![
                    "At least 2 characters.".to_owned(),
                    "Does not have the expected format.".to_owned()
                ]
            )])
        );
        assert_eq!(
            errors(schema, json!("1234")),
            only("", "At most 3 characters.")
        );
        assert_eq!(
            errors(json!({"minLength": 1}), json!("")),
            only("", "Required.")
        );
    }

    #[test]
    fn numeric_bounds() {
        let schema = json!({"minimum": 1, "maximum": 10, "multipleOf": 0.5});
        assert!(errors(schema.clone(), json!(2.5)).is_empty());
        assert_eq!(
            errors(schema.clone(), json!(0)),
            only("", "Must be at least 1.")
        );
        assert_eq!(
            errors(schema.clone(), json!(11)),
            only("", "Must be at most 10.")
        );
        assert_eq!(
            errors(schema, json!(2.2)),
            only("", "Must be a multiple of 0.5.")
        );
        let exclusive = json!({"exclusiveMinimum": 0, "exclusiveMaximum": 1});
        assert_eq!(
            errors(exclusive.clone(), json!(0)),
            only("", "Must be more than 0.")
        );
        assert_eq!(
            errors(exclusive, json!(1)),
            only("", "Must be less than 1.")
        );
        assert!(errors(json!({"multipleOf": 0.1}), json!(0.3)).is_empty());
    }

    #[test]
    fn formats() {
        let uri = json!({"format": "uri"});
        assert!(errors(uri.clone(), json!("https://example.com/a?b=c")).is_empty());
        assert_eq!(
            errors(uri, json!("example.com")),
            only("", "Must be a valid uri.")
        );
        assert!(!errors(json!({"format": "email"}), json!("no-at-sign")).is_empty());
        assert!(!errors(json!({"format": "date"}), json!("2026-02-29")).is_empty());
        assert!(errors(json!({"format": "date"}), json!("2024-02-29")).is_empty());
        assert!(errors(json!({"format": "made-up"}), json!("anything")).is_empty());
    }

    #[test]
    fn required_lands_on_the_missing_field() {
        let schema = json!({
            "type": "object",
            "required": ["a"],
            "properties": {"a": {"type": "string"}, "b": {"type": "object", "required": ["c"]}},
            "additionalProperties": false
        });
        assert_eq!(
            errors(schema, json!({"b": {}, "zz": 1})),
            Errors::from([
                ("/a".to_owned(), vec!["Required.".to_owned()]),
                ("/b/c".to_owned(), vec!["Required.".to_owned()]),
                ("/zz".to_owned(), vec!["Unknown field.".to_owned()]),
            ])
        );
    }

    #[test]
    fn additional_properties_schema_applies_to_extras() {
        let schema = json!({"type": "object", "additionalProperties": {"type": "string"}});
        assert_eq!(
            errors(schema, json!({"x": "ok", "y": 2})),
            only("/y", "Must be of type string.")
        );
    }

    #[test]
    fn dependent_required() {
        let schema = json!({"dependentRequired": {"user": ["password"]}});
        assert!(errors(schema.clone(), json!({})).is_empty());
        assert_eq!(
            errors(schema, json!({"user": "x"})),
            only("/password", "Required.")
        );
    }

    #[test]
    fn arrays() {
        let schema = json!({"type": "array", "items": {"type": "integer"}, "minItems": 1, "maxItems": 3, "uniqueItems": true});
        assert!(errors(schema.clone(), json!([1, 2])).is_empty());
        assert_eq!(
            errors(schema.clone(), json!([])),
            only("", "At least 1 items.")
        );
        assert_eq!(
            errors(schema.clone(), json!([1, 2, 3, 4])),
            only("", "At most 3 items.")
        );
        assert_eq!(
            errors(schema.clone(), json!([1, 1.0])),
            only("", "Items must be unique.")
        );
        assert_eq!(
            errors(schema, json!([1, "x"])),
            only("/1", "Must be of type integer.")
        );
    }

    #[test]
    fn if_then_else() {
        let schema = json!({
            "if": {"properties": {"kind": {"const": "a"}}, "required": ["kind"]},
            "then": {"required": ["a"]},
            "else": {"required": ["b"]}
        });
        assert_eq!(
            errors(schema.clone(), json!({"kind": "a"})),
            only("/a", "Required.")
        );
        assert_eq!(
            errors(schema.clone(), json!({"kind": "z"})),
            only("/b", "Required.")
        );
        assert!(errors(schema, json!({"kind": "a", "a": 1})).is_empty());
    }

    #[test]
    fn one_of_reports_the_branch_the_input_meant() {
        let schema = json!({
            "type": "object",
            "oneOf": [
                {"properties": {"method": {"const": "none"}}},
                {"required": ["token"], "properties": {"method": {"const": "bearer"}, "token": {"minLength": 1}}}
            ]
        });
        assert!(errors(schema.clone(), json!({"method": "none"})).is_empty());
        assert_eq!(
            errors(schema.clone(), json!({"method": "bearer"})),
            only("/token", "Required.")
        );
        let overlapping = json!({"oneOf": [{"type": "integer"}, {"minimum": 0}]});
        assert_eq!(
            errors(overlapping, json!(5)),
            only("", "Matches more than one of the allowed shapes.")
        );
        assert!(
            !errors(
                json!({"anyOf": [{"type": "string"}, {"type": "integer"}]}),
                json!(true)
            )
            .is_empty()
        );
    }

    #[test]
    fn refs_into_defs_and_boolean_schemas() {
        let schema = json!({
            "$defs": {"port": {"type": "integer", "maximum": 65535}},
            "properties": {"port": {"$ref": "#/$defs/port"}, "never": false}
        });
        assert_eq!(
            errors(schema.clone(), json!({"port": 70000})),
            only("/port", "Must be at most 65535.")
        );
        assert_eq!(
            errors(schema, json!({"never": 1})),
            only("/never", "Is not allowed here.")
        );
        let cyclic = json!({"$defs": {"a": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"});
        assert!(errors(cyclic, json!(1)).is_empty());
        assert!(!errors(json!({"not": {"type": "string"}}), json!("x")).is_empty());
    }
}
