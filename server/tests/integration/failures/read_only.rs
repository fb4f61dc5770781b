//! The SQLite file on a read-only filesystem (a read-only bind mount of its directory).
//! While its write-ahead log is open elsewhere, the server starts: reads answer, writes are
//! refused with 503 naming the cause, and `/healthz` says so instead of "ok". Once it is
//! closed, SQLite cannot open the file at all, and the server refuses to start saying
//! "read-only" rather than "unable to open database file".

use std::ffi::OsStr;

use super::{Server, get, mount, unmount};

/// A read-only view of a directory, unmounted when dropped.
struct ReadOnlyView {
    dir: tempfile::TempDir,
}

impl ReadOnlyView {
    fn of(source: &std::path::Path) -> Option<ReadOnlyView> {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().as_os_str().to_owned();
        if !mount(&[OsStr::new("--bind"), source.as_os_str(), &target]) {
            return None;
        }
        let view = ReadOnlyView { dir };
        let args = ["-o", "remount,ro,bind"].map(OsStr::new);
        assert!(mount(&[&args[..], &[target.as_os_str()]].concat()));
        Some(view)
    }
}

impl Drop for ReadOnlyView {
    fn drop(&mut self) {
        unmount(self.dir.path());
    }
}

#[tokio::test]
#[ignore = "mounts a filesystem: `make test` runs it"]
async fn sqlite_on_a_read_only_filesystem_says_so() {
    let data = tempfile::tempdir().unwrap();
    let mut server = Server::start(&format!(
        "sqlite://{}",
        data.path().join("hub.db").display()
    ))
    .await;
    let tokens = server.provision_tokens(2).await;
    let (token, unused_token) = (&tokens[0], &tokens[1]);
    let created = server
        .http
        .post(format!("{}/api/connectors", server.base))
        .bearer_auth(token)
        .json(&serde_json::json!({
            "catalog_key": "stripe",
            "name": "Shop",
            "config": {"mode": "test", "api_version": "2024-06-20"},
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    server.stop();

    // Another process keeps the database open (and reads, so it holds the write-ahead log
    // and its index), so they stay.
    use sqlx::{ConnectOptions, Connection};
    let mut holder = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(data.path().join("hub.db"))
        .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
        .connect()
        .await
        .unwrap();
    sqlx::query("SELECT count(*) FROM connectors")
        .execute(&mut holder)
        .await
        .unwrap();

    let Some(view) = ReadOnlyView::of(data.path()) else {
        return;
    };
    let url = format!("sqlite://{}", view.dir.path().join("hub.db").display());
    let mut server = Server::start(&url).await;

    let (status, health) = get(&server.http, &server.base, "/healthz", token).await;
    assert_eq!(status, 503, "/healthz on a read-only filesystem: {health}");
    assert_eq!(health["reason"], "read-only", "{health}");

    let (status, listed) = get(&server.http, &server.base, "/api/installed", unused_token).await;
    assert_eq!(
        status, 200,
        "a read, with a token never used before: {listed}"
    );
    assert!(listed.to_string().contains("Shop"), "{listed}");

    let refused = server
        .http
        .post(format!("{}/api/connectors", server.base))
        .bearer_auth(token)
        .json(&serde_json::json!({
            "catalog_key": "stripe",
            "name": "Refused",
            "config": {"mode": "test", "api_version": "2024-06-20"},
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 503);
    let body: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unavailable", "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("read-only"),
        "{body}"
    );
    server.stop();

    // Closed everywhere (the last connection folds the log back into the file and removes
    // it): the server cannot open it, and says why.
    holder.close().await.unwrap();
    assert!(!data.path().join("hub.db-wal").exists());
    let said = Server::refuses_to_start(&url);
    assert!(said.contains("read-only"), "{said}");
}
