//! The HTTP surface: the REST API under `/api`, `/healthz`, and the Leptos app (pages and
//! server functions) for everything else.

pub mod auth;
mod catalog;
mod connection_tests;
mod connections;
mod connectors;
pub mod error;
mod extract;
mod health;
mod limit;
mod min_rate;
mod no_script;
mod oauth;
mod openapi;
pub mod security;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{any, get, post};
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list};
use tower_http::compression::CompressionLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

pub use connections::{ClientLimits, default_max_connections, raise_open_file_limit, serve};
pub use min_rate::MinRate;
pub use openapi::ApiDoc;

/// The REST API and `/healthz`: each handler registered once, by the path and methods
/// of its `#[utoipa::path]` annotation, which also puts it in the OpenAPI document
/// ([`openapi::full_document`]). Handlers on one path go in one `routes!`.
pub fn rest_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(catalog::list))
        .routes(routes!(catalog::get))
        .routes(routes!(connectors::installed))
        .routes(routes!(connectors::create))
        .routes(routes!(
            connectors::get,
            connectors::update,
            connectors::delete
        ))
        .routes(routes!(oauth::start))
        .routes(routes!(connection_tests::run))
        .routes(routes!(connection_tests::history))
        .routes(routes!(connectors::validate_config))
        .routes(routes!(connectors::publish_targets))
        .routes(routes!(connectors::audit))
        .routes(routes!(openapi::document))
        .routes(routes!(health::healthz))
}

/// The whole application router.
pub fn build_router(state: AppState) -> Router {
    let (rest, _) = rest_routes().split_for_parts();

    let routes = generate_route_list(app::App);
    let ports = state.ports.clone();
    let fallback_ports = state.ports.clone();
    let leptos_options = state.leptos_options.clone();
    let max_body = state.config.max_body_bytes;

    Router::new()
        .merge(rest)
        // Anything else under /api is the JSON 404, not the app's page.
        .route("/api", any(error::api_not_found))
        .route("/api/{*rest}", any(error::api_not_found))
        .route("/oauth/callback", get(oauth::callback))
        .route(
            app::components::scripted::JS_ONLY_ACTION,
            post(no_script::needs_javascript),
        )
        .leptos_routes_with_context(
            &state,
            routes,
            move || {
                provide_context(ports.clone());
                security::provide_nonce();
            },
            move || app::shell(leptos_options.clone()),
        )
        // Unknown pages render the app's 404 page, which needs the ports like any page
        // (the signed-in header reads the current user through them).
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(
            move || {
                provide_context(fallback_ports.clone());
                security::provide_nonce();
            },
            app::shell,
        ))
        .layer(axum::middleware::from_fn(error::server_fn_error_status))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::guard_pages,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::check_origin,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate,
        ))
        // The one body limit: 413 whether the body has a length or is chunked.
        .layer(axum::middleware::from_fn_with_state(
            max_body,
            limit::limit_body,
        ))
        .layer(DefaultBodyLimit::disable())
        // Outside the body limit, so every 413 has the JSON error shape too.
        .layer(axum::middleware::from_fn(error::api_errors_as_json))
        .layer(CompressionLayer::new())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::headers,
        ))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .with_state(state)
}

/// The log span of a request: method and path only. Query strings and headers are left
/// out because they can carry secrets (OAuth codes, tokens, cookies).
fn request_span(request: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    tracing::info_span!("request", method = %request.method(), path = %request.uri().path())
}
