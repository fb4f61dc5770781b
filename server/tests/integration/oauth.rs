//! OAuth 2.0 sign-in against a real provider on loopback (`support::oauth_provider`), on
//! SQLite and PostgreSQL: the happy path with PKCE; unknown, expired, reused and other
//! people's states; a replayed code; `access_denied`; a failing token endpoint. Nothing
//! is half-saved, and no token ever appears in a response.

use crate::support;

mod cases {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    use app::model::identity::{Credential, Password, Principal, Role};
    use reqwest::StatusCode;
    use serde_json::{Value, json};
    use server::service::admin::AdminService;
    use server::store::{OAuthReturn, OAuthStateRecord};
    use server::vault::Binding;
    use time::OffsetDateTime;
    use uuid::Uuid;

    use super::support::oauth_provider::{CLIENT_ID, CLIENT_SECRET, Mode, Provider};
    use super::support::{Backend, Browser, TestServer};

    struct World {
        server: TestServer,
        provider: Provider,
        owner: Browser,
    }

    impl World {
        /// The provider is on loopback: private targets allowed, as in local development.
        async fn start(backend: Backend) -> Option<World> {
            let server =
                TestServer::start_on(backend, |config| config.allow_private_targets = true).await?;
            let owner = server.owner().await;
            let provider = Provider::start().await;
            Some(World {
                server,
                provider,
                owner,
            })
        }

        /// A generic OAuth2 instance pointing at the provider, with its own client.
        async fn install(&self, name: &str) -> String {
            self.install_with(name, self.provider.generic_config())
                .await
        }

        /// Like [`World::install`], with this configuration.
        async fn install_with(&self, name: &str, config: Value) -> String {
            let body = json!({"input": {
                "catalog_key": "oauth2_generic",
                "name": name,
                "config": config,
                "auth": {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET},
            }});
            let (status, created) =
                json_of(self.owner.call_json("install_connector", &body).await).await;
            assert_eq!(status, StatusCode::OK, "{created}");
            assert_eq!(created["status"], "pending");
            created["id"].as_str().unwrap().to_owned()
        }

        async fn connector(&self, id: &str) -> Value {
            let (status, body) =
                json_of(self.owner.get(&format!("/api/connectors/{id}")).await).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            body
        }
    }

    /// Status and JSON body, checking that no token or client secret is in it.
    async fn json_of(response: reqwest::Response) -> (StatusCode, Value) {
        let status = response.status();
        let text = response.text().await.unwrap();
        assert_no_token(&text);
        assert!(!status.is_server_error(), "{status}: {text}");
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    fn assert_no_token(text: &str) {
        for secret in ["access-token-", "refresh-token-", CLIENT_SECRET] {
            assert!(!text.contains(secret), "a response shows a secret: {text}");
        }
    }

    /// Asks to start signing in to `id` from its detail page; the answer as it comes.
    async fn start_answer(browser: &mut Browser, id: &str) -> (StatusCode, Value) {
        json_of(
            browser
                .call("start_oauth", &[("id", id), ("return_to", "detail")])
                .await,
        )
        .await
    }

    async fn start(browser: &mut Browser, id: &str, return_to: &str) -> String {
        let response = browser
            .call("start_oauth", &[("id", id), ("return_to", return_to)])
            .await;
        let (status, body) = json_of(response).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["authorize_url"].as_str().unwrap().to_owned()
    }

    /// Follows the provider's redirect: the callback path (with query) on our server.
    async fn authorize(server: &TestServer, url: &str) -> String {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let response = client.get(url).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{url}");
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        location
            .strip_prefix(&server.base_url)
            .unwrap_or(&location)
            .to_owned()
    }

    /// Where our callback sends the browser.
    async fn callback(browser: &Browser, path: &str) -> String {
        let response = browser.get(path).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        assert_no_token(&location);
        location
    }

    /// The whole round trip: Connect, the provider, the callback; where the browser lands.
    async fn sign_in(world: &mut World, id: &str, return_to: &str) -> String {
        let authorize_url = start(&mut world.owner, id, return_to).await;
        let back = authorize(&world.server, &authorize_url).await;
        callback(&world.owner, &back).await
    }

    fn query(url: &str, name: &str) -> Option<String> {
        let parsed = url::Url::parse(&format!("http://x{url}")).ok()?;
        parsed
            .query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }

    pub async fn signing_in_stores_tokens_and_finishes_setup(backend: Backend) {
        let Some(mut world) = World::start(backend).await else {
            return;
        };
        let id = world.install("Provider").await;
        let authorize_url = start(&mut world.owner, &id, "wizard").await;
        assert!(authorize_url.starts_with(&world.provider.base_url));
        assert_eq!(
            query(
                authorize_url.trim_start_matches(&world.provider.base_url),
                "code_challenge_method"
            )
            .as_deref(),
            Some("S256")
        );
        let state = query(
            authorize_url.trim_start_matches(&world.provider.base_url),
            "state",
        )
        .unwrap();
        assert!(state.len() >= 43, "32 random bytes, base64: {state}");
        assert_eq!(
            query(
                authorize_url.trim_start_matches(&world.provider.base_url),
                "redirect_uri"
            ),
            Some(format!("{}/oauth/callback", world.server.base_url))
        );

        let back = authorize(&world.server, &authorize_url).await;
        let landed = callback(&world.owner, &back).await;
        assert_eq!(
            landed,
            format!("/connectors/new?step=test&draft={id}&type=oauth2_generic&oauth=connected")
        );

        let connector = world.connector(&id).await;
        assert_eq!(connector["status"], "inactive");
        let fields = &connector["credentials"]["fields"];
        assert_eq!(fields["access_token"]["secret"], true);
        assert_eq!(fields["access_token"]["set"], true);
        assert!(fields["access_token"].get("value").is_none());
        assert_eq!(fields["refresh_token"]["secret"], true);
        assert_eq!(fields["client_id"]["value"], CLIENT_ID);
        assert!(fields["expires_at"]["value"].is_string());
        let (_, audit) = json_of(
            world
                .owner
                .get(&format!("/api/audit?connector_id={id}"))
                .await,
        )
        .await;
        assert!(audit.to_string().contains("oauth.connected"), "{audit}");

        // The same state again: used up. The same code with a new state: refused by the
        // provider, and nothing changes.
        assert_eq!(
            callback(&world.owner, &back).await,
            "/?oauth_error=invalid_state"
        );
        let code = query(&back, "code").unwrap();
        let fresh = start(&mut world.owner, &id, "detail").await;
        let fresh_state =
            query(fresh.trim_start_matches(&world.provider.base_url), "state").unwrap();
        let replay = format!("/oauth/callback?code={code}&state={fresh_state}");
        assert_eq!(
            callback(&world.owner, &replay).await,
            format!("/connectors/{id}?tab=credentials&oauth_error=exchange_failed")
        );
        assert_eq!(
            world.connector(&id).await["credentials"],
            connector["credentials"]
        );
    }

    /// Text from the provider that PostgreSQL cannot store (NUL) is kept storable, not a
    /// 500 at the callback.
    pub async fn a_provider_sending_nul_still_signs_in(backend: Backend) {
        let Some(mut world) = World::start(backend).await else {
            return;
        };
        world.provider.set_mode(Mode::NulScope);
        let id = world.install("Provider").await;
        let landed = sign_in(&mut world, &id, "detail").await;
        assert!(!landed.contains("oauth_error"), "{landed}");
        let connector = world.connector(&id).await;
        assert_eq!(connector["status"], "inactive");
        let scope = &connector["credentials"]["fields"]["scope"]["value"];
        assert!(
            scope.as_str().is_some_and(|scope| !scope.contains('\0')),
            "{connector}"
        );
    }

    pub async fn unknown_and_other_peoples_states_are_refused(backend: Backend) {
        let Some(mut world) = World::start(backend).await else {
            return;
        };
        let id = world.install("Provider").await;
        assert_eq!(
            callback(&world.owner, "/oauth/callback?code=x&state=made-up").await,
            "/?oauth_error=invalid_state"
        );
        assert_eq!(
            callback(&world.owner, "/oauth/callback").await,
            "/?oauth_error=invalid_state"
        );

        let authorize_url = start(&mut world.owner, &id, "wizard").await;
        let back = authorize(&world.server, &authorize_url).await;
        AdminService::new(world.server.store.clone())
            .add_user(
                "eve@acme.test",
                "Eve",
                "Acme",
                Role::Admin,
                Password("a long password 1".into()),
            )
            .await
            .unwrap();
        let mut eve = world.server.browser();
        let login = eve
            .call(
                "login",
                &[
                    ("email", "eve@acme.test"),
                    ("password", "a long password 1"),
                ],
            )
            .await;
        assert_eq!(login.status(), StatusCode::OK);
        assert_eq!(callback(&eve, &back).await, "/?oauth_error=invalid_state");
        assert_eq!(world.connector(&id).await["status"], "pending");

        // Eve's attempt did not use it up: the owner still finishes.
        let landed = callback(&world.owner, &back).await;
        assert!(landed.ends_with("oauth=connected"), "{landed}");

        // Signed out, the callback sends the browser to sign in first.
        let visitor = world.server.browser();
        let response = visitor.get(&back).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert!(
            response.headers()["location"]
                .to_str()
                .unwrap()
                .starts_with("/login?next=%2Foauth%2Fcallback")
        );
    }

    pub async fn an_expired_state_is_refused(backend: Backend) {
        let Some(world) = World::start(backend).await else {
            return;
        };
        let id = world.install("Provider").await;
        let connector = world.connector(&id).await;
        let state = "an-expired-state-of-at-least-thirty-two-bytes";
        let now = OffsetDateTime::now_utc();
        let connector_id: Uuid = id.parse().unwrap();
        let tenant_id: Uuid = connector["tenant_id"].as_str().unwrap().parse().unwrap();
        let owner_id = world
            .server
            .store
            .user_by_email(super::support::OWNER_EMAIL)
            .await
            .unwrap()
            .unwrap()
            .id;
        let verifier = world
            .server
            .vault
            .seal(
                b"verifier",
                Binding {
                    tenant_id,
                    connector_id,
                },
            )
            .unwrap();
        world
            .server
            .store
            .insert_oauth_state(&OAuthStateRecord {
                state_hash: server::auth::tokens::hash(state),
                tenant_id,
                user_id: owner_id,
                connector_id,
                verifier,
                return_to: OAuthReturn::Wizard,
                created_at: now - time::Duration::minutes(11),
                expires_at: now - time::Duration::minutes(1),
                used_at: None,
            })
            .await
            .unwrap();
        let landed = callback(
            &world.owner,
            &format!("/oauth/callback?code=code-0&state={state}"),
        )
        .await;
        assert_eq!(
            landed,
            format!(
                "/connectors/new?step=authenticate&draft={id}&type=oauth2_generic&oauth_error=expired"
            )
        );
        assert_eq!(world.provider.token_requests(), 0);
    }

    pub async fn provider_failures_save_nothing(backend: Backend) {
        let Some(mut world) = World::start(backend).await else {
            return;
        };
        let id = world.install("Provider").await;
        let before = world.connector(&id).await;

        world.provider.set_mode(Mode::Deny);
        let landed = sign_in(&mut world, &id, "wizard").await;
        assert_eq!(
            query(&landed, "oauth_error").as_deref(),
            Some("access_denied")
        );
        assert_eq!(query(&landed, "step").as_deref(), Some("authenticate"));
        assert_eq!(world.provider.token_requests(), 0);

        world.provider.set_mode(Mode::TokenFails);
        let authorize_url = start(&mut world.owner, &id, "wizard").await;
        world.provider.set_mode(Mode::Normal);
        let back = authorize(&world.server, &authorize_url).await;
        world.provider.set_mode(Mode::TokenFails);
        let landed = callback(&world.owner, &back).await;
        assert_eq!(
            query(&landed, "oauth_error").as_deref(),
            Some("exchange_failed")
        );
        assert_eq!(world.provider.token_requests(), 1);

        let after = world.connector(&id).await;
        assert_eq!(after["status"], "pending");
        assert_eq!(after["credentials"], before["credentials"]);
    }

    /// The owner as the services see a signed-in request.
    async fn owner_principal(world: &World) -> Principal {
        let store = &world.server.store;
        let user = store
            .user_by_email(super::support::OWNER_EMAIL)
            .await
            .unwrap()
            .unwrap();
        let tenant = store.tenant_by_name("Acme").await.unwrap().unwrap();
        super::support::principal(
            user,
            tenant,
            Role::Owner,
            Credential::Session("tests".into()),
        )
    }

    /// A connected instance whose access token expires within the refresh margin.
    async fn connected_expiring(world: &mut World, name: &str) -> String {
        world.provider.set_lifetime(30);
        let id = world.install(name).await;
        let landed = sign_in(world, &id, "wizard").await;
        assert!(landed.ends_with("oauth=connected"), "{landed}");
        world.provider.set_lifetime(3600);
        id
    }

    /// The stored credentials, as they are (no refresh).
    async fn stored(
        world: &World,
        who: &Principal,
        id: Uuid,
    ) -> server::service::connectors::Secrets {
        world
            .server
            .connectors
            .stored_credentials_for_use(who, id, "tests")
            .await
            .unwrap()
    }

    /// The credentials for a use, refreshed first when the token expires soon.
    async fn for_use(
        world: &World,
        who: &Principal,
        id: Uuid,
    ) -> Result<server::service::connectors::Secrets, app::error::AppError> {
        world
            .server
            .oauth
            .fresh_credentials_for_use(who, id, "tests")
            .await
    }

    fn token(secrets: &server::service::connectors::Secrets, field: &str) -> String {
        secrets
            .get(field)
            .and_then(Value::as_str)
            .unwrap()
            .to_owned()
    }

    pub async fn expiring_tokens_refresh_once_before_use_with_rotation(backend: Backend) {
        let Some(mut world) = World::start(backend).await else {
            return;
        };
        let id = connected_expiring(&mut world, "Provider").await;
        let who = owner_principal(&world).await;
        let connector_id: Uuid = id.parse().unwrap();
        let before = stored(&world, &who, connector_id).await;
        let requests = world.provider.token_requests();

        // Ten uses at once of a token that expires within a minute: one refresh.
        let uses = (0..10).map(|_| {
            let oauth = world.server.oauth.clone();
            let who = who.clone();
            tokio::spawn(async move {
                oauth
                    .fresh_credentials_for_use(&who, connector_id, "tests")
                    .await
            })
        });
        let mut access_tokens = Vec::new();
        for use_ in uses.collect::<Vec<_>>() {
            access_tokens.push(token(&use_.await.unwrap().unwrap(), "access_token"));
        }
        assert_eq!(world.provider.token_requests() - requests, 1);
        access_tokens.dedup();
        assert_eq!(
            access_tokens.len(),
            1,
            "{} different tokens",
            access_tokens.len()
        );
        assert_ne!(access_tokens[0], token(&before, "access_token"));

        // The provider rotated the refresh token; the new one is what is stored now.
        let after = stored(&world, &who, connector_id).await;
        assert_ne!(
            token(&after, "refresh_token"),
            token(&before, "refresh_token")
        );
        assert_eq!(token(&after, "access_token"), access_tokens[0]);
        // Fresh for an hour now: no further requests.
        for_use(&world, &who, connector_id).await.unwrap();
        assert_eq!(world.provider.token_requests() - requests, 1);
        let connector = world.connector(&id).await;
        assert_eq!(connector["status"], "inactive");
        let (_, audit) = json_of(
            world
                .owner
                .get(&format!("/api/audit?connector_id={id}"))
                .await,
        )
        .await;
        let refreshed: Vec<&Value> = audit
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "oauth.refreshed")
            .collect();
        assert_eq!(refreshed.len(), 1);
        assert!(
            refreshed[0].get("actor").is_none(),
            "the system refreshed: {}",
            refreshed[0]
        );
    }

    pub async fn a_provider_without_rotation_keeps_the_refresh_token(backend: Backend) {
        let Some(mut world) = World::start(backend).await else {
            return;
        };
        let id = connected_expiring(&mut world, "Provider").await;
        world.provider.set_rotation(false);
        let who = owner_principal(&world).await;
        let connector_id: Uuid = id.parse().unwrap();
        let before = stored(&world, &who, connector_id).await;
        let after = for_use(&world, &who, connector_id).await.unwrap();
        assert_ne!(
            token(&after, "access_token"),
            token(&before, "access_token")
        );
        assert_eq!(
            token(&after, "refresh_token"),
            token(&before, "refresh_token")
        );
    }

    /// An OpenID provider issues a refresh token only for `offline_access`, which it grants
    /// only when the request also says `prompt=consent` (OpenID Connect Core 1.0 §11;
    /// node-oidc-provider drops it silently otherwise, and then the short-lived access token
    /// cannot be refreshed). Asking for it adds the prompt; the sign-in gets a refresh token,
    /// and a use refreshes.
    pub async fn offline_access_asks_for_consent_and_gets_a_refresh_token(backend: Backend) {
        let Some(mut world) = World::start(backend).await else {
            return;
        };
        let mut config = world.provider.generic_config();
        config["scopes"] = json!(["openid", "offline_access"]);
        let id = world.install_with("OpenID", config).await;
        world.provider.set_lifetime(30);
        let authorize_url = start(&mut world.owner, &id, "detail").await;
        let asked = |name| {
            query(
                authorize_url.trim_start_matches(&world.provider.base_url),
                name,
            )
        };
        assert_eq!(asked("scope").as_deref(), Some("openid offline_access"));
        assert_eq!(asked("prompt").as_deref(), Some("consent"));
        let back = authorize(&world.server, &authorize_url).await;
        let landed = callback(&world.owner, &back).await;
        assert!(landed.ends_with("oauth=connected"), "{landed}");
        world.provider.set_lifetime(3600);
        let connector = world.connector(&id).await;
        let fields = &connector["credentials"]["fields"];
        assert_eq!(fields["refresh_token"]["set"], true, "{connector}");
        assert_eq!(fields["scope"]["value"], "openid offline_access");

        let who = owner_principal(&world).await;
        let connector_id: Uuid = id.parse().unwrap();
        let before = stored(&world, &who, connector_id).await;
        let after = for_use(&world, &who, connector_id).await.unwrap();
        assert_ne!(
            token(&after, "access_token"),
            token(&before, "access_token")
        );
        assert_ne!(
            token(&after, "refresh_token"),
            token(&before, "refresh_token")
        );
        assert_eq!(world.connector(&id).await["status"], "inactive");
    }

    pub async fn a_refused_refresh_asks_for_reauthentication(backend: Backend) {
        let Some(mut world) = World::start(backend).await else {
            return;
        };
        let id = connected_expiring(&mut world, "Provider").await;
        let who = owner_principal(&world).await;
        let connector_id: Uuid = id.parse().unwrap();

        // The token endpoint failing: retried with backoff, then reported; nothing changes.
        world.provider.set_mode(Mode::TokenFails);
        let requests = world.provider.token_requests();
        let failed = for_use(&world, &who, connector_id).await;
        assert!(
            matches!(failed, Err(app::error::AppError::Unavailable(_))),
            "{failed:?}"
        );
        assert_eq!(world.provider.token_requests() - requests, 3);
        assert_eq!(world.connector(&id).await["status"], "inactive");

        // `invalid_grant`, and a 401 from the token endpoint: a person must sign in again,
        // which clears it.
        for refusal in [Mode::RefreshRevoked, Mode::ClientRevoked] {
            world.provider.set_mode(refusal);
            let refused = for_use(&world, &who, connector_id).await;
            let Err(app::error::AppError::Conflict(message)) = refused else {
                panic!("{refusal:?}: expected a conflict, got {refused:?}");
            };
            assert!(message.contains("Re-authentication needed"), "{message}");
            let connector = world.connector(&id).await;
            assert_eq!(connector["status"], "error", "{refusal:?}");
            assert_eq!(connector["last_error"], "Re-authentication needed");

            world.provider.set_mode(Mode::Normal);
            world.provider.set_lifetime(30);
            let landed = sign_in(&mut world, &id, "detail").await;
            assert!(landed.ends_with("oauth=connected"), "{landed}");
            world.provider.set_lifetime(3600);
            let connector = world.connector(&id).await;
            assert_eq!(connector["status"], "inactive");
            assert!(connector.get("last_error").is_none(), "{connector}");
        }
    }

    /// The provider failing the refresh a connection test needs first: the test is
    /// recorded as failed, with its own class and the provider named, and the connector's
    /// page shows it. Before, the test answered our own outage sentence, recorded nothing,
    /// and the page still said the last test passed.
    pub async fn a_provider_outage_before_a_test_is_a_recorded_failure(backend: Backend) {
        let Some(mut world) = World::start(backend).await else {
            return;
        };
        let id = connected_expiring(&mut world, "Provider").await;
        world.provider.set_mode(Mode::TokenFails);
        let requests = world.provider.token_requests();
        let (status, test) = json_of(
            world
                .owner
                .call_json_form("test_connector", &[("id", &id)])
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{test}");
        assert_eq!(world.provider.token_requests() - requests, 3);
        assert_eq!(
            (test["ok"].as_bool(), test["error_class"].as_str()),
            (Some(false), Some("provider")),
            "{test}"
        );
        let message = test["trace"]["message"].as_str().unwrap();
        assert!(
            message.starts_with("The OAuth provider 127.0.0.1 did not refresh the access token"),
            "{message}"
        );
        assert_eq!(test["trace"]["steps"][0]["name"], "refresh");
        assert_eq!(
            test["trace"]["url"],
            format!("{}/token", world.provider.base_url)
        );

        let (_, history) = json_of(
            world
                .owner
                .get(&format!("/api/connectors/{id}/tests"))
                .await,
        )
        .await;
        assert_eq!(history[0]["id"], test["id"], "{history}");
        let connector = world.connector(&id).await;
        assert_eq!(connector["last_test_ok"], false);
        assert_eq!(connector["last_error"].as_str(), Some(message));
        let page = world
            .owner
            .get(&format!("/connectors/{id}?tab=tests"))
            .await
            .text()
            .await
            .unwrap();
        assert!(page.contains("The last test failed"), "{page}");
        assert!(page.contains("The OAuth provider 127.0.0.1"), "{page}");

        // The provider back: the next test refreshes and passes the refresh step.
        world.provider.set_mode(Mode::Normal);
        let (_, again) = json_of(
            world
                .owner
                .call_json_form("test_connector", &[("id", &id)])
                .await,
        )
        .await;
        assert_ne!(again["error_class"], "provider", "{again}");
    }

    /// What a token endpoint says in its error is quoted only as a short standard code:
    /// free text may echo the refresh token or the client's credentials. A refusal
    /// answered with 200 (GitHub's `bad_refresh_token`) asks to re-authenticate, not
    /// "the provider may be down".
    pub async fn a_refresh_error_never_repeats_what_was_sent(backend: Backend) {
        use base64::Engine;
        let Some(mut world) = World::start(backend).await else {
            return;
        };
        let id = connected_expiring(&mut world, "Provider").await;
        world.provider.set_mode(Mode::EchoingError);
        let basic = base64::engine::general_purpose::STANDARD.encode(CLIENT_ID);
        let (status, test) = json_of(
            world
                .owner
                .call_json_form("test_connector", &[("id", &id)])
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{test}");
        assert_eq!(test["error_class"], "provider", "{test}");
        let stored = format!("{test}{}", world.connector(&id).await);
        assert!(!stored.contains("Basic "), "{stored}");
        assert!(!stored.contains(&basic[..8]), "{stored}");
        assert!(stored.contains("(not a standard code)"), "{stored}");

        world.provider.set_mode(Mode::RefusedWith200);
        let (_, test) = json_of(
            world
                .owner
                .call_json_form("test_connector", &[("id", &id)])
                .await,
        )
        .await;
        assert_eq!(test["error_class"], "auth", "{test}");
        let message = test["trace"]["message"].as_str().unwrap();
        assert!(
            message.starts_with("Re-authentication needed: "),
            "{message}"
        );
        assert_eq!(world.connector(&id).await["status"], "error");
    }

    pub async fn the_background_task_refreshes_ahead_of_expiry(backend: Backend) {
        let Some(mut world) = World::start(backend).await else {
            return;
        };
        let id = connected_expiring(&mut world, "Provider").await;
        let requests = world.provider.token_requests();
        assert_eq!(
            world
                .server
                .oauth
                .refresh_expiring(time::Duration::minutes(5))
                .await,
            1
        );
        assert_eq!(
            world
                .server
                .oauth
                .refresh_expiring(time::Duration::minutes(5))
                .await,
            0
        );
        assert_eq!(world.provider.token_requests() - requests, 1);
        let fields = &world.connector(&id).await["credentials"]["fields"];
        assert!(fields["expires_at"]["value"].as_str().unwrap() > "2026");
    }

    pub async fn starting_needs_an_oauth_type_and_a_client(backend: Backend) {
        let Some(mut world) = World::start(backend).await else {
            return;
        };
        // A type that does not sign in with OAuth.
        let stripe = json!({"input": {"catalog_key": "stripe", "name": "Payments", "config": {"mode": "test"}}});
        let (_, created) = json_of(world.owner.call_json("install_connector", &stripe).await).await;
        let response = world
            .owner
            .call("start_oauth", &[("id", created["id"].as_str().unwrap())])
            .await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
        // An OAuth type with no client of its own and none configured for the platform.
        let body = json!({"input": {"catalog_key": "oauth2_generic", "name": "No client",
            "config": world.provider.generic_config()}});
        let (_, created) = json_of(world.owner.call_json("install_connector", &body).await).await;
        let response = world
            .owner
            .call("start_oauth", &[("id", created["id"].as_str().unwrap())])
            .await;
        let (status, error) = json_of(response).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(
            error.to_string().contains("enter your own app's client ID")
                && !error.to_string().contains("CONNECTORS_OAUTH"),
            "{error}"
        );
        // Unknown instance.
        let response = world
            .owner
            .call("start_oauth", &[("id", &Uuid::new_v4().to_string())])
            .await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
    }

    /// A server that guards its outbound requests (private targets off), signed in.
    async fn guarded(backend: Backend) -> Option<(TestServer, Browser)> {
        let server =
            TestServer::start_on(backend, |config| config.allow_private_targets = false).await?;
        let owner = server.owner().await;
        Some((server, owner))
    }

    /// A generic OAuth2 instance whose token endpoint is `token_url`.
    async fn install_with_token_url(owner: &Browser, name: &str, token_url: &str) -> String {
        let body = json!({"input": {
            "catalog_key": "oauth2_generic",
            "name": name,
            "config": {
                "authorize_url": "https://id.example.com/authorize",
                "token_url": token_url,
                "base_url": "https://api.example.com",
                "scopes": ["read", "write:all"],
            },
            "auth": {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET},
        }});
        let (status, created) = json_of(owner.call_json("install_connector", &body).await).await;
        assert_eq!(status, StatusCode::OK, "{created}");
        created["id"].as_str().unwrap().to_owned()
    }

    /// A valid state for `id`, as "Connect" would have saved it; returns its value.
    async fn saved_state(server: &TestServer, owner: &Browser, id: &str) -> String {
        let response = owner.get(&format!("/api/connectors/{id}")).await;
        let connector: Value = response.json().await.unwrap();
        let connector_id: Uuid = id.parse().unwrap();
        let tenant_id: Uuid = connector["tenant_id"].as_str().unwrap().parse().unwrap();
        let user_id = server
            .store
            .user_by_email(super::support::OWNER_EMAIL)
            .await
            .unwrap()
            .unwrap()
            .id;
        let binding = Binding {
            tenant_id,
            connector_id,
        };
        let state = format!("state-{}-of-at-least-thirty-two-bytes", Uuid::new_v4());
        let now = OffsetDateTime::now_utc();
        server
            .store
            .insert_oauth_state(&OAuthStateRecord {
                state_hash: server::auth::tokens::hash(&state),
                tenant_id,
                user_id,
                connector_id,
                verifier: server.vault.seal(b"verifier", binding).unwrap(),
                return_to: OAuthReturn::Detail,
                created_at: now,
                expires_at: now + time::Duration::minutes(5),
                used_at: None,
            })
            .await
            .unwrap();
        state
    }

    /// A loopback listener that answers anything like a token endpoint would, and counts.
    async fn recording_listener() -> (u16, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let hits = std::sync::Arc::new(AtomicUsize::new(0));
        let counted = hits.clone();
        let app = axum::Router::new().fallback(move || {
            let counted = counted.clone();
            async move {
                counted.fetch_add(1, Ordering::SeqCst);
                (
                    axum::http::StatusCode::BAD_REQUEST,
                    axum::Json(json!({"error": "invalid_grant"})),
                )
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        (port, hits)
    }

    /// With private targets off, a token endpoint on loopback (an open port, a closed
    /// one, by address or by name) is never contacted, and the callback's answer is the
    /// same for each: it does not tell whether something listens there.
    pub async fn a_private_token_url_is_never_contacted_and_looks_unreachable(backend: Backend) {
        let Some((server, owner)) = guarded(backend).await else {
            return;
        };
        let (open, hits) = recording_listener().await;
        let closed = super::support::free_port();
        let mut answers = Vec::new();
        for token_url in [
            format!("http://127.0.0.1:{open}/token"),
            format!("http://127.0.0.1:{closed}/token"),
            format!("http://localhost:{open}/token"),
            format!("http://localhost:{closed}/token"),
            format!("https://127.0.0.1:{open}/token"),
            format!("https://127.0.0.1:{closed}/token"),
        ] {
            let id = install_with_token_url(&owner, &token_url, &token_url).await;
            let state = saved_state(&server, &owner, &id).await;
            let landed = callback(&owner, &format!("/oauth/callback?code=c&state={state}")).await;
            answers.push((token_url, query(&landed, "oauth_error")));
            let response = owner.get(&format!("/api/connectors/{id}")).await;
            let connector: Value = response.json().await.unwrap();
            assert_eq!(connector["status"], "pending");
        }
        assert_eq!(
            hits.load(std::sync::atomic::Ordering::SeqCst),
            0,
            "the private endpoint was contacted"
        );
        let first = answers[0].1.clone();
        assert!(first.is_some(), "{answers:?}");
        for (token_url, answer) in &answers {
            assert_eq!(
                answer, &first,
                "{token_url} answers differently: {answers:?}"
            );
        }
    }

    /// The platform's own OAuth app goes only to its type's usual endpoints: a tenant who
    /// points Salesforce's login URL at a server of their choosing must bring their own
    /// app, or the platform's client secret would be posted there.
    pub async fn the_platform_app_is_used_only_at_the_types_own_endpoints(backend: Backend) {
        let clients = server::service::connectors::PlatformClients::from_vars(
            [
                ("CONNECTORS_OAUTH_SALESFORCE_CLIENT_ID", "platform-sf-id"),
                (
                    "CONNECTORS_OAUTH_SALESFORCE_CLIENT_SECRET",
                    "platform-sf-secret-1234",
                ),
            ]
            .into_iter()
            .map(|(name, value)| (name.to_owned(), value.to_owned())),
        );
        let Some(server) = TestServer::start_with_clients(
            backend,
            |config| config.allow_private_targets = true,
            clients,
        )
        .await
        else {
            return;
        };
        let mut owner = server.owner().await;
        // What an attacker's token endpoint would receive, if anything.
        let contacted = Arc::new(AtomicBool::new(false));
        let seen = contacted.clone();
        let attacker = axum::Router::new().fallback(move || {
            seen.store(true, Ordering::SeqCst);
            async { "{}" }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let attacker_url = format!("http://{}/collect", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, attacker).await.unwrap() });

        let install = |name: &str, login_url: &str| {
            json!({"input": {
                "catalog_key": "salesforce", "name": name,
                "config": {"login_url": login_url}, "auth": {},
            }})
        };
        let (status, usual) = json_of(
            owner
                .call_json(
                    "install_connector",
                    &install("Usual", "https://login.salesforce.com"),
                )
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{usual}");
        let (status, started) = start_answer(&mut owner, usual["id"].as_str().unwrap()).await;
        assert_eq!(status, StatusCode::OK, "{started}");
        let authorize_url = started["authorize_url"].as_str().unwrap();
        assert!(
            authorize_url.starts_with("https://login.salesforce.com/services/oauth2/authorize?")
                && authorize_url.contains("client_id=platform-sf-id"),
            "{authorize_url}"
        );

        let (status, elsewhere) = json_of(
            owner
                .call_json("install_connector", &install("Elsewhere", &attacker_url))
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{elsewhere}");
        let (status, refused) = start_answer(&mut owner, elsewhere["id"].as_str().unwrap()).await;
        assert_eq!(status, StatusCode::CONFLICT, "{refused}");
        assert!(refused.to_string().contains("your own app"), "{refused}");
        assert!(!refused.to_string().contains("platform-sf"), "{refused}");
        assert!(
            !contacted.load(Ordering::SeqCst),
            "the attacker's endpoint was contacted"
        );
    }

    /// People are sent only to a web address: a draft (whose configuration is not yet
    /// checked) with a `javascript:` or `data:` authorization URL cannot start a sign-in.
    pub async fn only_web_addresses_are_authorization_urls(backend: Backend) {
        let Some((_server, mut owner)) = guarded(backend).await else {
            return;
        };
        for (i, authorize_url) in [
            "javascript:alert(document.domain)//",
            "data:text/html,<script>alert(1)</script>",
            "http://id.example.com/authorize",
        ]
        .into_iter()
        .enumerate()
        {
            let body = json!({"input": {
                "catalog_key": "oauth2_generic", "name": format!("Draft {i}"), "draft": true,
                "config": {
                    "authorize_url": authorize_url,
                    "token_url": "https://id.example.com/token",
                    "base_url": "https://api.example.com",
                },
                "auth": {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET},
            }});
            let (status, created) =
                json_of(owner.call_json("install_connector", &body).await).await;
            assert_eq!(status, StatusCode::OK, "{created}");
            let (status, refused) = start_answer(&mut owner, created["id"].as_str().unwrap()).await;
            assert_eq!(status, StatusCode::CONFLICT, "{authorize_url}: {refused}");
            assert!(refused.to_string().contains("https://"), "{refused}");
        }
    }

    /// The generic type asks for the scopes its configuration names (the type itself has
    /// none); a provider refuses a sign-in without them.
    pub async fn the_generic_type_asks_for_the_configured_scopes(backend: Backend) {
        let Some((_server, mut owner)) = guarded(backend).await else {
            return;
        };
        let id = install_with_token_url(&owner, "Scoped", "https://id.example.com/token").await;
        let (status, started) = start_answer(&mut owner, &id).await;
        assert_eq!(status, StatusCode::OK, "{started}");
        let authorize_url = started["authorize_url"].as_str().unwrap();
        let asked = url::Url::parse(authorize_url)
            .unwrap()
            .query_pairs()
            .find(|(name, _)| name == "scope")
            .map(|(_, value)| value.into_owned());
        assert_eq!(asked.as_deref(), Some("read write:all"), "{authorize_url}");
        // No `offline_access`, so no prompt: people are asked only what the provider decides.
        assert!(!authorize_url.contains("prompt="), "{authorize_url}");
    }

    /// With private targets off, a token endpoint on a public address over plain http is
    /// refused when signing in starts, with a message that says to use https.
    pub async fn a_token_url_over_plain_http_is_refused_with_a_reason(backend: Backend) {
        let Some((server, mut owner)) = guarded(backend).await else {
            return;
        };
        let id = install_with_token_url(
            &owner,
            "Plain",
            &format!("https://{}/token", super::support::NOWHERE),
        )
        .await;
        // Saved before the form refused plain http (the install of such a URL is a 400).
        super::support::store_legacy_config(
            &server.store,
            &id,
            "token_url",
            &format!("http://{}/token", super::support::NOWHERE),
        )
        .await;
        let (status, error) = start_answer(&mut owner, &id).await;
        assert_eq!(status, StatusCode::CONFLICT, "{error}");
        assert!(error.to_string().contains("https://"), "{error}");
    }

    /// A token refresh (before a use, and in the background) with private targets off
    /// never contacts a private token endpoint either, and answers the same whether
    /// something listens there or not.
    pub async fn a_refresh_never_reaches_a_private_token_url(backend: Backend) {
        let Some((server, owner)) = guarded(backend).await else {
            return;
        };
        let store = &server.store;
        let user = store
            .user_by_email(super::support::OWNER_EMAIL)
            .await
            .unwrap()
            .unwrap();
        let tenant = store.tenant_by_name("Acme").await.unwrap().unwrap();
        let who = super::support::principal(
            user,
            tenant,
            Role::Owner,
            Credential::Session("tests".into()),
        );
        let (open, hits) = recording_listener().await;
        let closed = super::support::free_port();
        let mut answers = Vec::new();
        for host in ["127.0.0.1", "localhost"] {
            for port in [open, closed] {
                let token_url = format!("http://{host}:{port}/token");
                let id = install_with_token_url(&owner, &token_url, &token_url).await;
                let connector_id: Uuid = id.parse().unwrap();
                let target = server
                    .connectors
                    .oauth_target(&who, connector_id)
                    .await
                    .unwrap();
                let expires_at = OffsetDateTime::now_utc() + time::Duration::seconds(30);
                let mut fields = serde_json::Map::new();
                fields.insert("access_token".into(), json!("access-token-old-value"));
                fields.insert("refresh_token".into(), json!("refresh-token-old-value"));
                fields.insert("token_type".into(), json!("Bearer"));
                let at = expires_at
                    .format(&time::format_description::well_known::Rfc3339)
                    .unwrap();
                fields.insert("expires_at".into(), json!(at));
                server
                    .connectors
                    .save_oauth_tokens(Some(&who), &target, fields, Some(expires_at))
                    .await
                    .unwrap();
                let refused = server
                    .oauth
                    .fresh_credentials_for_use(&who, connector_id, "tests")
                    .await
                    .map(drop);
                let answer = format!("{refused:?}");
                assert_no_token(&answer);
                answers.push((host, port, answer));
            }
        }
        assert_eq!(
            server
                .oauth
                .refresh_expiring(time::Duration::minutes(5))
                .await,
            0
        );
        assert_eq!(
            hits.load(std::sync::atomic::Ordering::SeqCst),
            0,
            "the private endpoint was contacted"
        );
        for pair in answers.chunks(2) {
            assert!(pair[0].2.starts_with("Err"), "{answers:?}");
            assert_eq!(pair[0].2, pair[1].2, "open and closed differ: {answers:?}");
        }
    }
}

server_suite!(
    only_web_addresses_are_authorization_urls,
    the_platform_app_is_used_only_at_the_types_own_endpoints,
    the_generic_type_asks_for_the_configured_scopes,
    a_private_token_url_is_never_contacted_and_looks_unreachable,
    a_refresh_never_reaches_a_private_token_url,
    a_token_url_over_plain_http_is_refused_with_a_reason,
    a_provider_sending_nul_still_signs_in,
    signing_in_stores_tokens_and_finishes_setup,
    unknown_and_other_peoples_states_are_refused,
    an_expired_state_is_refused,
    provider_failures_save_nothing,
    starting_needs_an_oauth_type_and_a_client,
    expiring_tokens_refresh_once_before_use_with_rotation,
    a_provider_without_rotation_keeps_the_refresh_token,
    offline_access_asks_for_consent_and_gets_a_refresh_token,
    a_refused_refresh_asks_for_reauthentication,
    a_provider_outage_before_a_test_is_a_recorded_failure,
    a_refresh_error_never_repeats_what_was_sent,
    the_background_task_refreshes_ahead_of_expiry,
);
