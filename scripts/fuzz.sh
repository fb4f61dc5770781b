#!/usr/bin/env bash
# API fuzzing: schemathesis against /api/openapi.json of the release server on a fresh
# SQLite database, signed in with an owner's API token. Fails on any 5xx and on any
# response that does not match the document (status code, content type, headers, body).
#   $1 = examples per operation and phase (the number of cases is many times this)
#   $2 = the least number of cases that must have run
#   $3 = seed (optional; fixed in `make test`, random in `make fuzz`)
set -euo pipefail
# The fuzzer makes up connector addresses, and a connection test would try to reach them:
# as root (CI, this machine), the run goes into a network namespace of its own with only
# loopback, so nothing it does can leave the machine.
if [ -z "${FUZZ_ISOLATED:-}" ] && [ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null; then
  exec unshare --net env FUZZ_ISOLATED=1 bash -c 'ip link set lo up && exec bash "$0" "$@"' "$0" "$@"
fi
root="$(cd "$(dirname "$0")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$HOME/.cache/connector-hub/target}"
st="$HOME/.cache/connector-hub/venv/bin/st"
examples="${1:-20}" minimum="${2:-200}" seed="${3:-}"
port="${FUZZ_PORT:-3190}"
base="http://127.0.0.1:$port"
data="$(mktemp -d)"
cd "$root"
DATABASE_URL="sqlite://$data/fuzz.db" LEPTOS_SITE_ADDR="127.0.0.1:$port" \
  LEPTOS_SITE_ROOT="$root/target/site" CONNECTORS_SEEDS_DIR="$root/seeds/connectors" \
  CONNECTORS_DATA_DIR="$data" CONNECTORS_PUBLIC_URL="$base" \
  CONNECTORS_HEALTH_CHECK_INTERVAL_SECS=0 RUST_LOG="${RUST_LOG:-error}" \
  "$target/release/server" serve &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 100); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.1; done

# First-run setup signs the owner in; the session creates the API token the fuzzer uses.
# The fuzzer also fills the session-cookie scheme the document declares, and a request
# with a session cookie must name this server as its Origin (CSRF), so it sends one.
cookie="$(curl -sf -D - -o /dev/null -X POST "$base/sfn/setup" \
  -H "origin: $base" -H "accept: application/json" \
  --data "tenant_name=Fuzz&display_name=Fuzz+Owner&email=owner%40fuzz.test&password=fuzz+password+1" |
  grep -i '^set-cookie: chub_session=' | sed -E 's/^[^:]+: (chub_session=[^;]*).*/\1/' | tr -d '\r')"
token="$(curl -sf -X POST "$base/sfn/create_api_token" -H "origin: $base" \
  -H "accept: application/json" -H "cookie: $cookie" --data "name=fuzz" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')"

out="$data/st.log"
status=0
"$st" run "$base/api/openapi.json" \
  --header "Authorization: Bearer $token" --header "Origin: $base" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance \
  --max-examples "$examples" ${seed:+--seed "$seed"} \
  --no-color 2>&1 | tee "$out" | tail -25 || status=$?
cases="$(grep -Eo '[0-9]+ generated' "$out" | tail -1 | cut -d' ' -f1)"
echo "fuzz: ${cases:-0} cases run (at least $minimum required)"
if [ "$status" -ne 0 ]; then exit "$status"; fi
if [ "${cases:-0}" -lt "$minimum" ]; then echo "fuzz: too few cases"; exit 1; fi
