//! The filesystem under the SQLite file fills up while the server runs, and is freed again.
//!
//! Writes that fail say why (503, "disk full"); reads keep answering; once space is back,
//! writes work again at once, without a restart; and every create that was answered 201
//! is there afterwards, on the running server and after a restart.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::{Server, get, mount, unmount};

/// A tmpfs of its own, unmounted when dropped.
struct SmallDisk {
    dir: tempfile::TempDir,
    fillers: Vec<PathBuf>,
}

impl SmallDisk {
    /// `None` where mounting is not allowed (not root); an error under CI.
    fn mount(megabytes: u32) -> Option<SmallDisk> {
        let dir = tempfile::tempdir().unwrap();
        let size = format!("size={megabytes}m");
        let args = ["-t", "tmpfs", "-o", &size, "tmpfs"].map(OsStr::new);
        if !mount(&[&args[..], &[dir.path().as_os_str()]].concat()) {
            return None;
        }
        Some(SmallDisk {
            dir,
            fillers: Vec::new(),
        })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes 64 KiB files until the disk refuses one.
    fn fill(&mut self) {
        let chunk = vec![0x5a_u8; 64 * 1024];
        loop {
            let path = self.path().join(format!("filler-{}", self.fillers.len()));
            let written = std::fs::write(&path, &chunk);
            self.fillers.push(path);
            if written.is_err() {
                return;
            }
        }
    }

    /// Frees `files` of the filler files (64 KiB each).
    fn free(&mut self, files: usize) {
        for _ in 0..files {
            if let Some(path) = self.fillers.pop() {
                std::fs::remove_file(path).unwrap();
            }
        }
    }

    fn free_all(&mut self) {
        self.free(self.fillers.len());
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        unmount(self.dir.path());
    }
}

/// `POST /api/connectors` for a Stripe connector named `name`, with a secret key and a
/// long description (so that a few creates need fresh pages of the file).
async fn create(http: &reqwest::Client, base: &str, token: &str, name: &str) -> (u16, Value) {
    let sent = http
        .post(format!("{base}/api/connectors"))
        .bearer_auth(token)
        .json(&serde_json::json!({
            "catalog_key": "stripe",
            "name": name,
            "description": "x".repeat(900),
            "config": {"mode": "test", "api_version": "2024-06-20"},
            "auth": {"secret_key": "sk_test_Zq8VYuX3mK1pTs7LwRa9Nc2B"},
        }))
        .send()
        .await;
    match sent {
        Ok(response) => {
            let status = response.status().as_u16();
            (status, response.json().await.unwrap_or(Value::Null))
        }
        Err(_) => (0, Value::Null),
    }
}

#[tokio::test]
#[ignore = "mounts a filesystem: `make test` runs it"]
async fn sqlite_keeps_every_acknowledged_write_through_a_full_disk() {
    let Some(mut disk) = SmallDisk::mount(24) else {
        return;
    };
    let url = format!("sqlite://{}", disk.path().join("hub.db").display());
    let mut server = Server::start(&url).await;
    let tokens = server.provision_tokens(2).await;
    let (token, unused_token) = (tokens[0].clone(), tokens[1].clone());

    let mut acknowledged: Vec<(String, String)> = Vec::new();
    let mut statuses: BTreeMap<u16, usize> = BTreeMap::new();
    let mut refusals = Vec::new();
    disk.fill();

    // Full: a read answers, even with a token never used before (whose "last used" cannot
    // be written), and /healthz says what is wrong.
    let (status, body) = get(&server.http, &server.base, "/api/installed", &unused_token).await;
    assert_eq!(status, 200, "a read on a full disk: {body}");
    let (status, health) = get(&server.http, &server.base, "/healthz", &token).await;
    assert_eq!(status, 503, "/healthz on a full disk: {health}");
    assert!(
        health["reason"].as_str().unwrap_or("").contains("disk"),
        "{health}"
    );

    // Writes at a high rate while a little space comes and goes: some land, most fail.
    for round in 0..8 {
        disk.free(4);
        let creates: Vec<_> = (0..40)
            .map(|n| {
                let name = format!("Round {round} shop {n}");
                let (http, base, token) = (server.http.clone(), server.base.clone(), token.clone());
                tokio::spawn(async move {
                    let answer = create(&http, &base, &token, &name).await;
                    (name, answer)
                })
            })
            .collect();
        for handle in creates {
            let (name, (status, body)) = handle.await.unwrap();
            *statuses.entry(status).or_default() += 1;
            match status {
                201 => acknowledged.push((body["id"].as_str().unwrap().to_owned(), name)),
                503 => refusals.push(body),
                _ => panic!("a create on a full disk answered {status}: {body}"),
            }
        }
        disk.fill();
    }
    eprintln!("creates on a nearly full disk: {statuses:?}");
    assert!(!refusals.is_empty(), "the disk never filled: {statuses:?}");
    for refusal in &refusals {
        assert_eq!(refusal["error"]["code"], "unavailable", "{refusal}");
        let message = refusal["error"]["message"].as_str().unwrap_or("");
        assert!(message.contains("disk is full"), "{refusal}");
    }

    // Space is back: writes work at once, without a restart, each well inside the 5 s
    // a stuck write lock would cost.
    disk.free_all();
    for n in 0..30 {
        let name = format!("After shop {n}");
        let asked = Instant::now();
        let (status, body) = create(&server.http, &server.base, &token, &name).await;
        assert_eq!(status, 201, "a create after space came back: {body}");
        assert!(
            asked.elapsed() < Duration::from_secs(2),
            "a create took {:?}",
            asked.elapsed()
        );
        acknowledged.push((body["id"].as_str().unwrap().to_owned(), name));
    }
    let (status, health) = get(&server.http, &server.base, "/healthz", &token).await;
    assert_eq!(status, 200, "{health}");

    // Every acknowledged create is there: now, and after a restart.
    assert_every_create_is_there(&server, &token, &acknowledged).await;
    server.stop();
    let mut restarted = Server::start(&url).await;
    assert_every_create_is_there(&restarted, &token, &acknowledged).await;
    eprintln!(
        "{} acknowledged creates, all there after a restart",
        acknowledged.len()
    );
    restarted.stop();
}

async fn assert_every_create_is_there(server: &Server, token: &str, created: &[(String, String)]) {
    for (id, name) in created {
        let (status, connector) = get(
            &server.http,
            &server.base,
            &format!("/api/connectors/{id}"),
            token,
        )
        .await;
        assert_eq!(status, 200, "{name} ({id}) was answered 201: {connector}");
        assert_eq!(connector["name"], name.as_str());
        assert_ne!(connector["needs_reentry"], true, "{connector}");
    }
}
