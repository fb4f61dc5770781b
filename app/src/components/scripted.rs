//! What only works with the browser app running, and what a page says without it.
//!
//! Most screens are server-rendered and read fine with JavaScript off; the catalog search,
//! sign-in, settings and the wizard's first step are plain forms that work without it. The
//! rest (schema forms, saving credentials, connection tests, status changes) is the WASM
//! app's work. Decision: those controls are not rebuilt as plain forms; without JavaScript
//! they are hidden and a sentence says so, instead of buttons that do nothing or forms
//! that reload the page and lose what was typed.
//!
//! One rule, in one place:
//! - A control that needs the app carries `data-needs-js`; a sentence for people without
//!   it carries the class `without-js`. [`WithoutScriptStyle`], a `noscript` element in the
//!   document head that links `public/no-script.css`, hides the first and shows the second only when scripting is off, so
//!   nothing flashes while the app loads.
//! - A form the app sends posts to [`JS_ONLY_ACTION`] if the browser ever submits it itself:
//!   never a GET to the page, which would put what was typed (a password) in the URL, the
//!   history and the access logs. The server answers that address with a page that says
//!   nothing was saved, without reading the body.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;

/// The address of [`ScriptedForm`]s for a browser that submits them without the app.
pub const JS_ONLY_ACTION: &str = "/needs-javascript";

/// The style sheet that applies only when scripting is off, served from `public/`.
pub const WITHOUT_SCRIPT_STYLESHEET: &str = "/no-script.css";

/// For the document head: a link to [`WITHOUT_SCRIPT_STYLESHEET`] in a `noscript`
/// element. A link, not inline rules: the Content-Security-Policy allows style sheets
/// from this origin only. The server renderer writes a `noscript` element's content
/// verbatim, so it holds this constant link and nothing else (`app/tests/raw_text.rs`
/// allows this one line and no other such element).
#[component]
pub fn WithoutScriptStyle() -> impl IntoView {
    view! { <noscript><link rel="stylesheet" href=WITHOUT_SCRIPT_STYLESHEET /></noscript> }
}

/// A form that only the app sends: `on_submit` handles it (and must prevent the default).
/// Without JavaScript it is hidden, unless `keep_visible` (a page people also read, like
/// a connector's configuration): then the caller marks its buttons `data-needs-js`.
#[component]
pub fn ScriptedForm(
    #[prop(into)] class: String,
    on_submit: impl FnMut(SubmitEvent) + 'static,
    #[prop(optional)] keep_visible: bool,
    children: Children,
) -> impl IntoView {
    view! {
        <form
            class=class
            method="post"
            action=JS_ONLY_ACTION
            data-needs-js=(!keep_visible).then_some("")
            novalidate
            on:submit=on_submit
        >
            {children()}
        </form>
    }
}

/// The sentence shown instead of the app-only controls when JavaScript is off. `what` is
/// the thing that needs it, as the start of a sentence ("Saving this step").
#[component]
pub fn NeedsJavaScript(what: &'static str) -> impl IntoView {
    view! {
        <div class="callout without-js" role="note">
            <p>
                {what}
                " needs JavaScript. Turn it on in your browser and reload this page."
            </p>
        </div>
    }
}
