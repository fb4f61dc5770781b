//! The embedded default: a SQLite file (WAL mode) under `data/`.

use std::str::FromStr;
use std::time::Duration;

use app::model::ConnectorType;
use async_trait::async_trait;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};
use sqlx::types::Json;
use sqlx::{Sqlite, Transaction};
use time::OffsetDateTime;
use uuid::Uuid;

use super::rows::{CatalogRow, oauth_json};
use super::{NewCatalogEntry, SeedReport, Store, StoreError, plan_seed};

macro_rules! catalog_select {
    () => {
        "SELECT id, key, name, description, category, icon, auth_type, \
         capabilities, config_schema, auth_schema, oauth, test, docs_url, version, created_at, updated_at \
         FROM connector_catalog"
    };
}

pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if needed) the database file and applies the SQLite migrations.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true);
        if let Some(parent) = options
            .get_filename()
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
        {
            std::fs::create_dir_all(parent).map_err(|e| {
                StoreError::Unavailable(format!("cannot create {}: {e}", parent.display()))
            })?;
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options)
            .await?;
        sqlx::migrate!("../migrations/sqlite").run(&pool).await?;
        Ok(SqliteStore { pool })
    }

    /// Inserts the entry, or updates the row with its key; id and created_at stay.
    async fn upsert(
        tx: &mut Transaction<'_, Sqlite>,
        entry: &NewCatalogEntry,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO connector_catalog (id, key, name, description, category, icon, auth_type, \
             capabilities, config_schema, auth_schema, oauth, test, docs_url, version, created_at, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
             ON CONFLICT (key) DO UPDATE SET name = excluded.name, description = excluded.description, \
             category = excluded.category, icon = excluded.icon, auth_type = excluded.auth_type, \
             capabilities = excluded.capabilities, config_schema = excluded.config_schema, \
             auth_schema = excluded.auth_schema, oauth = excluded.oauth, test = excluded.test, \
             docs_url = excluded.docs_url, version = excluded.version, updated_at = excluded.updated_at",
        )
        .bind(Uuid::new_v4().hyphenated().to_string())
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
        .bind(now)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }
}

#[async_trait]
impl Store for SqliteStore {
    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
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
        let row: Option<CatalogRow> = sqlx::query_as(concat!(catalog_select!(), " WHERE key = ?"))
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
            Self::upsert(&mut tx, entry, now).await?;
        }
        tx.commit().await?;
        Ok(report)
    }
}
