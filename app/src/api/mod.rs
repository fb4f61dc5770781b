//! Server functions, grouped by domain. Each body reads the ports from context, calls one
//! service method and returns its result: no business rule lives here.
//!
//! They are served under `/sfn/…` so they never collide with the REST API under `/api/`.

pub mod auth;
pub mod catalog;
pub mod codec;
pub mod connectors;
