//! One module per route.

mod catalog;
mod home;
mod not_found;

pub use catalog::CatalogPage;
pub use home::HomePage;
pub use not_found::NotFoundPage;
