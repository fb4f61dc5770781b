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

use crate::store::CatalogStore;

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
    store: Arc<dyn CatalogStore>,
    held: RwLock<Option<Arc<CatalogSnapshot>>>,
}

impl CatalogCache {
    pub fn new(store: Arc<dyn CatalogStore>) -> Self {
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

/// The catalog's rules through its port, over a fake of the one store capability they
/// read: no database adds anything here.
#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use app::model::Category;
    use app::model::identity::{Credential, Role};
    use serde_json::json;

    use super::*;
    use crate::store::{NewCatalogEntry, SeedReport, StoreError};

    /// A catalog held in memory that counts how often it is read.
    struct FakeCatalog {
        types: Vec<ConnectorType>,
        reads: AtomicUsize,
    }

    #[async_trait]
    impl CatalogStore for FakeCatalog {
        async fn write_health(&self) -> Result<(), StoreError> {
            Ok(())
        }

        async fn list_catalog(&self) -> Result<Vec<ConnectorType>, StoreError> {
            self.reads.fetch_add(1, Ordering::SeqCst);
            Ok(self.types.clone())
        }

        async fn catalog_by_key(&self, key: &str) -> Result<Option<ConnectorType>, StoreError> {
            Ok(self.types.iter().find(|entry| entry.key == key).cloned())
        }

        async fn seed_catalog(&self, _: &[NewCatalogEntry]) -> Result<SeedReport, StoreError> {
            unreachable!("the catalog service never seeds")
        }
    }

    fn entry(key: &str, name: &str, category: &str) -> ConnectorType {
        serde_json::from_value(json!({
            "id": Uuid::new_v4(), "key": key, "name": name, "description": "",
            "category": category, "icon": "", "auth_type": "api_key", "capabilities": {},
            "config_schema": {}, "auth_schema": {}, "oauth": null, "docs_url": "",
            "version": 1, "created_at": "", "updated_at": "", "test": null
        }))
        .unwrap_or_else(|error| panic!("a connector type: {error}"))
    }

    fn service() -> (CatalogService, Arc<FakeCatalog>) {
        let store = Arc::new(FakeCatalog {
            types: vec![
                entry("stripe", "Stripe", "payments"),
                entry("slack", "Slack", "messaging"),
                entry("wordpress", "WordPress", "social"),
            ],
            reads: AtomicUsize::new(0),
        });
        let cache = Arc::new(CatalogCache::new(store.clone()));
        (CatalogService::new(cache), store)
    }

    fn anyone() -> Principal {
        Principal {
            user_id: Uuid::new_v4(),
            email: "viewer@acme.test".into(),
            display_name: "Viewer".into(),
            tenant_id: Uuid::new_v4(),
            tenant_name: "Acme".into(),
            role: Role::Viewer,
            is_platform_admin: false,
            credential: Credential::ApiToken(Uuid::new_v4()),
        }
    }

    #[tokio::test]
    async fn the_port_filters_and_reads_the_store_once_per_ttl() {
        let (service, store) = service();
        let who = anyone();
        let by_category = CatalogFilter {
            category: Some(Category::Payments),
            ..CatalogFilter::default()
        };
        let found = service.list(&who, &by_category).await;
        let keys: Vec<String> = found.iter().flatten().map(|e| e.key.clone()).collect();
        assert_eq!(keys, ["stripe"]);
        let by_text = CatalogFilter {
            q: Some("word".into()),
            ..CatalogFilter::default()
        };
        let found = service.list(&who, &by_text).await;
        let keys: Vec<String> = found.iter().flatten().map(|e| e.key.clone()).collect();
        assert_eq!(keys, ["wordpress"]);
        assert!(matches!(
            service.get(&who, "nope").await,
            Err(AppError::NotFound(_))
        ));
        assert_eq!(
            service.cards(&who).await.map(|cards| cards.len()).ok(),
            Some(3)
        );
        assert_eq!(
            store.reads.load(Ordering::SeqCst),
            1,
            "served from the cache"
        );
    }
}
