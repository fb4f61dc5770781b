use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::auth::{Setup, setup_required};
use crate::components::auth_epoch::bump_on_success;
use crate::components::forms::{FieldMessage, FormAlert, error_id, field_invalid};
use crate::components::suspense::Loaded;
use crate::pages::NotFoundPage;

/// `/setup`: first run only. Creates the first tenant and its owner; once anyone has an
/// account the page is gone (404).
#[component]
pub fn SetupPage() -> impl IntoView {
    let required = Resource::new(|| (), |_| setup_required());
    view! {
        <Loaded resource=required let:required>
            {if required {
                Either::Left(view! { <SetupForm /> })
            } else {
                Either::Right(view! { <NotFoundPage /> })
            }}
        </Loaded>
    }
}

#[component]
fn SetupForm() -> impl IntoView {
    let setup = ServerAction::<Setup>::new();
    let error = Signal::derive(move || setup.value().get().and_then(Result::err));
    bump_on_success(move || matches!(setup.value().get(), Some(Ok(()))));

    view! {
        <Title text="Set up Connector Hub" />
        <section class="auth-card">
            <h1>"Set up Connector Hub"</h1>
            <p class="lead">"Create your team's workspace and your owner account. You can invite others afterwards."</p>
            <FormAlert error />
            <ActionForm action=setup attr:class="stack">
                <div class="field">
                    <label for="setup-tenant_name">"Team or company name"</label>
                    <input
                        id="setup-tenant_name"
                        name="tenant_name"
                        required
                        maxlength="100"
                        autocomplete="organization"
                        aria-describedby=error_id("setup", "tenant_name")
                        aria-invalid=field_invalid(error, "tenant_name")
                    />
                    <FieldMessage error form="setup" field="tenant_name" />
                </div>
                <div class="field">
                    <label for="setup-display_name">"Your name"</label>
                    <input
                        id="setup-display_name"
                        name="display_name"
                        required
                        maxlength="100"
                        autocomplete="name"
                        aria-describedby=error_id("setup", "display_name")
                        aria-invalid=field_invalid(error, "display_name")
                    />
                    <FieldMessage error form="setup" field="display_name" />
                </div>
                <div class="field">
                    <label for="setup-email">"Email"</label>
                    <input
                        id="setup-email"
                        type="email"
                        name="email"
                        required
                        autocomplete="username"
                        aria-describedby=error_id("setup", "email")
                        aria-invalid=field_invalid(error, "email")
                    />
                    <FieldMessage error form="setup" field="email" />
                </div>
                <div class="field">
                    <label for="setup-password">"Password"</label>
                    <input
                        id="setup-password"
                        type="password"
                        name="password"
                        required
                        minlength="10"
                        autocomplete="new-password"
                        aria-describedby=format!("setup-password-hint {}", error_id("setup", "password"))
                        aria-invalid=field_invalid(error, "password")
                    />
                    <p class="hint" id="setup-password-hint">"At least 10 characters."</p>
                    <FieldMessage error form="setup" field="password" />
                </div>
                <button type="submit" class="button">"Create workspace"</button>
            </ActionForm>
        </section>
    }
}
