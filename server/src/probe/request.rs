//! The request a probe sends, built from the connector type's test template (`test` in
//! its definition) with the instance's configuration and credentials: method, address,
//! headers, body, and the credentials applied as the chosen sign-in method declares
//! (bearer, basic, headers, query). Building it also gathers every form of every
//! credential the request may carry, so the probe can redact its trace before anything
//! is sent; and it says which headers carry credentials, so a redirect to another
//! origin can drop them.

use app::model::ConnectorType;
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;

use super::SENSITIVE_HEADERS;
use super::template::Renderer;
use crate::credentials::Secrets;
use crate::outbound::{Carries, Redactor};

/// The request as the test describes it for one instance, before any connection.
pub(super) struct Planned {
    /// The method as the test names it (`GET` when it names none), for the trace.
    pub(super) method: String,
    /// The rendered address, not yet parsed, without the credentials' query pairs.
    pub(super) url: String,
    /// Query pairs from the credentials, added once the address parses.
    pub(super) query: Vec<(String, String)>,
    /// Knows every form of every credential the request may carry (see below).
    pub(super) redactor: Redactor,
    pub(super) outgoing: Outgoing,
}

/// Builds `entry`'s test request for an instance with `config` and `secrets`.
pub(super) fn plan(entry: &ConnectorType, config: &Value, secrets: Option<&Secrets>) -> Planned {
    let test = &entry.test;
    let mut renderer = Renderer::new(config, secrets);
    let method = test
        .get("method")
        .and_then(Value::as_str)
        .unwrap_or("GET")
        .to_owned();
    let url_text = renderer.render(test.get("url").and_then(Value::as_str).unwrap_or_default());
    let mut headers = HeaderMap::new();
    for (name, value) in test
        .get("headers")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let value = renderer.render(value.as_str().unwrap_or_default());
        insert_header(&mut headers, &renderer.render(name), &value);
    }
    let mut query: Vec<(String, String)> = Vec::new();
    // Values combined from credentials, redacted as such (`user:password`).
    let mut combined: Vec<String> = Vec::new();
    let chosen = secrets
        .and_then(|secrets| secrets.get(app::model::METHOD_FIELD))
        .and_then(Value::as_str);
    let method_key = entry.sign_in_method(chosen).to_owned();
    if let Some(application) = test
        .get("credentials")
        .and_then(|c| c.get(&method_key))
        .and_then(Value::as_object)
    {
        if let Some(bearer) = application.get("bearer").and_then(Value::as_str) {
            let token = renderer.render(bearer);
            insert_header(&mut headers, "authorization", &format!("Bearer {token}"));
        }
        if let Some(basic) = application.get("basic") {
            use base64::Engine;
            let user = renderer.render(
                basic
                    .get("username")
                    .and_then(Value::as_str)
                    .unwrap_or_default(),
            );
            let password = renderer.render(
                basic
                    .get("password")
                    .and_then(Value::as_str)
                    .unwrap_or_default(),
            );
            let pair = format!("{user}:{password}");
            let encoded = base64::engine::general_purpose::STANDARD.encode(&pair);
            combined.push(pair);
            insert_header(&mut headers, "authorization", &format!("Basic {encoded}"));
        }
        for (name, value) in application
            .get("headers")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let value = renderer.render(value.as_str().unwrap_or_default());
            insert_header(&mut headers, &renderer.render(name), &value);
        }
        for (name, value) in application
            .get("query")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            query.push((
                name.clone(),
                renderer.render(value.as_str().unwrap_or_default()),
            ));
        }
    }
    let body = match test.get("body") {
        Some(Value::String(text)) => Some(renderer.render(text)),
        Some(object @ Value::Object(_)) => Some(renderer.render(&object.to_string())),
        _ => None,
    };
    // Every credential field (used or not), what was combined from them, and each
    // header value as sent when it holds a credential (`Basic …`, `Token …`).
    let carries = if renderer.used_secrets.is_empty() && !headers.contains_key(AUTHORIZATION) {
        Carries::Nothing
    } else {
        Carries::Credentials
    };
    let mut values = renderer.used_secrets.clone();
    values.extend(combined);
    if let Some(secrets) = secrets {
        values.extend(secrets.secret_values().map(str::to_owned));
    }
    let carrying: Vec<(HeaderName, String)> = headers
        .iter()
        .filter_map(|(name, value)| Some((name, value.to_str().ok()?)))
        .filter(|(name, value)| {
            SENSITIVE_HEADERS.contains(&name.as_str())
                || renderer
                    .used_secrets
                    .iter()
                    .any(|secret| value.contains(secret.as_str()))
        })
        .map(|(name, value)| (name.clone(), value.to_owned()))
        .collect();
    values.extend(carrying.iter().map(|(_, value)| value.clone()));
    let credential_headers = carrying.into_iter().map(|(name, _)| name).collect();
    let sent_method =
        reqwest::Method::from_bytes(method.as_bytes()).unwrap_or(reqwest::Method::GET);
    Planned {
        method,
        url: url_text,
        query,
        redactor: Redactor::new(&values),
        outgoing: Outgoing {
            method: sent_method,
            headers,
            credential_headers,
            body,
            carries,
        },
    }
}

/// A probe request as built from the test, sent again for each redirect followed.
pub(super) struct Outgoing {
    method: reqwest::Method,
    headers: HeaderMap,
    /// The headers that carry credentials (`Authorization`, an API key, any header a
    /// credential template filled): dropped when a redirect leaves the origin.
    credential_headers: Vec<HeaderName>,
    body: Option<String>,
    pub(super) carries: Carries,
}

impl Outgoing {
    pub(super) fn request(&self, url: reqwest::Url) -> reqwest::Request {
        let mut request = reqwest::Request::new(self.method.clone(), url);
        *request.headers_mut() = self.headers.clone();
        if let Some(body) = &self.body {
            *request.body_mut() = Some(body.clone().into());
        }
        request
    }

    /// After a redirect with `status` from `from` to `to`: 303, and 301 or 302 after a
    /// POST, continue as a GET without a body, as browsers and HTTP clients do; 307 and
    /// 308 repeat the request. Credentials go only to the origin they were configured
    /// for: another scheme or port of the same host gets the request without them.
    pub(super) fn redirected(
        &mut self,
        status: reqwest::StatusCode,
        from: &reqwest::Url,
        to: &reqwest::Url,
    ) {
        if from.origin() != to.origin() {
            for name in &self.credential_headers {
                self.headers.remove(name);
            }
            for name in [
                AUTHORIZATION,
                reqwest::header::COOKIE,
                reqwest::header::PROXY_AUTHORIZATION,
            ] {
                self.headers.remove(name);
            }
        }
        let to_get = status == reqwest::StatusCode::SEE_OTHER
            || (matches!(status.as_u16(), 301 | 302) && self.method == reqwest::Method::POST);
        if to_get {
            self.method = reqwest::Method::GET;
            self.body = None;
            self.headers.remove(reqwest::header::CONTENT_TYPE);
            self.headers.remove(reqwest::header::CONTENT_LENGTH);
        }
    }
}

fn insert_header(headers: &mut HeaderMap, name: &str, value: &str) {
    if let (Ok(name), Ok(value)) = (
        HeaderName::from_bytes(name.as_bytes()),
        HeaderValue::from_str(value),
    ) {
        headers.insert(name, value);
    }
}
