//! Every seeded connector type's schemas accept a realistic configuration and
//! credentials, and refuse broken ones with messages keyed by the offending field, never
//! quoting the value.
#![allow(clippy::unwrap_used)] // a test fails by panicking; unwrap is how it says so

mod support;

use serde_json::Value;
use server::service::connectors::TypeSchemas;

/// A valid pair, and a broken pair with the field path each must be refused at. Shared
/// with the form engine's tests (`app/tests/fixtures/seed_examples.json`).
#[derive(serde::Deserialize)]
struct Example {
    #[serde(skip)]
    key: String,
    config: Value,
    auth: Value,
    bad_config: Value,
    bad_config_at: String,
    bad_auth: Value,
    bad_auth_at: String,
}

fn examples() -> Vec<Example> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../app/tests/fixtures/seed_examples.json"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let by_key: std::collections::BTreeMap<String, Example> = serde_json::from_str(&text).unwrap();
    by_key
        .into_iter()
        .map(|(key, example)| Example { key, ..example })
        .collect()
}

async fn schemas_by_key() -> std::collections::HashMap<String, TypeSchemas> {
    let (store, _dir) = support::sqlite_store().await;
    store.seed_catalog(&support::seed_entries()).await.unwrap();
    store
        .list_catalog()
        .await
        .unwrap()
        .iter()
        .map(|entry| (entry.key.clone(), TypeSchemas::compile(entry).unwrap()))
        .collect()
}

#[tokio::test]
async fn every_seeded_type_has_an_example() {
    let schemas = schemas_by_key().await;
    let mut covered: Vec<String> = examples()
        .iter()
        .map(|example| example.key.clone())
        .collect();
    covered.sort_unstable();
    let mut seeded: Vec<String> = schemas.keys().cloned().collect();
    seeded.sort_unstable();
    assert_eq!(covered, seeded);
}

#[tokio::test]
async fn valid_examples_pass() {
    let schemas = schemas_by_key().await;
    for example in examples() {
        let types = &schemas[&example.key];
        assert_eq!(
            types.check_config(&example.config),
            Default::default(),
            "{}",
            example.key
        );
        assert_eq!(
            types.check_auth(&example.auth),
            Default::default(),
            "{}",
            example.key
        );
    }
}

#[tokio::test]
async fn broken_examples_fail_at_the_field_without_quoting_the_value() {
    let schemas = schemas_by_key().await;
    for example in examples() {
        let types = &schemas[&example.key];
        for (errors, at) in [
            (
                types.check_config(&example.bad_config),
                &example.bad_config_at,
            ),
            (types.check_auth(&example.bad_auth), &example.bad_auth_at),
        ] {
            assert!(
                errors
                    .get(at.as_str())
                    .is_some_and(|messages| !messages.is_empty()),
                "{}: expected an error at {at}, got {errors:?}",
                example.key
            );
            let printed = format!("{errors:?}");
            assert!(
                !printed.contains("SECRETVALUE"),
                "{}: a message quotes the value: {printed}",
                example.key
            );
        }
    }
}

#[tokio::test]
async fn secret_fields_are_the_write_only_ones() {
    let schemas = schemas_by_key().await;
    assert!(schemas["stripe"].is_secret("secret_key"));
    assert!(schemas["wordpress"].is_secret("application_password"));
    assert!(!schemas["wordpress"].is_secret("username"));
    assert!(schemas["http_rest"].is_secret("password"));
    assert!(!schemas["http_rest"].is_secret("method"));
    assert!(schemas["http_rest"].is_auth_field("api_key"));
    assert!(!schemas["http_rest"].is_auth_field("colour"));
}
