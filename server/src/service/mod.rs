//! Services: the business rules, implementing the ports that server functions and REST
//! handlers both call.

pub mod catalog;

pub use catalog::CatalogService;
