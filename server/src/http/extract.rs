//! The REST handlers' extractors, in one place: axum's `Json`, `Path` and `Query` whose
//! rejections are the API's JSON error (never axum's plain-text one), and an optional
//! JSON body. A rejection's message never quotes the input, which may be a secret.

use app::error::{AppError, FieldErrors};
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use super::error::ApiError;

/// `Json` whose rejection is our JSON error.
#[derive(FromRequest)]
#[from_request(via(Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

/// `Path` whose rejection is our JSON error.
#[derive(FromRequestParts)]
#[from_request(via(Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

/// `Query` whose rejection is our JSON error.
#[derive(FromRequestParts)]
#[from_request(via(Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

/// A JSON body that may be left out: an empty (or all-whitespace) body is `T::default()`.
/// Any other body must be JSON of `T`; its content type is not checked, so a bare
/// `curl -X POST` works.
pub struct OptionalApiJson<T>(pub T);

impl<T, S> FromRequest<S> for OptionalApiJson<T>
where
    T: DeserializeOwned + Default,
    S: Send + Sync,
{
    /// A body that cannot be read keeps axum's answer (413 over the body limit, which
    /// the API's error layer gives the JSON shape); a body that is not `T` is a 400.
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let body = Bytes::from_request(request, state)
            .await
            .map_err(IntoResponse::into_response)?;
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(OptionalApiJson(T::default()));
        }
        serde_json::from_slice(&body)
            .map(OptionalApiJson)
            .map_err(|error| {
                let message = format!("The body could not be read: {error}");
                let error = ApiError(AppError::InvalidInput {
                    message: app::error::without_quoted_values(&message),
                    fields: FieldErrors::new(),
                });
                error.into_response()
            })
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        ApiError(AppError::InvalidInput {
            message: rejection.body_text(),
            fields: FieldErrors::new(),
        })
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        ApiError(AppError::InvalidInput {
            message: rejection.body_text(),
            fields: FieldErrors::new(),
        })
    }
}

impl From<JsonRejection> for ApiError {
    /// The decoder's message, without the input it quotes (which may be a secret).
    fn from(rejection: JsonRejection) -> Self {
        let message = match &rejection {
            JsonRejection::MissingJsonContentType(_) => {
                "Send the body as JSON with Content-Type: application/json.".to_owned()
            }
            other => app::error::without_quoted_values(&other.body_text()),
        };
        ApiError(AppError::InvalidInput {
            message,
            fields: FieldErrors::new(),
        })
    }
}
