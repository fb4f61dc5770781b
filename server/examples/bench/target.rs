//! What the benchmark loads: the release server (a child process on a fresh database) and
//! the ceiling server (this binary again, serving the catalog JSON from memory).

use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use bytes::Bytes;
use serde_json::Value;

use super::repo_root;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        }
    }

    /// A `DATABASE_URL` with nothing in it yet: a new SQLite file, or a new schema of the
    /// database at `TEST_DATABASE_URL` (`None` without that variable).
    pub async fn fresh_database(self) -> Option<String> {
        match self {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().unwrap().keep();
                Some(format!("sqlite://{}", dir.join("bench.db").display()))
            }
            Backend::Postgres => {
                let url = std::env::var("TEST_DATABASE_URL").ok()?;
                let schema = format!("bench_{}", uuid::Uuid::new_v4().simple());
                let pool = sqlx::PgPool::connect(&url).await.ok()?;
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
                    .execute(&pool)
                    .await
                    .ok()?;
                pool.close().await;
                let separator = if url.contains('?') { '&' } else { '?' };
                Some(format!("{url}{separator}options[search_path]={schema}"))
            }
        }
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn server_binary() -> std::path::PathBuf {
    if let Ok(path) = std::env::var("SERVER_BIN") {
        return path.into();
    }
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| repo_root().join("target"));
    target.join("release/server")
}

async fn wait_healthy(addr: SocketAddr, within: Duration) -> Option<Duration> {
    let started = Instant::now();
    let http = reqwest::Client::new();
    while started.elapsed() < within {
        let ok = http
            .get(format!("http://{addr}/healthz"))
            .timeout(Duration::from_millis(500))
            .send()
            .await
            .is_ok_and(|response| response.status().is_success());
        if ok {
            return Some(started.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    None
}

/// The release server, started on a database.
pub struct Running {
    child: Child,
    pub addr: SocketAddr,
    /// From spawning the process to the first successful `/healthz`.
    pub started_in: Duration,
}

impl Running {
    pub async fn start(database_url: &str) -> Running {
        let addr: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
        let data = tempfile::tempdir().unwrap().keep();
        let spawned = Instant::now();
        let child = Command::new(server_binary())
            .arg("serve")
            .env("DATABASE_URL", database_url)
            .env("LEPTOS_SITE_ADDR", addr.to_string())
            .env("LEPTOS_SITE_ROOT", repo_root().join("target/site"))
            .env("CONNECTORS_PUBLIC_URL", format!("http://{addr}"))
            .env("CONNECTORS_SEEDS_DIR", repo_root().join("seeds/connectors"))
            .env("CONNECTORS_DATA_DIR", &data)
            .env(
                "CONNECTORS_MASTER_KEY",
                "bench:BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=",
            )
            .env("CONNECTORS_HEALTH_CHECK_INTERVAL_SECS", "0")
            .env("RUST_LOG", "error")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|error| {
                panic!(
                    "{}: {error}; run `make build` first",
                    server_binary().display()
                )
            });
        let waited = wait_healthy(addr, Duration::from_secs(30)).await;
        let started_in = waited
            .map(|_| spawned.elapsed())
            .expect("the server did not start");
        Running {
            child,
            addr,
            started_in,
        }
    }

    /// Resident set size of the server process, in MiB.
    pub fn rss_mib(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|value| {
                value
                    .trim()
                    .trim_end_matches("kB")
                    .trim()
                    .parse::<f64>()
                    .ok()
            })
            .map_or(f64::NAN, |kib| kib / 1024.0)
    }

    /// First-run setup (an owner signed in) and an API token for the load.
    pub async fn provision(&self) -> Session {
        let base = format!("http://{}", self.addr);
        let http = reqwest::Client::new();
        let setup = http
            .post(format!("{base}/sfn/setup"))
            .header("origin", &base)
            .header("accept", "application/json")
            .form(&[
                ("tenant_name", "Bench"),
                ("display_name", "Bench Owner"),
                ("email", "owner@bench.test"),
                ("password", "bench password 1"),
            ])
            .send()
            .await
            .unwrap();
        assert!(setup.status().is_success(), "setup: {}", setup.status());
        let cookie = setup
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .find(|value| value.starts_with("chub_session="))
            .and_then(|value| value.split(';').next())
            .unwrap()
            .to_owned();
        let created: Value = http
            .post(format!("{base}/sfn/create_api_token"))
            .header("origin", &base)
            .header("accept", "application/json")
            .header("cookie", &cookie)
            .form(&[("name", "bench")])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        Session {
            base,
            http,
            cookie,
            token: created["token"].as_str().unwrap().to_owned(),
        }
    }

    pub fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A signed-in owner of a provisioned server.
pub struct Session {
    base: String,
    http: reqwest::Client,
    pub cookie: String,
    pub token: String,
}

impl Session {
    /// `GET /api/catalog` as the server answers it, for the ceiling to serve.
    pub async fn catalog_body(&self) -> Bytes {
        self.http
            .get(format!("{}/api/catalog", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap()
    }

    pub fn create_body(&self) -> Value {
        super::stripe_example()
    }

    /// How many connectors `GET /api/installed` lists.
    pub async fn connector_count(&self) -> usize {
        let listed: Value = self
            .http
            .get(format!("{}/api/installed", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        listed
            .as_array()
            .or_else(|| listed["connectors"].as_array())
            .map_or(0, Vec::len)
    }
}

/// The ceiling server, as a process of its own.
pub struct Ceiling {
    child: Child,
    pub addr: SocketAddr,
}

impl Ceiling {
    pub async fn start(body: Bytes) -> Ceiling {
        let port = free_port();
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), &body).unwrap();
        let (_, path) = file.keep().unwrap();
        let child = Command::new(std::env::current_exe().unwrap())
            .args(["ceiling", &port.to_string()])
            .env("CEILING_BODY", path)
            .spawn()
            .unwrap();
        let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
        wait_healthy(addr, Duration::from_secs(10))
            .await
            .expect("the ceiling server did not start");
        Ceiling { child, addr }
    }

    pub fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Serves `GET /api/catalog` (the bytes in the file `CEILING_BODY`) and `/healthz`.
pub async fn serve_ceiling(port: u16) {
    let path = std::env::var("CEILING_BODY").unwrap();
    let body = Bytes::from(std::fs::read(path).unwrap());
    let app = axum::Router::new()
        .route(
            "/api/catalog",
            axum::routing::get(move || {
                let body = body.clone();
                async move { ([("content-type", "application/json")], body) }
            }),
        )
        .route("/healthz", axum::routing::get(|| async { "ok" }));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .unwrap();
    axum::serve(listener, app).await.unwrap();
}
