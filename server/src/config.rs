//! Typed configuration from the environment (and a `.env` file), printed at startup with
//! every secret redacted.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

use leptos::config::{Env, LeptosOptions};
use secrecy::SecretString;

/// The cargo-leptos project name; names the `/pkg/<name>.{js,wasm,css}` bundle files.
pub const SITE_NAME: &str = "connector-hub";

#[derive(Clone, clap::Args)]
pub struct Config {
    /// `sqlite://path/to/file.db` (embedded default) or `postgres://…`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/connectors.db"
    )]
    pub database_url: String,

    /// Base64 master key(s) for the credential vault: `key` or `id:key,id:key` (first encrypts).
    #[arg(long, env = "CONNECTORS_MASTER_KEY", hide_env_values = true, value_parser = parse_secret)]
    pub master_key: Option<SecretString>,

    /// The URL users reach this server at; OAuth callback URLs are built from it.
    #[arg(
        long,
        env = "CONNECTORS_PUBLIC_URL",
        default_value = "http://127.0.0.1:3000"
    )]
    pub public_url: url::Url,

    /// Address to listen on.
    #[arg(long, env = "LEPTOS_SITE_ADDR", default_value = "127.0.0.1:3000")]
    pub site_addr: SocketAddr,

    /// Where cargo-leptos wrote the site (`pkg/` with the WASM bundle and CSS).
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: String,

    /// Where the embedded defaults keep files: the generated master key file
    /// (`master.key`) when CONNECTORS_MASTER_KEY is not set.
    #[arg(long, env = "CONNECTORS_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,

    /// Connector type definitions seeded into the catalog at startup.
    #[arg(long, env = "CONNECTORS_SEEDS_DIR", default_value = "seeds/connectors")]
    pub seeds_dir: PathBuf,

    /// Seconds after its last test when an active connector is tested again by the
    /// health checker; 0 turns the checker off.
    #[arg(
        long,
        env = "CONNECTORS_HEALTH_CHECK_INTERVAL_SECS",
        default_value_t = 300
    )]
    pub health_check_interval_secs: u64,

    /// How many scheduled health checks one server process runs at a time.
    #[arg(long, env = "CONNECTORS_HEALTH_CHECK_CONCURRENCY", default_value_t = 4)]
    pub health_check_concurrency: usize,

    /// Let connection tests reach private and loopback addresses (tests and local setups).
    #[arg(long, env = "CONNECTORS_ALLOW_PRIVATE_TARGETS")]
    pub allow_private_targets: bool,

    /// Minutes without a request after which a session ends.
    #[arg(long, env = "CONNECTORS_SESSION_IDLE_MINUTES", default_value_t = 12 * 60)]
    pub session_idle_minutes: u64,

    /// Hours after sign-in after which a session ends, however active.
    #[arg(long, env = "CONNECTORS_SESSION_MAX_HOURS", default_value_t = 7 * 24)]
    pub session_max_hours: u64,

    /// How often the background task refreshes OAuth tokens that expire within five
    /// minutes, in seconds.
    #[arg(
        long,
        env = "CONNECTORS_OAUTH_REFRESH_INTERVAL_SECS",
        default_value_t = 60
    )]
    pub oauth_refresh_interval_secs: u64,

    /// How long a signed-in request's identity (session or API token) is reused without
    /// reading the database again, in milliseconds; 0 turns the cache off. Sign-outs,
    /// revocations and role changes made through this server apply at once; those made
    /// by another process (a second replica, the admin CLI) within this time.
    #[arg(long, env = "CONNECTORS_AUTH_CACHE_MILLIS", default_value_t = 1000)]
    pub auth_cache_millis: u64,

    /// Largest accepted request body, in bytes.
    #[arg(long, env = "CONNECTORS_MAX_BODY_BYTES", default_value_t = 1024 * 1024)]
    pub max_body_bytes: usize,

    /// Seconds a client has to send a request's head (line and headers); also how long an
    /// idle keep-alive connection stays open.
    #[arg(
        long,
        env = "CONNECTORS_CLIENT_HEAD_TIMEOUT_SECS",
        default_value_t = 15
    )]
    pub client_head_timeout_secs: u64,

    /// Seconds a request body has before it must keep `CONNECTORS_CLIENT_BODY_MIN_RATE`.
    #[arg(long, env = "CONNECTORS_CLIENT_BODY_GRACE_SECS", default_value_t = 10)]
    pub client_body_grace_secs: u64,

    /// Bytes per second a request body must average after its grace, or it is cut off.
    #[arg(long, env = "CONNECTORS_CLIENT_BODY_MIN_RATE", default_value_t = 1024)]
    pub client_body_min_rate: u64,

    /// Most client connections open at once; 0 derives it from the open-file limit
    /// (three quarters of it after 256 kept for the database and logs, at most 10,000).
    #[arg(long, env = "CONNECTORS_MAX_CONNECTIONS", default_value_t = 0)]
    pub max_connections: usize,

    /// Log output: `text` for people, `json` for log collectors.
    #[arg(long, env = "CONNECTORS_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

fn parse_secret(value: &str) -> Result<SecretString, String> {
    Ok(SecretString::from(value.to_owned()))
}

impl Config {
    /// Leptos' options, built from this config rather than from cargo-leptos' environment,
    /// so a server started by a test or by hand serves the same site.
    pub fn leptos_options(&self) -> LeptosOptions {
        LeptosOptions::builder()
            .output_name(SITE_NAME)
            .site_root(self.site_root.as_str())
            .site_pkg_dir("pkg")
            .site_addr(self.site_addr)
            .env(Env::PROD)
            .build()
    }

    pub fn session_policy(&self) -> crate::auth::principal::SessionPolicy {
        crate::auth::principal::SessionPolicy {
            idle: std::time::Duration::from_secs(self.session_idle_minutes.saturating_mul(60)),
            absolute: std::time::Duration::from_secs(self.session_max_hours.saturating_mul(3600)),
        }
    }

    /// How long a resolved principal is cached; zero when it is off.
    pub fn auth_cache_ttl(&self) -> std::time::Duration {
        std::time::Duration::from_millis(self.auth_cache_millis)
    }

    /// The health checker's interval; zero when it is off.
    pub fn health_check_interval(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.health_check_interval_secs)
    }

    /// The limits client connections are held to; `open_file_limit` sizes the default cap.
    pub fn client_limits(&self, open_file_limit: Option<u64>) -> crate::http::ClientLimits {
        crate::http::ClientLimits {
            head_timeout: std::time::Duration::from_secs(self.client_head_timeout_secs.max(1)),
            body_rate: crate::http::MinRate {
                grace: std::time::Duration::from_secs(self.client_body_grace_secs),
                bytes_per_sec: self.client_body_min_rate.max(1),
            },
            max_connections: match self.max_connections {
                0 => crate::http::default_max_connections(open_file_limit),
                set => set,
            },
        }
    }

    /// The generated key file used when no master key is configured.
    pub fn key_file(&self) -> PathBuf {
        self.data_dir.join("master.key")
    }

    /// Whether cookies must be `Secure`: the public URL is https.
    pub fn serves_https(&self) -> bool {
        self.public_url.scheme() == "https"
    }
}

/// Prints every setting, one per line, with secrets and URL passwords replaced.
impl fmt::Display for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let master_key = if self.master_key.is_some() {
            "[set, redacted]"
        } else {
            "[not set]"
        };
        writeln!(
            f,
            "DATABASE_URL={}",
            crate::outbound::redact::url_password(&self.database_url)
        )?;
        writeln!(f, "CONNECTORS_MASTER_KEY={master_key}")?;
        writeln!(f, "CONNECTORS_PUBLIC_URL={}", self.public_url)?;
        writeln!(f, "LEPTOS_SITE_ADDR={}", self.site_addr)?;
        writeln!(f, "LEPTOS_SITE_ROOT={}", self.site_root)?;
        writeln!(f, "CONNECTORS_DATA_DIR={}", self.data_dir.display())?;
        writeln!(f, "CONNECTORS_SEEDS_DIR={}", self.seeds_dir.display())?;
        writeln!(
            f,
            "CONNECTORS_HEALTH_CHECK_INTERVAL_SECS={}",
            self.health_check_interval_secs
        )?;
        writeln!(
            f,
            "CONNECTORS_HEALTH_CHECK_CONCURRENCY={}",
            self.health_check_concurrency
        )?;
        writeln!(
            f,
            "CONNECTORS_ALLOW_PRIVATE_TARGETS={}",
            self.allow_private_targets
        )?;
        writeln!(
            f,
            "CONNECTORS_SESSION_IDLE_MINUTES={}",
            self.session_idle_minutes
        )?;
        writeln!(f, "CONNECTORS_SESSION_MAX_HOURS={}", self.session_max_hours)?;
        writeln!(
            f,
            "CONNECTORS_OAUTH_REFRESH_INTERVAL_SECS={}",
            self.oauth_refresh_interval_secs
        )?;
        writeln!(f, "CONNECTORS_AUTH_CACHE_MILLIS={}", self.auth_cache_millis)?;
        writeln!(f, "CONNECTORS_MAX_BODY_BYTES={}", self.max_body_bytes)?;
        writeln!(
            f,
            "CONNECTORS_CLIENT_HEAD_TIMEOUT_SECS={}",
            self.client_head_timeout_secs
        )?;
        writeln!(
            f,
            "CONNECTORS_CLIENT_BODY_GRACE_SECS={}",
            self.client_body_grace_secs
        )?;
        writeln!(
            f,
            "CONNECTORS_CLIENT_BODY_MIN_RATE={}",
            self.client_body_min_rate
        )?;
        writeln!(f, "CONNECTORS_MAX_CONNECTIONS={}", self.max_connections)?;
        write!(f, "CONNECTORS_LOG_FORMAT={:?}", self.log_format)
    }
}

/// Debug output is the redacted listing too, so `{:?}` in a log line cannot leak.
impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;
    use secrecy::ExposeSecret;

    use super::*;
    use crate::outbound::redact::url_password;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        config: Config,
    }

    #[test]
    fn passwords_in_database_urls_are_redacted() {
        let shown = url_password("postgres://app:hunter2@db.example/hub");
        assert_eq!(shown, "postgres://app:[redacted]@db.example/hub");
        assert_eq!(
            url_password("sqlite://data/connectors.db"),
            "sqlite://data/connectors.db"
        );
        assert!(!url_password("not a url hunter2").contains("hunter2"));
    }

    #[test]
    fn display_never_shows_the_master_key() {
        let cli = Cli::parse_from([
            "server",
            "--master-key",
            "c2VjcmV0LWtleS1tYXRlcmlhbA==",
            "--database-url",
            "postgres://u:pw-in-url@localhost/db",
        ]);
        let config = cli.config;
        assert_eq!(
            config.master_key.as_ref().map(|k| k.expose_secret().len()),
            Some(28)
        );
        let printed = format!("{config}\n{config:?}");
        assert!(
            !printed.contains("c2VjcmV0LWtleS1tYXRlcmlhbA=="),
            "{printed}"
        );
        assert!(!printed.contains("pw-in-url"), "{printed}");
        assert!(format!("{config}").contains("CONNECTORS_MASTER_KEY=[set, redacted]"));
    }
}
