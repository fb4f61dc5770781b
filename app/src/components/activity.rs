//! A connector's audit trail as people read it: a sentence per entry instead of action
//! codes and raw JSON. Reads of the credentials (one for each test, health check or use)
//! are kept apart from the changes, so the list shows what people did.

use serde_json::Value;

use crate::model::connector::AuditEntry;
use crate::model::probe::{ErrorClass, TestTrigger};

/// Whether the entry records a read of the stored credentials.
pub fn is_credential_read(entry: &AuditEntry) -> bool {
    entry.action == "credentials.decrypt"
}

/// What the entry says happened, as a sentence; an action this version does not know is
/// shown by its code.
pub fn described(entry: &AuditEntry) -> String {
    let details = &entry.details;
    let text = |key: &str| details.get(key).map(plain).unwrap_or_default();
    match entry.action.as_str() {
        "connector.create" => "Added the connector".to_owned(),
        "connector.delete" => "Deleted the connector".to_owned(),
        "connector.update" => format!("Changed {}", text("changed")),
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
        "credentials.replace" => format!("Replaced credentials: {}", text("fields")),
        "credentials.clear" => format!("Cleared credentials: {}", text("fields")),
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

    #[test]
    fn entries_read_as_sentences() {
        let said = |action: &str, details: Value| described(&entry(action, details));
        assert_eq!(
            said(
                "credentials.replace",
                json!({"fields": ["username", "application_password"]})
            ),
            "Replaced credentials: username, application_password"
        );
        assert_eq!(
            said("connector.update", json!({"changed": ["config", "name"]})),
            "Changed config, name"
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
