//! PostgreSQL, for production and several replicas. One file per capability; each reads
//! side by side with its SQLite twin in `../sqlite/`, and differs from it only where the
//! dialects do (ids are read back `::text`, advisory locks, `SKIP LOCKED`).

use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions};
use uuid::Uuid;

use super::StoreError;
use super::credential_lock::LocalLocks;
use super::names::{self, name_key};

/// The columns of `credentials`, read by three capabilities (ids cast to text, as the
/// shared row types read them).
macro_rules! credential_select {
    () => {
        "SELECT id::text AS id, tenant_id::text AS tenant_id, connector_id::text AS connector_id, key_id, nonce, \
         ciphertext, masked, expires_at, refreshed_at, created_at, updated_at, created_by::text AS created_by, \
         updated_by::text AS updated_by FROM credentials"
    };
}

/// A transaction on this backend, under one name in both backends' files.
type Tx<'c> = sqlx::Transaction<'c, sqlx::Postgres>;

mod catalog;
mod connection_tests;
mod connectors;
mod identity;
mod oauth;
mod sessions;
mod vault_keys;

pub struct PostgresStore {
    pool: PgPool,
    locks: LocalLocks,
}

impl PostgresStore {
    /// Connects and applies the PostgreSQL migrations.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(5))
            .connect(url)
            .await?;
        Self::from_pool(pool).await
    }

    /// Uses an existing pool (tests point it at their own schema) and migrates it.
    pub async fn from_pool(pool: PgPool) -> Result<Self, StoreError> {
        sqlx::migrate!("../migrations/postgres").run(&pool).await?;
        backfill_name_keys(&pool).await?;
        Ok(PostgresStore {
            pool,
            locks: LocalLocks::default(),
        })
    }
}

/// A UUID as PostgreSQL stores it: its own `uuid` type, so the value itself. (SQLite's
/// twin turns it into text; with the helper on both sides, the queries read alike.)
fn uuid_arg(id: Uuid) -> Uuid {
    id
}

fn opt_uuid_arg(id: Option<Uuid>) -> Option<Uuid> {
    id
}

/// Gives rows from before the `name_key` column their key (see `names`), oldest first.
async fn backfill_name_keys(pool: &PgPool) -> Result<(), StoreError> {
    const TABLES: [(&str, &str, &str); 2] = [
        (
            "connectors",
            "SELECT id, name FROM connectors WHERE name_key IS NULL ORDER BY created_at, id",
            "UPDATE connectors SET name_key = $1 WHERE id = $2",
        ),
        (
            "tenants",
            "SELECT id, name FROM tenants WHERE name_key IS NULL ORDER BY created_at, id",
            "UPDATE tenants SET name_key = $1 WHERE id = $2",
        ),
    ];
    for (table, select, update) in TABLES {
        let rows: Vec<(Uuid, String)> = sqlx::query_as(select).fetch_all(pool).await?;
        for (id, name) in rows {
            let key = name_key(&name);
            match sqlx::query(update).bind(&key).bind(id).execute(pool).await {
                Err(sqlx::Error::Database(error)) if error.is_unique_violation() => {
                    let id_text = id.to_string();
                    names::warn_clash(table, &id_text);
                    sqlx::query(update)
                        .bind(names::clashing_key(&key, &id_text))
                        .bind(id)
                        .execute(pool)
                        .await?;
                }
                done => {
                    done?;
                }
            }
        }
    }
    Ok(())
}
