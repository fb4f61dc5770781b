//! Every seeded connector type's schemas accept a realistic configuration and
//! credentials, and refuse broken ones with messages keyed by the offending field, never
//! quoting the value.

use crate::support;

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

/// The mistakes people make read as what to enter instead, with an example, never as the
/// schema's words ("Does not have the expected format", "Must be a valid uri"), on the
/// server as in the browser (both take them from the type's definition).
#[tokio::test]
async fn mistakes_are_answered_with_what_to_enter() {
    use serde_json::json;
    let schemas = schemas_by_key().await;
    let config = |key: &str, value: Value| schemas[key].check_config(&value);
    let auth = |key: &str, value: Value| schemas[key].check_auth(&value);
    let cases = [
        (
            config("wordpress", json!({"base_url": "blog.example.com"})),
            "config.base_url",
            "e.g. https://blog.example.com",
        ),
        (
            config(
                "wordpress",
                json!({"base_url": "https://blog.example.com/wp-json/"}),
            ),
            "config.base_url",
            "Leave out /wp-json",
        ),
        (
            config("slack", json!({"default_channel": "general"})),
            "config.default_channel",
            "e.g. #general",
        ),
        (
            auth("stripe", json!({"secret_key": "pk_test_abcdefghijklmnop"})),
            "auth.secret_key",
            "A publishable key (pk_…) cannot read the API",
        ),
        (
            auth(
                "github",
                json!({"method": "personal_token", "token": "ghp_short"}),
            ),
            "auth.token",
            "github_pat_",
        ),
    ];
    for (errors, at, expected) in cases {
        let said = errors
            .get(at)
            .map(|messages| messages.join(" "))
            .unwrap_or_default();
        assert!(said.contains(expected), "{at}: {errors:?}");
        assert!(
            !said.contains("expected format") && !said.contains("valid uri"),
            "{at}: {said}"
        );
    }
    // Not even an address: the format's message alone, not the HTTPS rule's beside it,
    // in every URL field of every type.
    for entry in support::seed_entries() {
        let properties = entry.config_schema["properties"].as_object().unwrap();
        let urls = properties
            .iter()
            .filter(|(_, property)| property["format"] == "uri")
            .map(|(field, _)| field);
        for field in urls {
            let key = &entry.key;
            let mut value = serde_json::Map::new();
            value.insert(field.clone(), json!("blog.example.com"));
            let errors = config(key, Value::Object(value));
            let said = &errors[&format!("config.{field}")];
            assert_eq!(said.len(), 1, "{key}.{field}: {said:?}");
            assert!(
                said[0].contains("starting with https://"),
                "{key}.{field}: {said:?}"
            );
        }
    }
}
