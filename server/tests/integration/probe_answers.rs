//! Probes judge the answer, not only its status: every shipped connector type's test,
//! run against real HTTP servers on loopback, passes against an answer shaped like its
//! API's and fails as "not the API" against the things that answer 200 to every path (a
//! website, a catch-all, a WordPress with plain permalinks behind a redirect). Redirects
//! that are followed show in the trace as steps.

use crate::support;

use app::model::ConnectorType;
use app::model::probe::{ErrorClass, ProbeTrace};
use axum::Router;
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use serde_json::{Map, Value, json};
use server::probe::Prober;
use server::service::connectors::Secrets;
use server::store::NewCatalogEntry;

const FRONT_PAGE: &str = "<!DOCTYPE html><html><head><title>My blog</title></head><body><h1>Hello world!</h1></body></html>";

/// Serves `app` on a loopback port; its base URL.
async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    base
}

/// A website that answers every path with its front page, whatever the credentials,
/// after a canonical redirect of paths without a trailing slash, as WordPress with plain
/// permalinks does for `/wp-json/…`.
async fn website() -> String {
    serve(Router::new().fallback(|uri: Uri| async move {
        let path = uri.path();
        if path != "/" && !path.ends_with('/') {
            let query = uri.query().map(|q| format!("?{q}")).unwrap_or_default();
            return Redirect::permanent(&format!("{path}/{query}")).into_response();
        }
        (
            [(header::CONTENT_TYPE, "text/html; charset=UTF-8")],
            FRONT_PAGE,
        )
            .into_response()
    }))
    .await
}

/// An answer to every path and method with `body` as `content_type`.
async fn answering(content_type: &'static str, body: String) -> String {
    serve(Router::new().fallback(move || {
        let body = body.clone();
        async move { ([(header::CONTENT_TYPE, content_type)], body).into_response() }
    }))
    .await
}

fn entry(seed: NewCatalogEntry) -> ConnectorType {
    ConnectorType {
        id: uuid::Uuid::nil(),
        key: seed.key,
        name: seed.name,
        description: seed.description,
        category: seed.category,
        icon: seed.icon,
        auth_type: seed.auth_type,
        capabilities: seed.capabilities,
        config_schema: seed.config_schema,
        auth_schema: seed.auth_schema,
        oauth: seed.oauth,
        test: seed.test,
        docs_url: seed.docs_url,
        version: seed.version,
        created_at: String::new(),
        updated_at: String::new(),
    }
}

/// A configuration of `entry` whose every address is `base`.
fn config_at(entry: &ConnectorType, base: &str) -> Value {
    let mut config = Map::new();
    for (name, field) in entry.config_schema["properties"]
        .as_object()
        .into_iter()
        .flatten()
    {
        let value = if field["format"] == "uri" {
            json!(base)
        } else if let Some(default) = field.get("default") {
            default.clone()
        } else if let Some(first) = field["enum"].get(0) {
            first.clone()
        } else if name.ends_with("_path") {
            json!("/health")
        } else {
            json!("x1")
        };
        config.insert(name.clone(), value);
    }
    Value::Object(config)
}

/// Credentials for the first method the test knows, every referenced field filled.
fn secrets_for(entry: &ConnectorType) -> Secrets {
    let methods = entry.test["credentials"].as_object().unwrap();
    let (method, _) = methods
        .iter()
        .find(|(_, application)| !application.is_null())
        .unwrap();
    let text = entry.test.to_string();
    let mut fields = Map::new();
    fields.insert("method".into(), json!(method));
    for reference in text.split("{{credentials.").skip(1) {
        let name = reference.split("}}").next().unwrap();
        fields.insert(name.into(), json!(format!("secret-{name}-0123456789")));
    }
    Secrets::new(fields)
}

/// A JSON body that holds what `entry`'s test looks for.
fn good_body(entry: &ConnectorType) -> String {
    let check = &entry.test["success"]["json"];
    let Some(pointer) = check["pointer"].as_str() else {
        return json!({"status": "ok"}).to_string();
    };
    let value = check.get("equals").cloned().unwrap_or(json!("x"));
    let mut body = value;
    for part in pointer
        .split('/')
        .skip(1)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
    {
        body = json!({ part: body });
    }
    body.to_string()
}

async fn run(entry: &ConnectorType, base: &str) -> ProbeTrace {
    Prober::new(true)
        .run(entry, &config_at(entry, base), Some(&secrets_for(entry)))
        .await
}

fn seeds() -> Vec<ConnectorType> {
    support::seed_entries().into_iter().map(entry).collect()
}

/// The shipped type with `key`.
fn seed(key: &str) -> ConnectorType {
    seeds()
        .into_iter()
        .find(|entry| entry.key == key)
        .unwrap_or_else(|| panic!("no seed {key}"))
}

#[tokio::test]
async fn every_type_passes_against_an_answer_shaped_like_its_api() {
    for entry in seeds() {
        let base = answering("application/json; charset=utf-8", good_body(&entry)).await;
        let trace = run(&entry, &base).await;
        assert!(trace.ok, "{}: {trace:?}", entry.key);
    }
}

#[tokio::test]
async fn no_type_passes_against_a_website_that_answers_every_path() {
    let site = website().await;
    let html = answering("text/html", FRONT_PAGE.to_owned()).await;
    for entry in seeds() {
        for base in [&site, &html] {
            let trace = run(&entry, base).await;
            assert_eq!(
                (trace.ok, trace.error_class, trace.status),
                (false, Some(ErrorClass::NotApi), Some(200)),
                "{}: {trace:?}",
                entry.key
            );
            // "the HTTP / REST API", not "the HTTP / REST API API".
            let api = if entry.name.ends_with(" API") {
                entry.name.clone()
            } else {
                format!("{} API", entry.name)
            };
            assert!(
                trace
                    .message
                    .contains(&format!("with an HTML page, not the {api}")),
                "{}: {}",
                entry.key,
                trace.message
            );
        }
    }
}

#[tokio::test]
async fn json_without_what_the_api_always_sends_is_not_the_api() {
    let empty_object = answering("application/json", "{}".to_owned()).await;
    let not_json = answering("application/json", "OK".to_owned()).await;
    let plain_text = answering("text/plain", "OK".to_owned()).await;
    for entry in seeds() {
        let check = &entry.test["success"]["json"];
        if check["pointer"].as_str().is_some_and(|p| !p.is_empty()) {
            let trace = run(&entry, &empty_object).await;
            assert_eq!(
                trace.error_class,
                Some(ErrorClass::NotApi),
                "{}: {trace:?}",
                entry.key
            );
            assert!(trace.message.contains("JSON without"), "{}", trace.message);
        }
        if !check.is_null() {
            let trace = run(&entry, &not_json).await;
            assert_eq!(trace.error_class, Some(ErrorClass::NotApi), "{}", entry.key);
            assert!(trace.message.contains("not JSON"), "{}", trace.message);
        }
        let plain_is_listed = entry.test["success"]["content_type"]
            .as_array()
            .unwrap()
            .contains(&json!("text/plain"));
        let trace = run(&entry, &plain_text).await;
        assert_eq!(trace.ok, plain_is_listed, "{}: {trace:?}", entry.key);
    }
}

/// WordPress with plain permalinks, as it really answers the REST path: a canonical
/// redirect to the path with a slash, then the theme's front page with 200, whatever
/// the password. The probe passed this before (any 200 did), and the trace showed
/// neither the redirect nor the HTML.
#[tokio::test]
async fn a_redirect_to_a_front_page_is_a_step_and_not_the_api() {
    let site = website().await;
    let mut wordpress = seed("wordpress");
    wordpress.test["url"] = json!("{{config.base_url}}/wp-json/wp/v2/users/me");
    let trace = run(&wordpress, &site).await;
    assert_eq!(
        (trace.ok, trace.error_class),
        (false, Some(ErrorClass::NotApi)),
        "{trace:?}"
    );
    let steps: Vec<&str> = trace.steps.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        steps,
        [
            "resolve", "connect", "request", "redirect", "request", "response"
        ]
    );
    let redirect = &trace.steps[3];
    assert!(redirect.ok);
    assert_eq!(
        redirect.detail.as_deref(),
        Some(format!("308 to {site}/wp-json/wp/v2/users/me/").as_str())
    );
    assert!(
        trace.message.contains(&format!(
            "not the WordPress API (after a redirect to {site}/wp-json/wp/v2/users/me/)"
        )),
        "{}",
        trace.message
    );
    assert!(trace.message.contains("Site URL"), "{}", trace.message);
}

/// A redirect that is not followed is a step too, marked as such.
#[tokio::test]
async fn a_redirect_elsewhere_is_a_step_marked_not_followed() {
    let site = website().await;
    let elsewhere = site.replace("127.0.0.1", "localhost");
    let base = serve(Router::new().fallback(move || {
        let elsewhere = elsewhere.clone();
        async move { Redirect::to(&format!("{elsewhere}/login")) }
    }))
    .await;
    let wordpress = seed("wordpress");
    let trace = run(&wordpress, &base).await;
    assert_eq!(trace.error_class, Some(ErrorClass::Http), "{trace:?}");
    let redirect = trace.steps.iter().find(|s| s.name == "redirect").unwrap();
    assert!(!redirect.ok);
    assert!(
        redirect
            .detail
            .as_deref()
            .unwrap()
            .ends_with(": not followed"),
        "{redirect:?}"
    );
}

/// A POST answered with 303 is asked again as a GET, as HTTP clients do.
#[tokio::test]
async fn see_other_after_a_post_continues_as_a_get() {
    let base = serve(
        Router::new()
            .route(
                "/api/auth.test",
                post(|| async { Redirect::to("/api/checked") }),
            )
            .route(
                "/api/checked",
                get(|| async { axum::Json(json!({"ok": true})) }),
            ),
    )
    .await;
    let slack = seed("slack");
    let trace = run(&slack, &base).await;
    assert!(trace.ok, "{trace:?}");
    assert!(trace.steps.iter().any(|s| s.name == "redirect" && s.ok));
}

/// An API that answers 200 with `"ok": false` is the API refusing: not "not the API",
/// and its own reason is quoted.
#[tokio::test]
async fn the_api_saying_no_in_json_is_quoted() {
    let base = answering(
        "application/json",
        json!({"ok": false, "error": "invalid_auth"}).to_string(),
    )
    .await;
    let slack = seed("slack");
    let trace = run(&slack, &base).await;
    assert_eq!(trace.error_class, Some(ErrorClass::Unexpected), "{trace:?}");
    assert!(
        trace.message.contains("The service said: “invalid_auth”"),
        "{}",
        trace.message
    );
}

/// A type stored without content types (before they were required) still refuses a
/// web page, and a 204 has nothing to judge.
#[tokio::test]
async fn without_declared_content_types_a_web_page_is_still_not_the_api() {
    let html = answering("text/html", FRONT_PAGE.to_owned()).await;
    let no_content = serve(Router::new().fallback(|| async { StatusCode::NO_CONTENT })).await;
    let mut generic = seed("http_rest");
    generic.test["success"] = json!({"status": [200, 204]});
    let trace = run(&generic, &html).await;
    assert_eq!(trace.error_class, Some(ErrorClass::NotApi), "{trace:?}");
    let trace = run(&generic, &no_content).await;
    assert!(trace.ok, "{trace:?}");
}

/// Credentials go only to the origin they were configured for: a redirect to another
/// port of the same host is followed without the Authorization header.
#[tokio::test]
async fn a_redirect_to_another_port_drops_the_credentials() {
    use std::sync::{Arc, Mutex};
    let seen: Arc<Mutex<Vec<Option<String>>>> = Arc::default();
    let recorded = seen.clone();
    let other = serve(
        Router::new().fallback(move |headers: axum::http::HeaderMap| {
            let recorded = recorded.clone();
            async move {
                recorded.lock().unwrap().push(
                    headers
                        .get("authorization")
                        .and_then(|value| value.to_str().ok())
                        .map(str::to_owned),
                );
                axum::Json(json!({"status": "ok"}))
            }
        }),
    )
    .await;
    let base = serve(Router::new().fallback(move || {
        let other = other.clone();
        async move { Redirect::to(&format!("{other}/health")) }
    }))
    .await;
    let generic = seed("http_rest");
    let trace = run(&generic, &base).await;
    assert!(trace.ok, "{trace:?}");
    assert_eq!(*seen.lock().unwrap(), vec![None]);
}
