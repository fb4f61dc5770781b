//! Installed connectors over a real socket, on SQLite and PostgreSQL: CRUD, validation,
//! masking and credential edits, status rules, scope and roles, 404 for other tenants,
//! 403 for viewers, concurrent creates. Every response body is scanned for secrets.

use crate::support;

mod cases {
    use std::sync::Arc;

    use app::model::connector::ConnectorStatus;
    use app::model::identity::{Credential, Password, Principal, Role};
    use reqwest::{Method, StatusCode};
    use serde_json::{Value, json};
    use server::service::admin::AdminService;
    use server::store::{CredentialChange, Store};
    use uuid::Uuid;

    use super::support::{Backend, Browser, OWNER_EMAIL, TestServer};

    const STRIPE_KEY: &str = "sk_test_Zq8VYuX3mK1pTs7LwRa9Nc2B";
    const STRIPE_KEY_2: &str = "sk_test_Hn4GjT6vRb1XeW9kUy3Lq0Pd";
    const WP_PASSWORD: &str = "abcd EFGH 1234 ijkl MNOP 5678";
    const SECRETS: [&str; 3] = [STRIPE_KEY, STRIPE_KEY_2, WP_PASSWORD];

    /// Fails when a body holds a secret, whole or all but its last four characters.
    fn assert_no_secret(context: &str, body: &str) {
        for secret in SECRETS {
            let head = &secret[..secret.len() - 4];
            assert!(
                !body.contains(secret) && !body.contains(head),
                "{context}: a response shows a secret: {body}"
            );
        }
    }

    /// A REST client with a Bearer token that checks every response: never a 5xx, never
    /// a secret in the body.
    #[derive(Clone)]
    struct Api {
        base_url: String,
        token: String,
        http: reqwest::Client,
    }

    impl Api {
        async fn send(
            &self,
            method: Method,
            path: &str,
            body: Option<Value>,
        ) -> (StatusCode, Value) {
            let mut request = self
                .http
                .request(method.clone(), format!("{}{path}", self.base_url))
                .bearer_auth(&self.token);
            if let Some(body) = body {
                request = request.json(&body);
            }
            let response = request.send().await.unwrap();
            let status = response.status();
            let text = response.text().await.unwrap();
            let context = format!("{method} {path} → {status}");
            assert_no_secret(&context, &text);
            assert!(!status.is_server_error(), "{context}: {text}");
            let value = if text.is_empty() {
                Value::Null
            } else {
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{context}: {e}: {text}"))
            };
            (status, value)
        }

        async fn get(&self, path: &str) -> (StatusCode, Value) {
            self.send(Method::GET, path, None).await
        }

        async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
            self.send(Method::POST, path, Some(body)).await
        }

        async fn put(&self, path: &str, body: Value) -> (StatusCode, Value) {
            self.send(Method::PUT, path, Some(body)).await
        }

        async fn delete(&self, path: &str) -> (StatusCode, Value) {
            self.send(Method::DELETE, path, None).await
        }

        /// Installs a Stripe connector and returns its id.
        async fn install_stripe(&self, name: &str) -> String {
            let (status, body) = self.post("/api/connectors", stripe(name)).await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
            body["id"].as_str().unwrap().to_owned()
        }
    }

    fn stripe(name: &str) -> Value {
        json!({
            "catalog_key": "stripe",
            "name": name,
            "config": {"mode": "test"},
            "auth": {"secret_key": STRIPE_KEY},
        })
    }

    /// A server with its owner (a platform admin, from first-run setup) holding a token.
    struct World {
        server: TestServer,
        owner: Api,
        /// The owner's signed-in browser session, for pages.
        browser: Browser,
    }

    impl World {
        async fn start(backend: Backend) -> Option<World> {
            let server = TestServer::start_on(backend, |_| {}).await?;
            let browser = server.owner().await;
            let owner = token_for(&server, OWNER_EMAIL, "Acme").await;
            Some(World {
                server,
                owner,
                browser,
            })
        }

        /// A user with `role` in `tenant` (created if missing), with a token.
        async fn person(&self, email: &str, tenant: &str, role: Role) -> Api {
            let admin = AdminService::new(self.server.store.clone());
            if self
                .server
                .store
                .tenant_by_name(tenant)
                .await
                .unwrap()
                .is_none()
            {
                admin.add_tenant(tenant).await.unwrap();
            }
            admin
                .add_user(
                    email,
                    "Someone",
                    tenant,
                    role,
                    Password("a long password 1".into()),
                )
                .await
                .unwrap();
            token_for(&self.server, email, tenant).await
        }
    }

    async fn token_for(server: &TestServer, email: &str, tenant: &str) -> Api {
        let (_, token) = AdminService::new(server.store.clone())
            .create_token(email, tenant, "tests")
            .await
            .unwrap();
        Api {
            base_url: server.base_url.clone(),
            token: secrecy::ExposeSecret::expose_secret(&token).to_owned(),
            http: reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(30))
                .build()
                .unwrap(),
        }
    }

    fn actions(audit: &Value) -> Vec<String> {
        audit
            .as_array()
            .unwrap()
            .iter()
            .map(|entry| entry["action"].as_str().unwrap().to_owned())
            .collect()
    }

    pub async fn install_read_update_delete(backend: Backend) {
        let Some(world) = World::start(backend).await else {
            return;
        };
        let api = &world.owner;
        let (status, created) = api.post("/api/connectors", stripe("Payments")).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        assert_eq!(created["status"], "inactive");
        assert_eq!(created["catalog_key"], "stripe");
        let masked = &created["credentials"]["fields"]["secret_key"];
        assert_eq!(masked["set"], true);
        assert_eq!(masked["secret"], true);
        assert_eq!(masked["hint"], "\u{2026}Nc2B");
        assert_eq!(masked["set_by"], OWNER_EMAIL);
        assert!(masked.get("value").is_none());
        let id = created["id"].as_str().unwrap().to_owned();
        let path = format!("/api/connectors/{id}");

        let (status, listed) = api.get("/api/installed").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(listed.as_array().unwrap().len(), 1);
        assert_eq!(api.get(&path).await.1["name"], "Payments");

        let (status, updated) = api
            .put(
                &path,
                json!({"name": "  Stripe – live ", "config": {"mode": "test", "api_version": "2025-01-27"}}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{updated}");
        assert_eq!(updated["name"], "Stripe – live");
        assert_eq!(updated["config"]["api_version"], "2025-01-27");

        // Credentials: keep by default, replace, refuse a masked value, clear.
        let (_, kept) = api
            .put(&path, json!({"auth": {"secret_key": {"action": "keep"}}}))
            .await;
        assert_eq!(
            kept["credentials"]["fields"]["secret_key"]["hint"],
            "\u{2026}Nc2B"
        );
        let (status, body) = api
            .put(
                &path,
                json!({"auth": {"secret_key": {"action": "replace", "value": "\u{2026}Nc2B"}}}),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(
            body["error"]["fields"]["auth.secret_key"].is_array(),
            "{body}"
        );
        let (status, replaced) = api
            .put(
                &path,
                json!({"auth": {"secret_key": {"action": "replace", "value": STRIPE_KEY_2}}}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{replaced}");
        assert_eq!(
            replaced["credentials"]["fields"]["secret_key"]["hint"],
            "\u{2026}q0Pd"
        );
        let (_, cleared) = api
            .put(&path, json!({"auth": {"secret_key": {"action": "clear"}}}))
            .await;
        assert!(cleared.get("credentials").is_none(), "{cleared}");
        assert_eq!(
            cleared["status"], "pending",
            "no credentials: back to setup"
        );

        let (status, audit) = api.get(&format!("/api/audit?connector_id={id}")).await;
        assert_eq!(status, StatusCode::OK);
        let done = actions(&audit);
        for expected in [
            "connector.create",
            "connector.update",
            "credentials.replace",
            "credentials.clear",
            "connector.status",
        ] {
            assert!(done.iter().any(|a| a == expected), "{expected}: {done:?}");
        }
        let update = audit
            .as_array()
            .unwrap()
            .iter()
            .find(|entry| entry["action"] == "connector.update")
            .unwrap();
        assert_eq!(
            update["details"]["changed"],
            json!(["name", "config.api_version"])
        );
        assert_eq!(update["actor"], OWNER_EMAIL);

        let (status, _) = api.delete(&path).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        assert_eq!(api.get(&path).await.0, StatusCode::NOT_FOUND);
        assert_eq!(api.delete(&path).await.0, StatusCode::NOT_FOUND);
        let (_, audit) = api.get(&format!("/api/audit?connector_id={id}")).await;
        assert_eq!(
            actions(&audit)[0],
            "connector.delete",
            "the trail outlives the instance"
        );
    }

    pub async fn invalid_input_is_a_400_naming_each_field(backend: Backend) {
        let Some(world) = World::start(backend).await else {
            return;
        };
        let api = &world.owner;
        let (status, body) = api
            .post(
                "/api/connectors",
                json!({
                    "catalog_key": "stripe",
                    "name": "   ",
                    "config": {"mode": "sandbox", "api_base_url": "not a url", "colour": 1},
                    "auth": {"secret_key": "pk_live_SECRETVALUE123"},
                }),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        let fields = body["error"]["fields"].as_object().unwrap();
        for field in [
            "name",
            "config.mode",
            "config.api_base_url",
            "config.colour",
            "auth.secret_key",
        ] {
            assert!(fields.contains_key(field), "{field}: {body}");
        }
        assert!(!body.to_string().contains("SECRETVALUE"), "{body}");

        let (status, body) = api
            .post(
                "/api/connectors",
                json!({"catalog_key": "nope", "name": "x"}),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(body["error"]["fields"]["catalog_key"].is_array());
        let (status, body) = api
            .post("/api/connectors", json!({"name": "x", "surprise": true}))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(body["error"]["code"], "invalid_input");
        let (status, body) = api
            .post("/api/connectors", json!({"catalog_key": "stripe", "name": "x", "auth": {"secret_key": 5, "other": "y"}}))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(body["error"]["fields"]["auth.other"].is_array(), "{body}");
        assert!(
            body["error"]["fields"]["auth.secret_key"].is_array(),
            "{body}"
        );
        let (status, _) = api.get("/api/connectors/not-a-uuid").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);

        // Without credentials it is installed, waiting for them.
        let (status, draft) = api
            .post(
                "/api/connectors",
                json!({"catalog_key": "stripe", "name": "Draft", "config": {"mode": "test"}}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
        assert_eq!(draft["status"], "pending");

        let (status, report) = api
            .post(
                "/api/validate-config",
                json!({"catalog_key": "wordpress", "config": {"base_url": "ftp://x"}}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(report["valid"], false);
        assert!(report["errors"]["config.base_url"].is_array(), "{report}");
        let (_, report) = api
            .post("/api/validate-config", json!({"catalog_key": "wordpress", "config": {"base_url": "https://blog.example.com"}}))
            .await;
        assert_eq!(report, json!({"valid": true, "errors": {}}));
    }

    pub async fn names_are_unique_per_tenant_ignoring_case(backend: Backend) {
        let Some(world) = World::start(backend).await else {
            return;
        };
        world.owner.install_stripe("Payments").await;
        let (status, body) = world
            .owner
            .post("/api/connectors", stripe(" PAYMENTS "))
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert_eq!(body["error"]["code"], "conflict");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("PAYMENTS")
        );
        // Named as the field's error too, so a form shows it on the name input.
        assert_eq!(body["error"]["fields"]["name"][0], body["error"]["message"]);
        let other = world.person("bob@beta.test", "Beta", Role::Owner).await;
        other.install_stripe("Payments").await;

        let second = world.owner.install_stripe("Refunds").await;
        let (status, _) = world
            .owner
            .put(
                &format!("/api/connectors/{second}"),
                json!({"name": "payments"}),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT);
    }

    pub async fn concurrent_creates_of_one_name_make_exactly_one(backend: Backend) {
        let Some(world) = World::start(backend).await else {
            return;
        };
        let api = Arc::new(world.owner.clone());
        let attempts: Vec<_> = (0..200)
            .map(|_| {
                let api = api.clone();
                tokio::spawn(async move { api.post("/api/connectors", stripe("Racy")).await.0 })
            })
            .collect();
        let mut created = 0;
        let mut conflicts = 0;
        for attempt in attempts {
            match attempt.await.unwrap() {
                StatusCode::CREATED => created += 1,
                StatusCode::CONFLICT => conflicts += 1,
                other => panic!("unexpected {other}"),
            }
        }
        assert_eq!((created, conflicts), (1, 199));
        assert_eq!(
            world
                .owner
                .get("/api/installed")
                .await
                .1
                .as_array()
                .unwrap()
                .len(),
            1
        );
    }

    pub async fn other_tenants_get_404_and_readers_get_403(backend: Backend) {
        let Some(world) = World::start(backend).await else {
            return;
        };
        let id = world.owner.install_stripe("Payments").await;
        let path = format!("/api/connectors/{id}");
        let outsider = world.person("bob@beta.test", "Beta", Role::Owner).await;
        let viewer = world.person("vera@acme.test", "Acme", Role::Viewer).await;
        let member = world.person("max@acme.test", "Acme", Role::Member).await;

        let update = json!({"name": "Renamed"});
        let status = json!({"status": "active"});
        for (who, expected_write) in [
            (&outsider, StatusCode::NOT_FOUND),
            (&viewer, StatusCode::FORBIDDEN),
            (&member, StatusCode::FORBIDDEN),
        ] {
            assert_eq!(who.put(&path, update.clone()).await.0, expected_write);
            assert_eq!(who.put(&path, status.clone()).await.0, expected_write);
            assert_eq!(who.delete(&path).await.0, expected_write);
        }
        assert_eq!(outsider.get(&path).await.0, StatusCode::NOT_FOUND);
        assert_eq!(
            outsider
                .get(&format!("/api/audit?connector_id={id}"))
                .await
                .0,
            StatusCode::NOT_FOUND
        );
        assert!(
            outsider
                .get("/api/installed")
                .await
                .1
                .as_array()
                .unwrap()
                .is_empty()
        );
        for reader in [&viewer, &member] {
            assert_eq!(reader.get(&path).await.0, StatusCode::OK);
            assert_eq!(
                reader
                    .get("/api/installed")
                    .await
                    .1
                    .as_array()
                    .unwrap()
                    .len(),
                1
            );
            assert_eq!(
                reader.get(&format!("/api/audit?connector_id={id}")).await.0,
                StatusCode::OK
            );
            assert_eq!(
                reader.post("/api/connectors", stripe("Mine")).await.0,
                StatusCode::FORBIDDEN
            );
        }
        // Nothing changed.
        let (_, unchanged) = world.owner.get(&path).await;
        assert_eq!(unchanged["name"], "Payments");
        assert_eq!(unchanged["can_write"], true);
        assert_eq!(viewer.get(&path).await.1["can_write"], false);
    }

    pub async fn status_changes_follow_the_rules(backend: Backend) {
        let Some(world) = World::start(backend).await else {
            return;
        };
        let api = &world.owner;
        let member = world.person("max@acme.test", "Acme", Role::Member).await;
        let id = api.install_stripe("Payments").await;
        let path = format!("/api/connectors/{id}");
        let targets = |api: &Api| {
            let api = api.clone();
            async move { api.get("/api/publish-targets").await.1 }
        };
        assert!(targets(&member).await.as_array().unwrap().is_empty());

        let (status, active) = api.put(&path, json!({"status": "active"})).await;
        assert_eq!(status, StatusCode::OK, "{active}");
        assert_eq!(active["status"], "active");
        let published = targets(&member).await;
        assert_eq!(published[0]["id"], id.as_str());
        assert_eq!(published[0]["catalog_key"], "stripe");
        assert_eq!(published[0]["capabilities"]["read_payments"], true);

        for system_only in ["error", "pending"] {
            let (status, body) = api.put(&path, json!({"status": system_only})).await;
            assert_eq!(status, StatusCode::CONFLICT, "{system_only}: {body}");
        }
        assert_eq!(
            api.put(&path, json!({"status": "inactive"})).await.0,
            StatusCode::OK
        );
        assert!(targets(&member).await.as_array().unwrap().is_empty());

        // A failed test (written by the system) makes activation ask for confirmation.
        let mut record = world
            .server
            .store
            .connector(tenant_of(&world).await, id.parse().unwrap())
            .await
            .unwrap()
            .unwrap();
        record.last_test_ok = Some(false);
        record.status = ConnectorStatus::Error;
        world
            .server
            .store
            .update_connector(&record, CredentialChange::Keep, &[])
            .await
            .unwrap();
        let (status, body) = api.put(&path, json!({"status": "active"})).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(body["error"]["code"], "confirmation_required", "{body}");
        let (status, body) = api
            .put(&path, json!({"status": "active", "confirm": true}))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");

        let draft = api
            .post(
                "/api/connectors",
                json!({"catalog_key": "stripe", "name": "Draft", "config": {"mode": "test"}}),
            )
            .await
            .1;
        let draft_path = format!("/api/connectors/{}", draft["id"].as_str().unwrap());
        let (status, body) = api.put(&draft_path, json!({"status": "active"})).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (StatusCode::CONFLICT, Some("conflict"))
        );
        // Credentials finish setup, and the same request may activate it.
        let (status, body) = api
            .put(
                &draft_path,
                json!({"auth": {"secret_key": {"action": "replace", "value": STRIPE_KEY}}, "status": "active"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["status"], "active");

        let (_, audit) = api.get(&format!("/api/audit?connector_id={id}")).await;
        let confirmed = audit
            .as_array()
            .unwrap()
            .iter()
            .find(|entry| entry["action"] == "connector.status")
            .unwrap();
        assert_eq!(
            confirmed["details"],
            json!({"from": "error", "to": "active", "confirmed": true})
        );
    }

    async fn tenant_of(world: &World) -> Uuid {
        world
            .server
            .store
            .tenant_by_name("Acme")
            .await
            .unwrap()
            .unwrap()
            .id
    }

    pub async fn scope_and_allowed_roles_decide_who_sees_and_uses(backend: Backend) {
        let Some(world) = World::start(backend).await else {
            return;
        };
        let owner = &world.owner;
        let admin = world.person("adam@acme.test", "Acme", Role::Admin).await;
        let member = world.person("max@acme.test", "Acme", Role::Member).await;
        let viewer = world.person("vera@acme.test", "Acme", Role::Viewer).await;
        let outsider = world.person("bob@beta.test", "Beta", Role::Owner).await;

        let mut personal = stripe("Personal");
        personal["scope"] = json!("user");
        let personal = owner.post("/api/connectors", personal).await.1["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let mut members_only = stripe("Members only");
        members_only["allowed_roles"] = json!(["member"]);
        let members_only = owner.post("/api/connectors", members_only).await.1["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let mut shared = stripe("Shared everywhere");
        shared["scope"] = json!("global");
        let (status, shared) = owner.post("/api/connectors", shared).await;
        assert_eq!(
            status,
            StatusCode::CREATED,
            "the first owner is a platform admin: {shared}"
        );
        let shared = shared["id"].as_str().unwrap().to_owned();
        for id in [&personal, &members_only, &shared] {
            owner
                .put(
                    &format!("/api/connectors/{id}"),
                    json!({"status": "active"}),
                )
                .await;
        }

        let names = |api: &Api, path: &'static str| {
            let api = api.clone();
            async move {
                let mut names: Vec<String> = api
                    .get(path)
                    .await
                    .1
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| c["name"].as_str().unwrap().to_owned())
                    .collect();
                names.sort();
                names
            }
        };
        assert_eq!(
            names(&admin, "/api/installed").await,
            ["Members only", "Personal", "Shared everywhere"]
        );
        assert_eq!(
            names(&member, "/api/installed").await,
            ["Members only", "Shared everywhere"]
        );
        assert_eq!(
            names(&member, "/api/publish-targets").await,
            ["Members only", "Shared everywhere"]
        );
        assert_eq!(
            names(&viewer, "/api/installed").await,
            ["Shared everywhere"]
        );
        assert!(
            names(&viewer, "/api/publish-targets").await.is_empty(),
            "viewers use nothing"
        );
        assert_eq!(
            names(&outsider, "/api/installed").await,
            ["Shared everywhere"]
        );
        assert_eq!(
            member.get(&format!("/api/connectors/{personal}")).await.0,
            StatusCode::NOT_FOUND
        );

        // Only a platform admin writes a global instance, or makes one.
        let shared_path = format!("/api/connectors/{shared}");
        assert_eq!(
            outsider
                .put(&shared_path, json!({"name": "Mine now"}))
                .await
                .0,
            StatusCode::FORBIDDEN
        );
        assert_eq!(admin.delete(&shared_path).await.0, StatusCode::FORBIDDEN);
        let mut global = stripe("Another global");
        global["scope"] = json!("global");
        assert_eq!(
            admin.post("/api/connectors", global).await.0,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            admin
                .put(
                    &format!("/api/connectors/{personal}"),
                    json!({"scope": "global"})
                )
                .await
                .0,
            StatusCode::FORBIDDEN
        );
    }

    fn principal(user_id: Uuid, tenant_id: Uuid, role: Role) -> Principal {
        Principal {
            user_id,
            email: OWNER_EMAIL.into(),
            display_name: "Ada".into(),
            tenant_id,
            tenant_name: "Acme".into(),
            role,
            is_platform_admin: true,
            credential: Credential::ApiToken(Uuid::nil()),
        }
    }

    pub async fn undecryptable_credentials_need_reentry_and_nothing_else_stops(backend: Backend) {
        let Some(world) = World::start(backend).await else {
            return;
        };
        let api = &world.owner;
        let broken = api.install_stripe("Broken").await;
        let healthy = api.install_stripe("Healthy").await;
        let tenant = tenant_of(&world).await;
        let store: &dyn Store = world.server.store.as_ref();
        let (broken_id, healthy_id) = (broken.parse().unwrap(), healthy.parse().unwrap());

        // Move the healthy instance's ciphertext onto the broken one: bound elsewhere.
        let moved = store
            .credentials_of(tenant, healthy_id)
            .await
            .unwrap()
            .unwrap();
        let mut target = store
            .credentials_of(tenant, broken_id)
            .await
            .unwrap()
            .unwrap();
        target.sealed = moved.sealed;
        let record = store.connector(tenant, broken_id).await.unwrap().unwrap();
        store
            .update_connector(&record, CredentialChange::Put(&target), &[])
            .await
            .unwrap();

        let (status, listed) = api.get("/api/installed").await;
        assert_eq!(status, StatusCode::OK);
        let reentry = |name: &str| {
            listed
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["name"] == name)
                .unwrap()["credentials"]["needs_reentry"]
                .clone()
        };
        assert_eq!(reentry("Broken"), true);
        assert_eq!(reentry("Healthy"), false);

        let user = store.user_by_email(OWNER_EMAIL).await.unwrap().unwrap().id;
        let who = principal(user, tenant, Role::Owner);
        let service = &world.server.connectors;
        let error = service
            .stored_credentials_for_use(&who, broken_id, "test")
            .await
            .unwrap_err();
        assert_eq!(error.status_code(), 409);
        let secrets = service
            .stored_credentials_for_use(&who, healthy_id, "connection test")
            .await
            .unwrap();
        assert_eq!(
            secrets.get("secret_key").and_then(Value::as_str),
            Some(STRIPE_KEY)
        );
        assert!(!format!("{secrets:?}").contains(STRIPE_KEY));
        let (_, audit) = api.get(&format!("/api/audit?connector_id={healthy}")).await;
        assert_eq!(audit[0]["action"], "credentials.decrypt");
        assert_eq!(audit[0]["details"]["purpose"], "connection test");

        let path = format!("/api/connectors/{broken}");
        let (status, body) = api.put(&path, json!({"status": "active"})).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        let (status, body) = api
            .put(&path, json!({"auth": {"secret_key": {"action": "replace", "value": STRIPE_KEY_2}}, "status": "active"}))
            .await;
        assert_eq!(status, StatusCode::OK, "re-entering fixes it: {body}");
        assert_eq!(body["credentials"]["needs_reentry"], false);
    }

    /// The setup wizard's path through its server functions: a draft with an empty
    /// configuration stays pending until both its configuration and its credentials are
    /// complete, and shows up as setup incomplete meanwhile.
    pub async fn wizard_drafts_stay_pending_until_complete(backend: Backend) {
        let Some(world) = World::start(backend).await else {
            return;
        };
        let call = |function: &'static str, body: Value| {
            let browser = &world.browser;
            async move {
                let response = browser.call_json(function, &body).await;
                let status = response.status();
                let text = response.text().await.unwrap();
                assert_no_secret(function, &text);
                assert!(!status.is_server_error(), "{function}: {text}");
                (status, serde_json::from_str::<Value>(&text).unwrap())
            }
        };
        // Without `draft`, an empty configuration is refused as before.
        let complete = json!({"input": {"catalog_key": "wordpress", "name": "Blog", "config": {}}});
        let (status, body) = call("install_connector", complete).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");

        let draft = json!({"input": {"catalog_key": "wordpress", "name": "Blog", "config": {}, "draft": true}});
        let (status, body) = call("install_connector", draft).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["status"], "pending");
        let id = body["id"].as_str().unwrap().to_owned();
        let page = world.browser.get("/").await.text().await.unwrap();
        assert!(
            page.contains("Setup incomplete") && page.contains("Continue setup"),
            "{page}"
        );

        let not_object = json!({"input": {"catalog_key": "wordpress", "name": "B2", "config": [], "draft": true}});
        let (status, body) = call("install_connector", not_object).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");

        // Credentials first: still pending, the configuration is not complete.
        let auth = json!({"id": id, "input": {"auth": {
            "username": {"action": "replace", "value": "editor"},
            "application_password": {"action": "replace", "value": WP_PASSWORD},
        }}});
        let (status, body) = call("update_connector", auth).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["status"], "pending");

        // A configuration the schema refuses is refused at its field, as always.
        let bad = json!({"id": id, "input": {"config": {"base_url": "blog"}}});
        let (status, body) = call("update_connector", bad).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(body.to_string().contains("config.base_url"), "{body}");

        let config =
            json!({"id": id, "input": {"config": {"base_url": "https://blog.example.com"}}});
        let (status, body) = call("update_connector", config).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["status"], "inactive");

        let (status, audit) = world
            .owner
            .get(&format!("/api/audit?connector_id={id}"))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            audit.to_string().contains("configuration completed"),
            "{audit}"
        );
    }

    pub async fn pages_show_installed_connectors_without_secrets(backend: Backend) {
        let Some(world) = World::start(backend).await else {
            return;
        };
        let mut wordpress = json!({
            "catalog_key": "wordpress",
            "name": "Company blog",
            "config": {"base_url": "https://blog.example.com"},
            "auth": {"username": "editor", "application_password": WP_PASSWORD},
        });
        assert_eq!(
            world
                .owner
                .post("/api/connectors", wordpress.take())
                .await
                .0,
            StatusCode::CREATED
        );
        let page = world.browser.get("/").await.text().await.unwrap();
        assert!(page.contains("Company blog"), "{page}");
        assert_no_secret("GET /", &page);
    }

    /// The body of a server function's answer, never a 5xx.
    async fn sfn(browser: &Browser, function: &str, body: Value) -> (StatusCode, Value) {
        let response = browser.call_json(function, &body).await;
        let status = response.status();
        let text = response.text().await.unwrap();
        assert!(!status.is_server_error(), "{function} → {status}: {text}");
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// Finding 6: text PostgreSQL cannot store (NUL) is refused on both backends, with
    /// 400 naming the field, wherever it is sent: names, descriptions, tags, configuration
    /// values and keys at any depth, credentials, members and tokens; REST and server
    /// functions alike.
    pub async fn nul_text_is_refused_at_its_field(backend: Backend) {
        let Some(mut world) = World::start(backend).await else {
            return;
        };
        let api = &world.owner;
        let nul = "a\u{0}b";
        let wordpress = |edit: &dyn Fn(&mut Value)| {
            let mut body = json!({
                "catalog_key": "wordpress",
                "name": "Blog",
                "config": {"base_url": "https://blog.example.com"},
                "auth": {"username": "editor", "application_password": WP_PASSWORD},
            });
            edit(&mut body);
            body
        };
        let cases: Vec<(&str, Value)> = vec![
            ("name", wordpress(&|b| b["name"] = json!(nul))),
            ("description", wordpress(&|b| b["description"] = json!(nul))),
            ("tags", wordpress(&|b| b["tags"] = json!(["ok", nul]))),
            (
                "config.base_url",
                wordpress(&|b| b["config"]["base_url"] = json!(nul)),
            ),
            (
                "config.extra.deep.1",
                wordpress(&|b| b["config"]["extra"] = json!({"deep": ["x", nul]})),
            ),
            (
                "config.extra",
                wordpress(&|b| b["config"]["extra"] = json!({"k\u{0}ey": 1})),
            ),
            (
                "auth.username",
                wordpress(&|b| b["auth"]["username"] = json!(nul)),
            ),
        ];
        for (field, body) in cases {
            let (status, answer) = api.post("/api/connectors", body.clone()).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{field}: {answer}");
            assert_eq!(answer["error"]["code"], "invalid_input", "{answer}");
            let fields = answer["error"]["fields"].as_object().unwrap();
            assert!(
                fields.keys().any(|key| key.starts_with(field)),
                "{field}: {answer}"
            );
            let (status, answer) =
                sfn(&world.browser, "install_connector", json!({"input": body})).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{field}: {answer}");
            assert!(answer.to_string().contains(field), "{field}: {answer}");
        }
        let (status, listed) = api.get("/api/installed").await;
        assert_eq!(
            (status, listed.as_array().unwrap().len()),
            (StatusCode::OK, 0)
        );

        let id = api.install_stripe("Payments").await;
        let path = format!("/api/connectors/{id}");
        for (field, body) in [
            ("name", json!({"name": nul})),
            ("description", json!({"description": nul})),
            ("tags", json!({"tags": [nul]})),
            ("config.mode", json!({"config": {"mode": nul}})),
            (
                "auth.secret_key",
                json!({"auth": {"secret_key": {"action": "replace", "value": format!("{STRIPE_KEY}\u{0}")}}}),
            ),
        ] {
            let (status, answer) = api.put(&path, body.clone()).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{field}: {answer}");
            assert!(
                answer["error"]["fields"].get(field).is_some(),
                "{field}: {answer}"
            );
            let (status, answer) = sfn(
                &world.browser,
                "update_connector",
                json!({"id": id, "input": body}),
            )
            .await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{field}: {answer}");
        }
        assert_eq!(api.get(&path).await.1["name"], "Payments");

        // Members, tokens, sign-in: the same rule, never a 500.
        let owner = &mut world.browser;
        for (function, form, field) in [
            (
                "add_member",
                vec![
                    ("email", "eve@acme.test"),
                    ("display_name", nul),
                    ("role", "member"),
                    ("password", "a long password 1"),
                ],
                "display_name",
            ),
            (
                "add_member",
                vec![
                    ("email", "e\u{0}ve@acme.test"),
                    ("display_name", "Eve"),
                    ("role", "member"),
                    ("password", "a long password 1"),
                ],
                "email",
            ),
            ("create_api_token", vec![("name", nul)], "name"),
        ] {
            let response = owner.call(function, &form).await;
            let status = response.status();
            let text = response.text().await.unwrap();
            assert_eq!(status, StatusCode::BAD_REQUEST, "{function}: {text}");
            assert!(text.contains(field), "{function}: {text}");
        }
        let response = world
            .server
            .browser()
            .call(
                "login",
                &[("email", "ad\u{0}a@acme.test"), ("password", "x")],
            )
            .await;
        assert!(
            !response.status().is_server_error(),
            "login: {}",
            response.status()
        );
    }

    /// Sends `body` to `path` with `Transfer-Encoding: chunked` (no Content-Length) over a
    /// plain socket, and returns the status and the body. The answer is read while the
    /// body is still being sent: the server may answer early and close.
    async fn send_chunked(
        base_url: &str,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> (u16, String) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let address = base_url.trim_start_matches("http://");
        let stream = tokio::net::TcpStream::connect(address).await.unwrap();
        let (mut reader, mut writer) = stream.into_split();
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {address}\r\nOrigin: {base_url}\r\nContent-Type: application/json\r\nAccept: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n"
        );
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        let body = body.to_vec();
        let sending = tokio::spawn(async move {
            writer.write_all(head.as_bytes()).await?;
            for chunk in body.chunks(16 * 1024) {
                writer
                    .write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
                    .await?;
                writer.write_all(chunk).await?;
                writer.write_all(b"\r\n").await?;
            }
            writer.write_all(b"0\r\n\r\n").await?;
            std::io::Result::Ok(writer)
        });
        let mut answer = Vec::new();
        let mut buffer = [0u8; 8192];
        while let Ok(read) = reader.read(&mut buffer).await {
            if read == 0 {
                break;
            }
            answer.extend_from_slice(&buffer[..read]);
        }
        let _ = sending.await;
        let answer = String::from_utf8_lossy(&answer).into_owned();
        let status = answer
            .split(' ')
            .nth(1)
            .and_then(|code| code.parse().ok())
            .unwrap_or_else(|| panic!("no status line: {answer}"));
        let body = answer
            .split_once("\r\n\r\n")
            .map(|(_, body)| body.to_owned())
            .unwrap_or_default();
        (status, body)
    }

    /// Finding 7: a body over the limit is 413 however it is sent: with a Content-Length
    /// or chunked, to the REST API or to a server function.
    pub async fn oversize_bodies_get_413_however_sent(backend: Backend) {
        let Some(world) = World::start(backend).await else {
            return;
        };
        let padding = "x".repeat(1_100_000);
        let body = json!({"catalog_key": "stripe", "name": "Big", "description": padding});
        let bytes = serde_json::to_vec(&body).unwrap();
        let bearer = format!("Bearer {}", world.owner.token);
        let cookie = world.browser.cookie.clone().unwrap();

        let (status, answer) = world.owner.post("/api/connectors", body.clone()).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{answer}");
        let (status, answer) = send_chunked(
            &world.server.base_url,
            "POST",
            "/api/connectors",
            &[("Authorization", &bearer)],
            &bytes,
        )
        .await;
        assert_eq!(status, 413, "REST, chunked: {answer}");
        assert!(answer.contains("payload_too_large"), "{answer}");
        let id = world.owner.install_stripe("Small").await;
        let (status, answer) = send_chunked(
            &world.server.base_url,
            "PUT",
            &format!("/api/connectors/{id}"),
            &[("Authorization", &bearer)],
            &bytes,
        )
        .await;
        assert_eq!(status, 413, "REST PUT, chunked: {answer}");

        let sfn_body = serde_json::to_vec(&json!({"input": body})).unwrap();
        let response = world
            .browser
            .call_json("install_connector", &json!({"input": body}))
            .await;
        assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
        let (status, answer) = send_chunked(
            &world.server.base_url,
            "POST",
            "/sfn/install_connector",
            &[("Cookie", &cookie)],
            &sfn_body,
        )
        .await;
        assert_eq!(status, 413, "server function, chunked: {answer}");
        let (_, listed) = world.owner.get("/api/installed").await;
        assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    }

    /// Finding 8: names are unique ignoring case by Unicode rules (and ignoring how the
    /// same letters are encoded), on both backends.
    pub async fn names_are_unique_ignoring_unicode_case(backend: Backend) {
        let Some(world) = World::start(backend).await else {
            return;
        };
        let api = &world.owner;
        api.install_stripe("Ärger").await;
        api.install_stripe("Caf\u{e9}").await;
        for taken in ["ärger", "ÄRGER", "A\u{308}rger", "CAFE\u{301}", "café"] {
            let (status, body) = api.post("/api/connectors", stripe(taken)).await;
            assert_eq!(status, StatusCode::CONFLICT, "{taken}: {body}");
            assert!(body["error"]["fields"]["name"].is_array(), "{body}");
        }
        let other = api.install_stripe("Other").await;
        let (status, body) = api
            .put(
                &format!("/api/connectors/{other}"),
                json!({"name": "ärger"}),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert!(body["error"]["fields"]["name"].is_array(), "{body}");
        // Renaming an instance to another case of its own name is fine.
        let (status, body) = api
            .put(
                &format!("/api/connectors/{other}"),
                json!({"name": "OTHER"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }

    /// Finding 9: an unknown key in any request object is 400, never silently dropped.
    pub async fn unknown_keys_are_refused_everywhere(backend: Backend) {
        let Some(world) = World::start(backend).await else {
            return;
        };
        let api = &world.owner;
        let id = api.install_stripe("Payments").await;
        let path = format!("/api/connectors/{id}");
        for (method_path, body) in [
            (
                path.as_str(),
                json!({"auth": {"secret_key": {"action": "keep", "value": "x"}}}),
            ),
            (
                path.as_str(),
                json!({"auth": {"secret_key": {"action": "clear", "value": "x"}}}),
            ),
            (
                path.as_str(),
                json!({"auth": {"secret_key": {"action": "replace", "value": STRIPE_KEY_2, "also": 1}}}),
            ),
            (path.as_str(), json!({"name": "x", "surprise": true})),
        ] {
            let (status, answer) = api.put(method_path, body.clone()).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {answer}");
            assert_eq!(answer["error"]["code"], "invalid_input", "{answer}");
            let (status, answer) = sfn(
                &world.browser,
                "update_connector",
                json!({"id": id, "input": body}),
            )
            .await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {answer}");
        }
        for (path, body) in [
            (
                "/api/connectors".to_owned(),
                json!({"catalog_key": "stripe", "name": "x", "surprise": true}),
            ),
            (
                "/api/validate-config".to_owned(),
                json!({"catalog_key": "stripe", "config": {}, "surprise": true}),
            ),
            (
                format!("/api/connectors/{id}/oauth/start"),
                json!({"return_to": "wizard", "surprise": true}),
            ),
        ] {
            let (status, answer) = api.post(&path, body.clone()).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{path} {body}: {answer}");
        }
        // A server function's arguments are closed too.
        for (function, body) in [
            (
                "update_connector",
                json!({"id": id, "input": {"name": "x"}, "surprise": true}),
            ),
            (
                "install_connector",
                json!({"input": {"catalog_key": "stripe", "name": "x"}, "surprise": true}),
            ),
        ] {
            let (status, answer) = sfn(&world.browser, function, body.clone()).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {answer}");
            assert!(answer.to_string().contains("surprise"), "{answer}");
        }
        // Nothing was changed by the refused edits.
        let (_, shown) = api.get(&path).await;
        assert_eq!(shown["name"], "Payments");
        assert_eq!(
            shown["credentials"]["fields"]["secret_key"]["hint"],
            "\u{2026}Nc2B"
        );
    }

    /// Finding 10: another tenant reading a global instance's audit trail (or the instance)
    /// learns nothing personal about the owning tenant's members.
    pub async fn other_tenants_see_no_personal_data_of_a_global_instance(backend: Backend) {
        let Some(world) = World::start(backend).await else {
            return;
        };
        let owner = &world.owner;
        let admin = world.person("adam@acme.test", "Acme", Role::Admin).await;
        let mut shared = stripe("Shared everywhere");
        shared["scope"] = json!("global");
        let (status, created) = owner.post("/api/connectors", shared).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let id = created["id"].as_str().unwrap().to_owned();
        owner
            .put(
                &format!("/api/connectors/{id}"),
                json!({"tags": ["shared"]}),
            )
            .await;
        let _ = admin.get(&format!("/api/connectors/{id}")).await;

        let outsider = world.person("vic@beta.test", "Beta", Role::Viewer).await;
        let personal = [OWNER_EMAIL, "Ada Owner", "adam@acme.test"];
        let (status, trail) = outsider.get(&format!("/api/audit?connector_id={id}")).await;
        assert_eq!(status, StatusCode::OK, "{trail}");
        assert!(!trail.as_array().unwrap().is_empty());
        let text = trail.to_string();
        for data in personal {
            assert!(!text.contains(data), "{data} in {text}");
        }
        for path in [format!("/api/connectors/{id}"), "/api/installed".to_owned()] {
            let (status, shown) = outsider.get(&path).await;
            assert_eq!(status, StatusCode::OK);
            for data in personal {
                assert!(
                    !shown.to_string().contains(data),
                    "{data} in {path}: {shown}"
                );
            }
        }
        // The owning tenant still sees who did what.
        let (_, trail) = owner.get(&format!("/api/audit?connector_id={id}")).await;
        assert!(trail.to_string().contains(OWNER_EMAIL), "{trail}");
    }
    /// Stripe's Mode and its key live in two schemas and are saved at different times (the
    /// wizard saves Mode, then the key): a live key with Mode Test is refused whichever is
    /// saved, on the field being saved, without quoting the key.
    pub async fn stripe_mode_and_key_must_agree(backend: Backend) {
        let Some(world) = World::start(backend).await else {
            return;
        };
        let api = &world.owner;
        const LIVE_KEY: &str = "sk_live_AgreeSECRET0123456789";
        let fields = |body: &Value| -> Vec<String> {
            let mut found: Vec<String> = body["error"]["fields"]
                .as_object()
                .map(|fields| fields.keys().cloned().collect())
                .unwrap_or_default();
            found.sort();
            found
        };
        let mut install = stripe("Agreement");
        install["auth"]["secret_key"] = json!(LIVE_KEY);
        let (status, body) = api.post("/api/connectors", install.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(fields(&body), ["auth.secret_key", "config.mode"], "{body}");
        assert!(
            body["error"]["fields"]["auth.secret_key"][0]
                .as_str()
                .unwrap()
                .contains("Mode is Test"),
            "{body}"
        );
        assert!(!body.to_string().contains("SECRET"), "{body}");

        install["config"]["mode"] = json!("live");
        let (status, body) = api.post("/api/connectors", install).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let path = format!("/api/connectors/{}", body["id"].as_str().unwrap());
        // Changing Mode alone against the saved live key: on Mode, and on the key to enter
        // with it.
        let (status, body) = api.put(&path, json!({"config": {"mode": "test"}})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(fields(&body), ["auth.secret_key", "config.mode"], "{body}");
        // Both at once agree.
        let both = json!({"config": {"mode": "test"}, "auth": {"secret_key": {"action": "replace", "value": STRIPE_KEY}}});
        let (status, body) = api.put(&path, both).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        // The key alone, as the wizard's Authenticate step saves it: the message is on the key.
        let key_only = json!({"auth": {"secret_key": {"action": "replace", "value": LIVE_KEY}}});
        let (status, body) = api.put(&path, key_only).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(fields(&body), ["auth.secret_key"], "{body}");
        assert!(!body.to_string().contains("SECRET"), "{body}");
        let (_, kept) = api.get(&path).await;
        assert_eq!(kept["config"]["mode"], "test", "{kept}");
    }

    /// Credentials go only where they were entered: moving an address they are sent to
    /// needs every saved secret again (or cleared) in the same change, or an admin could
    /// collect another person's credentials with the next test.
    pub async fn credentials_do_not_follow_a_moved_address(backend: Backend) {
        let Some(world) = World::start(backend).await else {
            return;
        };
        let id = world.owner.install_stripe("Moved").await;
        let path = format!("/api/connectors/{id}");
        let elsewhere =
            json!({"mode": "test", "api_base_url": "https://collector.example.invalid"});
        let (status, refused) = world.owner.put(&path, json!({"config": elsewhere})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
        let messages = refused["error"]["fields"]["config.api_base_url"].to_string();
        assert!(
            messages.contains("only to the address they were entered for"),
            "{refused}"
        );
        let (_, unchanged) = world.owner.get(&path).await;
        assert_ne!(
            unchanged["config"]["api_base_url"], "https://collector.example.invalid",
            "{unchanged}"
        );

        // The same address with another path or port-less spelling is not a move.
        let (status, body) = world
            .owner
            .put(
                &path,
                json!({"config": {"mode": "test", "api_base_url": "https://api.stripe.com/"}}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        // Entering the secret again with the move is allowed.
        let (status, moved) = world
            .owner
            .put(
                &path,
                json!({"config": elsewhere, "auth": {"secret_key": {"action": "replace", "value": STRIPE_KEY_2}}}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{moved}");
        assert_eq!(
            moved["config"]["api_base_url"],
            "https://collector.example.invalid"
        );
    }
}

server_suite!(
    stripe_mode_and_key_must_agree,
    credentials_do_not_follow_a_moved_address,
    nul_text_is_refused_at_its_field,
    oversize_bodies_get_413_however_sent,
    names_are_unique_ignoring_unicode_case,
    unknown_keys_are_refused_everywhere,
    other_tenants_see_no_personal_data_of_a_global_instance,
    install_read_update_delete,
    invalid_input_is_a_400_naming_each_field,
    names_are_unique_per_tenant_ignoring_case,
    concurrent_creates_of_one_name_make_exactly_one,
    other_tenants_get_404_and_readers_get_403,
    status_changes_follow_the_rules,
    scope_and_allowed_roles_decide_who_sees_and_uses,
    undecryptable_credentials_need_reentry_and_nothing_else_stops,
    pages_show_installed_connectors_without_secrets,
    wizard_drafts_stay_pending_until_complete,
);
