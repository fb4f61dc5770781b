use leptos::prelude::*;

use crate::error::AppError;
use crate::model::CatalogCard;

/// Every catalog card. The catalog holds tens of types, so the page loads them once and
/// filters in the browser with [`crate::model::CatalogFilter`], the same rule the REST
/// API applies on the server.
#[server(prefix = "/sfn", endpoint = "catalog_cards")]
pub async fn catalog_cards() -> Result<Vec<CatalogCard>, AppError> {
    let ports = crate::ports::use_ports()?;
    let types = ports.catalog.list(&Default::default()).await?;
    Ok(types.into_iter().map(CatalogCard::from).collect())
}
