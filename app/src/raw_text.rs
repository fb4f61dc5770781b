//! Text for the elements whose content the server renderer writes verbatim.
//!
//! When rendering on the server, tachys (Leptos 0.8's renderer) writes the children of
//! `<textarea>`, `<script>`, `<style>` and `<noscript>` without escaping them, and
//! leptos_meta writes the document's `<title>` the same way (an upstream change that
//! escaped them was reverted). Text that people typed, a connector's name or a config
//! value, must never reach those places as it is: `</textarea><img onerror=…>` would close
//! the element and run in the browser of everyone who opens the page (a stored XSS).
//!
//! The rule, in one place: the only user text in such elements is the content of a
//! `<textarea>` and the page title, and both pass through [`raw_text`]. `<script>`,
//! `<style>` and `<noscript>` never hold user text (`app/tests/raw_text.rs` holds the views
//! to this, and `server/tests/integration/hostile_pages.rs` renders every page with hostile
//! strings).
//!
//! `<textarea>` and `<title>` are "escapable raw text" in HTML: the browser decodes
//! character references in them, so escaped text shows exactly as typed. In the browser
//! build the text is set through the DOM (`textContent`, `document.title`), which never
//! parses markup, so it is left alone there; escaping it would show `&lt;` to the user.

/// `text` made safe as the content of a `<textarea>` or `<title>` rendered on the server;
/// unchanged in the browser.
pub fn raw_text(text: impl AsRef<str>) -> String {
    #[cfg(feature = "ssr")]
    {
        html_escape::encode_text(text.as_ref()).into_owned()
    }
    #[cfg(not(feature = "ssr"))]
    {
        text.as_ref().to_owned()
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn markup_cannot_close_the_element() {
        assert_eq!(
            raw_text("</textarea><img src=x onerror=alert(1)>"),
            "&lt;/textarea&gt;&lt;img src=x onerror=alert(1)&gt;"
        );
        assert_eq!(raw_text("a & b"), "a &amp; b");
        assert_eq!(raw_text("plain text"), "plain text");
    }
}
