//! Credentials as the connector service shows and takes them: their masked view, and the
//! checks of submitted values. The plaintext fields themselves are [`Secrets`].

use std::collections::BTreeMap;

use app::model::connector::{MaskedField, is_blank};
use serde_json::{Map, Value};

pub use crate::credentials::{Changes, Secrets};

use super::TypeSchemas;
use crate::service::validate::FieldErrorsBuilder;

/// The hint shown for a secret: `…` and its last four characters, and only for secrets
/// long enough that four characters give little away.
pub fn hint(secret: &str) -> Option<String> {
    let length = secret.chars().count();
    (length >= MaskedField::HINT_MIN_LEN).then(|| {
        let tail: String = secret
            .chars()
            .skip(length - MaskedField::HINT_CHARS)
            .collect();
        format!("\u{2026}{tail}")
    })
}

/// Whether a submitted value is a masked value sent back (a hint, bullets or stars)
/// rather than a secret. Such a value is refused, never stored.
pub fn looks_masked(value: &Value) -> bool {
    let Some(text) = value.as_str().map(str::trim) else {
        return false;
    };
    text.starts_with('\u{2026}')
        || text.starts_with("...")
        || text.contains('\u{2022}')
        || text.starts_with("***")
}

/// The masked view of `secrets` after a change: fields named in `changed` (or new) get
/// `set_at`/`set_by` from this change; the others keep their previous entry.
pub fn masked_view(
    secrets: &Secrets,
    is_secret: impl Fn(&str) -> bool,
    previous: &BTreeMap<String, MaskedField>,
    changed: &[String],
    set_at: &str,
    set_by: Option<&str>,
) -> BTreeMap<String, MaskedField> {
    secrets
        .fields()
        .map(|(name, value)| {
            let kept = previous
                .get(name)
                .filter(|_| !changed.contains(name))
                .cloned();
            let field = kept.unwrap_or_else(|| {
                let secret = is_secret(name);
                let text = match value {
                    Value::String(text) => text.clone(),
                    other => other.to_string(),
                };
                MaskedField {
                    set: true,
                    secret,
                    hint: if secret { hint(&text) } else { None },
                    value: (!secret).then_some(text),
                    set_at: set_at.to_owned(),
                    set_by: set_by.map(str::to_owned),
                }
            });
            (name.clone(), field)
        })
        .collect()
}

/// Reads a stored masked view; entries that do not parse are left out.
pub fn parse_masked(stored: &Value) -> BTreeMap<String, MaskedField> {
    stored
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(name, field)| {
            serde_json::from_value(field.clone())
                .ok()
                .map(|field| (name.clone(), field))
        })
        .collect()
}

/// Blank values mean "not set": a form's optional field left blank (see
/// [`app::model::connector::is_blank`], the rule every credentials form follows).
pub(super) fn drop_blank(fields: &mut Map<String, Value>) {
    fields.retain(|_, value| !is_blank(value));
}

/// Field checks of submitted credential values: known fields only, no masked values,
/// storable text.
pub(super) fn check_submitted<'a>(
    errors: &mut FieldErrorsBuilder,
    schemas: &TypeSchemas,
    submitted: impl Iterator<Item = (&'a String, &'a Value)>,
) {
    for (field, value) in submitted {
        let path = format!("auth.{field}");
        if !errors.text("auth", field) {
            continue;
        }
        errors.json(&path, value);
        if !schemas.is_auth_field(field) {
            errors.add(&path, "Unknown field.");
        } else if looks_masked(value) {
            errors.add(
                &path,
                "This is the masked value of a saved secret; enter the secret itself, or keep it.",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::model::connector::FieldEdit;

    #[test]
    fn hints_show_at_most_four_characters_and_nothing_for_short_secrets() {
        assert_eq!(
            hint("sk_test_abcdefgh1234").as_deref(),
            Some("\u{2026}1234")
        );
        assert_eq!(hint("short-secret").as_deref(), Some("\u{2026}cret"));
        assert_eq!(hint("elevenchars"), None);
        assert_eq!(hint(""), None);
        assert_eq!(
            hint("ünïcödé-sëcrét-välüé").as_deref(),
            Some("\u{2026}älüé")
        );
    }

    #[test]
    fn masked_values_sent_back_are_recognised() {
        for masked in [
            "\u{2026}1234",
            "...1234",
            "\u{2022}\u{2022}\u{2022}\u{2022}1234",
            "********",
        ] {
            assert!(looks_masked(&Value::from(masked)), "{masked}");
        }
        for real in ["sk_test_abcdefgh1234", "p*ssword", "", "a...b"] {
            assert!(!looks_masked(&Value::from(real)), "{real}");
        }
        assert!(!looks_masked(&Value::from(42)));
    }

    #[test]
    fn edits_keep_replace_and_clear_by_field() {
        let mut secrets = Secrets::new(
            serde_json::json!({"username": "ada", "password": "old password 1", "token": "t"})
                .as_object()
                .cloned()
                .unwrap(),
        );
        let edits = BTreeMap::from([
            ("username".to_owned(), FieldEdit::Keep),
            (
                "password".to_owned(),
                FieldEdit::Replace {
                    value: "new password 2".into(),
                },
            ),
            ("token".to_owned(), FieldEdit::Clear),
            ("absent".to_owned(), FieldEdit::Clear),
        ]);
        let changes = secrets.apply(edits);
        assert_eq!(changes.replaced, ["password"]);
        assert_eq!(changes.cleared, ["token"]);
        assert_eq!(secrets.get("username"), Some(&Value::from("ada")));
        assert_eq!(
            secrets.get("password"),
            Some(&Value::from("new password 2"))
        );
        assert_eq!(secrets.get("token"), None);
        assert!(!format!("{secrets:?}").contains("password 2"));
    }

    #[test]
    fn the_masked_view_shows_hints_for_secrets_and_values_for_the_rest() {
        let secrets = Secrets::new(
            serde_json::json!({"username": "ada", "password": "a long password 9876"})
                .as_object()
                .cloned()
                .unwrap(),
        );
        let view = masked_view(
            &secrets,
            |name| name == "password",
            &BTreeMap::new(),
            &[],
            "2026-11-22T00:00:00Z",
            Some("ada@acme.test"),
        );
        let password = &view["password"];
        assert!(password.set && password.secret);
        assert_eq!(password.hint.as_deref(), Some("\u{2026}9876"));
        assert_eq!(password.value, None);
        assert_eq!(view["username"].value.as_deref(), Some("ada"));
        let stored = serde_json::to_value(&view).unwrap();
        assert!(!stored.to_string().contains("long password"));
        assert_eq!(parse_masked(&stored), view);
    }
}
