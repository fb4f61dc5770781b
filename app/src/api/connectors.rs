//! Server functions for installed connectors: thin calls into [`ConnectorPort`].
//!
//! [`ConnectorPort`]: crate::ports::ConnectorPort

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::AppError;
use crate::model::connector::{
    AuditEntry, Connector, ConnectorStatus, ConnectorUpdate, NewConnector,
};

/// What the installed page shows: the instances, and whether the viewer may install.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InstalledView {
    pub connectors: Vec<Connector>,
    pub can_install: bool,
}

#[server(prefix = "/sfn", endpoint = "installed_connectors")]
pub async fn installed_connectors() -> Result<InstalledView, AppError> {
    let who = crate::ports::use_principal()?;
    let connectors = crate::ports::use_ports()?.connectors.list(&who).await?;
    Ok(InstalledView {
        connectors,
        can_install: who.role.can_administer(),
    })
}

/// Activates or deactivates an instance; `confirm` to activate despite a failed test.
#[server(prefix = "/sfn", endpoint = "set_connector_status")]
pub async fn set_connector_status(
    id: Uuid,
    status: ConnectorStatus,
    #[server(default)] confirm: bool,
) -> Result<Connector, AppError> {
    let who = crate::ports::use_principal()?;
    let ports = crate::ports::use_ports()?;
    ports.connectors.set_status(&who, id, status, confirm).await
}

#[server(prefix = "/sfn", endpoint = "delete_connector")]
pub async fn delete_connector(id: Uuid) -> Result<(), AppError> {
    let who = crate::ports::use_principal()?;
    crate::ports::use_ports()?.connectors.delete(&who, id).await
}

/// One instance with its type (schemas included), for the detail page and a resumed
/// setup wizard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InstanceView {
    pub connector: Connector,
    pub entry: crate::model::ConnectorType,
}

#[server(prefix = "/sfn", endpoint = "connector_page")]
pub async fn connector_page(id: Uuid) -> Result<InstanceView, AppError> {
    let who = crate::ports::use_principal()?;
    let ports = crate::ports::use_ports()?;
    let connector = ports.connectors.get(&who, id).await?;
    let entry = ports.catalog.get(&who, &connector.catalog_key).await?;
    Ok(InstanceView { connector, entry })
}

/// Installs an instance; the wizard sends `draft: true` from its details step on.
/// JSON-encoded: the configuration is arbitrary JSON; unknown argument names are refused.
#[server(prefix = "/sfn", endpoint = "install_connector", input = crate::api::codec::StrictJson)]
pub async fn install_connector(input: NewConnector) -> Result<Connector, AppError> {
    let who = crate::ports::use_principal()?;
    crate::ports::use_ports()?
        .connectors
        .install(&who, input)
        .await
}

#[server(prefix = "/sfn", endpoint = "update_connector", input = crate::api::codec::StrictJson)]
pub async fn update_connector(id: Uuid, input: ConnectorUpdate) -> Result<Connector, AppError> {
    let who = crate::ports::use_principal()?;
    crate::ports::use_ports()?
        .connectors
        .update(&who, id, input)
        .await
}

#[server(prefix = "/sfn", endpoint = "connector_audit")]
pub async fn connector_audit(id: Uuid) -> Result<Vec<AuditEntry>, AppError> {
    let who = crate::ports::use_principal()?;
    crate::ports::use_ports()?.connectors.audit(&who, id).await
}

/// Starts signing the instance in with its provider; the page then goes to the returned
/// URL (a full-page redirect).
#[server(prefix = "/sfn", endpoint = "start_oauth")]
pub async fn start_oauth(
    id: Uuid,
    #[server(default)] return_to: crate::model::connector::OAuthReturnTo,
) -> Result<crate::model::connector::OAuthStart, AppError> {
    let who = crate::ports::use_principal()?;
    crate::ports::use_ports()?
        .oauth
        .start(&who, id, return_to)
        .await
}

/// The redirect URI to register with the provider, and whether this request came in on
/// another host than the configured public URL (Host / X-Forwarded-Host).
#[server(prefix = "/sfn", endpoint = "oauth_redirect_setup")]
pub async fn oauth_redirect_setup(
    type_key: String,
) -> Result<crate::model::connector::OAuthRedirectSetup, AppError> {
    let _who = crate::ports::use_principal()?;
    let headers: http::HeaderMap = leptos_axum::extract()
        .await
        .map_err(|_| AppError::Internal)?;
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
    };
    let host = header("x-forwarded-host").or_else(|| header("host"));
    Ok(crate::ports::use_ports()?
        .oauth
        .redirect_setup(host.as_deref(), &type_key))
}

/// Runs the instance's connection test now.
#[server(prefix = "/sfn", endpoint = "test_connector")]
pub async fn test_connector(
    id: Uuid,
    #[server(default)] wizard: bool,
) -> Result<crate::model::probe::ConnectionTest, AppError> {
    use crate::model::probe::TestTrigger;
    let who = crate::ports::use_principal()?;
    let trigger = if wizard {
        TestTrigger::Wizard
    } else {
        TestTrigger::User
    };
    crate::ports::use_ports()?
        .connection_tests
        .run(&who, id, trigger)
        .await
}

#[server(prefix = "/sfn", endpoint = "connector_tests")]
pub async fn connector_tests(
    id: Uuid,
) -> Result<Vec<crate::model::probe::ConnectionTest>, AppError> {
    let who = crate::ports::use_principal()?;
    crate::ports::use_ports()?
        .connection_tests
        .history(&who, id)
        .await
}
