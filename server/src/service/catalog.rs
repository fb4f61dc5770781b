use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use app::error::AppError;
use app::model::identity::Principal;
use app::model::{CatalogCard, CatalogFilter, ConnectorType};
use app::ports::CatalogPort;
use async_trait::async_trait;

use axum::body::Bytes;
use uuid::Uuid;

use crate::store::Store;

/// How long a copy of the catalog is served without asking the store. The catalog is
/// written only by the seeder: at start-up, before anything is served, or by `server seed`
/// from another process, whose changes show within this time.
pub const CATALOG_TTL: Duration = Duration::from_secs(30);

/// The catalog as last read from the store, with its JSON (what `GET /api/catalog` sends
/// unfiltered), so neither is rebuilt per request.
pub struct CatalogSnapshot {
    /// Ordered by name, as the store returns it.
    pub types: Vec<ConnectorType>,
    pub by_id: HashMap<Uuid, ConnectorType>,
    pub json: Bytes,
    loaded_at: Instant,
}

impl CatalogSnapshot {
    pub fn by_key(&self, key: &str) -> Option<&ConnectorType> {
        self.types.iter().find(|entry| entry.key == key)
    }
}

/// Serves [`CatalogSnapshot`]s younger than [`CATALOG_TTL`], reading a new one when the
/// last is older.
pub struct CatalogCache {
    store: Arc<dyn Store>,
    held: RwLock<Option<Arc<CatalogSnapshot>>>,
}

impl CatalogCache {
    pub fn new(store: Arc<dyn Store>) -> Self {
        CatalogCache {
            store,
            held: RwLock::new(None),
        }
    }

    pub async fn snapshot(&self) -> Result<Arc<CatalogSnapshot>, AppError> {
        let held = self.held.read().ok().and_then(|held| held.clone());
        if let Some(snapshot) = held.filter(|s| s.loaded_at.elapsed() < CATALOG_TTL) {
            return Ok(snapshot);
        }
        let types = self.store.list_catalog().await?;
        let json = serde_json::to_vec(&types).map_err(|error| {
            tracing::error!(%error, "the catalog does not serialise");
            AppError::Internal
        })?;
        let snapshot = Arc::new(CatalogSnapshot {
            by_id: types
                .iter()
                .map(|entry| (entry.id, entry.clone()))
                .collect(),
            types,
            json: Bytes::from(json),
            loaded_at: Instant::now(),
        });
        if let Ok(mut held) = self.held.write() {
            *held = Some(snapshot.clone());
        }
        Ok(snapshot)
    }
}

/// Reads the catalog; any signed-in user may (holding a [`Principal`] is the check).
/// Filtering uses [`CatalogFilter`], the rule the catalog page applies
/// in the browser, so the API and the page always show the same types.
pub struct CatalogService {
    cache: Arc<CatalogCache>,
}

impl CatalogService {
    pub fn new(cache: Arc<CatalogCache>) -> Self {
        CatalogService { cache }
    }

    /// The matching types as JSON: the unfiltered list is sent as held, not re-serialised.
    pub async fn list_json(&self, filter: &CatalogFilter) -> Result<Bytes, AppError> {
        let snapshot = self.cache.snapshot().await?;
        if filter.is_empty() {
            return Ok(snapshot.json.clone());
        }
        let matching: Vec<&ConnectorType> = snapshot
            .types
            .iter()
            .filter(|entry| entry.matches(filter))
            .collect();
        serde_json::to_vec(&matching)
            .map(Bytes::from)
            .map_err(|_| AppError::Internal)
    }
}

#[async_trait]
impl CatalogPort for CatalogService {
    async fn list(
        &self,
        _who: &Principal,
        filter: &CatalogFilter,
    ) -> Result<Vec<ConnectorType>, AppError> {
        let snapshot = self.cache.snapshot().await?;
        Ok(snapshot
            .types
            .iter()
            .filter(|entry| entry.matches(filter))
            .cloned()
            .collect())
    }

    async fn cards(&self, _who: &Principal) -> Result<Vec<CatalogCard>, AppError> {
        let snapshot = self.cache.snapshot().await?;
        Ok(snapshot.types.iter().map(CatalogCard::from).collect())
    }

    async fn get(&self, _who: &Principal, key: &str) -> Result<ConnectorType, AppError> {
        let snapshot = self.cache.snapshot().await?;
        snapshot.by_key(key).cloned().ok_or_else(|| {
            AppError::NotFound(format!(
                "no connector type has the key \u{201c}{key}\u{201d}"
            ))
        })
    }
}
