use std::sync::LazyLock;

use axum::Json;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// The OpenAPI document's frame: title, tags, shared schemas and security schemes. The
/// paths come from the routes themselves ([`super::rest_routes`] registers each handler
/// once, with its annotation), so a route cannot go undocumented.
#[derive(OpenApi)]
#[openapi(
    info(title = "Connector Hub API", description = "Connector types, instances, credentials and tests."),
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

/// The whole document: the frame with every registered route's operation and schemas.
/// Built once; the routes do not change while the server runs.
pub fn full_document() -> &'static utoipa::openapi::OpenApi {
    static DOCUMENT: LazyLock<utoipa::openapi::OpenApi> = LazyLock::new(|| {
        let mut document = super::rest_routes().into_openapi();
        // After the routes: the schemas it closes come with them.
        ClosedCredentialEdits.modify(&mut document);
        document
    });
    &DOCUMENT
}

/// This OpenAPI document.
#[utoipa::path(get, path = "/api/openapi.json", tag = "meta", responses((status = 200, description = "OpenAPI 3.1 document")))]
pub async fn document() -> Json<&'static utoipa::openapi::OpenApi> {
    Json(full_document())
}
