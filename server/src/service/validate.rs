//! Input checks shared by the services: each names the field it rejects, so one answer
//! can list every problem of a form.
//!
//! **Storable text** is the one rule for what both backends can keep: no NUL character
//! (U+0000). PostgreSQL's `text` and `jsonb` refuse it (`invalid byte sequence for
//! encoding "UTF8": 0x00`), SQLite would store it, so it is refused here, before either
//! sees it, with 400 naming the field. Every text a person sends and we store passes
//! through these checks: names, descriptions, tags, emails, and configuration and
//! credential values at any depth, object keys included ([`FieldErrorsBuilder::json`]).

use app::error::{AppError, FieldErrors};
use app::model::identity::Password;
use serde_json::Value;

use crate::auth::password;
use crate::store::name_key;

/// Collects field errors so one answer names every problem.
#[derive(Default)]
pub(crate) struct FieldErrorsBuilder(FieldErrors);

impl FieldErrorsBuilder {
    pub(crate) fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0
            .entry(field.to_owned())
            .or_default()
            .push(message.into());
    }

    /// Whether `value` is storable text (see the module's doc); names `field` if not.
    pub(crate) fn text(&mut self, field: &str, value: &str) -> bool {
        if value.contains('\0') {
            self.add(field, NOT_STORABLE);
            false
        } else {
            true
        }
    }

    /// Checks every string and object key in `value` with [`Self::text`]. A value is named
    /// by its path (`config.list.1`); a key by the object that holds it.
    pub(crate) fn json(&mut self, field: &str, value: &Value) {
        match value {
            Value::String(text) => {
                self.text(field, text);
            }
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    self.json(&format!("{field}.{index}"), item);
                }
            }
            Value::Object(entries) => {
                for (key, item) in entries {
                    if self.text(field, key) {
                        self.json(&format!("{field}.{key}"), item);
                    }
                }
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }

    /// A trimmed name of 1–100 characters.
    pub(crate) fn name(&mut self, field: &str, value: &str) -> Option<String> {
        let trimmed = value.trim();
        if !self.text(field, trimmed) {
            return None;
        }
        match trimmed.chars().count() {
            0 => self.add(field, "Required."),
            101.. => self.add(field, "At most 100 characters."),
            _ => return Some(trimmed.to_owned()),
        }
        None
    }

    /// A plausible email address, lower-cased.
    pub(crate) fn email(&mut self, field: &str, value: &str) -> Option<String> {
        let email = value.trim().to_lowercase();
        if !self.text(field, &email) {
            return None;
        }
        let plausible = email.len() <= 254
            && !email.chars().any(char::is_whitespace)
            && email.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            });
        if plausible {
            Some(email)
        } else {
            self.add(field, "Enter an email address such as name@example.com.");
            None
        }
    }

    pub(crate) fn password(&mut self, field: &str, value: &Password) -> bool {
        let length = value.0.chars().count();
        if length < password::MIN_PASSWORD_LEN {
            self.add(
                field,
                format!("Use at least {} characters.", password::MIN_PASSWORD_LEN),
            );
            false
        } else if length > password::MAX_PASSWORD_LEN {
            self.add(
                field,
                format!("Use at most {} characters.", password::MAX_PASSWORD_LEN),
            );
            false
        } else {
            true
        }
    }

    /// A free-text description of at most 1000 characters, trimmed.
    pub(crate) fn description(&mut self, field: &str, value: &str) -> String {
        let trimmed = value.trim();
        self.text(field, trimmed);
        if trimmed.chars().count() > 1000 {
            self.add(field, "At most 1000 characters.");
        }
        trimmed.to_owned()
    }

    /// Up to 20 tags of 1–40 characters each, trimmed, duplicates dropped: the same tag
    /// is the same name ignoring case, by the rule names follow ([`name_key`]).
    pub(crate) fn tags(&mut self, field: &str, values: Vec<String>) -> Vec<String> {
        let mut tags: Vec<String> = Vec::new();
        for value in values {
            let tag = value.trim();
            if !self.text(field, tag) {
                continue;
            }
            match tag.chars().count() {
                0 => self.add(field, "Tags cannot be empty."),
                41.. => self.add(field, "Each tag has at most 40 characters."),
                _ if tags.iter().any(|t| name_key(t) == name_key(tag)) => {}
                _ => tags.push(tag.to_owned()),
            }
        }
        if tags.len() > 20 {
            self.add(field, "At most 20 tags.");
        }
        tags
    }

    /// Adds errors found elsewhere (e.g. by a JSON Schema).
    pub(crate) fn merge(&mut self, errors: FieldErrors) {
        for (field, messages) in errors {
            self.0.entry(field).or_default().extend(messages);
        }
    }

    pub(crate) fn finish(self, message: &str) -> Result<(), AppError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AppError::InvalidInput {
                message: message.to_owned(),
                fields: self.0,
            })
        }
    }
}

const NOT_STORABLE: &str = "Contains a NUL character (U+0000), which cannot be stored.";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_checked_and_lower_cased() {
        let mut errors = FieldErrorsBuilder::default();
        assert_eq!(
            errors.email("e", " Ada@Example.COM "),
            Some("ada@example.com".into())
        );
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "a b@example.com",
            "ada@.com",
        ] {
            assert_eq!(errors.email("e", bad), None, "{bad}");
        }
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        let mut errors = FieldErrorsBuilder::default();
        assert_eq!(errors.name("n", "  Acme  "), Some("Acme".into()));
        assert_eq!(errors.name("n", "   "), None);
        assert_eq!(errors.name("n", &"x".repeat(101)), None);
        let error = errors.finish("fix it").unwrap_err();
        assert_eq!(error.fields()["n"].len(), 2);
    }

    #[test]
    fn nul_is_refused_wherever_it_is() {
        let mut errors = FieldErrorsBuilder::default();
        assert_eq!(errors.name("n", "a\0b"), None);
        assert_eq!(errors.email("e", "a\0@b.example"), None);
        errors.description("d", "\0");
        assert!(errors.tags("t", vec!["ok".into(), "\0".into()]) == ["ok"]);
        errors.json(
            "config",
            &serde_json::json!({"a": [1, {"b": "x\0"}], "k\0": 1, "fine": "y"}),
        );
        let fields = errors.finish("fix it").unwrap_err().fields();
        let named: Vec<&str> = fields.keys().map(String::as_str).collect();
        assert_eq!(named, ["config", "config.a.1.b", "d", "e", "n", "t"]);
    }

    #[test]
    fn tags_are_the_same_tag_ignoring_unicode_case() {
        let mut errors = FieldErrorsBuilder::default();
        let tags = errors.tags(
            "t",
            vec![
                "Ärger".into(),
                "ärger".into(),
                "A\u{308}RGER".into(),
                "EU".into(),
                "eu".into(),
            ],
        );
        assert_eq!(tags, ["Ärger", "EU"]);
    }

    #[test]
    fn short_passwords_are_refused() {
        let mut errors = FieldErrorsBuilder::default();
        assert!(!errors.password("p", &Password("short".into())));
        assert!(errors.password("p", &Password("long enough pass".into())));
    }
}
