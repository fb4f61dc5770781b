//! The embedded default: a SQLite file (WAL mode) under `data/`. One file per capability;
//! each reads side by side with its PostgreSQL twin in `../postgres/`, and differs from
//! it only where the dialects do.

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use uuid::Uuid;

use super::StoreError;
use super::credential_lock::LocalLocks;
use super::names::{self, name_key};

/// The columns of `credentials`, read by three capabilities (ids are text in SQLite).
macro_rules! credential_select {
    () => {
        "SELECT id, tenant_id, connector_id, key_id, nonce, ciphertext, masked, expires_at, refreshed_at, \
         created_at, updated_at, created_by, updated_by FROM credentials"
    };
}

/// A transaction on this backend, under one name in both backends' files.
type Tx<'c> = sqlx::Transaction<'c, sqlx::Sqlite>;

mod catalog;
mod connection_tests;
mod connectors;
mod identity;
mod oauth;
mod sessions;
mod vault_keys;

pub struct SqliteStore {
    pool: SqlitePool,
    locks: LocalLocks,
}

impl SqliteStore {
    /// Opens (creating if needed) the database file and applies the SQLite migrations.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // The usual pairing with WAL: commits survive a crash of the process (kill -9
            // included) without an fsync each; a power cut may undo the last ones, never
            // corrupt the file. With FULL, 200 creates at once had p99 121–158 ms
            // (docs/decisions.md).
            .synchronous(SqliteSynchronous::Normal)
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
        backfill_name_keys(&pool).await?;
        Ok(SqliteStore {
            pool,
            locks: LocalLocks::default(),
        })
    }
}

/// A UUID as SQLite stores it: hyphenated text. (PostgreSQL's twin binds the UUID itself;
/// with the helper on both sides, the queries of the two backends read alike.)
fn uuid_arg(id: Uuid) -> String {
    id.hyphenated().to_string()
}

fn opt_uuid_arg(id: Option<Uuid>) -> Option<String> {
    id.map(uuid_arg)
}

/// Gives rows from before the `name_key` column their key (see `names`), oldest first.
async fn backfill_name_keys(pool: &SqlitePool) -> Result<(), StoreError> {
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
        let rows: Vec<(String, String)> = sqlx::query_as(select).fetch_all(pool).await?;
        for (id, name) in rows {
            let key = name_key(&name);
            match sqlx::query(update).bind(&key).bind(&id).execute(pool).await {
                Err(sqlx::Error::Database(error)) if error.is_unique_violation() => {
                    names::warn_clash(table, &id);
                    sqlx::query(update)
                        .bind(names::clashing_key(&key, &id))
                        .bind(&id)
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
