//! Connection tests through the API, on SQLite and PostgreSQL, against a real HTTP
//! server on loopback: results recorded, the status rules (active → error on failure,
//! back on success), history, who may test and read, and no secret in any response.

use crate::support;

mod cases {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    use app::model::identity::{Password, Role};
    use axum::http::{HeaderMap, StatusCode as AxumStatus};
    use axum::response::IntoResponse;
    use reqwest::StatusCode;
    use serde_json::{Value, json};
    use server::service::admin::AdminService;

    use super::support::{Backend, Browser, TestServer};

    const TOKEN: &str = "tok_TestingSecret_4242424242";

    /// A service that accepts the token while `up` is true, and answers 401 otherwise.
    async fn service(up: Arc<AtomicBool>) -> String {
        let app = axum::Router::new().route(
            "/me",
            axum::routing::get(move |headers: HeaderMap| {
                let up = up.clone();
                async move {
                    let bearer = headers.get("authorization").and_then(|v| v.to_str().ok())
                        == Some(&format!("Bearer {TOKEN}"));
                    if bearer && up.load(Ordering::SeqCst) {
                        (AxumStatus::OK, "{\"me\": \"ok\"}").into_response()
                    } else {
                        AxumStatus::UNAUTHORIZED.into_response()
                    }
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        base
    }

    async fn json_of(response: reqwest::Response) -> (StatusCode, Value) {
        let status = response.status();
        let text = response.text().await.unwrap();
        assert!(
            !text.contains(TOKEN) && !text.contains(&TOKEN[..TOKEN.len() - 4]),
            "a response shows the secret: {text}"
        );
        assert!(!status.is_server_error(), "{status}: {text}");
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    async fn person(server: &TestServer, email: &str, role: Role) -> Browser {
        AdminService::new(server.store.clone())
            .add_user(
                email,
                "Someone",
                "Acme",
                role,
                Password("a long password 1".into()),
            )
            .await
            .unwrap();
        let mut browser = server.browser();
        let login = browser
            .call(
                "login",
                &[("email", email), ("password", "a long password 1")],
            )
            .await;
        assert_eq!(login.status(), StatusCode::OK);
        browser
    }

    pub async fn tests_are_recorded_and_move_the_status(backend: Backend) {
        let Some(server) =
            TestServer::start_on(backend, |config| config.allow_private_targets = true).await
        else {
            return;
        };
        let mut owner = server.owner().await;
        let up = Arc::new(AtomicBool::new(true));
        let base = service(up.clone()).await;
        let body = json!({"input": {
            "catalog_key": "http_rest", "name": "API",
            "config": {"base_url": base, "health_path": "/me"},
            "auth": {"method": "bearer", "token": TOKEN},
        }});
        let (status, created) = json_of(owner.call_json("install_connector", &body).await).await;
        assert_eq!(status, StatusCode::OK, "{created}");
        let id = created["id"].as_str().unwrap().to_owned();

        let (status, passed) = browser_test(&owner, &id).await;
        assert_eq!(status, StatusCode::OK, "{passed}");
        assert_eq!(
            (passed["ok"].as_bool(), passed["trace"]["status"].as_u64()),
            (Some(true), Some(200))
        );
        let connector = json_of(owner.get(&format!("/api/connectors/{id}")).await)
            .await
            .1;
        assert_eq!(
            (
                connector["status"].as_str(),
                connector["last_test_ok"].as_bool()
            ),
            (Some("inactive"), Some(true))
        );

        let activated = owner
            .call("set_connector_status", &[("id", &id), ("status", "active")])
            .await;
        assert_eq!(activated.status(), StatusCode::OK);

        // The service starts refusing: a failing test of an active instance is an error.
        up.store(false, Ordering::SeqCst);
        let (_, failed) = browser_test(&owner, &id).await;
        assert_eq!(
            (failed["ok"].as_bool(), failed["error_class"].as_str()),
            (Some(false), Some("auth"))
        );
        let connector = json_of(owner.get(&format!("/api/connectors/{id}")).await)
            .await
            .1;
        assert_eq!(connector["status"], "error");
        assert!(
            connector["last_error"]
                .as_str()
                .unwrap()
                .contains("refused the credentials")
        );

        // Fixed: a passing test restores the status it had.
        up.store(true, Ordering::SeqCst);
        let (_, passed_again) = browser_test(&owner, &id).await;
        assert_eq!(passed_again["ok"], true);
        let connector = json_of(owner.get(&format!("/api/connectors/{id}")).await)
            .await
            .1;
        assert_eq!(connector["status"], "active");
        assert!(connector.get("last_error").is_none(), "{connector}");

        let (_, history) = json_of(owner.get(&format!("/api/connectors/{id}/tests")).await).await;
        let oks: Vec<bool> = history
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["ok"].as_bool().unwrap())
            .collect();
        assert_eq!(oks, [true, false, true], "newest first");

        // Members may test; viewers may read the history but not test.
        let member = person(&server, "mo@acme.test", Role::Member).await;
        assert_eq!(browser_test(&member, &id).await.0, StatusCode::OK);
        let mut viewer = person(&server, "vi@acme.test", Role::Viewer).await;
        assert_eq!(browser_test(&viewer, &id).await.0, StatusCode::FORBIDDEN);
        let (status, history) = json_of(viewer.call("connector_tests", &[("id", &id)]).await).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(history.as_array().unwrap().len(), 4);
        let (_, audit) = json_of(owner.get(&format!("/api/audit?connector_id={id}")).await).await;
        assert!(audit.to_string().contains("connector.test"));

        // The stored rows themselves, as the database holds them: no trace has the token.
        let tenant = server.store.tenant_by_name("Acme").await.unwrap().unwrap();
        let stored = server
            .store
            .connection_tests(tenant.id, id.parse().unwrap(), 100)
            .await
            .unwrap();
        assert_eq!(stored.len(), 4);
        for test in stored {
            let trace = serde_json::to_string(&test.trace).unwrap();
            assert!(
                !trace.contains(TOKEN) && !trace.contains(&TOKEN[4..]),
                "a stored trace holds the token: {trace}"
            );
            assert!(trace.contains("[redacted]"), "{trace}");
        }
    }

    async fn browser_test(browser: &Browser, id: &str) -> (StatusCode, Value) {
        let response = browser
            .call_json_form("test_connector", &[("id", id)])
            .await;
        json_of(response).await
    }

    pub async fn private_targets_are_refused_unless_allowed(backend: Backend) {
        let Some(server) =
            TestServer::start_on(backend, |config| config.allow_private_targets = false).await
        else {
            return;
        };
        let owner = server.owner().await;
        let base = service(Arc::new(AtomicBool::new(true))).await;
        let body = json!({"input": {
            "catalog_key": "http_rest", "name": "Internal",
            "config": {"base_url": base, "health_path": "/me"},
            "auth": {"method": "bearer", "token": TOKEN},
        }});
        let (_, created) = json_of(owner.call_json("install_connector", &body).await).await;
        let (status, result) = browser_test(&owner, created["id"].as_str().unwrap()).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            (result["ok"].as_bool(), result["error_class"].as_str()),
            (Some(false), Some("blocked"))
        );
        assert_eq!(
            result["trace"]["steps"].as_array().unwrap().len(),
            1,
            "refused before any request"
        );
    }

    /// An upstream that echoes the Basic `Authorization` header and the password in other
    /// encodings (HTML and JavaScript escapes, other case, reversed, half, in a header's
    /// name, wrapped base64, UTF-16), and one whose body has the password across the 2 KiB
    /// excerpt cut: no form of it reaches the result, the stored history or the rows.
    pub async fn echoed_credentials_never_reach_a_stored_trace(backend: Backend) {
        use super::support::leaks::{PASSWORD, USER, assert_no_password, echo_upstream};
        let Some(server) =
            TestServer::start_on(backend, |config| config.allow_private_targets = true).await
        else {
            return;
        };
        let owner = server.owner().await;
        let base = echo_upstream().await;
        for path in ["/echo", "/forms", "/straddle"] {
            let body = json!({"input": {
                "catalog_key": "http_rest", "name": format!("Echo {path}"),
                "config": {"base_url": base, "health_path": path},
                "auth": {"method": "basic", "username": USER, "password": PASSWORD},
            }});
            let response = owner.call_json("install_connector", &body).await;
            assert_eq!(response.status(), StatusCode::OK);
            let created: Value = response.json().await.unwrap();
            let id = created["id"].as_str().unwrap().to_owned();

            let response = owner.call_json_form("test_connector", &[("id", &id)]).await;
            assert_eq!(response.status(), StatusCode::OK);
            let result: Value = response.json().await.unwrap();
            assert_eq!(result["trace"]["status"], 200, "{result}");
            assert_no_password(&result);

            let response = owner.get(&format!("/api/connectors/{id}/tests")).await;
            assert_eq!(response.status(), StatusCode::OK);
            let history: Value = response.json().await.unwrap();
            assert_eq!(history.as_array().unwrap().len(), 1, "{history}");
            assert_no_password(&history);

            let tenant = server.store.tenant_by_name("Acme").await.unwrap().unwrap();
            for row in server
                .store
                .connection_tests(tenant.id, id.parse().unwrap(), 10)
                .await
                .unwrap()
            {
                assert_no_password(&serde_json::to_value(&row.trace).unwrap());
            }
        }
    }
    /// With private targets off, a test that would send credentials to a public address
    /// over plain http (a name under .invalid with a 64-character label: the lookup fails
    /// before any query leaves the process, and nothing is reached) is refused
    /// before anything is sent, and says to use https.
    pub async fn credentials_are_not_sent_over_plain_http(backend: Backend) {
        let Some(server) =
            TestServer::start_on(backend, |config| config.allow_private_targets = false).await
        else {
            return;
        };
        let owner = server.owner().await;
        let body = json!({"input": {
            "catalog_key": "http_rest", "name": "Plain",
            "config": {"base_url": format!("http://{}", super::support::NOWHERE), "health_path": "/me"},
            "auth": {"method": "bearer", "token": TOKEN},
        }});
        // The form refuses the address, saying why (the same rule as the seeds' schemas).
        let (status, refused) = json_of(owner.call_json("install_connector", &body).await).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
        assert!(
            refused.to_string().contains(app::model::HTTPS_URL_MESSAGE),
            "{refused}"
        );
        // An instance saved before the rule (or an address a template builds) is refused
        // when sending.
        let mut body = body;
        body["input"]["config"]["base_url"] = json!(format!("https://{}", super::support::NOWHERE));
        let (status, created) = json_of(owner.call_json("install_connector", &body).await).await;
        assert_eq!(status, StatusCode::OK, "{created}");
        let id = created["id"].as_str().unwrap();
        super::support::store_legacy_config(
            &server.store,
            id,
            "base_url",
            &format!("http://{}", super::support::NOWHERE),
        )
        .await;
        let (status, result) = browser_test(&owner, id).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(result["ok"], false, "{result}");
        let message = result["trace"]["message"].as_str().unwrap();
        assert!(
            message.contains("HTTPS") && message.contains("https://"),
            "{message}"
        );
        let steps: Vec<&str> = result["trace"]["steps"]
            .as_array()
            .unwrap()
            .iter()
            .map(|step| step["name"].as_str().unwrap())
            .collect();
        assert!(
            !steps.contains(&"connect") && !steps.contains(&"request"),
            "nothing may be sent: {steps:?}"
        );
    }
}

server_suite!(
    credentials_are_not_sent_over_plain_http,
    tests_are_recorded_and_move_the_status,
    private_targets_are_refused_unless_allowed,
    echoed_credentials_never_reach_a_stored_trace
);
