//! The JSON error shape of the REST API:
//! `{"error": {"code": "...", "message": "...", "fields": {"path": ["msg"]}}}`.
//!
//! Invalid input is 400 (not 422) with `fields`; see the README's API section.

use app::error::{AppError, FieldErrors};
use axum::Json;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// The body of every REST error response.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code, e.g. `not_found`, `invalid_input`.
    pub code: String,
    /// What went wrong, for people.
    pub message: String,
    /// Field errors keyed by input path; empty unless the input was invalid.
    pub fields: FieldErrors,
}

/// An [`AppError`] on its way out of a REST handler.
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        ApiError(error)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.0.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.0.code().to_owned(),
                message: self.0.to_string(),
                fields: self.0.fields(),
            },
        };
        (status, Json(body)).into_response()
    }
}

/// Any `/api/…` path without a route.
pub async fn api_not_found() -> ApiError {
    ApiError(AppError::NotFound(
        "no API endpoint at this path".to_owned(),
    ))
}

/// Gives every error under `/api/` the JSON shape, including those produced by
/// middleware or by axum itself (the body limit's 413, a 405).
pub async fn api_errors_as_json(request: Request, next: Next) -> Response {
    let is_api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    if is_api {
        json_error_bodies(response)
    } else {
        response
    }
}

/// Server functions answer every error with status 500; this gives each the status of
/// the [`AppError`] it carries (400 for invalid input, 401, 403, 404, 409, 429, 503), so
/// browsers, clients and logs see what happened. The body is left as it was.
pub async fn server_fn_error_status(request: Request, next: Next) -> Response {
    let is_server_fn = request.uri().path().starts_with("/sfn/");
    let response = next.run(request).await;
    if !is_server_fn || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_ERROR_BODY).await else {
        parts.status = StatusCode::INTERNAL_SERVER_ERROR;
        return Response::from_parts(parts, axum::body::Body::empty());
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status =
            StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// Error bodies are a few hundred bytes; anything larger is not one of ours.
const MAX_ERROR_BODY: usize = 64 * 1024;

fn json_error_bodies(response: Response) -> Response {
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/json"));
    if is_json || !(response.status().is_client_error() || response.status().is_server_error()) {
        return response;
    }
    let error = match response.status() {
        StatusCode::PAYLOAD_TOO_LARGE => AppError::PayloadTooLarge,
        StatusCode::NOT_FOUND => AppError::NotFound("not found".to_owned()),
        StatusCode::METHOD_NOT_ALLOWED => AppError::InvalidInput {
            message: "this method is not allowed on this path".to_owned(),
            fields: FieldErrors::new(),
        },
        status if status.is_server_error() => AppError::Internal,
        _ => AppError::InvalidInput {
            message: "the request could not be processed".to_owned(),
            fields: FieldErrors::new(),
        },
    };
    let status = response.status();
    let mut json = ApiError(error).into_response();
    *json.status_mut() = status;
    json
}
