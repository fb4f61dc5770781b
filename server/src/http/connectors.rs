//! Installed connector instances over REST: thin handlers over [`ConnectorPort`].
//!
//! [`ConnectorPort`]: app::ports::ConnectorPort

use app::model::connector::{
    AuditEntry, Connector, ConnectorUpdate, NewConnector, PublishTarget, ValidateConfigInput,
    ValidationReport,
};
use app::ports::Ports;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::auth::SignedIn;
use super::error::{ApiError, ErrorBody};
use super::extract::{ApiJson, ApiPath, ApiQuery};

/// The instances the caller may see, credentials masked.
#[utoipa::path(
    get,
    path = "/api/installed",
    tag = "connectors",
    responses(
        (status = 200, description = "Instances by name", body = [Connector]),
        (status = 401, description = "Not signed in", body = ErrorBody),
    ),
    security(("bearer" = []), ("session" = []))
)]
pub async fn installed(
    State(ports): State<Ports>,
    SignedIn(who): SignedIn,
) -> Result<Json<Vec<Connector>>, ApiError> {
    Ok(Json(ports.connectors.list(&who).await?))
}

/// One instance, credentials masked.
#[utoipa::path(
    get,
    path = "/api/connectors/{id}",
    tag = "connectors",
    params(("id" = Uuid, Path, description = "The instance's id")),
    responses(
        (status = 200, description = "The instance", body = Connector),
        (status = 400, description = "The id is not a UUID", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such instance in this tenant", body = ErrorBody),
    ),
    security(("bearer" = []), ("session" = []))
)]
pub async fn get(
    State(ports): State<Ports>,
    SignedIn(who): SignedIn,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Connector>, ApiError> {
    Ok(Json(ports.connectors.get(&who, id).await?))
}

/// Install an instance of a catalog type (owners and admins).
#[utoipa::path(
    post,
    path = "/api/connectors",
    tag = "connectors",
    request_body = NewConnector,
    responses(
        (status = 201, description = "Installed: `inactive` when its credentials are complete, else `pending`", body = Connector),
        (status = 400, description = "Invalid input; `fields` says where", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Your role cannot install connectors", body = ErrorBody),
        (status = 409, description = "The name is taken in this tenant", body = ErrorBody),
    ),
    security(("bearer" = []), ("session" = []))
)]
pub async fn create(
    State(ports): State<Ports>,
    SignedIn(who): SignedIn,
    ApiJson(input): ApiJson<NewConnector>,
) -> Result<(StatusCode, Json<Connector>), ApiError> {
    let created = ports.connectors.install(&who, input).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Partial update: name, description, config, credentials (per field keep / replace /
/// clear), status, scope, allowed roles, tags.
#[utoipa::path(
    put,
    path = "/api/connectors/{id}",
    tag = "connectors",
    params(("id" = Uuid, Path, description = "The instance's id")),
    request_body = ConnectorUpdate,
    responses(
        (status = 200, description = "The updated instance", body = Connector),
        (status = 400, description = "Invalid input; `fields` says where", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Your role cannot change this instance", body = ErrorBody),
        (status = 404, description = "No such instance in this tenant", body = ErrorBody),
        (status = 409, description = "Name taken, a status change that is not allowed, or `confirmation_required` to activate after a failed test", body = ErrorBody),
    ),
    security(("bearer" = []), ("session" = []))
)]
pub async fn update(
    State(ports): State<Ports>,
    SignedIn(who): SignedIn,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<ConnectorUpdate>,
) -> Result<Json<Connector>, ApiError> {
    Ok(Json(ports.connectors.update(&who, id, input).await?))
}

/// Delete an instance and its credentials.
#[utoipa::path(
    delete,
    path = "/api/connectors/{id}",
    tag = "connectors",
    params(("id" = Uuid, Path, description = "The instance's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "The id is not a UUID", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Your role cannot delete this instance", body = ErrorBody),
        (status = 404, description = "No such instance in this tenant", body = ErrorBody),
    ),
    security(("bearer" = []), ("session" = []))
)]
pub async fn delete(
    State(ports): State<Ports>,
    SignedIn(who): SignedIn,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode, ApiError> {
    ports.connectors.delete(&who, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Check a configuration against a type's schema without saving anything.
#[utoipa::path(
    post,
    path = "/api/validate-config",
    tag = "connectors",
    request_body = ValidateConfigInput,
    responses(
        (status = 200, description = "Whether it is valid, and the errors by field path", body = ValidationReport),
        (status = 400, description = "Unknown type or malformed request", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Sent with a session cookie from another site (no Origin of this server)", body = ErrorBody),
    ),
    security(("bearer" = []), ("session" = []))
)]
pub async fn validate_config(
    State(ports): State<Ports>,
    SignedIn(who): SignedIn,
    ApiJson(input): ApiJson<ValidateConfigInput>,
) -> Result<Json<ValidationReport>, ApiError> {
    Ok(Json(ports.connectors.validate_config(&who, input).await?))
}

/// Active instances the caller may use, for other parts of the platform.
#[utoipa::path(
    get,
    path = "/api/publish-targets",
    tag = "connectors",
    responses(
        (status = 200, description = "Usable active instances", body = [PublishTarget]),
        (status = 401, description = "Not signed in", body = ErrorBody),
    ),
    security(("bearer" = []), ("session" = []))
)]
pub async fn publish_targets(
    State(ports): State<Ports>,
    SignedIn(who): SignedIn,
) -> Result<Json<Vec<PublishTarget>>, ApiError> {
    Ok(Json(ports.connectors.publish_targets(&who).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// The instance whose trail to read.
    pub connector_id: Uuid,
}

/// The audit trail of one instance, newest first (at most 200 entries).
#[utoipa::path(
    get,
    path = "/api/audit",
    tag = "connectors",
    params(AuditQuery),
    responses(
        (status = 200, description = "Audit entries; never secret values", body = [AuditEntry]),
        (status = 400, description = "Missing or malformed connector_id", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such instance in this tenant", body = ErrorBody),
    ),
    security(("bearer" = []), ("session" = []))
)]
pub async fn audit(
    State(ports): State<Ports>,
    SignedIn(who): SignedIn,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> Result<Json<Vec<AuditEntry>>, ApiError> {
    Ok(Json(
        ports.connectors.audit(&who, query.connector_id).await?,
    ))
}
