//! A real OAuth 2.0 provider on loopback for the tests: authorization endpoint, token
//! endpoint (authorization code with PKCE S256, refresh with rotation), and switches to
//! make it deny, fail or count.
//!
//! Asked for `openid`, it behaves like an OpenID provider (node-oidc-provider, which the
//! Playwright suite runs): `offline_access` is granted only when the request also says
//! `prompt=consent` (OpenID Connect Core 1.0 §11), and a refresh token is issued only with
//! `offline_access`; the response's `scope` is what was granted. And like it, a rotated
//! (consumed) refresh token presented again revokes every refresh token of its grant.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::json;
use sha2::{Digest, Sha256};

pub const CLIENT_ID: &str = "hub-client";
/// With characters HTTP Basic client credentials must encode (RFC 6749 §2.3.1).
pub const CLIENT_SECRET: &str = "hub-client secret+value/50%:1";

/// How the provider behaves from now on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Normal,
    /// `/authorize` redirects back with `error=access_denied`.
    Deny,
    /// `/token` answers 500.
    TokenFails,
    /// `/token` answers `invalid_grant` to refresh requests.
    RefreshRevoked,
    /// `/token` answers 401 `invalid_client` (the client was deleted at the provider).
    ClientRevoked,
    /// `/token` answers as usual, with a NUL character in the scope.
    NulScope,
    /// `/token` refuses a refresh with an error that echoes what it was sent (the refresh
    /// token and the Authorization header), as free text.
    EchoingError,
    /// `/token` answers a refresh with 200 and GitHub's `bad_refresh_token`, no token.
    RefusedWith200,
}

struct Grant {
    challenge: Option<String>,
    redirect_uri: String,
    /// What the token response says was granted.
    scope: String,
    /// Whether a refresh token comes with the tokens.
    refresh: bool,
}

/// A refresh token the provider knows: whether it is still good, the grant's scope, and
/// which grant (sign-in) it belongs to.
struct Refresh {
    active: bool,
    scope: String,
    grant: usize,
}

struct Inner {
    mode: Mutex<Mode>,
    codes: Mutex<HashMap<String, Grant>>,
    used_codes: Mutex<Vec<String>>,
    refresh_tokens: Mutex<HashMap<String, Refresh>>,
    issued: AtomicUsize,
    token_requests: AtomicUsize,
    /// Seconds until issued access tokens expire.
    lifetime: Mutex<i64>,
    /// Whether refreshes return a new refresh token (rotation).
    rotate: Mutex<bool>,
}

#[derive(Clone)]
pub struct Provider {
    pub base_url: String,
    inner: Arc<Inner>,
}

impl Provider {
    pub async fn start() -> Provider {
        let inner = Arc::new(Inner {
            mode: Mutex::new(Mode::Normal),
            codes: Mutex::new(HashMap::new()),
            used_codes: Mutex::new(Vec::new()),
            refresh_tokens: Mutex::new(HashMap::new()),
            issued: AtomicUsize::new(0),
            token_requests: AtomicUsize::new(0),
            lifetime: Mutex::new(3600),
            rotate: Mutex::new(true),
        });
        let app = Router::new()
            .route("/authorize", get(authorize))
            .route("/token", post(token))
            .with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base_url = format!("http://{}", listener.local_addr().expect("addr"));
        tokio::spawn(async move {
            axum::serve(listener, app).await.expect("provider");
        });
        Provider { base_url, inner }
    }

    pub fn set_mode(&self, mode: Mode) {
        *self.inner.mode.lock().expect("lock") = mode;
    }

    pub fn set_lifetime(&self, seconds: i64) {
        *self.inner.lifetime.lock().expect("lock") = seconds;
    }

    /// Whether refreshes return a new refresh token (the default) or none.
    pub fn set_rotation(&self, rotate: bool) {
        *self.inner.rotate.lock().expect("lock") = rotate;
    }

    pub fn token_requests(&self) -> usize {
        self.inner.token_requests.load(Ordering::SeqCst)
    }

    /// The configuration of a generic OAuth2 instance pointing here.
    pub fn generic_config(&self) -> serde_json::Value {
        json!({
            "authorize_url": format!("{}/authorize", self.base_url),
            "token_url": format!("{}/token", self.base_url),
            "base_url": self.base_url,
            "scopes": ["read", "write"],
        })
    }
}

async fn authorize(
    State(inner): State<Arc<Inner>>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let (Some(redirect_uri), Some(state)) = (query.get("redirect_uri"), query.get("state")) else {
        return (
            StatusCode::BAD_REQUEST,
            "redirect_uri and state are required",
        )
            .into_response();
    };
    if query.get("client_id").map(String::as_str) != Some(CLIENT_ID)
        || query.get("response_type").map(String::as_str) != Some("code")
    {
        return (StatusCode::BAD_REQUEST, "unknown client").into_response();
    }
    let state = urlencode(state);
    if *inner.mode.lock().expect("lock") == Mode::Deny {
        return Redirect::to(&format!("{redirect_uri}?error=access_denied&state={state}"))
            .into_response();
    }
    let challenge = match (
        query.get("code_challenge"),
        query.get("code_challenge_method"),
    ) {
        (Some(challenge), Some(method)) if method == "S256" => Some(challenge.clone()),
        (None, None) => None,
        _ => return (StatusCode::BAD_REQUEST, "only S256").into_response(),
    };
    let (scope, refresh) = granted(&query);
    let code = format!("code-{}", inner.issued.fetch_add(1, Ordering::SeqCst));
    inner.codes.lock().expect("lock").insert(
        code.clone(),
        Grant {
            challenge,
            redirect_uri: redirect_uri.clone(),
            scope,
            refresh,
        },
    );
    Redirect::to(&format!("{redirect_uri}?code={code}&state={state}")).into_response()
}

/// The scope granted for an authorization request, and whether it brings a refresh token.
/// An OpenID request (`openid`) gets `offline_access`, and so a refresh token, only with
/// `prompt=consent`; a plain OAuth 2.0 request always gets one.
fn granted(query: &HashMap<String, String>) -> (String, bool) {
    let requested = query.get("scope").map(String::as_str).unwrap_or_default();
    let requested: Vec<&str> = requested.split(' ').filter(|s| !s.is_empty()).collect();
    if !requested.contains(&"openid") {
        return ("read write".to_owned(), true);
    }
    let consent = query
        .get("prompt")
        .is_some_and(|prompt| prompt.split(' ').any(|value| value == "consent"));
    let scope: Vec<&str> = requested
        .into_iter()
        .filter(|scope| *scope != "offline_access" || consent)
        .collect();
    let offline = scope.contains(&"offline_access");
    (scope.join(" "), offline)
}

fn urlencode(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC).to_string()
}

fn oauth_error(code: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        axum::Json(json!({ "error": code })),
    )
        .into_response()
}

/// Client authentication by HTTP Basic or in the form. In the Basic header the id and the
/// secret are each form-urlencoded first (RFC 6749 §2.3.1), and decoded here as
/// node-oidc-provider decodes them.
fn client_ok(headers: &HeaderMap, form: &HashMap<String, String>) -> bool {
    let basic = headers
        .get("authorization")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Basic "))
        .and_then(|encoded| STANDARD.decode(encoded).ok())
        .and_then(|decoded| String::from_utf8(decoded).ok());
    let decode = |part: &str| {
        percent_encoding::percent_decode_str(&part.replace('+', " "))
            .decode_utf8()
            .map(|text| text.into_owned())
            .ok()
    };
    let basic_ok = basic
        .as_deref()
        .and_then(|basic| basic.split_once(':'))
        .and_then(|(id, secret)| Some((decode(id)?, decode(secret)?)))
        .is_some_and(|(id, secret)| id == CLIENT_ID && secret == CLIENT_SECRET);
    let form_ok = form.get("client_id").map(String::as_str) == Some(CLIENT_ID)
        && form.get("client_secret").map(String::as_str) == Some(CLIENT_SECRET);
    basic_ok || form_ok
}

async fn token(
    State(inner): State<Arc<Inner>>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    inner.token_requests.fetch_add(1, Ordering::SeqCst);
    let mode = *inner.mode.lock().expect("lock");
    if mode == Mode::TokenFails {
        return (StatusCode::INTERNAL_SERVER_ERROR, "token endpoint down").into_response();
    }
    if mode == Mode::EchoingError {
        let sent = format!(
            "cannot use {} with {}",
            form.get("refresh_token").cloned().unwrap_or_default(),
            headers
                .get("authorization")
                .and_then(|value| value.to_str().ok())
                .unwrap_or_default()
        );
        return (
            StatusCode::BAD_REQUEST,
            axum::Json(json!({ "error": sent })),
        )
            .into_response();
    }
    if mode == Mode::RefusedWith200 {
        return axum::Json(json!({ "error": "bad_refresh_token", "error_description": "The refresh token passed is incorrect or expired." })).into_response();
    }
    if !client_ok(&headers, &form) || mode == Mode::ClientRevoked {
        return (
            StatusCode::UNAUTHORIZED,
            axum::Json(json!({ "error": "invalid_client" })),
        )
            .into_response();
    }
    match form.get("grant_type").map(String::as_str) {
        Some("authorization_code") => {
            let code = form.get("code").cloned().unwrap_or_default();
            let Some(grant) = inner.codes.lock().expect("lock").remove(&code) else {
                inner.used_codes.lock().expect("lock").push(code);
                return oauth_error("invalid_grant");
            };
            if form.get("redirect_uri") != Some(&grant.redirect_uri) {
                return oauth_error("invalid_grant");
            }
            if let Some(challenge) = grant.challenge {
                let verifier = form.get("code_verifier").cloned().unwrap_or_default();
                let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
                if computed != challenge {
                    return oauth_error("invalid_grant");
                }
            }
            issue(&inner, None, &grant.scope, grant.refresh)
        }
        Some("refresh_token") => {
            if mode == Mode::RefreshRevoked {
                return oauth_error("invalid_grant");
            }
            let presented = form.get("refresh_token").cloned().unwrap_or_default();
            let mut refresh_tokens = inner.refresh_tokens.lock().expect("lock");
            let known = refresh_tokens
                .get(&presented)
                .map(|known| (known.active, known.scope.clone(), known.grant));
            match known {
                Some((true, scope, _)) => {
                    drop(refresh_tokens);
                    issue(&inner, Some(presented), &scope, true)
                }
                Some((false, _, grant)) => {
                    for token in refresh_tokens.values_mut().filter(|t| t.grant == grant) {
                        token.active = false;
                    }
                    oauth_error("invalid_grant")
                }
                None => oauth_error("invalid_grant"),
            }
        }
        _ => oauth_error("unsupported_grant_type"),
    }
}

/// Tokens for `scope`: an access token, and a refresh token when `with_refresh` (a new one,
/// unless this is a refresh without rotation).
fn issue(inner: &Inner, refreshed: Option<String>, scope: &str, with_refresh: bool) -> Response {
    let n = inner.issued.fetch_add(1, Ordering::SeqCst);
    let rotate = *inner.rotate.lock().expect("lock");
    let lifetime = *inner.lifetime.lock().expect("lock");
    let mut body = json!({
        "access_token": format!("access-token-{n}-value"),
        "token_type": "Bearer",
        "expires_in": lifetime,
        "scope": scope,
    });
    if *inner.mode.lock().expect("lock") == Mode::NulScope {
        body["scope"] = json!("read wr\u{0}ite");
    }
    if !with_refresh {
        return axum::Json(body).into_response();
    }
    let mut refresh_tokens = inner.refresh_tokens.lock().expect("lock");
    let grant = refreshed
        .as_ref()
        .and_then(|old| refresh_tokens.get(old))
        .map_or(n, |old| old.grant);
    let refresh = match (&refreshed, rotate) {
        (Some(old), false) => Some(old.clone()),
        (Some(old), true) => {
            if let Some(known) = refresh_tokens.get_mut(old) {
                known.active = false;
            }
            None
        }
        (None, _) => None,
    }
    .unwrap_or_else(|| format!("refresh-token-{n}-value"));
    refresh_tokens.insert(
        refresh.clone(),
        Refresh {
            active: true,
            scope: scope.to_owned(),
            grant,
        },
    );
    if refreshed.is_none() || rotate {
        body["refresh_token"] = json!(refresh);
    }
    axum::Json(body).into_response()
}
