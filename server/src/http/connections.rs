//! Accepting client connections: HTTP/1.1 with limits, so that no client holds a socket
//! (and a file descriptor, and a task) for as long as it likes.
//!
//! - **Request heads** must arrive within `head_timeout`, which also bounds how long an idle
//!   keep-alive connection waits for its next request (hyper runs one timer for both): a
//!   slowloris client sending its headers a byte at a time is closed, and so is an idle one.
//! - **Request bodies** must keep a minimum rate ([`super::min_rate`]).
//! - **At most `max_connections`** are open at once. When one more arrives, the oldest
//!   connection is asked to close gracefully (at once if it is idle or still sending its
//!   head, after its response if it is busy), so an idle flood gives way to new clients.
//!   If no place frees up within a second, the newcomer is told 503 in our error shape and
//!   closed.
//!
//! HTTP/2 is not offered on this listener: browsers speak it only over TLS, which a proxy in
//! front terminates, and a cleartext HTTP/2 connection would escape the head timeout.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore};
use tower::ServiceExt;

use super::min_rate::{MinRate, MinRateBody};

/// The limits each client connection is held to.
#[derive(Clone, Copy, Debug)]
pub struct ClientLimits {
    pub head_timeout: Duration,
    pub body_rate: MinRate,
    pub max_connections: usize,
}

/// How long a newcomer waits for a place when every place is taken.
const PLACE_WAIT: Duration = Duration::from_secs(1);

/// How long in-flight requests get to finish once shutdown begins.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(30);

/// The open connections, oldest first, each with the bell that asks it to close.
#[derive(Default)]
struct Registry {
    next_id: AtomicU64,
    open: Mutex<BTreeMap<u64, Arc<Notify>>>,
}

impl Registry {
    fn enter(&self) -> (u64, Arc<Notify>) {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let bell = Arc::new(Notify::new());
        self.lock().insert(id, bell.clone());
        (id, bell)
    }

    fn leave(&self, id: u64) {
        self.lock().remove(&id);
    }

    /// Asks the oldest connection to close; it leaves the registry at once, so that the
    /// next newcomer asks the next one.
    fn shed_oldest(&self) {
        if let Some((_, bell)) = self.lock().pop_first() {
            bell.notify_one();
        }
    }

    /// Asks every connection to close (shutdown).
    fn shed_all(&self) {
        for (_, bell) in std::mem::take(&mut *self.lock()) {
            bell.notify_one();
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<u64, Arc<Notify>>> {
        // A panic while holding this lock leaves a plain map behind: still usable.
        self.open
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Serves `app` on `listener` under `limits` until `shutdown` resolves; then stops
/// accepting, lets in-flight requests finish (up to 30 s) and returns.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ClientLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let places = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let registry = Arc::new(Registry::default());
    let mut tasks = tokio::task::JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors, or a connection reset before it was
                    // accepted: wait a moment rather than spin, and keep serving.
                    tracing::warn!(%error, "could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let (app, places, registry) = (app.clone(), places.clone(), registry.clone());
        tasks.spawn(async move {
            let place = match places.clone().try_acquire_owned() {
                Ok(place) => place,
                Err(_) => {
                    registry.shed_oldest();
                    match tokio::time::timeout(PLACE_WAIT, places.acquire_owned()).await {
                        Ok(Ok(place)) => place,
                        _ => return refuse(stream, peer).await,
                    }
                }
            };
            serve_connection(stream, peer, app, limits, &registry, place).await;
        });
        // Reap finished tasks so the set does not grow with every connection ever served.
        while tasks.try_join_next().is_some() {}
    }
    drop(listener);
    registry.shed_all();
    if tokio::time::timeout(DRAIN_TIMEOUT, async {
        while tasks.join_next().await.is_some() {}
    })
    .await
    .is_err()
    {
        tracing::warn!("requests still running {DRAIN_TIMEOUT:?} after shutdown began: dropped");
    }
    Ok(())
}

async fn serve_connection(
    stream: TcpStream,
    peer: SocketAddr,
    app: Router,
    limits: ClientLimits,
    registry: &Registry,
    _place: OwnedSemaphorePermit,
) {
    let (id, bell) = registry.enter();
    let service = app.map_request(move |request: axum::http::Request<Incoming>| {
        let mut request = request.map(|body| Body::new(MinRateBody::new(body, limits.body_rate)));
        request.extensions_mut().insert(ConnectInfo(peer));
        request
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.head_timeout);
    let connection =
        builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
    tokio::pin!(connection);
    tokio::select! {
        served = connection.as_mut() => log_end(served),
        () = bell.notified() => {
            connection.as_mut().graceful_shutdown();
            log_end(connection.await);
        }
    }
    registry.leave(id);
}

fn log_end(served: Result<(), hyper::Error>) {
    match served {
        Ok(()) => {}
        Err(error) if error.is_timeout() => {
            tracing::debug!("a client took too long to send a request head: closed");
        }
        Err(error) => tracing::debug!(%error, "a client connection ended with an error"),
    }
}

/// Tells a client there is no place for it, in our error shape, and closes.
async fn refuse(mut stream: TcpStream, peer: SocketAddr) {
    tracing::warn!(%peer, "too many open connections: a client was refused");
    let body = r#"{"error":{"code":"unavailable","message":"The server has too many open connections. Try again in a moment.","fields":{}}}"#;
    let response = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\n\
         retry-after: 1\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        let _ = stream.write_all(response.as_bytes()).await;
        let _ = stream.shutdown().await;
    })
    .await;
}

/// Raises this process's soft limit on open files to its hard limit (each client
/// connection is one), and says in the log what it is; a low limit gets a warning, since a
/// flood of idle sockets would otherwise leave no descriptor for the database. Returns
/// the limit in force.
pub fn raise_open_file_limit() -> Option<u64> {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let mut limit = getrlimit(Resource::Nofile);
    let soft = limit.current?;
    if limit.maximum.is_none_or(|hard| hard > soft) {
        limit.current = limit.maximum.or(Some(soft.max(65_536)));
        if let Err(error) = setrlimit(Resource::Nofile, limit) {
            tracing::warn!(%error, soft, "could not raise the open-file limit");
        }
    }
    let now = getrlimit(Resource::Nofile).current?;
    if now < LOW_OPEN_FILES {
        tracing::warn!(
            limit = now,
            "the open-file limit is low: fewer than {LOW_OPEN_FILES} clients can connect at once \
             (raise it with `ulimit -n` or LimitNOFILE=)"
        );
    } else {
        tracing::info!(limit = now, "open-file limit");
    }
    Some(now)
}

/// Below this many open files, the log warns.
const LOW_OPEN_FILES: u64 = 4096;

/// Files kept for everything but client connections: the database pool, its files, the
/// log, outbound requests.
const RESERVED_FILES: u64 = 256;

/// The default cap on client connections: three quarters of what the open-file limit
/// leaves once [`RESERVED_FILES`] are set aside, at most 10,000.
pub fn default_max_connections(open_file_limit: Option<u64>) -> usize {
    let limit = open_file_limit.unwrap_or(1024);
    let usable = limit.saturating_sub(RESERVED_FILES) / 4 * 3;
    usize::try_from(usable.clamp(64, 10_000)).unwrap_or(10_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_connection_cap_leaves_room_for_the_database() {
        assert_eq!(default_max_connections(Some(1024)), 576);
        assert_eq!(default_max_connections(Some(1_048_576)), 10_000);
        assert_eq!(default_max_connections(Some(100)), 64);
    }

    #[test]
    fn shedding_asks_the_oldest_first_and_each_once() {
        let registry = Registry::default();
        let (_, first) = registry.enter();
        let (second_id, _second) = registry.enter();
        registry.shed_oldest();
        assert!(registry.lock().get(&second_id).is_some());
        assert_eq!(registry.lock().len(), 1);
        // The first was rung: its permit is stored.
        let rung = first.notified();
        tokio::pin!(rung);
        assert!(futures_ready(rung.as_mut()));
    }

    fn futures_ready(future: std::pin::Pin<&mut impl Future<Output = ()>>) -> bool {
        let waker = std::task::Waker::noop();
        let mut cx = std::task::Context::from_waker(waker);
        future.poll(&mut cx).is_ready()
    }
}
