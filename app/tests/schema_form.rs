//! The form engine against a corpus of schema/value pairs and every seeded connector
//! type: showing a value in the form and reading it back changes nothing, and the
//! browser's validator reaches the verdict the corpus expects. (The server's `jsonschema`
//! is held to the same verdicts in `server/tests/integration/form_agreement.rs`.)
#![allow(clippy::unwrap_used)] // a test fails by panicking; unwrap is how it says so

use std::path::Path;

use app::schema::validate;
use app::schema_form::state;
use serde_json::Value;

/// One schema with values it must accept and values it must refuse.
#[derive(serde::Deserialize)]
struct Case {
    name: String,
    schema: Value,
    valid: Vec<Value>,
    invalid: Vec<Value>,
}

fn fixture(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The corpus cases, then per seeded type its config and auth schemas with the valid and
/// the broken example of `seed_examples.json`.
fn all_cases() -> Vec<Case> {
    let corpus = fixture("form_corpus.json");
    let mut cases: Vec<Case> = serde_json::from_value(corpus["cases"].clone()).unwrap();
    let examples = fixture("seed_examples.json");
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("../seeds/connectors");
    let mut files: Vec<_> = std::fs::read_dir(seeds)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for file in files {
        let seed: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let key = seed["key"].as_str().unwrap();
        let example = &examples[key];
        for (part, good, bad) in [
            ("config_schema", "config", "bad_config"),
            ("auth_schema", "auth", "bad_auth"),
        ] {
            cases.push(Case {
                name: format!("{key} {part}"),
                schema: seed[part].clone(),
                valid: vec![example[good].clone()],
                invalid: vec![example[bad].clone()],
            });
        }
    }
    cases
}

#[test]
fn the_corpus_is_big_enough() {
    let pairs: usize = all_cases()
        .iter()
        .map(|case| case.valid.len() + case.invalid.len())
        .sum();
    assert!(pairs >= 50 + 16 * 4, "only {pairs} pairs");
}

#[test]
fn value_to_inputs_to_value_is_identical() {
    for case in all_cases() {
        for value in case.valid.iter().chain(&case.invalid) {
            let inputs = state::read(&case.schema, &case.schema, Some(value));
            let back = state::write(&inputs).unwrap();
            assert_eq!(back.as_ref(), Some(value), "{}: {inputs:#?}", case.name);
        }
    }
}

#[test]
fn the_browser_validator_reaches_the_expected_verdict() {
    for case in all_cases() {
        for value in &case.valid {
            let errors = validate::validate(&case.schema, value);
            assert!(
                errors.is_empty(),
                "{}: {value} refused: {errors:?}",
                case.name
            );
        }
        for value in &case.invalid {
            assert!(
                !validate::validate(&case.schema, value).is_empty(),
                "{}: {value} accepted",
                case.name
            );
        }
    }
}

#[test]
fn fields_the_form_cannot_lay_out_still_round_trip_through_json() {
    let schema = serde_json::json!({
        "type": "object",
        "properties": {"rules": {"type": "object", "patternProperties": {"^x-": {"type": "string"}}}}
    });
    let value = serde_json::json!({"rules": {"x-a": "1", "other": [1, {"b": null}]}});
    let inputs = state::read(&schema, &schema, Some(&value));
    let state::Inputs::Object { fields, .. } = &inputs else {
        panic!("not an object: {inputs:?}");
    };
    assert!(matches!(
        &fields[0].1,
        state::Inputs::Leaf {
            renderer: "json",
            ..
        }
    ));
    assert_eq!(state::write(&inputs).unwrap(), Some(value));
}

/// Every seeded URL field takes only https:// (and http:// on this machine), and says why
/// in its own words, in the browser as on the server.
#[test]
fn url_fields_refuse_plain_http_with_a_reason() {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("../seeds/connectors");
    let wordpress: Value =
        serde_json::from_str(&std::fs::read_to_string(seeds.join("wordpress.json")).unwrap())
            .unwrap();
    let schema = &wordpress["config_schema"];
    let errors_for = |url: &str| {
        validate::validate(schema, &serde_json::json!({"base_url": url}))
            .remove("/base_url")
            .unwrap_or_default()
    };
    for refused in [
        "http://blog.example.com",
        "http://localhost.example.com",
        "http://127.0.0.1.example.com",
        "http://10.0.0.5",
        "http://localhost:x@evil.example/",
        "http://localhost@evil.example",
        "http://127.0.0.1:80@evil.example/",
    ] {
        assert_eq!(
            errors_for(refused),
            [app::model::HTTPS_URL_MESSAGE],
            "{refused}"
        );
    }
    for accepted in [
        "https://blog.example.com",
        "http://localhost:8080",
        "http://127.0.0.1",
        "http://[::1]:3000/",
    ] {
        assert_eq!(errors_for(accepted), Vec::<String>::new(), "{accepted}");
    }
}
