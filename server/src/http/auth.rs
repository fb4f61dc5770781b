//! Authentication at the HTTP door: every request gets its principal resolved once; pages
//! send the signed-out to `/login` (or `/setup` on first run); state-changing requests
//! from another origin are refused; REST handlers demand a principal with [`SignedIn`].

use std::net::SocketAddr;
use std::sync::atomic::Ordering;

use app::error::AppError;
use app::model::identity::Principal;
use app::ports::ClientAddr;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::header::{HOST, ORIGIN, REFERER};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

use super::error::ApiError;

use crate::state::AppState;

/// The signed-in principal of a REST request; 401 in the JSON error shape otherwise.
pub struct SignedIn(pub Principal);

impl<S: Send + Sync> FromRequestParts<S> for SignedIn {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        parts
            .extensions
            .get::<Principal>()
            .cloned()
            .map(SignedIn)
            .ok_or(ApiError(AppError::Unauthorized))
    }
}

/// Resolves the principal from the session cookie or Bearer token, and records the peer
/// address, as request extensions for everything downstream (pages and server functions
/// included).
pub async fn authenticate(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    if let Some(ConnectInfo(peer)) = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .copied()
    {
        request.extensions_mut().insert(ClientAddr(peer.ip()));
    }
    match state.auth.resolve(request.headers()).await {
        Ok(Some(principal)) => {
            request.extensions_mut().insert(principal);
        }
        Ok(None) => {}
        Err(error) => return ApiError(error).into_response(),
    }
    next.run(request).await
}

/// Paths that are not pages: they answer 401 themselves, or need no sign-in.
pub(super) fn is_page(path: &str) -> bool {
    !(path.starts_with("/api/")
        || path.starts_with("/sfn/")
        || path.starts_with("/pkg/")
        || path == "/healthz"
        || path == "/favicon.ico")
}

/// Sends people who are not signed in to the login page (with `next` to come back to),
/// or to `/setup` while the installation has no user; signed-in people skip both.
pub async fn guard_pages(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if request.method() != Method::GET || !is_page(path) {
        return next.run(request).await;
    }
    let signed_in = request.extensions().get::<Principal>().is_some();
    let entry_page = path == "/login" || path == "/setup";
    if signed_in {
        return if entry_page {
            Redirect::to("/").into_response()
        } else {
            next.run(request).await
        };
    }
    let setup_required = match setup_required(&state).await {
        Ok(required) => required,
        Err(error) => return ApiError(error).into_response(),
    };
    match (setup_required, path) {
        (true, "/setup") | (false, "/login") | (false, "/setup") => next.run(request).await,
        (true, _) => Redirect::to("/setup").into_response(),
        (false, _) => {
            let target = request
                .uri()
                .path_and_query()
                .map_or(path, |pq| pq.as_str());
            Redirect::to(&format!(
                "/login?next={}",
                utf8_percent_encode(target, NON_ALPHANUMERIC)
            ))
            .into_response()
        }
    }
}

/// Whether first-run setup is still to do. Once an owner exists that never changes, so
/// the answer is cached and the database asked no more.
async fn setup_required(state: &AppState) -> Result<bool, AppError> {
    if state.setup_done.load(Ordering::Relaxed) {
        return Ok(false);
    }
    let required = state.ports.identity.setup_required().await?;
    if !required {
        state.setup_done.store(true, Ordering::Relaxed);
    }
    Ok(required)
}

/// Refuses state-changing requests that a browser sent from another site (CSRF).
///
/// A request passes when its `Origin` (or, lacking that, `Referer`) names this server:
/// the host it was sent to, or the configured public URL. Requests with neither header
/// pass only when they carry no session cookie, e.g. API clients using a Bearer token.
/// Whatever else a request carries (an `Authorization` header of any kind included), a
/// session cookie that the request could be authenticated by makes the rule apply.
pub async fn check_origin(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let headers = request.headers();
    let claimed = headers
        .get(ORIGIN)
        .or_else(|| headers.get(REFERER))
        .and_then(|v| v.to_str().ok());
    let allowed = match claimed {
        Some(origin) => is_own_origin(origin, headers, &state.config.public_url),
        None => !crate::auth::principal::carries_session_cookie(headers),
    };
    if allowed {
        next.run(request).await
    } else {
        tracing::warn!(method = %request.method(), path = %request.uri().path(), "cross-origin request refused");
        ApiError(AppError::Forbidden).into_response()
    }
}

/// `host[:port]` of a URL, the port only when it is not the scheme's default — the form
/// the `Host` header uses.
fn authority(url: &url::Url) -> Option<String> {
    let host = url.host_str()?;
    Some(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    })
}

fn is_own_origin(origin: &str, headers: &HeaderMap, public_url: &url::Url) -> bool {
    let Some(claimed) = url::Url::parse(origin).ok().as_ref().and_then(authority) else {
        return false;
    };
    let host = headers.get(HOST).and_then(|v| v.to_str().ok());
    host == Some(claimed.as_str()) || authority(public_url).as_deref() == Some(claimed.as_str())
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn host(value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(HOST, HeaderValue::from_static(value));
        headers
    }

    #[test]
    fn own_origins_are_the_request_host_or_the_public_url() {
        let public = url::Url::parse("https://hub.example.com").unwrap();
        assert!(is_own_origin(
            "http://127.0.0.1:3000",
            &host("127.0.0.1:3000"),
            &public
        ));
        assert!(is_own_origin(
            "https://hub.example.com",
            &host("10.0.0.5:3000"),
            &public
        ));
        assert!(is_own_origin(
            "https://hub.example.com/settings",
            &host("x"),
            &public
        ));
        assert!(!is_own_origin(
            "https://evil.example",
            &host("127.0.0.1:3000"),
            &public
        ));
        assert!(!is_own_origin(
            "http://127.0.0.1:3001",
            &host("127.0.0.1:3000"),
            &public
        ));
        assert!(!is_own_origin("null", &host("127.0.0.1:3000"), &public));
    }

    #[test]
    fn pages_exclude_api_assets_and_health() {
        assert!(is_page("/catalog") && is_page("/") && is_page("/login"));
        assert!(!is_page("/api/catalog") && !is_page("/sfn/login") && !is_page("/pkg/app.wasm"));
        assert!(!is_page("/healthz") && !is_page("/favicon.ico"));
    }
}
