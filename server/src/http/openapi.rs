use axum::Json;
use utoipa::OpenApi;

/// The OpenAPI document, generated from the handlers' annotations so it grows with the API.
#[derive(OpenApi)]
#[openapi(
    info(title = "Connector Hub API", description = "Connector types, instances, credentials and tests."),
    paths(super::catalog::list, super::catalog::get, super::health::healthz, document),
    components(schemas(super::error::ErrorBody, super::error::ErrorDetail)),
    tags(
        (name = "catalog", description = "The global library of connector types"),
        (name = "health", description = "Liveness"),
        (name = "meta", description = "This document"),
    )
)]
pub struct ApiDoc;

/// This OpenAPI document.
#[utoipa::path(get, path = "/api/openapi.json", tag = "meta", responses((status = 200, description = "OpenAPI 3.1 document")))]
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
