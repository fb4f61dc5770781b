//! Shared test fixtures: databases on both backends and a real server on port 0.
#![allow(dead_code)] // each test crate uses a different part of this module

use std::path::PathBuf;
use std::sync::Arc;

use clap::Parser;
use server::config::Config;
use server::store::{NewCatalogEntry, PostgresStore, Store};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use tempfile::TempDir;

pub fn seeds_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../seeds/connectors")
}

/// The shipped connector definitions, validated.
pub fn seed_entries() -> Vec<NewCatalogEntry> {
    server::seed::load_dir(&seeds_dir()).unwrap_or_else(|e| panic!("{e}"))
}

/// A store on a fresh SQLite file; keep the `TempDir` alive as long as the store.
pub async fn sqlite_store() -> (Arc<dyn Store>, TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("test.db").display());
    let store = server::store::connect(&url).await.expect("sqlite store");
    (store, dir)
}

/// A store in a fresh schema of the PostgreSQL database at `TEST_DATABASE_URL`.
///
/// Without that variable the PostgreSQL half of a suite is skipped locally, but it is an
/// error under CI (`CI` set), where `make test` must exercise both backends.
pub async fn postgres_store() -> Option<Arc<dyn Store>> {
    let Ok(url) = std::env::var("TEST_DATABASE_URL") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "TEST_DATABASE_URL must be set under CI"
        );
        eprintln!("TEST_DATABASE_URL not set: skipping the PostgreSQL run");
        return None;
    };
    let schema = format!("test_{}", uuid::Uuid::new_v4().simple());
    let base: PgConnectOptions = url.parse().expect("TEST_DATABASE_URL");
    let admin = PgPoolOptions::new()
        .max_connections(1)
        .connect_with(base.clone())
        .await
        .expect("connect to PostgreSQL");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&admin)
        .await
        .expect("create schema");
    admin.close().await;
    let pool = PgPoolOptions::new()
        .max_connections(8)
        .connect_with(base.options([("search_path", schema.as_str())]))
        .await
        .expect("connect to test schema");
    Some(Arc::new(
        PostgresStore::from_pool(pool).await.expect("migrate"),
    ))
}

/// Configuration for a test server: defaults, with the database URL given.
pub fn test_config(database_url: &str) -> Config {
    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        config: Config,
    }
    Cli::parse_from([
        "server",
        "--database-url",
        database_url,
        "--site-addr",
        "127.0.0.1:0",
    ])
    .config
}

/// A real server on a loopback port, stopped when dropped.
pub struct TestServer {
    pub base_url: String,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    _dir: Option<TempDir>,
}

impl TestServer {
    /// A seeded server on a fresh SQLite database.
    pub async fn start() -> TestServer {
        let (store, dir) = sqlite_store().await;
        store.seed_catalog(&seed_entries()).await.expect("seed");
        let mut server = Self::start_with(store, test_config("sqlite://unused")).await;
        server._dir = Some(dir);
        server
    }

    pub async fn start_with(store: Arc<dyn Store>, config: Config) -> TestServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let state = server::AppState::new(config, store);
        tokio::spawn(async move {
            let shutdown = async move {
                let _ = rx.await;
            };
            server::serve(listener, state, shutdown)
                .await
                .expect("serve");
        });
        TestServer {
            base_url: format!("http://{addr}"),
            shutdown: Some(tx),
            _dir: None,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
