//! The `server` binary: `serve` (default), `migrate`, `seed`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use server::config::Config;
use server::{AppState, StartupError, prepare_store, seed, shutdown_signal, store, telemetry};

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
            let addr = config.site_addr;
            let listener = tokio::net::TcpListener::bind(addr)
                .await
                .map_err(|source| CliError::Bind { addr, source })?;
            tracing::info!("listening on http://{addr}");
            server::serve(listener, AppState::new(config, store), shutdown_signal())
                .await
                .map_err(CliError::Serve)
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
    }
}
