//! The server's integration tests, in one binary: one link instead of one per file, and
//! tests that need no server run in parallel with those that do. Each module was a test
//! target of its own and keeps its name (`cargo test -p server --test integration oauth::`
//! runs one). Test servers take turns ([`support::TestServer`] explains why).
//!
//! The soak and kill tests (`rotation`, `failures`) are `#[ignore]`d so that a plain
//! `cargo test` (the inner loop) skips them; `make test` runs them with
//! `--include-ignored`.
#![allow(clippy::unwrap_used)] // a test fails by panicking; unwrap is how it says so

// First, so that its macros (`store_suite!`, `server_suite!`) reach every module below.
#[macro_use]
mod support;
mod sweep_gen;

mod api;
mod auth;
mod cli;
mod connection_tests;
mod connectors;
mod failures;
mod form_agreement;
mod health;
mod hostile_pages;
mod json_schema_suite;
mod logs;
mod oauth;
mod outbound;
mod probe;
mod probe_answers;
mod rotation;
mod seed_sweep;
mod store_conformance;
mod validation;
mod vault;
