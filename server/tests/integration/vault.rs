//! Opening the credential vault at startup, on SQLite and PostgreSQL: the right key opens,
//! a wrong key is refused with a clear message and changes nothing.

use crate::support;

mod cases {
    use std::sync::Arc;

    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    use secrecy::SecretString;
    use server::store::Store;
    use server::vault::{KeyRing, UnlockError, unlock};

    fn ring(spec: &[(&str, u8)]) -> KeyRing {
        let spec: Vec<String> = spec
            .iter()
            .map(|(id, byte)| format!("{id}:{}", STANDARD.encode([*byte; 32])))
            .collect();
        KeyRing::parse(&SecretString::from(spec.join(","))).unwrap()
    }

    async fn canary_ids(store: &Arc<dyn Store>) -> Vec<String> {
        store
            .vault_canaries()
            .await
            .unwrap()
            .into_iter()
            .map(|c| c.key_id)
            .collect()
    }

    pub async fn the_first_key_leaves_a_canary_and_opens_again(store: Arc<dyn Store>) {
        unlock(ring(&[("a", 1)]), store.as_ref()).await.unwrap();
        assert_eq!(canary_ids(&store).await, vec!["a".to_owned()]);
        unlock(ring(&[("a", 1)]), store.as_ref()).await.unwrap();
        assert_eq!(
            canary_ids(&store).await,
            vec!["a".to_owned()],
            "a second canary for the same key"
        );
    }

    pub async fn a_wrong_key_is_refused_and_writes_nothing(store: Arc<dyn Store>) {
        unlock(ring(&[("a", 1)]), store.as_ref()).await.unwrap();
        let before = store.vault_canaries().await.unwrap();

        let other_id = unlock(ring(&[("b", 2)]), store.as_ref()).await.unwrap_err();
        let message = other_id.to_string();
        assert!(
            matches!(other_id, UnlockError::WrongKey { .. }),
            "{message}"
        );
        assert!(
            message.contains("master key does not match") && message.contains("\"a\""),
            "{message}"
        );

        let same_id_other_bytes = unlock(ring(&[("a", 9)]), store.as_ref()).await.unwrap_err();
        assert!(matches!(same_id_other_bytes, UnlockError::WrongKey { .. }));

        assert_eq!(
            store.vault_canaries().await.unwrap(),
            before,
            "a refused key changed the canaries"
        );
    }

    pub async fn a_new_key_listed_before_the_old_one_is_accepted(store: Arc<dyn Store>) {
        unlock(ring(&[("a", 1)]), store.as_ref()).await.unwrap();
        let vault = unlock(ring(&[("b", 2), ("a", 1)]), store.as_ref())
            .await
            .unwrap();
        assert_eq!(vault.ring().current_id(), "b");
        assert_eq!(
            canary_ids(&store).await,
            vec!["a".to_owned(), "b".to_owned()]
        );
    }
}

store_suite!(
    the_first_key_leaves_a_canary_and_opens_again,
    a_wrong_key_is_refused_and_writes_nothing,
    a_new_key_listed_before_the_old_one_is_accepted,
);

/// The real binary refuses to serve with the wrong key, saying why, before it listens.
#[tokio::test]
async fn the_server_refuses_to_start_with_the_wrong_key() {
    use base64::Engine;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("hub.db").display());
    let key = |byte: u8| base64::engine::general_purpose::STANDARD.encode([byte; 32]);
    let serve = |master_key: String| {
        std::process::Command::new(env!("CARGO_BIN_EXE_server"))
            .arg("serve")
            .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
            .env("DATABASE_URL", &url)
            .env("CONNECTORS_MASTER_KEY", master_key)
            .env("CONNECTORS_SEEDS_DIR", support::seeds_dir())
            .env("RUST_LOG", "warn")
            .output()
            .unwrap()
    };
    let store = server::store::connect(&url).await.unwrap();
    let ring =
        server::vault::KeyRing::parse(&secrecy::SecretString::from(format!("k1:{}", key(1))))
            .unwrap();
    server::vault::unlock(ring, store.as_ref()).await.unwrap();

    let refused = serve(format!("k2:{}", key(2)));
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("master key does not match this database"),
        "{stderr}"
    );
    assert!(
        !stderr.contains(&key(2)) && !stderr.contains(&key(1)),
        "a key was printed"
    );
}

/// The key file is gone but the database holds data sealed under it: the server refuses
/// to start, says which file is missing and where the backup goes, and makes no new key
/// (a stray file would have to be overwritten to restore the backup). Every later start
/// says the same.
#[tokio::test]
async fn a_missing_key_file_beside_sealed_data_refuses_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("hub.db").display());
    let key_file = dir.path().join("master.key");
    let store = server::store::connect(&url).await.unwrap();
    let ring = server::vault::key_ring(None, &key_file, store.as_ref())
        .await
        .unwrap();
    server::vault::unlock(ring, store.as_ref()).await.unwrap();
    std::fs::remove_file(&key_file).unwrap();

    for _ in 0..2 {
        let refused = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
            .arg("serve")
            .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
            .env("DATABASE_URL", &url)
            .env_remove("CONNECTORS_MASTER_KEY")
            .env("CONNECTORS_DATA_DIR", dir.path())
            .env("CONNECTORS_SEEDS_DIR", support::seeds_dir())
            .env("RUST_LOG", "warn")
            .output()
            .unwrap();
        assert!(!refused.status.success());
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert!(
            stderr.contains("master key file") && stderr.contains("is missing"),
            "{stderr}"
        );
        assert!(stderr.contains(&key_file.display().to_string()), "{stderr}");
        assert!(!key_file.exists(), "a new key file was made");
    }
}

/// A fresh database with no key file gets one, once.
#[tokio::test]
async fn a_fresh_database_gets_a_key_file() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("hub.db").display());
    let key_file = dir.path().join("master.key");
    let store = server::store::connect(&url).await.unwrap();
    let ring = server::vault::key_ring(None, &key_file, store.as_ref())
        .await
        .unwrap();
    assert!(key_file.exists());
    server::vault::unlock(ring, store.as_ref()).await.unwrap();
    let again = server::vault::key_ring(None, &key_file, store.as_ref())
        .await
        .unwrap();
    assert_eq!(again.ids().len(), 1);
}
