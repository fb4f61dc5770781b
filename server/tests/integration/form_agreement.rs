//! The browser's compact validator (`app::schema::validate`) and the server's
//! `jsonschema` reach the same verdict on every schema/value pair of the form corpus and
//! on every seeded type's examples. The server is authoritative; this keeps the browser
//! from refusing what the server accepts, or promising what it refuses.

use std::path::Path;

use serde_json::Value;

fn fixture(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../app/tests/fixtures")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// (label, schema, value, expected verdict)
fn pairs() -> Vec<(String, Value, Value, bool)> {
    let mut pairs = Vec::new();
    for case in fixture("form_corpus.json")["cases"].as_array().unwrap() {
        for (list, expected) in [("valid", true), ("invalid", false)] {
            for value in case[list].as_array().unwrap() {
                pairs.push((
                    case["name"].to_string(),
                    case["schema"].clone(),
                    value.clone(),
                    expected,
                ));
            }
        }
    }
    let examples = fixture("seed_examples.json");
    for entry in support_seed_files() {
        let key = entry["key"].as_str().unwrap().to_owned();
        let example = &examples[&key];
        for (part, good, bad) in [
            ("config_schema", "config", "bad_config"),
            ("auth_schema", "auth", "bad_auth"),
        ] {
            pairs.push((
                format!("{key} {good}"),
                entry[part].clone(),
                example[good].clone(),
                true,
            ));
            pairs.push((
                format!("{key} {bad}"),
                entry[part].clone(),
                example[bad].clone(),
                false,
            ));
        }
    }
    pairs
}

fn support_seed_files() -> Vec<Value> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../seeds/connectors");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .iter()
        .map(|file| serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap())
        .collect()
}

#[test]
fn browser_and_server_agree_on_every_pair() {
    let pairs = pairs();
    assert!(pairs.len() >= 114, "only {} pairs", pairs.len());
    for (label, schema, value, expected) in pairs {
        // Built as the connector service builds it: formats checked.
        let server = jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
            .unwrap();
        let server_ok = server.is_valid(&value);
        let browser_ok = app::schema::validate::validate(&schema, &value).is_empty();
        assert_eq!(server_ok, expected, "server on {label}: {value}");
        assert_eq!(browser_ok, expected, "browser on {label}: {value}");
    }
}
