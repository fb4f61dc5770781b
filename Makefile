# Connector Hub. `make run` serves the app; `make test` runs every check CI runs.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# Builds outlive a clone: reuse one target directory across checkouts.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/connector-hub/target
# wasm-opt (npm binaryen) and cargo-installed tools.
export PATH := $(CURDIR)/end2end/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
# Fresh clones cannot reuse incremental caches (they are per path), so CI skips writing them.
ifdef CI
export CARGO_INCREMENTAL := 0
endif
export TEST_DATABASE_URL ?= postgres://$(shell id -un)@localhost/connector_hub_test?host=/var/run/postgresql

SERVER := $(CARGO_TARGET_DIR)/release/server

.PHONY: help run build test bootstrap bootstrap-test fmt-check clippy clippy-server clippy-wasm \
        rust-tests wasm-tree e2e seed-connectors test-db bench-forms bench fuzz fuzz-short

help:
	@echo "make run              build and serve http://127.0.0.1:3000 (SQLite under data/)"
	@echo "make test             fmt, clippy, Rust tests on SQLite and PostgreSQL, WASM tree check, Playwright"
	@echo "make seed-connectors  validate seeds/connectors/*.json and upsert them (idempotent)"
	@echo "make e2e              Playwright against a release build"
	@echo "make fuzz             schemathesis against the OpenAPI document, 2,000+ cases"
	@echo "make bench            benchmarks with their budgets: one table, and target/bench/report.json"
	@echo "make bench-forms      form render time in Chromium and release WASM size (printed)"

bootstrap:
	@scripts/bootstrap.sh run

bootstrap-test:
	@scripts/bootstrap.sh test

# Release build of the server and the WASM bundle (target/site).
build: bootstrap
	cargo leptos build --release --split

run: build
	$(SERVER) serve

seed-connectors: build
	$(SERVER) seed

test: bootstrap-test fmt-check clippy rust-tests wasm-tree e2e fuzz-short
	@echo "make test: all checks passed"

fmt-check:
	cargo fmt --all -- --check

clippy: clippy-server clippy-wasm

clippy-server:
	cargo clippy --all-targets -- -D warnings

clippy-wasm:
	cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

# A fresh PostgreSQL test database each run, so test schemas never pile up.
test-db: bootstrap-test
	@dropdb -h /var/run/postgresql --if-exists connector_hub_test
	@createdb -h /var/run/postgresql connector_hub_test

# `--include-ignored`: the soak and kill tests, which a plain `cargo test` skips.
rust-tests: test-db
	cargo test -- --include-ignored

wasm-tree:
	scripts/check-wasm-tree.sh

e2e: build bootstrap-test
	cd end2end && npx playwright test

# API fuzzing with schemathesis: a short fixed-seed run in `make test`, a long one here.
fuzz-short: build bootstrap-test
	scripts/fuzz.sh 20 200 20261122

fuzz: build bootstrap-test
	scripts/fuzz.sh 200 2000

# Measurements (printed, not asserted): form render time in Chromium, release WASM size.
bench-forms: build bootstrap-test
	cd end2end && BENCH=1 npx playwright test --project=bench --reporter=list
	@wasm=target/site/pkg/connector-hub.wasm; \
	  echo "release WASM: $$(stat -c %s $$wasm) bytes raw, $$(gzip -9 -c $$wasm | wc -c) bytes gzip -9"

# Criterion micro-benchmarks, then load, start-up and size figures against the release
# build (examples/bench reads the criterion results and prints the one table).
bench: build test-db
	cargo bench -p server --bench vault --bench validation -- --warm-up-time 1 --measurement-time 3
	cargo run --release -p server --example bench
