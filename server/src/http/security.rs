//! Security headers on every response, in one place.
//!
//! Pages get a strict Content-Security-Policy with a nonce made for that response: only
//! our own scripts, and inline scripts that carry the nonce (Leptos' hydration scripts
//! and resource data read it through [`provide_nonce`]), may run; markup that reached a
//! page some other way cannot execute, so an escaping mistake is not yet a stored XSS.
//! WebAssembly needs `'wasm-unsafe-eval'`. Everything that is not a page (JSON, assets)
//! gets `default-src 'none'`. All responses say `nosniff`, may not be framed, and send a
//! `Referer` only to this site (a cross-site `Referer` would carry the page's path to a
//! provider; same-site requests keep it, and their `Origin`, for the CSRF check).

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::{
    CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY,
    X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderMap, HeaderValue, request::Parts};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine;
use leptos::prelude::{provide_context, use_context};

use crate::state::AppState;

/// The policy of everything that is not an HTML page.
const NOT_A_PAGE: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/// The nonce of one response's inline scripts: 128 random bits.
#[derive(Clone, Debug)]
pub struct CspNonce(Arc<str>);

impl CspNonce {
    fn generate() -> Option<Self> {
        let mut bytes = [0_u8; 16];
        getrandom::fill(&mut bytes).ok()?;
        Some(CspNonce(
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .encode(bytes)
                .into(),
        ))
    }
}

/// The policy of an HTML page whose inline scripts carry `nonce`.
pub fn page_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Makes the request's nonce the one Leptos writes into its inline scripts. Called in the
/// context of every rendered page (the router's additional context); leptos_axum makes a
/// nonce of its own first, which this replaces, so the header and the page agree.
pub fn provide_nonce() {
    if let Some(nonce) = use_context::<Parts>()
        .as_ref()
        .and_then(|parts| parts.extensions.get::<CspNonce>())
    {
        provide_context(leptos::nonce::Nonce::from_value(nonce.0.clone()));
    }
}

/// The middleware: a nonce for requests that may render a page, the headers on the way out.
pub async fn headers(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let nonce = if super::auth::is_page(request.uri().path()) {
        CspNonce::generate()
    } else {
        None
    };
    if let Some(nonce) = &nonce {
        request.extensions_mut().insert(nonce.clone());
    }
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let policy = match &nonce {
        Some(nonce) if is_html(headers) => page_policy(&nonce.0),
        _ => NOT_A_PAGE.to_owned(),
    };
    if let Ok(policy) = HeaderValue::from_str(&policy) {
        headers.insert(CONTENT_SECURITY_POLICY, policy);
    }
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if state.config.public_url.scheme() == "https" {
        headers.insert(
            STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    response
}

fn is_html(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"))
}
