use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

use crate::state::AppState;
use crate::store::{StorageFault, StoreError};

/// How long `/healthz` waits for the database: an orchestrator's probe wants a quick
/// answer during an outage, not the 5 s a request waits for a connection.
const HEALTH_BUDGET: Duration = Duration::from_secs(1);

#[derive(Serialize, ToSchema)]
pub struct Health {
    /// `ok`, or `unavailable` when the database does not accept a write.
    pub status: &'static str,
    /// What is wrong, when something is: `disk full`, `read-only`, `database shutting
    /// down`, `database busy`, `disk I/O error` or `database unavailable`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'static str>,
}

/// Liveness and readiness: 200 when the database accepts a small write within a second,
/// 503 with the reason otherwise.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "health",
    responses(
        (status = 200, description = "Serving", body = Health),
        (status = 503, description = "The database does not accept writes; `reason` says why", body = Health),
    )
)]
pub async fn healthz(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let written = tokio::time::timeout(HEALTH_BUDGET, state.store.write_health()).await;
    let fault = match written {
        Ok(Ok(())) => {
            return (
                StatusCode::OK,
                Json(Health {
                    status: "ok",
                    reason: None,
                }),
            );
        }
        Ok(Err(StoreError::Unavailable { fault, detail })) => {
            tracing::warn!(%fault, %detail, "health check failed");
            fault
        }
        Ok(Err(error)) => {
            tracing::error!(%error, "health check failed");
            StorageFault::Unreachable
        }
        Err(_) => {
            tracing::warn!("health check: the database did not answer within {HEALTH_BUDGET:?}");
            StorageFault::Unreachable
        }
    };
    (
        StatusCode::SERVICE_UNAVAILABLE,
        Json(Health {
            status: "unavailable",
            reason: Some(fault.label()),
        }),
    )
}
