//! The connector catalog: the types an instance can be made from. Written only by the
//! seeder; read by everyone.

use app::model::{AuthType, Category, ConnectorType, OAuthSettings};
use async_trait::async_trait;
use serde_json::Value;

use super::StoreError;

/// A connector type as written by the seeder (the catalog is read-only at runtime).
#[derive(Clone, Debug, PartialEq)]
pub struct NewCatalogEntry {
    pub key: String,
    pub name: String,
    pub description: String,
    pub category: Category,
    pub icon: String,
    pub auth_type: AuthType,
    pub capabilities: serde_json::Map<String, Value>,
    pub config_schema: Value,
    pub auth_schema: Value,
    pub oauth: Option<OAuthSettings>,
    pub test: Value,
    pub docs_url: String,
    pub version: i64,
}

impl NewCatalogEntry {
    /// Whether the stored type already says exactly what this entry says; the seeder
    /// leaves such rows untouched so that seeding twice changes nothing.
    pub fn same_content_as(&self, stored: &ConnectorType) -> bool {
        self.key == stored.key
            && self.name == stored.name
            && self.description == stored.description
            && self.category == stored.category
            && self.icon == stored.icon
            && self.auth_type == stored.auth_type
            && self.capabilities == stored.capabilities
            && self.config_schema == stored.config_schema
            && self.auth_schema == stored.auth_schema
            && self.oauth == stored.oauth
            && self.test == stored.test
            && self.docs_url == stored.docs_url
            && self.version == stored.version
    }
}

/// What one seeding run did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub inserted: Vec<String>,
    pub updated: Vec<String>,
    pub unchanged: Vec<String>,
}

#[async_trait]
pub trait CatalogStore: Send + Sync {
    /// A small write that must land, for `/healthz`: the database answers *and* accepts
    /// writes (a full disk or a read-only filesystem still answers reads). It lives here
    /// only because every caller of the store can reach the catalog; it needs no
    /// capability of its own.
    async fn write_health(&self) -> Result<(), StoreError>;

    /// Every connector type, ordered by name (case-insensitively), then key.
    async fn list_catalog(&self) -> Result<Vec<ConnectorType>, StoreError>;

    async fn catalog_by_key(&self, key: &str) -> Result<Option<ConnectorType>, StoreError>;

    /// Upserts `entries` by key in one transaction: all or nothing. Rows whose content is
    /// unchanged are not written. Types missing from `entries` are kept (instances may
    /// still use them).
    async fn seed_catalog(&self, entries: &[NewCatalogEntry]) -> Result<SeedReport, StoreError>;
}

/// The seeding decision, shared by both backends: the entries to write (new or changed)
/// and the report of what that does. Unchanged entries are not written at all.
pub(crate) fn plan_seed<'a>(
    entries: &'a [NewCatalogEntry],
    stored: &[ConnectorType],
) -> (Vec<&'a NewCatalogEntry>, SeedReport) {
    let mut writes = Vec::new();
    let mut report = SeedReport::default();
    for entry in entries {
        match stored.iter().find(|row| row.key == entry.key) {
            None => report.inserted.push(entry.key.clone()),
            Some(row) if entry.same_content_as(row) => {
                report.unchanged.push(entry.key.clone());
                continue;
            }
            Some(_) => report.updated.push(entry.key.clone()),
        }
        writes.push(entry);
    }
    (writes, report)
}
