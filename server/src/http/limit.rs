//! The request body limit (`CONNECTORS_MAX_BODY_BYTES`): 413 however the body is sent.
//!
//! A body whose `Content-Length` is over the limit is refused before it is read. A
//! chunked body has no length: it is cut off where it passes the limit, while a handler
//! reads it, and the handler's decoder reports that as its own failure (axum's `Json`
//! as a 400, a server function as a 500). So this layer notes that the limit was hit and
//! answers 413 whatever the handler made of it; nothing the handler did is kept, because
//! it never had the whole body.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use app::error::AppError;
use axum::Json;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::{BodyExt, LengthLimitError, Limited};

use super::error::ApiError;

/// Middleware: `max` is the limit in bytes.
pub async fn limit_body(State(max): State<usize>, request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|length| length > max as u64) {
        return too_large(request.uri().path());
    }
    let path = request.uri().path().to_owned();
    let exceeded = Arc::new(AtomicBool::new(false));
    let flag = exceeded.clone();
    let (parts, body) = request.into_parts();
    let body = Limited::new(body, max).map_err(move |error| {
        if error.downcast_ref::<LengthLimitError>().is_some() {
            flag.store(true, Ordering::SeqCst);
        }
        error
    });
    let response = next.run(Request::from_parts(parts, Body::new(body))).await;
    if exceeded.load(Ordering::SeqCst) {
        too_large(&path)
    } else {
        response
    }
}

/// 413 in the error shape of the path: the REST API's JSON error, or for a server
/// function the [`AppError`] its client decodes.
fn too_large(path: &str) -> Response {
    if path.starts_with("/sfn/") {
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            Json(AppError::PayloadTooLarge),
        )
            .into_response()
    } else {
        ApiError(AppError::PayloadTooLarge).into_response()
    }
}
