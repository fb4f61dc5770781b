use std::ops::Deref;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use app::ports::{CatalogPort, IdentityPort, Ports};
use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use crate::auth::Authenticator;
use crate::config::Config;
use crate::outbound::Outbound;
use crate::service::catalog::CatalogCache;
use crate::service::connectors::PlatformClients;
use crate::service::{
    CatalogService, ConnectionTestService, ConnectorService, HealthChecker, IdentityService,
    OAuthService,
};
use crate::store::Store;
use crate::vault::Vault;

/// Everything a request handler may need, behind one reference count: axum clones the
/// state for every request (each route holds its own copy), and cloning the fields one by
/// one took ~20 % of the server's time under `GET /api/catalog` load (perf). Server
/// functions reach the same services through [`Ports`], provided as Leptos context.
#[derive(Clone)]
pub struct AppState(Arc<Services>);

impl Deref for AppState {
    type Target = Services;

    fn deref(&self) -> &Services {
        &self.0
    }
}

/// Lets a handler or middleware take one part of the state as `State<Part>`.
macro_rules! state_parts {
    ($($field:ident: $part:ty),* $(,)?) => {
        $(impl FromRef<AppState> for $part {
            fn from_ref(state: &AppState) -> Self {
                state.$field.clone()
            }
        })*
    };
}

state_parts!(
    leptos_options: LeptosOptions,
    ports: Ports,
    catalog: Arc<CatalogService>,
    oauth: Arc<OAuthService>,
);

/// The services and settings the state holds.
pub struct Services {
    pub leptos_options: LeptosOptions,
    pub ports: Ports,
    /// The connector service itself, for what other slices need beyond the port
    /// (decrypting credentials for use).
    pub connectors: Arc<ConnectorService>,
    /// The catalog service itself, for the catalog JSON as held (`GET /api/catalog`).
    pub catalog: Arc<CatalogService>,
    /// The OAuth service itself, for the callback (a page route, not a port call).
    pub oauth: Arc<OAuthService>,
    /// Run in the background by [`crate::serve`] unless the interval is 0.
    pub health: Arc<HealthChecker>,
    pub store: Arc<dyn Store>,
    pub auth: Arc<Authenticator>,
    pub config: Arc<Config>,
    /// Set once an owner exists; first-run setup can then never be needed again.
    pub setup_done: Arc<AtomicBool>,
}

impl AppState {
    /// Wires the services over `store`, sealing credentials with `vault`.
    pub fn new(config: Config, store: Arc<dyn Store>, vault: Arc<Vault>) -> Self {
        Self::with_platform_clients(
            config,
            store,
            vault,
            PlatformClients::from_vars(std::env::vars()),
        )
    }

    /// Like [`AppState::new`], with the platform's OAuth clients given rather than read
    /// from the environment (tests).
    pub fn with_platform_clients(
        config: Config,
        store: Arc<dyn Store>,
        vault: Arc<Vault>,
        platform_clients: PlatformClients,
    ) -> Self {
        let auth = Arc::new(Authenticator::new(
            store.clone(),
            config.session_policy(),
            config.auth_cache_ttl(),
        ));
        let catalog_cache = Arc::new(CatalogCache::new(store.clone()));
        let catalog_service = Arc::new(CatalogService::new(catalog_cache.clone()));
        let catalog: Arc<dyn CatalogPort> = catalog_service.clone();
        let identity: Arc<dyn IdentityPort> = Arc::new(IdentityService::new(
            store.clone(),
            auth.clone(),
            config.serves_https(),
        ));
        let connectors = Arc::new(ConnectorService::with_catalog(
            store.clone(),
            vault.clone(),
            catalog_cache,
        ));
        // The one way out: probes and OAuth share its guard, rules and connection pool.
        let outbound = Arc::new(Outbound::new(config.allow_private_targets));
        let oauth = Arc::new(OAuthService::new(
            store.clone(),
            vault,
            connectors.clone(),
            platform_clients,
            &config.public_url,
            outbound.clone(),
        ));
        let connection_tests = Arc::new(ConnectionTestService::with_outbound(
            store.clone(),
            connectors.clone(),
            oauth.clone(),
            outbound,
        ));
        let health = Arc::new(HealthChecker::new(
            store.clone(),
            connection_tests.clone(),
            config.health_check_interval(),
            config.health_check_concurrency,
        ));
        AppState(Arc::new(Services {
            leptos_options: config.leptos_options(),
            ports: Ports {
                catalog,
                identity,
                connectors: connectors.clone(),
                oauth: oauth.clone(),
                connection_tests,
            },
            connectors,
            catalog: catalog_service,
            oauth,
            health,
            store,
            auth,
            config: Arc::new(config),
            setup_done: Arc::new(AtomicBool::new(false)),
        }))
    }
}
