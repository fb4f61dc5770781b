use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::model::CatalogCard;

/// What the catalog page shows: every card, and whether the viewer may install.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogView {
    pub cards: Vec<CatalogCard>,
    /// Installing is a write: owners and admins only, so others get no "Add" buttons.
    pub can_install: bool,
}

/// Every catalog card. The catalog holds tens of types, so the page loads them once and
/// filters in the browser with [`crate::model::CatalogFilter`], the same rule the REST
/// API applies on the server.
#[server(prefix = "/sfn", endpoint = "catalog_cards")]
pub async fn catalog_cards() -> Result<CatalogView, AppError> {
    let who = crate::ports::use_principal()?;
    let ports = crate::ports::use_ports()?;
    Ok(CatalogView {
        cards: ports.catalog.cards(&who).await?,
        can_install: who.role.can_administer(),
    })
}

/// One connector type with its schemas, for the setup wizard.
#[server(prefix = "/sfn", endpoint = "catalog_entry")]
pub async fn catalog_entry(key: String) -> Result<crate::model::ConnectorType, AppError> {
    let who = crate::ports::use_principal()?;
    crate::ports::use_ports()?.catalog.get(&who, &key).await
}
