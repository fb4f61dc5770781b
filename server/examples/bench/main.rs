//! `make bench`: one table of every figure with its budget, and, where there is one, the
//! baseline measured in the same run and the ratio; also `target/bench/report.json`.
//!
//! Reads the criterion results `make bench` produced just before (vault, validation),
//! then measures the release server as a separate process on this machine: cold start to
//! the first good `/healthz`, idle RSS, HTTP load on SQLite and PostgreSQL next to a
//! minimal axum server that returns the same catalog JSON from memory (the ceiling), and
//! the size of the release WASM bundle.
//!
//! `bench ceiling <port>` is that ceiling server; the benchmark starts it as a process
//! of its own, like the real one.
#![allow(clippy::unwrap_used, clippy::print_stdout)] // a benchmark stops by panicking

mod load;
mod report;
mod target;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::Request;
use serde_json::{Value, json};

use report::{Figure, Report};
use target::{Backend, Ceiling, Running};

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn seconds(var: &str, default: u64) -> Duration {
    Duration::from_secs(
        std::env::var(var)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default),
    )
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("ceiling") {
        let port: u16 = args.get(2).and_then(|p| p.parse().ok()).unwrap_or(0);
        target::serve_ceiling(port).await;
        return;
    }
    let mut report = Report::default();
    report::criterion_figures(&mut report);
    report::wasm_figures(&mut report, &repo_root().join("target/site/pkg"));

    let duration = seconds("BENCH_SECONDS", 5);
    let warm_up = Duration::from_secs(1);
    let mut catalog_json: Option<Bytes> = None;
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let Some(database) = backend.fresh_database().await else {
            println!("{}: no database available, skipped", backend.name());
            continue;
        };
        let server = Running::start(&database).await;
        if backend == Backend::Sqlite {
            report.add(Figure::budget(
                "server cold start to /healthz (fresh SQLite: migrations, seeding)",
                server.started_in.as_secs_f64() * 1000.0,
                "ms",
                "< 1000",
                server.started_in < Duration::from_secs(1),
            ));
            tokio::time::sleep(Duration::from_secs(1)).await;
            let rss = server.rss_mib();
            report.add(Figure::budget(
                "idle RSS after start-up",
                rss,
                "MiB",
                "< 40",
                rss < 40.0,
            ));
        }
        let session = server.provision().await;
        if catalog_json.is_none() {
            catalog_json = Some(session.catalog_body().await);
        }
        let name = backend.name();

        let token = session.token.clone();
        let catalog = load::sustained(
            server.addr,
            32,
            warm_up,
            duration,
            Arc::new(move |_| {
                get(
                    "/api/catalog",
                    ("authorization", &format!("Bearer {token}")),
                )
            }),
        )
        .await;
        report.load(
            &format!("GET /api/catalog ({name})"),
            catalog,
            Some("p99 < 10 ms, ≥ 50 % of ceiling"),
        );

        let cookie = session.cookie.clone();
        let page = load::sustained(
            server.addr,
            32,
            warm_up,
            duration,
            Arc::new(move |_| get("/catalog", ("cookie", &cookie))),
        )
        .await;
        report.load(&format!("SSR /catalog ({name})"), page, Some("p99 < 20 ms"));

        let token = session.token.clone();
        let body = session.create_body();
        let (creates, statuses) = load::burst(
            server.addr,
            200,
            Arc::new(move |n| {
                let mut body = body.clone();
                body["name"] = json!(format!("Bench {n} {}", uuid::Uuid::new_v4().simple()));
                Request::post("/api/connectors")
                    .header("host", "127.0.0.1")
                    .header("authorization", format!("Bearer {token}"))
                    .header("content-type", "application/json")
                    .body(Full::new(Bytes::from(body.to_string())))
                    .unwrap()
            }),
        )
        .await;
        let created = statuses.iter().filter(|s| **s == 201).count();
        let stored = session.connector_count().await;
        report.load(
            &format!("POST /api/connectors, 200 at once ({name})"),
            creates,
            Some("all 201, p99 < 100 ms"),
        );
        report.note(format!(
            "{name}: {created} of 200 creates answered 201; {stored} connectors listed afterwards; other statuses: {:?}",
            statuses.iter().filter(|s| **s != 201).collect::<Vec<_>>()
        ));
        server.stop();

        if backend == Backend::Sqlite {
            let again = Running::start(&database).await;
            report.add(Figure::budget(
                "server start to /healthz (existing SQLite database)",
                again.started_in.as_secs_f64() * 1000.0,
                "ms",
                "< 1000",
                again.started_in < Duration::from_secs(1),
            ));
            again.stop();
        }
    }

    if let Some(body) = catalog_json {
        let ceiling = Ceiling::start(body).await;
        let result = load::sustained(
            ceiling.addr,
            32,
            warm_up,
            duration,
            Arc::new(|_| get("/api/catalog", ("accept", "application/json"))),
        )
        .await;
        report.load(
            "GET /api/catalog (ceiling: axum, JSON from memory)",
            result,
            None,
        );
        ceiling.stop();
    }
    report.judge_against_ceiling();
    report.print();
    report.write(&repo_root().join("target/bench/report.json"));
    // `make bench` fails on a miss: a budget is a promise, not a figure to read past.
    let misses = report.misses();
    if !misses.is_empty() {
        eprintln!("\nmake bench: {} budget(s) missed:", misses.len());
        for name in &misses {
            eprintln!("- {name}");
        }
        std::process::exit(1);
    }
}

fn get(path: &str, (header, value): (&str, &str)) -> Request<Full<Bytes>> {
    Request::get(path)
        .header("host", "127.0.0.1")
        .header(header, value)
        .body(Full::new(Bytes::new()))
        .unwrap()
}

/// A valid Stripe instance, as the seeds' examples give it.
fn stripe_example() -> Value {
    let examples: Value = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join("app/tests/fixtures/seed_examples.json"))
            .unwrap(),
    )
    .unwrap();
    json!({
        "catalog_key": "stripe",
        "name": "",
        "config": examples["stripe"]["config"],
        "auth": examples["stripe"]["auth"],
    })
}
