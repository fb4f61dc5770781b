//! The store conformance suite: written once, run against SQLite always and against
//! PostgreSQL whenever `TEST_DATABASE_URL` is set (always under `make test`).
//!
//! One module per capability of the store (`server::store::*Store`); each runs its cases
//! on both backends through `store_suite!`, as `<capability>::{sqlite,postgres}::<case>`.
mod fixtures;

mod catalog;
mod connection_tests;
mod connectors;
mod identity;
mod names;
mod oauth;
mod sessions;
mod vault_keys;
