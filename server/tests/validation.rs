//! Every seeded connector type's schemas accept a realistic configuration and
//! credentials, and refuse broken ones with messages keyed by the offending field, never
//! quoting the value.
#![allow(clippy::unwrap_used)] // a test fails by panicking; unwrap is how it says so

mod support;

use serde_json::{Value, json};
use server::service::connectors::TypeSchemas;

/// A valid pair, and a broken pair with the field path each must be refused at.
struct Example {
    key: &'static str,
    config: Value,
    auth: Value,
    bad_config: Value,
    bad_config_at: &'static str,
    bad_auth: Value,
    bad_auth_at: &'static str,
}

fn examples() -> Vec<Example> {
    vec![
        Example {
            key: "airtable",
            config: json!({"base_id": "appAbCdEfGhIjKlMn", "table": "Posts",
                "field_mapping": [{"source": "title", "field": "Name"}]}),
            auth: json!({"token": format!("patAbCdEfGhIjKlMn.{}", "a1".repeat(32))}),
            bad_config: json!({"base_id": "app123", "table": "Posts"}),
            bad_config_at: "config.base_id",
            bad_auth: json!({"token": "patSECRETVALUEsecret"}),
            bad_auth_at: "auth.token",
        },
        Example {
            key: "discord",
            config: json!({"destination": {"kind": "channel", "channel_id": "123456789012345678"}}),
            auth: json!({"bot_token": "B".repeat(72)}),
            bad_config: json!({"destination": {"kind": "thread", "thread_id": "12"}}),
            bad_config_at: "config.destination.thread_id",
            bad_auth: json!({"bot_token": "SECRETVALUEshort"}),
            bad_auth_at: "auth.bot_token",
        },
        Example {
            key: "github",
            config: json!({"repositories": ["acme/site"]}),
            auth: json!({"method": "personal_token", "token": format!("ghp_{}", "a".repeat(36))}),
            bad_config: json!({"repositories": ["not a repo"]}),
            bad_config_at: "config.repositories.0",
            bad_auth: json!({"method": "personal_token", "token": "ghp_SECRETVALUE"}),
            bad_auth_at: "auth.token",
        },
        Example {
            key: "google_sheets",
            config: json!({"spreadsheet_id": "1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms"}),
            auth: json!({}),
            bad_config: json!({}),
            bad_config_at: "config.spreadsheet_id",
            bad_auth: json!({"client_secret": "SECRETVALUE".repeat(50)}),
            bad_auth_at: "auth.client_secret",
        },
        Example {
            key: "http_rest",
            config: json!({"base_url": "https://api.example.com", "pagination": "cursor",
                "cursor_param": "next"}),
            auth: json!({"method": "basic", "username": "ada", "password": "pw"}),
            bad_config: json!({"base_url": "https://api.example.com", "pagination": "cursor"}),
            bad_config_at: "config.cursor_param",
            bad_auth: json!({"method": "basic", "username": "ada"}),
            bad_auth_at: "auth.password",
        },
        Example {
            key: "hubspot",
            config: json!({"portal_id": 12345, "lifecycle_stage": "lead"}),
            auth: json!({"client_id": "abc", "client_secret": "SECRETVALUE"}),
            bad_config: json!({"portal_id": 0}),
            bad_config_at: "config.portal_id",
            bad_auth: json!({"client_id": 42}),
            bad_auth_at: "auth.client_id",
        },
        Example {
            key: "linkedin",
            config: json!({"post_as": "organization", "organization_urn": "urn:li:organization:42"}),
            auth: json!({}),
            bad_config: json!({"post_as": "organization"}),
            bad_config_at: "config.organization_urn",
            bad_auth: json!({"client_id": "x".repeat(201)}),
            bad_auth_at: "auth.client_id",
        },
        Example {
            key: "mailchimp",
            config: json!({"api_base_url": "https://us21.api.mailchimp.com", "audience_id": "a1b2c3d4e5"}),
            auth: json!({"api_key": format!("{}-us21", "0123456789abcdef".repeat(2))}),
            bad_config: json!({"api_base_url": "not a url"}),
            bad_config_at: "config.api_base_url",
            bad_auth: json!({"api_key": "SECRETVALUE-us21"}),
            bad_auth_at: "auth.api_key",
        },
        Example {
            key: "notion",
            config: json!({"database_id": "0123456789abcdef0123456789abcdef"}),
            auth: json!({"integration_secret": "ntn_abcdefghijklmnopqrstuvwxyz"}),
            bad_config: json!({"database_id": "nope"}),
            bad_config_at: "config.database_id",
            bad_auth: json!({"integration_secret": "SECRETVALUE"}),
            bad_auth_at: "auth.integration_secret",
        },
        Example {
            key: "oauth2_generic",
            config: json!({"authorize_url": "https://id.example.com/authorize",
                "token_url": "https://id.example.com/token", "base_url": "https://api.example.com",
                "scopes": ["read"]}),
            auth: json!({"client_id": "client-1", "client_secret": "SECRETVALUE"}),
            bad_config: json!({"authorize_url": "https://id.example.com/authorize",
                "base_url": "https://api.example.com"}),
            bad_config_at: "config.token_url",
            bad_auth: json!({"client_secret": "SECRETVALUE"}),
            bad_auth_at: "auth.client_id",
        },
        Example {
            key: "salesforce",
            config: json!({"login_url": "https://login.salesforce.com", "api_version": "v61.0"}),
            auth: json!({}),
            bad_config: json!({"login_url": "https://login.salesforce.com", "api_version": "61"}),
            bad_config_at: "config.api_version",
            bad_auth: json!({"client_secret": 7}),
            bad_auth_at: "auth.client_secret",
        },
        Example {
            key: "shopify",
            config: json!({"store_url": "https://acme.myshopify.com", "api_version": "2024-07"}),
            auth: json!({"access_token": format!("shpat_{}", "0123456789abcdef".repeat(2))}),
            bad_config: json!({"store_url": "https://acme.myshopify.com", "api_version": "2024-05"}),
            bad_config_at: "config.api_version",
            bad_auth: json!({"access_token": "shpat_SECRETVALUE"}),
            bad_auth_at: "auth.access_token",
        },
        Example {
            key: "slack",
            config: json!({"default_channel": "#general"}),
            auth: json!({"method": "bot_token", "bot_token": "xoxb-1234-5678-abcdef"}),
            bad_config: json!({"default_channel": "general", "unfurl_links": true}),
            bad_config_at: "config.default_channel",
            bad_auth: json!({"method": "bot_token", "bot_token": "xoxp-SECRETVALUE"}),
            bad_auth_at: "auth.bot_token",
        },
        Example {
            key: "stripe",
            config: json!({"mode": "test", "api_version": "2024-06-20"}),
            auth: json!({"secret_key": "sk_test_Zq8VYuX3mK1pTs7LwRa9Nc2B"}),
            bad_config: json!({"mode": "sandbox"}),
            bad_config_at: "config.mode",
            bad_auth: json!({"secret_key": "pk_test_SECRETVALUE"}),
            bad_auth_at: "auth.secret_key",
        },
        Example {
            key: "twitter",
            config: json!({"reply_settings": "following"}),
            auth: json!({"client_id": "x-client"}),
            bad_config: json!({"reply_settings": "everyone", "colour": "blue"}),
            bad_config_at: "config.colour",
            bad_auth: json!({"client_secret": "SECRETVALUE".repeat(50)}),
            bad_auth_at: "auth.client_secret",
        },
        Example {
            key: "wordpress",
            config: json!({"base_url": "https://blog.example.com", "default_categories": [3, 7]}),
            auth: json!({"username": "editor", "application_password": "abcd EFGH 1234 ijkl MNOP 5678"}),
            bad_config: json!({"base_url": "https://blog.example.com", "use_custom_post_type": true}),
            bad_config_at: "config.post_type",
            bad_auth: json!({"username": "editor", "application_password": "SECRETVALUE"}),
            bad_auth_at: "auth.application_password",
        },
    ]
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
    let mut covered: Vec<&str> = examples().iter().map(|example| example.key).collect();
    covered.sort_unstable();
    let mut seeded: Vec<&str> = schemas.keys().map(String::as_str).collect();
    seeded.sort_unstable();
    assert_eq!(covered, seeded);
}

#[tokio::test]
async fn valid_examples_pass() {
    let schemas = schemas_by_key().await;
    for example in examples() {
        let types = &schemas[example.key];
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
        let types = &schemas[example.key];
        for (errors, at) in [
            (
                types.check_config(&example.bad_config),
                example.bad_config_at,
            ),
            (types.check_auth(&example.bad_auth), example.bad_auth_at),
        ] {
            assert!(
                errors.get(at).is_some_and(|messages| !messages.is_empty()),
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
