//! Why the database cannot serve right now, told apart from a fault in our code.
//!
//! Every database error passes through [`StorageFault::of`] once (in
//! `From<sqlx::Error> for StoreError`), on both backends. A fault of the machine around the
//! database (a full disk, a read-only filesystem, a server shutting down, a connection that
//! broke) becomes a 503 whose message names the cause, so that whoever runs the server
//! knows what to fix and a client knows that retrying may help. Anything else stays an
//! internal error (500), logged in full.

use sqlx::error::DatabaseError;
use sqlx::postgres::PgDatabaseError;
use sqlx::sqlite::SqliteError;

/// A cause of unavailability, as a person can act on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StorageFault {
    /// No space left where the database writes.
    DiskFull,
    /// The database, or the filesystem under it, refuses writes.
    ReadOnly,
    /// The database server is shutting down or starting up (PostgreSQL 57P01–57P03).
    ShuttingDown,
    /// Another writer held the database for longer than we wait (SQLite's busy timeout),
    /// or the database ran out of a resource other than disk.
    Busy,
    /// Reading or writing the database's files failed (SQLite I/O error).
    Io,
    /// No connection: refused, broken, timed out, or too many files open.
    Unreachable,
}

impl StorageFault {
    /// The fault behind `error`, or `None` when the error is not about availability (a
    /// constraint, a bad query, a corrupt row: our fault, a 500).
    pub fn of(error: &sqlx::Error) -> Option<StorageFault> {
        match error {
            sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed
            | sqlx::Error::Protocol(_)
            | sqlx::Error::Tls(_) => Some(StorageFault::Unreachable),
            sqlx::Error::Io(io) => Some(StorageFault::of_io(io)),
            sqlx::Error::Database(database) => StorageFault::of_database(database.as_ref()),
            _ => None,
        }
    }

    /// The fault behind a failed file operation (creating the database's directory).
    pub fn of_io(error: &std::io::Error) -> StorageFault {
        match error.kind() {
            std::io::ErrorKind::StorageFull => StorageFault::DiskFull,
            std::io::ErrorKind::ReadOnlyFilesystem => StorageFault::ReadOnly,
            _ => StorageFault::Unreachable,
        }
    }

    fn of_database(error: &dyn DatabaseError) -> Option<StorageFault> {
        if let Some(sqlite) = error.try_downcast_ref::<SqliteError>() {
            // Extended result codes carry the primary code in their low byte.
            let primary = sqlite
                .code()
                .and_then(|code| code.parse::<i32>().ok())
                .map(|code| code & 0xff)?;
            return match primary {
                SQLITE_FULL => Some(StorageFault::DiskFull),
                SQLITE_READONLY => Some(StorageFault::ReadOnly),
                SQLITE_BUSY | SQLITE_LOCKED => Some(StorageFault::Busy),
                SQLITE_IOERR => Some(StorageFault::Io),
                SQLITE_CANTOPEN => Some(StorageFault::Unreachable),
                _ => None,
            };
        }
        if let Some(postgres) = error.try_downcast_ref::<PgDatabaseError>() {
            let code = postgres.code();
            return match code {
                "53100" => Some(StorageFault::DiskFull),
                "25006" => Some(StorageFault::ReadOnly),
                "57P01" | "57P02" | "57P03" => Some(StorageFault::ShuttingDown),
                _ if code.starts_with("08") => Some(StorageFault::Unreachable),
                _ if code.starts_with("53") => Some(StorageFault::Busy),
                _ => None,
            };
        }
        None
    }

    /// What a person reading the refusal is told: the cause, and that nothing was saved.
    pub fn message(self) -> &'static str {
        match self {
            StorageFault::DiskFull => {
                "The database's disk is full, so this was not saved. Try again once space has been freed."
            }
            StorageFault::ReadOnly => {
                "The database is read-only right now, so this was not saved. Try again once it accepts writes."
            }
            StorageFault::ShuttingDown => {
                "The database is restarting or shutting down. Try again in a moment."
            }
            StorageFault::Busy => "The database is busy. Try again in a moment.",
            StorageFault::Io => {
                "The database's files could not be read or written. Try again in a moment; if it persists, check the disk."
            }
            StorageFault::Unreachable => {
                "The database cannot be reached right now. Try again in a moment."
            }
        }
    }

    /// A short name for logs and `/healthz`.
    pub fn label(self) -> &'static str {
        match self {
            StorageFault::DiskFull => "disk full",
            StorageFault::ReadOnly => "read-only",
            StorageFault::ShuttingDown => "database shutting down",
            StorageFault::Busy => "database busy",
            StorageFault::Io => "disk I/O error",
            StorageFault::Unreachable => "database unavailable",
        }
    }
}

impl std::fmt::Display for StorageFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

// SQLite's primary result codes (https://www.sqlite.org/rescode.html).
const SQLITE_BUSY: i32 = 5;
const SQLITE_LOCKED: i32 = 6;
const SQLITE_READONLY: i32 = 8;
const SQLITE_IOERR: i32 = 10;
const SQLITE_FULL: i32 = 13;
const SQLITE_CANTOPEN: i32 = 14;

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use sqlx::ConnectOptions;
    use sqlx::sqlite::SqliteConnectOptions;

    use super::*;

    /// SQLite's own errors, produced for real: a database over its page limit refuses to
    /// grow (SQLITE_FULL, as on a full disk), and a read-only one refuses writes.
    #[tokio::test]
    async fn sqlite_errors_name_their_cause() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fault.db");
        let options = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))
            .unwrap()
            .create_if_missing(true);
        let mut writer = options.connect().await.unwrap();
        sqlx::raw_sql("CREATE TABLE t (x BLOB); PRAGMA max_page_count = 3;")
            .execute(&mut writer)
            .await
            .unwrap();
        let full = sqlx::query("INSERT INTO t VALUES (zeroblob(100000))")
            .execute(&mut writer)
            .await
            .unwrap_err();
        assert_eq!(
            StorageFault::of(&full),
            Some(StorageFault::DiskFull),
            "{full}"
        );

        let mut reader = options.read_only(true).connect().await.unwrap();
        let read_only = sqlx::query("INSERT INTO t VALUES (1)")
            .execute(&mut reader)
            .await
            .unwrap_err();
        assert_eq!(
            StorageFault::of(&read_only),
            Some(StorageFault::ReadOnly),
            "{read_only}"
        );

        let mistake = sqlx::query("SELECT nope FROM t")
            .execute(&mut writer)
            .await
            .unwrap_err();
        assert_eq!(StorageFault::of(&mistake), None, "our own mistake is a 500");
    }

    #[test]
    fn every_message_names_a_cause_and_no_internals() {
        for fault in [
            StorageFault::DiskFull,
            StorageFault::ReadOnly,
            StorageFault::ShuttingDown,
            StorageFault::Busy,
            StorageFault::Io,
            StorageFault::Unreachable,
        ] {
            let message = fault.message();
            assert!(
                message.ends_with('.') && !message.contains("sqlx"),
                "{message}"
            );
        }
        assert!(StorageFault::DiskFull.message().contains("disk is full"));
        assert!(StorageFault::ReadOnly.message().contains("read-only"));
    }
}
