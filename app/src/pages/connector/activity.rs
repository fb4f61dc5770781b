//! The Activity tab: the instance's audit trail, with the credential reads apart.

use leptos::either::Either;
use leptos::prelude::*;
use uuid::Uuid;

use crate::api::connectors::connector_audit;
use crate::components::activity::{FieldNames, described, is_credential_read};
use crate::components::suspense::Loaded;
use crate::components::time::shown_time;
use crate::model::ConnectorType;
use crate::model::connector::AuditEntry;

#[component]
pub(super) fn ActivityTab(id: Uuid, entry: ConnectorType) -> impl IntoView {
    let entries = Resource::new(|| (), move |_| connector_audit(id));
    let names = StoredValue::new(FieldNames::of(&entry));
    view! {
        <Loaded resource=entries loading="Loading the activity…" let:entries>
            {
                match entries {
                    entries if entries.is_empty() => Either::Left(view! { <p>"No activity yet."</p> }),
                    entries => {
                        let (reads, changes): (Vec<_>, Vec<_>) =
                            entries.into_iter().partition(is_credential_read);
                        Either::Right(view! {
                            <ActivityTable entries=changes names caption="Activity, newest first" />
                            {(!reads.is_empty()).then(|| view! {
                                <details class="credential-reads">
                                    <summary>{format!("Credential reads ({})", reads.len())}</summary>
                                    <p class="field-help">"Each test, health check and use reads the stored credentials; every read is recorded."</p>
                                    <ActivityTable entries=reads names caption="Credential reads, newest first" />
                                </details>
                            })}
                        })
                    }
                }
            }
        </Loaded>
    }
}

/// Audit entries as a table: when (one time format), who, and what happened in words.
#[component]
fn ActivityTable(
    entries: Vec<AuditEntry>,
    names: StoredValue<FieldNames>,
    caption: &'static str,
) -> impl IntoView {
    view! {
        <table class="activity stacks">
            <caption class="visually-hidden">{caption}</caption>
            <thead><tr><th scope="col">"When"</th><th scope="col">"Who"</th><th scope="col">"What"</th></tr></thead>
            <tbody>
                {entries.into_iter().map(|entry| view! {
                    <tr>
                        <td data-label="When">{shown_time(&entry.at)}</td>
                        <td data-label="Who">{entry.actor.clone().unwrap_or_else(|| "The system".to_owned())}</td>
                        <td data-label="What">{names.with_value(|names| described(&entry, names))}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}
