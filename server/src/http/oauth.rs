//! The OAuth surface: `POST /api/connectors/{id}/oauth/start` (REST) and
//! `GET /oauth/callback`, where providers send the browser back.

use std::sync::Arc;

use app::model::connector::{OAuthStart, OAuthStartInput};
use app::ports::Ports;
use axum::Json;
use axum::extract::{Query, State};
use axum::response::Redirect;

use super::auth::SignedIn;
use super::error::{ApiError, ErrorBody};
use super::extract::{ApiPath, OptionalApiJson};
use crate::service::OAuthService;
use crate::service::oauth::CallbackParams;

/// Start signing an instance in with its provider; send the browser to `authorize_url`.
#[utoipa::path(
    post,
    path = "/api/connectors/{id}/oauth/start",
    tag = "connectors",
    params(("id" = uuid::Uuid, Path, description = "The instance's id")),
    request_body(content = Option<OAuthStartInput>, description = "Optional; `return_to` is `wizard` (default) or `detail`"),
    responses(
        (status = 200, description = "The provider's authorization URL (valid for 10 minutes, once)", body = OAuthStart),
        (status = 400, description = "Malformed body", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Your role cannot change this instance", body = ErrorBody),
        (status = 404, description = "No such instance in this tenant", body = ErrorBody),
        (status = 409, description = "The type does not use OAuth, or no OAuth client is configured", body = ErrorBody),
    ),
    security(("bearer" = []), ("session" = []))
)]
pub async fn start(
    State(ports): State<Ports>,
    SignedIn(who): SignedIn,
    ApiPath(id): ApiPath<uuid::Uuid>,
    OptionalApiJson(input): OptionalApiJson<OAuthStartInput>,
) -> Result<Json<OAuthStart>, ApiError> {
    Ok(Json(ports.oauth.start(&who, id, input.return_to).await?))
}

/// The provider's redirect back. Signed-out visitors are sent to the login page first
/// (and come back here); whatever happens, the browser goes on to a page that says so.
pub async fn callback(
    State(oauth): State<Arc<OAuthService>>,
    SignedIn(who): SignedIn,
    params: Result<Query<CallbackParams>, axum::extract::rejection::QueryRejection>,
) -> Redirect {
    let params = params.map(|Query(params)| params).unwrap_or_default();
    Redirect::to(&oauth.callback(&who, params).await)
}
