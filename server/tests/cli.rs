//! The `server` binary's commands: `seed` (behind `make seed-connectors`) and the admin
//! commands `tenant add`, `user add`, `token create|revoke`.
#![allow(clippy::unwrap_used)] // a test fails by panicking; unwrap is how it says so

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

mod support;

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
