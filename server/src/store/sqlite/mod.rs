//! The embedded default: a SQLite file (WAL mode) under `data/`. One file per capability;
//! each reads side by side with its PostgreSQL twin in `../postgres/`, and differs from
//! it only where the dialects do.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use uuid::Uuid;

use super::credential_lock::LocalLocks;
use super::names::{self, name_key};
use super::{StorageFault, StoreError};

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
    /// The database file, whose filesystem `/healthz` checks for space.
    file: PathBuf,
    locks: LocalLocks,
}

impl SqliteStore {
    /// Opens (creating if needed) the database file and applies the SQLite migrations. A
    /// failure caused by the filesystem (read-only, full) says so.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)?;
        let file = options.get_filename().to_path_buf();
        SqliteStore::open(options)
            .await
            .map_err(|error| match filesystem_fault(&file) {
                Some(StoreError::Unavailable { fault, detail }) => StoreError::Unavailable {
                    fault,
                    detail: format!("{detail} ({error})"),
                },
                _ => error,
            })
    }

    async fn open(options: SqliteConnectOptions) -> Result<Self, StoreError> {
        let options = options
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // The usual pairing with WAL: commits survive a crash of the process (kill -9
            // included) without an fsync each; a power cut may undo the last ones, never
            // corrupt the file. With FULL, 200 creates at once had p99 121–158 ms
            // (docs/decisions.md).
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true);
        let file = options.get_filename().to_path_buf();
        if let Some(parent) = options
            .get_filename()
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
        {
            std::fs::create_dir_all(parent).map_err(|e| StoreError::Unavailable {
                fault: StorageFault::of_io(&e),
                detail: format!("cannot create {}: {e}", parent.display()),
            })?;
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(5))
            .after_release(|connection, _| Box::pin(outside_any_transaction(connection)))
            .connect_with(options)
            .await?;
        sqlx::migrate!("../migrations/sqlite").run(&pool).await?;
        backfill_name_keys(&pool).await?;
        Ok(SqliteStore {
            pool,
            file,
            locks: LocalLocks::default(),
        })
    }
}

/// Below this much free space where the database file lives, the disk counts as full: a
/// write that fits in pages SQLite already holds (its write-ahead log is reused after each
/// checkpoint) can still land there while any write that needs a new page fails.
const LOW_SPACE_BYTES: u64 = 1024 * 1024;

impl SqliteStore {
    /// `/healthz`'s first question: is the filesystem under the file writable with room.
    fn refuse_when_the_disk_is_full(&self) -> Result<(), StoreError> {
        match filesystem_fault(&self.file) {
            Some(unavailable) => Err(unavailable),
            None => Ok(()),
        }
    }
}

/// What is wrong with the filesystem under the database `file`, if something is: it is
/// mounted read-only, or it is (nearly) full. SQLite's own words for these are often "unable
/// to open database file" or "disk I/O error", which name neither.
fn filesystem_fault(file: &Path) -> Option<StoreError> {
    let directory = match file.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    // An in-memory database (tests) has no file and no directory of its own.
    let stats = rustix::fs::statvfs(directory).ok()?;
    if stats.f_flag.contains(rustix::fs::StatVfsMountFlags::RDONLY) {
        return Some(StoreError::Unavailable {
            fault: StorageFault::ReadOnly,
            detail: format!(
                "the filesystem under {} is mounted read-only",
                directory.display()
            ),
        });
    }
    let free = stats.f_bavail.saturating_mul(stats.f_frsize);
    (free < LOW_SPACE_BYTES).then(|| StoreError::Unavailable {
        fault: StorageFault::DiskFull,
        detail: format!("{free} bytes free under {}", directory.display()),
    })
}

/// Whether a connection going back to the pool can be reused: only when it is provably
/// outside any transaction. Otherwise it is closed (which rolls back what it held).
///
/// Why: after a write fails with SQLITE_FULL or an I/O error, SQLite may roll the whole
/// transaction back by itself. sqlx does not see that: its `ROLLBACK` on drop then fails,
/// its transaction depth stays at 1, and its next `begin` issues a `SAVEPOINT`, whose
/// `ROLLBACK TO` on a later failure leaves a transaction open. The connection then held the
/// write lock for good (every other writer waited 5 s and failed) and every later write on
/// it was answered as done but never committed. sqlx's bookkeeping cannot be trusted after
/// such an error, so this asks SQLite itself: a `ROLLBACK` outside a transaction fails
/// with "no transaction is active"; if it succeeds, a transaction was open.
///
/// It runs as the connection is released, off the request's path; a write was already
/// answered only after its own commit returned (sqlx reports a failed `COMMIT`).
async fn outside_any_transaction(
    connection: &mut sqlx::SqliteConnection,
) -> Result<bool, sqlx::Error> {
    use sqlx::Connection;
    // Through the connection's queue, so a rollback queued by a dropped transaction has
    // run first.
    match sqlx::raw_sql("ROLLBACK").execute(&mut *connection).await {
        Err(sqlx::Error::Database(error))
            if error.message().contains("no transaction is active") =>
        {
            if connection.is_in_transaction() {
                tracing::warn!(
                    "a database connection believed it was in a transaction it was not in: closed"
                );
                return Ok(false);
            }
            Ok(true)
        }
        Ok(_) => {
            tracing::warn!(
                "a database connection held a transaction it did not know of: rolled back and closed"
            );
            Ok(false)
        }
        Err(error) => {
            tracing::warn!(%error, "a database connection could not be checked: closed");
            Ok(false)
        }
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
