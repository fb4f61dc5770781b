//! Holds the views to the rule in `app/src/raw_text.rs`: the server renderer writes the
//! children of `<textarea>`, `<script>`, `<style>` and `<noscript>` (and the page title)
//! verbatim, so user text reaches a `<textarea>` only through `raw_text`, and the other
//! raw-text elements, like `inner_html`, are not used in views at all.
//! `server/tests/integration/hostile_pages.rs` checks the rendered pages themselves.

use std::path::{Path, PathBuf};

fn sources(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read app/src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            sources(&path, found);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            found.push(path);
        }
    }
}

fn app_sources() -> Vec<(PathBuf, String)> {
    let mut paths = Vec::new();
    sources(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut paths,
    );
    paths
        .into_iter()
        .filter(|path| !path.ends_with("raw_text.rs"))
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("read source");
            (path, text)
        })
        .collect()
}

/// The children of each `<textarea …>…</textarea>` in `source`: what follows the line
/// that closes the opening tag (a lone `>`), or nothing for `></textarea>`.
fn textarea_children(source: &str) -> Vec<String> {
    let mut children = Vec::new();
    let mut rest = source;
    while let Some(start) = rest.find("<textarea") {
        let block = &rest[start..];
        let end = block.find("</textarea>").expect("a closed textarea");
        let element = &block[..end];
        let body = element
            .lines()
            .position(|line| line.trim() == ">")
            .map(|at| element.lines().skip(at + 1).collect::<Vec<_>>().join("\n"))
            .unwrap_or_default();
        children.push(body);
        rest = &block[end..];
    }
    children
}

#[test]
fn textarea_children_pass_through_raw_text() {
    let mut checked = 0;
    for (path, source) in app_sources() {
        for body in textarea_children(&source) {
            checked += 1;
            assert!(
                body.trim().is_empty() || body.contains("raw_text("),
                "{}: a <textarea> child that does not pass through raw_text: {body}",
                path.display()
            );
        }
    }
    assert!(
        checked >= 3,
        "found only {checked} textareas: the scan is broken"
    );
}

/// The one sanctioned raw-text element: a constant link to the style sheet for browsers
/// without JavaScript (`app/src/components/scripted.rs`).
const WITHOUT_SCRIPT_STYLE: &str =
    "<noscript><link rel=\"stylesheet\" href=WITHOUT_SCRIPT_STYLESHEET /></noscript>";

#[test]
fn views_use_no_other_raw_text_element_or_inner_html() {
    let mut sanctioned = 0;
    for (path, source) in app_sources() {
        sanctioned += source.matches(WITHOUT_SCRIPT_STYLE).count();
        let source = source.replace(WITHOUT_SCRIPT_STYLE, "");
        for forbidden in ["<script", "<style", "<noscript", "inner_html"] {
            assert!(
                !source.contains(forbidden),
                "{} uses {forbidden}, whose content the server writes verbatim",
                path.display()
            );
        }
    }
    assert_eq!(sanctioned, 1, "the no-script style sheet is written once");
}

#[test]
fn the_scan_finds_unescaped_children() {
    let unsafe_view = "<textarea\n    id=x\n>\n    {value.get_untracked()}\n</textarea>";
    let safe_view = "<textarea\n    id=x\n>\n    {raw_text(value.get_untracked())}\n</textarea>";
    assert_eq!(
        textarea_children(unsafe_view),
        ["    {value.get_untracked()}"]
    );
    assert!(textarea_children(safe_view)[0].contains("raw_text("));
    assert_eq!(textarea_children("<textarea id=x></textarea>"), [""]);
}
