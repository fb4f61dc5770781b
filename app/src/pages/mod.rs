//! One module per route.

mod catalog;
mod home;
mod login;
mod not_found;
mod settings;
mod setup;

pub use catalog::CatalogPage;
pub use home::HomePage;
pub use login::LoginPage;
pub use not_found::NotFoundPage;
pub use settings::SettingsPage;
pub use setup::SetupPage;
