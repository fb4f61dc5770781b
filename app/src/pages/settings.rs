//! `/settings`: the tenant's members and API tokens. Everyone sees the members; owners
//! and admins also get the forms that change things.

use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::auth::{
    AddMember, CreateApiToken, RemoveMember, RevokeApiToken, SetMemberRole, api_tokens,
    current_viewer, members,
};
use crate::components::confirm::{AskFirst, ConfirmDialog, Question};
use crate::components::forms::{FieldMessage, FormAlert, error_id, field_invalid};
use crate::components::scripted::NeedsJavaScript;
use crate::components::suspense::{LoadError, Loaded};
use crate::components::time::unix_time;
use crate::model::identity::{ApiTokenInfo, Member, Role, Viewer};
use uuid::Uuid;

#[component]
pub fn SettingsPage() -> impl IntoView {
    let me = Resource::new(|| (), |_| current_viewer());
    view! {
        <Title text="Settings" />
        <h1>"Settings"</h1>
        <Loaded resource=me let:viewer>
            {match viewer {
                Some(viewer) => Either::Left(view! { <SettingsSections viewer /> }),
                None => Either::Right(view! { <LoadError error=crate::error::AppError::Unauthorized /> }),
            }}
        </Loaded>
    }
}

#[component]
fn SettingsSections(viewer: Viewer) -> impl IntoView {
    let admin = viewer.role.can_administer();
    view! {
        <p class="lead">
            "Workspace " <strong>{viewer.tenant_name.clone()}</strong> ". You are "
            {viewer.role.label().to_lowercase()} "."
        </p>
        <MembersSection my_role=viewer.role me=viewer.email.clone() />
        <Show
            when=move || admin
            fallback=|| {
                view! {
                    <section aria-labelledby="tokens-heading">
                        <h2 id="tokens-heading">"API tokens"</h2>
                        <p>"Only owners and admins manage API tokens."</p>
                    </section>
                }
            }
        >
            <TokensSection />
        </Show>
    }
}

#[component]
fn MembersSection(my_role: Role, me: String) -> impl IntoView {
    let add = ServerAction::<AddMember>::new();
    let change = ServerAction::<SetMemberRole>::new();
    let remove = ServerAction::<RemoveMember>::new();
    let list = Resource::new(
        move || {
            (
                add.version().get(),
                change.version().get(),
                remove.version().get(),
            )
        },
        |_| members(),
    );
    let admin = my_role.can_administer();
    let change_error = Signal::derive(move || {
        change
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| remove.value().get().and_then(Result::err))
    });
    let removing = AskFirst::new(
        |member: &Member| {
            Question {
            title: format!("Remove {}?", member.email),
            detail: "They can no longer sign in to this workspace; their account and other workspaces stay.".into(),
            proceed_label: "Remove".into(),
        }
        },
        move |member: Member| {
            remove.dispatch(RemoveMember {
                user_id: member.user_id,
            });
        },
    );
    let me = StoredValue::new(me);

    view! {
        <section aria-labelledby="members-heading">
            <h2 id="members-heading">"Members"</h2>
            <FormAlert error=change_error />
            <Loaded resource=list loading="Loading members…" let:members>
                <MembersTable members my_role me=me.get_value() change removing=removing.pending />
            </Loaded>
            <Show when=move || admin>
                <AddMemberForm my_role add />
            </Show>
            <ConfirmDialog question=removing.question on_answer=removing.answer />
        </section>
    }
}

#[component]
fn MembersTable(
    members: Vec<Member>,
    my_role: Role,
    me: String,
    change: ServerAction<SetMemberRole>,
    removing: RwSignal<Option<Member>>,
) -> impl IntoView {
    let any_removable = members
        .iter()
        .any(|member| my_role.may_grant(member.role) && member.email != me);
    view! {
        <table class="data-table stacks">
            <thead>
                <tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Email"</th>
                    <th scope="col">"Role"</th>
                    {any_removable.then(|| view! { <th scope="col"><span class="visually-hidden">"Actions"</span></th> })}
                </tr>
            </thead>
            <tbody>
                {members
                    .into_iter()
                    .map(|member| {
                        // Nobody changes or removes their own membership here (a sole owner
                        // would lock the tenant; the server refuses both too).
                        let editable = my_role.may_grant(member.role) && member.email != me;
                        let removable = editable;
                        let asked = member.clone();
                        let email = member.email.clone();
                        let remove_cell = any_removable.then(|| view! {
                            <td>
                                {removable.then(|| view! {
                                    <button type="button" class="button danger" data-needs-js on:click=move |_| removing.set(Some(asked.clone()))>
                                        "Remove"
                                        <span class="visually-hidden">{format!(" {email}")}</span>
                                    </button>
                                })}
                            </td>
                        });
                        view! {
                            <tr>
                                <td data-label="Name">{member.display_name.clone()}</td>
                                <td data-label="Email">{member.email.clone()}</td>
                                <td data-label="Role">
                                    {if editable {
                                        Either::Left(view! { <RoleForm member my_role change /> })
                                    } else {
                                        Either::Right(member.role.label())
                                    }}
                                </td>
                                {remove_cell}
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn RoleForm(member: Member, my_role: Role, change: ServerAction<SetMemberRole>) -> impl IntoView {
    let select_id = format!("role-{}", member.user_id);
    view! {
        <ActionForm action=change attr:class="inline-form">
            <input type="hidden" name="user_id" value=member.user_id.to_string() />
            <label for=select_id.clone() class="visually-hidden">{format!("Role of {}", member.email)}</label>
            <select id=select_id name="role">
                <RoleOptions my_role selected=member.role />
            </select>
            <button type="submit" class="button secondary">
                "Change"
                <span class="visually-hidden">{format!(" role of {}", member.email)}</span>
            </button>
        </ActionForm>
    }
}

/// The roles `my_role` may hand out.
#[component]
fn RoleOptions(my_role: Role, selected: Role) -> impl IntoView {
    Role::ALL
        .into_iter()
        .filter(move |role| my_role.may_grant(*role))
        .map(|role| view! { <option value=role.as_str() selected=role == selected>{role.label()}</option> })
        .collect_view()
}

#[component]
fn AddMemberForm(my_role: Role, add: ServerAction<AddMember>) -> impl IntoView {
    let error = Signal::derive(move || add.value().get().and_then(Result::err));
    let added = move || add.value().get().and_then(Result::ok);
    // Once someone is added the form empties, so a second press adds nobody twice.
    let form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if added().is_some()
            && let Some(form) = form.get_untracked()
        {
            form.reset();
        }
    });
    view! {
        <h3>"Add a member"</h3>
        <p class="hint">"Creates their account with a first password that you hand over. Someone who already has an account joins with the password they have."</p>
        <FormAlert error />
        {move || added().map(|member| view! { <p role="status" class="alert alert-success">{format!("{} was added.", member.email)}</p> })}
        <ActionForm action=add node_ref=form attr:class="stack">
            <div class="field">
                <label for="member-email">"Email"</label>
                <input id="member-email" type="email" name="email" required
                    aria-describedby=error_id("member", "email") aria-invalid=field_invalid(error, "email") />
                <FieldMessage error form="member" field="email" />
            </div>
            <div class="field">
                <label for="member-display_name">"Name"</label>
                <input id="member-display_name" name="display_name" required maxlength="100"
                    aria-describedby=error_id("member", "display_name") aria-invalid=field_invalid(error, "display_name") />
                <FieldMessage error form="member" field="display_name" />
            </div>
            <div class="field">
                <label for="member-role">"Role"</label>
                <select id="member-role" name="role" aria-describedby=error_id("member", "role")>
                    <RoleOptions my_role selected=Role::Member />
                </select>
                <FieldMessage error form="member" field="role" />
            </div>
            <div class="field">
                <label for="member-password">"First password"</label>
                <input id="member-password" type="password" name="password" required minlength="10" autocomplete="new-password"
                    aria-describedby=error_id("member", "password") aria-invalid=field_invalid(error, "password") />
                <FieldMessage error form="member" field="password" />
            </div>
            <button type="submit" class="button">"Add member"</button>
        </ActionForm>
    }
}

#[component]
fn TokensSection() -> impl IntoView {
    let create = ServerAction::<CreateApiToken>::new();
    let revoke = ServerAction::<RevokeApiToken>::new();
    let list = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        |_| api_tokens(),
    );
    let error = Signal::derive(move || {
        create
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| revoke.value().get().and_then(Result::err))
    });
    let revoked = RwSignal::new(None::<Uuid>);
    // The one-time value is shown until its token is revoked.
    let created = move || {
        create
            .value()
            .get()
            .and_then(Result::ok)
            .filter(|created| revoked.get() != Some(created.info.id))
    };
    let revoking = AskFirst::new(
        |token: &ApiTokenInfo| {
            Question {
            title: format!("Revoke the token \u{201c}{}\u{201d}?", token.name),
            detail: "Every client that sends it is refused from now on. This cannot be undone; a new token has a new value.".into(),
            proceed_label: "Revoke".into(),
        }
        },
        move |token: ApiTokenInfo| {
            revoked.set(Some(token.id));
            revoke.dispatch(RevokeApiToken { id: token.id });
        },
    );
    // Once a token is made the name box empties, so a second press makes no twin.
    let token_form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if created().is_some()
            && let Some(form) = token_form.get_untracked()
        {
            form.reset();
        }
    });

    view! {
        <section aria-labelledby="tokens-heading">
            <h2 id="tokens-heading">"API tokens"</h2>
            <p class="hint">"REST clients send a token as " <code>"Authorization: Bearer …"</code> ". A token acts with its creator's role in this workspace."</p>
            <FormAlert error />
            {move || created().map(|created| view! { <NewToken token=created.token /> })}
            // Without JavaScript the page reloads after creating, and the one-time value
            // would be lost: creating a token needs the app.
            <NeedsJavaScript what="Creating or revoking a token" />
            <ActionForm action=create node_ref=token_form attr:class="inline-form" attr:data-needs-js="">
                <label for="token-name">"Token name"</label>
                <input id="token-name" name="name" required maxlength="100" placeholder="CI deploys" />
                <button type="submit" class="button">"Create token"</button>
            </ActionForm>
            <Loaded resource=list loading="Loading tokens…" let:tokens>
                <TokensTable tokens revoking=revoking.pending />
            </Loaded>
            <ConfirmDialog question=revoking.question on_answer=revoking.answer />
        </section>
    }
}

#[component]
fn TokensTable(
    tokens: Vec<ApiTokenInfo>,
    revoking: RwSignal<Option<ApiTokenInfo>>,
) -> impl IntoView {
    if tokens.is_empty() {
        return Either::Left(view! { <p>"No API tokens yet."</p> });
    }
    Either::Right(view! {
        <table class="data-table stacks">
            <thead>
                <tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Starts with"</th>
                    <th scope="col">"Created by"</th>
                    <th scope="col">"Created"</th>
                    <th scope="col">"Last used"</th>
                    <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                </tr>
            </thead>
            <tbody>
                {tokens
                    .into_iter()
                    .map(|token| {
                        let asked = token.clone();
                        view! {
                            <tr>
                                <td data-label="Name">{token.name.clone()}</td>
                                <td data-label="Starts with"><code>{format!("{}…", token.prefix)}</code></td>
                                <td data-label="Created by">{token.owner_email.clone()}</td>
                                <td data-label="Created">{unix_time(token.created_at)}</td>
                                <td data-label="Last used">{token.last_used_at.map_or_else(|| "Never".to_owned(), unix_time)}</td>
                                <td>
                                    <button
                                        type="button"
                                        class="button danger"
                                        data-needs-js
                                        on:click=move |_| revoking.set(Some(asked.clone()))
                                    >
                                        "Revoke"
                                        <span class="visually-hidden">{format!(" token {}", token.name)}</span>
                                    </button>
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    })
}

/// A token just created, shown once, with a Copy button.
#[component]
fn NewToken(token: String) -> impl IntoView {
    let copied = RwSignal::new(false);
    let value = StoredValue::new(token.clone());
    let copy = move |_| {
        #[cfg(feature = "hydrate")]
        {
            let clipboard = window().navigator().clipboard();
            let _ = clipboard.write_text(&value.get_value());
            copied.set(true);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = value;
    };
    view! {
        <div class="alert alert-success" role="status">
            <p><strong>"Copy this token now. It will not be shown again."</strong></p>
            <p class="secret-input">
                <code class="secret-once" data-testid="new-token">{token}</code>
                <button type="button" class="button secondary small" on:click=copy>"Copy"</button>
            </p>
            <p class="field-help">{move || copied.get().then_some("Copied.")}</p>
        </div>
    }
}
