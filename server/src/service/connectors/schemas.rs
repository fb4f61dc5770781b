//! A connector type's JSON Schemas, compiled once per type and reused, and their errors
//! turned into messages keyed by field path (`config.base_url`, `auth.api_key`).
//!
//! Messages are written here rather than taken from `jsonschema`'s `Display`, because
//! those quote the offending value, and for credential fields that value is a secret.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, RwLock};

use app::error::FieldErrors;
use app::model::ConnectorType;
use app::schema::document::is_secret;
use app::schema::messages;
use jsonschema::error::ValidationErrorKind;
use jsonschema::paths::LocationSegment;
use jsonschema::{ValidationError, Validator};
use serde_json::Value;
use uuid::Uuid;

use super::agreement::{Agreement, Saving};

/// The compiled schemas of one connector type.
pub struct TypeSchemas {
    config: Validator,
    auth: Validator,
    /// The schemas themselves, for the annotations errors are worded from.
    config_schema: Value,
    auth_schema: Value,
    /// Every auth field the schema names, in any branch.
    auth_fields: BTreeSet<String>,
    /// Auth fields the schema marks `writeOnly` or `x-secret`, in any branch.
    secret_fields: BTreeSet<String>,
    /// The rules between configuration and credentials (see [`Agreement`]).
    agreement: Agreement,
}

impl TypeSchemas {
    /// Compiles both schemas, with `format` checked (off by default in draft 2020-12).
    /// The seeder already refused schemas that do not compile, so failing here means a
    /// database edited by hand; the caller reports it as internal.
    pub fn compile(entry: &ConnectorType) -> Result<Self, String> {
        let build = |schema: &Value| {
            jsonschema::options()
                .should_validate_formats(true)
                .build(schema)
                .map_err(|error| format!("{}: {}", entry.key, error.masked()))
        };
        Ok(TypeSchemas {
            config: build(&entry.config_schema)?,
            auth: build(&entry.auth_schema)?,
            config_schema: entry.config_schema.clone(),
            auth_schema: entry.auth_schema.clone(),
            auth_fields: property_names(&entry.auth_schema),
            secret_fields: secret_fields(&entry.auth_schema),
            agreement: Agreement::compile(&entry.auth_schema)
                .map_err(|error| format!("{}: {error}", entry.key))?,
        })
    }

    /// Errors of `config`, keyed `config.<path>`; empty when valid.
    pub fn check_config(&self, config: &Value) -> FieldErrors {
        collect(&self.config, &self.config_schema, config, "config")
    }

    /// Errors of the credential fields, keyed `auth.<field>`; empty when valid.
    pub fn check_auth(&self, auth: &Value) -> FieldErrors {
        collect(&self.auth, &self.auth_schema, auth, "auth")
    }

    /// Where `config` and the credentials the connector will hold disagree, keyed on the
    /// side(s) `saving` changes (see [`Agreement`]).
    pub fn check_agreement(
        &self,
        config: &Value,
        credentials: &Value,
        saving: Saving,
    ) -> FieldErrors {
        self.agreement.check(config, credentials, saving)
    }

    pub fn is_auth_field(&self, field: &str) -> bool {
        self.auth_fields.contains(field)
    }

    pub fn is_secret(&self, field: &str) -> bool {
        self.secret_fields.contains(field)
    }
}

/// Compiled schemas by type id, rebuilt when the seeder changes a type (`updated_at`).
#[derive(Default)]
pub struct SchemaCache {
    compiled: RwLock<HashMap<Uuid, (String, Arc<TypeSchemas>)>>,
}

impl SchemaCache {
    pub fn get(&self, entry: &ConnectorType) -> Result<Arc<TypeSchemas>, String> {
        let cached = self
            .compiled
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&entry.id)
            .filter(|(version, _)| *version == entry.updated_at)
            .map(|(_, schemas)| schemas.clone());
        if let Some(schemas) = cached {
            return Ok(schemas);
        }
        let schemas = Arc::new(TypeSchemas::compile(entry)?);
        self.compiled
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(entry.id, (entry.updated_at.clone(), schemas.clone()));
        Ok(schemas)
    }
}

/// Names of properties marked secret anywhere in the schema (top level and in
/// `oneOf`/`anyOf`/`allOf`/`if`/`then`/`else` branches).
pub fn secret_fields(schema: &Value) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    walk_properties(schema, &mut |name, property| {
        if is_secret(property) {
            found.insert(name.to_owned());
        }
    });
    found
}

/// Names of the properties the schema defines anywhere (top level and in branches).
pub fn property_names(schema: &Value) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    walk_properties(schema, &mut |name, _| {
        found.insert(name.to_owned());
    });
    found
}

fn walk_properties(schema: &Value, visit: &mut impl FnMut(&str, &Value)) {
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        for (name, property) in properties {
            visit(name, property);
        }
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        for branch in schema
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            walk_properties(branch, visit);
        }
    }
    for key in ["if", "then", "else"] {
        if let Some(branch) = schema.get(key) {
            walk_properties(branch, visit);
        }
    }
}

fn collect(validator: &Validator, schema: &Value, instance: &Value, prefix: &str) -> FieldErrors {
    let mut errors = FieldErrors::new();
    let found: Vec<ValidationError<'_>> = validator.iter_errors(instance).collect();
    // Text not even of its format gets that message alone: a `pattern` beside the
    // `format` only refines it (the browser's validator does the same).
    let not_of_their_format: Vec<(String, &str)> = found
        .iter()
        .filter(|error| matches!(error.kind(), ValidationErrorKind::Format { .. }))
        .map(|error| (error.instance_path().to_string(), keyword_parent(error)))
        .collect();
    for error in &found {
        let refines_a_format_error = matches!(error.kind(), ValidationErrorKind::Pattern { .. })
            && not_of_their_format.iter().any(|(at, node)| {
                *at == error.instance_path().to_string() && *node == keyword_parent(error)
            });
        if !refines_a_format_error {
            add(&mut errors, schema, prefix, error);
        }
    }
    errors
}

/// The schema path of the node holding the keyword that failed.
fn keyword_parent<'e>(error: &'e ValidationError<'_>) -> &'e str {
    let keyword = error.schema_path().as_str();
    keyword.rfind('/').map_or("", |end| &keyword[..end])
}

/// Adds one error under its field path. A failed `oneOf` reports the errors of the
/// branch the input meant (the one whose `const` discriminator matched, else the closest),
/// instead of "not valid under any of the schemas".
fn add(errors: &mut FieldErrors, schema: &Value, prefix: &str, error: &ValidationError<'_>) {
    if let ValidationErrorKind::OneOfNotValid { context } | ValidationErrorKind::AnyOf { context } =
        error.kind()
    {
        let meant = context
            .iter()
            .filter(|branch| !branch.is_empty())
            .min_by_key(|branch| {
                let discriminator_mismatch = branch
                    .iter()
                    .any(|e| matches!(e.kind(), ValidationErrorKind::Constant { .. }));
                (discriminator_mismatch, branch.len())
            });
        if let Some(branch) = meant {
            for inner in branch {
                add(errors, schema, prefix, inner);
            }
            return;
        }
    }
    let mut path = field_path(prefix, error);
    let message = match error.kind() {
        ValidationErrorKind::Required { property } => {
            if let Some(name) = property.as_str() {
                path = format!("{path}.{name}");
            }
            messages::required()
        }
        ValidationErrorKind::AdditionalProperties { unexpected }
        | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
            for name in unexpected {
                errors
                    .entry(format!("{path}.{name}"))
                    .or_default()
                    .push(messages::unknown_field());
            }
            return;
        }
        ValidationErrorKind::Pattern { .. } => messages::pattern_of(
            keyword_node(schema, error).and_then(|node| node.get("x-pattern-message")),
        ),
        ValidationErrorKind::Format { format } => messages::format_of(
            keyword_node(schema, error).and_then(|node| node.get("x-format-message")),
            format,
        ),
        ValidationErrorKind::Not { .. } => messages::not_allowed_of(
            keyword_node(schema, error).and_then(|node| node.get("x-not-message")),
        ),
        kind => describe(kind),
    };
    let messages = errors.entry(path).or_default();
    if !messages.contains(&message) {
        messages.push(message);
    }
}

/// The schema object holding the keyword that failed (`/properties/base_url` for
/// `/properties/base_url/pattern`).
fn keyword_node<'s>(schema: &'s Value, error: &ValidationError<'_>) -> Option<&'s Value> {
    schema.pointer(keyword_parent(error))
}

fn field_path(prefix: &str, error: &ValidationError<'_>) -> String {
    let mut path = prefix.to_owned();
    for segment in error.instance_path().segments() {
        path.push('.');
        match segment {
            LocationSegment::Property(name) => path.push_str(&name),
            LocationSegment::Index(index) => path.push_str(&index.to_string()),
        }
    }
    path
}

/// A message that never quotes the offending value, in the browser validator's words.
fn describe(kind: &ValidationErrorKind) -> String {
    match kind {
        ValidationErrorKind::Type { kind } => messages::wrong_type(&type_names(kind)),
        ValidationErrorKind::Enum { options } => match options.as_array() {
            Some(options) => messages::not_in_enum(options),
            None => "Not one of the allowed values.".to_owned(),
        },
        ValidationErrorKind::Constant { expected_value } => messages::not_constant(expected_value),
        ValidationErrorKind::Pattern { .. } => messages::pattern(),
        ValidationErrorKind::Format { format } => messages::format(format),
        ValidationErrorKind::MinLength { limit } => messages::min_length(*limit),
        ValidationErrorKind::MaxLength { limit } => messages::max_length(*limit),
        ValidationErrorKind::Minimum { limit } => messages::minimum(limit),
        ValidationErrorKind::Maximum { limit } => messages::maximum(limit),
        ValidationErrorKind::ExclusiveMinimum { limit } => messages::exclusive_minimum(limit),
        ValidationErrorKind::ExclusiveMaximum { limit } => messages::exclusive_maximum(limit),
        ValidationErrorKind::MinItems { limit } => messages::min_items(*limit),
        ValidationErrorKind::MaxItems { limit } => messages::max_items(*limit),
        ValidationErrorKind::UniqueItems => messages::unique_items(),
        ValidationErrorKind::MultipleOf { multiple_of } => messages::multiple_of(multiple_of),
        ValidationErrorKind::OneOfMultipleValid { .. } => messages::several_shapes(),
        ValidationErrorKind::OneOfNotValid { .. } | ValidationErrorKind::AnyOf { .. } => {
            messages::no_shape()
        }
        ValidationErrorKind::FalseSchema | ValidationErrorKind::Not { .. } => {
            messages::not_allowed()
        }
        other => format!("Is not valid ({}).", other.keyword()),
    }
}

fn type_names(kind: &jsonschema::error::TypeKind) -> Vec<String> {
    match kind {
        jsonschema::error::TypeKind::Single(single) => vec![single.to_string()],
        jsonschema::error::TypeKind::Multiple(set) => set.iter().map(|t| t.to_string()).collect(),
    }
}
