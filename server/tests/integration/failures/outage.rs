//! PostgreSQL goes away and comes back under a running server.

use std::time::{Duration, Instant};

use serde_json::Value;

use super::{Cluster, Server, get};

#[tokio::test]
#[ignore = "kill and restart: `make test` runs it"]
async fn a_postgresql_restart_is_survived_with_clean_503s() {
    let Some(cluster) = Cluster::create() else {
        return;
    };
    let mut server = Server::start(&cluster.url()).await;
    let (http, base) = (server.http.clone(), server.base.clone());
    let token = server.provision().await;
    assert_eq!(get(&http, &base, "/api/installed", &token).await.0, 200);

    // The database goes away: every request answers 503 with the error shape, quickly.
    cluster.stop();
    for _ in 0..5 {
        let asked = Instant::now();
        let (status, body) = get(&http, &base, "/api/installed", &token).await;
        assert_eq!(status, 503, "{body}");
        assert_eq!(body["error"]["code"], "unavailable", "{body}");
        assert!(
            asked.elapsed() < Duration::from_secs(10),
            "took {:?}",
            asked.elapsed()
        );
        let asked = Instant::now();
        let (status, health) = get(&http, &base, "/healthz", &token).await;
        assert_eq!(status, 503, "/healthz says the database is down");
        assert_eq!(health["reason"], "database unavailable", "{health}");
        assert!(
            asked.elapsed() < Duration::from_millis(1_500),
            "/healthz took {:?} during the outage",
            asked.elapsed()
        );
    }
    let create = http
        .post(format!("{base}/api/connectors"))
        .bearer_auth(&token)
        .json(&serde_json::json!({
            "catalog_key": "stripe",
            "name": "During the outage",
            "config": {"mode": "test", "api_version": "2024-06-20"},
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(create.status(), 503);
    let body: Value = create.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unavailable", "{body}");

    // Back: requests succeed again, without restarting the server.
    cluster.start();
    let back = Instant::now();
    loop {
        let (status, body) = get(&http, &base, "/api/installed", &token).await;
        if status == 200 {
            break;
        }
        assert_eq!(status, 503, "{body}");
        assert!(back.elapsed() < Duration::from_secs(20), "still failing");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    eprintln!("recovered {:?} after PostgreSQL came back", back.elapsed());
    assert_eq!(get(&http, &base, "/healthz", &token).await.0, 200);
    server.kill();
}

/// A fast shutdown ("terminating connection due to administrator command") while requests
/// are in flight: each answers 200/201 or 503 naming the cause, never 500.
#[tokio::test]
#[ignore = "kill and restart: `make test` runs it"]
async fn a_postgresql_fast_shutdown_answers_in_flight_requests_503() {
    let Some(cluster) = Cluster::create() else {
        return;
    };
    let mut server = Server::start(&cluster.url()).await;
    let token = server.provision().await;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let load: Vec<_> = (0..16)
        .map(|worker| {
            let (http, base, token, stop) = (
                server.http.clone(),
                server.base.clone(),
                token.clone(),
                stop.clone(),
            );
            tokio::spawn(async move {
                let mut answers = Vec::new();
                let mut n = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    n += 1;
                    let sent = if n % 2 == 0 {
                        http.get(format!("{base}/api/installed"))
                    } else {
                        http.post(format!("{base}/api/connectors"))
                            .json(&serde_json::json!({
                                "catalog_key": "stripe",
                                "name": format!("Shop {worker}-{n}"),
                                "config": {"mode": "test", "api_version": "2024-06-20"},
                            }))
                    };
                    if let Ok(response) = sent.bearer_auth(&token).send().await {
                        let status = response.status().as_u16();
                        let body: Value = response.json().await.unwrap_or(Value::Null);
                        answers.push((status, body));
                    }
                }
                answers
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(500)).await;
    cluster.stop();
    tokio::time::sleep(Duration::from_secs(1)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut counts = std::collections::BTreeMap::<u16, usize>::new();
    for worker in load {
        for (status, body) in worker.await.unwrap() {
            *counts.entry(status).or_default() += 1;
            assert!(
                matches!(status, 200 | 201 | 503),
                "{status} during a fast shutdown: {body}"
            );
            if status == 503 {
                assert_eq!(body["error"]["code"], "unavailable", "{body}");
            }
        }
    }
    eprintln!("answers around a fast shutdown: {counts:?}");
    assert!(
        counts.contains_key(&503),
        "the shutdown was not seen: {counts:?}"
    );
    server.kill();
}

/// PostgreSQL's own errors name their cause: a connection ended by an administrator
/// (57P01, what a fast shutdown sends), and a write in a read-only transaction (25006).
#[tokio::test]
async fn postgresql_errors_name_their_cause() {
    use server::store::StorageFault;
    use sqlx::Connection;
    let Ok(url) = std::env::var("TEST_DATABASE_URL") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "TEST_DATABASE_URL under CI"
        );
        return;
    };
    let mut connection = sqlx::PgConnection::connect(&url).await.unwrap();
    sqlx::raw_sql("SET default_transaction_read_only = on")
        .execute(&mut connection)
        .await
        .unwrap();
    let read_only = sqlx::raw_sql("CREATE TABLE refused_by_read_only (x int)")
        .execute(&mut connection)
        .await
        .unwrap_err();
    assert_eq!(
        StorageFault::of(&read_only),
        Some(StorageFault::ReadOnly),
        "{read_only}"
    );
    let ended = sqlx::raw_sql("SELECT pg_terminate_backend(pg_backend_pid())")
        .execute(&mut connection)
        .await
        .unwrap_err();
    assert_eq!(
        StorageFault::of(&ended),
        Some(StorageFault::ShuttingDown),
        "{ended}"
    );
}
