use leptos::prelude::*;
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

/// Characters that must be escaped for an SVG inside a `data:` URI.
const DATA_URI: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'\'');

/// A `data:` URI for an SVG document.
pub fn svg_data_uri(svg: &str) -> String {
    format!("data:image/svg+xml,{}", utf8_percent_encode(svg, DATA_URI))
}

/// A connector type's icon. The SVG is shown through `<img>`, where it cannot run
/// scripts or restyle the page, rather than inlined as markup. Decorative: the name
/// next to it says what it is.
#[component]
pub fn ConnectorIcon(svg: String, #[prop(default = 40)] size: u32) -> impl IntoView {
    view! { <img class="connector-icon" src=svg_data_uri(&svg) alt="" width=size height=size /> }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_uri_escapes_markup() {
        let uri = svg_data_uri(r##"<svg fill="#fff"/>"##);
        assert_eq!(uri, "data:image/svg+xml,%3Csvg%20fill=%22%23fff%22/%3E");
    }
}
