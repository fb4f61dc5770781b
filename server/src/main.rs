//! The `server` binary: `serve` (default), `migrate`, `seed`, and administration:
//! `rotate-key`, `tenant add`, `user add`, `token create|revoke`.

use std::path::PathBuf;
use std::process::ExitCode;

use app::model::identity::{Password, Role};
use clap::{Parser, Subcommand};
use secrecy::ExposeSecret;
use server::config::Config;
use server::service::admin::AdminService;
use server::{AppState, StartupError, prepare_store, seed, shutdown_signal, store, telemetry};
use uuid::Uuid;

/// mimalloc rather than glibc's malloc: page rendering allocates many small strings, and
/// glibc's allocator took ~30 % of its CPU time (`make bench`, perf).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "server", version, about = "Connector Hub server")]
struct Cli {
    #[command(flatten)]
    config: Config,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Apply migrations, seed the catalog and serve the app and API (the default).
    Serve {
        /// Do not seed the catalog at startup.
        #[arg(long)]
        no_seed: bool,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Validate every connector definition, then upsert them all in one transaction.
    Seed {
        /// Directory of `<key>.json` files (defaults to CONNECTORS_SEEDS_DIR).
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Re-encrypt every stored credential under the current (first) master key, in
    /// batches, while the server runs. Safe to interrupt and run again.
    RotateKey {
        /// Rows per batch.
        #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(i64).range(1..=10_000))]
        batch_size: i64,
        /// First generate a new key and put it first in the key file (only when the keys
        /// come from the key file, not from CONNECTORS_MASTER_KEY).
        #[arg(long)]
        new_key: bool,
    },
    /// Tenants.
    #[command(subcommand)]
    Tenant(TenantCommand),
    /// Users and their roles.
    #[command(subcommand)]
    User(UserCommand),
    /// API tokens for REST clients.
    #[command(subcommand)]
    Token(TokenCommand),
}

#[derive(Subcommand)]
enum TenantCommand {
    /// Create a tenant.
    Add {
        #[arg(long)]
        name: String,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user to a tenant with a role, creating the account if it is new. A new
    /// account's password is read from the first line of standard input.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// The tenant's name.
        #[arg(long)]
        tenant: String,
        #[arg(long, value_parser = parse_role)]
        role: Role,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create an API token for a member; the token is printed once and stored hashed.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        tenant: String,
        /// What the token is for, e.g. "CI deploys".
        #[arg(long)]
        name: String,
    },
    /// Revoke an API token by id.
    Revoke {
        #[arg(long)]
        tenant: String,
        #[arg(long)]
        id: Uuid,
    },
}

fn parse_role(value: &str) -> Result<Role, String> {
    Role::parse(value).ok_or_else(|| "expected one of: owner, admin, member, viewer".to_owned())
}

#[derive(Debug, thiserror::Error)]
enum CliError {
    #[error(transparent)]
    Startup(#[from] StartupError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
    #[error("server error: {0}")]
    Serve(std::io::Error),
    #[error("{}", describe(.0))]
    Admin(#[from] app::error::AppError),
    #[error("cannot read the password from standard input: {0}")]
    Stdin(std::io::Error),
    #[error("{0}")]
    Usage(String),
}

/// An application error with its field messages, for the terminal.
fn describe(error: &app::error::AppError) -> String {
    let fields: Vec<String> = error
        .fields()
        .into_iter()
        .map(|(field, messages)| format!("{field}: {}", messages.join(" ")))
        .collect();
    if fields.is_empty() {
        error.to_string()
    } else {
        format!("{error} ({})", fields.join("; "))
    }
}

/// The first line of standard input, without its line ending.
fn read_password() -> Result<Password, CliError> {
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(CliError::Stdin)?;
    Ok(Password(line.trim_end_matches(['\r', '\n']).to_owned()))
}

#[tokio::main]
async fn main() -> ExitCode {
    // A missing .env is normal; values already in the environment win.
    let _ = dotenvy::dotenv();
    let cli = Cli::parse();
    telemetry::init(cli.config.log_format);
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), CliError> {
    let mut config = cli.config;
    match cli.command.unwrap_or(Command::Serve { no_seed: false }) {
        Command::Serve { no_seed } => {
            tracing::info!("configuration:\n{config}");
            let store = prepare_store(&config, !no_seed).await?;
            // A wrong key stops the server here, before it accepts a request.
            let vault = std::sync::Arc::new(server::open_vault(&config, store.as_ref()).await?);
            let addr = config.site_addr;
            let listener = tokio::net::TcpListener::bind(addr)
                .await
                .map_err(|source| CliError::Bind { addr, source })?;
            tracing::info!("listening on http://{addr}");
            server::serve(
                listener,
                AppState::new(config, store, vault),
                shutdown_signal(),
            )
            .await
            .map_err(CliError::Serve)
        }
        Command::RotateKey {
            batch_size,
            new_key,
        } => {
            if new_key {
                let from_env = config
                    .master_key
                    .as_ref()
                    .is_some_and(|key| !key.expose_secret().trim().is_empty());
                if from_env {
                    return Err(CliError::Usage(
                        "--new-key writes the key file, but the keys come from \
                         CONNECTORS_MASTER_KEY: put a new key first in that variable instead"
                            .into(),
                    ));
                }
                let id = server::vault::KeyRing::prepend_generated_key(&config.key_file())
                    .map_err(|e| StartupError::from(server::vault::UnlockError::from(e)))?;
                println!("generated key {id}; it now seals new credentials");
            }
            let store = prepare_store(&config, false).await?;
            let vault = server::open_vault(&config, store.as_ref()).await?;
            let report = server::vault::rotate(&vault, store.as_ref(), batch_size)
                .await
                .map_err(StartupError::from)?;
            println!(
                "re-encrypted {} credentials under key {} ({} changed meanwhile)",
                report.resealed,
                vault.ring().current_id(),
                report.changed_meanwhile
            );
            if !report.undecryptable.is_empty() {
                println!(
                    "{} connectors have credentials no configured key opens; they need re-entry: {:?}",
                    report.undecryptable.len(),
                    report.undecryptable
                );
            }
            if !report.retired_keys.is_empty() {
                println!(
                    "keys no longer used (you may remove them): {}",
                    report.retired_keys.join(", ")
                );
            }
            Ok(())
        }
        Command::Migrate => {
            store::connect(&config.database_url)
                .await
                .map_err(StartupError::from)?;
            println!("migrations applied");
            Ok(())
        }
        Command::Seed { dir } => {
            if let Some(dir) = dir {
                config.seeds_dir = dir;
            }
            let entries = seed::load_dir(&config.seeds_dir).map_err(StartupError::from)?;
            let store = store::connect(&config.database_url)
                .await
                .map_err(StartupError::from)?;
            let report = store
                .seed_catalog(&entries)
                .await
                .map_err(StartupError::from)?;
            println!(
                "seeded {} connector types from {}: {} inserted, {} updated, {} unchanged",
                entries.len(),
                config.seeds_dir.display(),
                report.inserted.len(),
                report.updated.len(),
                report.unchanged.len()
            );
            Ok(())
        }
        Command::Tenant(TenantCommand::Add { name }) => {
            let tenant = admin(&config).await?.add_tenant(&name).await?;
            println!("created tenant {:?} ({})", tenant.name, tenant.id);
            Ok(())
        }
        Command::User(UserCommand::Add {
            email,
            name,
            tenant,
            role,
        }) => {
            let admin = admin(&config).await?;
            let password = read_password()?;
            let user = admin
                .add_user(&email, &name, &tenant, role, password)
                .await?;
            println!("{} is now {} of {tenant:?}", user.email, role);
            Ok(())
        }
        Command::Token(TokenCommand::Create {
            email,
            tenant,
            name,
        }) => {
            let (id, token) = admin(&config)
                .await?
                .create_token(&email, &tenant, &name)
                .await?;
            eprintln!(
                "API token {id} created. Copy it now: it is stored hashed and cannot be shown again."
            );
            println!("{}", token.expose_secret());
            Ok(())
        }
        Command::Token(TokenCommand::Revoke { tenant, id }) => {
            admin(&config).await?.revoke_token(&tenant, id).await?;
            println!("revoked API token {id}");
            Ok(())
        }
    }
}

async fn admin(config: &Config) -> Result<AdminService, CliError> {
    let store = store::connect(&config.database_url)
        .await
        .map_err(StartupError::from)?;
    Ok(AdminService::new(store))
}
