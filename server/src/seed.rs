//! Loads connector type definitions from `seeds/connectors/*.json`.
//!
//! Every file is checked before anything is written: JSON syntax, the meta-schema
//! (`seeds/connector-type.schema.json`), the key matching the file name, the embedded
//! JSON Schemas compiling, and probe templates naming existing config fields. A bad file
//! stops seeding with a message naming the file and the field, and the database is left
//! as it was.
//!
//! Why one long file: each rule the seeder enforces is short, and they are read as one
//! checklist; about a third is tests.

use std::fmt;
use std::path::{Path, PathBuf};

use app::model::{AuthType, Category, OAuthSettings};
use serde::Deserialize;
use serde_json::Value;

use crate::service::connectors::{AGREEMENT_KEYWORD, Agreement, property_names};
use crate::store::NewCatalogEntry;

/// The meta-schema every seed file must satisfy, compiled into the binary.
pub const META_SCHEMA: &str = include_str!("../../seeds/connector-type.schema.json");

/// A seed problem: the file, the JSON Pointer of the field (empty for the whole file) and
/// what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedProblem {
    pub file: PathBuf,
    pub field: String,
    pub message: String,
}

impl fmt::Display for SeedProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let field = if self.field.is_empty() {
            "(whole file)"
        } else {
            self.field.as_str()
        };
        write!(
            f,
            "{}: field {field}: {}",
            self.file.display(),
            self.message
        )
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("cannot read seed directory {dir}: {reason}")]
    Directory { dir: PathBuf, reason: String },
    #[error("no connector definitions (*.json) found in {0}")]
    Empty(PathBuf),
    #[error("invalid connector definitions:\n{}", list(.0))]
    Invalid(Vec<SeedProblem>),
    #[error("the built-in meta-schema does not compile: {0}")]
    MetaSchema(String),
}

fn list(problems: &[SeedProblem]) -> String {
    problems
        .iter()
        .map(|p| format!("  - {p}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The shape of a seed file once it has passed the meta-schema.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedFile {
    key: String,
    name: String,
    description: String,
    category: Category,
    icon: String,
    auth_type: AuthType,
    auth_schema: Value,
    #[serde(default)]
    oauth: Option<OAuthSettings>,
    capabilities: serde_json::Map<String, Value>,
    config_schema: Value,
    test: Value,
    docs_url: String,
    version: i64,
}

/// Reads and checks every `*.json` file in `dir` (sorted by name). Returns every problem
/// found, not just the first, so one run shows all that needs fixing.
pub fn load_dir(dir: &Path) -> Result<Vec<NewCatalogEntry>, SeedError> {
    let read_error = |e: std::io::Error| SeedError::Directory {
        dir: dir.to_owned(),
        reason: e.to_string(),
    };
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(read_error)?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(read_error)?
        .into_iter()
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    paths.sort();
    if paths.is_empty() {
        return Err(SeedError::Empty(dir.to_owned()));
    }

    let meta: Value =
        serde_json::from_str(META_SCHEMA).map_err(|e| SeedError::MetaSchema(e.to_string()))?;
    let meta =
        jsonschema::validator_for(&meta).map_err(|e| SeedError::MetaSchema(e.to_string()))?;

    let mut entries = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        match load_file(&path, &meta) {
            Ok(entry) => entries.push(entry),
            Err(mut found) => problems.append(&mut found),
        }
    }
    if problems.is_empty() {
        Ok(entries)
    } else {
        Err(SeedError::Invalid(problems))
    }
}

fn load_file(
    path: &Path,
    meta: &jsonschema::Validator,
) -> Result<NewCatalogEntry, Vec<SeedProblem>> {
    let problem = |field: &str, message: String| SeedProblem {
        file: path.to_owned(),
        field: field.to_owned(),
        message,
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| vec![problem("", format!("cannot read: {e}"))])?;
    let document: Value = serde_json::from_str(&text).map_err(|e| {
        vec![problem(
            "",
            format!(
                "not valid JSON at line {}, column {}: {e}",
                e.line(),
                e.column()
            ),
        )]
    })?;

    let schema_problems: Vec<SeedProblem> = meta
        .iter_errors(&document)
        .map(|error| problem(&error.instance_path().to_string(), error.to_string()))
        .collect();
    if !schema_problems.is_empty() {
        return Err(schema_problems);
    }

    let seed: SeedFile =
        serde_json::from_value(document).map_err(|e| vec![problem("", e.to_string())])?;
    let mut problems = Vec::new();
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    if seed.key != stem {
        problems.push(problem(
            "/key",
            format!(
                "must equal the file name \u{201c}{stem}\u{201d}, found \u{201c}{}\u{201d}",
                seed.key
            ),
        ));
    }
    for (field, schema) in [
        ("/config_schema", &seed.config_schema),
        ("/auth_schema", &seed.auth_schema),
    ] {
        if let Err(error) = jsonschema::draft202012::new(schema) {
            problems.push(problem(
                field,
                format!("is not a valid JSON Schema: {error}"),
            ));
        }
    }
    // Configuration is stored in plaintext and shown back; secrets belong in auth_schema,
    // whose values the vault seals.
    for name in crate::service::connectors::secret_fields(&seed.config_schema) {
        problems.push(problem(
            "/config_schema",
            format!(
                "marks {name:?} secret; secret fields belong in auth_schema, which is encrypted"
            ),
        ));
    }
    // Every URL a type's schemas take receives credentials: HTTPS only (the rule and its
    // message live with the model, so the forms and the server say the same).
    for (field, schema) in [
        ("/config_schema", &seed.config_schema),
        ("/auth_schema", &seed.auth_schema),
    ] {
        for at in urls_without_the_https_rule(schema, "") {
            problems.push(problem(
                &format!("{field}{at}"),
                format!(
                    "is a URL field, so it must carry \"pattern\": {:?} and its x-pattern-message (credentials go only to https:// addresses)",
                    app::model::HTTPS_URL_PATTERN
                ),
            ));
        }
        for at in choices_without_titles(schema, "", false) {
            problems.push(problem(
                &format!("{field}{at}"),
                "has \"enum\" but no \"x-enum-titles\" with one title per value: people choose by the titles, not by the stored values".to_owned(),
            ));
        }
        for (at, keyword, message) in checks_without_their_message(schema, "") {
            problems.push(problem(
                &format!("{field}{at}"),
                format!(
                    "has \"{keyword}\" but no {message}: say what is expected, with an example (people read it, not the pattern)"
                ),
            ));
        }
    }
    // The rules between configuration and credentials compile and name real fields.
    match Agreement::compile(&seed.auth_schema) {
        Err(error) => problems.push(problem("/auth_schema", error)),
        Ok(agreement) => {
            let (config, credentials) = agreement.named();
            for (side, named, schema) in [
                ("config", config, &seed.config_schema),
                ("credentials", credentials, &seed.auth_schema),
            ] {
                let defined = property_names(schema);
                for field in named.into_iter().filter(|field| !defined.contains(*field)) {
                    problems.push(problem(
                        &format!("/auth_schema/{AGREEMENT_KEYWORD}"),
                        format!("names {side} field {field:?}, which its schema does not define"),
                    ));
                }
            }
        }
    }
    if seed.auth_type == AuthType::Oauth2 && seed.oauth.is_none() {
        problems.push(problem(
            "/oauth",
            "is required when auth_type is oauth2".to_owned(),
        ));
    }
    if let Some(field) = seed
        .oauth
        .as_ref()
        .and_then(|oauth| oauth.scopes_from_config.as_deref())
        && seed
            .config_schema
            .pointer(&format!("/properties/{field}/items"))
            .is_none()
    {
        problems.push(problem(
            "/oauth/scopes_from_config",
            format!("names {field:?}, which config_schema does not define as a list"),
        ));
    }
    let oauth = serde_json::to_value(&seed.oauth).unwrap_or(Value::Null);
    for (field, templated) in [("/test", &seed.test), ("/oauth", &oauth)] {
        problems.extend(
            unknown_config_references(templated, &seed.config_schema)
                .into_iter()
                .map(|name| {
                    problem(
                        field,
                        format!(
                            "refers to {{{{config.{name}}}}}, which config_schema does not define"
                        ),
                    )
                }),
        );
    }
    if !problems.is_empty() {
        return Err(problems);
    }

    Ok(NewCatalogEntry {
        key: seed.key,
        name: seed.name,
        description: seed.description,
        category: seed.category,
        icon: seed.icon,
        auth_type: seed.auth_type,
        capabilities: seed.capabilities,
        config_schema: seed.config_schema,
        auth_schema: seed.auth_schema,
        oauth: seed.oauth,
        test: seed.test,
        docs_url: seed.docs_url,
        version: seed.version,
    })
}

/// The checks whose failure people would read as schema jargon ("Does not have the
/// expected format"): `pattern`, `format` and `not` without the sentence that says what
/// to enter instead. Each is (JSON Pointer, keyword, the missing message keyword).
fn checks_without_their_message(
    schema: &Value,
    at: &str,
) -> Vec<(String, &'static str, &'static str)> {
    let mut found = Vec::new();
    match schema {
        Value::Object(node) => {
            let in_a_schema = !at.ends_with("/properties");
            for (keyword, message) in [
                ("pattern", "x-pattern-message"),
                ("format", "x-format-message"),
                ("not", "x-not-message"),
            ] {
                if in_a_schema && node.contains_key(keyword) && !node.contains_key(message) {
                    found.push((at.to_owned(), keyword, message));
                }
            }
            for (key, child) in node {
                // The schema a `not` negates carries no message of its own, nor do an
                // agreement rule's schemas (the rule's message is theirs).
                if key != "not" && key != AGREEMENT_KEYWORD {
                    found.extend(checks_without_their_message(child, &format!("{at}/{key}")));
                }
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                found.extend(checks_without_their_message(
                    child,
                    &format!("{at}/{index}"),
                ));
            }
        }
        _ => {}
    }
    found
}

/// JSON Pointers of the `enum`s whose values people would read raw (`PUBLIC`,
/// `marketingqualifiedlead`) because `x-enum-titles` does not give one title per value.
/// A `oneOf`/`anyOf` discriminator (`exempt`) is named by its branches' titles instead.
fn choices_without_titles(schema: &Value, at: &str, exempt: bool) -> Vec<String> {
    let mut found = Vec::new();
    match schema {
        Value::Object(node) => {
            if let Some(values) = node.get("enum").and_then(Value::as_array) {
                let titles = node.get("x-enum-titles").and_then(Value::as_array);
                if !exempt && titles.map(Vec::len) != Some(values.len()) {
                    found.push(at.to_owned());
                }
            }
            let discriminators: Vec<String> = ["oneOf", "anyOf"]
                .iter()
                .filter_map(|keyword| node.get(*keyword)?.as_array())
                .filter_map(|branches| app::schema::shape::discriminator(branches))
                .collect();
            for (key, child) in node {
                match (key.as_str(), child.as_object()) {
                    ("properties", Some(properties)) => {
                        for (name, property) in properties {
                            found.extend(choices_without_titles(
                                property,
                                &format!("{at}/properties/{name}"),
                                discriminators.contains(name),
                            ));
                        }
                    }
                    _ => found.extend(choices_without_titles(child, &format!("{at}/{key}"), false)),
                }
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                found.extend(choices_without_titles(
                    child,
                    &format!("{at}/{index}"),
                    false,
                ));
            }
        }
        _ => {}
    }
    found
}

/// JSON Pointers of the `format: uri` string schemas in `schema` that lack the HTTPS rule.
fn urls_without_the_https_rule(schema: &Value, at: &str) -> Vec<String> {
    let mut found = Vec::new();
    match schema {
        Value::Object(node) => {
            let is_url = node.get("format").and_then(Value::as_str) == Some("uri");
            let has_rule = node.get("pattern").and_then(Value::as_str)
                == Some(app::model::HTTPS_URL_PATTERN)
                && node.get("x-pattern-message").and_then(Value::as_str)
                    == Some(app::model::HTTPS_URL_MESSAGE);
            if is_url && !has_rule {
                found.push(at.to_owned());
            }
            for (key, child) in node {
                found.extend(urls_without_the_https_rule(child, &format!("{at}/{key}")));
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                found.extend(urls_without_the_https_rule(child, &format!("{at}/{index}")));
            }
        }
        _ => {}
    }
    found
}

/// Names used as `{{config.NAME}}` anywhere in `probe` that are not top-level
/// properties of `config_schema`.
fn unknown_config_references(probe: &Value, config_schema: &Value) -> Vec<String> {
    let mut texts = Vec::new();
    collect_strings(probe, &mut texts);
    let defined = config_schema.get("properties").and_then(Value::as_object);
    let mut unknown: Vec<String> = texts
        .iter()
        .flat_map(|text| {
            text.match_indices("{{config.")
                .map(move |(at, _)| &text[at + "{{config.".len()..])
        })
        .filter_map(|rest| {
            rest.split_once("}}")
                .map(|(name, _)| name.trim().to_owned())
        })
        .filter(|name| !defined.is_some_and(|props| props.contains_key(name)))
        .collect();
    unknown.sort();
    unknown.dedup();
    unknown
}

fn collect_strings<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::String(text) => out.push(text),
        Value::Array(items) => items.iter().for_each(|item| collect_strings(item, out)),
        Value::Object(map) => map.values().for_each(|item| collect_strings(item, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn seeds_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../seeds/connectors")
    }

    #[test]
    fn every_shipped_seed_file_is_valid() {
        let entries = load_dir(&seeds_dir()).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            entries.len() >= 16,
            "only {} connector types",
            entries.len()
        );
    }

    #[test]
    fn probe_templates_must_name_config_fields() {
        let schema = json!({"properties": {"base_url": {"type": "string"}}});
        let probe = json!({"url": "{{config.base_url}}/x/{{config.site_id}}", "headers": {"A": "{{config.base_url}}"}});
        assert_eq!(
            unknown_config_references(&probe, &schema),
            vec!["site_id".to_owned()]
        );
    }

    fn write(dir: &Path, name: &str, body: &str) {
        std::fs::write(dir.join(name), body).unwrap();
    }

    fn valid_copy(dir: &Path, key: &str) -> Value {
        let text = std::fs::read_to_string(seeds_dir().join(format!("{key}.json"))).unwrap();
        let value: Value = serde_json::from_str(&text).unwrap();
        write(dir, &format!("{key}.json"), &text);
        value
    }

    #[test]
    fn a_wrong_enum_value_names_the_file_and_field() {
        let dir = tempfile::tempdir().unwrap();
        let mut stripe = valid_copy(dir.path(), "stripe");
        stripe["auth_type"] = json!("apikey");
        write(dir.path(), "stripe.json", &stripe.to_string());
        let message = load_dir(dir.path()).unwrap_err().to_string();
        assert!(message.contains("stripe.json"), "{message}");
        assert!(message.contains("/auth_type"), "{message}");
    }

    #[test]
    fn secrets_in_the_config_schema_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut stripe = valid_copy(dir.path(), "stripe");
        stripe["config_schema"]["properties"]["account_id"]["writeOnly"] = json!(true);
        write(dir.path(), "stripe.json", &stripe.to_string());
        let message = load_dir(dir.path()).unwrap_err().to_string();
        assert!(
            message.contains("/config_schema") && message.contains("account_id"),
            "{message}"
        );
    }

    #[test]
    fn scopes_from_config_must_name_a_list_field() {
        let dir = tempfile::tempdir().unwrap();
        let mut generic = valid_copy(dir.path(), "oauth2_generic");
        generic["oauth"]["scopes_from_config"] = json!("no_such_field");
        write(dir.path(), "oauth2_generic.json", &generic.to_string());
        let message = load_dir(dir.path()).unwrap_err().to_string();
        assert!(message.contains("no_such_field"), "{message}");
    }

    #[test]
    fn every_test_must_say_what_a_good_answer_is() {
        for missing in ["content_type", "json"] {
            let dir = tempfile::tempdir().unwrap();
            let mut github = valid_copy(dir.path(), "github");
            github["test"]["success"]
                .as_object_mut()
                .unwrap()
                .remove(missing);
            write(dir.path(), "github.json", &github.to_string());
            let message = load_dir(dir.path()).unwrap_err().to_string();
            assert!(
                message.contains("/test/success") && message.contains(missing),
                "{missing}: {message}"
            );
        }
    }

    #[test]
    fn url_fields_must_require_https() {
        let dir = tempfile::tempdir().unwrap();
        let mut wordpress = valid_copy(dir.path(), "wordpress");
        wordpress["config_schema"]["properties"]["base_url"]["pattern"] = json!("^https?://");
        write(dir.path(), "wordpress.json", &wordpress.to_string());
        let message = load_dir(dir.path()).unwrap_err().to_string();
        assert!(
            message.contains("/config_schema/properties/base_url") && message.contains("https://"),
            "{message}"
        );
    }

    #[test]
    fn every_check_says_what_to_enter() {
        for (key, pointer, message) in [
            (
                "stripe",
                "/auth_schema/properties/secret_key",
                "x-pattern-message",
            ),
            (
                "wordpress",
                "/config_schema/properties/base_url",
                "x-format-message",
            ),
            (
                "wordpress",
                "/config_schema/properties/base_url",
                "x-not-message",
            ),
        ] {
            let dir = tempfile::tempdir().unwrap();
            let mut seed = valid_copy(dir.path(), key);
            seed.pointer_mut(pointer)
                .and_then(Value::as_object_mut)
                .unwrap()
                .remove(message);
            write(dir.path(), &format!("{key}.json"), &seed.to_string());
            let refused = load_dir(dir.path()).unwrap_err().to_string();
            assert!(
                refused.contains(pointer) && refused.contains(message),
                "{refused}"
            );
        }
    }

    #[test]
    fn every_choice_has_a_title() {
        let pointer = "/config_schema/properties/mode";
        for titles in [None, Some(json!(["Test"]))] {
            let dir = tempfile::tempdir().unwrap();
            let mut seed = valid_copy(dir.path(), "stripe");
            let mode = seed
                .pointer_mut(pointer)
                .and_then(Value::as_object_mut)
                .unwrap();
            match &titles {
                None => mode.remove("x-enum-titles"),
                Some(titles) => mode.insert("x-enum-titles".to_owned(), titles.clone()),
            };
            write(dir.path(), "stripe.json", &seed.to_string());
            let refused = load_dir(dir.path()).unwrap_err().to_string();
            assert!(
                refused.contains(pointer) && refused.contains("x-enum-titles"),
                "{titles:?}: {refused}"
            );
        }
    }

    #[test]
    fn invalid_json_names_the_line() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "broken.json",
            "{\n  \"key\": \"broken\",\n  oops\n}",
        );
        let message = load_dir(dir.path()).unwrap_err().to_string();
        assert!(
            message.contains("broken.json") && message.contains("line 3"),
            "{message}"
        );
    }

    #[test]
    fn key_must_match_file_name() {
        let dir = tempfile::tempdir().unwrap();
        let stripe = valid_copy(dir.path(), "stripe");
        write(dir.path(), "stripe.json", "{}");
        write(dir.path(), "payments.json", &stripe.to_string());
        let message = load_dir(dir.path()).unwrap_err().to_string();
        assert!(message.contains("payments.json: field /key"), "{message}");
    }

    #[test]
    fn an_invalid_embedded_schema_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let mut stripe = valid_copy(dir.path(), "stripe");
        stripe["config_schema"]["properties"]["account_id"]["minLength"] = json!("three");
        write(dir.path(), "stripe.json", &stripe.to_string());
        let message = load_dir(dir.path()).unwrap_err().to_string();
        assert!(
            message.contains("stripe.json") && message.contains("/config_schema"),
            "{message}"
        );
    }

    #[test]
    fn an_empty_directory_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(load_dir(dir.path()), Err(SeedError::Empty(_))));
    }
}
