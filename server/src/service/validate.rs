//! Input checks shared by the services: each names the field it rejects, so one answer
//! can list every problem of a form.

use app::error::{AppError, FieldErrors};
use app::model::identity::Password;

use crate::auth::password;

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

    /// A trimmed name of 1–100 characters.
    pub(crate) fn name(&mut self, field: &str, value: &str) -> Option<String> {
        let trimmed = value.trim();
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
        if trimmed.chars().count() > 1000 {
            self.add(field, "At most 1000 characters.");
        }
        trimmed.to_owned()
    }

    /// Up to 20 tags of 1–40 characters each, trimmed, duplicates (ignoring case) dropped.
    pub(crate) fn tags(&mut self, field: &str, values: Vec<String>) -> Vec<String> {
        let mut tags: Vec<String> = Vec::new();
        for value in values {
            let tag = value.trim();
            match tag.chars().count() {
                0 => self.add(field, "Tags cannot be empty."),
                41.. => self.add(field, "Each tag has at most 40 characters."),
                _ if tags.iter().any(|t| t.eq_ignore_ascii_case(tag)) => {}
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
    fn short_passwords_are_refused() {
        let mut errors = FieldErrorsBuilder::default();
        assert!(!errors.password("p", &Password("short".into())));
        assert!(errors.password("p", &Password("long enough pass".into())));
    }
}
