//! Credential fields as lists show them (the review step, the connector page's
//! Credentials tab and its re-entry box): their labels and order from the type's
//! authentication schema, and how a saved value reads.

use serde_json::Value;

use crate::model::ConnectorType;
use crate::model::connector::{Connector, MaskedField};
use crate::schema::document::{is_secret, label};
use crate::schema::shape::object_shape;

/// How a saved credential field reads: a plain value as it is, a secret only as "saved"
/// with its hint. The review step and the connector page's credentials say it alike.
pub fn described_credential(field: Option<&MaskedField>) -> String {
    match field {
        Some(field) if field.set => match (&field.value, &field.hint) {
            (Some(value), _) if !field.secret => value.clone(),
            (_, Some(hint)) => format!("Saved, ending {}", hint.trim_start_matches('…')),
            _ => "Saved".to_owned(),
        },
        _ => "Not set".to_owned(),
    }
}

/// A credential field as lists show it.
#[derive(Clone, Debug, PartialEq)]
pub struct CredentialField {
    pub name: String,
    /// Its title in the form.
    pub label: String,
    pub secret: bool,
    /// Required by the form as it is now: it may be replaced but not cleared.
    pub required: bool,
}

/// The credential fields to list, in the form's order. With `choices` (the
/// authentication form as it is now): the fields its choices show, e.g. those of the
/// sign-in method picked. Without: those of the saved choices, then any other saved field.
pub fn credential_fields(
    entry: &ConnectorType,
    connector: &Connector,
    choices: Option<&Value>,
) -> Vec<CredentialField> {
    let saved_choices = Value::Object(connector.saved_plain_fields());
    let shown = choices.unwrap_or(&saved_choices);
    let shape = object_shape(&entry.auth_schema, &entry.auth_schema, shown);
    let mut fields: Vec<CredentialField> = shape
        .fields
        .iter()
        .map(|field| CredentialField {
            name: field.name.clone(),
            label: label(&field.schema, &field.name),
            secret: is_secret(&field.schema),
            required: field.required,
        })
        .collect();
    let others = connector
        .credentials
        .iter()
        .flat_map(|credentials| &credentials.fields)
        .filter(|_| choices.is_none());
    for (name, saved) in others {
        if !fields.iter().any(|known| &known.name == name) {
            fields.push(CredentialField {
                name: name.clone(),
                label: label(&Value::Null, name),
                secret: saved.secret,
                required: false,
            });
        }
    }
    fields
}
