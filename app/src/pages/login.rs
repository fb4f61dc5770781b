use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::auth::Login;
use crate::components::auth_epoch::bump_on_success;
use crate::components::forms::FormAlert;

/// `/login`. The form posts to the `login` server function, which sets the session
/// cookie and redirects to `next` (or `/`); it works before and without the WASM bundle.
#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let login = ServerAction::<Login>::new();
    let error = Signal::derive(move || login.value().get().and_then(Result::err));
    bump_on_success(move || matches!(login.value().get(), Some(Ok(()))));

    view! {
        <Title text="Sign in" />
        <section class="auth-card">
            <h1>"Sign in"</h1>
            <FormAlert error />
            <ActionForm action=login attr:class="stack">
                <input type="hidden" name="next" value=next />
                <div class="field">
                    <label for="login-email">"Email"</label>
                    <input id="login-email" type="email" name="email" autocomplete="username" required />
                </div>
                <div class="field">
                    <label for="login-password">"Password"</label>
                    <input
                        id="login-password"
                        type="password"
                        name="password"
                        autocomplete="current-password"
                        required
                    />
                </div>
                <button type="submit" class="button">"Sign in"</button>
            </ActionForm>
        </section>
    }
}
