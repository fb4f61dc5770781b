#!/usr/bin/env bash
# Starts the release server for Playwright on port $1 with a fresh SQLite database.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$HOME/.cache/connector-hub/target}"
data="$(mktemp -d)"
trap 'rm -rf "$data"' EXIT
cd "$root"
export DATABASE_URL="sqlite://$data/e2e.db"
export LEPTOS_SITE_ADDR="127.0.0.1:${1:-3100}"
export LEPTOS_SITE_ROOT="$root/target/site"
export CONNECTORS_SEEDS_DIR="$root/seeds/connectors"
export CONNECTORS_PUBLIC_URL="http://$LEPTOS_SITE_ADDR"
export RUST_LOG="${RUST_LOG:-warn}"
"$target/release/server" serve &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$data"' EXIT INT TERM
wait "$server"
