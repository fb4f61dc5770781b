//! Stored and reflected XSS, on SQLite and PostgreSQL: every text a user controls (tenant,
//! member, token and connector names, descriptions, tags, config values at any depth and
//! as object keys, what an upstream service answers to a connection test, query strings
//! and paths) is set to markup that would run script, then every page is rendered and
//! parsed the way a browser parses it. No element may carry an event handler, no script
//! may lack the response's nonce, and the title must be the text. Pages also carry the
//! Content-Security-Policy whose nonce their inline scripts use.

use crate::support;

mod cases {
    use reqwest::StatusCode;
    use scraper::{Html, Selector};
    use serde_json::{Value, json};

    use super::support::{Backend, Browser, TestServer};

    /// Markup that breaks out of each context the renderer might put text in.
    const HOSTILE: [&str; 8] = [
        "</title><img src=x onerror=alert(1)>",
        "</textarea><img src=x onerror=alert(2)>",
        "</script><script>alert(3)</script>",
        "</style><img src=x onerror=alert(4)>",
        "\"><img src=x onerror=alert(5)>",
        "'><svg onload=alert(6)>",
        "</noscript><img src=x onerror=alert(7)>",
        "<!--<img src=x onerror=alert(8)>-->",
    ];

    fn hostile(i: usize) -> String {
        HOSTILE[i % HOSTILE.len()].to_owned()
    }

    /// Fails if the page's markup, parsed as a browser parses it, holds anything the
    /// hostile strings could have injected; returns the page's text for further checks.
    fn assert_inert(path: &str, csp: Option<&str>, html: &str) -> String {
        let document = Html::parse_document(html);
        let nonce = csp.and_then(|csp| {
            csp.split("'nonce-")
                .nth(1)
                .and_then(|rest| rest.split('\'').next())
        });
        for element in document.select(&Selector::parse("*").unwrap()) {
            let tag = element.value().name();
            for (name, value) in element.value().attrs() {
                assert!(
                    !name.starts_with("on"),
                    "{path}: <{tag} {name}=\"{value}\"> carries an event handler"
                );
            }
            // A script that markup opened has no nonce: only Leptos' own carry it.
            if tag == "script" && element.value().attr("src").is_none() {
                assert!(
                    nonce.is_some() && element.value().attr("nonce") == nonce,
                    "{path}: an inline script without the response's nonce ({nonce:?})"
                );
            }
            assert!(
                !(tag == "img" && element.value().attr("src") == Some("x")),
                "{path}: an injected <img>"
            );
        }
        let title: String = document
            .select(&Selector::parse("title").unwrap())
            .flat_map(|title| title.text())
            .collect();
        assert!(
            document.select(&Selector::parse("title").unwrap()).count() <= 1
                && !title.contains('\u{FFFD}'),
            "{path}: the title was broken up: {title:?}"
        );
        document.root_element().text().collect()
    }

    async fn page(browser: &Browser, path: &str) -> String {
        let response = browser.get(path).await;
        let status = response.status();
        assert!(
            status.is_success() || status == StatusCode::NOT_FOUND,
            "{path}: {status}"
        );
        let csp = response
            .headers()
            .get("content-security-policy")
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        let csp = csp.unwrap_or_else(|| panic!("{path}: no Content-Security-Policy"));
        for needed in [
            "'wasm-unsafe-eval'",
            "frame-ancestors 'none'",
            "object-src 'none'",
        ] {
            assert!(
                csp.contains(needed),
                "{path}: the policy lacks {needed}: {csp}"
            );
        }
        assert!(!csp.contains("'unsafe-inline'"), "{path}: {csp}");
        assert_eq!(
            response.headers().get("x-content-type-options").unwrap(),
            "nosniff"
        );
        let html = response.text().await.unwrap();
        assert_inert(path, Some(&csp), &html)
    }

    /// A service that answers a connection test with hostile text everywhere it can: a
    /// redirect to another host whose address holds markup, and a body of markup.
    async fn hostile_upstream() -> String {
        let app = axum::Router::new().fallback(|| async {
            (
                axum::http::StatusCode::FOUND,
                [
                    (
                        "location",
                        "https://elsewhere.example/</textarea><img src=x onerror=alert(10)>",
                    ),
                    ("x-note", "</script><script>alert(11)</script>"),
                ],
                "</textarea><img src=x onerror=alert(12)></pre><svg onload=alert(13)>",
            )
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        base
    }

    pub async fn every_page_renders_hostile_text_inert(backend: Backend) {
        let Some(server) =
            TestServer::start_on(backend, |config| config.allow_private_targets = true).await
        else {
            return;
        };
        let mut owner = server.browser();
        let setup = owner
            .call(
                "setup",
                &[
                    ("tenant_name", &hostile(0)),
                    ("display_name", &hostile(1)),
                    ("email", "owner@hostile.test"),
                    ("password", "correct horse battery"),
                ],
            )
            .await;
        assert_eq!(
            setup.status(),
            StatusCode::OK,
            "{}",
            setup.text().await.unwrap()
        );
        let member = owner
            .call(
                "add_member",
                &[
                    ("email", "member@hostile.test"),
                    ("display_name", &hostile(4)),
                    ("role", "viewer"),
                    ("password", "member password 1"),
                ],
            )
            .await;
        assert_eq!(
            member.status(),
            StatusCode::OK,
            "{}",
            member.text().await.unwrap()
        );
        let token = owner
            .call("create_api_token", &[("name", &hostile(5))])
            .await;
        assert_eq!(token.status(), StatusCode::OK);

        let upstream = hostile_upstream().await;
        let headers: serde_json::Map<String, Value> = (0..HOSTILE.len())
            .map(|i| (format!("X-{i}{}", hostile(i)), json!(hostile(i + 1))))
            .collect();
        let body = json!({"input": {
            "catalog_key": "http_rest",
            "name": hostile(0),
            "description": hostile(1),
            "tags": (0..HOSTILE.len()).map(hostile).collect::<Vec<_>>(),
            "config": {
                "base_url": upstream,
                "health_path": format!("/{}", hostile(2)),
                "default_headers": headers,
                "cursor_param": "next",
            },
            "auth": {"method": "bearer", "token": "tok_hostile_1234"},
        }});
        let created = owner.call_json("install_connector", &body).await;
        let status = created.status();
        let created: Value = created.json().await.unwrap();
        assert_eq!(status, StatusCode::OK, "{created}");
        let id = created["id"].as_str().unwrap().to_owned();
        let tested = owner.call_json_form("test_connector", &[("id", &id)]).await;
        assert_eq!(tested.status(), StatusCode::OK);

        let mut paths = vec![
            "/".to_owned(),
            "/catalog".to_owned(),
            format!("/catalog?q={}", urlencode(&hostile(0))),
            "/settings".to_owned(),
            format!("/connectors/{id}"),
            format!("/not-here/{}", urlencode(&hostile(2))),
        ];
        for tab in [
            "configuration",
            "credentials",
            "tests",
            "permissions",
            "activity",
        ] {
            paths.push(format!("/connectors/{id}?tab={tab}"));
        }
        for step in [
            "type",
            "details",
            "configure",
            "authenticate",
            "test",
            "review",
        ] {
            paths.push(format!(
                "/connectors/new?step={step}&draft={id}&type=http_rest"
            ));
        }
        let mut shown = String::new();
        for path in &paths {
            shown.push_str(&page(&owner, path).await);
        }
        // The hostile text did reach the pages, as text: the checks above saw it.
        for i in [0, 1, 2, 4] {
            assert!(
                shown.contains(&hostile(i)),
                "{} is not shown anywhere: the test checked nothing",
                hostile(i)
            );
        }
        assert!(
            shown.contains("alert(10)") || shown.contains("alert(12)"),
            "the test result is not shown"
        );

        // Signed out: the login page reflects `next`.
        let visitor = server.browser();
        page(
            &visitor,
            &format!("/login?next={}", urlencode(&format!("/{}", hostile(0)))),
        )
        .await;
    }

    fn urlencode(text: &str) -> String {
        percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string()
    }

    pub async fn responses_that_are_not_pages_get_a_closed_policy(backend: Backend) {
        let Some(server) = TestServer::start_on(backend, |_| {}).await else {
            return;
        };
        let owner = server.owner().await;
        for path in ["/api/catalog", "/api/nope", "/healthz", "/api/openapi.json"] {
            let response = owner.get(path).await;
            let headers = response.headers();
            assert_eq!(
                headers.get("content-security-policy").unwrap(),
                "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
                "{path}"
            );
            assert_eq!(headers.get("x-content-type-options").unwrap(), "nosniff");
            assert_eq!(headers.get("x-frame-options").unwrap(), "DENY");
            assert_eq!(headers.get("referrer-policy").unwrap(), "same-origin");
        }
    }
}

server_suite!(
    every_page_renders_hostile_text_inert,
    responses_that_are_not_pages_get_a_closed_policy,
);
