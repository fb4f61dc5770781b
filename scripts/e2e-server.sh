#!/usr/bin/env bash
# Starts the release server for Playwright on port $1 with a fresh SQLite database.
#   $2 = provisioned (default): tenant "Acme" with an owner, a member and a viewer, made with the
#        admin CLI (passwords in end2end/fixtures/accounts.ts)
#   $2 = fresh: no users, so the first-run setup page is live
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$HOME/.cache/connector-hub/target}"
server="$target/release/server"
data="$(mktemp -d)"
trap 'rm -rf "$data"' EXIT
cd "$root"
export DATABASE_URL="sqlite://$data/e2e.db"
export LEPTOS_SITE_ADDR="127.0.0.1:${1:-3100}"
export LEPTOS_SITE_ROOT="$root/target/site"
export CONNECTORS_SEEDS_DIR="$root/seeds/connectors"
export CONNECTORS_DATA_DIR="$data"
export CONNECTORS_PUBLIC_URL="http://$LEPTOS_SITE_ADDR"
export RUST_LOG="${RUST_LOG:-warn}"
# The health checker would race the tests' own connection tests
# (server/tests/integration/health.rs tests it).
export CONNECTORS_HEALTH_CHECK_INTERVAL_SECS=0
# Likewise the background token refresh (the provider's access tokens live 30 s, so it would
# refresh every one of them each round): the tests count the refreshes their own uses make.
export CONNECTORS_OAUTH_REFRESH_INTERVAL_SECS=86400
# Connection tests reach the test WordPress (scripts/wordpress-site.sh) on loopback.
export CONNECTORS_ALLOW_PRIVATE_TARGETS=true
if [ "${2:-provisioned}" = provisioned ]; then
  "$server" tenant add --name Acme >/dev/null
  echo "owner password 1" | "$server" user add --email owner@acme.test --name "Olivia Owner" --tenant Acme --role owner >/dev/null
  echo "viewer password 1" | "$server" user add --email viewer@acme.test --name "Victor Viewer" --tenant Acme --role viewer >/dev/null
  echo "member password 1" | "$server" user add --email member@acme.test --name "Mia Member" --tenant Acme --role member >/dev/null
fi
"$server" serve &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$data"' EXIT INT TERM
wait "$pid"
