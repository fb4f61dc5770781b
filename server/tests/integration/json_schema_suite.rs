//! The official JSON-Schema-Test-Suite (draft 2020-12, vendored under
//! `app/tests/fixtures/json-schema-test-suite/`) against the browser's validator, with the
//! server's `jsonschema` (built as the connector service builds it: formats asserted) as
//! the second opinion.
//!
//! - No false rejects over the whole suite: where the suite or the server says valid, the
//!   browser must not reject.
//! - Right verdicts on what it claims: a case whose schema uses only claimed keywords and
//!   formats gets the suite's verdict.
//!
//! `format.json` tests the draft's default, where `format` is only an annotation; this
//! product asserts formats on both sides (the suite's `optional/format/` files test that),
//! so for `format.json` the expected verdict is the server's.
//!
//! The per-file table goes to stdout (`--nocapture`) and to
//! `$CARGO_TARGET_TMPDIR/json_schema_suite.md`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use app::schema::claims;
use app::schema::validate::{self, CLAIMED_FORMATS, CLAIMED_KEYWORDS, Verdict};
use serde_json::Value;

fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../app/tests/fixtures/json-schema-test-suite/tests/draft2020-12")
}

fn suite_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            suite_files(&path, found);
        } else if path.extension().is_some_and(|ext| ext == "json") {
            found.push(path);
        }
    }
}

/// Keywords that assert nothing; a claimed schema may hold them.
const ANNOTATIONS: &[&str] = &[
    "title",
    "description",
    "default",
    "examples",
    "deprecated",
    "readOnly",
    "writeOnly",
    "$comment",
];

/// Whether `node` (in document `root`) uses only what the browser claims to implement.
fn uses_only_claimed(root: &Value, node: &Value, is_root: bool) -> bool {
    let Value::Object(keywords) = node else {
        return node.is_boolean();
    };
    let schemas = |value: &Value| -> bool {
        match value {
            Value::Array(items) => items
                .iter()
                .all(|item| uses_only_claimed(root, item, false)),
            _ => uses_only_claimed(root, value, false),
        }
    };
    let schema_map = |value: &Value| -> bool {
        value.as_object().is_some_and(|map| {
            map.values()
                .all(|item| uses_only_claimed(root, item, false))
        })
    };
    keywords
        .iter()
        .all(|(keyword, value)| match keyword.as_str() {
            "$schema" => value == "https://json-schema.org/draft/2020-12/schema",
            "$id" => is_root,
            "format" => value.as_str().is_some_and(|f| CLAIMED_FORMATS.contains(&f)),
            "$ref" => value.as_str().is_some_and(|reference| {
                !has_nested_id(root, true)
                    && reference.starts_with('#')
                    && app::schema::document::lookup_ref(root, reference).is_some()
            }),
            "pattern" => value.as_str().is_some_and(claims::pattern_claimed),
            "patternProperties" => {
                schema_map(value)
                    && value
                        .as_object()
                        .is_some_and(|map| map.keys().all(|source| claims::pattern_claimed(source)))
            }
            "properties" | "$defs" | "dependentSchemas" => schema_map(value),
            "items"
            | "prefixItems"
            | "contains"
            | "not"
            | "if"
            | "then"
            | "else"
            | "additionalProperties"
            | "propertyNames"
            | "allOf"
            | "anyOf"
            | "oneOf" => schemas(value),
            other => ANNOTATIONS.contains(&other) || CLAIMED_KEYWORDS.contains(&other),
        })
}

fn has_nested_id(value: &Value, is_root: bool) -> bool {
    match value {
        Value::Object(map) => map
            .iter()
            .any(|(key, child)| (key == "$id" && !is_root) || has_nested_id(child, false)),
        Value::Array(items) => items.iter().any(|item| has_nested_id(item, false)),
        _ => false,
    }
}

#[derive(Default)]
struct Row {
    cases: usize,
    claimed: usize,
    agree: usize,
    unknown: usize,
    false_rejects: usize,
    false_accepts: usize,
    claimed_wrong: usize,
}

impl Row {
    fn add(&mut self, other: &Row) {
        self.cases += other.cases;
        self.claimed += other.claimed;
        self.agree += other.agree;
        self.unknown += other.unknown;
        self.false_rejects += other.false_rejects;
        self.false_accepts += other.false_accepts;
        self.claimed_wrong += other.claimed_wrong;
    }
}

#[test]
fn browser_validator_against_the_official_suite() {
    let mut files = Vec::new();
    suite_files(&suite_dir(), &mut files);
    files.sort();
    assert!(files.len() >= 70, "only {} suite files", files.len());

    let mut table = String::from(
        "| keyword file | cases | claimed | agree | unknown | false rejects | false accepts | claimed wrong |\n|---|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    let mut total = Row::default();
    let mut problems = Vec::new();
    for file in &files {
        let name = file
            .strip_prefix(suite_dir())
            .unwrap()
            .display()
            .to_string();
        let groups: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        let mut row = Row::default();
        for group in groups.as_array().unwrap() {
            let schema = &group["schema"];
            let server = jsonschema::options()
                .should_validate_formats(true)
                .build(schema)
                .ok();
            let claimed = uses_only_claimed(schema, schema, true);
            for case in group["tests"].as_array().unwrap() {
                let data = &case["data"];
                let server_valid = server.as_ref().map(|server| server.is_valid(data));
                let expected = match (name.as_str(), server_valid) {
                    ("format.json", Some(server_valid)) => server_valid,
                    _ => case["valid"].as_bool().unwrap(),
                };
                let verdict = validate::verdict(schema, schema, data);
                let rejects = !validate::validate(schema, data).is_empty();
                assert_eq!(rejects, verdict == Verdict::Invalid, "{name}: {data}");
                let label = format!(
                    "{name} / {} / {}: {data}",
                    group["description"], case["description"]
                );
                row.cases += 1;
                row.claimed += usize::from(claimed);
                row.agree += usize::from(rejects != expected);
                row.unknown += usize::from(verdict == Verdict::Unknown);
                if rejects && (expected || server_valid == Some(true)) {
                    row.false_rejects += 1;
                    problems.push(format!("false reject: {label}"));
                }
                row.false_accepts += usize::from(!rejects && !expected);
                if claimed && rejects == expected {
                    row.claimed_wrong += 1;
                    problems.push(format!("claimed, wrong verdict ({verdict:?}): {label}"));
                }
            }
        }
        writeln!(
            table,
            "| {name} | {} | {} | {} | {} | {} | {} | {} |",
            row.cases,
            row.claimed,
            row.agree,
            row.unknown,
            row.false_rejects,
            row.false_accepts,
            row.claimed_wrong
        )
        .unwrap();
        total.add(&row);
    }
    writeln!(
        table,
        "| **all** | {} | {} | {} | {} | {} | {} | {} |",
        total.cases,
        total.claimed,
        total.agree,
        total.unknown,
        total.false_rejects,
        total.false_accepts,
        total.claimed_wrong
    )
    .unwrap();
    println!("{table}");
    std::fs::write(
        Path::new(env!("CARGO_TARGET_TMPDIR")).join("json_schema_suite.md"),
        &table,
    )
    .unwrap();

    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    // Not vacuous: the suite was read, and most of it is judged by claimed keywords.
    assert!(total.cases > 1500, "only {} cases", total.cases);
    assert!(
        total.claimed * 2 > total.cases,
        "claimed {} of {}",
        total.claimed,
        total.cases
    );
}
