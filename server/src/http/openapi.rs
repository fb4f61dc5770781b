use axum::Json;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// The OpenAPI document, generated from the handlers' annotations so it grows with the API.
#[derive(OpenApi)]
#[openapi(
    info(title = "Connector Hub API", description = "Connector types, instances, credentials and tests."),
    paths(
        super::catalog::list,
        super::catalog::get,
        super::connectors::installed,
        super::connectors::get,
        super::connectors::create,
        super::connectors::update,
        super::connectors::delete,
        super::connectors::validate_config,
        super::connectors::publish_targets,
        super::connectors::audit,
        super::oauth::start,
        super::testing::run,
        super::testing::history,
        super::health::healthz,
        document
    ),
    components(schemas(super::error::ErrorBody, super::error::ErrorDetail)),
    modifiers(&SecuritySchemes),
    tags(
        (name = "catalog", description = "The global library of connector types"),
        (name = "connectors", description = "Installed instances, their masked credentials, publish targets and audit trail"),
        (name = "health", description = "Liveness"),
        (name = "meta", description = "This document"),
    )
)]
pub struct ApiDoc;

/// Bearer API tokens (`chub_…`, created under Settings) and the browser session cookie.
struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("chub_…")
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::auth::principal::SESSION_COOKIE,
            ))),
        );
    }
}

/// This OpenAPI document.
#[utoipa::path(get, path = "/api/openapi.json", tag = "meta", responses((status = 200, description = "OpenAPI 3.1 document")))]
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
