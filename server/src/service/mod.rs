//! Services: the business rules, implementing the ports that server functions and REST
//! handlers both call.

pub mod admin;
pub mod catalog;
pub mod connectors;
pub mod health;
pub mod identity;
pub mod oauth;
pub mod refresh_problem;
pub mod testing;
pub(crate) mod validate;

pub use catalog::CatalogService;
pub use connectors::ConnectorService;
pub use health::HealthChecker;
pub use identity::IdentityService;
pub use oauth::OAuthService;
pub use testing::TestingService;
