//! The fields every connector instance has besides its schema-driven configuration: name,
//! description and tags, and who may use it (scope and roles). The setup wizard's details
//! step and the detail page share them.

use leptos::prelude::*;

use crate::components::field::{FieldError, FieldHelp, FieldLabel, described_by};
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
    /// The roles ticked; they apply only while `restricted` is chosen.
    pub roles: RwSignal<Vec<Role>>,
    /// "Only the roles ticked" rather than every role that uses connectors.
    pub restricted: RwSignal<bool>,
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
            restricted: RwSignal::new(!roles.is_empty()),
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

    /// The instance's `allowed_roles`: empty (every role) unless restricted; restricted,
    /// owners and admins (who always see and manage it) and the roles ticked.
    pub fn role_list(&self) -> Vec<Role> {
        if !self.restricted.get_untracked() {
            return Vec::new();
        }
        let ticked = self.roles.get_untracked();
        Role::ALL
            .into_iter()
            .filter(|role| role.can_administer() || ticked.contains(role))
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
    ("allowed_roles", "Which roles it is for"),
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
    let help = move |field: &str| format!("{form}-{field}-help");
    view! {
        <div class="field">
            <FieldLabel for_id=id("name") required=true>"Name"</FieldLabel>
            <input
                id=id("name")
                type="text"
                autocomplete="off"
                aria-required="true"
                aria-invalid=invalid(fields, "name")
                aria-describedby=described_by(Some(&help("name")), &error("name"))
                value=fields.name.get_untracked()
                prop:value=move || fields.name.get()
                on:input=move |event| fields.name.set(event_target_value(&event))
            />
            <FieldHelp id=help("name")>"Unique in this tenant, e.g. “Marketing blog”."</FieldHelp>
            <FieldError id=error("name") messages=messages(fields, "name") />
        </div>
        <div class="field">
            <FieldLabel for_id=id("description")>"Description"</FieldLabel>
            <textarea
                id=id("description")
                rows="2"
                aria-invalid=invalid(fields, "description")
                aria-describedby=described_by(None, &error("description"))
                prop:value=move || fields.description.get()
                on:input=move |event| fields.description.set(event_target_value(&event))
            >
                {crate::raw_text::raw_text(fields.description.get_untracked())}
            </textarea>
            <FieldError id=error("description") messages=messages(fields, "description") />
        </div>
        <div class="field">
            <FieldLabel for_id=id("tags")>"Tags"</FieldLabel>
            <input
                id=id("tags")
                type="text"
                autocomplete="off"
                aria-invalid=invalid(fields, "tags")
                aria-describedby=described_by(Some(&help("tags")), &error("tags"))
                value=fields.tags.get_untracked()
                prop:value=move || fields.tags.get()
                on:input=move |event| fields.tags.set(event_target_value(&event))
            />
            <FieldHelp id=help("tags")>"Separated by commas."</FieldHelp>
            <FieldError id=error("tags") messages=messages(fields, "tags") />
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
    let scopes: Vec<(Scope, &'static str)> = [Scope::Tenant, Scope::User, Scope::Global]
        .into_iter()
        .filter(|scope| {
            *scope != Scope::Global
                || may_choose_global
                || fields.scope.get_untracked() == Scope::Global
        })
        .map(|scope| (scope, scope.label()))
        .collect();
    view! {
        <fieldset class="field field-choices" id=format!("{form}-scope")>
            <legend>"Who can see it"</legend>
            <div class="choices">
                {scopes
                    .into_iter()
                    .map(|(scope, label)| {
                        let id = format!("{form}-scope-{}", scope.as_str());
                        radio(id, format!("{form}-scope"), Some(scope.as_str()), fields.scope, scope, label)
                    })
                    .collect_view()}
            </div>
            <FieldError messages=messages(fields, "scope") />
        </fieldset>
        <fieldset class="field field-choices" id=format!("{form}-allowed_roles") aria-describedby=format!("{form}-roles-help")>
            <legend>"Which roles it is for"</legend>
            <FieldHelp id=format!("{form}-roles-help")>
                "Owners and admins always see and manage it. Members see and use it; viewers only see it."
            </FieldHelp>
            <div class="choices">
                {[(false, "Every role"), (true, "Only owners, admins and the roles I tick")]
                    .into_iter()
                    .map(|(restricted, label)| {
                        let id = format!("{form}-roles-{}", if restricted { "some" } else { "all" });
                        let text = view! { <span>{label}</span> };
                        radio(id, format!("{form}-roles"), None, fields.restricted, restricted, text)
                    })
                    .collect_view()}
            </div>
            <div class="choices nested-choices" hidden=move || !fields.restricted.get()>
                {[(Role::Member, "Members, who see and use it"), (Role::Viewer, "Viewers, who only see it")]
                    .into_iter()
                    .map(|(role, label)| {
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
                                <span>{label}</span>
                            </label>
                        }
                    })
                    .collect_view()}
            </div>
            <FieldError messages=messages(fields, "allowed_roles") />
        </fieldset>
    }
}

/// One radio button of a group, inside its label: it shows whether `current` is `mine`,
/// and choosing it sets `current` to `mine`.
fn radio<T>(
    id: String,
    name: String,
    value: Option<&'static str>,
    current: RwSignal<T>,
    mine: T,
    text: impl IntoView + 'static,
) -> impl IntoView
where
    T: Copy + PartialEq + Send + Sync + 'static,
{
    let label_for = id.clone();
    view! {
        <label class="choice" for=label_for>
            <input
                type="radio"
                id=id
                name=name
                value=value
                prop:checked=move || current.get() == mine
                checked=move || current.get() == mine
                on:change=move |_| current.set(mine)
            />
            {text}
        </label>
    }
}

/// Which roles an instance with these `allowed_roles` is for, in words.
pub fn roles_summary(allowed_roles: &[Role]) -> String {
    if allowed_roles.is_empty() {
        return "Every role".to_owned();
    }
    let mut named = vec!["owners", "admins"];
    if allowed_roles.contains(&Role::Member) {
        named.push("members");
    }
    if allowed_roles.contains(&Role::Viewer) {
        named.push("viewers");
    }
    let last = named.pop().unwrap_or_default();
    format!("Only {} and {last}", named.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_read_as_a_sentence() {
        assert_eq!(roles_summary(&[]), "Every role");
        assert_eq!(roles_summary(&[Role::Owner]), "Only owners and admins");
        assert_eq!(
            roles_summary(&[Role::Owner, Role::Admin, Role::Member]),
            "Only owners, admins and members"
        );
        assert_eq!(
            roles_summary(&[Role::Member, Role::Viewer]),
            "Only owners, admins, members and viewers"
        );
    }
}
