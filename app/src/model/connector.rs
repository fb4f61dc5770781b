//! Connector *instances*: a tenant's named installs of a catalog type.
//!
//! Why one long file: these are the wire types of one resource (an instance, its
//! credentials view, its edits and audit entries), shared by both doors and the browser;
//! they change together.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Where an instance is in its life (docs/ARCHITECTURE.md, the status machine).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ConnectorStatus {
    /// Created, not yet authenticated (e.g. waiting for OAuth); also a wizard draft.
    Pending,
    /// Configured and authenticated, not in use.
    Inactive,
    /// In use: only active instances are publish targets.
    Active,
    /// A test, health check or token refresh failed.
    Error,
}

impl ConnectorStatus {
    pub const ALL: [ConnectorStatus; 4] = [
        ConnectorStatus::Pending,
        ConnectorStatus::Inactive,
        ConnectorStatus::Active,
        ConnectorStatus::Error,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ConnectorStatus::Pending => "pending",
            ConnectorStatus::Inactive => "inactive",
            ConnectorStatus::Active => "active",
            ConnectorStatus::Error => "error",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ConnectorStatus::Pending => "Setup incomplete",
            ConnectorStatus::Inactive => "Inactive",
            ConnectorStatus::Active => "Active",
            ConnectorStatus::Error => "Error",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|status| status.as_str() == value)
    }
}

impl fmt::Display for ConnectorStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who can see and use an instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Every tenant; written only by a platform admin.
    Global,
    /// Everyone in the owning tenant.
    Tenant,
    /// Its owner (and the tenant's admins).
    User,
}

impl Scope {
    pub const ALL: [Scope; 3] = [Scope::Global, Scope::Tenant, Scope::User];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Global => "global",
            Scope::Tenant => "tenant",
            Scope::User => "user",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|scope| scope.as_str() == value)
    }

    /// Who sees an instance with this scope, as forms and the review show it.
    pub fn label(self) -> &'static str {
        match self {
            Scope::Tenant => "Everyone in this tenant",
            Scope::User => "Only me (and the tenant's admins)",
            Scope::Global => "Every tenant on the platform",
        }
    }
}

/// The server's message on a config change that moves an address saved credentials are
/// sent to, while keeping them (`server/src/service/connectors/destinations.rs`).
pub const CREDENTIALS_STAY_AT_THEIR_ADDRESS: &str = "Credentials are sent only to the address they were entered for: enter them again with this change (or clear them), or keep the address.";

/// Why a manual status change is refused (docs/ARCHITECTURE.md, the status machine).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransitionRefusal {
    /// `pending` instances must finish setup (authenticate) first.
    SetupIncomplete,
    /// `error` and `pending` are set by the system (tests, OAuth), never by hand.
    SystemOnly,
}

impl TransitionRefusal {
    pub fn message(self) -> &'static str {
        match self {
            TransitionRefusal::SetupIncomplete => {
                "This connector has not finished setup; authenticate it first."
            }
            TransitionRefusal::SystemOnly => {
                "This status is set by connection tests and authentication, not by hand."
            }
        }
    }
}

impl ConnectorStatus {
    /// Whether a person may move an instance from `self` to `to`. Staying put is allowed
    /// (and changes nothing). `inactive` ↔ `active`; `error` → either, after a fix.
    pub fn manual_transition(self, to: ConnectorStatus) -> Result<(), TransitionRefusal> {
        use ConnectorStatus::{Active, Error, Inactive, Pending};
        match (self, to) {
            (from, to) if from == to => Ok(()),
            (_, Pending | Error) => Err(TransitionRefusal::SystemOnly),
            (Pending, _) => Err(TransitionRefusal::SetupIncomplete),
            (Inactive | Active | Error, Inactive | Active) => Ok(()),
        }
    }
}

/// The masked view of one credential field. Secret fields never carry their value: at
/// most a hint of the last four characters, and none for short secrets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MaskedField {
    pub set: bool,
    /// Whether the schema marks the field secret (`writeOnly` or `x-secret`).
    pub secret: bool,
    /// e.g. `…a1b2`; only for secrets of at least [`MaskedField::HINT_MIN_LEN`] characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// The value of a non-secret field (a username, a client id, a method).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// RFC 3339.
    pub set_at: String,
    /// Email of the user who set it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set_by: Option<String>,
}

impl MaskedField {
    /// Secrets shorter than this get no hint at all.
    pub const HINT_MIN_LEN: usize = 12;
    /// How many trailing characters a hint shows.
    pub const HINT_CHARS: usize = 4;
}

/// An instance's credentials as responses show them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CredentialsView {
    /// Per credential field, by name.
    pub fields: std::collections::BTreeMap<String, MaskedField>,
    /// The stored credentials cannot be decrypted (a lost or wrong key): re-enter them.
    pub needs_reentry: bool,
}

impl CredentialsView {
    /// The edits a credentials form asks for, given what it holds (`entered`, the form's
    /// value: one key per field with something in it). The one rule for every form that
    /// edits saved credentials:
    /// - a value entered replaces the saved one;
    /// - a field left blank (absent, an empty string or null, see [`is_blank`]) keeps a
    ///   saved secret: secrets are never shown, so an empty input means "keep";
    /// - and clears a saved plain field (a username): its value was shown in the input,
    ///   so emptying it means "clear";
    /// - the OAuth token fields are never in a form and are kept.
    pub fn edits_from_form(
        saved: Option<&Self>,
        entered: &serde_json::Value,
    ) -> std::collections::BTreeMap<String, FieldEdit> {
        let mut edits: std::collections::BTreeMap<String, FieldEdit> = entered
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(_, value)| !is_blank(value))
            .map(|(name, value)| {
                let value = value.clone();
                (name.clone(), FieldEdit::Replace { value })
            })
            .collect();
        let saved_plain =
            saved
                .into_iter()
                .flat_map(|saved| &saved.fields)
                .filter(|(name, field)| {
                    field.set && !field.secret && !OAUTH_TOKEN_FIELDS.contains(&name.as_str())
                });
        for (name, _) in saved_plain {
            edits.entry(name.clone()).or_insert(FieldEdit::Clear);
        }
        edits
    }
}

/// Whether a submitted credential value means "nothing entered": an empty string or null
/// (a form's optional field left blank).
pub fn is_blank(value: &serde_json::Value) -> bool {
    value.is_null() || value.as_str() == Some("")
}

impl FieldEdit {
    /// What an edit sent over the API means: a replacement with a blank value
    /// ([`is_blank`]) clears the field, since an API client that sends `""` means "no
    /// value". Forms never send one: they say what blank means themselves
    /// ([`CredentialsView::edits_from_form`]).
    pub fn over_the_api(self) -> FieldEdit {
        match self {
            FieldEdit::Replace { value } if is_blank(&value) => FieldEdit::Clear,
            other => other,
        }
    }
}

/// A connector instance as responses show it: credentials masked.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Connector {
    pub id: uuid::Uuid,
    /// The owning tenant (for `global` instances, possibly not the caller's).
    pub tenant_id: uuid::Uuid,
    pub catalog_id: uuid::Uuid,
    pub catalog_key: String,
    pub catalog_name: String,
    /// The type's SVG icon, rendered as an image.
    pub icon: String,
    pub name: String,
    pub description: String,
    pub status: ConnectorStatus,
    pub scope: Scope,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_user_id: Option<uuid::Uuid>,
    /// Roles that may use it; empty means every role.
    pub allowed_roles: Vec<crate::model::identity::Role>,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub config: serde_json::Value,
    pub tags: Vec<String>,
    /// Absent when the instance has no stored credentials.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credentials: Option<CredentialsView>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_tested_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_test_ok: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// What the caller may do with it, so a UI shows only the actions that will work.
    pub can_write: bool,
    pub can_use: bool,
}

impl Connector {
    /// Credentials that cannot be decrypted and must be entered again.
    pub fn needs_reentry(&self) -> bool {
        self.credentials
            .as_ref()
            .is_some_and(|credentials| credentials.needs_reentry)
    }

    /// The values of saved non-secret credential fields (a username, a method), to start
    /// the authentication form from. Secrets are never sent to the browser.
    pub fn saved_plain_fields(&self) -> serde_json::Map<String, serde_json::Value> {
        self.credentials
            .iter()
            .flat_map(|credentials| &credentials.fields)
            .filter(|(_, field)| !field.secret && field.set)
            .filter_map(|(name, field)| {
                Some((
                    name.clone(),
                    serde_json::Value::String(field.value.clone()?),
                ))
            })
            .collect()
    }
}

/// Credential field values on their way in. `Debug` prints only the field names; it is
/// serialisable only because a browser or client must send it.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = Object))]
#[serde(transparent)]
pub struct SecretFields(pub serde_json::Map<String, serde_json::Value>);

impl fmt::Debug for SecretFields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.0.keys()).finish()
    }
}

/// What an update does to one credential field. Fields not named are kept.
///
/// Deserialised by hand: serde ignores extra keys next to the tag of a unit variant even
/// with `deny_unknown_fields`, so `{"action": "keep", "value": "x"}` passed and the value
/// was silently dropped. Here `value` goes with `replace` only, and any other key is an
/// error.
#[derive(Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum FieldEdit {
    Keep,
    Replace {
        #[cfg_attr(feature = "openapi", schema(value_type = Object))]
        value: serde_json::Value,
    },
    Clear,
}

impl<'de> Deserialize<'de> for FieldEdit {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;

        #[derive(Deserialize)]
        #[serde(rename_all = "snake_case")]
        enum Action {
            Keep,
            Replace,
            Clear,
        }

        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Wire {
            action: Action,
            /// `Some(Null)` for `"value": null`, `None` when absent.
            #[serde(default, deserialize_with = "present")]
            value: Option<serde_json::Value>,
        }

        fn present<'de, D: serde::Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Option<serde_json::Value>, D::Error> {
            serde_json::Value::deserialize(deserializer).map(Some)
        }

        let wire = Wire::deserialize(deserializer)?;
        match (wire.action, wire.value) {
            (Action::Keep, None) => Ok(FieldEdit::Keep),
            (Action::Clear, None) => Ok(FieldEdit::Clear),
            (Action::Replace, Some(value)) => Ok(FieldEdit::Replace { value }),
            (Action::Replace, None) => Err(D::Error::missing_field("value")),
            (Action::Keep | Action::Clear, Some(_)) => Err(D::Error::custom(
                "`value` goes only with the action `replace`",
            )),
        }
    }
}

impl fmt::Debug for FieldEdit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FieldEdit::Keep => "Keep",
            FieldEdit::Replace { .. } => "Replace([redacted])",
            FieldEdit::Clear => "Clear",
        })
    }
}

/// `POST /api/connectors`: install an instance of a catalog type.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewConnector {
    /// The type, by id or by key (one of the two).
    #[serde(default)]
    pub catalog_id: Option<uuid::Uuid>,
    #[serde(default)]
    pub catalog_key: Option<String>,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Checked against the type's config schema; defaults are not filled in for you.
    #[serde(default = "empty_object")]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub config: serde_json::Value,
    /// Credential fields, checked against the type's auth schema. Without them the
    /// instance starts `pending`.
    #[serde(default)]
    pub auth: Option<SecretFields>,
    /// `tenant` by default.
    #[serde(default)]
    pub scope: Option<Scope>,
    #[serde(default)]
    pub allowed_roles: Option<Vec<crate::model::identity::Role>>,
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    /// A setup wizard's draft: it stays `pending`, and its configuration may be
    /// incomplete until the wizard's configure step saves it (checked then, as always).
    #[serde(default)]
    pub draft: bool,
}

fn empty_object() -> serde_json::Value {
    serde_json::Value::Object(serde_json::Map::new())
}

/// `PUT /api/connectors/{id}`: every field optional; what is absent stays as it is.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ConnectorUpdate {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// Replaces the whole configuration (checked against the schema).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub config: Option<serde_json::Value>,
    /// Per credential field: keep (the default), replace or clear.
    #[serde(default)]
    pub auth: Option<std::collections::BTreeMap<String, FieldEdit>>,
    #[serde(default)]
    pub status: Option<ConnectorStatus>,
    /// Activate even though the last connection test failed.
    #[serde(default)]
    pub confirm: bool,
    #[serde(default)]
    pub scope: Option<Scope>,
    #[serde(default)]
    pub allowed_roles: Option<Vec<crate::model::identity::Role>>,
    #[serde(default)]
    pub tags: Option<Vec<String>>,
}

/// `POST /api/validate-config`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ValidateConfigInput {
    pub catalog_key: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub config: serde_json::Value,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ValidationReport {
    pub valid: bool,
    /// Messages keyed by field path, e.g. `config.base_url`.
    pub errors: crate::error::FieldErrors,
}

/// An active instance other parts of the platform may use.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublishTarget {
    pub id: uuid::Uuid,
    pub name: String,
    pub catalog_key: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub capabilities: serde_json::Map<String, serde_json::Value>,
}

/// One audit trail entry. `details` never holds secret values.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub id: uuid::Uuid,
    /// RFC 3339.
    pub at: String,
    /// Email of the user who acted; absent for the system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    pub action: String,
    pub target_type: String,
    pub target_id: uuid::Uuid,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub details: serde_json::Value,
}

/// Credential fields an OAuth sign-in writes (never typed by people). The two tokens are
/// secrets; the others are shown.
pub const OAUTH_TOKEN_FIELDS: [&str; 5] = [
    "access_token",
    "refresh_token",
    "token_type",
    "scope",
    "expires_at",
];

/// Credential fields that say what the credentials are rather than being one: the
/// sign-in method, and what an OAuth provider said of its token (its type, scopes and
/// expiry). Every other credential field holds a secret or a value shown as typed.
pub const DESCRIPTIVE_FIELDS: [&str; 4] = ["method", "token_type", "scope", "expires_at"];

/// Whether an OAuth token field is a secret: the tokens are, their description is not.
pub fn is_secret_token_field(name: &str) -> bool {
    OAUTH_TOKEN_FIELDS.contains(&name) && !DESCRIPTIVE_FIELDS.contains(&name)
}

/// Where the OAuth callback returns the browser to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OAuthReturnTo {
    /// The setup wizard's test step.
    #[default]
    Wizard,
    /// The connector page's credentials tab (a re-authentication).
    Detail,
}

/// `POST /api/connectors/{id}/oauth/start`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OAuthStartInput {
    #[serde(default)]
    pub return_to: OAuthReturnTo,
}

/// Where to send the browser: the provider's authorization page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OAuthStart {
    pub authorize_url: String,
}

/// What the authenticate step shows about the callback address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OAuthRedirectSetup {
    /// `CONNECTORS_PUBLIC_URL` + `/oauth/callback`, to register with the provider.
    pub redirect_uri: String,
    /// Set when this page was requested on another host than the public URL's: the
    /// provider would send people back to the wrong place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin_warning: Option<String>,
    /// Whether the platform has its own OAuth app for the type, so people may leave the
    /// client fields empty.
    #[serde(default)]
    pub platform_app: bool,
    /// Set when the redirect URI is plain http, which many providers refuse.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub https_warning: Option<String>,
}

/// Why an OAuth round trip did not finish, as the callback reports it back to a page
/// (`?oauth_error=`). Provider wording is not passed through: these are our words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OAuthFailure {
    /// The person declined at the provider (`error=access_denied`).
    AccessDenied,
    /// The provider reported another error on the redirect.
    ProviderError,
    /// The state is unknown, already used, or another person's.
    InvalidState,
    /// More than 10 minutes passed since "Connect".
    Expired,
    /// The code could not be exchanged for tokens.
    ExchangeFailed,
    /// The token endpoint could not be reached.
    ProviderUnreachable,
}

impl OAuthFailure {
    pub const ALL: [OAuthFailure; 6] = [
        OAuthFailure::AccessDenied,
        OAuthFailure::ProviderError,
        OAuthFailure::InvalidState,
        OAuthFailure::Expired,
        OAuthFailure::ExchangeFailed,
        OAuthFailure::ProviderUnreachable,
    ];

    pub fn code(self) -> &'static str {
        match self {
            OAuthFailure::AccessDenied => "access_denied",
            OAuthFailure::ProviderError => "provider_error",
            OAuthFailure::InvalidState => "invalid_state",
            OAuthFailure::Expired => "expired",
            OAuthFailure::ExchangeFailed => "exchange_failed",
            OAuthFailure::ProviderUnreachable => "provider_unreachable",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|failure| failure.code() == code)
    }

    pub fn message(self) -> &'static str {
        match self {
            OAuthFailure::AccessDenied => {
                "Access was not granted at the provider. Nothing was saved; try again when ready."
            }
            OAuthFailure::ProviderError => {
                "The provider reported an error and did not sign the connector in. Nothing was saved; try again."
            }
            OAuthFailure::InvalidState => {
                "This sign-in link is not valid any more (already used, or started by someone else). Start again."
            }
            OAuthFailure::Expired => {
                "The sign-in took more than 10 minutes and expired. Nothing was saved; start again."
            }
            OAuthFailure::ExchangeFailed => {
                "The provider refused to issue tokens for this sign-in. Check the client ID and secret, then try again."
            }
            OAuthFailure::ProviderUnreachable => {
                "The provider's token endpoint could not be reached. Nothing was saved; try again in a moment."
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masked(secret: bool) -> MaskedField {
        MaskedField {
            set: true,
            secret,
            hint: None,
            value: None,
            set_at: "2026-01-01T00:00:00Z".into(),
            set_by: None,
        }
    }

    #[test]
    fn a_blank_field_keeps_a_saved_secret_and_clears_a_saved_plain_field() {
        let saved = CredentialsView {
            fields: [
                ("username", masked(false)),
                ("password", masked(true)),
                ("access_token", masked(true)),
                ("scope", masked(false)),
            ]
            .into_iter()
            .map(|(name, field)| (name.to_owned(), field))
            .collect(),
            needs_reentry: false,
        };
        let entered = serde_json::json!({"password": "", "site": "https://x.example"});
        let edits = CredentialsView::edits_from_form(Some(&saved), &entered);
        let replaced = FieldEdit::Replace {
            value: "https://x.example".into(),
        };
        assert_eq!(edits.get("site"), Some(&replaced));
        assert_eq!(edits.get("username"), Some(&FieldEdit::Clear));
        assert_eq!(edits.get("password"), None, "a blank secret is kept");
        assert_eq!(edits.get("access_token"), None);
        assert_eq!(edits.get("scope"), None, "token fields are not the form's");
        let entered = serde_json::json!({"username": "ann", "password": null});
        let edits = CredentialsView::edits_from_form(Some(&saved), &entered);
        let replaced = FieldEdit::Replace {
            value: "ann".into(),
        };
        assert_eq!(edits.get("username"), Some(&replaced));
        assert_eq!(edits.len(), 1, "{:?}", edits.keys().collect::<Vec<_>>());
        assert!(CredentialsView::edits_from_form(None, &serde_json::json!({})).is_empty());
    }

    #[test]
    fn over_the_api_a_blank_replacement_clears() {
        let blank = FieldEdit::Replace { value: "".into() };
        assert_eq!(blank.over_the_api(), FieldEdit::Clear);
        let null = FieldEdit::Replace {
            value: serde_json::Value::Null,
        };
        assert_eq!(null.over_the_api(), FieldEdit::Clear);
        let typed = FieldEdit::Replace { value: "x".into() };
        assert_eq!(typed.clone().over_the_api(), typed);
        assert_eq!(FieldEdit::Keep.over_the_api(), FieldEdit::Keep);
    }

    #[test]
    fn names_round_trip() {
        for status in ConnectorStatus::ALL {
            assert_eq!(ConnectorStatus::parse(status.as_str()), Some(status));
        }
        for scope in Scope::ALL {
            assert_eq!(Scope::parse(scope.as_str()), Some(scope));
        }
        assert_eq!(ConnectorStatus::parse("paused"), None);
    }

    #[test]
    fn people_toggle_active_but_never_set_system_states() {
        use ConnectorStatus::{Active, Error, Inactive, Pending};
        assert_eq!(Inactive.manual_transition(Active), Ok(()));
        assert_eq!(Active.manual_transition(Inactive), Ok(()));
        assert_eq!(Error.manual_transition(Active), Ok(()));
        assert_eq!(Active.manual_transition(Active), Ok(()));
        assert_eq!(
            Pending.manual_transition(Active),
            Err(TransitionRefusal::SetupIncomplete)
        );
        for from in ConnectorStatus::ALL {
            for to in [Pending, Error] {
                if from != to {
                    assert_eq!(
                        from.manual_transition(to),
                        Err(TransitionRefusal::SystemOnly)
                    );
                }
            }
        }
    }

    #[test]
    fn field_edits_refuse_keys_they_do_not_use() {
        let parse = |text: &str| serde_json::from_str::<FieldEdit>(text);
        assert_eq!(parse(r#"{"action":"keep"}"#).ok(), Some(FieldEdit::Keep));
        assert_eq!(parse(r#"{"action":"clear"}"#).ok(), Some(FieldEdit::Clear));
        assert_eq!(
            parse(r#"{"action":"replace","value":null}"#).ok(),
            Some(FieldEdit::Replace {
                value: serde_json::Value::Null
            })
        );
        for bad in [
            r#"{"action":"keep","value":"x"}"#,
            r#"{"action":"clear","value":null}"#,
            r#"{"action":"replace"}"#,
            r#"{"action":"replace","value":"x","also":1}"#,
            r#"{"action":"keep","other":1}"#,
            r#"{"action":"drop"}"#,
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        let edit = FieldEdit::Replace { value: "v".into() };
        let json = serde_json::to_string(&edit).unwrap_or_default();
        assert_eq!(json, r#"{"action":"replace","value":"v"}"#);
        assert_eq!(parse(&json).ok(), Some(edit));
    }

    #[test]
    fn secret_inputs_never_print_their_values() {
        let mut fields = serde_json::Map::new();
        fields.insert("api_key".into(), "sk_test_SECRETVALUE".into());
        let printed = format!("{:?}", SecretFields(fields));
        assert!(printed.contains("api_key") && !printed.contains("SECRETVALUE"));
        let edit = FieldEdit::Replace {
            value: "sk_test_SECRETVALUE".into(),
        };
        assert!(!format!("{edit:?}").contains("SECRETVALUE"));
    }
}
