use std::sync::Arc;

use app::ports::{CatalogPort, Ports};
use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use crate::config::Config;
use crate::service::CatalogService;
use crate::store::Store;

/// Everything a request handler may need. Server functions reach the same services
/// through [`Ports`], provided as Leptos context.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub ports: Ports,
    pub store: Arc<dyn Store>,
    pub config: Arc<Config>,
}

impl AppState {
    /// Wires the services over `store`.
    pub fn new(config: Config, store: Arc<dyn Store>) -> Self {
        let catalog: Arc<dyn CatalogPort> = Arc::new(CatalogService::new(store.clone()));
        AppState {
            leptos_options: config.leptos_options(),
            ports: Ports { catalog },
            store,
            config: Arc::new(config),
        }
    }
}
