//! A connector's audit trail as people read it: a sentence per entry instead of action
//! codes and raw JSON. Reads of the credentials (one for each test, health check or use)
//! are kept apart from the changes, so the list shows what people did.

use serde_json::Value;

use crate::model::ConnectorType;
use crate::model::connector::AuditEntry;
use crate::model::probe::{ErrorClass, TestTrigger};
use crate::schema::document::label;

/// The words for the fields entries name (`config.base_url` is "Site URL"): the titles
/// in the connector type's schemas, and the connector's own settings by their labels.
pub struct FieldNames {
    config: Value,
    auth: Value,
}

impl FieldNames {
    pub fn of(entry: &ConnectorType) -> Self {
        FieldNames {
            config: entry.config_schema.clone(),
            auth: entry.auth_schema.clone(),
        }
    }

    /// A changed field's name: `config.base_url`, `auth.token`, `name`, `config`…
    fn name(&self, path: &str) -> String {
        match path.split_once('.') {
            Some(("config", field)) => titled(&self.config, field),
            Some(("auth", field)) => titled(&self.auth, field),
            _ => match path {
                "name" => "Name".to_owned(),
                "description" => "Description".to_owned(),
                "tags" => "Tags".to_owned(),
                "scope" => "Who can see it".to_owned(),
                "allowed_roles" => "Which roles it is for".to_owned(),
                "config" => "Configuration".to_owned(),
                other => other.to_owned(),
            },
        }
    }

    /// The entry's list under `key`, each named; credential entries list bare field
    /// names of the auth schema.
    fn list(&self, details: &Value, key: &str, prefix: &str) -> String {
        let named: Vec<String> = match details.get(key) {
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| self.name(&format!("{prefix}{}", plain(item))))
                .collect(),
            Some(other) => vec![self.name(&format!("{prefix}{}", plain(other)))],
            None => Vec::new(),
        };
        named.join(", ")
    }
}

/// The title of `field` (a top-level name, or `a.b` for a nested one) in `schema`, found
/// in its properties or any branch; the field's own name made readable if it has none.
fn titled(schema: &Value, field: &str) -> String {
    let first = field.split('.').next().unwrap_or(field);
    property(schema, first).map_or_else(|| label(&Value::Null, first), |node| label(node, first))
}

fn property<'s>(schema: &'s Value, name: &str) -> Option<&'s Value> {
    if let Some(found) = schema
        .get("properties")
        .and_then(|properties| properties.get(name))
    {
        return Some(found);
    }
    let branches = ["oneOf", "anyOf", "allOf"]
        .iter()
        .filter_map(|keyword| schema.get(*keyword)?.as_array())
        .flatten()
        .chain(
            ["then", "else"]
                .iter()
                .filter_map(|keyword| schema.get(*keyword)),
        );
    branches
        .into_iter()
        .find_map(|branch| property(branch, name))
}

/// Whether the entry records a read of the stored credentials.
pub fn is_credential_read(entry: &AuditEntry) -> bool {
    entry.action == "credentials.decrypt"
}

/// What the entry says happened, as a sentence; an action this version does not know is
/// shown by its code.
pub fn described(entry: &AuditEntry, names: &FieldNames) -> String {
    let details = &entry.details;
    let text = |key: &str| details.get(key).map(plain).unwrap_or_default();
    match entry.action.as_str() {
        "connector.create" => "Added the connector".to_owned(),
        "connector.delete" => "Deleted the connector".to_owned(),
        "connector.update" => format!("Changed {}", names.list(details, "changed", "")),
        "connector.status" => {
            let reason = details
                .get("reason")
                .map(|reason| format!(" ({})", plain(reason)))
                .unwrap_or_default();
            format!("Status {} → {}{reason}", text("from"), text("to"))
        }
        "connector.test" => {
            let verdict = match details.get("ok").and_then(Value::as_bool) {
                Some(true) => "passed".to_owned(),
                _ => match ErrorClass::parse(&text("error_class")) {
                    Some(class) => format!("failed: {}", class.label()),
                    None => "failed".to_owned(),
                },
            };
            let trigger = TestTrigger::parse(&text("trigger"))
                .map(|trigger| format!(" ({})", trigger.label().to_lowercase()))
                .unwrap_or_default();
            format!("Connection test {verdict}{trigger}")
        }
        "credentials.replace" => format!(
            "Replaced credentials: {}",
            names.list(details, "fields", "auth.")
        ),
        "credentials.clear" => format!(
            "Cleared credentials: {}",
            names.list(details, "fields", "auth.")
        ),
        "credentials.decrypt" => format!("Read the credentials for {}", text("purpose")),
        "oauth.connected" => "Signed in at the provider (OAuth)".to_owned(),
        "oauth.refreshed" => "Refreshed the access token".to_owned(),
        other => other.to_owned(),
    }
}

/// A JSON value as words: text as it is, lists joined with commas.
fn plain(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Array(items) => items.iter().map(plain).collect::<Vec<_>>().join(", "),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn entry(action: &str, details: Value) -> AuditEntry {
        AuditEntry {
            id: uuid::Uuid::nil(),
            at: "2026-11-22T14:03:07Z".into(),
            actor: None,
            action: action.into(),
            target_type: "connector".into(),
            target_id: uuid::Uuid::nil(),
            details,
        }
    }

    fn names() -> FieldNames {
        FieldNames {
            config: json!({"properties": {"base_url": {"title": "Site URL"}, "use_custom": {}}}),
            auth: json!({"properties": {"method": {}}, "oneOf": [
                {"properties": {"application_password": {"title": "Application password"}}}
            ]}),
        }
    }

    #[test]
    fn entries_read_as_sentences() {
        let said = |action: &str, details: Value| described(&entry(action, details), &names());
        assert_eq!(
            said(
                "credentials.replace",
                json!({"fields": ["method", "application_password"]})
            ),
            "Replaced credentials: Method, Application password"
        );
        assert_eq!(
            said(
                "connector.update",
                json!({"changed": ["config.base_url", "config.use_custom", "name", "allowed_roles"]})
            ),
            "Changed Site URL, Use custom, Name, Which roles it is for"
        );
        assert_eq!(
            said(
                "connector.test",
                json!({"ok": false, "error_class": "not_api", "trigger": "wizard"})
            ),
            "Connection test failed: Not the service's API (setup wizard)"
        );
        assert_eq!(
            said(
                "connector.status",
                json!({"from": "inactive", "to": "active", "reason": "manual"})
            ),
            "Status inactive → active (manual)"
        );
        assert_eq!(said("something.new", json!({})), "something.new");
        assert!(is_credential_read(&entry(
            "credentials.decrypt",
            json!({"purpose": "test"})
        )));
    }
}
