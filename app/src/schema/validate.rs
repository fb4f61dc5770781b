//! A compact JSON Schema validator for the browser, over the keywords the form engine
//! renders. The server stays authoritative with the `jsonschema` crate (which would add
//! about 1.9 MB to the WASM).
//!
//! It may say less than the server, never more: every check concludes *valid*, *invalid*
//! or *unknown*, and unknown never rejects. A schema is unknown where it uses a keyword or
//! a `format` this module does not claim, a `$ref` it cannot follow (remote, anchors, nested
//! `$id`), or a `pattern` `regex-lite` cannot match as the server does ([`super::pattern`]).
//! Combinators use three-valued logic: `not` of unknown is unknown, `anyOf` with no valid
//! branch but an unknown one is unknown, `oneOf` is valid only with one valid branch and no
//! unknown one, an unknown `if` is valid only when both `then` and `else` hold, and
//! `contains` counts unknown items as maybe.
//!
//! Claimed keywords (draft 2020-12): [`CLAIMED_KEYWORDS`] — `$ref` (same-document JSON
//! Pointers), `$defs`, `type`, `enum`, `const`, `minLength`, `maxLength`, `pattern`,
//! `format`, `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum`, `multipleOf`,
//! `required`, `dependentRequired`, `properties`, `patternProperties`,
//! `additionalProperties`, `propertyNames`, `minProperties`, `maxProperties`,
//! `dependentSchemas`, `prefixItems`, `items`, `contains`, `minContains`, `maxContains`,
//! `minItems`, `maxItems`, `uniqueItems`, `allOf`, `anyOf`, `oneOf`, `not`, `if`, `then`,
//! `else`. Claimed formats: [`CLAIMED_FORMATS`] — `uri`, `email`, `date`, `date-time`;
//! `hostname` is checked but not claimed (A-labels are left to the server). Format checks
//! reject only what the server rejects ([`super::formats`]). A `pattern` is claimed where
//! [`claims::pattern_claimed`] says so.
//!
//! `server/tests/integration/json_schema_suite.rs` holds this to the official test suite and to the
//! server, `server/tests/integration/seed_sweep.rs` to the server over values for every
//! seeded schema. Errors are keyed by JSON Pointer, `required` ones at the missing child,
//! so each lands on its field.
//!
//! Why one long file: one function per keyword family over a shared walker; splitting them
//! would scatter the order of checks the messages depend on. About a third is tests.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value};

pub use super::claims::{CLAIMED_FORMATS, CLAIMED_KEYWORDS};
use super::document::{self, same};
use super::pattern::Pattern;
use super::{claims, formats, messages, multiple, pointer};

/// Messages by JSON Pointer of the value they are about.
pub type Errors = BTreeMap<String, Vec<String>>;

/// What the browser can tell about a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Valid,
    Invalid,
    /// Left to the server: never a reason to block the user.
    Unknown,
}

/// Every error the browser is sure of in `value` against the root schema `root`.
pub fn validate(root: &Value, value: &Value) -> Errors {
    let mut errors = Errors::new();
    for failure in Checker::new(root).evaluate(root, value, "", 0).failures {
        let messages = errors.entry(failure.pointer).or_default();
        if !messages.contains(&failure.message) {
            messages.push(failure.message);
        }
    }
    errors
}

/// The browser's verdict on `value` against `node` (a subschema of `root`).
pub fn verdict(root: &Value, node: &Value, value: &Value) -> Verdict {
    Checker::new(root).evaluate(node, value, "", 0).verdict()
}

/// Whether `value` may satisfy `node` (a subschema of `root`), e.g. an `if` condition:
/// only a sure failure says no.
pub fn is_valid(root: &Value, node: &Value, value: &Value) -> bool {
    verdict(root, node, value) != Verdict::Invalid
}

struct Failure {
    pointer: String,
    message: String,
    /// A failed `const` marks a `oneOf` branch the input did not mean.
    from_const: bool,
}

/// The failures found in one schema, and whether some part of it was left unknown.
#[derive(Default)]
struct Outcome {
    failures: Vec<Failure>,
    unknown: bool,
}

impl Outcome {
    fn verdict(&self) -> Verdict {
        if !self.failures.is_empty() {
            Verdict::Invalid
        } else if self.unknown {
            Verdict::Unknown
        } else {
            Verdict::Valid
        }
    }

    fn fail(&mut self, at: &str, message: String) {
        self.failures.push(Failure {
            pointer: at.to_owned(),
            message,
            from_const: false,
        });
    }
}

/// Nesting (of `$ref` chains and of the data) deeper than this is left to the server.
const MAX_DEPTH: u8 = 64;

struct Checker<'a> {
    root: &'a Value,
    /// Nested `$id`s move the base of `$ref`s: then `$ref`s are unknown.
    refs_followable: bool,
    patterns: RefCell<HashMap<String, Option<Pattern>>>,
}

impl<'a> Checker<'a> {
    fn new(root: &'a Value) -> Self {
        Checker {
            root,
            refs_followable: !claims::has_nested_ids(root),
            patterns: RefCell::new(HashMap::new()),
        }
    }

    fn evaluate(&self, node: &Value, value: &Value, at: &str, depth: u8) -> Outcome {
        let mut outcome = Outcome::default();
        self.check(node, value, at, &mut outcome, depth);
        outcome
    }

    fn check(&self, node: &Value, value: &Value, at: &str, out: &mut Outcome, depth: u8) {
        let keywords = match node {
            Value::Object(keywords) => keywords,
            Value::Bool(false) => return out.fail(at, messages::not_allowed()),
            _ => return,
        };
        if depth > MAX_DEPTH || claims::other_dialect(keywords) {
            out.unknown = true;
            return;
        }
        out.unknown |= claims::leaves_part_to_server(keywords);
        if let Some(reference) = keywords.get("$ref") {
            match reference
                .as_str()
                .filter(|_| self.refs_followable)
                .and_then(|reference| document::lookup_ref(self.root, reference))
            {
                Some(target) => self.check(target, value, at, out, depth + 1),
                None => out.unknown = true,
            }
        }
        if let Some(expected) = keywords.get("type") {
            let names = document::type_names(expected);
            if !names.iter().any(|name| has_type(value, name)) {
                return out.fail(at, messages::wrong_type(&names));
            }
        }
        if let Some(options) = keywords.get("enum").and_then(Value::as_array)
            && !options.iter().any(|option| same(option, value))
        {
            out.fail(at, messages::not_in_enum(options));
        }
        if let Some(expected) = keywords.get("const")
            && !same(expected, value)
        {
            out.failures.push(Failure {
                pointer: at.to_owned(),
                message: messages::not_constant(expected),
                from_const: true,
            });
        }
        match value {
            Value::String(text) => self.string(keywords, text, at, out),
            Value::Number(number) => number_bounds(keywords, number, at, out),
            Value::Object(map) => self.object(keywords, map, value, at, out, depth),
            Value::Array(items) => self.array(keywords, items, at, out, depth),
            _ => {}
        }
        self.combinators(keywords, value, at, out, depth);
    }

    fn combinators(
        &self,
        keywords: &Map<String, Value>,
        value: &Value,
        at: &str,
        out: &mut Outcome,
        depth: u8,
    ) {
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
        if let Some(negated) = keywords.get("not") {
            match self.evaluate(negated, value, at, depth + 1).verdict() {
                Verdict::Valid => {
                    out.fail(at, messages::not_allowed_of(keywords.get("x-not-message")));
                }
                Verdict::Invalid => {}
                Verdict::Unknown => out.unknown = true,
            }
        }
        if let Some(condition) = keywords.get("if") {
            let branch = |keyword| keywords.get(keyword).unwrap_or(&Value::Bool(true));
            match self.evaluate(condition, value, at, depth + 1).verdict() {
                Verdict::Valid => self.check(branch("then"), value, at, out, depth + 1),
                Verdict::Invalid => self.check(branch("else"), value, at, out, depth + 1),
                Verdict::Unknown => {
                    let holds = |keyword| {
                        self.evaluate(branch(keyword), value, at, depth + 1)
                            .verdict()
                            == Verdict::Valid
                    };
                    out.unknown |= !(holds("then") && holds("else"));
                }
            }
        }
    }

    fn string(&self, keywords: &Map<String, Value>, text: &str, at: &str, out: &mut Outcome) {
        let length = text.chars().count() as u64;
        if let Some(limit) = count_limit(keywords, "minLength")
            && length < limit
        {
            out.fail(at, messages::min_length(limit));
        }
        if let Some(limit) = count_limit(keywords, "maxLength")
            && length > limit
        {
            out.fail(at, messages::max_length(limit));
        }
        // One message when the text is not even of its format: a pattern on the same
        // schema only refines it (`blog.example.com` needs "the full address, starting
        // with https://", not that and the HTTPS rule too). The server does the same.
        let mut not_of_its_format = false;
        if let Some(format) = keywords.get("format").and_then(Value::as_str) {
            match formats::check(format, text) {
                Some(false) => {
                    not_of_its_format = true;
                    out.fail(
                        at,
                        messages::format_of(keywords.get("x-format-message"), format),
                    );
                }
                // A format check is not proof that the server accepts the text.
                _ => out.unknown = true,
            }
        }
        if let Some(pattern) = keywords.get("pattern").and_then(Value::as_str) {
            match self.matches(pattern, text) {
                Some(true) => {}
                Some(false) if not_of_its_format => {}
                Some(false) => {
                    out.fail(at, messages::pattern_of(keywords.get("x-pattern-message")));
                }
                None => out.unknown = true,
            }
        }
    }

    /// `None` where `regex-lite` cannot answer as the server's engine would.
    fn matches(&self, pattern: &str, text: &str) -> Option<bool> {
        let mut cache = self.patterns.borrow_mut();
        cache
            .entry(pattern.to_owned())
            .or_insert_with(|| Pattern::compile(pattern))
            .as_ref()
            .and_then(|compiled| compiled.is_match(text))
    }

    fn object(
        &self,
        keywords: &Map<String, Value>,
        map: &Map<String, Value>,
        value: &Value,
        at: &str,
        out: &mut Outcome,
        depth: u8,
    ) {
        let missing = |name: &str, out: &mut Outcome| {
            out.fail(&pointer::child(at, name), messages::required());
        };
        for name in document::string_list(keywords.get("required")) {
            if !map.contains_key(name) {
                missing(name, out);
            }
        }
        if let Some(dependents) = keywords.get("dependentRequired").and_then(Value::as_object) {
            for (trigger, needed) in dependents {
                if map.contains_key(trigger) {
                    for name in document::string_list(Some(needed)) {
                        if !map.contains_key(name) {
                            missing(name, out);
                        }
                    }
                }
            }
        }
        let count = map.len() as u64;
        if let Some(limit) = count_limit(keywords, "minProperties")
            && count < limit
        {
            out.fail(at, messages::min_properties(limit));
        }
        if let Some(limit) = count_limit(keywords, "maxProperties")
            && count > limit
        {
            out.fail(at, messages::max_properties(limit));
        }
        for (name, child) in map {
            let pointer = pointer::child(at, name);
            if let Some(names) = keywords.get("propertyNames") {
                self.check(
                    names,
                    &Value::String(name.clone()),
                    &pointer,
                    out,
                    depth + 1,
                );
            }
            self.property(keywords, name, child, &pointer, out, depth);
        }
        if let Some(dependents) = keywords.get("dependentSchemas").and_then(Value::as_object) {
            for (trigger, dependent) in dependents {
                if map.contains_key(trigger) {
                    self.check(dependent, value, at, out, depth + 1);
                }
            }
        }
    }

    /// `properties`, then each `patternProperties` whose pattern matches the name, and
    /// `additionalProperties` for a name neither covers.
    fn property(
        &self,
        keywords: &Map<String, Value>,
        name: &str,
        child: &Value,
        pointer: &str,
        out: &mut Outcome,
        depth: u8,
    ) {
        let mut covered = false;
        let mut maybe_covered = false;
        if let Some(property) = keywords
            .get("properties")
            .and_then(Value::as_object)
            .and_then(|properties| properties.get(name))
        {
            covered = true;
            self.check(property, child, pointer, out, depth + 1);
        }
        for (pattern, property) in keywords
            .get("patternProperties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            match self.matches(pattern, name) {
                Some(true) => {
                    covered = true;
                    self.check(property, child, pointer, out, depth + 1);
                }
                Some(false) => {}
                None => {
                    maybe_covered = true;
                    out.unknown = true;
                }
            }
        }
        match keywords.get("additionalProperties") {
            Some(_) if covered || maybe_covered => {}
            Some(Value::Bool(false)) => out.fail(pointer, messages::unknown_field()),
            Some(extra) => self.check(extra, child, pointer, out, depth + 1),
            None => {}
        }
    }

    fn array(
        &self,
        keywords: &Map<String, Value>,
        items: &[Value],
        at: &str,
        out: &mut Outcome,
        depth: u8,
    ) {
        let count = items.len() as u64;
        if let Some(limit) = count_limit(keywords, "minItems")
            && count < limit
        {
            out.fail(at, messages::min_items(limit));
        }
        if let Some(limit) = count_limit(keywords, "maxItems")
            && count > limit
        {
            out.fail(at, messages::max_items(limit));
        }
        if keywords.get("uniqueItems") == Some(&Value::Bool(true))
            && items
                .iter()
                .enumerate()
                .any(|(i, a)| items[..i].iter().any(|b| same(a, b)))
        {
            out.fail(at, messages::unique_items());
        }
        let prefix = keywords
            .get("prefixItems")
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice);
        for (index, item) in items.iter().enumerate() {
            let item_schema = prefix.get(index).or_else(|| keywords.get("items"));
            if let Some(item_schema) = item_schema {
                let pointer = pointer::item(at, index);
                self.check(item_schema, item, &pointer, out, depth + 1);
            }
        }
        if let Some(contained) = keywords.get("contains") {
            self.contains(keywords, contained, items, at, out, depth);
        }
    }

    /// `contains` with `minContains` (default 1) and `maxContains`; an item whose verdict
    /// is unknown may count either way.
    fn contains(
        &self,
        keywords: &Map<String, Value>,
        contained: &Value,
        items: &[Value],
        at: &str,
        out: &mut Outcome,
        depth: u8,
    ) {
        let (mut surely, mut maybe) = (0_u64, 0_u64);
        for item in items {
            match self.evaluate(contained, item, at, depth + 1).verdict() {
                Verdict::Valid => surely += 1,
                Verdict::Unknown => maybe += 1,
                Verdict::Invalid => {}
            }
        }
        let least = count_limit(keywords, "minContains").unwrap_or(1);
        if surely + maybe < least {
            out.fail(at, messages::too_few_matching(least));
        } else if surely < least {
            out.unknown = true;
        }
        if let Some(most) = count_limit(keywords, "maxContains") {
            if surely > most {
                out.fail(at, messages::too_many_matching(most));
            } else if surely + maybe > most {
                out.unknown = true;
            }
        }
    }

    /// `anyOf` / `oneOf`. When no branch fits, the errors reported are those of the branch
    /// the input meant: one whose `const` discriminator matched, else the closest. The
    /// server's messages pick the same way. Unknown branches count as maybe.
    fn alternatives(
        &self,
        branches: &[Value],
        exactly_one: bool,
        value: &Value,
        at: &str,
        out: &mut Outcome,
        depth: u8,
    ) {
        let results: Vec<Outcome> = branches
            .iter()
            .map(|branch| self.evaluate(branch, value, at, depth + 1))
            .collect();
        let count = |verdict| results.iter().filter(|r| r.verdict() == verdict).count();
        let (valid, unknown) = (count(Verdict::Valid), count(Verdict::Unknown));
        if exactly_one && valid > 1 {
            out.fail(at, messages::several_shapes());
        } else if valid >= 1 && (!exactly_one || unknown == 0) {
        } else if unknown > 0 {
            out.unknown = true;
        } else {
            let meant = results.into_iter().min_by_key(|outcome| {
                let discriminator_mismatch =
                    outcome.failures.iter().any(|failure| failure.from_const);
                (discriminator_mismatch, outcome.failures.len())
            });
            match meant {
                Some(outcome) => out.failures.extend(outcome.failures),
                None => out.fail(at, messages::no_shape()),
            }
        }
    }
}

fn number_bounds(
    keywords: &Map<String, Value>,
    value: &serde_json::Number,
    at: &str,
    out: &mut Outcome,
) {
    let Some(number) = value.as_f64() else {
        return;
    };
    let bound = |key: &str| keywords.get(key).filter(|limit| limit.is_number());
    let limit = |value: &Value| value.as_f64().unwrap_or(f64::NAN);
    if let Some(minimum) = bound("minimum")
        && number < limit(minimum)
    {
        out.fail(at, messages::minimum(minimum));
    }
    if let Some(maximum) = bound("maximum")
        && number > limit(maximum)
    {
        out.fail(at, messages::maximum(maximum));
    }
    if let Some(minimum) = bound("exclusiveMinimum")
        && number <= limit(minimum)
    {
        out.fail(at, messages::exclusive_minimum(minimum));
    }
    if let Some(maximum) = bound("exclusiveMaximum")
        && number >= limit(maximum)
    {
        out.fail(at, messages::exclusive_maximum(maximum));
    }
    if let Some(step) = bound("multipleOf") {
        match multiple::is_multiple(value, limit(step)) {
            Some(true) => {}
            Some(false) => out.fail(at, messages::multiple_of(step)),
            None => out.unknown = true,
        }
    }
}

/// A count limit (`minLength: 2`, also written `2.0`).
fn count_limit(keywords: &Map<String, Value>, keyword: &str) -> Option<u64> {
    let limit = keywords.get(keyword)?;
    limit.as_u64().or_else(|| {
        limit
            .as_f64()
            .filter(|limit| *limit >= 0.0 && limit.fract() == 0.0)
            .map(|limit| limit as u64)
    })
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
        assert!(errors(json!({"format": "uri"}), json!("https://[2001:db8::7]")).is_empty());
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

    // Finding 7 of "Correct against real software": each of these was a false reject
    // (the browser refused a value the server's `jsonschema` accepts).

    #[test]
    fn items_apply_only_after_the_prefix_items() {
        let schema = json!({"prefixItems": [{"type": "string"}], "items": {"type": "integer"}});
        assert!(errors(schema.clone(), json!(["a", 1, 2])).is_empty());
        assert_eq!(
            errors(schema, json!(["a", "b"])),
            only("/1", "Must be of type integer.")
        );
    }

    #[test]
    fn additional_properties_false_spares_pattern_properties() {
        let schema = json!({
            "properties": {"name": {"type": "string"}},
            "patternProperties": {"^x-": {"type": "string"}},
            "additionalProperties": false
        });
        assert!(errors(schema.clone(), json!({"name": "n", "x-trace": "on"})).is_empty());
        assert_eq!(
            errors(schema.clone(), json!({"x-trace": 1})),
            only("/x-trace", "Must be of type string.")
        );
        assert_eq!(
            errors(schema, json!({"other": 1})),
            only("/other", "Unknown field.")
        );
    }

    #[test]
    fn pattern_whitespace_classes_follow_unicode_like_the_server() {
        let spaces = json!({"pattern": "^\\s+$"});
        assert!(errors(spaces.clone(), json!("\u{a0}\u{2003}\u{3000}\u{feff}")).is_empty());
        assert_eq!(
            errors(spaces, json!("a")),
            only("", "Does not have the expected format.")
        );
        let no_spaces = json!({"pattern": "^[^\\s]+$"});
        assert!(errors(no_spaces.clone(), json!("é")).is_empty());
        assert!(!errors(no_spaces, json!("a\u{2003}b")).is_empty());
        assert!(!errors(json!({"pattern": "^\\S+$"}), json!("a\u{a0}b")).is_empty());
    }

    #[test]
    fn unimplemented_keyword_inside_not_leaves_the_verdict_to_the_server() {
        // The server: `{"a": 1}` fails `unevaluatedProperties: false`, so `not` holds.
        let schema = json!({"not": {"unevaluatedProperties": false}});
        assert!(errors(schema, json!({"a": 1})).is_empty());
        // What the browser does know still counts.
        let known = json!({"not": {"type": "string", "unevaluatedProperties": false}});
        assert!(errors(known, json!(1)).is_empty());
        assert!(!errors(json!({"not": {"type": "string"}}), json!("x")).is_empty());
    }

    #[test]
    fn text_not_of_its_format_gets_the_format_message_alone() {
        let schema = json!({"properties": {"url": {
            "type": "string", "format": "uri", "pattern": "^https://",
            "x-format-message": "Enter the full address.", "x-pattern-message": "Use https://."
        }}});
        assert_eq!(
            errors(schema.clone(), json!({"url": "blog.example.com"})),
            only("/url", "Enter the full address.")
        );
        // A full address that breaks the pattern gets the pattern's message.
        assert_eq!(
            errors(schema, json!({"url": "ftp://blog.example.com"})),
            only("/url", "Use https://.")
        );
    }

    #[test]
    fn unimplemented_keyword_in_a_one_of_branch_leaves_the_verdict_to_the_server() {
        // The server: only the first branch holds for `{"a": 1}`, so `oneOf` does.
        let schema = json!({"oneOf": [
            {"type": "object"},
            {"type": "object", "unevaluatedProperties": false}
        ]});
        assert!(errors(schema.clone(), json!({"a": 1})).is_empty());
        assert!(!errors(schema, json!("text")).is_empty());
        let any_of = json!({"anyOf": [{"type": "string"}, {"$dynamicRef": "#meta"}]});
        assert!(errors(any_of, json!(1)).is_empty());
    }

    #[test]
    fn unknown_never_rejects_through_if_contains_or_dependent_schemas() {
        // The server: `{"b": 1}` fails the condition, so `then` does not apply.
        let conditional =
            json!({"if": {"unevaluatedProperties": false}, "then": {"required": ["a"]}});
        assert!(errors(conditional, json!({"b": 1})).is_empty());
        // `\p{L}` is beyond regex-lite: whether "1" is contained is unknown, not a match.
        let at_most_none =
            json!({"contains": {"pattern": "^\\p{L}$"}, "minContains": 0, "maxContains": 0});
        assert!(errors(at_most_none, json!(["1"])).is_empty());
        let at_least_one = json!({"contains": {"type": "string", "pattern": "^\\p{L}$"}});
        assert!(errors(at_least_one.clone(), json!(["é"])).is_empty());
        assert!(!errors(at_least_one, json!([1])).is_empty());
        let dependent =
            json!({"dependentSchemas": {"a": {"not": {"properties": {"a": {"format": "ipv4"}}}}}});
        assert!(errors(dependent, json!({"a": "x"})).is_empty());
        // Known parts still decide.
        let known = json!({"dependentSchemas": {"a": {"required": ["b"]}}});
        assert_eq!(errors(known, json!({"a": 1})), only("/b", "Required."));
    }
}
