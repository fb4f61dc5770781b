//! Data transfer types shared by the server, the REST API and the browser.

pub mod catalog;
pub mod connector;
pub mod identity;
pub mod probe;

pub use catalog::{
    AuthType, CatalogCard, CatalogFilter, Category, ConnectorType, HTTPS_URL_MESSAGE,
    HTTPS_URL_PATTERN, METHOD_FIELD, OAuthSettings, chosen_method,
};
