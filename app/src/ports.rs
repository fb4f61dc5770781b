//! Ports: the traits server functions call. The `server` crate implements them and hands
//! them to Leptos as context, so this crate never depends on storage or crypto crates.

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;

use async_trait::async_trait;
use leptos::prelude::use_context;
use uuid::Uuid;

use crate::error::AppError;
use crate::model::connector::{
    AuditEntry, Connector, ConnectorStatus, ConnectorUpdate, NewConnector, PublishTarget,
    ValidateConfigInput, ValidationReport,
};
use crate::model::identity::{
    ApiTokenInfo, CreatedApiToken, LoginInput, Member, NewMemberInput, Principal, Role, SetupInput,
    Viewer,
};
use crate::model::{CatalogFilter, ConnectorType};

/// Read access to the connector-type catalog, for any signed-in user.
#[async_trait]
pub trait CatalogPort: Send + Sync {
    /// Types matching `filter`, ordered by name.
    async fn list(
        &self,
        who: &Principal,
        filter: &CatalogFilter,
    ) -> Result<Vec<ConnectorType>, AppError>;
    /// One type by key; `NotFound` when there is none.
    async fn get(&self, who: &Principal, key: &str) -> Result<ConnectorType, AppError>;
    /// Every type as a card (no schemas), ordered by name.
    async fn cards(&self, who: &Principal) -> Result<Vec<crate::model::CatalogCard>, AppError> {
        let types = self.list(who, &CatalogFilter::default()).await?;
        Ok(types.into_iter().map(Into::into).collect())
    }
}

/// A session just opened: the `Set-Cookie` header value that carries it to the browser.
/// Not serialisable and not printable: it holds the session secret.
pub struct IssuedSession {
    pub set_cookie: String,
}

impl fmt::Debug for IssuedSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("IssuedSession([redacted])")
    }
}

/// Accounts, sessions, members and API tokens.
#[async_trait]
pub trait IdentityPort: Send + Sync {
    /// True until the first owner exists.
    async fn setup_required(&self) -> Result<bool, AppError>;
    /// Creates the first tenant and its owner and signs them in; `NotFound` once done.
    async fn setup(&self, input: SetupInput) -> Result<IssuedSession, AppError>;
    /// Signs in; refused for a while after repeated failures for the email or address.
    async fn login(
        &self,
        input: LoginInput,
        client: Option<IpAddr>,
    ) -> Result<IssuedSession, AppError>;
    /// Ends the caller's session (API tokens are revoked instead); returns the
    /// `Set-Cookie` value that clears the cookie.
    async fn logout(&self, who: &Principal) -> Result<String, AppError>;
    async fn viewer(&self, who: &Principal) -> Result<Viewer, AppError>;
    /// Makes another of the user's tenants the active one for this session.
    async fn switch_tenant(&self, who: &Principal, tenant_id: Uuid) -> Result<(), AppError>;
    async fn members(&self, who: &Principal) -> Result<Vec<Member>, AppError>;
    /// Owners and admins create accounts for new members ("invite by creating a user").
    async fn add_member(&self, who: &Principal, input: NewMemberInput) -> Result<Member, AppError>;
    async fn set_member_role(
        &self,
        who: &Principal,
        user_id: Uuid,
        role: Role,
    ) -> Result<(), AppError>;
    /// Takes a member out of the tenant; their sessions and tokens stop working there.
    /// Nobody removes themselves, and admins do not remove owners.
    async fn remove_member(&self, who: &Principal, user_id: Uuid) -> Result<(), AppError>;
    async fn api_tokens(&self, who: &Principal) -> Result<Vec<ApiTokenInfo>, AppError>;
    async fn create_api_token(
        &self,
        who: &Principal,
        name: String,
    ) -> Result<CreatedApiToken, AppError>;
    async fn revoke_api_token(&self, who: &Principal, id: Uuid) -> Result<(), AppError>;
}

/// Installed connector instances. Reads honour scope and allowed roles: an instance the
/// caller may not see is `NotFound`, exactly like one that does not exist.
#[async_trait]
pub trait ConnectorPort: Send + Sync {
    /// Installs an instance; owners and admins only. `Conflict` when the name is taken.
    async fn install(&self, who: &Principal, input: NewConnector) -> Result<Connector, AppError>;
    /// The instances the caller may see, by name.
    async fn list(&self, who: &Principal) -> Result<Vec<Connector>, AppError>;
    async fn get(&self, who: &Principal, id: Uuid) -> Result<Connector, AppError>;
    /// Partial update; `Conflict` on a taken name or an illegal status change.
    async fn update(
        &self,
        who: &Principal,
        id: Uuid,
        input: ConnectorUpdate,
    ) -> Result<Connector, AppError>;
    /// Sets the status by hand (`confirm` to activate despite a failed last test).
    async fn set_status(
        &self,
        who: &Principal,
        id: Uuid,
        status: ConnectorStatus,
        confirm: bool,
    ) -> Result<Connector, AppError>;
    async fn delete(&self, who: &Principal, id: Uuid) -> Result<(), AppError>;
    /// Checks a configuration against a type's schema without saving anything.
    async fn validate_config(
        &self,
        who: &Principal,
        input: ValidateConfigInput,
    ) -> Result<ValidationReport, AppError>;
    /// Active instances the caller may use.
    async fn publish_targets(&self, who: &Principal) -> Result<Vec<PublishTarget>, AppError>;
    /// The audit trail of one instance, newest first.
    async fn audit(&self, who: &Principal, connector_id: Uuid)
    -> Result<Vec<AuditEntry>, AppError>;
}

/// Every port, bundled so one context value gives a server function all it may call.
#[derive(Clone)]
pub struct Ports {
    pub catalog: Arc<dyn CatalogPort>,
    pub identity: Arc<dyn IdentityPort>,
    pub connectors: Arc<dyn ConnectorPort>,
    pub oauth: Arc<dyn OAuthPort>,
    pub connection_tests: Arc<dyn ConnectionTestPort>,
}

/// Connection tests (docs/decisions.md, Connection tests).
#[async_trait]
pub trait ConnectionTestPort: Send + Sync {
    /// Runs the instance's connection test now (anyone who may use it) and records it.
    async fn run(
        &self,
        who: &Principal,
        connector_id: Uuid,
        trigger: crate::model::probe::TestTrigger,
    ) -> Result<crate::model::probe::ConnectionTest, AppError>;
    /// The instance's results, newest first (anyone who may see it).
    async fn history(
        &self,
        who: &Principal,
        connector_id: Uuid,
    ) -> Result<Vec<crate::model::probe::ConnectionTest>, AppError>;
}

/// Signing an instance in with its provider (docs/decisions.md, OAuth).
#[async_trait]
pub trait OAuthPort: Send + Sync {
    /// Starts an authorization for the instance and returns the provider's authorize URL;
    /// the callback returns to the wizard or, for a re-authentication, the detail page.
    async fn start(
        &self,
        who: &Principal,
        connector_id: Uuid,
        return_to: crate::model::connector::OAuthReturnTo,
    ) -> Result<crate::model::connector::OAuthStart, AppError>;
    /// The redirect URI to register with providers, and a warning when the request came
    /// in on another origin (`host`: the Host or X-Forwarded-Host it arrived with).
    fn redirect_setup(
        &self,
        host: Option<&str>,
        type_key: &str,
    ) -> crate::model::connector::OAuthRedirectSetup;
}

/// The ports of the current request. Missing ports are a wiring bug, reported as internal.
pub fn use_ports() -> Result<Ports, AppError> {
    use_context::<Ports>().ok_or_else(|| {
        leptos::logging::error!("Ports were not provided as Leptos context");
        AppError::Internal
    })
}

/// The signed-in principal of the current request, resolved by the server's
/// authentication middleware; `Unauthorized` when there is none.
pub fn use_principal() -> Result<Principal, AppError> {
    use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<Principal>().cloned())
        .ok_or(AppError::Unauthorized)
}

/// The peer address of a request, set as a request extension by the server.
#[derive(Clone, Copy, Debug)]
pub struct ClientAddr(pub IpAddr);

/// The client's address, when the server knows it.
pub fn use_client_ip() -> Option<IpAddr> {
    use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<ClientAddr>().map(|addr| addr.0))
}
