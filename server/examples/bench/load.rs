//! The load generator: each simulated client holds one HTTP/1.1 keep-alive connection and
//! sends its next request as soon as the last answer is read; latencies go into an HDR
//! histogram. Runs in its own process, apart from the server it loads.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use hdrhistogram::Histogram;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use serde::Serialize;
use tokio::net::TcpStream;

/// Builds the `n`-th request of a client.
pub type MakeRequest = Arc<dyn Fn(usize) -> Request<Full<Bytes>> + Send + Sync>;

/// What one load run measured.
#[derive(Clone, Debug, Serialize)]
pub struct LoadResult {
    pub connections: usize,
    pub requests: u64,
    pub errors: u64,
    pub requests_per_sec: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

impl LoadResult {
    fn from(
        histogram: &Histogram<u64>,
        errors: u64,
        connections: usize,
        elapsed: Duration,
    ) -> Self {
        let ms = |micros: u64| micros as f64 / 1000.0;
        LoadResult {
            connections,
            requests: histogram.len(),
            errors,
            requests_per_sec: histogram.len() as f64 / elapsed.as_secs_f64(),
            p50_ms: ms(histogram.value_at_quantile(0.50)),
            p99_ms: ms(histogram.value_at_quantile(0.99)),
            max_ms: ms(histogram.max()),
        }
    }
}

fn histogram() -> Histogram<u64> {
    // 1 µs to 60 s, 3 significant digits.
    Histogram::new_with_bounds(1, 60_000_000, 3)
        .unwrap_or_else(|_| Histogram::new(3).unwrap_or_else(|_| unreachable!()))
}

async fn connect(addr: SocketAddr) -> Option<SendRequest<Full<Bytes>>> {
    let stream = TcpStream::connect(addr).await.ok()?;
    stream.set_nodelay(true).ok()?;
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .ok()?;
    tokio::spawn(connection);
    Some(sender)
}

/// Sends one request; `Some(status)` once the whole body is read.
async fn exchange(
    sender: &mut SendRequest<Full<Bytes>>,
    request: Request<Full<Bytes>>,
) -> Option<u16> {
    sender.ready().await.ok()?;
    let response = sender.send_request(request).await.ok()?;
    let status = response.status().as_u16();
    response.into_body().collect().await.ok()?;
    Some(status)
}

/// `connections` clients send requests for `duration` (after a `warm_up` whose answers
/// are not counted). A non-2xx answer or a broken connection is an error.
pub async fn sustained(
    addr: SocketAddr,
    connections: usize,
    warm_up: Duration,
    duration: Duration,
    make: MakeRequest,
) -> LoadResult {
    let started = Instant::now();
    let measure_from = started + warm_up;
    let until = measure_from + duration;
    let workers: Vec<_> = (0..connections)
        .map(|_| {
            let make = make.clone();
            tokio::spawn(async move {
                let mut latencies = histogram();
                let mut errors = 0u64;
                let mut sender = connect(addr).await;
                let mut n = 0;
                while Instant::now() < until {
                    let Some(live) = sender.as_mut() else {
                        errors += 1;
                        sender = connect(addr).await;
                        continue;
                    };
                    let sent = Instant::now();
                    let status = exchange(live, make(n)).await;
                    n += 1;
                    if sent < measure_from {
                        continue;
                    }
                    match status {
                        Some(200..=299) => {
                            let _ = latencies.record(sent.elapsed().as_micros() as u64);
                        }
                        Some(_) => errors += 1,
                        None => {
                            errors += 1;
                            sender = connect(addr).await;
                        }
                    }
                }
                (latencies, errors)
            })
        })
        .collect();
    let mut all = histogram();
    let mut errors = 0;
    for worker in workers {
        if let Ok((latencies, worker_errors)) = worker.await {
            let _ = all.add(&latencies);
            errors += worker_errors;
        }
    }
    LoadResult::from(&all, errors, connections, duration)
}

/// `clients` clients connect, wait for each other, then each sends its one request at
/// the same moment. Returns the result and the statuses (`0` for no answer).
pub async fn burst(addr: SocketAddr, clients: usize, make: MakeRequest) -> (LoadResult, Vec<u16>) {
    let barrier = Arc::new(tokio::sync::Barrier::new(clients));
    let started = Instant::now();
    let workers: Vec<_> = (0..clients)
        .map(|n| {
            let (make, barrier) = (make.clone(), barrier.clone());
            tokio::spawn(async move {
                let mut sender = connect(addr).await;
                barrier.wait().await;
                let sent = Instant::now();
                let status = match sender.as_mut() {
                    Some(live) => exchange(live, make(n)).await.unwrap_or(0),
                    None => 0,
                };
                (status, sent.elapsed())
            })
        })
        .collect();
    let mut all = histogram();
    let mut statuses = Vec::new();
    let mut errors = 0;
    for worker in workers {
        let (status, took) = worker.await.unwrap_or((0, Duration::ZERO));
        if (200..300).contains(&status) {
            let _ = all.record(took.as_micros() as u64);
        } else {
            errors += 1;
        }
        statuses.push(status);
    }
    (
        LoadResult::from(&all, errors, clients, started.elapsed()),
        statuses,
    )
}
