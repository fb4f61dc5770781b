//! `rotate-key` at scale, on both backends: 10,000 credentials, the command killed
//! (SIGKILL) part-way and run again; then every credential opens under the new key alone,
//! so the old key can be removed.

use crate::support;

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use app::model::connector::NewConnector;
use app::ports::ConnectorPort;
use base64::Engine;
use secrecy::{ExposeSecret, SecretString};
use server::service::ConnectorService;
use server::store::Store;
use server::vault::{Binding, KeyRing};

const COUNT: usize = 10_000;
const SECRET: &str = "sk_test_RotateAtScale0123456789";

fn key(id: &str, byte: u8) -> String {
    format!(
        "{id}:{}",
        base64::engine::general_purpose::STANDARD.encode([byte; 32])
    )
}

/// `COUNT` Stripe instances of one owner, sealed under `ring`.
async fn installed(store: &Arc<dyn Store>, ring: &str) {
    store.seed_catalog(&support::seed_entries()).await.unwrap();
    let ring = KeyRing::parse(&SecretString::from(ring.to_owned())).unwrap();
    let vault = Arc::new(server::vault::unlock(ring, store.as_ref()).await.unwrap());
    let who = support::acme_owner(store).await;
    let service = Arc::new(ConnectorService::new(store.clone(), vault));
    let workers: Vec<_> = (0..8)
        .map(|worker| {
            let (service, who) = (service.clone(), who.clone());
            tokio::spawn(async move {
                for index in (worker..COUNT).step_by(8) {
                    let input: NewConnector = serde_json::from_value(serde_json::json!({
                        "catalog_key": "stripe",
                        "name": format!("Stripe {index}"),
                        "config": {"mode": "test"},
                        "auth": {"secret_key": SECRET},
                    }))
                    .unwrap();
                    service.install(&who, input).await.unwrap();
                }
            })
        })
        .collect();
    for worker in workers {
        worker.await.unwrap();
    }
}

fn rotate_key(url: &str, ring: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
    command
        .arg("rotate-key")
        .args(["--batch-size", "50"])
        .env("DATABASE_URL", url)
        .env("CONNECTORS_MASTER_KEY", ring)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// How many credentials each key seals.
async fn usage(store: &dyn Store, key: &str) -> i64 {
    store
        .credential_key_usage()
        .await
        .unwrap()
        .into_iter()
        .find(|(id, _)| id == key)
        .map_or(0, |(_, count)| count)
}

async fn rotation_survives_an_interruption(store: Arc<dyn Store>, url: &str) {
    let old = key("old", 1);
    let both = format!("{},{old}", key("new", 2));
    let started = Instant::now();
    installed(&store, &old).await;
    eprintln!("{COUNT} credentials installed in {:?}", started.elapsed());

    // Killed part-way: some rows under the new key, the rest still under the old one.
    let mut first = rotate_key(url, &both).spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    while usage(store.as_ref(), "new").await < 500 {
        assert!(Instant::now() < deadline, "the rotation made no progress");
        assert!(
            first.try_wait().unwrap().is_none(),
            "the rotation ended before it could be interrupted"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    first.kill().unwrap();
    first.wait().unwrap();
    let moved = usage(store.as_ref(), "new").await;
    assert!(
        (500..COUNT as i64).contains(&moved),
        "{moved} moved before the kill"
    );
    assert_eq!(usage(store.as_ref(), "old").await + moved, COUNT as i64);
    eprintln!("interrupted after {moved} of {COUNT}");

    // Run again: it finishes, and names the old key as no longer used.
    let started = Instant::now();
    let again = rotate_key(url, &both).output().unwrap();
    let stdout = String::from_utf8_lossy(&again.stdout);
    assert!(
        again.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&again.stderr)
    );
    eprintln!("second run in {:?}: {stdout}", started.elapsed());
    assert!(
        stdout.contains(&format!(
            "re-encrypted {} credentials",
            COUNT as i64 - moved
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains("old"),
        "the old key is reported retired: {stdout}"
    );
    assert!(!stdout.contains(SECRET));
    assert_eq!(
        store.credential_key_usage().await.unwrap(),
        vec![("new".to_owned(), COUNT as i64)]
    );

    // The old key removed: the vault unlocks with the new key alone, and all decrypt.
    let ring = KeyRing::parse(&SecretString::from(key("new", 2))).unwrap();
    let vault = server::vault::unlock(ring, store.as_ref()).await.unwrap();
    let tenant = store.tenant_by_name("Acme").await.unwrap().unwrap();
    let connectors = store.connectors(tenant.id).await.unwrap();
    assert_eq!(connectors.len(), COUNT);
    for connector in connectors {
        let stored = store
            .credentials_of(tenant.id, connector.id)
            .await
            .unwrap()
            .unwrap();
        let binding = Binding {
            tenant_id: tenant.id,
            connector_id: connector.id,
        };
        let opened = vault.open(&stored.sealed, binding).unwrap();
        let text = String::from_utf8(opened.expose_secret().clone()).unwrap();
        assert!(
            text.contains(SECRET),
            "{}: the secret changed",
            connector.id
        );
    }
}

#[tokio::test]
#[ignore = "soak: 10,000 credentials and a SIGKILL; `make test` runs it"]
async fn sqlite_rotation_of_10000_credentials_survives_an_interruption() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("rotate.db").display());
    let store = server::store::connect(&url).await.unwrap();
    rotation_survives_an_interruption(store, &url).await;
}

#[tokio::test]
#[ignore = "soak: 10,000 credentials and a SIGKILL; `make test` runs it"]
async fn postgres_rotation_of_10000_credentials_survives_an_interruption() {
    let Some((store, url)) = support::postgres_schema().await else {
        return;
    };
    rotation_survives_an_interruption(store, &url).await;
}
