//! The `server` binary's commands: `seed` (behind `make seed-connectors`) and the admin
//! commands `tenant add`, `user add`, `token create|revoke`.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::support;

fn seed(dir: &Path, database_url: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["seed", "--dir"])
        .arg(dir)
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run server seed")
}

fn copy_seeds(to: &Path) {
    for entry in std::fs::read_dir(support::seeds_dir()).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
    }
}

#[tokio::test]
async fn a_broken_file_fails_naming_file_and_field_and_changes_nothing() {
    let work = tempfile::tempdir().unwrap();
    let seeds = work.path().join("seeds");
    std::fs::create_dir(&seeds).unwrap();
    copy_seeds(&seeds);
    let url = format!("sqlite://{}", work.path().join("hub.db").display());

    let first = seed(&seeds, &url);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let store = server::store::connect(&url).await.unwrap();
    let before = store.list_catalog().await.unwrap();

    // Break one file and change another: neither change may land.
    let stripe = seeds.join("stripe.json");
    let broken = std::fs::read_to_string(&stripe)
        .unwrap()
        .replace("\"payments\"", "\"banking\"");
    std::fs::write(&stripe, broken).unwrap();
    let slack = seeds.join("slack.json");
    let edited = std::fs::read_to_string(&slack)
        .unwrap()
        .replace("\"version\": 1", "\"version\": 2");
    std::fs::write(&slack, edited).unwrap();

    let second = seed(&seeds, &url);
    assert!(!second.status.success());
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(
        stderr.contains("stripe.json") && stderr.contains("/category"),
        "{stderr}"
    );
    assert_eq!(
        store.list_catalog().await.unwrap(),
        before,
        "the database changed"
    );
}

#[tokio::test]
async fn seeding_twice_reports_nothing_changed() {
    let work = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", work.path().join("hub.db").display());
    let dir = support::seeds_dir();
    assert!(seed(&dir, &url).status.success());
    let again = seed(&dir, &url);
    let stdout = String::from_utf8_lossy(&again.stdout);
    assert!(stdout.contains("0 inserted, 0 updated"), "{stdout}");
}

/// Runs `server ARGS…` against the database, with `stdin` as standard input.
fn admin(url: &str, args: &[&str], stdin: &str) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
        .args(args)
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run server");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[tokio::test]
async fn admin_commands_create_accounts_and_tokens_shown_once() {
    let work = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", work.path().join("hub.db").display());
    assert!(
        admin(&url, &["tenant", "add", "--name", "Acme"], "")
            .status
            .success()
    );
    let duplicate = admin(&url, &["tenant", "add", "--name", "ACME"], "");
    assert!(!duplicate.status.success());
    assert!(String::from_utf8_lossy(&duplicate.stderr).contains("exists"));

    let short = admin(
        &url,
        &[
            "user",
            "add",
            "--email",
            "ada@acme.test",
            "--name",
            "Ada",
            "--tenant",
            "Acme",
            "--role",
            "admin",
        ],
        "short\n",
    );
    assert!(!short.status.success(), "a short password was accepted");
    let added = admin(
        &url,
        &[
            "user",
            "add",
            "--email",
            "ada@acme.test",
            "--name",
            "Ada",
            "--tenant",
            "Acme",
            "--role",
            "admin",
        ],
        "a long password\n",
    );
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );

    let created = admin(
        &url,
        &[
            "token",
            "create",
            "--email",
            "ada@acme.test",
            "--tenant",
            "Acme",
            "--name",
            "CI",
        ],
        "",
    );
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    let token = String::from_utf8(created.stdout).unwrap().trim().to_owned();
    assert!(token.starts_with("chub_"), "{token}");

    let store = server::store::connect(&url).await.unwrap();
    let (record, owner) = store
        .api_token(&server::auth::tokens::hash(&token))
        .await
        .unwrap()
        .expect("stored by hash");
    assert_eq!(
        (owner.user.email.as_str(), owner.role),
        ("ada@acme.test", Some(app::model::identity::Role::Admin))
    );
    assert!(record.revoked_at.is_none());

    let id = record.id.to_string();
    assert!(
        admin(
            &url,
            &["token", "revoke", "--tenant", "Acme", "--id", &id],
            ""
        )
        .status
        .success()
    );
    assert!(
        store
            .api_token(&record.token_hash)
            .await
            .unwrap()
            .unwrap()
            .0
            .revoked_at
            .is_some()
    );
    assert!(
        !admin(
            &url,
            &["token", "revoke", "--tenant", "Acme", "--id", &id],
            ""
        )
        .status
        .success(),
        "revoked twice"
    );
}

mod rotation {
    use std::process::Command;
    use std::sync::Arc;

    use app::model::connector::NewConnector;
    use app::model::identity::Principal;
    use app::ports::ConnectorPort;
    use server::service::ConnectorService;
    use server::store::Store;
    use server::vault::{Binding, KeyRing};

    const SECRET: &str = "sk_test_RotateMe0123456789";

    fn rotate_key(data_dir: &std::path::Path, url: &str, new_key: bool) -> String {
        let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
        command
            .arg("rotate-key")
            .args(["--batch-size", "100"])
            .env("DATABASE_URL", url)
            .env("CONNECTORS_DATA_DIR", data_dir)
            .env_remove("CONNECTORS_MASTER_KEY")
            .env("RUST_LOG", "warn");
        if new_key {
            command.arg("--new-key");
        }
        let output = command.output().unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        assert!(
            output.status.success(),
            "{stdout}{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(!stdout.contains(SECRET));
        stdout
    }

    /// 250 instances sealed under the generated key file's key.
    async fn installed(data_dir: &std::path::Path, url: &str) -> (Arc<dyn Store>, Principal) {
        let store = server::store::connect(url).await.unwrap();
        store
            .seed_catalog(&super::support::seed_entries())
            .await
            .unwrap();
        let (ring, _) = KeyRing::load_or_create_file(&data_dir.join("master.key")).unwrap();
        let vault = Arc::new(server::vault::unlock(ring, store.as_ref()).await.unwrap());
        let who = super::support::acme_owner(&store).await;
        let service = ConnectorService::new(store.clone(), vault);
        for index in 0..250 {
            let input: NewConnector = serde_json::from_value(serde_json::json!({
                "catalog_key": "stripe",
                "name": format!("Stripe {index}"),
                "config": {"mode": "test"},
                "auth": {"secret_key": SECRET},
            }))
            .unwrap();
            service.install(&who, input).await.unwrap();
        }
        (store, who)
    }

    #[tokio::test]
    async fn rotation_reseals_everything_under_a_new_key_and_can_be_rerun() {
        let work = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", work.path().join("hub.db").display());
        let (store, who) = installed(work.path(), &url).await;
        let old_key = store.credential_key_usage().await.unwrap()[0].0.clone();

        // An interrupted run: a new key is first in the file and 60 rows were moved.
        let new_key = KeyRing::prepend_generated_key(&work.path().join("master.key")).unwrap();
        let (ring, _) = KeyRing::load_or_create_file(&work.path().join("master.key")).unwrap();
        assert_eq!(ring.current_id(), new_key);
        let vault = server::vault::unlock(ring, store.as_ref()).await.unwrap();
        for row in store
            .credentials_to_reseal(&new_key, uuid::Uuid::nil(), 60)
            .await
            .unwrap()
        {
            let binding = Binding {
                tenant_id: row.tenant_id,
                connector_id: row.connector_id,
            };
            let sealed = vault.reseal(&row.sealed, binding).unwrap().unwrap();
            assert!(
                store
                    .reseal_credentials(row.id, &old_key, &sealed)
                    .await
                    .unwrap()
            );
        }

        let stdout = rotate_key(work.path(), &url, false);
        assert!(stdout.contains("re-encrypted 190 credentials"), "{stdout}");
        assert!(
            stdout.contains(&old_key),
            "the old key is reported retired: {stdout}"
        );
        assert_eq!(
            store.credential_key_usage().await.unwrap(),
            vec![(new_key.clone(), 250)]
        );
        let canaries: Vec<String> = store
            .vault_canaries()
            .await
            .unwrap()
            .into_iter()
            .map(|canary| canary.key_id)
            .collect();
        assert_eq!(canaries, vec![new_key.clone()], "the old canary is gone");

        let again = rotate_key(work.path(), &url, false);
        assert!(again.contains("re-encrypted 0 credentials"), "{again}");

        // And with a key generated by the command itself.
        let third = rotate_key(work.path(), &url, true);
        assert!(third.contains("re-encrypted 250 credentials"), "{third}");
        let usage = store.credential_key_usage().await.unwrap();
        assert_eq!(usage.len(), 1);
        assert_ne!(usage[0].0, new_key);

        // Every secret still opens, under the newest key.
        let (ring, _) = KeyRing::load_or_create_file(&work.path().join("master.key")).unwrap();
        let vault = Arc::new(server::vault::unlock(ring, store.as_ref()).await.unwrap());
        let service = ConnectorService::new(store.clone(), vault);
        for connector in service.list(&who).await.unwrap() {
            let secrets = service
                .stored_credentials_for_use(&who, connector.id, "rotation check")
                .await
                .unwrap();
            assert_eq!(
                secrets.get("secret_key").and_then(|v| v.as_str()),
                Some(SECRET)
            );
        }
    }
}
