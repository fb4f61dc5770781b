//! Credential fields in plaintext, as decrypted for use: the value the connector service,
//! the OAuth service and the probe pass between them. A leaf module (it imports nothing of
//! this crate), so the adapters below the services (the probe) can take it without
//! reaching up into the service layer.

use std::collections::BTreeMap;
use std::fmt;

use app::model::connector::{DESCRIPTIVE_FIELDS, FieldEdit};
use secrecy::{ExposeSecret, SecretBox};
use serde_json::{Map, Value};

/// Credential fields in plaintext, as decrypted for use. Deliberately neither
/// `Serialize` nor printable: `Debug` shows the field names only.
pub struct Secrets(Map<String, Value>);

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.0.keys()).finish()
    }
}

impl Secrets {
    pub fn new(fields: Map<String, Value>) -> Self {
        Secrets(fields)
    }

    /// Reads what the vault opened; `None` when it is not a JSON object.
    pub fn from_plaintext(plaintext: &SecretBox<Vec<u8>>) -> Option<Self> {
        match serde_json::from_slice(plaintext.expose_secret()) {
            Ok(Value::Object(fields)) => Some(Secrets(fields)),
            _ => None,
        }
    }

    /// The bytes the vault seals, wiped when dropped.
    pub fn to_plaintext(&self) -> SecretBox<Vec<u8>> {
        let bytes = serde_json::to_vec(&self.0).unwrap_or_default();
        SecretBox::new(Box::new(bytes))
    }

    pub fn get(&self, field: &str) -> Option<&Value> {
        self.0.get(field)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn fields(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.0.iter()
    }

    /// The values that are secrets, for a [`crate::outbound::Redactor`]: every text field
    /// but those that describe the credentials ([`DESCRIPTIVE_FIELDS`]). Given to a
    /// redactor, `oauth2` or `bearer` would blank "auth" and "Bearer" in every trace.
    pub fn secret_values(&self) -> impl Iterator<Item = &str> {
        self.0
            .iter()
            .filter(|(name, _)| !DESCRIPTIVE_FIELDS.contains(&name.as_str()))
            .filter_map(|(_, value)| value.as_str())
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }

    /// The fields as one JSON value, for schema validation only (whose messages never
    /// quote values; see `schemas`).
    pub fn as_value(&self) -> Value {
        Value::Object(self.0.clone())
    }

    /// As [`Secrets::as_value`], leaving out `fields` (the OAuth tokens, which no auth
    /// schema describes).
    pub fn without(&self, fields: &[&str]) -> Value {
        let mut kept = self.0.clone();
        kept.retain(|name, _| !fields.contains(&name.as_str()));
        Value::Object(kept)
    }

    /// Applies per-field edits; returns the names replaced and cleared. A field not named
    /// is kept.
    pub fn apply(&mut self, edits: BTreeMap<String, FieldEdit>) -> Changes {
        let mut changes = Changes::default();
        for (field, edit) in edits {
            match edit {
                FieldEdit::Keep => {}
                FieldEdit::Replace { value } => {
                    self.0.insert(field.clone(), value);
                    changes.replaced.push(field);
                }
                FieldEdit::Clear => {
                    if self.0.remove(&field).is_some() {
                        changes.cleared.push(field);
                    }
                }
            }
        }
        changes
    }
}

/// What an edit did, by field name (never values).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Changes {
    pub replaced: Vec<String>,
    pub cleared: Vec<String>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.replaced.is_empty() && self.cleared.is_empty()
    }
}
