//! One module per route.

mod catalog;
mod connector;
mod home;
mod login;
mod not_found;
mod settings;
mod setup;
pub mod wizard;

pub use catalog::CatalogPage;
pub use connector::ConnectorDetailPage;
pub use home::HomePage;
pub use login::LoginPage;
pub use not_found::NotFoundPage;
pub use settings::SettingsPage;
pub use setup::SetupPage;
pub use wizard::WizardPage;
