//! The probe runner against real HTTP servers on loopback: success, 401, 500, a slow
//! answer, an unknown name, a redirect to another host, a huge body, and the address
//! guard (refused before any connection). No trace may hold a secret.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use app::model::ConnectorType;
use app::model::probe::{ErrorClass, ProbeTrace};
use axum::Router;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use serde_json::{Map, json};
use server::probe::Prober;
use server::service::connectors::Secrets;

const TOKEN: &str = "tok_ProbeSecret_0123456789";

/// A loopback server: routes for every case, and a count of the requests it got.
async fn target() -> (String, Arc<AtomicUsize>) {
    let hits = Arc::new(AtomicUsize::new(0));
    let counted = hits.clone();
    let app = Router::new()
        .route(
            "/ok",
            get(|headers: HeaderMap| async move {
                let authorized = headers.get("authorization").and_then(|v| v.to_str().ok())
                    == Some(&format!("Bearer {TOKEN}"));
                if authorized {
                    (
                        StatusCode::OK,
                        axum::Json(json!({"ok": true, "echo": TOKEN})),
                    )
                        .into_response()
                } else {
                    StatusCode::UNAUTHORIZED.into_response()
                }
            }),
        )
        .route(
            "/fail",
            get(|| async { (StatusCode::INTERNAL_SERVER_ERROR, "boom") }),
        )
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(6)).await;
                "late"
            }),
        )
        .route("/huge", get(|| async { "x".repeat(10 * 1024 * 1024) }))
        // What WordPress answers when a plugin turns its REST API off, and when it is not
        // signed in (Application Passwords ignored over plain HTTP).
        .route(
            "/rest-disabled",
            get(|| async {
                (
                    StatusCode::FORBIDDEN,
                    axum::Json(json!({"code": "rest_disabled", "message": "The REST API is disabled on this site.", "data": {"status": 403}})),
                )
            }),
        )
        .route(
            "/not-logged-in",
            get(|| async {
                (
                    StatusCode::UNAUTHORIZED,
                    axum::Json(json!({"code": "rest_not_logged_in", "message": format!("You are not currently logged in. {TOKEN}"), "data": {"status": 401}})),
                )
            }),
        )
        .route(
            "/oauth-style",
            get(|| async {
                (
                    StatusCode::FORBIDDEN,
                    axum::Json(json!({"error": "insufficient_scope", "error_description": "The token lacks the admin scope."})),
                )
            }),
        )
        .layer(axum::middleware::from_fn(
            move |request: axum::extract::Request, next: axum::middleware::Next| {
                let counted = counted.clone();
                async move {
                    counted.fetch_add(1, Ordering::SeqCst);
                    next.run(request).await
                }
            },
        ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, hits)
}

/// The generic HTTP type, with a bearer token.
fn http_type() -> ConnectorType {
    serde_json::from_value(json!({
        "id": uuid::Uuid::nil(), "key": "http_rest", "name": "HTTP", "description": "d",
        "category": "generic", "icon": "", "auth_type": "custom", "capabilities": {},
        "config_schema": {}, "auth_schema": {}, "oauth": null, "docs_url": "", "version": 1,
        "created_at": "", "updated_at": "",
        "test": {
            "method": "GET",
            "url": "{{config.base_url}}{{config.health_path}}",
            "credentials": {"bearer": {"bearer": "{{credentials.token}}"}},
            "success": {"status": [200]}
        }
    }))
    .unwrap()
}

fn secrets() -> Secrets {
    let mut fields = Map::new();
    fields.insert("method".into(), json!("bearer"));
    fields.insert("token".into(), json!(TOKEN));
    Secrets::new(fields)
}

async fn probe(prober: &Prober, base: &str, path: &str) -> ProbeTrace {
    let config = json!({"base_url": base, "health_path": path});
    let trace = prober.run(&http_type(), &config, Some(&secrets())).await;
    let stored = serde_json::to_string(&trace).unwrap();
    assert!(
        !stored.contains(TOKEN) && !stored.contains(&TOKEN[..TOKEN.len() - 4]),
        "a trace holds the secret: {stored}"
    );
    trace
}

fn step_names(trace: &ProbeTrace) -> Vec<&str> {
    trace.steps.iter().map(|step| step.name.as_str()).collect()
}

#[tokio::test]
async fn a_working_service_passes_with_a_full_trace() {
    let (base, _) = target().await;
    let trace = probe(&Prober::new(true), &base, "/ok").await;
    assert!(trace.ok, "{trace:?}");
    assert_eq!(trace.status, Some(200));
    assert_eq!(
        step_names(&trace),
        ["resolve", "connect", "request", "response"]
    );
    assert!(
        trace
            .request_headers
            .contains(&("authorization".into(), "[redacted]".into()))
    );
    // The service echoed the token: the excerpt shows it redacted.
    assert!(
        trace
            .body_excerpt
            .as_deref()
            .unwrap()
            .contains("[redacted]")
    );
    assert_eq!(trace.method, "GET");
    assert_eq!(trace.url, format!("{base}/ok"));
}

#[tokio::test]
async fn refused_credentials_are_auth_and_server_errors_are_http() {
    let (base, _) = target().await;
    let prober = Prober::new(true);
    let config = json!({"base_url": base, "health_path": "/ok"});
    let mut wrong = Map::new();
    wrong.insert("method".into(), json!("bearer"));
    wrong.insert("token".into(), json!("tok_wrong_value_999"));
    let trace = prober
        .run(&http_type(), &config, Some(&Secrets::new(wrong)))
        .await;
    assert_eq!(
        (trace.ok, trace.error_class, trace.status),
        (false, Some(ErrorClass::Auth), Some(401))
    );
    assert!(trace.message.contains("credentials"), "{}", trace.message);
    assert!(
        !serde_json::to_string(&trace)
            .unwrap()
            .contains("tok_wrong_value_999")
    );

    let trace = probe(&prober, &base, "/fail").await;
    assert_eq!(
        (trace.error_class, trace.status),
        (Some(ErrorClass::Http), Some(500))
    );
    assert_eq!(trace.body_excerpt.as_deref(), Some("boom"));
}

#[tokio::test]
async fn a_slow_service_times_out_at_the_budget() {
    assert_eq!(Prober::new(true).budget(), server::probe::BUDGET);
    assert_eq!(server::probe::BUDGET, std::time::Duration::from_secs(5));
    let (base, _) = target().await;
    let prober = Prober::new(true).with_budget(std::time::Duration::from_millis(400));
    let trace = probe(&prober, &base, "/slow").await;
    assert_eq!(trace.error_class, Some(ErrorClass::Timeout), "{trace:?}");
    assert!(
        (400..1300).contains(&trace.duration_ms),
        "took {} ms",
        trace.duration_ms
    );
    assert!(trace.message.contains("within 400 ms"), "{}", trace.message);
}

/// A name that does not exist, under `.invalid` (RFC 6761), with a 64-character label,
/// one longer than DNS allows: the system resolver gives up before building a query, so
/// the test sends nothing to a name server (which is not on loopback).
fn unknown_name() -> String {
    format!("{}.invalid", "x".repeat(64))
}

#[tokio::test]
async fn an_unknown_name_is_dns() {
    let base = format!("http://{}", unknown_name());
    let trace = probe(&Prober::new(true), &base, "/").await;
    assert_eq!(trace.error_class, Some(ErrorClass::Dns), "{trace:?}");
    assert_eq!(step_names(&trace), ["resolve"]);
}

#[tokio::test]
async fn a_redirect_to_another_host_is_not_followed() {
    let (other, other_hits) = target().await;
    let elsewhere = other.replace("127.0.0.1", "localhost");
    let app = Router::new().route(
        "/moved",
        get(move || async move { Redirect::temporary(&format!("{elsewhere}/ok")) }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let trace = probe(&Prober::new(true), &base, "/moved").await;
    assert_eq!(
        (trace.error_class, trace.status),
        (Some(ErrorClass::Http), Some(307)),
        "{trace:?}"
    );
    assert!(trace.message.contains("not followed"), "{}", trace.message);
    assert_eq!(other_hits.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_huge_body_is_read_only_up_to_the_cap() {
    let (base, _) = target().await;
    let trace = probe(&Prober::new(true), &base, "/huge").await;
    let response = trace
        .steps
        .iter()
        .find(|step| step.name == "response")
        .unwrap();
    assert_eq!(
        response.detail.as_deref(),
        Some("65536 bytes (capped at 64 KiB)")
    );
    assert!(trace.body_excerpt.as_deref().unwrap().len() <= 2048);
}

#[tokio::test]
async fn private_addresses_are_refused_before_any_connection() {
    let guarded = Prober::new(false);
    for base in [
        "http://169.254.169.254",
        "http://10.0.0.1:81",
        "http://[fd00::1]",
    ] {
        let trace = probe(&guarded, base, "/latest/meta-data").await;
        // Said as what it is: our rule, not a network failure.
        assert_eq!(
            trace.error_class,
            Some(ErrorClass::Blocked),
            "{base}: {trace:?}"
        );
        assert_eq!(ErrorClass::Blocked.label(), "Blocked: private address");
        assert_eq!(
            step_names(&trace),
            ["resolve"],
            "{base}: no request may be sent"
        );
        // Says who can allow it, and names no server setting a person cannot change.
        assert!(
            trace.message.contains("whoever runs this server")
                && !trace.message.contains("CONNECTORS_"),
            "{}",
            trace.message
        );
    }
    // A name that resolves to loopback: refused too (like a name that does not resolve,
    // see below), and the server never hears of it.
    let (base, hits) = target().await;
    let by_name = base.replace("http://127.0.0.1", "https://localhost");
    let trace = probe(&guarded, &by_name, "/ok").await;
    assert_eq!(trace.error_class, Some(ErrorClass::Dns), "{trace:?}");
    assert_eq!(hits.load(Ordering::SeqCst), 0);
}

/// With private targets off, an internal name (`localhost`, which resolves to loopback
/// from the hosts file) and a name that does not exist fail alike: same class, same
/// message and steps apart from the name. Otherwise a connection test would tell anyone
/// allowed to configure a connector which internal host names exist.
#[tokio::test]
async fn internal_and_unknown_names_fail_alike_with_private_targets_off() {
    let guarded = Prober::new(false);
    let unknown = unknown_name();
    // Plain http with credentials too: the HTTPS rule must not tell them apart either.
    for scheme in ["https", "http"] {
        let shown = |trace: &ProbeTrace, host: &str| {
            let steps: Vec<(String, bool, Option<String>)> = trace
                .steps
                .iter()
                .map(|step| {
                    (
                        step.name.clone(),
                        step.ok,
                        step.detail.as_ref().map(|d| d.replace(host, "HOST")),
                    )
                })
                .collect();
            (
                trace.error_class,
                trace.message.replace(host, "HOST"),
                steps,
            )
        };
        let internal = probe(&guarded, &format!("{scheme}://localhost:1"), "/x").await;
        let missing = probe(&guarded, &format!("{scheme}://{unknown}:1"), "/x").await;
        assert_eq!(
            shown(&internal, "localhost"),
            shown(&missing, &unknown),
            "{scheme}: {internal:?}\n{missing:?}"
        );
        assert!(!internal.ok);
        if scheme == "https" {
            assert_eq!(internal.error_class, Some(ErrorClass::Dns));
            assert!(
                internal
                    .message
                    .contains("does not resolve to a public address")
                    && internal.message.contains("whoever runs this server")
                    && !internal.message.contains("CONNECTORS_"),
                "{}",
                internal.message
            );
        }
    }
}

/// A TLS server with a self-signed certificate for 127.0.0.1, answering 200 to anything.
async fn self_signed_server() -> String {
    let certified =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
            .unwrap();
    let cert = certified.cert.der().clone();
    let key = rustls_key(certified.key_pair.serialize_der());
    tls_server(cert, key).await
}

/// A TLS server on loopback with this certificate, answering 200 to anything.
async fn tls_server(
    cert: tokio_rustls::rustls::pki_types::CertificateDer<'static>,
    key: tokio_rustls::rustls::pki_types::PrivateKeyDer<'static>,
) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let config = tokio_rustls::rustls::ServerConfig::builder_with_provider(Arc::new(
        tokio_rustls::rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![cert], key)
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("https://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                if let Ok(mut tls) = acceptor.accept(stream).await {
                    let mut buffer = [0u8; 1024];
                    let _ = tls.read(&mut buffer).await;
                    let _ = tls
                        .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok")
                        .await;
                }
            });
        }
    });
    base
}

fn rustls_key(der: Vec<u8>) -> tokio_rustls::rustls::pki_types::PrivateKeyDer<'static> {
    tokio_rustls::rustls::pki_types::PrivateKeyDer::Pkcs8(der.into())
}

#[tokio::test]
async fn a_self_signed_certificate_is_tls() {
    let base = self_signed_server().await;
    let trace = probe(&Prober::new(true), &base, "/").await;
    assert_eq!(trace.error_class, Some(ErrorClass::Tls), "{trace:?}");
    assert!(
        trace.message.contains("not signed by a trusted authority"),
        "{}",
        trace.message
    );
    assert_eq!(step_names(&trace), ["resolve", "connect", "tls"]);
    assert_eq!(
        trace.steps.iter().map(|step| step.ok).collect::<Vec<_>>(),
        [true, true, false]
    );
    assert_eq!(trace.status, None);
}

/// A TLS server whose certificate is the most common self-signed kind: made by a plain
/// `openssl req -x509` (Debian's openssl), which marks it a CA (`CA:TRUE`).
async fn openssl_self_signed_server() -> String {
    let dir = tempfile::tempdir().unwrap();
    let (key, cert) = (dir.path().join("key.pem"), dir.path().join("cert.der"));
    let made = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
        ])
        .args([
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-outform",
            "DER",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl runs");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let key_der = std::process::Command::new("openssl")
        .args(["pkcs8", "-topk8", "-nocrypt", "-outform", "DER", "-in"])
        .arg(&key)
        .output()
        .expect("openssl runs")
        .stdout;
    let cert = std::fs::read(&cert).unwrap();
    tls_server(cert.into(), rustls_key(key_der)).await
}

#[tokio::test]
async fn an_openssl_req_x509_certificate_is_an_untrusted_issuer() {
    let base = openssl_self_signed_server().await;
    let trace = probe(&Prober::new(true), &base, "/").await;
    assert_eq!(trace.error_class, Some(ErrorClass::Tls), "{trace:?}");
    assert!(
        trace.message.contains("not signed by a trusted authority"),
        "{}",
        trace.message
    );
}

/// 401 and 403 say different things, and what the service itself said is quoted (short,
/// with the secret redacted).
#[tokio::test]
async fn refusals_are_told_apart_and_quote_the_service() {
    let (base, _) = target().await;
    let disabled = probe(&Prober::new(true), &base, "/rest-disabled").await;
    assert_eq!(disabled.error_class, Some(ErrorClass::Auth), "{disabled:?}");
    assert!(disabled.message.contains("(403)"), "{}", disabled.message);
    assert!(
        disabled.message.contains("refused access")
            && !disabled.message.contains("refused the credentials"),
        "{}",
        disabled.message
    );
    assert!(
        disabled
            .message
            .contains("“The REST API is disabled on this site.”"),
        "{}",
        disabled.message
    );

    let signed_out = probe(&Prober::new(true), &base, "/not-logged-in").await;
    assert!(
        signed_out.message.contains("refused the credentials (401)"),
        "{}",
        signed_out.message
    );
    assert!(
        signed_out
            .message
            .contains("“You are not currently logged in.")
            && signed_out.message.contains("[redacted]”"),
        "{}",
        signed_out.message
    );

    let oauth = probe(&Prober::new(true), &base, "/oauth-style").await;
    assert!(
        oauth
            .message
            .contains("“insufficient_scope: The token lacks the admin scope.”"),
        "{}",
        oauth.message
    );
}

#[tokio::test]
async fn a_closed_port_is_connect() {
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let trace = probe(&Prober::new(true), &format!("http://{closed}"), "/").await;
    assert_eq!(trace.error_class, Some(ErrorClass::Connect), "{trace:?}");
    assert_eq!(step_names(&trace), ["resolve", "connect"]);
    assert!(
        trace.message.contains(&format!("port {}", closed.port())),
        "{}",
        trace.message
    );
}

use crate::support::leaks;

/// The generic HTTP type with username and password (HTTP Basic).
fn basic_type() -> ConnectorType {
    let mut entry = http_type();
    entry.test["credentials"] = json!({"basic": {"basic": {
        "username": "{{credentials.username}}",
        "password": "{{credentials.password}}",
    }}});
    entry
}

fn basic_secrets() -> Secrets {
    let mut fields = Map::new();
    fields.insert("method".into(), json!("basic"));
    fields.insert("username".into(), json!(leaks::USER));
    fields.insert("password".into(), json!(leaks::PASSWORD));
    Secrets::new(fields)
}

#[tokio::test]
async fn an_echoed_basic_authorization_leaves_no_form_of_the_password() {
    let base = leaks::echo_upstream().await;
    let config = json!({"base_url": base, "health_path": "/echo"});
    let trace = Prober::new(true)
        .run(&basic_type(), &config, Some(&basic_secrets()))
        .await;
    assert!(trace.ok, "{trace:?}");
    leaks::assert_no_password(&serde_json::to_value(&trace).unwrap());
    assert!(
        trace
            .body_excerpt
            .as_deref()
            .unwrap()
            .contains("[redacted]"),
        "{trace:?}"
    );
}

#[tokio::test]
async fn every_echoed_form_of_the_password_is_redacted() {
    let base = leaks::echo_upstream().await;
    let config = json!({"base_url": base, "health_path": "/forms"});
    let trace = Prober::new(true)
        .run(&basic_type(), &config, Some(&basic_secrets()))
        .await;
    assert!(trace.ok, "{trace:?}");
    leaks::assert_no_password(&serde_json::to_value(&trace).unwrap());
    assert!(trace.body_excerpt.unwrap().contains("[redacted]"));
}

#[tokio::test]
async fn a_secret_straddling_the_excerpt_cut_leaves_nothing_of_itself() {
    let base = leaks::echo_upstream().await;
    let config = json!({"base_url": base, "health_path": "/straddle"});
    let trace = Prober::new(true)
        .run(&basic_type(), &config, Some(&basic_secrets()))
        .await;
    leaks::assert_no_password(&serde_json::to_value(&trace).unwrap());
    let excerpt = trace.body_excerpt.unwrap();
    assert!(excerpt.len() <= 2048, "{} bytes", excerpt.len());
    // Never cut inside a marker either.
    assert_eq!(
        excerpt.matches('[').count(),
        excerpt.matches("[redacted]").count(),
        "{excerpt}"
    );
}

#[tokio::test]
async fn credentials_are_never_sent_over_plain_http() {
    // A public name (under .invalid, with a 64-character label, so the lookup fails before
    // any query leaves the process) over http: refused before any
    // connection, saying why and what to do.
    let config = json!({"base_url": format!("http://{}", unknown_name()), "health_path": "/"});
    let trace = Prober::new(false)
        .run(&basic_type(), &config, Some(&basic_secrets()))
        .await;
    assert!(!trace.ok);
    assert!(
        trace.message.contains("https://"),
        "the message says what to change: {}",
        trace.message
    );
    let steps = step_names(&trace);
    assert!(
        !steps.contains(&"connect") && !steps.contains(&"request"),
        "nothing may be sent: {steps:?}"
    );
    leaks::assert_no_password(&serde_json::to_value(&trace).unwrap());
}
