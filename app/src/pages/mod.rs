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

use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

/// Declares a route whose page is loaded on demand: with `cargo leptos build --split` each
/// page's code (and what only it uses) becomes a WASM chunk of its own, fetched when the
/// page is first shown, so the first download holds the shell and one page, not all of them.
/// The page needs no data before its code arrives (its resources start when it renders),
/// so `data` is empty.
macro_rules! lazy_page {
    ($route:ident => $page:ident) => {
        #[doc = concat!("The route of [`", stringify!($page), "`], loaded on demand.")]
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(_this: Self) -> AnyView {
                view! { <$page /> }.into_any()
            }
        }
    };
}

lazy_page!(HomeRoute => HomePage);
lazy_page!(CatalogRoute => CatalogPage);
lazy_page!(SettingsRoute => SettingsPage);
lazy_page!(LoginRoute => LoginPage);
lazy_page!(SetupRoute => SetupPage);
lazy_page!(WizardRoute => WizardPage);
lazy_page!(ConnectorDetailRoute => ConnectorDetailPage);
