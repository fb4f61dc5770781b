#!/usr/bin/env bash
# Installs what Connector Hub needs to build and test, and only what is missing.
# Idempotent and quiet when everything is there; says what it installs.
#
#   scripts/bootstrap.sh run    build tools: wasm32 target, cargo-leptos, wasm-bindgen, wasm-opt
#   scripts/bootstrap.sh test   the above plus Chromium, Playwright's npm packages, a
#                               running local PostgreSQL with the test database, and
#                               Debian's WordPress, Apache, PHP and MariaDB for the
#                               end-to-end tests' WordPress site (scripts/wordpress-site.sh)
#
# Nothing is downloaded from outside the package registries (crates.io, npm, Debian).
# The versions are the ones ../shared/SETUP.md found to work together on this toolchain.
set -euo pipefail

mode="${1:-run}"
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

CARGO_LEPTOS_VERSION="0.3.10"   # 0.3.11 needs rustc >= 1.96
TEST_DB="${TEST_DB:-connector_hub_test}"

say() { echo "bootstrap: $*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    say "need root to run: $*"; exit 1
  fi
}

apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then
    as_root apt-get update -qq
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

ensure_wasm_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
}

ensure_cargo_leptos() {
  if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
    say "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 30 minutes on 2 cores, once)"
    cargo install --locked "cargo-leptos@$CARGO_LEPTOS_VERSION"
  fi
}

ensure_wasm_bindgen() {
  # cargo-leptos uses the wasm-bindgen on PATH without checking it, so it must match the
  # crate version in Cargo.lock exactly.
  local wanted
  wanted="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
  if [ -z "$wanted" ]; then say "wasm-bindgen is not in Cargo.lock"; exit 1; fi
  if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $wanted"; then
    say "installing wasm-bindgen-cli $wanted (about 10 minutes, once)"
    # Without --locked: its own lockfile names a crate version missing from crates.io.
    cargo install --force wasm-bindgen-cli --version "$wanted"
  fi
}

ensure_npm_packages() {
  # binaryen (wasm-opt for release builds) and Playwright come from end2end/package-lock.json.
  local stamp="end2end/node_modules/.package-lock.sha"
  local want
  want="$(sha256sum end2end/package-lock.json | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    say "installing end2end npm packages (npm ci)"
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
    echo "$want" >"$stamp"
  fi
}

ensure_chromium() {
  if [ ! -x /usr/bin/chromium ]; then
    say "installing Debian's chromium"
    apt_install chromium
  fi
}

ensure_postgres() {
  if ! command -v pg_ctlcluster >/dev/null; then
    say "installing PostgreSQL"
    apt_install postgresql
  fi
  local cluster
  cluster="$(pg_lsclusters --no-header | awk 'NR == 1 { print $1 " " $2 }')"
  if [ -z "$cluster" ]; then say "no PostgreSQL cluster found"; exit 1; fi
  if ! pg_lsclusters --no-header | awk 'NR == 1 { print $4 }' | grep -q online; then
    say "starting PostgreSQL cluster $cluster"
    # shellcheck disable=SC2086
    as_root pg_ctlcluster $cluster start
  fi
  local me
  me="$(id -un)"
  if ! as_root su postgres -c "psql -tAc \"SELECT 1 FROM pg_roles WHERE rolname = '$me'\"" | grep -q 1; then
    say "creating PostgreSQL role $me"
    as_root su postgres -c "psql -qc 'CREATE ROLE \"$me\" SUPERUSER LOGIN'"
  fi
  if ! psql -h /var/run/postgresql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$TEST_DB'" | grep -q 1; then
    say "creating test database $TEST_DB"
    createdb -h /var/run/postgresql "$TEST_DB"
  fi
}

ensure_wordpress() {
  # A real WordPress for the end-to-end tests. scripts/wordpress-site.sh runs an Apache of
  # its own and starts MariaDB when a run needs it, so neither system service is started
  # (nor, on systemd, enabled) here.
  local packages="wordpress apache2 libapache2-mod-php php-cli php-mysql mariadb-server"
  local missing="" package
  for package in $packages; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed"; then
      missing="$missing $package"
    fi
  done
  if [ -z "$missing" ]; then return; fi
  say "installing Debian's$missing (the end-to-end tests' WordPress site)"
  # Maintainer scripts start services only when policy-rc.d allows it; without one, add a
  # refusing one for the duration of the install.
  local policy=/usr/sbin/policy-rc.d made="" log
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# scripts/bootstrap.sh: no service starts while it installs\nexit 101\n' | as_root tee "$policy" >/dev/null
    as_root chmod 755 "$policy"
    made=1
  fi
  log="$(mktemp)"
  # shellcheck disable=SC2086
  if ! apt_install --no-install-recommends $missing 2>"$log"; then
    cat "$log" >&2
    if [ -n "$made" ]; then as_root rm -f "$policy"; fi
    rm -f "$log"
    exit 1
  fi
  rm -f "$log"
  if [ -n "$made" ]; then as_root rm -f "$policy"; fi
  if [ -d /run/systemd/system ]; then
    as_root systemctl disable --quiet apache2 mariadb 2>/dev/null || true
  fi
}

ensure_schemathesis() {
  # API fuzzing (scripts/fuzz.sh): schemathesis from PyPI, pinned, in a venv that outlives
  # clones like the cargo target directory does.
  local venv="$HOME/.cache/connector-hub/venv" wanted="4.32.5"
  if ! "$venv/bin/st" --version 2>/dev/null | grep -q "$wanted"; then
    say "installing schemathesis $wanted (PyPI)"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$wanted"
  fi
}

ensure_wasm_target
ensure_npm_packages
ensure_wasm_bindgen
ensure_cargo_leptos
if [ "$mode" = "test" ]; then
  ensure_chromium
  ensure_postgres
  ensure_schemathesis
  ensure_wordpress
fi
