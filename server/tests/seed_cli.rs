//! `server seed`: the command behind `make seed-connectors`.
#![allow(clippy::unwrap_used)] // a test fails by panicking; unwrap is how it says so

use std::path::Path;
use std::process::Command;

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
