//! A form field's chrome, one for every form: its label with the required mark, its help,
//! its error line, and the `aria-describedby` that ties help and error to the input. The
//! schema forms (`schema_form/chrome.rs`) and the connector's own fields
//! (`connector_fields.rs`) use all of it; the setup and settings forms show their server
//! errors through it (`forms::FieldMessage`).

use leptos::prelude::*;

/// The mark after a required field's label; screen readers hear `aria-required` instead.
#[component]
pub fn RequiredMark() -> impl IntoView {
    view! { <span class="required-mark" aria-hidden="true">" *"</span> }
}

/// A field's label: `children` (its text), and the required mark when `required`.
#[component]
pub fn FieldLabel(
    /// The id of the input it names.
    #[prop(into)]
    for_id: String,
    #[prop(optional)] required: bool,
    children: Children,
) -> impl IntoView {
    view! {
        <label for=for_id>
            {children()}
            {required.then(|| view! { <RequiredMark /> })}
        </label>
    }
}

/// A field's help, under the input; its `id` goes in the input's `aria-describedby`.
#[component]
pub fn FieldHelp(#[prop(into)] id: String, children: Children) -> impl IntoView {
    view! { <p class="field-help" id=id>{children()}</p> }
}

/// A field's error line: always there (empty while the field is fine), so the input's
/// `aria-describedby` can point at it by `id`. `messages` is read reactively; `live`
/// announces changes politely (for forms the server answers without a page load), `alert`
/// at once (for a field edited in place, whose save fails where the person is looking).
#[component]
pub fn FieldError<F, M>(
    #[prop(optional, into)] id: Option<String>,
    #[prop(optional)] live: bool,
    #[prop(optional)] alert: bool,
    messages: F,
) -> impl IntoView
where
    F: Fn() -> M + Send + Sync + 'static,
    M: IntoView + 'static,
{
    view! {
        <p class="field-error" id=id aria-live=live.then_some("polite") role=alert.then_some("alert")>
            {messages}
        </p>
    }
}

/// `aria-describedby` for an input: its help (if it has one), then its error line.
pub fn described_by(help: Option<&str>, error: &str) -> String {
    match help {
        Some(help) => format!("{help} {error}"),
        None => error.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::described_by;

    #[test]
    fn help_comes_before_the_error_line() {
        assert_eq!(
            described_by(Some("f-name-help"), "f-name-error"),
            "f-name-help f-name-error"
        );
        assert_eq!(described_by(None, "f-tags-error"), "f-tags-error");
    }
}
