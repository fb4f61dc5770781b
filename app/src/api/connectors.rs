//! Server functions for installed connectors: thin calls into [`ConnectorPort`].
//!
//! [`ConnectorPort`]: crate::ports::ConnectorPort

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::AppError;
use crate::model::connector::{Connector, ConnectorStatus};

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
