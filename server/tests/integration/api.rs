//! The REST API, pages and server functions over a real socket, as a signed-in owner.

use crate::support;

use reqwest::StatusCode;
use serde_json::Value;
use support::{Browser, TestServer};

async fn get_json(browser: &Browser, path: &str) -> (StatusCode, Value) {
    let response = browser.get(path).await;
    let status = response.status();
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        content_type.starts_with("application/json"),
        "{path}: {content_type}"
    );
    (status, response.json().await.expect("json body"))
}

fn assert_error_shape(body: &Value, code: &str) {
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    assert!(body["error"]["fields"].is_object(), "{body}");
}

async fn owner_of_fresh_server() -> (TestServer, Browser) {
    let server = TestServer::start().await;
    let owner = server.owner().await;
    (server, owner)
}

#[tokio::test]
async fn catalog_lists_every_seeded_type_with_its_schemas() {
    let (_server, owner) = owner_of_fresh_server().await;
    let (status, body) = get_json(&owner, "/api/catalog").await;
    assert_eq!(status, StatusCode::OK);
    let types = body.as_array().unwrap();
    assert_eq!(types.len(), support::seed_entries().len());
    for entry in types {
        assert!(
            entry["config_schema"]["properties"].is_object(),
            "{}",
            entry["key"]
        );
        assert!(entry["auth_type"].is_string());
        assert!(entry["capabilities"].is_object());
    }
}

#[tokio::test]
async fn catalog_filters_by_category_and_text() {
    let (_server, owner) = owner_of_fresh_server().await;
    let (_, payments) = get_json(&owner, "/api/catalog?category=payments").await;
    let keys: Vec<&str> = payments
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, vec!["stripe"]);

    let (_, found) = get_json(&owner, "/api/catalog?q=WORDPRESS").await;
    assert_eq!(found[0]["key"], "wordpress");
    assert_eq!(found.as_array().unwrap().len(), 1);

    let (_, both) = get_json(&owner, "/api/catalog?q=&category=").await;
    assert_eq!(
        both.as_array().unwrap().len(),
        support::seed_entries().len()
    );

    let (_, none) = get_json(&owner, "/api/catalog?q=zzzz-no-such-thing").await;
    assert_eq!(none, serde_json::json!([]));
}

#[tokio::test]
async fn unknown_category_is_a_400_naming_the_field() {
    let (_server, owner) = owner_of_fresh_server().await;
    let (status, body) = get_json(&owner, "/api/catalog?category=weather").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error_shape(&body, "invalid_input");
    assert!(
        body["error"]["fields"]["category"][0]
            .as_str()
            .unwrap()
            .contains("weather")
    );
}

#[tokio::test]
async fn one_type_by_key_or_a_json_404() {
    let (_server, owner) = owner_of_fresh_server().await;
    let (status, body) = get_json(&owner, "/api/catalog/wordpress").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["name"], "WordPress");
    assert_eq!(body["auth_type"], "basic");

    let (status, body) = get_json(&owner, "/api/catalog/no-such-type").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_error_shape(&body, "not_found");

    let (status, body) = get_json(&owner, "/api/no/such/endpoint").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_error_shape(&body, "not_found");
}

#[tokio::test]
async fn errors_from_middleware_have_the_json_shape() {
    let server = TestServer::start().await;
    let client = reqwest::Client::new();
    let too_big = client
        .post(server.url("/api/catalog"))
        .body(vec![b'x'; 2 * 1024 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(too_big.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_error_shape(&too_big.json().await.unwrap(), "payload_too_large");

    let wrong_method = client
        .delete(server.url("/api/catalog"))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_method.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_error_shape(&wrong_method.json().await.unwrap(), "invalid_input");
}

#[tokio::test]
async fn openapi_document_describes_every_endpoint() {
    let (_server, owner) = owner_of_fresh_server().await;
    let (status, doc) = get_json(&owner, "/api/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/catalog",
        "/api/catalog/{key}",
        "/api/openapi.json",
        "/healthz",
    ] {
        assert!(
            doc["paths"][path]["get"].is_object(),
            "{path} missing from the OpenAPI document"
        );
    }
    for (method, path) in [
        ("get", "/api/installed"),
        ("post", "/api/connectors"),
        ("get", "/api/connectors/{id}"),
        ("put", "/api/connectors/{id}"),
        ("delete", "/api/connectors/{id}"),
        ("post", "/api/validate-config"),
        ("get", "/api/publish-targets"),
        ("get", "/api/audit"),
        ("post", "/api/connectors/{id}/oauth/start"),
        ("post", "/api/connectors/{id}/test"),
        ("get", "/api/connectors/{id}/tests"),
    ] {
        assert!(
            doc["paths"][path][method].is_object(),
            "{method} {path} missing from the OpenAPI document"
        );
    }
    for schema in [
        "Connector",
        "NewConnector",
        "ConnectorUpdate",
        "FieldEdit",
        "MaskedField",
    ] {
        assert!(
            doc["components"]["schemas"][schema].is_object(),
            "{schema} missing from the OpenAPI document"
        );
    }
    assert!(doc["components"]["schemas"]["ConnectorType"].is_object());
    assert!(doc["components"]["schemas"]["ErrorBody"].is_object());
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}

/// The router and the document come from one list: every documented operation is served
/// (as itself, not as the API's "no endpoint" 404 or a 405), and a path the document does
/// not name is that 404.
#[tokio::test]
async fn every_documented_operation_is_served() {
    let (_server, owner) = owner_of_fresh_server().await;
    let (_, doc) = get_json(&owner, "/api/openapi.json").await;
    let mut operations = 0;
    for (path, methods) in doc["paths"].as_object().unwrap() {
        let concrete = path
            .replace("{id}", "00000000-0000-0000-0000-000000000000")
            .replace("{key}", "wordpress");
        for method in methods.as_object().unwrap().keys() {
            let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let mut request = owner
                .http
                .request(method.clone(), format!("{}{concrete}", owner.base_url))
                .header("origin", &owner.base_url);
            if let Some(cookie) = &owner.cookie {
                request = request.header("cookie", cookie);
            }
            let response = request.send().await.unwrap();
            let status = response.status();
            let body = response.text().await.unwrap();
            assert_ne!(
                status,
                StatusCode::METHOD_NOT_ALLOWED,
                "{method} {path}: {body}"
            );
            assert!(
                !body.contains("no API endpoint at this path"),
                "{method} {path} is documented but not served: {status} {body}"
            );
            operations += 1;
        }
    }
    assert!(operations >= 15, "only {operations} operations documented");
    let (status, body) = get_json(&owner, "/api/no-such-endpoint").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        body.to_string().contains("no API endpoint at this path"),
        "{body}"
    );
}

/// Request bodies refuse unknown keys (400), and the document says so, so that a fuzzer
/// does not send them as valid input.
#[tokio::test]
async fn request_bodies_are_closed_in_the_openapi_document() {
    let (_server, owner) = owner_of_fresh_server().await;
    let (_, doc) = get_json(&owner, "/api/openapi.json").await;
    let schemas = &doc["components"]["schemas"];
    for schema in [
        "NewConnector",
        "ConnectorUpdate",
        "ValidateConfigInput",
        "OAuthStartInput",
        "TestInput",
    ] {
        assert_eq!(
            schemas[schema]["additionalProperties"], false,
            "{schema}: {}",
            schemas[schema]
        );
    }
    let variants = schemas["FieldEdit"]["oneOf"].as_array().unwrap();
    for variant in variants {
        assert_eq!(variant["additionalProperties"], false, "{variant}");
    }
}

/// Found by schemathesis: a malformed `{id}` is answered 400, and the document says so
/// for every operation that takes one.
#[tokio::test]
async fn malformed_ids_are_400_and_documented() {
    let (_server, owner) = owner_of_fresh_server().await;
    let (_, doc) = get_json(&owner, "/api/openapi.json").await;
    for (path, operations) in doc["paths"].as_object().unwrap() {
        if !path.contains("{id}") {
            continue;
        }
        for (method, operation) in operations.as_object().unwrap() {
            assert!(
                operation["responses"]["400"].is_object(),
                "{method} {path} does not document 400"
            );
        }
    }
    for path in ["/api/connectors/not-a-uuid", "/api/connectors/42/tests"] {
        let (status, body) = get_json(&owner, path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {body}");
        assert_error_shape(&body, "invalid_input");
    }
}

/// Found by schemathesis' stray paths: an unknown page rendered without the ports, so a
/// signed-in person's 404 page showed no account (and the server logged an error).
#[tokio::test]
async fn an_unknown_page_keeps_the_signed_in_header() {
    let (_server, owner) = owner_of_fresh_server().await;
    let response = owner.get("/no-such-page").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let page = response.text().await.unwrap();
    assert!(page.contains("Page not found"), "{page}");
    assert!(
        page.contains("data-testid=\"signed-in-user\""),
        "the 404 page lost the signed-in header"
    );
}

#[tokio::test]
async fn healthz_reports_ok_without_signing_in() {
    let server = TestServer::start().await;
    let (status, body) = get_json(&server.browser(), "/healthz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "ok");
}

#[tokio::test]
async fn responses_are_compressed_when_asked() {
    let (server, owner) = owner_of_fresh_server().await;
    for encoding in ["gzip", "br"] {
        let response = reqwest::Client::new()
            .get(server.url("/api/catalog"))
            .header("cookie", owner.cookie.as_deref().unwrap())
            .header("accept-encoding", encoding)
            .send()
            .await
            .unwrap();
        assert_eq!(response.headers()["content-encoding"], encoding);
    }
}

#[tokio::test]
async fn catalog_page_is_server_rendered_and_filtered_by_query() {
    let (_server, owner) = owner_of_fresh_server().await;
    let page = owner.get("/catalog").await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    // Complete without scripts: no loading placeholder, no streamed <template> chunks
    // that only JavaScript would move into place.
    assert!(
        !html.contains("Loading the catalog"),
        "the page was streamed out of order"
    );
    assert!(
        !html.contains("<template"),
        "the page was streamed out of order"
    );
    for entry in support::seed_entries() {
        assert!(
            html.contains(&format!("data-key=\"{}\"", entry.key)),
            "card {} missing",
            entry.key
        );
    }
    assert!(
        html.contains("Ada Owner"),
        "the header does not show who is signed in"
    );

    let html = owner.get("/catalog?q=stripe").await.text().await.unwrap();
    assert!(html.contains("data-key=\"stripe\""));
    assert!(!html.contains("data-key=\"wordpress\""));

    let html = owner
        .get("/catalog?category=messaging")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("data-key=\"slack\"") && html.contains("data-key=\"discord\""));
    assert!(!html.contains("data-key=\"stripe\""));
}

#[tokio::test]
async fn unknown_pages_answer_404() {
    let (_server, owner) = owner_of_fresh_server().await;
    let response = owner.get("/no-such-page").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(response.text().await.unwrap().contains("Page not found"));
}

#[tokio::test]
async fn the_catalog_server_function_returns_cards() {
    let (_server, mut owner) = owner_of_fresh_server().await;
    let response = owner.call("catalog_cards", &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    let catalog: Value = response.json().await.unwrap();
    let cards = catalog["cards"].as_array().unwrap();
    assert_eq!(cards.len(), support::seed_entries().len());
    assert!(
        cards[0].get("config_schema").is_none(),
        "cards carry no schemas"
    );
    assert_eq!(catalog["can_install"], true, "owners may install");
}
