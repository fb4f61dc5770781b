#!/usr/bin/env bash
# Fails if a server-only crate reaches the browser bundle's dependency tree.
set -euo pipefail
cd "$(dirname "$0")/.."
forbidden='^(sqlx|sqlx-core|aes-gcm|reqwest|jsonschema|tokio-postgres|argon2) '
tree="$(cargo tree -p frontend --target wasm32-unknown-unknown -e normal --prefix none)"
if found="$(grep -E "$forbidden" <<<"$tree" | sort -u)" && [ -n "$found" ]; then
  echo "server-only crates in the WASM dependency tree:" >&2
  echo "$found" >&2
  exit 1
fi
echo "wasm tree: no server-only crates ($(sort -u <<<"$tree" | wc -l) crates checked)"
