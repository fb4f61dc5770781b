use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::auth::{Logout, SwitchTenant, current_viewer};
use crate::components::auth_epoch::{AuthEpoch, bump_on_success};
use crate::model::identity::Viewer;

/// The top bar: product name, the main navigation, and who is signed in. `A` marks the
/// current page with `aria-current="page"`.
#[component]
pub fn SiteHeader() -> impl IntoView {
    let epoch = use_context::<AuthEpoch>().map(|epoch| epoch.0);
    let signed_in = Resource::new(move || epoch.map(|e| e.get()), |_| current_viewer());
    view! {
        <header class="site-header">
            <a class="brand" href="/">"Connector Hub"</a>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match signed_in.await {
                        Ok(Some(viewer)) => Either::Left(view! { <SignedInBar viewer /> }),
                        _ => Either::Right(()),
                    }
                })}
            </Suspense>
        </header>
    }
}

#[component]
fn SignedInBar(viewer: Viewer) -> impl IntoView {
    let logout = ServerAction::<Logout>::new();
    bump_on_success(move || matches!(logout.value().get(), Some(Ok(()))));
    let several_tenants = viewer.memberships.len() > 1;
    view! {
        <nav aria-label="Main">
            <ul>
                <li><A href="/" exact=true>"Installed"</A></li>
                <li><A href="/catalog">"Catalog"</A></li>
                <li><A href="/settings">"Settings"</A></li>
            </ul>
        </nav>
        <div class="account">
            {if several_tenants {
                Either::Left(view! { <TenantSwitcher viewer=viewer.clone() /> })
            } else {
                Either::Right(view! { <span class="tenant-name">{viewer.tenant_name.clone()}</span> })
            }}
            <span class="user-name" data-testid="signed-in-user">
                {viewer.display_name.clone()}
                " "
                <span class="tag">{viewer.role.label()}</span>
            </span>
            <ActionForm action=logout>
                <button type="submit" class="button secondary">"Sign out"</button>
            </ActionForm>
        </div>
    }
}

#[component]
fn TenantSwitcher(viewer: Viewer) -> impl IntoView {
    let switch = ServerAction::<SwitchTenant>::new();
    bump_on_success(move || matches!(switch.value().get(), Some(Ok(()))));
    let current = viewer.tenant_id;
    view! {
        <ActionForm action=switch attr:class="tenant-switcher">
            <label for="tenant-switch" class="visually-hidden">"Active tenant"</label>
            <select id="tenant-switch" name="tenant_id">
                {viewer
                    .memberships
                    .into_iter()
                    .map(|membership| {
                        view! {
                            <option value=membership.tenant_id.to_string() selected=membership.tenant_id == current>
                                {membership.tenant_name}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <button type="submit" class="button secondary">"Switch"</button>
        </ActionForm>
    }
}
