//! Where an instance's credentials are sent, and the rule that they go only where they were
//! entered.
//!
//! Credentials are write-only, but the addresses they are sent to are configuration that
//! an admin may change. Without this rule an admin could point a saved connector (another
//! person's personal one included) at a server of their own and collect its secrets with
//! the next connection test, health check or token refresh. So a change that moves any
//! address credentials go to (the origin of a `format: uri` config field: every URL a probe
//! or an OAuth call is built from starts with one, and the seeder requires the rule on
//! each) needs every stored secret entered again, or cleared, in the same change.

use app::model::ConnectorType;
use serde_json::Value;

/// The type's URL fields (top-level `format: uri` properties) with their schemas.
fn url_fields(entry: &ConnectorType) -> impl Iterator<Item = (&str, &Value)> {
    entry
        .config_schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter(|(_, property)| property.get("format").and_then(Value::as_str) == Some("uri"))
        .map(|(name, property)| (name.as_str(), property))
}

/// The origin (`scheme://host:port`) a URL field sends to: its value, or, when it has
/// none, the schema's default (which the probe and OAuth calls use then).
fn origin(config: &Value, field: &str, property: &Value) -> Option<String> {
    let text = config
        .get(field)
        .or_else(|| property.get("default"))?
        .as_str()?;
    Some(match url::Url::parse(text) {
        Ok(url) => url.origin().ascii_serialization(),
        // Not a URL (a draft's half-typed value): compared as typed.
        Err(_) => text.to_owned(),
    })
}

/// The URL fields (as `config.<name>`) that sent somewhere before and somewhere else (or
/// nowhere) after. A field that had no address yet moves nothing: credentials entered
/// before the address (a wizard's draft) were never sent anywhere.
pub fn moved(entry: &ConnectorType, before: &Value, after: &Value) -> Vec<String> {
    url_fields(entry)
        .filter(|(field, property)| {
            let was = origin(before, field, property);
            was.is_some() && was != origin(after, field, property)
        })
        .map(|(field, _)| format!("config.{field}"))
        .collect()
}

/// The message on a moved address whose credentials were kept; the connector page knows
/// it and offers the secrets' fields to enter again.
pub const KEEP_REFUSED: &str = app::model::connector::CREDENTIALS_STAY_AT_THEIR_ADDRESS;

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn entry() -> ConnectorType {
        serde_json::from_value(json!({
            "id": "00000000-0000-0000-0000-000000000001", "key": "t", "name": "T",
            "description": "", "category": "generic", "icon": "", "auth_type": "basic",
            "auth_schema": {}, "oauth": null, "capabilities": {}, "test": {}, "docs_url": "",
            "version": 1, "created_at": "", "updated_at": "",
            "config_schema": {"properties": {
                "base_url": {"type": "string", "format": "uri"},
                "path": {"type": "string"},
            }},
        }))
        .expect("a type")
    }

    #[test]
    fn moved_names_the_url_fields_whose_origin_changed() {
        let entry = entry();
        let before = json!({"base_url": "https://a.example/x", "path": "/1"});
        assert!(
            moved(
                &entry,
                &before,
                &json!({"base_url": "https://a.example/y", "path": "/2"})
            )
            .is_empty()
        );
        assert_eq!(
            moved(
                &entry,
                &before,
                &json!({"base_url": "https://b.example/x", "path": "/1"})
            ),
            ["config.base_url"]
        );
    }

    #[test]
    fn a_first_address_is_not_a_move_but_removing_one_is() {
        let entry = entry();
        assert!(
            moved(
                &entry,
                &json!({}),
                &json!({"base_url": "https://b.example"})
            )
            .is_empty()
        );
        assert_eq!(
            moved(
                &entry,
                &json!({"base_url": "https://a.example"}),
                &json!({})
            ),
            ["config.base_url"]
        );
    }

    #[test]
    fn only_the_origin_of_url_fields_counts() {
        let entry = entry();
        let same = |a: &str, b: &str| {
            moved(&entry, &json!({"base_url": a}), &json!({"base_url": b})).is_empty()
        };
        assert!(same("https://a.example", "https://A.example:443/"));
        assert!(!same("https://a.example", "http://a.example"));
        assert!(!same("https://a.example", "https://a.example:8443"));
        assert!(!same("https://a.example", "https://a.example@b.example"));
    }
}
