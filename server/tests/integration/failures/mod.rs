//! Failure tests: the server as a child process, under faults of the machine around it.
//! Each module is one kind of fault:
//! - `outage`: its PostgreSQL server (a throwaway cluster of the test's own, so no other
//!   test loses its database) stops and comes back;
//! - `kill`: SIGKILL in the middle of creates;
//! - `disk_full`: the filesystem under the SQLite file fills up and is freed again;
//! - `read_only`: the SQLite file is on a read-only filesystem;
//! - `clients`: clients that hold sockets open (idle, slowloris, slow bodies, floods).

mod clients;
mod disk_full;
mod kill;
mod outage;
mod read_only;

use crate::support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const PG_BIN: &str = "/usr/lib/postgresql/15/bin";

/// A PostgreSQL cluster in a temporary directory, run as the `postgres` user.
pub(super) struct Cluster {
    dir: tempfile::TempDir,
    port: u16,
}

fn as_postgres(program: &str, args: &[&str]) -> bool {
    Command::new("runuser")
        .args(["-u", "postgres", "--"])
        .arg(Path::new(PG_BIN).join(program))
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

impl Cluster {
    /// `None` where this cannot run (not root, or no PostgreSQL 15); an error under CI.
    pub(super) fn create() -> Option<Cluster> {
        let runnable = Path::new(PG_BIN).join("initdb").exists()
            && Command::new("id")
                .arg("-u")
                .output()
                .is_ok_and(|out| out.stdout.starts_with(b"0"));
        if !runnable {
            assert!(
                std::env::var_os("CI").is_none(),
                "the PostgreSQL restart test needs root and PostgreSQL 15 under CI"
            );
            eprintln!("no root or no PostgreSQL 15: skipping the restart test");
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let chown = Command::new("chown")
            .args(["-R", "postgres:postgres"])
            .arg(dir.path())
            .status()
            .unwrap();
        assert!(chown.success());
        let data = dir.path().join("data");
        assert!(as_postgres(
            "initdb",
            &[
                "-D",
                data.to_str().unwrap(),
                "-A",
                "trust",
                "-U",
                "postgres"
            ]
        ));
        let cluster = Cluster {
            dir,
            port: support::free_port(),
        };
        cluster.start();
        Some(cluster)
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub(super) fn start(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=''",
            self.port,
            self.dir.path().display()
        );
        assert!(as_postgres(
            "pg_ctl",
            &[
                "-D",
                self.data().to_str().unwrap(),
                "-o",
                &options,
                "-w",
                "start"
            ]
        ));
    }

    pub(super) fn stop(&self) {
        assert!(as_postgres(
            "pg_ctl",
            &[
                "-D",
                self.data().to_str().unwrap(),
                "-m",
                "fast",
                "-w",
                "stop"
            ]
        ));
    }

    pub(super) fn url(&self) -> String {
        format!(
            "postgres://postgres@localhost/postgres?host={}&port={}",
            self.dir.path().display(),
            self.port
        )
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        as_postgres(
            "pg_ctl",
            &[
                "-D",
                self.data().to_str().unwrap(),
                "-m",
                "immediate",
                "stop",
            ],
        );
    }
}

/// Runs `mount` with `args`; false where mounting is not allowed (not root), which is an
/// error under CI.
pub(super) fn mount(args: &[&std::ffi::OsStr]) -> bool {
    let mounted = Command::new("mount")
        .args(args)
        .status()
        .is_ok_and(|status| status.success());
    if !mounted {
        assert!(
            std::env::var_os("CI").is_none(),
            "the filesystem tests need to mount (root) under CI"
        );
        eprintln!("cannot mount: skipping");
    }
    mounted
}

/// Unmounts `path` (lazily, so that a process still using it does not stop the test).
pub(super) fn unmount(path: &Path) {
    let _ = Command::new("umount").arg("-l").arg(path).status();
}

/// The server binary as a child process on `database_url`.
pub(super) struct Server {
    child: std::process::Child,
    pub(super) base: String,
    pub(super) http: reqwest::Client,
    data: tempfile::TempDir,
}

impl Server {
    pub(super) async fn start(database_url: &str) -> Server {
        Server::start_with(database_url, &[]).await
    }

    /// [`Server::start`] with more environment variables.
    pub(super) async fn start_with(database_url: &str, env: &[(&str, &str)]) -> Server {
        Server::start_wrapped(database_url, env, &[]).await
    }

    /// [`Server::start_with`], the server run by `wrapper` (a program and its arguments,
    /// e.g. `prlimit --nofile=…`) when it is not empty.
    pub(super) async fn start_wrapped(
        database_url: &str,
        env: &[(&str, &str)],
        wrapper: &[&str],
    ) -> Server {
        let data = tempfile::tempdir().unwrap();
        let port = support::free_port();
        let base = format!("http://127.0.0.1:{port}");
        let server = support::server_command(database_url, port, data.path());
        let mut command = match wrapper {
            [] => server,
            [program, args @ ..] => {
                let mut command = Command::new(program);
                command
                    .args(args)
                    .arg(server.get_program())
                    .args(server.get_args());
                for (key, value) in server.get_envs() {
                    if let Some(value) = value {
                        command.env(key, value);
                    }
                }
                command
            }
        };
        let child = command
            .env("CONNECTORS_HEALTH_CHECK_INTERVAL_SECS", "0")
            .env("RUST_LOG", "error")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(data.path().join("server.log")).unwrap())
            .spawn()
            .unwrap();
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .build()
            .unwrap();
        let started = Instant::now();
        while http.get(format!("{base}/healthz")).send().await.is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "no start: {}",
                std::fs::read_to_string(data.path().join("server.log")).unwrap_or_default()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Server {
            child,
            base,
            http,
            data,
        }
    }

    /// What the server has written to its standard error so far.
    pub(super) fn log(&self) -> String {
        std::fs::read_to_string(self.data.path().join("server.log")).unwrap_or_default()
    }

    pub(super) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Starts the server on `database_url` expecting it to refuse: returns what it said.
    /// A server that starts instead is killed after 20 s and fails the test.
    pub(super) fn refuses_to_start(database_url: &str) -> String {
        let data = tempfile::tempdir().unwrap();
        let log = data.path().join("server.log");
        let mut child = support::server_command(database_url, support::free_port(), data.path())
            .env("RUST_LOG", "error")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let started = Instant::now();
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                assert!(!status.success());
                return std::fs::read_to_string(&log).unwrap();
            }
            if started.elapsed() > Duration::from_secs(20) {
                let _ = child.kill();
                panic!(
                    "the server started: {}",
                    std::fs::read_to_string(&log).unwrap()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// First-run setup, then an API token of the owner.
    pub(super) async fn provision(&self) -> String {
        self.provision_tokens(1).await.remove(0)
    }

    /// First-run setup, then `count` API tokens of the owner.
    pub(super) async fn provision_tokens(&self, count: usize) -> Vec<String> {
        let mut owner = support::Browser {
            base_url: self.base.clone(),
            http: self.http.clone(),
            cookie: None,
        };
        let setup = owner
            .call(
                "setup",
                &[
                    ("tenant_name", "Acme"),
                    ("display_name", "Ada"),
                    ("email", "ada@acme.test"),
                    ("password", "a long password 1"),
                ],
            )
            .await;
        assert_eq!(setup.status(), 200);
        let mut tokens = Vec::new();
        for n in 0..count {
            let created: Value = owner
                .call("create_api_token", &[("name", &format!("ops {n}"))])
                .await
                .json()
                .await
                .unwrap();
            tokens.push(created["token"].as_str().unwrap().to_owned());
        }
        tokens
    }

    /// SIGTERM, then waits for the server to finish its shutdown.
    pub(super) fn stop(&mut self) {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let _ = self.child.wait();
    }

    /// SIGKILL: no shutdown, no flush.
    pub(super) fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Status and JSON body of `GET path` with the token; the status is 0 when no answer came.
pub(super) async fn get(
    http: &reqwest::Client,
    base: &str,
    path: &str,
    token: &str,
) -> (u16, Value) {
    match http
        .get(format!("{base}{path}"))
        .bearer_auth(token)
        .send()
        .await
    {
        Ok(response) => {
            let status = response.status().as_u16();
            (status, response.json().await.unwrap_or(Value::Null))
        }
        Err(_) => (0, Value::Null),
    }
}
