//! Services: the business rules, implementing the ports that server functions and REST
//! handlers both call.

pub mod admin;
pub mod audit;
pub mod catalog;
pub mod connection_tests;
pub mod connectors;
pub mod health;
pub mod identity;
pub mod oauth;
pub mod refresh_problem;
pub(crate) mod validate;

pub use catalog::CatalogService;
pub use connection_tests::ConnectionTestService;
pub use connectors::ConnectorService;
pub use health::HealthChecker;
pub use identity::IdentityService;
pub use oauth::OAuthService;
