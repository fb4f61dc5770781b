//! Connector *types*: the global, read-only catalog seeded from `seeds/connectors/`.
//!
//! Why one long file: the wire types of one resource (a connector type, its OAuth and test
//! settings) and the rules read off them; about a fifth is tests.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::error::AppError;

/// The `pattern` every URL field of a connector type carries (the seeder refuses a type
/// whose `format: uri` field lacks it): credentials go only to `https://` addresses. Plain
/// `http://` is accepted for the local machine alone (`localhost`, `127.0.0.1`, `[::1]`),
/// where stand-ins and development servers run. The server enforces the same rule again
/// when sending (`server/src/outbound/`), for addresses that templates build.
pub const HTTPS_URL_PATTERN: &str =
    r"^(https://|http://(localhost|127\.0\.0\.1|\[::1\])(:[0-9]+)?([/?#]|$))";

/// The message of [`HTTPS_URL_PATTERN`] (`x-pattern-message`): why, and what to change.
pub const HTTPS_URL_MESSAGE: &str = "Use the service's https:// address: credentials are sent only over HTTPS. Plain http:// is accepted only for this machine (localhost), for local development.";

/// How a connector type authenticates against its service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AuthType {
    Oauth2,
    ApiKey,
    Basic,
    None,
    Custom,
}

impl AuthType {
    pub const ALL: [AuthType; 5] = [
        AuthType::Oauth2,
        AuthType::ApiKey,
        AuthType::Basic,
        AuthType::None,
        AuthType::Custom,
    ];

    /// The value stored in the database and used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            AuthType::Oauth2 => "oauth2",
            AuthType::ApiKey => "api_key",
            AuthType::Basic => "basic",
            AuthType::None => "none",
            AuthType::Custom => "custom",
        }
    }

    /// Wording for people.
    pub fn label(self) -> &'static str {
        match self {
            AuthType::Oauth2 => "OAuth 2.0",
            AuthType::ApiKey => "API key",
            AuthType::Basic => "Username & password",
            AuthType::None => "No authentication",
            AuthType::Custom => "Custom",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|auth| auth.as_str() == value)
    }
}

impl fmt::Display for AuthType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The catalog's categories. Seed files must use one of these slugs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Social,
    Cms,
    Messaging,
    Payments,
    Crm,
    Marketing,
    Ecommerce,
    Productivity,
    Developer,
    Generic,
}

impl Category {
    pub const ALL: [Category; 10] = [
        Category::Social,
        Category::Cms,
        Category::Messaging,
        Category::Payments,
        Category::Crm,
        Category::Marketing,
        Category::Ecommerce,
        Category::Productivity,
        Category::Developer,
        Category::Generic,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Category::Social => "social",
            Category::Cms => "cms",
            Category::Messaging => "messaging",
            Category::Payments => "payments",
            Category::Crm => "crm",
            Category::Marketing => "marketing",
            Category::Ecommerce => "ecommerce",
            Category::Productivity => "productivity",
            Category::Developer => "developer",
            Category::Generic => "generic",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Category::Social => "Social media",
            Category::Cms => "Content management",
            Category::Messaging => "Messaging",
            Category::Payments => "Payments",
            Category::Crm => "CRM",
            Category::Marketing => "Marketing",
            Category::Ecommerce => "E-commerce",
            Category::Productivity => "Productivity",
            Category::Developer => "Developer tools",
            Category::Generic => "Generic",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|category| category.slug() == value)
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.slug())
    }
}

/// OAuth 2.0 endpoints of a type. URLs may be templates over the instance config
/// (`{{config.authorize_url}}`) for the generic OAuth2 type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OAuthSettings {
    pub authorize_url: String,
    pub token_url: String,
    pub scopes: Vec<String>,
    /// Whether the provider supports (and we use) PKCE with S256.
    pub pkce: bool,
    /// How scopes are joined in the authorize URL (a space unless the provider differs).
    #[serde(default = "default_scope_separator")]
    pub scope_separator: String,
    /// Extra query parameters for the authorize URL (e.g. `access_type=offline`).
    #[serde(default)]
    pub extra_authorize_params: BTreeMap<String, String>,
    /// The config field (a list of strings) whose scopes are asked for as well as
    /// `scopes`, for types whose users choose them (the generic OAuth 2.0 type).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scopes_from_config: Option<String>,
}

impl OAuthSettings {
    /// The scopes to ask for: the type's, then those `config` names, each once.
    pub fn scopes_for(&self, config: &Value) -> Vec<String> {
        let chosen = self
            .scopes_from_config
            .as_deref()
            .and_then(|field| config.get(field))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::trim)
            .filter(|scope| !scope.is_empty());
        let mut scopes: Vec<String> = Vec::new();
        for scope in self.scopes.iter().map(String::as_str).chain(chosen) {
            if !scopes.iter().any(|seen| seen == scope) {
                scopes.push(scope.to_owned());
            }
        }
        scopes
    }
}

fn default_scope_separator() -> String {
    " ".to_owned()
}

/// One connector type, as the API returns it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConnectorType {
    pub id: Uuid,
    /// Stable identifier, e.g. `wordpress`; also the seed file's name.
    pub key: String,
    pub name: String,
    pub description: String,
    pub category: Category,
    /// An SVG document, rendered as an image (never inlined as markup).
    pub icon: String,
    pub auth_type: AuthType,
    /// What instances of this type can do, e.g. `{"post_text": true, "max_length": 280}`.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub capabilities: serde_json::Map<String, Value>,
    /// JSON Schema (draft 2020-12) of the instance configuration.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub config_schema: Value,
    /// JSON Schema of the credential fields.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub auth_schema: Value,
    pub oauth: Option<OAuthSettings>,
    /// The declarative connection test.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub test: Value,
    pub docs_url: String,
    pub version: i64,
    /// RFC 3339 timestamps.
    pub created_at: String,
    pub updated_at: String,
}

/// The credential field that chooses the sign-in method, where a type offers several
/// (Slack: OAuth or a bot token; HTTP / REST: none, bearer, basic, API key).
pub const METHOD_FIELD: &str = "method";

/// The sign-in method credentials `auth` chose in their [`METHOD_FIELD`], if any.
pub fn chosen_method(auth: &Value) -> Option<&str> {
    auth.get(METHOD_FIELD).and_then(Value::as_str)
}

impl ConnectorType {
    pub fn matches(&self, filter: &CatalogFilter) -> bool {
        filter.matches(
            &self.key,
            &self.name,
            &self.description,
            self.category,
            self.auth_type,
        )
    }

    /// The sign-in method in use: the one the credentials chose (see [`chosen_method`]),
    /// else the type's own (`oauth2`, `api_key`…). It keys the probe's `credentials`.
    pub fn sign_in_method<'a>(&self, chosen: Option<&'a str>) -> &'a str {
        chosen.unwrap_or(self.auth_type.as_str())
    }

    /// Whether credentials that chose `chosen` sign in at a provider with OAuth: the type
    /// does, and they chose no other method. The one answer for the wizard (show
    /// Connect), the service (wait for the sign-in) and the OAuth flow (refuse it).
    pub fn signs_in_with_oauth(&self, chosen: Option<&str>) -> bool {
        self.auth_type == AuthType::Oauth2
            && self.sign_in_method(chosen) == AuthType::Oauth2.as_str()
    }
}

/// What a catalog card shows: a connector type without its schemas.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogCard {
    pub key: String,
    pub name: String,
    pub description: String,
    pub category: Category,
    pub icon: String,
    pub auth_type: AuthType,
}

impl CatalogCard {
    pub fn matches(&self, filter: &CatalogFilter) -> bool {
        filter.matches(
            &self.key,
            &self.name,
            &self.description,
            self.category,
            self.auth_type,
        )
    }
}

impl From<&ConnectorType> for CatalogCard {
    fn from(entry: &ConnectorType) -> Self {
        CatalogCard {
            key: entry.key.clone(),
            name: entry.name.clone(),
            description: entry.description.clone(),
            category: entry.category,
            icon: entry.icon.clone(),
            auth_type: entry.auth_type,
        }
    }
}

impl From<ConnectorType> for CatalogCard {
    fn from(entry: ConnectorType) -> Self {
        CatalogCard {
            key: entry.key,
            name: entry.name,
            description: entry.description,
            category: entry.category,
            icon: entry.icon,
            auth_type: entry.auth_type,
        }
    }
}

/// Narrows the catalog by free text and category.
///
/// One definition serves the REST API (filtering on the server) and the catalog page
/// (filtering instantly in the browser), so both always agree.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogFilter {
    /// Free text; every whitespace-separated term must occur (case-insensitively) in the
    /// name, key, description, category or authentication label.
    pub q: Option<String>,
    pub category: Option<Category>,
}

impl CatalogFilter {
    /// Reads `?q=&category=` as sent by a form: empty values mean "no filter".
    ///
    /// An unknown category is an input error so that an API client learns of its typo
    /// instead of silently getting the whole catalog.
    pub fn from_query(q: Option<&str>, category: Option<&str>) -> Result<Self, AppError> {
        let q = q
            .map(str::trim)
            .filter(|q| !q.is_empty())
            .map(str::to_owned);
        let category = match category.map(str::trim).filter(|c| !c.is_empty()) {
            None => None,
            Some(slug) => Some(Category::parse(slug).ok_or_else(|| {
                let known: Vec<&str> = Category::ALL.iter().map(|c| c.slug()).collect();
                AppError::invalid_field(
                    "category",
                    format!(
                        "unknown category \u{201c}{slug}\u{201d}; expected one of: {}",
                        known.join(", ")
                    ),
                )
            })?),
        };
        Ok(CatalogFilter { q, category })
    }

    pub fn is_empty(&self) -> bool {
        self.q.is_none() && self.category.is_none()
    }

    fn matches(
        &self,
        key: &str,
        name: &str,
        description: &str,
        category: Category,
        auth_type: AuthType,
    ) -> bool {
        if self.category.is_some_and(|wanted| wanted != category) {
            return false;
        }
        let Some(q) = &self.q else { return true };
        let haystack = [name, key, description, category.label(), auth_type.label()]
            .join("\n")
            .to_lowercase();
        q.to_lowercase()
            .split_whitespace()
            .all(|term| haystack.contains(term))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of_type(auth_type: AuthType) -> ConnectorType {
        ConnectorType {
            id: Uuid::nil(),
            key: "t".into(),
            name: "T".into(),
            description: String::new(),
            category: Category::Generic,
            icon: String::new(),
            auth_type,
            capabilities: serde_json::Map::new(),
            config_schema: Value::Null,
            auth_schema: Value::Null,
            oauth: None,
            test: Value::Null,
            docs_url: String::new(),
            version: 1,
            created_at: String::new(),
            updated_at: String::new(),
        }
    }

    #[test]
    fn oauth_is_the_types_method_unless_the_credentials_chose_another() {
        let slack = of_type(AuthType::Oauth2);
        assert!(slack.signs_in_with_oauth(None));
        assert!(slack.signs_in_with_oauth(Some("oauth2")));
        assert!(!slack.signs_in_with_oauth(Some("bot_token")));
        assert_eq!(slack.sign_in_method(Some("bot_token")), "bot_token");
        let stripe = of_type(AuthType::ApiKey);
        assert!(!stripe.signs_in_with_oauth(None));
        assert!(!stripe.signs_in_with_oauth(Some("oauth2")));
        assert_eq!(stripe.sign_in_method(None), "api_key");
        let chosen = serde_json::json!({"method": "bot_token", "bot_token": "x"});
        assert_eq!(chosen_method(&chosen), Some("bot_token"));
    }

    fn card(key: &str, name: &str, description: &str, category: Category) -> CatalogCard {
        CatalogCard {
            key: key.into(),
            name: name.into(),
            description: description.into(),
            category,
            icon: String::new(),
            auth_type: AuthType::ApiKey,
        }
    }

    #[test]
    fn empty_query_values_mean_no_filter() {
        let filter = CatalogFilter::from_query(Some("  "), Some("")).unwrap();
        assert!(filter.is_empty());
    }

    #[test]
    fn unknown_category_is_a_field_error() {
        let error = CatalogFilter::from_query(None, Some("nope")).unwrap_err();
        assert_eq!(error.status_code(), 400);
        assert!(error.fields()["category"][0].contains("nope"));
    }

    #[test]
    fn every_term_must_match_case_insensitively() {
        let stripe = card(
            "stripe",
            "Stripe",
            "Online payments and billing",
            Category::Payments,
        );
        let hit = CatalogFilter::from_query(Some("STRIPE billing"), None).unwrap();
        let miss = CatalogFilter::from_query(Some("stripe tweets"), None).unwrap();
        assert!(stripe.matches(&hit));
        assert!(!stripe.matches(&miss));
    }

    #[test]
    fn query_matches_category_and_auth_labels() {
        let stripe = card("stripe", "Stripe", "Online payments", Category::Payments);
        assert!(stripe.matches(&CatalogFilter::from_query(Some("api key"), None).unwrap()));
        assert!(!stripe.matches(&CatalogFilter::from_query(Some("crm"), None).unwrap()));
    }

    #[test]
    fn category_narrows() {
        let slack = card("slack", "Slack", "Team chat", Category::Messaging);
        let payments = CatalogFilter::from_query(None, Some("payments")).unwrap();
        let messaging = CatalogFilter::from_query(None, Some("messaging")).unwrap();
        assert!(!slack.matches(&payments));
        assert!(slack.matches(&messaging));
    }

    #[test]
    fn slugs_round_trip() {
        for category in Category::ALL {
            assert_eq!(Category::parse(category.slug()), Some(category));
        }
        for auth in AuthType::ALL {
            assert_eq!(AuthType::parse(auth.as_str()), Some(auth));
        }
    }
}
