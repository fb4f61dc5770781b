//! Shared test fixtures: databases on both backends and a real server on port 0.
#![allow(dead_code)] // each test crate uses a different part of this module

pub mod leaks;
pub mod oauth_provider;

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
    Some(postgres_schema().await?.0)
}

/// Like [`postgres_store`], with a `DATABASE_URL` that reaches the same schema from
/// another process (a server started as a child process).
pub async fn postgres_schema() -> Option<(Arc<dyn Store>, String)> {
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
    let store: Arc<dyn Store> = Arc::new(PostgresStore::from_pool(pool).await.expect("migrate"));
    let separator = if url.contains('?') { '&' } else { '?' };
    Some((
        store,
        format!("{url}{separator}options[search_path]={schema}"),
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
        // Off: a background test would race the tests' own. `health.rs` runs it.
        "--health-check-interval-secs",
        "0",
    ])
    .config
}

/// The master key ring of test servers (`CONNECTORS_MASTER_KEY` syntax).
pub fn test_master_key() -> String {
    use base64::Engine;
    format!(
        "test-key:{}",
        base64::engine::general_purpose::STANDARD.encode([7u8; 32])
    )
}

/// The vault of a test server, unlocked against `store` with [`test_master_key`].
pub async fn test_vault(store: &dyn Store) -> Arc<server::vault::Vault> {
    let ring = server::vault::KeyRing::parse(&secrecy::SecretString::from(test_master_key()))
        .expect("test key");
    Arc::new(server::vault::unlock(ring, store).await.expect("unlock"))
}

/// Which database a test server runs on.
#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A real server on a loopback port, stopped when dropped.
pub struct TestServer {
    pub base_url: String,
    /// The server's database, for another process to open.
    pub database_url: String,
    pub store: Arc<dyn Store>,
    /// The server's connector service, for what no HTTP endpoint offers yet.
    pub connectors: Arc<server::service::ConnectorService>,
    /// The server's OAuth service, for token uses no HTTP endpoint offers yet.
    pub oauth: Arc<server::service::OAuthService>,
    /// The server's vault, to seal test data the way the server does.
    pub vault: Arc<server::vault::Vault>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    _dir: Option<TempDir>,
    _turn: tokio::sync::OwnedMutexGuard<()>,
}

/// Test servers in one process run one at a time. Known issue: two of them rendering
/// pages concurrently (each test on its own thread) occasionally stall a request forever,
/// on SQLite as on PostgreSQL. Leptos keeps every reactive node of the process in one
/// global arena behind a lock (without its `sandboxed-arenas` feature), and upstream
/// reports lock-ordering deadlocks in SSR (leptos-rs/leptos#4673); until that is settled,
/// servers take turns.
static SERVER_TURN: std::sync::LazyLock<Arc<tokio::sync::Mutex<()>>> =
    std::sync::LazyLock::new(|| Arc::new(tokio::sync::Mutex::new(())));

impl TestServer {
    /// A seeded server on a fresh SQLite database, with no users yet.
    pub async fn start() -> TestServer {
        Self::start_on(Backend::Sqlite, |_| {})
            .await
            .expect("SQLite is always available")
    }

    /// A seeded server on a fresh database of the backend, configured by `tweak`; `None`
    /// when that backend is not available here (PostgreSQL outside CI).
    pub async fn start_on(backend: Backend, tweak: impl FnOnce(&mut Config)) -> Option<TestServer> {
        Self::start_with_clients(backend, tweak, Default::default()).await
    }

    /// Like [`TestServer::start_on`], with the platform's own OAuth clients.
    pub async fn start_with_clients(
        backend: Backend,
        tweak: impl FnOnce(&mut Config),
        platform_clients: server::service::connectors::PlatformClients,
    ) -> Option<TestServer> {
        let turn = SERVER_TURN.clone().lock_owned().await;
        let (store, dir, database_url) = match backend {
            Backend::Sqlite => {
                let (store, dir) = sqlite_store().await;
                let url = format!("sqlite://{}", dir.path().join("test.db").display());
                (store, Some(dir), url)
            }
            Backend::Postgres => {
                let (store, url) = postgres_schema().await?;
                (store, None, url)
            }
        };
        store.seed_catalog(&seed_entries()).await.expect("seed");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base_url = format!("http://{}", listener.local_addr().expect("addr"));
        let mut config = test_config("sqlite://unused");
        config.public_url = base_url.parse().expect("public URL");
        tweak(&mut config);
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let vault = test_vault(store.as_ref()).await;
        let state = server::AppState::with_platform_clients(
            config,
            store.clone(),
            vault.clone(),
            platform_clients,
        );
        let connectors = state.connectors.clone();
        let oauth = state.oauth.clone();
        tokio::spawn(async move {
            let shutdown = async move {
                let _ = rx.await;
            };
            server::serve(listener, state, shutdown)
                .await
                .expect("serve");
        });
        Some(TestServer {
            base_url,
            database_url,
            store,
            connectors,
            oauth,
            vault,
            shutdown: Some(tx),
            _dir: dir,
            _turn: turn,
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// A browser with no session yet.
    pub fn browser(&self) -> Browser {
        Browser {
            base_url: self.base_url.clone(),
            http: no_redirects(),
            cookie: None,
        }
    }

    /// Runs first-run setup and returns the owner's signed-in browser.
    pub async fn owner(&self) -> Browser {
        let mut browser = self.browser();
        let response = browser
            .call(
                "setup",
                &[
                    ("tenant_name", "Acme"),
                    ("display_name", "Ada Owner"),
                    ("email", OWNER_EMAIL),
                    ("password", OWNER_PASSWORD),
                ],
            )
            .await;
        assert_eq!(
            response.status(),
            200,
            "setup failed: {}",
            response.text().await.unwrap_or_default()
        );
        assert!(browser.cookie.is_some(), "setup set no session cookie");
        browser
    }
}

pub const OWNER_EMAIL: &str = "ada@acme.test";
pub const OWNER_PASSWORD: &str = "correct horse battery";

/// A client that does not follow redirects, and fails a request rather than wait forever.
fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(20))
        .build()
        .expect("client")
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// One browser: keeps its session cookie, sends this site as `Origin` on every call.
pub struct Browser {
    pub base_url: String,
    pub http: reqwest::Client,
    /// `chub_session=…`, as sent in the `Cookie` header.
    pub cookie: Option<String>,
}

impl Browser {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        let mut request = self.http.get(format!("{}{path}", self.base_url));
        if let Some(cookie) = &self.cookie {
            request = request.header("cookie", cookie);
        }
        request.send().await.expect("GET")
    }

    /// Calls a JSON-encoded server function (one whose arguments hold arbitrary JSON).
    pub async fn call_json(&self, function: &str, body: &serde_json::Value) -> reqwest::Response {
        let mut request = self
            .http
            .post(format!("{}/sfn/{function}", self.base_url))
            .header("origin", &self.base_url)
            .header("accept", "application/json")
            .json(body);
        if let Some(cookie) = &self.cookie {
            request = request.header("cookie", cookie);
        }
        request.send().await.expect("POST")
    }

    /// Calls a form-encoded server function without keeping cookies (read-only uses).
    pub async fn call_json_form(&self, function: &str, form: &[(&str, &str)]) -> reqwest::Response {
        let mut request = self
            .http
            .post(format!("{}/sfn/{function}", self.base_url))
            .header("origin", &self.base_url)
            .header("accept", "application/json")
            .form(form);
        if let Some(cookie) = &self.cookie {
            request = request.header("cookie", cookie);
        }
        request.send().await.expect("POST")
    }

    /// Calls a server function the way the hydrated app does, keeping any session cookie
    /// it sets (or clears).
    pub async fn call(&mut self, function: &str, form: &[(&str, &str)]) -> reqwest::Response {
        let mut request = self
            .http
            .post(format!("{}/sfn/{function}", self.base_url))
            .header("origin", &self.base_url)
            .header("accept", "application/json")
            .form(form);
        if let Some(cookie) = &self.cookie {
            request = request.header("cookie", cookie);
        }
        let response = request.send().await.expect("POST");
        for set_cookie in response.headers().get_all("set-cookie") {
            let value = set_cookie.to_str().expect("ascii cookie");
            let pair = value.split(';').next().unwrap_or_default().trim();
            if let Some(session) = pair.strip_prefix("chub_session=") {
                self.cookie = (!session.is_empty()).then(|| pair.to_owned());
            }
        }
        response
    }

    /// Signs in with email and password; panics unless it works.
    pub async fn sign_in(&mut self, email: &str, password: &str) {
        let response = self
            .call(
                "login",
                &[("email", email), ("password", password), ("next", "/")],
            )
            .await;
        assert_eq!(
            response.status(),
            200,
            "login failed: {}",
            response.text().await.unwrap_or_default()
        );
    }
}

/// Runs each named case of a `cases` module, `async fn(Arc<dyn Store>)`, on a fresh
/// SQLite store and, when available, on a fresh PostgreSQL schema.
#[allow(unused_macros)] // each test crate uses a different part of this module
macro_rules! store_suite {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $case() {
                    let (store, _dir) = crate::support::sqlite_store().await;
                    super::cases::$case(store).await;
                }
            )*
        }

        mod postgres {
            $(
                #[tokio::test]
                async fn $case() {
                    if let Some(store) = crate::support::postgres_store().await {
                        super::cases::$case(store).await;
                    }
                }
            )*
        }
    };
}

/// Runs each named case of a `cases` module, `async fn(Backend)`, on a server over
/// SQLite and, when available, one over PostgreSQL.
#[allow(unused_macros)] // each test crate uses a different part of this module
macro_rules! server_suite {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $case() {
                    super::cases::$case(super::support::Backend::Sqlite).await;
                }
            )*
        }

        mod postgres {
            $(
                #[tokio::test]
                async fn $case() {
                    super::cases::$case(super::support::Backend::Postgres).await;
                }
            )*
        }
    };
}

/// A loopback port nothing listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

/// `server serve` as a child process on `database_url`, listening on `port`, with the
/// shipped seeds, the test master key and `data_dir`; the caller adds what it needs.
pub fn server_command(
    database_url: &str,
    port: u16,
    data_dir: &std::path::Path,
) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_server"));
    command
        .arg("serve")
        .env("DATABASE_URL", database_url)
        .env("CONNECTORS_MASTER_KEY", test_master_key())
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("CONNECTORS_PUBLIC_URL", format!("http://127.0.0.1:{port}"))
        .env("CONNECTORS_SEEDS_DIR", seeds_dir())
        .env("CONNECTORS_DATA_DIR", data_dir);
    command
}

/// Reads a child's pipe to the end on a thread of its own, so that a full pipe never
/// blocks the child; join the handle for the text.
pub fn drain(mut pipe: impl std::io::Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = String::new();
        let _ = pipe.read_to_string(&mut text);
        text
    })
}

/// Tenant "Acme" with the owner ada@acme.test, made through the admin service; returns the
/// owner as the services see a signed-in request.
pub async fn acme_owner(store: &Arc<dyn Store>) -> app::model::identity::Principal {
    use app::model::identity::{Credential, Password, Role};
    let admin = server::service::admin::AdminService::new(store.clone());
    let tenant = admin.add_tenant("Acme").await.expect("tenant");
    let user = admin
        .add_user(
            "ada@acme.test",
            "Ada",
            "Acme",
            Role::Owner,
            Password("a long password 1".into()),
        )
        .await
        .expect("user");
    principal(
        user,
        tenant,
        Role::Owner,
        Credential::ApiToken(uuid::Uuid::nil()),
    )
}

/// `user` in `tenant` with `role`, as the services see a signed-in request.
pub fn principal(
    user: server::store::UserRecord,
    tenant: server::store::TenantRecord,
    role: app::model::identity::Role,
    credential: app::model::identity::Credential,
) -> app::model::identity::Principal {
    app::model::identity::Principal {
        user_id: user.id,
        email: user.email,
        display_name: user.display_name,
        tenant_id: tenant.id,
        tenant_name: tenant.name,
        role,
        is_platform_admin: user.is_platform_admin,
        credential,
    }
}

/// Sets a config field of a stored instance behind the service's back, as data saved
/// before a validation rule existed would hold it; for tests of what the server does when
/// it meets such data (the send-time rules).
pub async fn store_legacy_config(store: &Arc<dyn Store>, id: &str, field: &str, value: &str) {
    let id: uuid::Uuid = id.parse().expect("an instance id");
    let tenant = store
        .tenant_by_name("Acme")
        .await
        .expect("tenant lookup")
        .expect("the Acme tenant");
    let mut record = store
        .connector(tenant.id, id)
        .await
        .expect("read")
        .expect("the instance");
    record.config[field] = serde_json::Value::String(value.to_owned());
    let saved = store
        .update_connector(&record, server::store::CredentialChange::Keep, &[])
        .await
        .expect("write");
    assert!(saved, "the instance was not saved");
}

/// A host name that does not exist and is never looked up on the network: under `.invalid`
/// (RFC 6761), with a 64-character label, which the resolver refuses before building a
/// query. For tests of what is refused before anything is sent.
pub const NOWHERE: &str =
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.invalid";
