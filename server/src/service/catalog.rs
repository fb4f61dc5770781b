use std::sync::Arc;

use app::error::AppError;
use app::model::identity::Principal;
use app::model::{CatalogFilter, ConnectorType};
use app::ports::CatalogPort;
use async_trait::async_trait;

use crate::store::Store;

/// Reads the catalog; any signed-in user may (holding a [`Principal`] is the check).
/// Filtering uses [`CatalogFilter`], the rule the catalog page applies
/// in the browser, so the API and the page always show the same types.
pub struct CatalogService {
    store: Arc<dyn Store>,
}

impl CatalogService {
    pub fn new(store: Arc<dyn Store>) -> Self {
        CatalogService { store }
    }
}

#[async_trait]
impl CatalogPort for CatalogService {
    async fn list(
        &self,
        _who: &Principal,
        filter: &CatalogFilter,
    ) -> Result<Vec<ConnectorType>, AppError> {
        let mut types = self.store.list_catalog().await?;
        types.retain(|entry| entry.matches(filter));
        Ok(types)
    }

    async fn get(&self, _who: &Principal, key: &str) -> Result<ConnectorType, AppError> {
        self.store.catalog_by_key(key).await?.ok_or_else(|| {
            AppError::NotFound(format!(
                "no connector type has the key \u{201c}{key}\u{201d}"
            ))
        })
    }
}
