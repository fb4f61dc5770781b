//! An instance's status as a badge: a symbol and words, so it never relies on colour.

use leptos::prelude::*;

use crate::model::connector::ConnectorStatus;

fn symbol(status: ConnectorStatus) -> &'static str {
    match status {
        ConnectorStatus::Active => "\u{25cf}",   // ●
        ConnectorStatus::Inactive => "\u{25cb}", // ○
        ConnectorStatus::Pending => "\u{25d4}",  // ◔
        ConnectorStatus::Error => "\u{26a0}",    // ⚠
    }
}

#[component]
pub fn StatusBadge(
    status: ConnectorStatus,
    #[prop(optional)] needs_reentry: bool,
) -> impl IntoView {
    view! {
        <span class=format!("badge status-{}", status.as_str()) data-status=status.as_str()>
            <span aria-hidden="true">{symbol(status)}</span>
            " "
            {status.label()}
        </span>
        <Show when=move || needs_reentry>
            <span class="badge status-error" data-status="needs-reentry">
                <span aria-hidden="true">"\u{26a0}"</span>
                " Credentials need re-entry"
            </span>
        </Show>
    }
}
