//! No password, session cookie, API token or connector secret reaches a log line, even at
//! debug level.

use crate::support;

use std::process::Stdio;
use std::time::Duration;

use support::Browser;

const PASSWORD: &str = "pa55-never-logged-Q7";
const CONNECTOR_SECRET: &str = "sk_test_NeverLogged0123456789";
/// Fails the Stripe key pattern: the error must not quote it.
const REFUSED_SECRET: &str = "pk_live_NeverLoggedEither42";

#[tokio::test]
async fn secrets_never_appear_in_the_logs() {
    let dir = tempfile::tempdir().unwrap();
    let port = support::free_port();
    let base_url = format!("http://127.0.0.1:{port}");
    let database_url = format!("sqlite://{}", dir.path().join("logs.db").display());
    let mut child = support::server_command(&database_url, port, dir.path())
        .env("RUST_LOG", "debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Drain both pipes while the server runs: a full pipe (64 KiB of debug logs) would
    // block the server mid-request.
    let stderr = support::drain(child.stderr.take().unwrap());
    let stdout = support::drain(child.stdout.take().unwrap());

    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let mut ready = false;
    for _ in 0..100 {
        if http
            .get(format!("{base_url}/healthz"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(ready, "the server did not start");

    let mut owner = Browser {
        base_url: base_url.clone(),
        http: http.clone(),
        cookie: None,
    };
    let setup = owner
        .call(
            "setup",
            &[
                ("tenant_name", "Acme"),
                ("display_name", "Ada"),
                ("email", "ada@acme.test"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(setup.status(), 200);
    let mut again = Browser {
        base_url: base_url.clone(),
        http: http.clone(),
        cookie: None,
    };
    again
        .call(
            "login",
            &[
                ("email", "ada@acme.test"),
                ("password", "wrong-but-also-secret"),
            ],
        )
        .await;
    again.sign_in("ada@acme.test", PASSWORD).await;
    let session_cookie = again.cookie.clone().unwrap();
    let created: serde_json::Value = owner
        .call("create_api_token", &[("name", "CI")])
        .await
        .json()
        .await
        .unwrap();
    let token = created["token"].as_str().unwrap().to_owned();
    let used = http
        .get(format!("{base_url}/api/catalog?q=x"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(used.status(), 200);
    let installed = http
        .post(format!("{base_url}/api/connectors"))
        .bearer_auth(&token)
        .json(&serde_json::json!({
            "catalog_key": "stripe",
            "name": "Payments",
            "config": {"mode": "test"},
            "auth": {"secret_key": CONNECTOR_SECRET},
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(installed.status(), 201);
    let refused = http
        .post(format!("{base_url}/api/connectors"))
        .bearer_auth(&token)
        .json(&serde_json::json!({
            "catalog_key": "stripe",
            "name": "Refused",
            "config": {"mode": "test"},
            "auth": {"secret_key": REFUSED_SECRET},
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);
    again.call("logout", &[]).await;

    child.kill().unwrap();
    child.wait().unwrap();
    let mut logs = stderr.join().unwrap();
    logs.push_str(&stdout.join().unwrap());

    assert!(
        logs.contains("signed in"),
        "the logs were not captured:\n{logs}"
    );
    let session_value = session_cookie.trim_start_matches("chub_session=");
    for (what, secret) in [
        ("password", PASSWORD),
        ("failed password", "wrong-but-also-secret"),
        ("session cookie", session_value),
        ("API token", token.as_str()),
        ("API token body", &token["chub_".len()..]),
        ("connector secret", CONNECTOR_SECRET),
        ("refused connector secret", REFUSED_SECRET),
    ] {
        assert!(!logs.contains(secret), "the {what} appears in the logs");
    }
}
