//! Authentication: passwords, session cookies, API tokens, and resolving a request's
//! principal from them.

pub mod cache;
pub mod password;
pub mod principal;
pub mod tokens;

pub use principal::Authenticator;
