//! [`CatalogStore`](crate::store::CatalogStore) on SQLite: the connector catalog and its
//! seeding.

use app::model::ConnectorType;
use async_trait::async_trait;
use sqlx::types::Json;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{SqliteStore, Tx, uuid_arg};
use crate::store::catalog::plan_seed;
use crate::store::rows::{CatalogRow, oauth_json};
use crate::store::{CatalogStore, NewCatalogEntry, SeedReport, StoreError};

macro_rules! catalog_select {
    () => {
        "SELECT id, key, name, description, category, icon, auth_type, \
         capabilities, config_schema, auth_schema, oauth, test, docs_url, version, created_at, updated_at \
         FROM connector_catalog"
    };
}

#[async_trait]
impl CatalogStore for SqliteStore {
    async fn write_health(&self) -> Result<(), StoreError> {
        self.refuse_when_the_disk_is_full()?;
        sqlx::query(
            "INSERT INTO health_writes (id, written_at) VALUES (1, $1) \
             ON CONFLICT (id) DO UPDATE SET written_at = excluded.written_at",
        )
        .bind(time::OffsetDateTime::now_utc().unix_timestamp())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn list_catalog(&self) -> Result<Vec<ConnectorType>, StoreError> {
        let rows: Vec<CatalogRow> =
            sqlx::query_as(concat!(catalog_select!(), " ORDER BY lower(name), key"))
                .fetch_all(&self.pool)
                .await?;
        rows.into_iter().map(ConnectorType::try_from).collect()
    }

    async fn catalog_by_key(&self, key: &str) -> Result<Option<ConnectorType>, StoreError> {
        let row: Option<CatalogRow> = sqlx::query_as(concat!(catalog_select!(), " WHERE key = $1"))
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        row.map(ConnectorType::try_from).transpose()
    }

    async fn seed_catalog(&self, entries: &[NewCatalogEntry]) -> Result<SeedReport, StoreError> {
        // IMMEDIATE takes the write lock up front, so two seeders serialise instead of
        // failing half-way with SQLITE_BUSY.
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let rows: Vec<CatalogRow> = sqlx::query_as(catalog_select!())
            .fetch_all(&mut *tx)
            .await?;
        let stored = rows
            .into_iter()
            .map(ConnectorType::try_from)
            .collect::<Result<Vec<_>, _>>()?;
        let (writes, report) = plan_seed(entries, &stored);
        let now = OffsetDateTime::now_utc();
        for entry in writes {
            upsert(&mut tx, entry, now).await?;
        }
        tx.commit().await?;
        Ok(report)
    }
}

/// Inserts the entry, or updates the row with its key; id and created_at stay.
async fn upsert(
    tx: &mut Tx<'_>,
    entry: &NewCatalogEntry,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO connector_catalog (id, key, name, description, category, icon, auth_type, \
         capabilities, config_schema, auth_schema, oauth, test, docs_url, version, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15) \
         ON CONFLICT (key) DO UPDATE SET name = excluded.name, description = excluded.description, \
         category = excluded.category, icon = excluded.icon, auth_type = excluded.auth_type, \
         capabilities = excluded.capabilities, config_schema = excluded.config_schema, \
         auth_schema = excluded.auth_schema, oauth = excluded.oauth, test = excluded.test, \
         docs_url = excluded.docs_url, version = excluded.version, updated_at = excluded.updated_at",
    )
    .bind(uuid_arg(Uuid::new_v4()))
    .bind(&entry.key)
    .bind(&entry.name)
    .bind(&entry.description)
    .bind(entry.category.slug())
    .bind(&entry.icon)
    .bind(entry.auth_type.as_str())
    .bind(Json(&entry.capabilities))
    .bind(Json(&entry.config_schema))
    .bind(Json(&entry.auth_schema))
    .bind(oauth_json(&entry.oauth))
    .bind(Json(&entry.test))
    .bind(&entry.docs_url)
    .bind(entry.version)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
