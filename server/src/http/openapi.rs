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
        super::connection_tests::run,
        super::connection_tests::history,
        super::health::healthz,
        document
    ),
    components(schemas(super::error::ErrorBody, super::error::ErrorDetail)),
    modifiers(&SecuritySchemes, &ClosedCredentialEdits),
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

/// Each shape of a credential edit refuses other keys (`FieldEdit`'s own `Deserialize`);
/// utoipa closes struct schemas for `deny_unknown_fields` but not an enum's variants, so
/// this says it for them, and a fuzzer does not send `{"action": "keep", "value": …}` as
/// valid input.
struct ClosedCredentialEdits;

impl Modify for ClosedCredentialEdits {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::RefOr;
        use utoipa::openapi::schema::{AdditionalProperties, Schema};
        let Some(RefOr::T(Schema::OneOf(edit))) = openapi
            .components
            .as_mut()
            .and_then(|components| components.schemas.get_mut("FieldEdit"))
        else {
            return;
        };
        for variant in &mut edit.items {
            if let RefOr::T(Schema::Object(object)) = variant {
                object.additional_properties =
                    Some(Box::new(AdditionalProperties::FreeForm(false)));
            }
        }
    }
}

/// This OpenAPI document.
#[utoipa::path(get, path = "/api/openapi.json", tag = "meta", responses((status = 200, description = "OpenAPI 3.1 document")))]
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
