//! `GET /api/catalog` and `GET /api/catalog/{key}`.

use app::model::{CatalogFilter, ConnectorType};
use app::ports::Ports;
use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use serde::Deserialize;
use utoipa::IntoParams;

use super::auth::SignedIn;
use super::error::{ApiError, ErrorBody};
use super::extract::{ApiPath, ApiQuery};
use crate::service::CatalogService;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CatalogQuery {
    /// Free text; every word must occur in the name, key, description, category or
    /// authentication label (case-insensitive).
    pub q: Option<String>,
    /// A category slug, e.g. `social`, `payments`.
    pub category: Option<String>,
}

/// List connector types, optionally filtered.
#[utoipa::path(
    get,
    path = "/api/catalog",
    tag = "catalog",
    params(CatalogQuery),
    responses(
        (status = 200, description = "Matching connector types, ordered by name", body = [ConnectorType]),
        (status = 400, description = "Unknown category", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
    ),
    security(("bearer" = []), ("session" = []))
)]
pub async fn list(
    State(catalog): State<Arc<CatalogService>>,
    SignedIn(_who): SignedIn,
    ApiQuery(query): ApiQuery<CatalogQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let filter = CatalogFilter::from_query(query.q.as_deref(), query.category.as_deref())?;
    // The same list as `CatalogPort::list`, serialised once per catalog snapshot.
    let json = catalog.list_json(&filter).await?;
    Ok(([(CONTENT_TYPE, "application/json")], json))
}

/// One connector type by key.
#[utoipa::path(
    get,
    path = "/api/catalog/{key}",
    tag = "catalog",
    params(("key" = String, Path, description = "The type's key, e.g. `wordpress`")),
    responses(
        (status = 200, description = "The connector type", body = ConnectorType),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No type has this key", body = ErrorBody),
    ),
    security(("bearer" = []), ("session" = []))
)]
pub async fn get(
    State(ports): State<Ports>,
    SignedIn(who): SignedIn,
    ApiPath(key): ApiPath<String>,
) -> Result<Json<ConnectorType>, ApiError> {
    Ok(Json(ports.catalog.get(&who, &key).await?))
}
