//! Pieces of the OAuth sign-in shared by the wizard and the connector page: the redirect
//! URI to register (copyable, with a warning when the page is open on another origin),
//! the outcome the callback reports in the URL, and the jump to the provider.

use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use uuid::Uuid;

use crate::api::connectors::{oauth_redirect_setup, start_oauth};
use crate::error::AppError;
use crate::model::connector::{OAuthFailure, OAuthReturnTo};

/// Starts the sign-in and sends the browser to the provider (a full-page redirect).
pub async fn go_to_provider(id: Uuid, return_to: OAuthReturnTo) -> Result<(), AppError> {
    let start = start_oauth(id, return_to).await?;
    // The server checks the address; the browser goes only to a web page all the same.
    let lowered = start.authorize_url.to_ascii_lowercase();
    if !(lowered.starts_with("https://") || lowered.starts_with("http://")) {
        return Err(AppError::Conflict(
            "The provider's authorization URL is not a web address; check the configuration."
                .into(),
        ));
    }
    window()
        .location()
        .set_href(&start.authorize_url)
        .map_err(|_| AppError::Transport("the browser refused to open the provider's page".into()))
}

/// What a person needs at the provider before connecting: whether the platform has its
/// own app for `type_key`, the exact redirect URI with a Copy button, and the warnings
/// (another origin than the public URL, a plain-http URI).
#[component]
pub fn RedirectUri(#[prop(into)] type_key: String) -> impl IntoView {
    let setup = OnceResource::new(oauth_redirect_setup(type_key));
    let copied = RwSignal::new(false);
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match setup.await {
                    Ok(setup) => {
                        let uri = setup.redirect_uri.clone();
                        let copy = move |_| {
                            let clipboard = window().navigator().clipboard();
                            let _ = clipboard.write_text(&uri);
                            copied.set(true);
                        };
                        let platform = if setup.platform_app {
                            "This installation has its own app for this provider: leave the client fields empty to use it, or enter your own app's."
                        } else {
                            "This installation has no app of its own for this provider: register one in the provider's developer console, then enter its client ID (and secret) below."
                        };
                        Either::Left(view! {
                            <p data-platform-app=setup.platform_app.to_string()>{platform}</p>
                            <div class="field redirect-uri">
                                <label for="oauth-redirect-uri">"Redirect URI to register with the provider"</label>
                                <div class="secret-input">
                                    <input id="oauth-redirect-uri" type="text" readonly value=setup.redirect_uri.clone() />
                                    <button type="button" class="button secondary small" on:click=copy>"Copy"</button>
                                </div>
                                <p class="field-help" role="status">{move || copied.get().then_some("Copied.")}</p>
                                {setup.origin_warning.map(|warning| view! {
                                    <p class="alert alert-error" role="alert" data-origin-warning="true">{warning}</p>
                                })}
                                {setup.https_warning.map(|warning| view! {
                                    <p class="field-help" data-https-warning="true">{warning}</p>
                                })}
                            </div>
                        })
                    }
                    Err(_) => Either::Right(()),
                }
            })}
        </Suspense>
    }
}

/// What the callback said, from the URL (`?oauth=connected` or `?oauth_error=…`), with
/// a "Try again" button when `retry` is given.
#[component]
pub fn OAuthOutcome(
    provider: String,
    #[prop(default = None)] retry: Option<Callback<()>>,
) -> impl IntoView {
    let query = use_query_map();
    let connected = move || query.read().get("oauth").as_deref() == Some("connected");
    let failure = move || {
        query
            .read()
            .get("oauth_error")
            .and_then(|code| OAuthFailure::parse(&code))
    };
    view! {
        {move || connected().then(|| view! {
            <p class="alert alert-success" role="status">{format!("Signed in with {provider}.")}</p>
        })}
        {move || failure().map(|failure| view! {
            <div class="alert alert-error" role="alert" data-oauth-error=failure.code()>
                <p>{failure.message()}</p>
                {retry.map(|retry| view! {
                    <button type="button" class="button secondary small" on:click=move |_| retry.run(())>
                        "Try again"
                    </button>
                })}
            </div>
        })}
    }
}
