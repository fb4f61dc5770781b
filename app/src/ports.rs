//! Ports: the traits server functions call. The `server` crate implements them and hands
//! them to Leptos as context, so this crate never depends on storage or crypto crates.

use std::sync::Arc;

use async_trait::async_trait;
use leptos::prelude::use_context;

use crate::error::AppError;
use crate::model::{CatalogFilter, ConnectorType};

/// Read access to the connector-type catalog.
#[async_trait]
pub trait CatalogPort: Send + Sync {
    /// Types matching `filter`, ordered by name.
    async fn list(&self, filter: &CatalogFilter) -> Result<Vec<ConnectorType>, AppError>;
    /// One type by key; `NotFound` when there is none.
    async fn get(&self, key: &str) -> Result<ConnectorType, AppError>;
}

/// Every port, bundled so one context value gives a server function all it may call.
#[derive(Clone)]
pub struct Ports {
    pub catalog: Arc<dyn CatalogPort>,
}

/// The ports of the current request. Missing ports are a wiring bug, reported as internal.
pub fn use_ports() -> Result<Ports, AppError> {
    use_context::<Ports>().ok_or_else(|| {
        leptos::logging::error!("Ports were not provided as Leptos context");
        AppError::Internal
    })
}
