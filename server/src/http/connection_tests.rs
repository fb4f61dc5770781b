//! Connection tests over REST: run one now, read the history.

use app::error::AppError;
use app::model::probe::{ConnectionTest, TestInput, TestTrigger};
use app::ports::Ports;
use axum::Json;
use axum::extract::State;
use uuid::Uuid;

use super::auth::SignedIn;
use super::error::{ApiError, ErrorBody};
use super::extract::{ApiPath, OptionalApiJson};

/// Test the instance's connection now (members and up) and record the result.
#[utoipa::path(
    post,
    path = "/api/connectors/{id}/test",
    tag = "connectors",
    params(("id" = Uuid, Path, description = "The instance's id")),
    request_body(content = Option<TestInput>, description = "Optional; `trigger` is `user` (default) or `wizard`"),
    responses(
        (status = 200, description = "The result with its redacted trace (also when the test failed)", body = ConnectionTest),
        (status = 400, description = "Malformed body", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Your role cannot use this instance", body = ErrorBody),
        (status = 404, description = "No such instance in this tenant", body = ErrorBody),
        (status = 409, description = "The credentials cannot be used (re-authentication needed, or undecryptable)", body = ErrorBody),
    ),
    security(("bearer" = []), ("session" = []))
)]
pub async fn run(
    State(ports): State<Ports>,
    SignedIn(who): SignedIn,
    ApiPath(id): ApiPath<Uuid>,
    OptionalApiJson(input): OptionalApiJson<TestInput>,
) -> Result<Json<ConnectionTest>, ApiError> {
    let trigger = match input.trigger {
        Some(TestTrigger::Schedule) => {
            return Err(AppError::invalid_field(
                "trigger",
                "`schedule` is for the health checker; use `user` or `wizard`.",
            )
            .into());
        }
        Some(trigger) => trigger,
        None => TestTrigger::User,
    };
    Ok(Json(ports.connection_tests.run(&who, id, trigger).await?))
}

/// The instance's connection test results, newest first (at most 50).
#[utoipa::path(
    get,
    path = "/api/connectors/{id}/tests",
    tag = "connectors",
    params(("id" = Uuid, Path, description = "The instance's id")),
    responses(
        (status = 200, description = "Results, newest first; traces redacted", body = [ConnectionTest]),
        (status = 400, description = "The id is not a UUID", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such instance in this tenant", body = ErrorBody),
    ),
    security(("bearer" = []), ("session" = []))
)]
pub async fn history(
    State(ports): State<Ports>,
    SignedIn(who): SignedIn,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Vec<ConnectionTest>>, ApiError> {
    Ok(Json(ports.connection_tests.history(&who, id).await?))
}
