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
        || path == "/favicon.ico"
        || path == app::components::scripted::WITHOUT_SCRIPT_STYLESHEET)
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
/// A request passes when its `Origin` (or, lacking that, `Referer`) is this server's
/// origin: the configured public URL's, or the public URL's scheme with the host the
/// request was sent to (see [`is_own_origin`]). Requests with neither header
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

/// The origin of a URL as browsers compare it: scheme, host and port, with the scheme's
/// default port filled in and the host normalised by the `url` crate (lower-cased,
/// IDNA). `None` for opaque origins (`null`, `file:`, `data:`), which are never ours.
fn origin_of(url: &url::Url) -> Option<url::Origin> {
    let origin = url.origin();
    origin.is_tuple().then_some(origin)
}

/// Whether `origin` (an `Origin` header, or a `Referer` whose origin is taken) is this
/// server's. It is when it equals the configured public URL's origin, or when it has the
/// public URL's scheme and names the host the request was sent to (`Host`), e.g. another
/// name the server answers to. Scheme and port count: a page on plain http is another
/// origin than the https site even at the same host name, and could be anyone's on a
/// network that can rewrite plain http.
fn is_own_origin(origin: &str, headers: &HeaderMap, public_url: &url::Url) -> bool {
    let Some(claimed) = url::Url::parse(origin).ok().as_ref().and_then(origin_of) else {
        return false;
    };
    if origin_of(public_url).as_ref() == Some(&claimed) {
        return true;
    }
    let url::Origin::Tuple(scheme, ..) = &claimed else {
        return false;
    };
    if scheme != public_url.scheme() {
        return false;
    }
    headers
        .get(HOST)
        .and_then(|value| value.to_str().ok())
        .and_then(|host| host_origin(scheme, host))
        .is_some_and(|requested| requested == claimed)
}

/// The origin a request's `Host` names under `scheme`, if the header is just a host and
/// an optional port (nothing that would make the URL parser read it as something else).
fn host_origin(scheme: &str, host: &str) -> Option<url::Origin> {
    if host.is_empty() || host.contains(['/', '\\', '@', '?', '#']) {
        return None;
    }
    let url = url::Url::parse(&format!("{scheme}://{host}")).ok()?;
    origin_of(&url)
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
        let local = url::Url::parse("http://127.0.0.1:3000").unwrap();
        assert!(is_own_origin(
            "http://localhost:3000",
            &host("localhost:3000"),
            &local
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
    fn the_scheme_is_part_of_the_origin() {
        let https = url::Url::parse("https://hub.example.com").unwrap();
        let http = url::Url::parse("http://127.0.0.1:3200").unwrap();
        // A page on plain http (default port) is another origin than the https site, even
        // when the request names the same host.
        assert!(!is_own_origin(
            "http://hub.example.com",
            &host("hub.example.com"),
            &https
        ));
        assert!(!is_own_origin(
            "http://hub.example.com/settings",
            &host("x"),
            &https
        ));
        // And the other way round, on an explicit port.
        for claimed in [
            "https://127.0.0.1:3200",
            "ws://127.0.0.1:3200",
            "wss://127.0.0.1:3200",
            "ftp://127.0.0.1:3200",
        ] {
            assert!(
                !is_own_origin(claimed, &host("127.0.0.1:3200"), &http),
                "{claimed}"
            );
        }
        // The request's Host on another scheme than the public URL's is no proof either.
        assert!(!is_own_origin(
            "http://127.0.0.1:3000",
            &host("127.0.0.1:3000"),
            &https
        ));
        assert!(!is_own_origin(
            "wss://hub.example.com",
            &host("hub.example.com"),
            &https
        ));
    }

    #[test]
    fn origins_compare_after_normalisation() {
        let public = url::Url::parse("https://hub.example.com").unwrap();
        // Explicit default port: the same origin, in the header or in Host.
        assert!(is_own_origin(
            "https://hub.example.com:443",
            &host("10.0.0.5:3000"),
            &public
        ));
        assert!(is_own_origin(
            "https://alias.example.com",
            &host("alias.example.com:443"),
            &public
        ));
        assert!(is_own_origin(
            "https://alias.example.com:443",
            &host("alias.example.com"),
            &public
        ));
        // Host names are case-insensitive; browsers send them lower-cased, but equal after
        // normalisation is equal.
        assert!(is_own_origin(
            "https://HUB.Example.com",
            &host("10.0.0.5:3000"),
            &public
        ));
        assert!(is_own_origin(
            "https://alias.example.com",
            &host("ALIAS.example.COM"),
            &public
        ));
        // A trailing dot names another origin to a browser: accepted only when the request
        // itself was sent to that name.
        assert!(!is_own_origin(
            "https://hub.example.com.",
            &host("10.0.0.5:3000"),
            &public
        ));
        assert!(is_own_origin(
            "https://hub.example.com.",
            &host("hub.example.com."),
            &public
        ));
        assert!(!is_own_origin(
            "https://hub.example.com",
            &host("hub.example.com.:8443"),
            &url::Url::parse("https://other.example.com").unwrap()
        ));
        // Another port is another origin.
        assert!(!is_own_origin(
            "https://hub.example.com:8443",
            &host("10.0.0.5:3000"),
            &public
        ));
        // A Host that is not just a host and port proves nothing.
        assert!(!is_own_origin(
            "https://hub.example.com",
            &host("evil.example@hub.example.com"),
            &url::Url::parse("https://other.example.com").unwrap()
        ));
    }

    #[test]
    fn pages_exclude_api_assets_and_health() {
        assert!(is_page("/catalog") && is_page("/") && is_page("/login"));
        assert!(!is_page("/api/catalog") && !is_page("/sfn/login") && !is_page("/pkg/app.wasm"));
        assert!(!is_page("/healthz") && !is_page("/favicon.ico"));
    }
}
