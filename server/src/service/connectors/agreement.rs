//! Rules between a type's configuration and its credentials, which live in two schemas
//! and are often saved at different times (Stripe's Mode on the Configure step, its key
//! on the next): "with Mode Test, the key must be a test key".
//!
//! A type states them in its `auth_schema` under [`KEYWORD`], each as two JSON Schemas
//! and the sentence people read:
//!
//! ```json
//! "x-config-agreement": [{
//!   "config": {"properties": {"mode": {"const": "test"}}, "required": ["mode"]},
//!   "credentials": {"properties": {"secret_key": {"pattern": "^(sk|rk)_test_"}}},
//!   "message": "Mode is Test, so use a test key (sk_test_… or rk_test_…), or set Mode to Live."
//! }]
//! ```
//!
//! When the configuration matches `config`, the credentials must match `credentials`.
//! The message lands on the fields each side names in its `properties`: on the key when
//! the key is entered (the wizard's Authenticate step has no Mode field), and on both Mode
//! and the key when Mode is changed, since the way out is entering a key that agrees in
//! the same save (the connector page then asks for it beside Mode). The browser
//! leaves these rules to the server (it never holds saved credentials), which is allowed:
//! it may say less than the server, never more. The message never quotes a value.

use std::collections::BTreeSet;

use app::error::FieldErrors;
use jsonschema::Validator;
use serde_json::Value;

/// The `auth_schema` keyword holding the rules.
pub const KEYWORD: &str = "x-config-agreement";

/// Which side of a connector a save changes; the errors go to the fields of that side.
#[derive(Clone, Copy, Debug, Default)]
pub struct Saving {
    pub config: bool,
    pub credentials: bool,
}

/// One compiled rule.
struct Rule {
    config: Validator,
    credentials: Validator,
    config_fields: BTreeSet<String>,
    credential_fields: BTreeSet<String>,
    message: String,
}

/// A type's rules, compiled.
#[derive(Default)]
pub struct Agreement {
    rules: Vec<Rule>,
}

impl Agreement {
    /// Compiles the rules `auth_schema` states; none when it states none.
    pub fn compile(auth_schema: &Value) -> Result<Self, String> {
        let Some(stated) = auth_schema.get(KEYWORD) else {
            return Ok(Agreement::default());
        };
        let stated = stated
            .as_array()
            .ok_or_else(|| format!("{KEYWORD} must be a list of rules"))?;
        let rules = stated
            .iter()
            .enumerate()
            .map(|(index, rule)| {
                let part = |name: &str| -> Result<(Validator, BTreeSet<String>), String> {
                    let schema = rule
                        .get(name)
                        .ok_or_else(|| format!("{KEYWORD}/{index} has no \"{name}\" schema"))?;
                    let validator = jsonschema::draft202012::options()
                        .should_validate_formats(true)
                        .build(schema)
                        .map_err(|error| {
                            format!("{KEYWORD}/{index}/{name} is not a valid JSON Schema: {error}")
                        })?;
                    Ok((validator, named_fields(schema)))
                };
                let (config, config_fields) = part("config")?;
                let (credentials, credential_fields) = part("credentials")?;
                let message = rule
                    .get("message")
                    .and_then(Value::as_str)
                    .filter(|message| !message.trim().is_empty())
                    .ok_or_else(|| format!("{KEYWORD}/{index} has no \"message\""))?
                    .to_owned();
                Ok(Rule {
                    config,
                    credentials,
                    config_fields,
                    credential_fields,
                    message,
                })
            })
            .collect::<Result<_, String>>()?;
        Ok(Agreement { rules })
    }

    /// The configuration fields and credential fields the rules name, for the seeder's
    /// check that they exist.
    pub fn named(&self) -> (BTreeSet<&str>, BTreeSet<&str>) {
        let config = self
            .rules
            .iter()
            .flat_map(|rule| rule.config_fields.iter().map(String::as_str))
            .collect();
        let credentials = self
            .rules
            .iter()
            .flat_map(|rule| rule.credential_fields.iter().map(String::as_str))
            .collect();
        (config, credentials)
    }

    /// The broken rules' messages, keyed `config.<field>` / `auth.<field>` on the side(s)
    /// being saved. `credentials` are the ones the connector will hold after the save
    /// (saved and newly entered together); with none, there is nothing to disagree with.
    pub fn check(&self, config: &Value, credentials: &Value, saving: Saving) -> FieldErrors {
        let mut errors = FieldErrors::new();
        let has_credentials = credentials.as_object().is_some_and(|map| !map.is_empty());
        if !has_credentials {
            return errors;
        }
        for rule in &self.rules {
            if !rule.config.is_valid(config) || rule.credentials.is_valid(credentials) {
                continue;
            }
            let sides = [
                (saving.config, "config", &rule.config_fields),
                (
                    saving.config || saving.credentials,
                    "auth",
                    &rule.credential_fields,
                ),
            ];
            for (saved, prefix, fields) in sides {
                if !saved {
                    continue;
                }
                for field in fields {
                    let messages = errors.entry(format!("{prefix}.{field}")).or_default();
                    if !messages.contains(&rule.message) {
                        messages.push(rule.message.clone());
                    }
                }
            }
        }
        errors
    }
}

/// The top-level fields a rule's schema names (`properties` and `required`).
fn named_fields(schema: &Value) -> BTreeSet<String> {
    let properties = schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|properties| properties.keys().cloned());
    let required = schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned);
    properties.chain(required).collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn stripe() -> Agreement {
        Agreement::compile(&json!({
            KEYWORD: [{
                "config": {"properties": {"mode": {"const": "test"}}, "required": ["mode"]},
                "credentials": {"properties": {"secret_key": {"pattern": "^sk_test_"}}},
                "message": "Use a test key."
            }]
        }))
        .unwrap()
    }

    #[test]
    fn a_broken_rule_lands_on_the_side_being_saved() {
        let rules = stripe();
        let test = json!({"mode": "test"});
        let live_key = json!({"secret_key": "sk_live_0123456789"});
        let both = Saving {
            config: true,
            credentials: true,
        };
        assert_eq!(
            rules.check(&test, &live_key, both),
            FieldErrors::from([
                ("config.mode".to_owned(), vec!["Use a test key.".to_owned()]),
                (
                    "auth.secret_key".to_owned(),
                    vec!["Use a test key.".to_owned()]
                ),
            ])
        );
        let key_only = Saving {
            credentials: true,
            ..Saving::default()
        };
        assert_eq!(
            rules
                .check(&test, &live_key, key_only)
                .keys()
                .collect::<Vec<_>>(),
            ["auth.secret_key"]
        );
        // Changing Mode alone: the key is named too, as what to enter with it.
        let mode_only = Saving {
            config: true,
            ..Saving::default()
        };
        assert_eq!(
            rules
                .check(&test, &live_key, mode_only)
                .keys()
                .collect::<Vec<_>>(),
            ["auth.secret_key", "config.mode"]
        );
    }

    #[test]
    fn agreeing_values_or_no_credentials_pass() {
        let rules = stripe();
        let both = Saving {
            config: true,
            credentials: true,
        };
        let test_key = json!({"secret_key": "sk_test_0123456789"});
        assert!(
            rules
                .check(&json!({"mode": "test"}), &test_key, both)
                .is_empty()
        );
        // The rule's `config` does not match: nothing to check.
        let live_key = json!({"secret_key": "sk_live_0123456789"});
        assert!(
            rules
                .check(&json!({"mode": "live"}), &live_key, both)
                .is_empty()
        );
        assert!(
            rules
                .check(&json!({"mode": "test"}), &json!({}), both)
                .is_empty()
        );
    }

    #[test]
    fn a_rule_without_a_message_or_with_a_broken_schema_is_refused() {
        for rules in [
            json!({KEYWORD: [{"config": {}, "credentials": {}}]}),
            json!({KEYWORD: [{"config": {"type": 5}, "credentials": {}, "message": "m"}]}),
            json!({KEYWORD: {"config": {}}}),
        ] {
            assert!(Agreement::compile(&rules).is_err(), "{rules}");
        }
    }
}
