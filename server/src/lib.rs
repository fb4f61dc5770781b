//! Connector Hub's server: configuration, storage, the services behind the app's ports,
//! and the HTTP surface (REST API, server functions, server-rendered pages).

pub mod auth;
pub mod config;
pub mod credentials;
pub mod http;
pub mod outbound;
pub mod probe;
pub mod seed;
pub mod service;
pub mod state;
pub mod store;
pub mod telemetry;
pub mod vault;

use std::future::Future;
use std::sync::Arc;

use tokio::net::TcpListener;

pub use http::build_router;
pub use state::AppState;

use crate::config::Config;
use crate::store::Store;

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("cannot open the database: {0}")]
    Store(#[from] store::StoreError),
    #[error("cannot seed the catalog: {0}")]
    Seed(#[from] seed::SeedError),
    #[error("cannot open the credential vault: {0}")]
    Vault(#[from] vault::UnlockError),
}

/// Opens the credential vault: the key ring from configuration (or the generated key
/// file), checked against this database's canaries. A wrong key is an error here, before
/// the server accepts a request.
pub async fn open_vault(config: &Config, store: &dyn Store) -> Result<vault::Vault, StartupError> {
    let ring = vault::key_ring(config.master_key.as_ref(), &config.key_file(), store).await?;
    let vault = vault::unlock(ring, store).await?;
    tracing::info!(key_ids = ?vault.ring().ids(), "credential vault open");
    Ok(vault)
}

/// Opens the database (applying migrations) and, when `seed` is set, seeds the catalog
/// from the configured directory. Seed files are checked before the database is touched.
pub async fn prepare_store(config: &Config, seed: bool) -> Result<Arc<dyn Store>, StartupError> {
    let entries = if seed {
        Some(seed::load_dir(&config.seeds_dir)?)
    } else {
        None
    };
    let store = store::connect(&config.database_url).await?;
    if let Some(entries) = entries {
        let report = store.seed_catalog(&entries).await?;
        tracing::info!(
            inserted = report.inserted.len(),
            updated = report.updated.len(),
            unchanged = report.unchanged.len(),
            "catalog seeded"
        );
    }
    Ok(store)
}

/// Serves the application on `listener` until `shutdown` resolves, then lets in-flight
/// requests finish. Tests call this with a listener on port 0.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    spawn_session_sweeper(state.store.clone(), state.auth.policy());
    service::oauth::spawn_refresher(
        state.oauth.clone(),
        std::time::Duration::from_secs(state.config.oauth_refresh_interval_secs.max(1)),
        service::oauth::REFRESH_AHEAD,
    );
    if state.config.health_check_interval_secs > 0 {
        service::health::spawn_health_checker(
            state.health.clone(),
            state.config.health_check_interval(),
        );
    }
    let limits = state.config.client_limits(http::raise_open_file_limit());
    tracing::info!(?limits, "client limits");
    http::serve(listener, build_router(state), limits, shutdown).await
}

/// Deletes expired sessions every ten minutes. Expired sessions are refused anyway; this
/// only keeps the table small.
fn spawn_session_sweeper(store: Arc<dyn Store>, policy: auth::principal::SessionPolicy) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(600));
        loop {
            every.tick().await;
            let now = auth::principal::now_secs();
            match store
                .delete_expired_sessions(now, now - policy.idle_secs())
                .await
            {
                Ok(0) => {}
                Ok(removed) => tracing::info!(removed, "expired sessions removed"),
                Err(error) => tracing::warn!(%error, "could not remove expired sessions"),
            }
        }
    });
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
