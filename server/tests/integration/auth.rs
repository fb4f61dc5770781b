//! Identity over a real socket, on SQLite and PostgreSQL: first-run setup, sessions and
//! their expiry, Bearer tokens, the 401/403/404 rules, Origin checks, login throttling.

use crate::support;

mod cases {
    use app::model::identity::{Password, Role};
    use reqwest::{Method, StatusCode};
    use serde_json::Value;
    use server::config::Config;
    use server::service::admin::AdminService;

    use super::support::{Backend, Browser, OWNER_EMAIL, OWNER_PASSWORD, TestServer};

    async fn json(response: reqwest::Response) -> Value {
        response.json().await.unwrap()
    }

    /// The error code of a REST error (`{"error": {"code": …}}`) or of a server function's
    /// error (`{"kind": …}`, the encoding the UI decodes); both use the same names.
    async fn error_code(response: reqwest::Response) -> (StatusCode, String) {
        let status = response.status();
        let body = json(response).await;
        let code = body["error"]["code"]
            .as_str()
            .or(body["kind"].as_str())
            .unwrap_or_default();
        (status, code.to_owned())
    }

    /// Adds a member to the owner's tenant through the UI's server function.
    async fn add_member(owner: &mut Browser, email: &str, role: &str) -> Browser {
        let password = "member password 1";
        let response = owner
            .call(
                "add_member",
                &[
                    ("email", email),
                    ("display_name", "Someone"),
                    ("role", role),
                    ("password", password),
                ],
            )
            .await;
        assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
        let mut browser = Browser {
            base_url: owner.base_url.clone(),
            http: owner.http.clone(),
            cookie: None,
        };
        browser.sign_in(email, password).await;
        browser
    }

    pub async fn first_run_setup_appears_once(backend: Backend) {
        let Some(server) = TestServer::start_on(backend, |_| {}).await else {
            return;
        };
        let visitor = server.browser();
        for page in ["/", "/catalog", "/login"] {
            let response = visitor.get(page).await;
            assert_eq!(response.status(), StatusCode::SEE_OTHER, "{page}");
            assert_eq!(response.headers()["location"], "/setup", "{page}");
        }
        assert_eq!(visitor.get("/setup").await.status(), StatusCode::OK);

        let mut owner = server.owner().await;
        assert!(
            owner
                .get("/settings")
                .await
                .text()
                .await
                .unwrap()
                .contains("Ada Owner")
        );

        let response = server.browser().get("/setup").await;
        assert_eq!(
            response.status(),
            StatusCode::NOT_FOUND,
            "/setup must be gone after setup"
        );
        let mut intruder = server.browser();
        let again = intruder
            .call(
                "setup",
                &[
                    ("tenant_name", "Evil"),
                    ("display_name", "Eve"),
                    ("email", "eve@evil.test"),
                    ("password", "long enough pass"),
                ],
            )
            .await;
        assert_eq!(
            error_code(again).await,
            (StatusCode::NOT_FOUND, "not_found".to_owned())
        );
        assert!(intruder.cookie.is_none());
        assert_eq!(server.store.count_users().await.unwrap(), 1);
        let _ = owner.call("logout", &[]).await;
    }

    pub async fn signed_out_requests_get_401_or_the_login_page(backend: Backend) {
        let Some(server) = TestServer::start_on(backend, |_| {}).await else {
            return;
        };
        let _owner = server.owner().await;
        let mut visitor = server.browser();
        // (The OpenAPI document stays public: it describes the API and holds no data.)
        let nil = "00000000-0000-0000-0000-000000000000";
        let one = format!("/api/connectors/{nil}");
        let every_endpoint = [
            (Method::GET, "/api/catalog".to_owned()),
            (Method::GET, "/api/catalog/stripe".to_owned()),
            (Method::GET, "/api/installed".to_owned()),
            (Method::POST, "/api/connectors".to_owned()),
            (Method::GET, one.clone()),
            (Method::PUT, one.clone()),
            (Method::DELETE, one),
            (Method::POST, "/api/validate-config".to_owned()),
            (Method::GET, "/api/publish-targets".to_owned()),
            (Method::GET, format!("/api/audit?connector_id={nil}")),
            (Method::POST, format!("/api/connectors/{nil}/oauth/start")),
            (Method::POST, format!("/api/connectors/{nil}/test")),
            (Method::GET, format!("/api/connectors/{nil}/tests")),
        ];
        for (method, path) in every_endpoint {
            let response = visitor
                .http
                .request(method.clone(), server.url(&path))
                .json(&serde_json::json!({}))
                .send()
                .await
                .unwrap();
            let (status, code) = error_code(response).await;
            assert_eq!(
                (status, code.as_str()),
                (StatusCode::UNAUTHORIZED, "unauthorized"),
                "{method} {path}"
            );
        }
        let every_signed_in_function: [(&str, Vec<(&str, &str)>); 19] = [
            ("test_connector", vec![("id", nil)]),
            ("connector_tests", vec![("id", nil)]),
            ("start_oauth", vec![("id", nil)]),
            ("catalog_cards", vec![]),
            ("catalog_entry", vec![("key", "stripe")]),
            ("connector_page", vec![("id", nil)]),
            ("connector_audit", vec![("id", nil)]),
            ("installed_connectors", vec![]),
            (
                "set_connector_status",
                vec![("id", nil), ("status", "active")],
            ),
            ("delete_connector", vec![("id", nil)]),
            ("logout", vec![]),
            ("switch_tenant", vec![("tenant_id", nil)]),
            ("members", vec![]),
            (
                "add_member",
                vec![
                    ("email", "x@acme.test"),
                    ("display_name", "X"),
                    ("role", "viewer"),
                    ("password", "long enough pass"),
                ],
            ),
            ("set_member_role", vec![("user_id", nil), ("role", "admin")]),
            ("remove_member", vec![("user_id", nil)]),
            ("api_tokens", vec![]),
            ("create_api_token", vec![("name", "x")]),
            ("revoke_api_token", vec![("id", nil)]),
        ];
        for (function, form) in every_signed_in_function {
            let (status, code) = error_code(visitor.call(function, &form).await).await;
            assert_eq!(
                (status, code.as_str()),
                (StatusCode::UNAUTHORIZED, "unauthorized"),
                "{function}"
            );
        }
        let json_functions = [
            (
                "install_connector",
                serde_json::json!({"input": {"catalog_key": "stripe", "name": "x"}}),
            ),
            (
                "update_connector",
                serde_json::json!({"id": nil, "input": {}}),
            ),
        ];
        for (function, body) in json_functions {
            let (status, code) = error_code(visitor.call_json(function, &body).await).await;
            assert_eq!(
                (status, code.as_str()),
                (StatusCode::UNAUTHORIZED, "unauthorized"),
                "{function}"
            );
        }
        let response = visitor.get("/settings?tab=members").await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            response.headers()["location"],
            "/login?next=%2Fsettings%3Ftab%3Dmembers"
        );
        assert_eq!(visitor.get("/login").await.status(), StatusCode::OK);
    }

    pub async fn sessions_sign_in_and_out(backend: Backend) {
        let Some(server) = TestServer::start_on(backend, |_| {}).await else {
            return;
        };
        let _ = server.owner().await;
        let mut browser = server.browser();
        let wrong = browser
            .call(
                "login",
                &[("email", OWNER_EMAIL), ("password", "not the password")],
            )
            .await;
        assert_eq!(error_code(wrong).await.0, StatusCode::BAD_REQUEST);
        assert!(browser.cookie.is_none());

        let response = browser
            .call(
                "login",
                &[
                    ("email", "ADA@acme.test"),
                    ("password", OWNER_PASSWORD),
                    ("next", "/catalog"),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["location"], "/catalog");
        let set_cookie = response.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .to_owned();
        for flag in ["HttpOnly", "SameSite=Lax", "Path=/"] {
            assert!(set_cookie.contains(flag), "{set_cookie}");
        }
        assert!(
            !set_cookie.contains("Secure"),
            "the public URL is http here"
        );
        assert_eq!(browser.get("/api/catalog").await.status(), StatusCode::OK);

        let stolen = browser.cookie.clone();
        assert_eq!(browser.call("logout", &[]).await.status(), StatusCode::OK);
        assert!(browser.cookie.is_none(), "logout did not clear the cookie");
        let replay = Browser {
            cookie: stolen,
            ..server.browser()
        };
        assert_eq!(
            replay.get("/api/catalog").await.status(),
            StatusCode::UNAUTHORIZED,
            "the session outlived logout"
        );
    }

    pub async fn idle_sessions_expire(backend: Backend) {
        let idle_zero = |config: &mut Config| config.session_idle_minutes = 0;
        let Some(server) = TestServer::start_on(backend, idle_zero).await else {
            return;
        };
        let owner = server.owner().await;
        assert_eq!(
            owner.get("/api/catalog").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }

    pub async fn sessions_expire_absolutely(backend: Backend) {
        let max_zero = |config: &mut Config| config.session_max_hours = 0;
        let Some(server) = TestServer::start_on(backend, max_zero).await else {
            return;
        };
        let owner = server.owner().await;
        assert_eq!(
            owner.get("/api/catalog").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }

    pub async fn bearer_tokens_work_until_revoked(backend: Backend) {
        let Some(server) = TestServer::start_on(backend, |_| {}).await else {
            return;
        };
        let mut owner = server.owner().await;
        let created = json(
            owner
                .call("create_api_token", &[("name", "CI deploys")])
                .await,
        )
        .await;
        let token = created["token"].as_str().unwrap().to_owned();
        assert!(token.starts_with("chub_"));
        let id = created["info"]["id"].as_str().unwrap().to_owned();

        let listed = json(owner.call("api_tokens", &[]).await).await;
        assert_eq!(listed[0]["prefix"], &token[..11]);
        assert!(
            !listed.to_string().contains(&token),
            "a listing showed the whole token"
        );

        let client = reqwest::Client::new();
        let with = |token: &str| {
            client
                .get(server.url("/api/catalog"))
                .bearer_auth(token.to_owned())
                .send()
        };
        assert_eq!(with(&token).await.unwrap().status(), StatusCode::OK);
        assert_eq!(
            with("chub_not-a-real-token").await.unwrap().status(),
            StatusCode::UNAUTHORIZED
        );

        // API clients send no Origin: a Bearer call that changes state still works.
        let revoke_other = client
            .post(server.url("/sfn/revoke_api_token"))
            .bearer_auth(&token)
            .header("accept", "application/json")
            .form(&[("id", "00000000-0000-0000-0000-000000000000")])
            .send()
            .await
            .unwrap();
        assert_eq!(revoke_other.status(), StatusCode::NOT_FOUND);

        assert_eq!(
            owner
                .call("revoke_api_token", &[("id", &id)])
                .await
                .status(),
            StatusCode::OK
        );
        assert_eq!(
            with(&token).await.unwrap().status(),
            StatusCode::UNAUTHORIZED
        );
    }

    pub async fn roles_gate_every_write(backend: Backend) {
        let Some(server) = TestServer::start_on(backend, |_| {}).await else {
            return;
        };
        let mut owner = server.owner().await;
        let mut viewer = add_member(&mut owner, "vera@acme.test", "viewer").await;
        let mut member = add_member(&mut owner, "max@acme.test", "member").await;
        let vera_id = json(owner.call("members", &[]).await)
            .await
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["email"] == "vera@acme.test")
            .unwrap()["user_id"]
            .as_str()
            .unwrap()
            .to_owned();

        for who in [&mut viewer, &mut member] {
            assert_eq!(
                who.get("/api/catalog").await.status(),
                StatusCode::OK,
                "reading is for everyone"
            );
            assert_eq!(who.call("members", &[]).await.status(), StatusCode::OK);
            let writes: [(&str, Vec<(&str, &str)>); 5] = [
                (
                    "add_member",
                    vec![
                        ("email", "x@acme.test"),
                        ("display_name", "X"),
                        ("role", "viewer"),
                        ("password", "long enough pass"),
                    ],
                ),
                (
                    "set_member_role",
                    vec![("user_id", vera_id.as_str()), ("role", "admin")],
                ),
                ("remove_member", vec![("user_id", vera_id.as_str())]),
                ("create_api_token", vec![("name", "mine")]),
                ("api_tokens", vec![]),
            ];
            for (function, form) in writes {
                let (status, code) = error_code(who.call(function, &form).await).await;
                assert_eq!(
                    (status, code.as_str()),
                    (StatusCode::FORBIDDEN, "forbidden"),
                    "{function}"
                );
            }
            let catalog = json(who.call("catalog_cards", &[]).await).await;
            assert_eq!(catalog["can_install"], false);
        }

        // Admins manage, but only owners make owners.
        let mut admin = add_member(&mut owner, "adam@acme.test", "admin").await;
        let (status, _) = error_code(
            admin
                .call(
                    "set_member_role",
                    &[("user_id", &vera_id), ("role", "owner")],
                )
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(role_of(&mut viewer).await, "viewer");
        assert_eq!(
            admin
                .call(
                    "set_member_role",
                    &[("user_id", &vera_id), ("role", "member")]
                )
                .await
                .status(),
            StatusCode::OK
        );
        assert_eq!(
            role_of(&mut viewer).await,
            "member",
            "a role change applies to open sessions at once"
        );
    }

    /// The role the server sees for a signed-in browser.
    async fn role_of(who: &mut Browser) -> String {
        let viewer = json(who.call("current_viewer", &[]).await).await;
        viewer["role"].as_str().unwrap_or_default().to_owned()
    }

    /// Another process (a second replica, the admin CLI) revoking a token: this server
    /// learns of it within `CONNECTORS_AUTH_CACHE_MILLIS`, not at once.
    pub async fn revocations_elsewhere_apply_within_the_auth_cache_time(backend: Backend) {
        const CACHE_MILLIS: u64 = 1500;
        let cache = |config: &mut Config| config.auth_cache_millis = CACHE_MILLIS;
        let Some(server) = TestServer::start_on(backend, cache).await else {
            return;
        };
        let mut owner = server.owner().await;
        let created = json(owner.call("create_api_token", &[("name", "CI")]).await).await;
        let token = created["token"].as_str().unwrap().to_owned();
        let client = reqwest::Client::new();
        let catalog = || {
            client
                .get(server.url("/api/catalog"))
                .bearer_auth(&token)
                .send()
        };
        let elsewhere = server::store::connect(&server.database_url).await.unwrap();
        let (record, _) = elsewhere
            .api_token(&server::auth::tokens::hash(&token))
            .await
            .unwrap()
            .unwrap();
        let cached_at = std::time::Instant::now();
        assert_eq!(catalog().await.unwrap().status(), StatusCode::OK);

        let revoked_at = std::time::Instant::now();
        assert!(
            elsewhere
                .revoke_api_token(record.tenant_id, record.id, 1)
                .await
                .unwrap()
        );
        assert_eq!(
            catalog().await.unwrap().status(),
            StatusCode::OK,
            "served from the cache (a run slower than {CACHE_MILLIS} ms would not be)"
        );
        while catalog().await.unwrap().status() == StatusCode::OK {
            assert!(
                revoked_at.elapsed() < std::time::Duration::from_millis(CACHE_MILLIS + 1000),
                "a revoked token still worked after the cache time"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert!(
            cached_at.elapsed() >= std::time::Duration::from_millis(CACHE_MILLIS),
            "the cache ended before its time"
        );
    }

    pub async fn the_last_owner_cannot_step_down(backend: Backend) {
        let Some(server) = TestServer::start_on(backend, |_| {}).await else {
            return;
        };
        let mut owner = server.owner().await;
        let me = json(owner.call("members", &[]).await).await[0]["user_id"]
            .as_str()
            .unwrap()
            .to_owned();
        let (status, code) = error_code(
            owner
                .call("set_member_role", &[("user_id", &me), ("role", "admin")])
                .await,
        )
        .await;
        assert_eq!((status, code.as_str()), (StatusCode::CONFLICT, "conflict"));
    }

    pub async fn a_removed_member_is_signed_out_of_the_tenant(backend: Backend) {
        let Some(server) = TestServer::start_on(backend, |_| {}).await else {
            return;
        };
        let mut owner = server.owner().await;
        let mut member = add_member(&mut owner, "mo@acme.test", "member").await;
        let mut admin = add_member(&mut owner, "ad@acme.test", "admin").await;
        let members = json(owner.call("members", &[]).await).await;
        let id_of = |email: &str| {
            members
                .as_array()
                .unwrap()
                .iter()
                .find(|m| m["email"] == email)
                .unwrap()["user_id"]
                .as_str()
                .unwrap()
                .to_owned()
        };
        let (owner_id, member_id) = (id_of(OWNER_EMAIL), id_of("mo@acme.test"));
        assert_eq!(member.call("members", &[]).await.status(), StatusCode::OK);

        // Admins do not remove owners; nobody removes themselves.
        let (status, _) =
            error_code(admin.call("remove_member", &[("user_id", &owner_id)]).await).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, code) =
            error_code(owner.call("remove_member", &[("user_id", &owner_id)]).await).await;
        assert_eq!((status, code.as_str()), (StatusCode::CONFLICT, "conflict"));

        assert_eq!(
            admin
                .call("remove_member", &[("user_id", &member_id)])
                .await
                .status(),
            StatusCode::OK
        );
        let (status, _) = error_code(member.call("members", &[]).await).await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "a removed member's open session stops at once"
        );
        let (status, _) = error_code(
            admin
                .call("remove_member", &[("user_id", &member_id)])
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let left: Vec<String> = json(owner.call("members", &[]).await)
            .await
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["email"].as_str().unwrap().to_owned())
            .collect();
        assert!(!left.contains(&"mo@acme.test".to_owned()), "{left:?}");
    }

    pub async fn other_tenants_ids_answer_404(backend: Backend) {
        let Some(server) = TestServer::start_on(backend, |_| {}).await else {
            return;
        };
        let mut owner = server.owner().await;
        let acme_token =
            json(owner.call("create_api_token", &[("name", "acme")]).await).await["info"]["id"]
                .as_str()
                .unwrap()
                .to_owned();
        let ada_id = json(owner.call("members", &[]).await).await[0]["user_id"]
            .as_str()
            .unwrap()
            .to_owned();

        let admin = AdminService::new(server.store.clone());
        let beta = admin.add_tenant("Beta").await.unwrap();
        admin
            .add_user(
                "bob@beta.test",
                "Bob",
                "Beta",
                Role::Owner,
                Password("bob's password".into()),
            )
            .await
            .unwrap();
        let mut bob = server.browser();
        bob.sign_in("bob@beta.test", "bob's password").await;

        for (function, form) in [
            ("revoke_api_token", vec![("id", acme_token.as_str())]),
            (
                "set_member_role",
                vec![("user_id", ada_id.as_str()), ("role", "viewer")],
            ),
            (
                "switch_tenant",
                vec![("tenant_id", "00000000-0000-0000-0000-000000000001")],
            ),
        ] {
            let (status, code) = error_code(bob.call(function, &form).await).await;
            assert_eq!(
                (status, code.as_str()),
                (StatusCode::NOT_FOUND, "not_found"),
                "{function}"
            );
        }
        let acme_id = server
            .store
            .tenant_by_name("Acme")
            .await
            .unwrap()
            .unwrap()
            .id
            .to_string();
        let (status, _) =
            error_code(bob.call("switch_tenant", &[("tenant_id", &acme_id)]).await).await;
        assert_eq!(
            status,
            StatusCode::NOT_FOUND,
            "switched into a tenant he is not a member of"
        );
        let members: Vec<String> = json(bob.call("members", &[]).await)
            .await
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["email"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(members, vec!["bob@beta.test".to_owned()]);

        // A user in both tenants can switch between them.
        admin
            .add_user(
                "bob@beta.test",
                "Bob",
                "Acme",
                Role::Viewer,
                Password(String::new()),
            )
            .await
            .unwrap();
        assert_eq!(
            bob.call("switch_tenant", &[("tenant_id", &acme_id)])
                .await
                .status(),
            StatusCode::OK
        );
        let viewer = json(bob.call("current_viewer", &[]).await).await;
        assert_eq!(
            (viewer["tenant_name"].as_str(), viewer["role"].as_str()),
            (Some("Acme"), Some("viewer"))
        );
        assert_eq!(viewer["memberships"].as_array().unwrap().len(), 2);
        let _ = beta;
    }

    pub async fn cross_origin_writes_are_refused(backend: Backend) {
        let Some(server) = TestServer::start_on(backend, |_| {}).await else {
            return;
        };
        let owner = server.owner().await;
        let cookie = owner.cookie.clone().unwrap();
        let client = reqwest::Client::new();
        let logout_from = |origin: Option<&'static str>| {
            let mut request = client
                .post(server.url("/sfn/logout"))
                .header("cookie", &cookie)
                .header("accept", "application/json");
            if let Some(origin) = origin {
                request = request.header("origin", origin);
            }
            request.send()
        };
        assert_eq!(
            logout_from(Some("https://evil.example"))
                .await
                .unwrap()
                .status(),
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            logout_from(None).await.unwrap().status(),
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            owner.get("/api/catalog").await.status(),
            StatusCode::OK,
            "a refused request still signed out"
        );
        let same_site = client
            .post(server.url("/sfn/logout"))
            .header("cookie", &cookie)
            .header("referer", server.url("/settings"))
            .header("accept", "application/json")
            .send()
            .await
            .unwrap();
        assert_eq!(same_site.status(), StatusCode::OK);
    }

    /// The Origin rule holds whenever a session cookie is sent, whatever else is: an
    /// `Authorization` header of any kind (valid, empty, another scheme) does not lift it,
    /// on REST writes and server functions alike.
    pub async fn a_session_cookie_needs_an_origin_whatever_else_is_sent(backend: Backend) {
        let Some(server) = TestServer::start_on(backend, |_| {}).await else {
            return;
        };
        let mut owner = server.owner().await;
        let token = json(owner.call("create_api_token", &[("name", "ci")]).await).await["token"]
            .as_str()
            .expect("a token")
            .to_owned();
        let cookie = owner.cookie.clone().expect("session");
        let client = reqwest::Client::new();
        let created = client
            .post(server.url("/api/connectors"))
            .bearer_auth(&token)
            .json(&serde_json::json!({"catalog_key": "http_rest", "name": "Keep me", "config": {"base_url": "https://api.example.com"}}))
            .send()
            .await
            .unwrap();
        assert_eq!(
            created.status(),
            StatusCode::CREATED,
            "a Bearer client with no cookie still writes"
        );
        let id = json(created).await["id"].as_str().unwrap().to_owned();
        let bearer = format!("Bearer {token}");
        let authorizations = [
            "Basic Zm9vOmJhcg==",
            "Bearer ",
            "Bearer",
            "bearer chub_not_a_token",
            "Digest x",
            bearer.as_str(),
        ];
        for authorization in authorizations {
            let requests = [
                client
                    .post(server.url("/api/connectors"))
                    .json(&serde_json::json!({"catalog_key": "http_rest", "name": format!("Forged {authorization}"), "config": {"base_url": "https://api.example.com"}})),
                client.delete(server.url(&format!("/api/connectors/{id}"))),
                client.put(server.url(&format!("/api/connectors/{id}"))).json(&serde_json::json!({"name": "Renamed"})),
                client
                    .post(server.url("/sfn/create_api_token"))
                    .header("accept", "application/json")
                    .form(&[("name", "forged")]),
                client
                    .post(server.url("/sfn/logout"))
                    .header("accept", "application/json"),
            ];
            for request in requests {
                let response = request
                    .header("cookie", &cookie)
                    .header("authorization", authorization)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(
                    response.status(),
                    StatusCode::FORBIDDEN,
                    "{} with a session cookie, no Origin and `Authorization: {authorization}` got through",
                    response.url()
                );
            }
        }
        let still_there = owner.get(&format!("/api/connectors/{id}")).await;
        assert_eq!(
            still_there.status(),
            StatusCode::OK,
            "a refused request deleted the connector"
        );
        assert_eq!(json(still_there).await["name"], "Keep me");
        let installed = json(owner.get("/api/installed").await).await;
        assert_eq!(
            installed.as_array().map(Vec::len),
            Some(1),
            "a refused request created a connector"
        );
        let tokens = json(owner.call("api_tokens", &[]).await).await;
        assert_eq!(
            tokens.as_array().map(Vec::len),
            Some(1),
            "a refused request created a token"
        );
    }

    pub async fn malformed_arguments_are_a_400(backend: Backend) {
        let Some(server) = TestServer::start_on(backend, |_| {}).await else {
            return;
        };
        let mut owner = server.owner().await;
        for (function, form) in [
            ("add_member", vec![("email", "x@acme.test")]),
            (
                "set_member_role",
                vec![("user_id", "not-a-uuid"), ("role", "admin")],
            ),
            (
                "set_member_role",
                vec![
                    ("user_id", "00000000-0000-0000-0000-000000000000"),
                    ("role", "emperor"),
                ],
            ),
            ("revoke_api_token", vec![]),
        ] {
            let (status, code) = error_code(owner.call(function, &form).await).await;
            assert_eq!(
                (status, code.as_str()),
                (StatusCode::BAD_REQUEST, "invalid_input"),
                "{function} {form:?}"
            );
        }
    }

    pub async fn repeated_failed_logins_are_refused_for_a_while(backend: Backend) {
        let Some(server) = TestServer::start_on(backend, |_| {}).await else {
            return;
        };
        let _ = server.owner().await;
        let mut attacker = server.browser();
        for attempt in 0..5 {
            let response = attacker
                .call(
                    "login",
                    &[("email", OWNER_EMAIL), ("password", "guess number x")],
                )
                .await;
            assert_eq!(
                response.status(),
                StatusCode::BAD_REQUEST,
                "attempt {attempt}"
            );
        }
        let (status, code) = error_code(
            attacker
                .call(
                    "login",
                    &[("email", OWNER_EMAIL), ("password", OWNER_PASSWORD)],
                )
                .await,
        )
        .await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::TOO_MANY_REQUESTS, "too_many_requests")
        );
        assert!(attacker.cookie.is_none(), "signed in while throttled");
    }

    pub async fn password_spraying_from_one_address_is_refused(backend: Backend) {
        let Some(server) = TestServer::start_on(backend, |_| {}).await else {
            return;
        };
        let _ = server.owner().await;
        let mut sprayer = server.browser();
        for n in 0..30 {
            let email = format!("guess{n}@acme.test");
            let response = sprayer
                .call(
                    "login",
                    &[("email", email.as_str()), ("password", "Summer2026!!")],
                )
                .await;
            assert_eq!(response.status(), StatusCode::BAD_REQUEST, "attempt {n}");
        }
        // The owner's account has no failures, but this address is now refused.
        let (status, _) = error_code(
            sprayer
                .call(
                    "login",
                    &[("email", OWNER_EMAIL), ("password", OWNER_PASSWORD)],
                )
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    }
}

server_suite!(
    first_run_setup_appears_once,
    signed_out_requests_get_401_or_the_login_page,
    sessions_sign_in_and_out,
    idle_sessions_expire,
    sessions_expire_absolutely,
    bearer_tokens_work_until_revoked,
    revocations_elsewhere_apply_within_the_auth_cache_time,
    roles_gate_every_write,
    the_last_owner_cannot_step_down,
    a_removed_member_is_signed_out_of_the_tenant,
    other_tenants_ids_answer_404,
    cross_origin_writes_are_refused,
    a_session_cookie_needs_an_origin_whatever_else_is_sent,
    malformed_arguments_are_a_400,
    repeated_failed_logins_are_refused_for_a_while,
    password_spraying_from_one_address_is_refused,
);
