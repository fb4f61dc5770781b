//! The health checker: active instances due for a test are tested exactly once per round,
//! also when several checkers share one database: two in one process (both backends),
//! and two server processes on one PostgreSQL database.

use crate::support;

use std::collections::HashMap;
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode};
use serde_json::json;

use support::{Backend, Browser, TestServer};

const TOKEN: &str = "tok_HealthSecret_0987654321";

/// How many requests each path of the target service got.
type Hits = Arc<Mutex<HashMap<String, usize>>>;

/// A service that answers `/i/{n}` after `delay` when the bearer token is right, and
/// counts every request per path.
async fn counting_service(delay: Duration) -> (String, Hits) {
    let hits: Hits = Arc::default();
    let counted = hits.clone();
    let app = axum::Router::new().route(
        "/i/{n}",
        axum::routing::get(move |Path(n): Path<String>, headers: HeaderMap| {
            let hits = counted.clone();
            async move {
                *hits.lock().unwrap().entry(n).or_default() += 1;
                tokio::time::sleep(delay).await;
                let bearer = headers.get("authorization").and_then(|v| v.to_str().ok())
                    == Some(&format!("Bearer {TOKEN}"));
                if bearer {
                    StatusCode::OK
                } else {
                    StatusCode::UNAUTHORIZED
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, hits)
}

/// Installs and activates `count` REST connectors checking `{target}/i/{n}`.
async fn active_instances(owner: &mut Browser, target: &str, count: usize) -> Vec<String> {
    let mut ids = Vec::new();
    for n in 0..count {
        let body = json!({"input": {
            "catalog_key": "http_rest", "name": format!("API {n}"),
            "config": {"base_url": target, "health_path": format!("/i/{n}")},
            "auth": {"method": "bearer", "token": TOKEN},
        }});
        let created: serde_json::Value = owner
            .call_json("install_connector", &body)
            .await
            .json()
            .await
            .unwrap();
        let id = created["id"].as_str().unwrap().to_owned();
        let activated = owner
            .call("set_connector_status", &[("id", &id), ("status", "active")])
            .await;
        assert_eq!(activated.status(), 200);
        ids.push(id);
    }
    ids
}

/// Waits until the service has seen `count` requests, then a little longer for any
/// request that should not come.
async fn settle(hits: &Hits, count: usize, within: Duration) {
    let deadline = Instant::now() + within;
    while hits.lock().unwrap().values().sum::<usize>() < count {
        assert!(
            Instant::now() < deadline,
            "only {:?} requests within {within:?}",
            hits.lock().unwrap().values().sum::<usize>()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
}

fn assert_each_tested_once(hits: &Hits, count: usize) {
    let hits = hits.lock().unwrap();
    let twice: Vec<_> = hits.iter().filter(|(_, n)| **n != 1).collect();
    assert!(twice.is_empty(), "tested more than once: {twice:?}");
    assert_eq!(hits.len(), count, "not every instance was tested");
}

/// Every instance has exactly one result, scheduled and passing, and is still active.
async fn assert_recorded_once(server: &TestServer, owner: &Browser, ids: &[String]) {
    for id in ids {
        let tests: serde_json::Value = owner
            .get(&format!("/api/connectors/{id}/tests"))
            .await
            .json()
            .await
            .unwrap();
        let tests = tests.as_array().unwrap();
        assert_eq!(tests.len(), 1, "{id}: {tests:?}");
        assert_eq!(
            (&tests[0]["trigger"], &tests[0]["ok"]),
            (&json!("schedule"), &json!(true))
        );
        let stored = serde_json::to_string(&tests[0]).unwrap();
        assert!(!stored.contains(TOKEN), "a stored trace shows the token");
        let connector = server
            .store
            .connector(tenant_id(server).await, id.parse().unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(connector.status.as_str(), "active");
    }
}

async fn tenant_id(server: &TestServer) -> uuid::Uuid {
    server
        .store
        .tenant_by_name("Acme")
        .await
        .unwrap()
        .unwrap()
        .id
}

fn checker(server: &TestServer) -> Arc<server::service::HealthChecker> {
    let connection_tests = Arc::new(server::service::ConnectionTestService::new(
        server.store.clone(),
        server.connectors.clone(),
        server.oauth.clone(),
        true,
    ));
    Arc::new(server::service::HealthChecker::new(
        server.store.clone(),
        connection_tests,
        Duration::from_secs(3600),
        3,
    ))
}

mod cases {
    use super::*;

    /// Two checkers over one database run a round at once: every due instance is tested
    /// by one of them, once; a second round right after finds nothing due.
    pub async fn two_checkers_share_a_round(backend: Backend) {
        let Some(server) = TestServer::start_on(backend, |c| c.allow_private_targets = true).await
        else {
            return;
        };
        let mut owner = server.owner().await;
        let (target, hits) = counting_service(Duration::from_millis(50)).await;
        let ids = active_instances(&mut owner, &target, 12).await;

        let (first, second) = (checker(&server), checker(&server));
        let (a, b) = tokio::join!(first.run_round(), second.run_round());
        assert_eq!(a.tested() + b.tested(), 12, "{a:?} {b:?}");
        assert_eq!(a.failed + b.failed + a.skipped + b.skipped, 0);
        assert_each_tested_once(&hits, 12);
        assert_recorded_once(&server, &owner, &ids).await;

        let again = first.run_round().await;
        assert_eq!(again.tested(), 0, "tested again within the interval");
    }
}

server_suite!(two_checkers_share_a_round);

/// A server process on `database_url` with the health checker on (one round at start-up,
/// the next an hour later), its output collected.
struct Process {
    child: Child,
    output: Vec<std::thread::JoinHandle<String>>,
    _data: tempfile::TempDir,
}

impl Process {
    fn start(database_url: &str) -> Process {
        let data = tempfile::tempdir().unwrap();
        let mut child = support::server_command(database_url, support::free_port(), data.path())
            .env("CONNECTORS_ALLOW_PRIVATE_TARGETS", "true")
            .env("CONNECTORS_HEALTH_CHECK_INTERVAL_SECS", "3600")
            .env("CONNECTORS_HEALTH_CHECK_CONCURRENCY", "4")
            .env("CONNECTORS_LOG_FORMAT", "json")
            .env("RUST_LOG", "info")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let output = vec![
            support::drain(child.stdout.take().unwrap()),
            support::drain(child.stderr.take().unwrap()),
        ];
        Process {
            child,
            output,
            _data: data,
        }
    }

    /// Stops the process; returns how many instances its rounds tested, from its log.
    fn stop(mut self) -> usize {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let log: String = self.output.drain(..).map(|t| t.join().unwrap()).collect();
        log.lines()
            .filter(|line| line.contains("health check round done"))
            .map(|line| {
                let entry: serde_json::Value = serde_json::from_str(line).unwrap();
                let tested = entry["fields"]["tested"]
                    .as_u64()
                    .or(entry["tested"].as_u64());
                tested.unwrap_or_else(|| panic!("no count in {line}")) as usize
            })
            .sum()
    }
}

/// docs/decisions.md, Connection tests: several server processes share the checker's work through
/// `FOR UPDATE SKIP LOCKED` claims, and none tests an instance another has claimed.
#[tokio::test]
async fn two_server_processes_test_each_due_instance_once() {
    let Some(server) =
        TestServer::start_on(Backend::Postgres, |c| c.allow_private_targets = true).await
    else {
        return;
    };
    let mut owner = server.owner().await;
    // Slow enough that one process alone would need several seconds: both take part.
    let (target, hits) = counting_service(Duration::from_millis(300)).await;
    let ids = active_instances(&mut owner, &target, 50).await;

    let processes = [
        Process::start(&server.database_url),
        Process::start(&server.database_url),
    ];
    settle(&hits, 50, Duration::from_secs(60)).await;
    let tested: Vec<usize> = processes.into_iter().map(Process::stop).collect();

    assert_each_tested_once(&hits, 50);
    assert_recorded_once(&server, &owner, &ids).await;
    eprintln!("instances tested per process: {tested:?}");
    assert_eq!(tested.iter().sum::<usize>(), 50, "{tested:?}");
    assert!(
        tested.iter().all(|&n| n > 0),
        "one process did all the work: {tested:?}"
    );
}
