//! The fields every connector instance has besides its schema-driven configuration: name,
//! description and tags, and who may use it (scope and roles). The setup wizard's details
//! step and the detail page share them.

use leptos::prelude::*;

use crate::error::FieldErrors;
use crate::model::connector::Scope;
use crate::model::identity::Role;

/// What the fields hold, one signal each; copyable for event handlers.
#[derive(Clone, Copy, Debug)]
pub struct InstanceFields {
    pub name: RwSignal<String>,
    pub description: RwSignal<String>,
    /// Comma-separated, as typed.
    pub tags: RwSignal<String>,
    pub scope: RwSignal<Scope>,
    pub roles: RwSignal<Vec<Role>>,
    /// The server's messages by field (`name`, `description`, `tags`, …).
    pub errors: RwSignal<FieldErrors>,
}

impl InstanceFields {
    pub fn new(
        name: String,
        description: String,
        tags: &[String],
        scope: Scope,
        roles: Vec<Role>,
    ) -> Self {
        InstanceFields {
            name: RwSignal::new(name),
            description: RwSignal::new(description),
            tags: RwSignal::new(tags.join(", ")),
            scope: RwSignal::new(scope),
            roles: RwSignal::new(roles),
            errors: RwSignal::new(FieldErrors::new()),
        }
    }

    /// The fields as an instance has them now.
    pub fn of(connector: &crate::model::connector::Connector) -> Self {
        Self::new(
            connector.name.clone(),
            connector.description.clone(),
            &connector.tags,
            connector.scope,
            connector.allowed_roles.clone(),
        )
    }

    /// The tags as a list: split at commas, trimmed, empty ones left out.
    pub fn tag_list(&self) -> Vec<String> {
        self.tags
            .get_untracked()
            .split(',')
            .map(str::trim)
            .filter(|tag| !tag.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// The browser's own check before sending: a name is required.
    pub fn check(&self) -> bool {
        let mut errors = FieldErrors::new();
        if self.name.get_untracked().trim().is_empty() {
            errors.insert("name".into(), vec!["Required.".into()]);
        }
        let ok = errors.is_empty();
        self.errors.set(errors);
        ok
    }

    /// Summary lines (element id, message) for the error summary.
    pub fn summary(&self, form: &'static str) -> Vec<(String, String)> {
        self.errors.with(|errors| {
            errors
                .iter()
                .filter(|(field, _)| LABELS.iter().any(|(known, _)| known == field))
                .flat_map(|(field, messages)| {
                    let label = LABELS
                        .iter()
                        .find(|(known, _)| known == field)
                        .map_or(field.as_str(), |(_, label)| label);
                    messages.iter().map(move |message| {
                        (format!("{form}-{field}"), format!("{label}: {message}"))
                    })
                })
                .collect()
        })
    }
}

const LABELS: [(&str, &str); 5] = [
    ("name", "Name"),
    ("description", "Description"),
    ("tags", "Tags"),
    ("scope", "Who can see it"),
    ("allowed_roles", "Roles that may use it"),
];

fn messages(fields: InstanceFields, field: &'static str) -> impl Fn() -> String {
    move || {
        fields
            .errors
            .with(|errors| errors.get(field).map(|m| m.join(" ")).unwrap_or_default())
    }
}

fn invalid(fields: InstanceFields, field: &'static str) -> impl Fn() -> Option<&'static str> {
    move || {
        fields
            .errors
            .with(|errors| errors.contains_key(field))
            .then_some("true")
    }
}

/// Name, description and tags.
#[component]
pub fn IdentityFields(fields: InstanceFields, form: &'static str) -> impl IntoView {
    let id = move |field: &str| format!("{form}-{field}");
    let error = move |field: &str| format!("{form}-{field}-error");
    view! {
        <div class="field">
            <label for=id("name")>"Name" <span class="required-mark" aria-hidden="true">" *"</span></label>
            <input
                id=id("name")
                type="text"
                autocomplete="off"
                aria-required="true"
                aria-invalid=invalid(fields, "name")
                aria-describedby=format!("{form}-name-help {}", error("name"))
                prop:value=move || fields.name.get()
                on:input=move |event| fields.name.set(event_target_value(&event))
            />
            <p class="field-help" id=format!("{form}-name-help")>"Unique in this tenant, e.g. “Marketing blog”."</p>
            <p class="field-error" id=error("name")>{messages(fields, "name")}</p>
        </div>
        <div class="field">
            <label for=id("description")>"Description"</label>
            <textarea
                id=id("description")
                rows="2"
                aria-invalid=invalid(fields, "description")
                aria-describedby=error("description")
                prop:value=move || fields.description.get()
                on:input=move |event| fields.description.set(event_target_value(&event))
            >
                {crate::raw_text::raw_text(fields.description.get_untracked())}
            </textarea>
            <p class="field-error" id=error("description")>{messages(fields, "description")}</p>
        </div>
        <div class="field">
            <label for=id("tags")>"Tags"</label>
            <input
                id=id("tags")
                type="text"
                autocomplete="off"
                aria-invalid=invalid(fields, "tags")
                aria-describedby=format!("{form}-tags-help {}", error("tags"))
                prop:value=move || fields.tags.get()
                on:input=move |event| fields.tags.set(event_target_value(&event))
            />
            <p class="field-help" id=format!("{form}-tags-help")>"Separated by commas."</p>
            <p class="field-error" id=error("tags")>{messages(fields, "tags")}</p>
        </div>
    }
}

/// Scope and allowed roles.
#[component]
pub fn AccessFields(
    fields: InstanceFields,
    form: &'static str,
    may_choose_global: bool,
) -> impl IntoView {
    let scopes: Vec<(Scope, &'static str)> = [
        (Scope::Tenant, "Everyone in this tenant"),
        (Scope::User, "Only me (and the tenant's admins)"),
        (Scope::Global, "Every tenant on the platform"),
    ]
    .into_iter()
    .filter(|(scope, _)| {
        *scope != Scope::Global
            || may_choose_global
            || fields.scope.get_untracked() == Scope::Global
    })
    .collect();
    view! {
        <fieldset class="field field-choices" id=format!("{form}-scope")>
            <legend>"Who can see it"</legend>
            <div class="choices">
                {scopes
                    .into_iter()
                    .map(|(scope, label)| {
                        let id = format!("{form}-scope-{}", scope.as_str());
                        let label_for = id.clone();
                        view! {
                            <label class="choice" for=label_for>
                                <input
                                    type="radio"
                                    id=id
                                    name=format!("{form}-scope")
                                    value=scope.as_str()
                                    prop:checked=move || fields.scope.get() == scope
                                    checked=move || fields.scope.get() == scope
                                    on:change=move |_| fields.scope.set(scope)
                                />
                                {label}
                            </label>
                        }
                    })
                    .collect_view()}
            </div>
            <p class="field-error">{messages(fields, "scope")}</p>
        </fieldset>
        <fieldset class="field field-choices" id=format!("{form}-allowed_roles") aria-describedby=format!("{form}-roles-help")>
            <legend>"Roles that may use it"</legend>
            <p class="field-help" id=format!("{form}-roles-help")>"None ticked: every role may use it."</p>
            <div class="choices">
                {Role::ALL
                    .into_iter()
                    .map(|role| {
                        let id = format!("{form}-role-{}", role.as_str());
                        let label_for = id.clone();
                        let ticked = move || fields.roles.with(|roles| roles.contains(&role));
                        view! {
                            <label class="choice" for=label_for>
                                <input
                                    type="checkbox"
                                    id=id
                                    value=role.as_str()
                                    prop:checked=ticked
                                    checked=ticked
                                    on:change=move |event| {
                                        let on = event_target_checked(&event);
                                        fields.roles.update(|roles| {
                                            roles.retain(|r| *r != role);
                                            if on {
                                                roles.push(role);
                                            }
                                        });
                                    }
                                />
                                {role.label()}
                            </label>
                        }
                    })
                    .collect_view()}
            </div>
            <p class="field-error">{messages(fields, "allowed_roles")}</p>
        </fieldset>
    }
}
