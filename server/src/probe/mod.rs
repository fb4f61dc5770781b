//! Connection tests: a connector type's declarative probe run with an instance's
//! configuration and credentials (docs/decisions.md, Connection tests), through the
//! server's [`Outbound`] (its address guard, HTTPS rule, body cap and redirect rules)
//! within a 5-second budget. The result is a [`ProbeTrace`] with every form of every
//! credential already redacted.

mod answer;
mod handshake;
pub mod template;

use std::sync::Arc;
use std::time::{Duration, Instant};

use app::model::ConnectorType;
use app::model::probe::{ErrorClass, ProbeStep, ProbeTrace};
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;

use self::template::Renderer;
use crate::credentials::Secrets;
use crate::outbound::guard::NoPublicAddress;
use crate::outbound::{Carries, Outbound, OutboundError, Redactor, Refusal, Unresolved};

/// Everything a probe may take, from resolving the name to the last byte read.
pub const BUDGET: Duration = Duration::from_secs(5);
/// How much of a response body is read at most.
pub const BODY_CAP: usize = crate::outbound::BODY_CAP;
/// How much of it a trace keeps.
const EXCERPT: usize = 2 * 1024;
/// Headers whose values are never shown, whatever they hold.
const SENSITIVE_HEADERS: [&str; 5] = [
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "x-api-key",
];

/// A budget as people read it: "5 seconds", or "300 ms" under a second.
fn spoken(budget: Duration) -> String {
    match budget.as_secs() {
        0 => format!("{} ms", budget.as_millis()),
        1 => "1 second".to_owned(),
        seconds => format!("{seconds} seconds"),
    }
}

/// Runs probes; one per server, sharing the outbound connection pool.
pub struct Prober {
    outbound: Arc<Outbound>,
    /// Everything one probe may take: [`BUDGET`] unless a test sets a shorter one.
    budget: Duration,
    /// For the TLS step; `None` only if ring offered no safe protocol version.
    tls: Option<Arc<tokio_rustls::rustls::ClientConfig>>,
}

/// The trace as it grows; kept outside the timed part so a timeout keeps what happened.
struct Recorder {
    trace: ProbeTrace,
    redactor: Redactor,
}

impl Recorder {
    fn step(&mut self, name: &str, ok: bool, since: Instant, detail: Option<String>) {
        self.trace.steps.push(ProbeStep {
            name: name.to_owned(),
            ok,
            millis: since.elapsed().as_millis() as u64,
            detail: detail.map(|detail| self.redactor.redact(&detail)),
        });
    }

    fn fail(&mut self, class: ErrorClass, message: impl Into<String>) {
        self.trace.ok = false;
        self.trace.error_class = Some(class);
        self.trace.message = self.redactor.redact(&message.into());
    }
}

impl Prober {
    /// A prober with an outbound client of its own (tests); the server shares one.
    pub fn new(allow_private: bool) -> Self {
        Self::with_outbound(Arc::new(Outbound::new(allow_private)))
    }

    pub fn with_outbound(outbound: Arc<Outbound>) -> Self {
        Prober {
            outbound,
            budget: BUDGET,
            tls: handshake::tls_config(),
        }
    }

    /// The same prober with another time budget (tests of a slow service need not wait
    /// the whole [`BUDGET`]).
    pub fn with_budget(mut self, budget: Duration) -> Self {
        self.budget = budget;
        self
    }

    pub fn budget(&self) -> Duration {
        self.budget
    }

    /// Runs `entry`'s test for an instance with `config` and (decrypted) `secrets`.
    pub async fn run(
        &self,
        entry: &ConnectorType,
        config: &Value,
        secrets: Option<&Secrets>,
    ) -> ProbeTrace {
        let started = Instant::now();
        let mut recorder = Recorder {
            trace: ProbeTrace {
                ok: false,
                error_class: None,
                message: String::new(),
                method: String::new(),
                url: String::new(),
                steps: Vec::new(),
                request_headers: Vec::new(),
                status: None,
                response_headers: Vec::new(),
                body_excerpt: None,
                duration_ms: 0,
            },
            redactor: Redactor::default(),
        };
        let step_started = Instant::now();
        let finished = tokio::time::timeout(
            self.budget,
            self.probe(entry, config, secrets, &mut recorder),
        )
        .await;
        if finished.is_err() {
            let phase = if recorder.trace.status.is_some() {
                "response"
            } else {
                "request"
            };
            recorder.step(
                phase,
                false,
                step_started,
                Some(format!("no answer within {}", spoken(self.budget))),
            );
            recorder.fail(
                ErrorClass::Timeout,
                format!(
                    "The service did not answer within {}. Check that the address is right and the service is up; a firewall may be dropping the connection.",
                    spoken(self.budget)
                ),
            );
        }
        recorder.trace.duration_ms = started.elapsed().as_millis() as u64;
        recorder.trace
    }

    async fn probe(
        &self,
        entry: &ConnectorType,
        config: &Value,
        secrets: Option<&Secrets>,
        recorder: &mut Recorder,
    ) {
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
        recorder.redactor = Redactor::new(&values);
        recorder.trace.method = method.clone();
        recorder.trace.url = recorder.redactor.redact(&url_text);

        let Ok(mut url) = reqwest::Url::parse(&url_text) else {
            recorder.fail(
                ErrorClass::Unexpected,
                "The test address is not a valid URL. Check the base URL in the configuration.",
            );
            return;
        };
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query.iter());
        }
        // Credentials only over HTTPS, refused before any connection with what to do. A
        // refused IP literal is the stronger reason and is named by the resolve step; a
        // name without an allowed address still gets the HTTPS reason, which holds whatever
        // it is (and, being the same for every name, tells nothing about which exist).
        let checked = Instant::now();
        let plain_http = match self.outbound.check(&url, carries) {
            Err(refusal @ Refusal::PlainHttp { .. }) => Some(refusal),
            _ => None,
        };
        let Some((host, addresses)) = self.resolve(&url, recorder).await else {
            if let Some(refusal) = plain_http
                && recorder.trace.error_class == Some(ErrorClass::Dns)
            {
                recorder.fail(ErrorClass::Tls, refusal.to_string());
            }
            return;
        };
        if let Err(refusal) = self.outbound.check(&url, carries) {
            recorder.step("tls", false, checked, Some(format!("{host}: not sent")));
            recorder.fail(ErrorClass::Tls, refusal.to_string());
            return;
        }
        if !handshake::connect_and_handshake(
            &self.outbound,
            &url,
            &host,
            &addresses,
            self.tls.as_ref(),
            recorder,
        )
        .await
        {
            return;
        }

        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap_or(reqwest::Method::GET);
        let outgoing = Outgoing {
            method,
            headers,
            credential_headers,
            body,
            carries,
        };
        let Some((response, chain)) = self.send_following(outgoing, url, recorder).await else {
            return;
        };
        let status = response.status();
        recorder.trace.status = Some(status.as_u16());
        recorder.trace.response_headers = shown_headers(response.headers(), &recorder.redactor);
        let header = |name| {
            response
                .headers()
                .get(name)
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned)
        };
        let location = header(reqwest::header::LOCATION);
        let content_type = header(reqwest::header::CONTENT_TYPE);
        let reading = Instant::now();
        let (body, truncated) = crate::outbound::read_capped(response).await;
        let body = String::from_utf8_lossy(&body).into_owned();
        recorder.step(
            "response",
            true,
            reading,
            Some(format!(
                "{} bytes{}",
                body.len(),
                if truncated { " (capped at 64 KiB)" } else { "" }
            )),
        );
        // Redacted whole, then cut: a secret across the cut leaves nothing of itself. A
        // NUL the service sent (UTF-16 text) becomes U+FFFD after redacting, which reads
        // through NULs, so the trace can be stored on PostgreSQL.
        recorder.trace.body_excerpt = (!body.is_empty())
            .then(|| crate::store::storable_lossy(recorder.redactor.excerpt(&body, EXCERPT)));
        let redirected_to = (chain.len() > 1)
            .then(|| {
                chain
                    .last()
                    .map(|url| recorder.redactor.redact(url.as_str()))
            })
            .flatten();
        let answer = answer::Answer {
            status: status.as_u16(),
            content_type: content_type.as_deref(),
            body: &body,
            location: location.as_deref(),
            redirected_to: redirected_to.as_deref(),
            truncated,
        };
        answer::judge(entry, &answer, recorder);
    }

    /// Sends the request and follows redirects one hop at a time under the outbound
    /// rules, each hop a `request` step and each redirect a `redirect` step (where it
    /// points, and whether it was followed), so a trace shows how the answer was reached.
    /// Returns the last answer and the addresses asked, the first one first; `None` when
    /// a hop got no answer (recorded as the failure).
    async fn send_following(
        &self,
        mut outgoing: Outgoing,
        url: reqwest::Url,
        recorder: &mut Recorder,
    ) -> Option<(reqwest::Response, Vec<reqwest::Url>)> {
        let mut chain = vec![url];
        loop {
            let current = chain.last()?.clone();
            let request = outgoing.request(current.clone());
            if chain.len() == 1 {
                recorder.trace.request_headers =
                    shown_headers(request.headers(), &recorder.redactor);
            }
            let sent = Instant::now();
            let response = match self
                .outbound
                .execute_single_hop(request, outgoing.carries)
                .await
            {
                Ok(response) => response,
                Err(error) => {
                    recorder.step("request", false, sent, Some(describe(&error)));
                    let (class, message) = classify(&error, &current);
                    recorder.fail(class, message);
                    return None;
                }
            };
            recorder.step("request", true, sent, None);
            let status = response.status();
            let Some(next) = redirect_target(&response, &current) else {
                return Some((response, chain));
            };
            let followed = self.outbound.may_redirect(&chain, &next);
            recorder.step(
                "redirect",
                followed,
                Instant::now(),
                Some(format!(
                    "{} to {next}{}",
                    status.as_u16(),
                    if followed { "" } else { ": not followed" }
                )),
            );
            if !followed {
                return Some((response, chain));
            }
            outgoing.redirected(status, &current, &next);
            chain.push(next);
        }
    }

    /// The resolve step: the host and its allowed addresses. A refused IP literal is
    /// named as such (the client's resolver never sees literals); with the guard on, a
    /// name without an allowed address fails like an unknown one.
    async fn resolve(
        &self,
        url: &reqwest::Url,
        recorder: &mut Recorder,
    ) -> Option<(String, Vec<std::net::IpAddr>)> {
        let started = Instant::now();
        let Some(host) = url.host_str().map(|host| {
            host.trim_start_matches('[')
                .trim_end_matches(']')
                .to_owned()
        }) else {
            recorder.fail(
                ErrorClass::Unexpected,
                "The test address has no host. Check the base URL.",
            );
            return None;
        };
        let port = url.port_or_known_default().unwrap_or(443);
        let allowed = match self.outbound.resolve(&host, port).await {
            Ok(allowed) => allowed,
            Err(Unresolved::NotFound) => {
                recorder.step(
                    "resolve",
                    false,
                    started,
                    Some(format!("{host} did not resolve")),
                );
                recorder.fail(
                    ErrorClass::Dns,
                    format!("The name {host} does not resolve. Check the spelling of the address in the configuration."),
                );
                return None;
            }
            Err(Unresolved::NotPublic) => {
                recorder.step(
                    "resolve",
                    false,
                    started,
                    Some(format!("{host}: no public address")),
                );
                recorder.fail(
                    ErrorClass::Dns,
                    Refusal::NoPublicAddress { host: host.clone() }.to_string(),
                );
                return None;
            }
            Err(Unresolved::RefusedLiteral) => {
                recorder.step(
                    "resolve",
                    false,
                    started,
                    Some(format!("{host}: a private or reserved address")),
                );
                recorder.fail(
                    ErrorClass::Blocked,
                    Refusal::PrivateAddress { host: host.clone() }.to_string(),
                );
                return None;
            }
        };
        let shown: Vec<String> = allowed.iter().map(ToString::to_string).collect();
        recorder.step("resolve", true, started, Some(shown.join(", ")));
        Some((host, allowed))
    }
}

/// A probe request as built from the test, sent again for each redirect followed.
struct Outgoing {
    method: reqwest::Method,
    headers: HeaderMap,
    /// The headers that carry credentials (`Authorization`, an API key, any header a
    /// credential template filled): dropped when a redirect leaves the origin.
    credential_headers: Vec<HeaderName>,
    body: Option<String>,
    carries: Carries,
}

impl Outgoing {
    fn request(&self, url: reqwest::Url) -> reqwest::Request {
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
    fn redirected(&mut self, status: reqwest::StatusCode, from: &reqwest::Url, to: &reqwest::Url) {
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

/// Where a redirect answer points, resolved against the address asked.
fn redirect_target(response: &reqwest::Response, asked: &reqwest::Url) -> Option<reqwest::Url> {
    if !matches!(response.status().as_u16(), 301 | 302 | 303 | 307 | 308) {
        return None;
    }
    let location = response
        .headers()
        .get(reqwest::header::LOCATION)?
        .to_str()
        .ok()?;
    asked.join(location).ok()
}

fn insert_header(headers: &mut HeaderMap, name: &str, value: &str) {
    if let (Ok(name), Ok(value)) = (
        HeaderName::from_bytes(name.as_bytes()),
        HeaderValue::from_str(value),
    ) {
        headers.insert(name, value);
    }
}

/// Headers as a trace shows them: sensitive ones masked, secrets redacted from the rest,
/// names included (an upstream may echo a credential as a header name).
fn shown_headers(headers: &HeaderMap, redactor: &Redactor) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            let shown = if SENSITIVE_HEADERS.contains(&name.as_str()) || name == AUTHORIZATION {
                "[redacted]".to_owned()
            } else {
                redactor.redact(&String::from_utf8_lossy(value.as_bytes()))
            };
            (redactor.redact(name.as_str()), shown)
        })
        .collect()
}

/// The class and message of a request that got no response.
fn classify(error: &OutboundError, url: &reqwest::Url) -> (ErrorClass, String) {
    let error = match error {
        OutboundError::Refused(refusal @ Refusal::PlainHttp { .. }) => {
            return (ErrorClass::Tls, refusal.to_string());
        }
        OutboundError::Refused(refusal @ Refusal::PrivateAddress { .. }) => {
            return (ErrorClass::Blocked, refusal.to_string());
        }
        OutboundError::Refused(refusal) => return (ErrorClass::Connect, refusal.to_string()),
        OutboundError::Transport(error) => error,
        OutboundError::TooLarge | OutboundError::NoClient | OutboundError::Malformed => {
            return (
                ErrorClass::Unexpected,
                "The request failed before the service answered.".into(),
            );
        }
    };
    let host = url.host_str().unwrap_or_default();
    if error.is_timeout() {
        return (
            ErrorClass::Timeout,
            "The service did not answer within 5 seconds. Check that the address is right and the service is up.".into(),
        );
    }
    let chain = describe(error).to_lowercase();
    if has_source::<NoPublicAddress>(error) {
        return (
            ErrorClass::Dns,
            Refusal::NoPublicAddress {
                host: host.to_owned(),
            }
            .to_string(),
        );
    }
    if chain.contains("certificate") || chain.contains("tls") || chain.contains("handshake") {
        return (
            ErrorClass::Tls,
            format!(
                "The TLS handshake with {host} failed (certificate or protocol). The certificate may be self-signed, expired or for another name."
            ),
        );
    }
    if error.is_connect() {
        return (
            ErrorClass::Connect,
            format!(
                "Could not connect to {host}. Check the address and port, and that the service accepts connections from this server."
            ),
        );
    }
    (
        ErrorClass::Unexpected,
        "The request failed before the service answered.".into(),
    )
}

fn has_source<T: std::error::Error + 'static>(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(error) = current {
        if error.is::<T>() {
            return true;
        }
        current = error.source();
    }
    false
}

/// An error with its causes, one line.
fn describe(error: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![error.to_string()];
    let mut current = error.source();
    while let Some(cause) = current {
        parts.push(cause.to_string());
        current = cause.source();
    }
    parts.join(": ")
}
